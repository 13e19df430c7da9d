// The swarm: many cheap iBGP sessions in one single-threaded Asio loop, built on the wire
// codec only (no bgp::Speaker, no FSM object per session: a session is a socket, two small
// buffers and a bit per expected prefix). Each session does the minimum of RFC 4271 §8 a
// client needs: OPEN, KEEPALIVE, hold and keepalive timers, one announced route plus
// End-of-RIB (RFC 4724 §2), and the prefixes it is sent, counted.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bgp/wire/message.hpp"
#include "swarm_options.hpp"

namespace bgp::swarm {

struct Report {
    std::uint32_t sessions = 0;
    std::uint32_t established = 0;  ///< sessions that reached Established at least once
    std::uint32_t complete = 0;  ///< sessions holding exactly the expected routes (as routes_min)
    bool converged = false;      ///< at one moment, every session Established and complete
    bool timed_out = false;
    std::optional<double> half_established_seconds;  ///< from the first connect
    std::optional<double> all_established_seconds;   ///< from the first connect
    std::optional<double> converged_seconds;         ///< from the first connect
    std::uint32_t expected_routes = 0;
    std::uint32_t routes_min = 0;  ///< at convergence (at the end when it never converged)
    std::uint32_t routes_max = 0;
    /// Prefixes withdrawn from a session after convergence (e.g. during the target's shutdown).
    std::uint64_t withdrawn_after_convergence = 0;
    std::uint32_t end_of_rib = 0;                ///< sessions that received End-of-RIB (by the end)
    std::uint64_t own_routes_received = 0;       ///< own block sent back (ignored, RFC 4456 §8)
    std::uint64_t unexpected_prefixes = 0;       ///< prefixes outside the swarm's blocks
    std::uint64_t repeated_announcements = 0;    ///< a prefix announced again (no change seen)
    std::uint64_t own_withdrawals_received = 0;  ///< its own block withdrawn (split horizon)
    std::uint64_t unknown_withdrawals = 0;       ///< a prefix withdrawn that it did not hold
    std::uint64_t updates_received = 0;
    std::uint64_t bytes_received = 0;
    std::uint32_t closed_by_peer = 0;  ///< after convergence (--stay: the target's shutdown)
    /// Every NOTIFICATION received, by (code, subcode).
    std::map<std::pair<std::uint8_t, std::uint8_t>, std::uint32_t> notifications_received;
    std::map<std::string, std::uint32_t> errors;  ///< failures by reason
    bool ok = false;                              ///< the expectation was met
};

class Swarm {
  public:
    Swarm(boost::asio::io_context& io, Options options);
    ~Swarm();
    Swarm(const Swarm&) = delete;
    Swarm& operator=(const Swarm&) = delete;

    /// Starts connecting; io.run() returns once the run is over (converged and closed,
    /// or timed out).
    void start();
    [[nodiscard]] Report report() const;

  private:
    struct Session;
    using Clock = std::chrono::steady_clock;

    void launch_connects();
    void connect(Session& s);
    void on_connected(Session& s, const boost::system::error_code& ec);
    void start_read(Session& s);
    void on_readable(Session& s, const boost::system::error_code& ec);
    void consume(Session& s, const std::uint8_t* data, std::size_t size);
    void handle(Session& s, const std::uint8_t* data, std::size_t size);
    void on_open(Session& s, const wire::Open& open);
    void on_established(Session& s);
    void add_prefix(Session& s, std::uint32_t address, std::uint8_t length);
    void remove_prefix(Session& s, std::uint32_t address, std::uint8_t length);
    void update_completion(Session& s);
    void snapshot_routes(Report& r) const;
    void send_raw(Session& s, const std::vector<std::uint8_t>& bytes);
    void flush(Session& s);
    void notify_and_close(Session& s, std::uint8_t code, std::uint8_t subcode,
                          const std::string& reason);
    void fail(Session& s, const std::string& reason);
    void peer_closed(Session& s, const std::string& reason);
    void close(Session& s);
    void on_tick();
    void finish_all();
    void check_done();
    [[nodiscard]] double since_start() const;
    [[nodiscard]] std::optional<std::uint32_t> block_index(std::uint32_t address,
                                                           std::uint8_t length) const;

    boost::asio::io_context& io_;
    Options opts_;
    std::vector<std::unique_ptr<Session>> sessions_;
    std::vector<std::uint8_t> scratch_;  // one read buffer for every session
    std::vector<std::uint8_t> keepalive_;
    boost::asio::steady_timer tick_;
    boost::asio::steady_timer deadline_;
    boost::asio::steady_timer drain_;
    Clock::time_point start_;
    std::uint32_t next_connect_ = 0;
    std::uint32_t connecting_ = 0;
    std::uint32_t complete_now_ = 0;
    std::uint32_t closed_ = 0;
    bool finishing_ = false;
    bool done_ = false;
    Report report_;
};

}  // namespace bgp::swarm
