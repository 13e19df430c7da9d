// The CLI's WebSocket client of GET /api/v1/watch (ApiClient::watch in
// api_client.hpp): RFC 6455 over TCP or a unix socket with Boost.Beast; reads
// text frames until the caller has enough, the server closes, or SIGINT/SIGTERM.
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <csignal>
#include <functional>
#include <optional>

#include "cli/api_client.hpp"
#include "cli/api_stream.hpp"

namespace bgp::reflector::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using boost::system::error_code;

namespace {

struct WatchRun {
    const ApiEndpoint& endpoint;
    const std::string& token;
    std::chrono::seconds timeout;
    const std::string& target;
    const std::function<bool(const std::string&)>& on_message;
    bool handle_signals;
};

template <class Stream>
std::string watch_on(Stream next, asio::io_context& io, const WatchRun& w) {
    websocket::stream<Stream> ws(std::move(next));
    beast::get_lowest_layer(ws).expires_never();  // the WebSocket's own timeouts from here
    websocket::stream_base::timeout t{};
    t.handshake_timeout = w.timeout;  // also bounds the closing handshake
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws.set_option(t);
    ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
        req.set(http::field::user_agent, "bgp-reflector-cli");
        if (!w.token.empty()) req.set(http::field::authorization, "Bearer " + w.token);
    }));
    ws.read_message_max(std::uint64_t{64} << 20);  // one event: 64 MiB at most

    error_code ec;
    websocket::response_type res;
    const std::string host = w.endpoint.unix_path.empty() ? w.endpoint.text : "localhost";
    ws.async_handshake(res, host, w.target, [&](const error_code& e) { ec = e; });
    detail::run(io);
    if (ec) {
        if (res.result_int() != 0 && res.result() != http::status::switching_protocols) {
            std::string text = "the API at " + w.endpoint.text +
                               " refused the watch stream: HTTP " +
                               std::to_string(res.result_int()) + " " + std::string(res.reason());
            if (!res.body().empty()) text += ": " + res.body();
            throw ApiError(text);
        }
        throw ApiError(detail::failure(w.endpoint, "opening the watch stream", ec, w.timeout));
    }

    std::optional<asio::signal_set> signals;
    bool closing = false;
    bool server_closed = false;
    error_code failed;
    beast::flat_buffer buffer;
    const auto close = [&] {
        if (closing) return;
        closing = true;
        if (signals) signals->cancel();
        ws.async_close(websocket::close_code::normal, [](const error_code&) {});
    };
    if (w.handle_signals) {
        signals.emplace(io, SIGINT, SIGTERM);
        signals->async_wait([&](const error_code& e, int) {
            if (!e) close();
        });
    }
    std::function<void()> read_next = [&] {
        ws.async_read(buffer, [&](const error_code& e, std::size_t) {
            if (e) {
                if (!closing && e == websocket::error::closed) server_closed = true;
                if (!closing && e != websocket::error::closed) failed = e;
                closing = true;
                if (signals) signals->cancel();
                return;
            }
            bool more = false;
            try {
                more = w.on_message(beast::buffers_to_string(buffer.data()));
            } catch (...) {
                more = false;
            }
            buffer.consume(buffer.size());
            if (more && !closing) {
                read_next();
            } else {
                close();
            }
        });
    };
    read_next();
    detail::run(io);
    if (failed)
        throw ApiError(detail::failure(w.endpoint, "reading the watch stream", failed, w.timeout));
    return server_closed ? std::string(ws.reason().reason.c_str()) : std::string();
}

}  // namespace

std::string ApiClient::watch(const std::string& target,
                             const std::function<bool(const std::string&)>& on_message,
                             bool handle_signals) const {
    const WatchRun w{endpoint_, token_, timeout_, target, on_message, handle_signals};
    asio::io_context io;
    if (!endpoint_.unix_path.empty()) {
        detail::UnixStream stream(io);
        detail::connect(stream, io, endpoint_, timeout_);
        return watch_on(std::move(stream), io, w);
    }
    beast::tcp_stream stream(io);
    detail::connect(stream, io, endpoint_, timeout_);
    return watch_on(std::move(stream), io, w);
}

}  // namespace bgp::reflector::cli
