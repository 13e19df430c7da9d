// The CLI's HTTP client of the daemon's API (api_client.hpp): Boost.Beast over
// TCP or a unix socket, run on a private io_context with a timeout per step.
#include "cli/api_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <fstream>

#include "cli/api_stream.hpp"
#include "cli/args.hpp"

namespace bgp::reflector::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

ApiEndpoint ApiEndpoint::parse(std::string_view text) {
    ApiEndpoint e;
    e.text = std::string(text);
    if (!text.empty() && text.front() == '/') {
        e.unix_path = e.text;
        return e;
    }
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        throw UsageError("--api: expected ADDRESS:PORT or a unix socket path, got '" + e.text +
                         "'");
    auto host = text.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']')
            throw UsageError("--api: expected [IPv6]:PORT, got '" + e.text + "'");
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        throw UsageError("--api: write an IPv6 address in brackets: [" + std::string(host) +
                         "]:PORT");
    }
    const auto port_text = text.substr(colon + 1);
    unsigned port = 0;
    const auto [ptr, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
        port == 0 || port > 65535)
        throw UsageError("--api: expected a port 1..65535 in '" + e.text + "'");
    e.host = std::string(host);
    e.port = static_cast<std::uint16_t>(port);
    return e;
}

std::string read_token_file(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) throw ApiError("cannot read the token file " + path);
    const auto first = line.find_first_not_of(" \t\r");
    const auto last = line.find_last_not_of(" \t\r");
    if (first == std::string::npos) throw ApiError("the token file " + path + " is empty");
    return line.substr(first, last - first + 1);
}

namespace detail {

std::string failure(const ApiEndpoint& endpoint, std::string_view what, const error_code& ec,
                    std::chrono::seconds timeout) {
    if (ec == beast::error::timeout)
        return "no answer from the API at " + endpoint.text + " within " +
               std::to_string(timeout.count()) + " s (" + std::string(what) + ")";
    return "the API at " + endpoint.text + ": " + std::string(what) + ": " + ec.message();
}

namespace {

[[noreturn]] void connect_failed(const ApiEndpoint& endpoint, const error_code& ec,
                                 std::chrono::seconds timeout) {
    std::string why = ec == beast::error::timeout
                          ? "no answer within " + std::to_string(timeout.count()) + " s"
                          : ec.message();
    throw ApiError("cannot connect to the API at " + endpoint.text + ": " + why +
                   " (is bgp-reflector running? is api.listen set?)");
}

}  // namespace

void connect(beast::tcp_stream& stream, asio::io_context& io, const ApiEndpoint& endpoint,
             std::chrono::seconds timeout) {
    asio::ip::tcp::resolver resolver(io);
    error_code ec;
    const auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port),
                                          asio::ip::resolver_base::numeric_service, ec);
    if (ec) connect_failed(endpoint, ec, timeout);
    stream.expires_after(timeout);
    stream.async_connect(results, [&](const error_code& e, const auto&) { ec = e; });
    run(io);
    if (ec) connect_failed(endpoint, ec, timeout);
}

void connect(UnixStream& stream, asio::io_context& io, const ApiEndpoint& endpoint,
             std::chrono::seconds timeout) {
    error_code ec;
    stream.expires_after(timeout);
    stream.async_connect(asio::local::stream_protocol::endpoint(endpoint.unix_path),
                         [&](const error_code& e) { ec = e; });
    run(io);
    if (ec) connect_failed(endpoint, ec, timeout);
}

}  // namespace detail

namespace {

template <class Stream>
HttpReply exchange(Stream& stream, asio::io_context& io, http::request<http::string_body>& req,
                   const ApiEndpoint& endpoint, std::chrono::seconds timeout) {
    error_code ec;
    stream.expires_after(timeout);
    http::async_write(stream, req, [&](const error_code& e, std::size_t) { ec = e; });
    detail::run(io);
    if (ec) throw ApiError(detail::failure(endpoint, "sending the request", ec, timeout));

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);  // 1 GiB: a large RIB, still bounded
    while (!parser.is_done()) {
        stream.expires_after(timeout);  // a timeout per read, not for the whole body
        http::async_read_some(stream, buffer, parser,
                              [&](const error_code& e, std::size_t) { ec = e; });
        detail::run(io);
        if (ec) throw ApiError(detail::failure(endpoint, "reading the reply", ec, timeout));
    }
    auto res = parser.release();
    error_code ignored;
    stream.socket().shutdown(asio::socket_base::shutdown_both, ignored);
    return HttpReply{res.result_int(), std::string(res.reason()), std::move(res.body())};
}

}  // namespace

ApiClient::ApiClient(ApiEndpoint endpoint, std::string token, std::chrono::seconds timeout)
    : endpoint_(std::move(endpoint)), token_(std::move(token)), timeout_(timeout) {}

HttpReply ApiClient::request(std::string_view method, const std::string& target,
                             const std::string& body) const {
    http::request<http::string_body> req;
    req.method(http::string_to_verb(method));
    req.target(target);
    req.version(11);
    req.set(http::field::host,
            endpoint_.unix_path.empty() ? endpoint_.text : std::string("localhost"));
    req.set(http::field::user_agent, "bgp-reflector-cli");
    req.set(http::field::accept, "application/json");
    req.set(http::field::connection, "close");
    if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
    if (!body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = body;
    }
    req.prepare_payload();

    asio::io_context io;
    if (!endpoint_.unix_path.empty()) {
        detail::UnixStream stream(io);
        detail::connect(stream, io, endpoint_, timeout_);
        return exchange(stream, io, req, endpoint_, timeout_);
    }
    beast::tcp_stream stream(io);
    detail::connect(stream, io, endpoint_, timeout_);
    return exchange(stream, io, req, endpoint_, timeout_);
}

}  // namespace bgp::reflector::cli
