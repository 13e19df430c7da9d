// The kernel FIB sink: makes one Linux routing table hold exactly the routes the caller
// wants, over rtnetlink (RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE, libmnl), and keeps
// it so from netlink events (RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK,
// RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR).
//
// Routes the sink owns are those in `SinkOptions::table` with `SinkOptions::protocol`
// (`ip route ... proto libbgp`). Changes made with set() / remove() are batched and
// written at the end of the current Asio handler (many requests per sendmsg, every
// acknowledgement checked by sequence number); a route equal to the installed one is
// never rewritten. start() adopts the routes of our protocol already in the table (an
// agent restart keeps forwarding); those the caller does not set() again are swept by
// sync_done() or after `adopt_grace`. A route deleted behind our back is reinstalled; a
// link coming up (the kernel drops routes through a link that goes down, without always
// saying so) triggers a re-dump and reconciliation. docs/fib.md has the details.
//
// Not thread-safe: use a Sink from the thread(s) running its io_context, one at a time.
// The sink works in the network namespace of the thread that constructs it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "bgp/fib/route.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::fib {

struct SinkOptions {
    std::uint32_t table = 254;                 ///< RT_TABLE_MAIN; > 255 goes in RTA_TABLE
    std::uint8_t protocol = default_protocol;  ///< routes we own carry this rtm_protocol
    std::chrono::seconds adopt_grace{90};      ///< adopted routes not set() by then are removed
};

struct SinkStats {
    std::uint64_t added = 0;      ///< new routes written (RTM_NEWROUTE, NLM_F_CREATE)
    std::uint64_t replaced = 0;   ///< changed routes written (NLM_F_REPLACE)
    std::uint64_t removed = 0;    ///< routes deleted on remove()
    std::uint64_t unchanged = 0;  ///< set() / remove() that needed no write
    std::uint64_t errors = 0;     ///< NACKed requests (each also reported to on_error)
    std::uint64_t repaired = 0;   ///< writes made to undo a change behind our back
    std::uint64_t adopted = 0;    ///< routes of our protocol found by start()
    std::uint64_t swept = 0;      ///< adopted routes deleted (sync_done() or grace expiry)
    std::uint64_t requests = 0;   ///< netlink write requests sent (all kinds)
    std::uint64_t batches = 0;    ///< sendmsg calls carrying write requests
    std::uint64_t dumps = 0;      ///< table dumps (start() and every reconciliation)
};

class Sink {
  public:
    /// Opens the netlink sockets. Throws std::system_error if netlink fails.
    Sink(boost::asio::io_context& io, SinkOptions options = {});
    /// Leaves the routes in the kernel (an agent restart keeps forwarding).
    ~Sink();
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;

    /// Dumps the table: routes of our protocol are adopted, the grace timer starts, the
    /// netlink event monitor starts.
    void start();
    /// Desired state for `route.prefix`. Written at the end of the current handler
    /// (NLM_F_CREATE, or NLM_F_REPLACE when it changes one we installed); nothing is
    /// written when it equals what is installed.
    void set(const Route& route);
    /// No route for `prefix` (deleted at the end of the current handler if installed).
    void remove(const wire::Prefix& prefix);
    /// The caller has set() all it wants now: adopted routes not set() are swept.
    void sync_done();
    /// Writes pending changes now and waits for every acknowledgement.
    void flush();

    /// What the sink believes the table holds of its own (desired routes that were
    /// acknowledged, adopted routes not yet swept), sorted by prefix.
    [[nodiscard]] std::vector<Route> installed() const;
    /// A NACK from the kernel: the route concerned and "op: errno text (kernel message)".
    void on_error(std::function<void(const Route&, std::string_view what)> handler);
    /// Non-own routes, links or addresses changed (the caller may re-plan next hops that
    /// were resolved through lookup()). Called at most once per burst of events.
    void on_kernel_change(std::function<void()> handler);
    /// RTM_GETROUTE for one destination: the kernel's gateway (if any) and output device;
    /// nullopt when the kernel has no usable route (unreachable, blackhole, prohibit).
    [[nodiscard]] std::optional<Nexthop> lookup(const wire::IpAddress& destination) const;
    [[nodiscard]] SinkStats stats() const;

    class Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace bgp::fib
