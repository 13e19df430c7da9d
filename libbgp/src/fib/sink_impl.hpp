// The state behind bgp::fib::Sink (private): desired routes, what the kernel holds of
// ours, the adopted and failed sets, the request and event netlink sockets. Split over
// sink.cpp (API, batched writes), sink_reconcile.cpp (dump, adopt, sweep, repair) and
// sink_monitor.cpp (netlink events).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "bgp/fib/sink.hpp"
#include "fib/netlink.hpp"
#include "fib/route_codec.hpp"

namespace bgp::fib {

class Sink::Impl : public std::enable_shared_from_this<Sink::Impl> {
  public:
    Impl(boost::asio::io_context& io, SinkOptions options);
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void start();
    void set(const Route& route);
    void remove(const wire::Prefix& prefix);
    void sync_done();
    void flush();
    [[nodiscard]] std::vector<Route> installed() const;
    [[nodiscard]] std::optional<Nexthop> lookup(const wire::IpAddress& destination) const;
    [[nodiscard]] const SinkStats& stats() const { return stats_; }

    std::function<void(const Route&, std::string_view)> on_error_;
    std::function<void()> on_kernel_change_;

  private:
    /// Why a prefix needs a look at the next write (for the statistics).
    enum class Reason : std::uint8_t { caller, repair, sweep };

    // sink.cpp
    void schedule_flush();
    void report_error(const Route& route, std::string_view op, const std::string& why);

    // sink_reconcile.cpp
    /// Our routes in the table, as the kernel has them; nullopt if the dump failed.
    std::optional<std::map<wire::Prefix, Route>> dump();
    /// Re-dump; make the table equal to the desired state again (Reason::repair).
    void reconcile();
    void schedule_reconcile();
    void sweep_adopted();
    void arm_grace();

    // sink_monitor.cpp
    void wait_for_events();
    void read_events();
    void handle_event(const nlmsghdr* nlh, bool& reconcile, bool& changed);

    boost::asio::io_context& io_;
    SinkOptions options_;
    detail::RouteKey key_;
    mutable detail::NetlinkSocket requests_;
    detail::NetlinkSocket events_;
    boost::asio::posix::stream_descriptor events_descriptor_;
    boost::asio::steady_timer grace_timer_;
    mutable detail::Links links_;

    std::map<wire::Prefix, Route> desired_;
    std::map<wire::Prefix, Route> installed_;  ///< ours in the kernel (acked or dumped)
    std::set<wire::Prefix> adopted_;           ///< installed, never set(), not yet swept
    std::set<wire::Prefix> failed_;            ///< desired, last write NACKed
    std::map<wire::Prefix, Reason> dirty_;     ///< to compare and write at the next flush
    std::map<wire::Prefix, int> own_deletes_;  ///< RTM_DELROUTE events we caused, not yet seen
    std::unordered_map<int, bool> link_up_;    ///< ifindex -> IFF_UP, from RTM_NEWLINK
    SinkStats stats_;
    bool flush_posted_ = false;
    bool reconcile_posted_ = false;
    bool started_ = false;
};

}  // namespace bgp::fib
