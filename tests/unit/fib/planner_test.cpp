// The route planner (libbgp/src/fib/planner*.cpp): DESIGN.md's table of pool
// modes with the seed's addresses, the RFC 9012 tunnel attribute, ECMP, IPv6
// pools, routes outside every pool. Pure: no kernel.
#include <catch2/catch_test_macros.hpp>

#include <string>
#include <vector>

#include "bgp/fib/planner.hpp"

using namespace bgp;
using namespace bgp::fib;

namespace {

wire::Prefix pfx(const char* text) { return *wire::Prefix::parse(text); }
wire::IpAddress ip(const char* text) { return *wire::IpAddress::parse(text); }

// The seed: walker-1 172.16.6.47/24 and walker-2 172.16.6.249/24 behind gateway
// 172.16.6.254; demi-1 172.16.199.114/24 behind 172.16.199.254.
const wire::IpAddress walker1 = ip("172.16.6.47");
const wire::IpAddress walker2 = ip("172.16.6.249");
const wire::IpAddress demi1 = ip("172.16.199.114");
const wire::Prefix walker2_block = pfx("192.168.135.64/26");
const wire::Prefix demi1_block = pfx("192.168.121.0/26");

// What the kernel of a host on `subnet` says (RTM_GETROUTE): connected -> dev
// eth0, anything else via the subnet's gateway; `calls` counts the lookups.
struct FakeKernel {
    wire::Prefix subnet;
    wire::IpAddress gateway;
    int calls = 0;
    Resolve resolver() {
        return [this](const wire::IpAddress& a) -> std::optional<Nexthop> {
            ++calls;
            if (subnet.afi() != a.afi()) return std::nullopt;
            if (subnet.contains(a)) return Nexthop{std::nullopt, "eth0", false, 1};
            return Nexthop{gateway, "eth0", false, 1};
        };
    }
};

// The route as `ip route` prints it, so the tables below read like DESIGN.md.
std::string text(const std::optional<Route>& route) {
    if (!route) return "(not installed)";
    if (route->type == RouteType::blackhole) return "blackhole " + route->prefix.to_string();
    std::string out = route->prefix.to_string();
    const bool multi = route->nexthops.size() > 1;
    for (const Nexthop& nh : route->nexthops) {
        if (multi) out += " nexthop";
        if (nh.gateway) out += " via " + nh.gateway->to_string();
        if (!nh.device.empty()) out += " dev " + nh.device;
        if (nh.onlink) out += " onlink";
    }
    return out;
}

Pool pool_with(EncapMode ipip, EncapMode vxlan = EncapMode::never) {
    return Pool{"default-ipv4-ippool", pfx("192.168.0.0/16"), ipip, vxlan, false, false, 26};
}

NodeNetwork walker1_node() { return NodeNetwork{pfx("172.16.6.47/24"), "tunl0", "vxlan.calico"}; }

}  // namespace

TEST_CASE("DESIGN.md's table: ipipMode and vxlanMode on walker-1", "[fib][planner]") {
    struct Row {
        EncapMode ipip;
        EncapMode vxlan;
        wire::Prefix prefix;
        wire::IpAddress next_hop;
        const char* route;
        Encap encap;
    };
    const std::vector<Row> rows = {
        // ipipMode Never: same subnet direct; other subnet resolved through the gateway.
        {EncapMode::never, EncapMode::never, walker2_block, walker2,
         "192.168.135.64/26 via 172.16.6.249 dev eth0", Encap::none},
        {EncapMode::never, EncapMode::never, demi1_block, demi1,
         "192.168.121.0/26 via 172.16.6.254 dev eth0", Encap::none},
        // ipipMode Always: everything through tunl0 onlink.
        {EncapMode::always, EncapMode::never, walker2_block, walker2,
         "192.168.135.64/26 via 172.16.6.249 dev tunl0 onlink", Encap::ipip},
        {EncapMode::always, EncapMode::never, demi1_block, demi1,
         "192.168.121.0/26 via 172.16.199.114 dev tunl0 onlink", Encap::ipip},
        // ipipMode CrossSubnet: direct inside 172.16.6.0/24, tunl0 outside.
        {EncapMode::cross_subnet, EncapMode::never, walker2_block, walker2,
         "192.168.135.64/26 via 172.16.6.249 dev eth0", Encap::none},
        {EncapMode::cross_subnet, EncapMode::never, demi1_block, demi1,
         "192.168.121.0/26 via 172.16.199.114 dev tunl0 onlink", Encap::ipip},
        // vxlanMode likewise, on vxlan.calico.
        {EncapMode::never, EncapMode::always, walker2_block, walker2,
         "192.168.135.64/26 via 172.16.6.249 dev vxlan.calico onlink", Encap::vxlan},
        {EncapMode::never, EncapMode::always, demi1_block, demi1,
         "192.168.121.0/26 via 172.16.199.114 dev vxlan.calico onlink", Encap::vxlan},
        {EncapMode::never, EncapMode::cross_subnet, walker2_block, walker2,
         "192.168.135.64/26 via 172.16.6.249 dev eth0", Encap::none},
        {EncapMode::never, EncapMode::cross_subnet, demi1_block, demi1,
         "192.168.121.0/26 via 172.16.199.114 dev vxlan.calico onlink", Encap::vxlan},
    };
    for (const Row& row : rows) {
        FakeKernel kernel{pfx("172.16.6.0/24"), ip("172.16.6.254")};
        const std::vector<Pool> pools = {pool_with(row.ipip, row.vxlan)};
        const std::vector<PlanPath> paths = {{row.next_hop, std::nullopt}};
        const Plan p = plan(row.prefix, paths, pools, walker1_node(), kernel.resolver());
        INFO(p.why);
        CHECK(text(p.route) == row.route);
        CHECK(p.encap == row.encap);
        CHECK(p.pool == "default-ipv4-ippool");
        CHECK(p.mode == (row.ipip != EncapMode::never ? row.ipip : row.vxlan));
        // Only untunnelled next hops ask the kernel.
        CHECK((kernel.calls == 1) == (row.encap == Encap::none));
    }
}

TEST_CASE("Seen from demi-1, Never goes via its own gateway", "[fib][planner]") {
    FakeKernel kernel{pfx("172.16.199.0/24"), ip("172.16.199.254")};
    const NodeNetwork demi{pfx("172.16.199.114/24"), "tunl0", "vxlan.calico"};
    const std::vector<PlanPath> to_walker2 = {{walker2, std::nullopt}};
    const std::vector<Pool> never = {pool_with(EncapMode::never)};
    CHECK(text(plan(walker2_block, to_walker2, never, demi, kernel.resolver()).route) ==
          "192.168.135.64/26 via 172.16.199.254 dev eth0");
    const std::vector<Pool> cross = {pool_with(EncapMode::cross_subnet)};
    CHECK(text(plan(walker2_block, to_walker2, cross, demi, kernel.resolver()).route) ==
          "192.168.135.64/26 via 172.16.6.249 dev tunl0 onlink");
}

TEST_CASE("The why text names pool, mode, subnet test and device", "[fib][planner]") {
    FakeKernel kernel{pfx("172.16.6.0/24"), ip("172.16.6.254")};
    const std::vector<PlanPath> to_demi = {{demi1, std::nullopt}};
    const std::vector<PlanPath> to_walker2 = {{walker2, std::nullopt}};
    const std::vector<Pool> cross = {pool_with(EncapMode::cross_subnet)};
    const std::vector<Pool> never = {pool_with(EncapMode::never)};
    const std::vector<Pool> always = {pool_with(EncapMode::always)};
    const std::vector<Pool> vx = {pool_with(EncapMode::never, EncapMode::cross_subnet)};
    const NodeNetwork node = walker1_node();
    const Resolve r = kernel.resolver();

    CHECK(plan(demi1_block, to_demi, cross, node, r).why ==
          "pool default-ipv4-ippool ipipMode CrossSubnet: 172.16.199.114 outside 172.16.6.0/24 "
          "-> tunl0 onlink");
    CHECK(plan(walker2_block, to_walker2, cross, node, r).why ==
          "pool default-ipv4-ippool ipipMode CrossSubnet: 172.16.6.249 inside 172.16.6.0/24 "
          "-> direct dev eth0");
    CHECK(plan(demi1_block, to_demi, never, node, r).why ==
          "pool default-ipv4-ippool ipipMode Never: 172.16.199.114 -> via gateway 172.16.6.254 "
          "dev eth0 (recursive)");
    CHECK(plan(walker2_block, to_walker2, always, node, r).why ==
          "pool default-ipv4-ippool ipipMode Always: 172.16.6.249 -> tunl0 onlink");
    CHECK(plan(demi1_block, to_demi, vx, node, r).why ==
          "pool default-ipv4-ippool vxlanMode CrossSubnet: 172.16.199.114 outside 172.16.6.0/24 "
          "-> vxlan.calico onlink");
}

TEST_CASE("The RFC 9012 tunnel attribute wins over the pool's mode", "[fib][planner]") {
    FakeKernel kernel{pfx("172.16.6.0/24"), ip("172.16.6.254")};
    const NodeNetwork node = walker1_node();
    for (EncapMode mode : {EncapMode::never, EncapMode::cross_subnet, EncapMode::always}) {
        const std::vector<Pool> pools = {pool_with(mode)};
        // Even inside the node's subnet, where CrossSubnet alone would go direct.
        const std::vector<PlanPath> ipip = {{walker2, Encap::ipip}};
        const Plan p = plan(walker2_block, ipip, pools, node, kernel.resolver());
        CHECK(text(p.route) == "192.168.135.64/26 via 172.16.6.249 dev tunl0 onlink");
        CHECK(p.encap == Encap::ipip);
        CHECK(p.why.find("tunnel attribute IP-in-IP (RFC 9012)") != std::string::npos);

        const std::vector<PlanPath> vxlan = {{demi1, Encap::vxlan}};
        CHECK(text(plan(demi1_block, vxlan, pools, node, kernel.resolver()).route) ==
              "192.168.121.0/26 via 172.16.199.114 dev vxlan.calico onlink");
    }
    CHECK(kernel.calls == 0);
}

TEST_CASE("plan_path reads NEXT_HOP, MP_REACH and the tunnel attribute", "[fib][planner]") {
    wire::PathAttributes attrs;
    attrs.next_hop = demi1;
    CHECK(plan_path(attrs) == PlanPath{demi1, std::nullopt});

    // A GRE tunnel only: ignored (RFC 9012 §6: forwarded as without the attribute).
    wire::TunnelTlv gre{wire::tunnel_type::gre, {}};
    attrs.tunnel_encapsulation = wire::TunnelEncapsulation{{gre}};
    CHECK(plan_path(attrs) == PlanPath{demi1, std::nullopt});

    // GRE then IP-in-IP: the first one we can carry.
    wire::TunnelTlv ipip{wire::tunnel_type::ip_in_ip, {}};
    attrs.tunnel_encapsulation = wire::TunnelEncapsulation{{gre, ipip}};
    CHECK(plan_path(attrs) == PlanPath{demi1, Encap::ipip});

    // VXLAN with a Tunnel Egress Endpoint (§3.1: reserved 4, AFI 1, address): the far end.
    wire::TunnelTlv vxlan{wire::tunnel_type::vxlan,
                          {{wire::tunnel_subtlv::tunnel_egress_endpoint,
                            {0, 0, 0, 0, 0x00, 0x01, 172, 16, 199, 115}}}};
    attrs.tunnel_encapsulation = wire::TunnelEncapsulation{{vxlan}};
    CHECK(plan_path(attrs) == PlanPath{ip("172.16.199.115"), Encap::vxlan});

    // IPv6 in MP_REACH_NLRI: the global next hop (not the link-local one).
    wire::PathAttributes v6;
    v6.mp_reach = wire::MpReach{wire::ipv6_unicast, {ip("fd00:6::249"), ip("fe80::1")}, {}, {}, {}};
    CHECK(plan_path(v6) == PlanPath{ip("fd00:6::249"), std::nullopt});

    CHECK(plan_path(wire::PathAttributes{}).next_hop.is_unspecified());
}

TEST_CASE("ECMP with a tunnel: one onlink next hop per path, sorted", "[fib][planner]") {
    FakeKernel kernel{pfx("172.16.6.0/24"), ip("172.16.6.254")};
    const NodeNetwork node = walker1_node();
    const wire::Prefix anycast = pfx("192.168.50.0/26");
    const std::vector<PlanPath> ab = {{demi1, std::nullopt}, {walker2, std::nullopt}};
    const std::vector<PlanPath> ba = {{walker2, std::nullopt}, {demi1, std::nullopt}};

    const std::vector<Pool> always = {pool_with(EncapMode::always)};
    const Plan p = plan(anycast, ab, always, node, kernel.resolver());
    CHECK(text(p.route) ==
          "192.168.50.0/26 nexthop via 172.16.6.249 dev tunl0 onlink"
          " nexthop via 172.16.199.114 dev tunl0 onlink");
    CHECK(p.route == plan(anycast, ba, always, node, kernel.resolver()).route);
    CHECK(p.why.find("(ECMP, 2 next hops)") != std::string::npos);

    // The tunnel attribute on one path only, in a Never pool (Calico's BIRD cannot).
    const std::vector<Pool> never = {pool_with(EncapMode::never)};
    const std::vector<PlanPath> mixed = {{demi1, Encap::ipip}, {walker2, std::nullopt}};
    const Plan m = plan(anycast, mixed, never, node, kernel.resolver());
    CHECK(text(m.route) ==
          "192.168.50.0/26 nexthop via 172.16.6.249 dev eth0"
          " nexthop via 172.16.199.114 dev tunl0 onlink");
    CHECK(m.encap == Encap::ipip);
    CHECK(m.why ==
          "pool default-ipv4-ippool ipipMode Never: 172.16.199.114 tunnel attribute IP-in-IP "
          "(RFC 9012) -> tunl0 onlink; 172.16.6.249 -> direct dev eth0 (ECMP, 2 next hops)");

    // CrossSubnet: one direct, one tunnelled.
    const std::vector<Pool> cross = {pool_with(EncapMode::cross_subnet)};
    CHECK(text(plan(anycast, ab, cross, node, kernel.resolver()).route) ==
          "192.168.50.0/26 nexthop via 172.16.6.249 dev eth0"
          " nexthop via 172.16.199.114 dev tunl0 onlink");

    // Never: two next hops behind the same gateway collapse into one.
    const std::vector<PlanPath> far = {{demi1, std::nullopt}, {ip("172.16.199.7"), std::nullopt}};
    CHECK(text(plan(anycast, far, never, node, kernel.resolver()).route) ==
          "192.168.50.0/26 via 172.16.6.254 dev eth0");
}

TEST_CASE("IPv6 pools: /122 blocks with plain next hops", "[fib][planner]") {
    FakeKernel kernel{pfx("fd00:6::/64"), ip("fd00:6::fe")};
    const std::vector<Pool> pools = {pool_with(EncapMode::always),
                                     Pool{"default-ipv6-ippool", pfx("fd00:10::/48"),
                                          EncapMode::never, EncapMode::never, false, false, 122}};
    const NodeNetwork node = walker1_node();
    const wire::Prefix block = pfx("fd00:10::40/122");
    const std::vector<PlanPath> near = {{ip("fd00:6::249"), std::nullopt}};
    const Plan p = plan(block, near, pools, node, kernel.resolver());
    CHECK(text(p.route) == "fd00:10::40/122 via fd00:6::249 dev eth0");
    CHECK(p.pool == "default-ipv6-ippool");
    CHECK(p.encap == Encap::none);
    CHECK(p.why ==
          "pool default-ipv6-ippool (IPv6, plain next hops): fd00:6::249 -> direct dev eth0");

    const std::vector<PlanPath> far = {{ip("fd00:199::114"), std::nullopt}};
    CHECK(text(plan(block, far, pools, node, kernel.resolver()).route) ==
          "fd00:10::40/122 via fd00:6::fe dev eth0");
}

TEST_CASE("Routes outside every pool, or unresolvable, are not installed", "[fib][planner]") {
    FakeKernel kernel{pfx("172.16.6.0/24"), ip("172.16.6.254")};
    const NodeNetwork node = walker1_node();
    const std::vector<Pool> pools = {pool_with(EncapMode::always)};
    const std::vector<PlanPath> path = {{walker2, std::nullopt}};

    const Plan outside = plan(pfx("10.0.0.0/24"), path, pools, node, kernel.resolver());
    CHECK_FALSE(outside.route);
    CHECK(outside.pool.empty());
    CHECK(outside.why == "10.0.0.0/24 outside every pool: not installed");
    // Wider than the pool: not inside it either.
    CHECK_FALSE(plan(pfx("192.168.0.0/15"), path, pools, node, kernel.resolver()).route);
    CHECK(plan(pfx("192.168.0.0/16"), path, pools, node, kernel.resolver()).route);

    const std::vector<Pool> never = {pool_with(EncapMode::never)};
    const Resolve nothing = [](const wire::IpAddress&) { return std::optional<Nexthop>{}; };
    const Plan unreachable = plan(walker2_block, path, never, node, nothing);
    CHECK_FALSE(unreachable.route);
    CHECK(unreachable.pool == "default-ipv4-ippool");
    CHECK(unreachable.why ==
          "pool default-ipv4-ippool ipipMode Never: 172.16.6.249 unreachable: no usable next "
          "hop, not installed");

    // A next hop that is one of our own addresses (RTM_GETROUTE answers `local ... dev lo`).
    const Resolve local = [](const wire::IpAddress&) {
        return std::optional<Nexthop>{Nexthop{std::nullopt, "lo", false, 1}};
    };
    const std::vector<PlanPath> self = {{walker1, std::nullopt}};
    const Plan mine = plan(walker2_block, self, never, node, local);
    CHECK_FALSE(mine.route);
    CHECK(mine.why ==
          "pool default-ipv4-ippool ipipMode Never: 172.16.6.47 is local: no usable "
          "next hop, not installed");

    const Plan none = plan(walker2_block, {}, never, node, kernel.resolver());
    CHECK_FALSE(none.route);

    const std::vector<PlanPath> unspecified = {{wire::IpAddress{}, std::nullopt}};
    CHECK_FALSE(plan(walker2_block, unspecified, pools, node, kernel.resolver()).route);
}

TEST_CASE("Without a resolver, a connected next hop is used as is", "[fib][planner]") {
    const NodeNetwork node = walker1_node();
    const std::vector<Pool> never = {pool_with(EncapMode::never)};
    const std::vector<PlanPath> near = {{walker2, std::nullopt}};
    const std::vector<PlanPath> far = {{demi1, std::nullopt}};
    CHECK(text(plan(walker2_block, near, never, node, Resolve{}).route) ==
          "192.168.135.64/26 via 172.16.6.249");
    CHECK_FALSE(plan(demi1_block, far, never, node, Resolve{}).route);
}

TEST_CASE("The most specific pool decides; blackholes for own blocks", "[fib][planner]") {
    FakeKernel kernel{pfx("172.16.6.0/24"), ip("172.16.6.254")};
    std::vector<Pool> pools = {pool_with(EncapMode::never),
                               Pool{"tunnelled", pfx("192.168.121.0/24"), EncapMode::always,
                                    EncapMode::never, true, false, 26}};
    const std::vector<PlanPath> to_demi = {{demi1, std::nullopt}};
    const Plan p = plan(demi1_block, to_demi, pools, walker1_node(), kernel.resolver());
    CHECK(p.pool == "tunnelled");
    CHECK(text(p.route) == "192.168.121.0/26 via 172.16.199.114 dev tunl0 onlink");
    CHECK(find_pool(walker2_block, pools)->name == "default-ipv4-ippool");
    CHECK(find_pool(pfx("10.0.0.0/8"), pools) == nullptr);

    CHECK(text(blackhole(pfx("192.168.187.192/26"))) == "blackhole 192.168.187.192/26");
    CHECK(blackhole(pfx("192.168.187.192/26")).nexthops.empty());
}
