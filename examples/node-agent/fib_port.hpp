// The agent's view of the kernel FIB and of the route planner, behind
// interfaces of its own: the kernel implementation wraps bgp::fib::Sink
// (rtnetlink) and bgp::fib::plan when the library has them (BGP_NODE_AGENT_KERNEL);
// MemorySink keeps the routes in memory (tests, and builds without bgp::fib).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bgp/fib/route.hpp"
#include "bgp/wire/attributes.hpp"
#include "manifest.hpp"

namespace bgp::node_agent {

enum class Encap : std::uint8_t { none, ipip, vxlan };
[[nodiscard]] std::string_view to_string(Encap encap);  ///< "none", "ipip", "vxlan"

/// One member of a prefix's ECMP set, as the planner needs it.
struct PathIn {
    wire::IpAddress next_hop;
    std::optional<Encap> tunnel;  ///< RFC 9012 attribute (7 IP-in-IP, 8 VXLAN): wins over the pool
};
[[nodiscard]] PathIn path_in(const wire::PathAttributes& attributes);

/// What the planner decided for one prefix (`show routes`).
struct PlannedRoute {
    std::optional<fib::Route> route;  ///< unset: not installed
    std::string pool;
    Mode mode = Mode::never;
    Encap encap = Encap::none;
    std::string why;
};

struct NodeNet {
    HostAddress host;  ///< address + subnet length (the CrossSubnet test)
    std::string ipip_device = "tunl0";
    std::string vxlan_device = "vxlan.calico";
};

using Resolve = std::function<std::optional<fib::Nexthop>(const wire::IpAddress&)>;

/// Best paths + pools + node -> the kernel route (bgp::fib::plan when built with it).
[[nodiscard]] PlannedRoute plan_route(const wire::Prefix& prefix, std::span<const PathIn> paths,
                                      const Cluster& cluster, const NodeNet& node,
                                      const Resolve& resolve);
[[nodiscard]] fib::Route blackhole_route(const wire::Prefix& block);
/// `ip route` style text: "192.168.1.0/26 via 172.16.6.249 dev tunl0 onlink".
[[nodiscard]] std::string route_text(const fib::Route& route);
/// The remote VTEPs (gateways of next hops through `device`) that need neighbour and
/// FDB entries: those of the planned routes and, until the FIB is in sync after a
/// restart (`synced` false), also those of the routes still installed — adopted from
/// the previous run, they forward through their VTEPs until relearned. Sorted, unique.
[[nodiscard]] std::vector<wire::IpAddress> vxlan_vteps(std::span<const fib::Route> planned,
                                                       std::span<const fib::Route> installed,
                                                       bool synced, std::string_view device);

class RouteSink {
  public:
    virtual ~RouteSink() = default;
    virtual void start() = 0;
    virtual void set(const fib::Route& route) = 0;
    virtual void remove(const wire::Prefix& prefix) = 0;
    virtual void sync_done() = 0;
    virtual void flush() = 0;
    [[nodiscard]] virtual std::vector<fib::Route> installed() const = 0;
    [[nodiscard]] virtual std::optional<fib::Nexthop> lookup(const wire::IpAddress& dst) const = 0;
    virtual void on_kernel_change(std::function<void()> handler) = 0;
    /// A route the kernel refused (NACK): the route and the operation / errno text.
    virtual void on_error(std::function<void(const fib::Route&, std::string_view)> handler) = 0;
    /// Routes adopted from a previous run by start() (graceful restart: FIB kept).
    [[nodiscard]] virtual std::uint64_t adopted() const = 0;
    [[nodiscard]] virtual bool kernel() const = 0;
};

/// Routes kept in memory only.
class MemorySink final : public RouteSink {
  public:
    void start() override {}
    void set(const fib::Route& route) override {
        routes_.insert_or_assign(route.prefix.to_string(), route);
    }
    void remove(const wire::Prefix& prefix) override { routes_.erase(prefix.to_string()); }
    void sync_done() override { synced_ = true; }
    void flush() override {}
    [[nodiscard]] std::vector<fib::Route> installed() const override;
    [[nodiscard]] std::optional<fib::Nexthop> lookup(const wire::IpAddress& dst) const override;
    void on_kernel_change(std::function<void()> handler) override { change_ = std::move(handler); }
    void on_error(std::function<void(const fib::Route&, std::string_view)>) override {}
    [[nodiscard]] std::uint64_t adopted() const override { return 0; }
    [[nodiscard]] bool kernel() const override { return false; }
    [[nodiscard]] bool synced() const { return synced_; }
    /// Tests: the kernel's answer for lookups (gateway of a next hop in another
    /// subnet). Unset: every next hop is direct.
    std::function<std::optional<fib::Nexthop>(const wire::IpAddress&)> fake_lookup;

  private:
    std::map<std::string, fib::Route> routes_;
    std::function<void()> change_;
    bool synced_ = false;
};

struct KernelOptions {
    std::uint8_t protocol = fib::default_protocol;  ///< --route-protocol
    std::uint32_t table = 254;                      ///< --table (254: main)
};

/// iproute2's protocol name files that exist here: /etc/iproute2/rt_protos, then
/// /etc/iproute2/rt_protos.d/*.conf (sorted), then /usr/share/iproute2/rt_protos.
[[nodiscard]] std::vector<std::string> rt_protos_files();
/// `--route-protocol`: a number, or a name from `files` ("NUMBER NAME" lines, as
/// iproute2 reads them). 0-4 are refused: the kernel's own (unspec, redirect, kernel,
/// boot) and static, whose routes the agent would adopt and sweep as its own.
/// Throws std::invalid_argument naming what is wrong.
[[nodiscard]] std::uint8_t parse_route_protocol(const std::string& text,
                                                const std::vector<std::string>& files);
/// `--table`: 1-4294967295 except 253 (default), 255 (local). Throws std::invalid_argument.
[[nodiscard]] std::uint32_t parse_route_table(const std::string& text);
/// The rtnetlink sink when this build has bgp::fib::Sink, else nullptr.
[[nodiscard]] std::unique_ptr<RouteSink> make_kernel_sink(void* io_context,
                                                          const KernelOptions& options);

}  // namespace bgp::node_agent
