// GET /api/v1/watch: a WebSocket (RFC 6455) of JSON text frames, one object
// each: {"type":"snapshot-begin"}, a "route" per best path, {"type":
// "snapshot-end"}, then live "route" and "session" events (views.hpp).
//
// Memory is bounded per client (watch_queue.hpp): the snapshot is sent one frame
// at a time, live events wait in a queue of at most Limits::watch_queue_bytes;
// an overflow gets {"type":"resync"} and a new snapshot, a second one before
// that snapshot is out closes the client. A write that does not finish in
// Limits::write_timeout closes the client too.
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <optional>

#include "counts.hpp"
#include "log.hpp"
#include "shared.hpp"
#include "watch_queue.hpp"

namespace bgp::reflector::api {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

class WatchSession : public Watcher, public std::enable_shared_from_this<WatchSession> {
  public:
    WatchSession(Socket socket, std::shared_ptr<Shared> shared)
        : ws_(std::move(socket)), shared_(std::move(shared)), timer_(shared_->io) {}
    ~WatchSession() override {
        shared_->clients.erase(id_);
        shared_->remove_watcher(id_);
    }
    WatchSession(const WatchSession&) = delete;
    WatchSession& operator=(const WatchSession&) = delete;

    void start(Request request) {
        id_ = shared_->next_id++;
        shared_->clients.emplace(id_, weak_from_this());
        ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(10),
                                                       shared_->limits.idle_timeout, true});
        ws_.read_message_max(4096);
        ws_.text(true);
        arm();
        ws_.async_accept(request, [self = shared_from_this()](const boost::system::error_code& ec) {
            self->timer_.cancel();
            if (ec || self->shared_->stopped) return self->close();
            // The snapshot and the subscription at the same instant: every later
            // event is queued behind the snapshot.
            Speaker& speaker = self->shared_->context.daemon.speaker();
            self->queue_.emplace(self->shared_->limits.watch_queue_bytes, [&speaker] {
                WatchQueue::Snapshot out;
                for (const wire::Family f : {wire::ipv4_unicast, wire::ipv6_unicast})
                    for (RibRoute& r : best_routes(speaker, f)) out.emplace_back(f, std::move(r));
                return out;
            });
            self->shared_->add_watcher(self->id_, self->weak_from_this());
            self->read();
            self->pump();
        });
    }

    void close() override {
        boost::system::error_code ignored;
        timer_.cancel();
        closed_ = true;
        shared_->remove_watcher(id_);
        auto& s = ws_.next_layer();
        s.shutdown(Socket::shutdown_both, ignored);
        s.close(ignored);
    }

    void deliver(const std::shared_ptr<const std::string>& m) override {
        if (closed_ || !queue_) return;
        if (!queue_->push(m)) {
            log_line(LogLevel::warning, "api: a watch client too slow even after a resync: closed");
            return close();
        }
        pump();
    }

  private:
    void pump() {
        if (writing_ || closed_ || !queue_) return;
        auto m = queue_->next();
        if (!m) return;
        writing_ = true;
        current_ = std::move(m);
        arm();
        ws_.async_write(
            asio::buffer(*current_),
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                self->writing_ = false;
                self->timer_.cancel();
                self->current_.reset();
                if (ec || self->shared_->stopped) return self->close();
                self->pump();
            });
    }

    /// Reads (and drops) what the client sends, so that pings and close frames
    /// are answered; an error or a close ends the client.
    void read() {
        ws_.async_read(
            in_, [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                if (ec) return self->close();
                self->in_.clear();
                self->read();
            });
    }

    void arm() {
        timer_.expires_after(shared_->limits.write_timeout);
        timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            if (ec) return;
            if (auto self = weak.lock()) self->close();
        });
    }

    websocket::stream<Socket> ws_;
    std::shared_ptr<Shared> shared_;
    asio::steady_timer timer_;
    beast::flat_buffer in_;
    std::optional<WatchQueue> queue_;
    bool writing_ = false;
    bool closed_ = false;
    std::shared_ptr<const std::string> current_;
    std::uint64_t id_ = 0;
};

}  // namespace

void serve_watch(Socket socket, const std::shared_ptr<Shared>& shared, Request request) {
    std::make_shared<WatchSession>(std::move(socket), shared)->start(std::move(request));
}

}  // namespace bgp::reflector::api
