// The agent's route planner through the library's bgp::fib::plan (pure): the
// cluster's pools and the node's network converted to the planner's types.
#include "bgp/fib/planner.hpp"
#include "fib_port.hpp"

namespace bgp::node_agent {

namespace {

fib::EncapMode encap_mode(Mode m) {
    switch (m) {
        case Mode::never:
            return fib::EncapMode::never;
        case Mode::always:
            return fib::EncapMode::always;
        case Mode::cross_subnet:
            return fib::EncapMode::cross_subnet;
    }
    return fib::EncapMode::never;
}

Mode mode_of(fib::EncapMode m) {
    switch (m) {
        case fib::EncapMode::never:
            return Mode::never;
        case fib::EncapMode::always:
            return Mode::always;
        case fib::EncapMode::cross_subnet:
            return Mode::cross_subnet;
    }
    return Mode::never;
}

Encap encap_of(fib::Encap e) {
    switch (e) {
        case fib::Encap::none:
            return Encap::none;
        case fib::Encap::ipip:
            return Encap::ipip;
        case fib::Encap::vxlan:
            return Encap::vxlan;
    }
    return Encap::none;
}

}  // namespace

PathIn path_in(const wire::PathAttributes& attributes) {
    const fib::PlanPath p = fib::plan_path(attributes);
    PathIn out{p.next_hop, std::nullopt};
    if (p.tunnel) out.tunnel = encap_of(*p.tunnel);
    return out;
}

PlannedRoute plan_route(const wire::Prefix& prefix, std::span<const PathIn> paths,
                        const Cluster& cluster, const NodeNet& node, const Resolve& resolve) {
    std::vector<fib::Pool> pools;
    for (const auto& [name, p] : cluster.pools) {
        if (p.disabled) continue;
        fib::Pool f;
        f.name = p.name;
        f.cidr = p.cidr;
        f.ipip = encap_mode(p.ipip);
        f.vxlan = encap_mode(p.vxlan);
        f.nat_outgoing = p.nat_outgoing;
        f.disable_bgp_export = p.disable_bgp_export;
        f.block_size = p.block_size;
        pools.push_back(std::move(f));
    }
    fib::NodeNetwork net;
    net.host_subnet = node.host.subnet();
    net.ipip_device = node.ipip_device;
    net.vxlan_device = node.vxlan_device;
    std::vector<fib::PlanPath> in;
    for (const auto& p : paths) {
        fib::PlanPath pp;
        pp.next_hop = p.next_hop;
        if (p.tunnel)
            pp.tunnel = *p.tunnel == Encap::ipip    ? fib::Encap::ipip
                        : *p.tunnel == Encap::vxlan ? fib::Encap::vxlan
                                                    : fib::Encap::none;
        in.push_back(pp);
    }
    const fib::Resolve r = resolve ? fib::Resolve(resolve) : fib::Resolve();
    fib::Plan plan = fib::plan(prefix, in, pools, net, r);
    return PlannedRoute{std::move(plan.route), std::move(plan.pool), mode_of(plan.mode),
                        encap_of(plan.encap), std::move(plan.why)};
}

fib::Route blackhole_route(const wire::Prefix& block) { return fib::blackhole(block); }

}  // namespace bgp::node_agent
