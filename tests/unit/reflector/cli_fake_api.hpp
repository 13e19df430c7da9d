// A stand-in for the daemon's HTTP API in the CLI's tests: a synchronous
// Boost.Beast server on 127.0.0.1 (or a unix socket) in its own thread that
// answers each request from a table of canned replies, records what it was
// asked, and plays a list of WebSocket messages on /api/v1/watch.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace cli_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

struct Seen {
    std::string method, target, authorization, body;
};

struct Canned {
    unsigned status = 200;
    std::string body;
};

template <class Protocol>
class FakeApi {
  public:
    /// Listens at once; replies come from `replies` ("GET /api/v1/status" -> reply);
    /// anything else is a 404 {"error":"no such path"}.
    FakeApi(typename Protocol::endpoint endpoint, std::map<std::string, Canned> replies)
        : acceptor_(io_, endpoint),
          endpoint_(acceptor_.local_endpoint()),
          replies_(std::move(replies)) {
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeApi() {
        stop_ = true;
        boost::system::error_code ec;
        typename Protocol::socket poke(io_);
        poke.connect(endpoint_, ec);  // wakes the blocking accept
        thread_.join();
    }
    FakeApi(const FakeApi&) = delete;
    FakeApi& operator=(const FakeApi&) = delete;

    /// Text frames sent on /api/v1/watch, then a close with `close_reason` (when
    /// not empty) or, when empty, a wait for the client to close.
    void set_watch(std::vector<std::string> messages, std::string close_reason) {
        const std::lock_guard lock(mutex_);
        watch_messages_ = std::move(messages);
        watch_close_reason_ = std::move(close_reason);
    }
    /// Accepts connections but never answers (for timeouts).
    void set_silent() { silent_ = true; }

    [[nodiscard]] std::vector<Seen> seen() const {
        const std::lock_guard lock(mutex_);
        return seen_;
    }

  private:
    void serve() {
        while (!stop_) {
            typename Protocol::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stop_) return;
            if (silent_) {
                silent_sockets_.push_back(std::move(socket));  // held open, unanswered
                continue;
            }
            handle(std::move(socket));
        }
    }

    void handle(typename Protocol::socket socket) {
        boost::system::error_code ec;
        beast::flat_buffer buffer;
        http::request<http::string_body> req;
        http::read(socket, buffer, req, ec);
        if (ec) return;
        {
            const std::lock_guard lock(mutex_);
            seen_.push_back(Seen{std::string(req.method_string()), std::string(req.target()),
                                 std::string(req[http::field::authorization]), req.body()});
        }
        if (websocket::is_upgrade(req)) {
            watch(std::move(socket), req);
            return;
        }
        Canned reply{404, R"({"error":"no such path"})"};
        {
            const std::lock_guard lock(mutex_);
            const auto it =
                replies_.find(std::string(req.method_string()) + " " + std::string(req.target()));
            if (it != replies_.end()) reply = it->second;
        }
        http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
        res.set(http::field::content_type, "application/json");
        res.body() = reply.body;
        res.prepare_payload();
        http::write(socket, res, ec);
        socket.shutdown(asio::socket_base::shutdown_both, ec);
    }

    void watch(typename Protocol::socket socket, const http::request<http::string_body>& req) {
        std::vector<std::string> messages;
        std::string reason;
        {
            const std::lock_guard lock(mutex_);
            messages = watch_messages_;
            reason = watch_close_reason_;
        }
        websocket::stream<typename Protocol::socket> ws(std::move(socket));
        boost::system::error_code ec;
        ws.accept(req, ec);
        if (ec) return;
        ws.text(true);
        for (const auto& m : messages) {
            ws.write(asio::buffer(m), ec);
            if (ec) return;
        }
        if (!reason.empty()) {
            ws.close(websocket::close_reason(websocket::close_code::going_away, reason), ec);
            return;
        }
        beast::flat_buffer buffer;
        ws.read(buffer, ec);  // until the client closes (websocket::error::closed)
    }

    asio::io_context io_;
    typename Protocol::acceptor acceptor_;
    typename Protocol::endpoint endpoint_;
    std::map<std::string, Canned> replies_;
    std::vector<std::string> watch_messages_;
    std::string watch_close_reason_;
    std::vector<typename Protocol::socket> silent_sockets_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> silent_{false};
    mutable std::mutex mutex_;
    std::vector<Seen> seen_;
    std::thread thread_;
};

using TcpFakeApi = FakeApi<asio::ip::tcp>;
using UnixFakeApi = FakeApi<asio::local::stream_protocol>;

inline asio::ip::tcp::endpoint loopback(std::uint16_t port) {
    return {asio::ip::make_address("127.0.0.1"), port};
}

}  // namespace cli_test
