// One TCP connection to a peer over Asio: a read loop handing bytes to the
// owner, and a bounded write queue. A peer that stops reading makes the queue
// reach its limit: the connection then fails (memory stays bounded, nothing
// blocks). Closing flushes what is queued (NOTIFICATION included), half-closes,
// and drains the peer's side until EOF, all bounded by a linger time, so the
// peer reads our NOTIFICATION instead of a reset.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bgp::speaker_detail {

class Connection : public std::enable_shared_from_this<Connection> {
  public:
    using Bytes = std::shared_ptr<const std::vector<std::uint8_t>>;
    struct Callbacks {
        std::function<void(std::span<const std::uint8_t>)> on_data;
        /// Read error, EOF, write error or write queue overflow. Called once,
        /// never from inside send()/close().
        std::function<void(std::string_view why)> on_error;
        /// A write completed; `drained`: nothing more is queued.
        std::function<void(bool drained)> on_write_progress;
    };

    Connection(boost::asio::ip::tcp::socket socket, std::size_t queue_limit);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Starts reading.
    void start(Callbacks callbacks);
    /// Queues bytes. Over the limit: the queue is dropped and on_error follows
    /// (posted).
    void send(Bytes bytes);
    /// Stops reporting to the owner. With `flush`, writes what is queued first,
    /// within `linger`; `closed` is called when the socket is closed.
    void close(bool flush, std::chrono::milliseconds linger, std::function<void()> closed);

    [[nodiscard]] std::size_t queued_bytes() const { return queued_bytes_; }
    [[nodiscard]] bool is_open() const { return !closing_ && !failed_; }
    [[nodiscard]] const boost::asio::ip::tcp::endpoint& local() const { return local_; }
    [[nodiscard]] const boost::asio::ip::tcp::endpoint& remote() const { return remote_; }

  private:
    void read();
    void write();
    void fail(std::string why);
    void finish_close();
    void half_close();

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer linger_timer_;
    boost::asio::ip::tcp::endpoint local_;
    boost::asio::ip::tcp::endpoint remote_;
    std::size_t queue_limit_;
    std::deque<Bytes> queue_;
    std::size_t queued_bytes_ = 0;
    std::size_t in_flight_ = 0;  ///< buffers of queue_ being written
    bool writing_ = false;
    bool closing_ = false;
    bool failed_ = false;
    bool closed_ = false;
    Callbacks callbacks_;
    std::function<void()> on_closed_;
};

}  // namespace bgp::speaker_detail
