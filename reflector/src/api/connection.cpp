// One HTTP/1.1 connection of the API server: reads requests with Beast's parser
// under hard limits (header 16 KiB, body 1 MiB: 413), answers each through the
// router, keeps the connection alive as the client asks, closes it after the
// idle timeout; a malformed request gets a 400 and the connection is closed.
// A GET /api/v1/watch with Upgrade: websocket is handed to watch.cpp. No
// exception leaves a handler.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <exception>
#include <optional>

#include "log.hpp"
#include "shared.hpp"

namespace bgp::reflector::api {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

class HttpConnection : public Client, public std::enable_shared_from_this<HttpConnection> {
  public:
    HttpConnection(Socket socket, std::shared_ptr<Shared> shared)
        : socket_(std::move(socket)), shared_(std::move(shared)), timer_(shared_->io) {}
    ~HttpConnection() override { shared_->clients.erase(id_); }
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    void start(bool reject) {
        id_ = shared_->next_id++;
        shared_->clients.emplace(id_, weak_from_this());
        if (reject) {
            Request dummy;
            dummy.version(11);
            dummy.keep_alive(false);
            send(error_response(http::status::service_unavailable,
                                "too many API connections (api.max-connections)", dummy),
                 true);
            return;
        }
        read();
    }

    void close() override {
        boost::system::error_code ignored;
        timer_.cancel();
        socket_.shutdown(Socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

  private:
    void arm(std::chrono::seconds after) {
        timer_.expires_after(after);
        timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            if (ec) return;
            if (auto self = weak.lock()) self->close();
        });
    }

    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(shared_->limits.max_header_bytes));
        parser_->body_limit(shared_->limits.max_body_bytes);
        arm(shared_->limits.idle_timeout);
        http::async_read(socket_, buffer_, *parser_,
                         [self = shared_from_this()](const boost::system::error_code& ec,
                                                     std::size_t) { self->on_read(ec); });
    }

    void on_read(const boost::system::error_code& ec) {
        timer_.cancel();
        if (shared_->stopped) return;
        try {
            if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
                ec == asio::error::eof || ec == asio::error::connection_reset) {
                close();
                return;
            }
            Request fallback;
            fallback.version(11);
            fallback.keep_alive(false);
            if (ec == http::error::body_limit) {
                send(error_response(http::status::payload_too_large,
                                    "request body larger than " +
                                        std::to_string(shared_->limits.max_body_bytes) + " bytes",
                                    fallback),
                     true);
                return;
            }
            if (ec == http::error::header_limit) {
                send(error_response(http::status::request_header_fields_too_large,
                                    "request headers larger than " +
                                        std::to_string(shared_->limits.max_header_bytes) + " bytes",
                                    fallback),
                     true);
                return;
            }
            if (ec) {
                send(error_response(http::status::bad_request,
                                    "malformed HTTP request: " + ec.message(), fallback),
                     true);
                return;
            }
            Request request = parser_->release();
            if (is_watch(request) && beast::websocket::is_upgrade(request)) {
                if (!shared_->context.auth.allows(request)) {
                    send(unauthorized(request), true);
                    return;
                }
                if (shared_->watchers.size() >= shared_->limits.max_watchers) {
                    request.keep_alive(false);
                    send(error_response(http::status::service_unavailable, "too many watch clients",
                                        request),
                         true);
                    return;
                }
                serve_watch(std::move(socket_), shared_, std::move(request));
                return;  // the socket is the watch client's now
            }
            Response response = handle_request(shared_->context, request);
            const bool close_after = !request.keep_alive() || response.need_eof();
            send(std::move(response), close_after);
        } catch (const std::exception& e) {
            log_line(LogLevel::error, std::string("api: ") + e.what());
            close();
        }
    }

    void send(Response response, bool close_after) {
        if (close_after) response.keep_alive(false);
        response_ = std::make_shared<Response>(std::move(response));
        arm(shared_->limits.write_timeout);
        http::async_write(socket_, *response_,
                          [self = shared_from_this(), close_after](
                              const boost::system::error_code& ec, std::size_t) {
                              self->timer_.cancel();
                              self->response_.reset();
                              if (ec || close_after || self->shared_->stopped) {
                                  self->close();
                                  return;
                              }
                              self->read();
                          });
    }

    Socket socket_;
    std::shared_ptr<Shared> shared_;
    asio::steady_timer timer_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<Response> response_;
    std::uint64_t id_ = 0;
};

}  // namespace

void serve_http(Socket socket, const std::shared_ptr<Shared>& shared, bool reject) {
    std::make_shared<HttpConnection>(std::move(socket), shared)->start(reject);
}

}  // namespace bgp::reflector::api
