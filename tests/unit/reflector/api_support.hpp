// Test support for the HTTP API tests (api_*_test.cpp): a reflector Daemon with
// its API Server on 127.0.0.1 (ports 27000-27499), client speakers (iBGP
// reflector clients), and HTTP / WebSocket clients that run on the same
// io_context as the daemon (asynchronous, no threads), over real sockets.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/server.hpp"
#include "bgp/speaker/speaker.hpp"
#include "config.hpp"
#include "daemon.hpp"
#include "daemon_support.hpp"

namespace api_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
namespace wire = bgp::wire;
using namespace std::chrono_literals;

using reflector_test::client;
using reflector_test::established;
using reflector_test::ip;
using reflector_test::pfx;
using reflector_test::run_until;

/// The reflector's file: BGP on 127.0.0.1:bgp_port, neighbours 127.0.0.2 and
/// 127.0.0.3 (passive clients), then `extra` (more top-level keys, e.g. api).
inline std::string reflector_yaml(std::uint16_t bgp_port, const std::string& extra = {}) {
    return "router-id: 10.0.0.1\n"
           "asn: 64512\n"
           "cluster-id: 10.255.0.1\n"
           "log-level: warning\n"
           "listen: { address: 127.0.0.1, port: " +
           std::to_string(bgp_port) +
           " }\n"
           "neighbors:\n"
           "  - { address: 127.0.0.2, asn: 64512, passive: true, route-reflector-client: true, "
           "hold-time: 9, description: node-a }\n"
           "  - { address: 127.0.0.3, asn: 64512, passive: true, route-reflector-client: true, "
           "hold-time: 9 }\n" +
           extra;
}

struct HttpResult {
    bool done = false;
    std::string error;  ///< transport error, if any
    unsigned status = 0;
    std::string body;
    http::response<http::string_body> response;
    json::value json;  ///< body parsed (null if not JSON)
};

/// One HTTP/1.1 request over a new TCP connection (Connection: close).
inline std::shared_ptr<HttpResult> http_start(asio::io_context& io, std::uint16_t port,
                                              http::verb method, const std::string& target,
                                              const std::string& body = {},
                                              const std::string& token = {}) {
    struct Op {
        asio::ip::tcp::socket socket;
        beast::flat_buffer buffer;
        http::request<http::string_body> request;
        std::shared_ptr<HttpResult> result = std::make_shared<HttpResult>();
        explicit Op(asio::io_context& c) : socket(c) {}
        void fail(const boost::system::error_code& ec) {
            result->error = ec.message();
            result->done = true;
        }
    };
    auto op = std::make_shared<Op>(io);
    op->request = {method, target, 11};
    op->request.set(http::field::host, "127.0.0.1");
    op->request.keep_alive(false);
    if (!token.empty()) op->request.set(http::field::authorization, "Bearer " + token);
    if (!body.empty() || method == http::verb::post) {
        op->request.set(http::field::content_type, "application/json");
        op->request.body() = body;
        op->request.prepare_payload();
    }
    const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    op->socket.async_connect(ep, [op](const boost::system::error_code& ec) {
        if (ec) return op->fail(ec);
        http::async_write(
            op->socket, op->request, [op](const boost::system::error_code& wec, std::size_t) {
                if (wec) return op->fail(wec);
                http::async_read(op->socket, op->buffer, op->result->response,
                                 [op](const boost::system::error_code& rec, std::size_t) {
                                     if (rec) return op->fail(rec);
                                     auto& r = *op->result;
                                     r.status = r.response.result_int();
                                     r.body = r.response.body();
                                     boost::system::error_code jec;
                                     r.json = json::parse(r.body, jec);
                                     if (jec) r.json = nullptr;
                                     r.done = true;
                                 });
            });
    });
    return op->result;
}

/// http_start, run until answered.
inline HttpResult http_call(asio::io_context& io, std::uint16_t port, http::verb method,
                            const std::string& target, const std::string& body = {},
                            const std::string& token = {}) {
    auto r = http_start(io, port, method, target, body, token);
    REQUIRE(run_until(io, [&] { return r->done; }));
    INFO(r->error);
    REQUIRE(r->error.empty());
    return *r;
}

inline HttpResult get(asio::io_context& io, std::uint16_t port, const std::string& target) {
    return http_call(io, port, http::verb::get, target);
}

/// Raw bytes to the server; everything it sends until it closes.
inline std::string raw_exchange(asio::io_context& io, std::uint16_t port,
                                const std::string& bytes) {
    struct Op {
        asio::ip::tcp::socket socket;
        std::string out;
        std::string in;
        bool done = false;
        explicit Op(asio::io_context& c) : socket(c) {}
    };
    auto op = std::make_shared<Op>(io);
    op->out = bytes;
    const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    op->socket.async_connect(ep, [op](const boost::system::error_code& ec) {
        if (ec) {
            op->done = true;
            return;
        }
        asio::async_write(
            op->socket, asio::buffer(op->out), [op](const boost::system::error_code&, std::size_t) {
                asio::async_read(
                    op->socket, asio::dynamic_buffer(op->in),
                    [op](const boost::system::error_code&, std::size_t) { op->done = true; });
            });
    });
    REQUIRE(run_until(io, [&] { return op->done; }));
    return op->in;
}

/// A WebSocket client of /api/v1/watch: every text frame received, parsed.
class WatchClient {
  public:
    WatchClient(asio::io_context& io, std::uint16_t port) : state_(std::make_shared<State>(io)) {
        auto s = state_;
        const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
        s->ws.next_layer().async_connect(ep, [s](const boost::system::error_code& ec) {
            if (ec) return s->finish(ec);
            s->ws.async_handshake("127.0.0.1", "/api/v1/watch",
                                  [s](const boost::system::error_code& hec) {
                                      if (hec) return s->finish(hec);
                                      s->open = true;
                                      read(s);
                                  });
        });
    }
    ~WatchClient() {
        boost::system::error_code ignored;
        state_->ws.next_layer().close(ignored);
    }
    WatchClient(const WatchClient&) = delete;
    WatchClient& operator=(const WatchClient&) = delete;

    [[nodiscard]] bool open() const { return state_->open; }
    [[nodiscard]] bool closed() const { return state_->closed; }
    [[nodiscard]] const std::vector<json::value>& messages() const { return state_->messages; }
    /// Index of the first message at or after `from` for which `match` holds.
    [[nodiscard]] std::optional<std::size_t> find(
        const std::function<bool(const json::object&)>& match, std::size_t from = 0) const {
        const auto& m = state_->messages;
        for (std::size_t i = from; i < m.size(); ++i)
            if (m[i].is_object() && match(m[i].as_object())) return i;
        return std::nullopt;
    }
    /// Stops reading (the server's writes then back up).
    void pause() { state_->paused = true; }

  private:
    struct State {
        websocket::stream<asio::ip::tcp::socket> ws;
        beast::flat_buffer buffer;
        std::vector<json::value> messages;
        bool open = false;
        bool closed = false;
        bool paused = false;
        explicit State(asio::io_context& io) : ws(io) {}
        void finish(const boost::system::error_code&) { closed = true; }
    };
    static void read(const std::shared_ptr<State>& s) {
        s->ws.async_read(s->buffer, [s](const boost::system::error_code& ec, std::size_t) {
            if (ec) return s->finish(ec);
            boost::system::error_code jec;
            json::value v = json::parse(beast::buffers_to_string(s->buffer.data()), jec);
            s->buffer.clear();
            s->messages.push_back(jec ? json::value(nullptr) : std::move(v));
            if (!s->paused) read(s);
        });
    }
    std::shared_ptr<State> state_;
};

/// Shuts the daemon down and the clients, bounded.
inline void finish(asio::io_context& io, bgp::reflector::Daemon& daemon,
                   std::vector<bgp::Speaker*> clients) {
    bool done = false;
    daemon.shutdown("test over", [&] { done = true; });
    CHECK(run_until(io, [&] { return done; }));
    std::size_t closed = 0;
    for (bgp::Speaker* c : clients) c->shutdown({}, [&] { ++closed; });
    CHECK(run_until(io, [&] { return closed == clients.size(); }));
}

/// A string field of a JSON object ("" when absent or not a string).
inline std::string str(const json::value& v, const char* key) {
    if (!v.is_object()) return {};
    const auto* f = v.as_object().if_contains(key);
    return f != nullptr && f->is_string() ? std::string(f->get_string()) : std::string();
}

}  // namespace api_test
