// bgp::fib::plan: BGP best paths + pools + node -> kernel route and its reason
// (see bgp/fib/planner.hpp and docs/dataplane.md for the table of modes).
#include "bgp/fib/planner.hpp"

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace bgp::fib {

std::string_view to_string(EncapMode mode) {
    switch (mode) {
        case EncapMode::never:
            return "Never";
        case EncapMode::always:
            return "Always";
        case EncapMode::cross_subnet:
            return "CrossSubnet";
    }
    return "?";
}

std::string_view to_string(Encap encap) {
    switch (encap) {
        case Encap::none:
            return "none";
        case Encap::ipip:
            return "IP-in-IP";
        case Encap::vxlan:
            return "VXLAN";
    }
    return "?";
}

bool nexthop_less(const Nexthop& a, const Nexthop& b) {
    return std::tie(a.gateway, a.device, a.onlink, a.weight) <
           std::tie(b.gateway, b.device, b.onlink, b.weight);
}

const Pool* find_pool(const wire::Prefix& prefix, std::span<const Pool> pools) {
    const Pool* best = nullptr;
    for (const Pool& pool : pools) {
        if (pool.cidr.afi() != prefix.afi() || prefix.length() < pool.cidr.length() ||
            !pool.cidr.contains(prefix.address())) {
            continue;
        }
        if (best == nullptr || pool.cidr.length() > best->cidr.length()) best = &pool;
    }
    return best;
}

Route blackhole(const wire::Prefix& block) { return Route{block, RouteType::blackhole, {}}; }

namespace {

// The pool's own encapsulation for IPv4 next hops (Calico lets a pool enable one of the two).
struct PoolEncap {
    Encap encap = Encap::none;
    EncapMode mode = EncapMode::never;
};

PoolEncap pool_encap(const Pool& pool) {
    if (pool.cidr.afi() != wire::Afi::ipv4) return {};
    if (pool.ipip != EncapMode::never) return {Encap::ipip, pool.ipip};
    if (pool.vxlan != EncapMode::never) return {Encap::vxlan, pool.vxlan};
    return {};
}

struct PathPlan {
    std::optional<Nexthop> hop;
    Encap encap = Encap::none;
    std::string text;
};

const std::string& tunnel_device(Encap encap, const NodeNetwork& node) {
    return encap == Encap::vxlan ? node.vxlan_device : node.ipip_device;
}

// One path of the ECMP set: through the tunnel (onlink) or plain (resolved).
PathPlan plan_one(const PlanPath& path, PoolEncap pe, const NodeNetwork& node,
                  const Resolve& resolve) {
    const wire::IpAddress& nh = path.next_hop;
    const std::string nh_text = nh.to_string();
    if (nh.is_unspecified()) return {std::nullopt, Encap::none, "no next hop"};

    Encap encap = Encap::none;
    std::string reason;  // between the next hop and "->"
    if (path.tunnel && *path.tunnel != Encap::none && nh.is_v4()) {
        encap = *path.tunnel;
        reason = fmt::format(" tunnel attribute {} (RFC 9012)", to_string(encap));
    } else if (pe.encap != Encap::none && nh.is_v4()) {
        if (pe.mode == EncapMode::always) {
            encap = pe.encap;
        } else if (node.host_subnet.contains(nh)) {
            reason = fmt::format(" inside {}", node.host_subnet.to_string());
        } else {
            encap = pe.encap;
            reason = fmt::format(" outside {}", node.host_subnet.to_string());
        }
    }

    if (encap != Encap::none) {
        const std::string& dev = tunnel_device(encap, node);
        return {Nexthop{nh, dev, true, 1}, encap,
                fmt::format("{}{} -> {} onlink", nh_text, reason, dev)};
    }

    std::optional<Nexthop> kernel = resolve ? resolve(nh) : std::nullopt;
    if (kernel && kernel->device == "lo") {  // a local address: our own route came back
        return {std::nullopt, Encap::none, fmt::format("{}{} is local", nh_text, reason)};
    }
    if (kernel) {
        Nexthop hop{nh, kernel->device, kernel->onlink, 1};
        if (kernel->gateway && *kernel->gateway != nh) {
            hop.gateway = kernel->gateway;
            return {hop, Encap::none,
                    fmt::format("{}{} -> via gateway {} dev {} (recursive)", nh_text, reason,
                                kernel->gateway->to_string(), kernel->device)};
        }
        return {hop, Encap::none,
                fmt::format("{}{} -> direct dev {}", nh_text, reason, kernel->device)};
    }
    if (!resolve && node.host_subnet.afi() == nh.afi() && node.host_subnet.contains(nh)) {
        return {Nexthop{nh, "", false, 1}, Encap::none,
                fmt::format("{}{} -> direct (connected subnet)", nh_text, reason)};
    }
    return {std::nullopt, Encap::none, fmt::format("{}{} unreachable", nh_text, reason)};
}

}  // namespace

Plan plan(const wire::Prefix& prefix, std::span<const PlanPath> paths, std::span<const Pool> pools,
          const NodeNetwork& node, const Resolve& resolve) {
    Plan out;
    const Pool* pool = find_pool(prefix, pools);
    if (pool == nullptr) {
        out.why = fmt::format("{} outside every pool: not installed", prefix.to_string());
        return out;
    }
    out.pool = pool->name;
    const PoolEncap pe = pool_encap(*pool);
    out.mode = pe.mode;
    std::string head;
    if (pool->cidr.afi() == wire::Afi::ipv6) {
        head = fmt::format("pool {} (IPv6, plain next hops)", pool->name);
    } else {
        head = fmt::format("pool {} {}Mode {}", pool->name,
                           pe.encap == Encap::vxlan ? "vxlan" : "ipip", to_string(pe.mode));
    }
    if (paths.empty()) {
        out.why = head + ": no path: not installed";
        return out;
    }

    std::vector<Nexthop> hops;
    std::string parts;
    for (const PlanPath& path : paths) {
        PathPlan pp = plan_one(path, pe, node, resolve);
        if (!parts.empty()) parts += "; ";
        parts += pp.text;
        if (!pp.hop) continue;
        if (out.encap == Encap::none) out.encap = pp.encap;
        hops.push_back(std::move(*pp.hop));
    }
    std::sort(hops.begin(), hops.end(), nexthop_less);
    hops.erase(std::unique(hops.begin(), hops.end()), hops.end());

    out.why = fmt::format("{}: {}", head, parts);
    if (hops.empty()) {
        out.why += ": no usable next hop, not installed";
        return out;
    }
    if (hops.size() > 1) out.why += fmt::format(" (ECMP, {} next hops)", hops.size());
    out.route = Route{prefix, RouteType::unicast, std::move(hops)};
    return out;
}

}  // namespace bgp::fib
