// The agent's route planner while the library has no bgp::fib::plan (built
// without BGP_NODE_AGENT_PLANNER): the same rules as DESIGN.md's table.
//   Never        via NH, resolved recursively through the kernel (`gateway recursive`)
//   Always       via NH dev tunl0 onlink (vxlanMode: dev vxlan.calico onlink)
//   CrossSubnet  via NH directly inside the node's subnet, else through the tunnel
// A route's RFC 9012 tunnel attribute wins over the pool's mode.
#include <fmt/format.h>

#include <algorithm>

#include "fib_port.hpp"

namespace bgp::node_agent {

#ifndef BGP_NODE_AGENT_PLANNER
PathIn path_in(const wire::PathAttributes& attributes) {
    PathIn p;
    if (attributes.next_hop) p.next_hop = *attributes.next_hop;
    if (attributes.tunnel_encapsulation) {
        for (const auto& t : attributes.tunnel_encapsulation->tunnels) {
            if (t.tunnel_type == wire::tunnel_type::ip_in_ip) p.tunnel = Encap::ipip;
            if (t.tunnel_type == wire::tunnel_type::vxlan) p.tunnel = Encap::vxlan;
            if (p.tunnel) break;
        }
    }
    return p;
}

PlannedRoute plan_route(const wire::Prefix& prefix, std::span<const PathIn> paths,
                        const Cluster& cluster, const NodeNet& node, const Resolve& resolve) {
    PlannedRoute out;
    const IpPool* pool = cluster.pool_of(prefix);
    if (pool == nullptr) {
        out.why = fmt::format("{} is inside no enabled pool: not imported", prefix.to_string());
        return out;
    }
    out.pool = pool->name;
    const bool vxlan = pool->vxlan != Mode::never;
    out.mode = vxlan ? pool->vxlan : pool->ipip;
    const std::string mode_key = vxlan ? "vxlanMode" : "ipipMode";
    fib::Route route{prefix, fib::RouteType::unicast, {}};
    std::vector<std::string> reasons;
    for (const auto& p : paths) {
        Encap encap = Encap::none;
        std::string reason;
        if (p.tunnel) {
            encap = *p.tunnel;
            reason = fmt::format("tunnel attribute {}", to_string(encap));
        } else {
            const Encap pool_encap = vxlan ? Encap::vxlan : Encap::ipip;
            switch (out.mode) {
                case Mode::never:
                    reason = fmt::format("{} Never", mode_key);
                    break;
                case Mode::always:
                    encap = pool_encap;
                    reason = fmt::format("{} Always", mode_key);
                    break;
                case Mode::cross_subnet: {
                    const wire::Prefix subnet = node.host.subnet();
                    const bool inside = subnet.contains(p.next_hop);
                    encap = inside ? Encap::none : pool_encap;
                    reason =
                        fmt::format("{} CrossSubnet: {} {} {}", mode_key, p.next_hop.to_string(),
                                    inside ? "inside" : "outside", subnet.to_string());
                    break;
                }
            }
        }
        fib::Nexthop nh;
        nh.gateway = p.next_hop;
        if (encap != Encap::none) {
            nh.device = encap == Encap::ipip ? node.ipip_device : node.vxlan_device;
            nh.onlink = true;
            reason += fmt::format(" -> {} onlink", nh.device);
        } else if (resolve) {
            auto via = resolve(p.next_hop);
            if (!via) {
                reasons.push_back(reason +
                                  fmt::format(" -> {} unreachable", p.next_hop.to_string()));
                continue;
            }
            if (via->gateway) {
                nh.gateway = via->gateway;
                reason += fmt::format(" -> via gateway {} (recursive)", via->gateway->to_string());
            } else {
                reason += " -> direct";
            }
            nh.device = via->device;
        } else {
            reason += " -> direct";
        }
        out.encap = encap;
        reasons.push_back(std::move(reason));
        if (std::find(route.nexthops.begin(), route.nexthops.end(), nh) == route.nexthops.end())
            route.nexthops.push_back(nh);
    }
    std::string joined;
    for (const auto& r : reasons) joined += (joined.empty() ? "" : "; ") + r;
    out.why = fmt::format("pool {} {}", pool->name, joined);
    if (route.nexthops.empty()) return out;
    std::sort(route.nexthops.begin(), route.nexthops.end(), [](const auto& a, const auto& b) {
        return std::tie(a.gateway, a.device) < std::tie(b.gateway, b.device);
    });
    out.route = std::move(route);
    return out;
}

fib::Route blackhole_route(const wire::Prefix& block) {
    return fib::Route{block, fib::RouteType::blackhole, {}};
}
#endif

}  // namespace bgp::node_agent
