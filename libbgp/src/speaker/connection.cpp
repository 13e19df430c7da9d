#include "speaker/connection.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <utility>

namespace bgp::speaker_detail {

namespace asio = boost::asio;
using boost::system::error_code;

Connection::Connection(asio::ip::tcp::socket socket, std::size_t queue_limit)
    : socket_(std::move(socket)), linger_timer_(socket_.get_executor()), queue_limit_(queue_limit) {
    error_code ec;
    socket_.non_blocking(true, ec);  // read() drains the socket until it would block
    local_ = socket_.local_endpoint(ec);
    remote_ = socket_.remote_endpoint(ec);
}

Connection::~Connection() = default;

void Connection::start(Callbacks callbacks) {
    callbacks_ = std::move(callbacks);
    read();
}

namespace {

/// One receive buffer for every connection of the thread. A connection waits
/// until its socket is readable (async_wait), then reads into this buffer and
/// hands the octets on at once: no 64 KiB buffer held per session while it
/// waits (200 idle sessions would pin 12.5 MiB).
std::vector<std::uint8_t>& shared_read_buffer() {
    thread_local std::vector<std::uint8_t> buffer(64 * 1024);
    return buffer;
}

/// Reads per readiness event before yielding to the other sessions.
constexpr int reads_per_wakeup = 4;

}  // namespace

void Connection::read() {
    socket_.async_wait(asio::socket_base::wait_read, [self = shared_from_this()](error_code ec) {
        if (self->closed_) return;
        auto& buffer = shared_read_buffer();
        for (int i = 0; i < reads_per_wakeup && !ec; ++i) {
            const std::size_t n = self->socket_.read_some(asio::buffer(buffer), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) {
                ec = {};
                break;
            }
            if (ec) break;
            if (!self->closing_ && !self->failed_ && self->callbacks_.on_data)
                self->callbacks_.on_data(std::span<const std::uint8_t>(buffer.data(), n));
            if (self->closed_ || self->failed_) return;
            if (n < buffer.size()) break;  // drained
        }
        if (ec) {
            if (self->closing_) {
                self->finish_close();  // EOF after our half-close: done
                return;
            }
            self->fail(ec == asio::error::eof ? "connection closed by the peer"
                                              : "read error: " + ec.message());
            return;
        }
        if (!self->closed_ && !self->failed_) self->read();  // closing: discard until EOF
    });
}

void Connection::send(Bytes bytes) {
    if (closing_ || failed_ || !bytes || bytes->empty()) return;
    if (queued_bytes_ + bytes->size() > queue_limit_) {
        // The peer is not reading: give up on it instead of growing (the
        // owner learns it through on_error, posted - never from inside send).
        queue_.clear();
        queued_bytes_ = 0;
        in_flight_ = 0;
        failed_ = true;
        asio::post(socket_.get_executor(), [self = shared_from_this(), limit = queue_limit_] {
            self->failed_ = false;
            self->fail("write queue over its limit of " + std::to_string(limit) +
                       " octets: the peer is not reading");
        });
        return;
    }
    queued_bytes_ += bytes->size();
    queue_.push_back(std::move(bytes));
    write();
}

void Connection::write() {
    if (writing_ || queue_.empty() || closed_) return;
    std::vector<asio::const_buffer> buffers;
    const std::size_t max_buffers = 64;
    for (std::size_t i = 0; i < queue_.size() && i < max_buffers; ++i)
        buffers.emplace_back(asio::buffer(*queue_[i]));
    in_flight_ = buffers.size();
    writing_ = true;
    asio::async_write(socket_, buffers, [self = shared_from_this()](error_code ec, std::size_t) {
        self->writing_ = false;
        if (self->closed_) return;
        if (ec) {
            if (self->closing_) {
                self->finish_close();
                return;
            }
            self->fail("write error: " + ec.message());
            return;
        }
        for (std::size_t i = 0; i < self->in_flight_ && !self->queue_.empty(); ++i) {
            self->queued_bytes_ -= self->queue_.front()->size();
            self->queue_.pop_front();
        }
        self->in_flight_ = 0;
        const bool drained = self->queue_.empty();
        if (!self->closing_ && self->callbacks_.on_write_progress)
            self->callbacks_.on_write_progress(drained);
        if (self->closed_) return;
        if (!drained) {
            self->write();
        } else if (self->closing_) {
            self->half_close();
        }
    });
}

void Connection::fail(std::string why) {
    if (failed_ || closing_ || closed_) return;
    failed_ = true;
    auto cb = std::move(callbacks_.on_error);
    callbacks_ = {};
    error_code ec;
    socket_.close(ec);
    closed_ = true;
    if (cb) cb(why);
}

void Connection::half_close() {
    error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    if (ec) finish_close();
    // Otherwise the read loop discards until the peer's EOF, or the linger timer ends it.
}

void Connection::close(bool flush, std::chrono::milliseconds linger, std::function<void()> closed) {
    if (closed_ || closing_) {
        if (closed) asio::post(socket_.get_executor(), std::move(closed));
        return;
    }
    closing_ = true;
    callbacks_ = {};
    on_closed_ = std::move(closed);
    if (!flush || failed_) {
        finish_close();
        return;
    }
    linger_timer_.expires_after(linger);
    linger_timer_.async_wait([self = shared_from_this()](error_code ec) {
        if (!ec) self->finish_close();
    });
    if (!writing_ && queue_.empty()) half_close();
}

void Connection::finish_close() {
    if (closed_) {
        if (on_closed_) std::exchange(on_closed_, nullptr)();
        return;
    }
    closed_ = true;
    error_code ec;
    linger_timer_.cancel();
    socket_.close(ec);
    queue_.clear();
    queued_bytes_ = 0;
    if (on_closed_) {
        // Posted: the owner may be in the middle of a call that closed us.
        asio::post(socket_.get_executor(), [cb = std::exchange(on_closed_, nullptr)] { cb(); });
    }
}

}  // namespace bgp::speaker_detail
