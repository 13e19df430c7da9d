// What the manifests mean for one node: its peers (mesh, BGPPeers, reflector
// clients), its own blocks (confirmed, inside a pool, exported unless
// disableBGPExport), the import rule, and the route planned for each pool mode
// (the table of DESIGN.md).
#include <catch2/catch_test_macros.hpp>
#include <string>

#include "node-agent/fib_port.hpp"
#include "node-agent/routing.hpp"

namespace {

using namespace bgp::node_agent;
using bgp::wire::IpAddress;
using bgp::wire::Prefix;

const std::string seed_nodes = R"(
apiVersion: projectcalico.org/v3
kind: Node
metadata: {name: walker-1}
spec: {bgp: {ipv4Address: 172.16.6.47/24}}
---
apiVersion: projectcalico.org/v3
kind: Node
metadata: {name: walker-2}
spec: {bgp: {ipv4Address: 172.16.6.249/24}}
---
apiVersion: projectcalico.org/v3
kind: Node
metadata: {name: demi-1}
spec: {bgp: {ipv4Address: 172.16.199.114/24}}
---
apiVersion: projectcalico.org/v3
kind: BlockAffinity
metadata: {name: walker-1-a}
spec: {node: walker-1, cidr: 192.168.187.192/26, state: confirmed}
---
apiVersion: projectcalico.org/v3
kind: BlockAffinity
metadata: {name: walker-1-b}
spec: {node: walker-1, cidr: 192.168.187.0/26, state: pending}
---
apiVersion: projectcalico.org/v3
kind: BlockAffinity
metadata: {name: walker-1-c}
spec: {node: walker-1, cidr: 10.77.0.0/26}
---
apiVersion: projectcalico.org/v3
kind: BlockAffinity
metadata: {name: walker-1-d}
spec: {node: walker-1, cidr: 10.200.0.0/26}
---
apiVersion: projectcalico.org/v3
kind: BlockAffinity
metadata: {name: walker-2-a}
spec: {node: walker-2, cidr: 192.168.135.64/26}
)";

std::string pool(const std::string& mode_key, const std::string& mode) {
    return "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: default-ipv4-ippool}\n"
           "spec: {cidr: 192.168.0.0/16, " +
           mode_key + ": " + mode +
           "}\n---\n"
           "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: quiet}\n"
           "spec: {cidr: 10.200.0.0/16, disableBGPExport: true}\n";
}

Cluster cluster(const std::string& extra = pool("ipipMode", "Never")) {
    Cluster c;
    c.apply(parse_manifests("seed.yaml", seed_nodes));
    c.apply(parse_manifests("pool.yaml", extra));
    c.validate();
    return c;
}

std::string planned(const Cluster& c, const char* prefix, std::vector<const char*> next_hops,
                    const Resolve& resolve = {}) {
    std::vector<PathIn> paths;
    for (const char* nh : next_hops) paths.push_back(PathIn{*IpAddress::parse(nh), std::nullopt});
    const NodeNet walker1{*HostAddress::parse("172.16.6.47/24")};
    const PlannedRoute p = plan_route(*Prefix::parse(prefix), paths, c, walker1, resolve);
    return p.route ? route_text(*p.route) : "not installed: " + p.why;
}

}  // namespace

TEST_CASE("own blocks: confirmed, inside an enabled pool; export unless disableBGPExport",
          "[node-agent]") {
    const Cluster c = cluster();
    std::vector<std::string> skipped;
    const auto blocks = own_blocks(c, "walker-1", &skipped);
    REQUIRE(blocks.size() == 2);
    CHECK(blocks[0].cidr.to_string() == "192.168.187.192/26");
    CHECK(blocks[0].pool == "default-ipv4-ippool");
    CHECK(blocks[0].exported);
    CHECK(blocks[1].cidr.to_string() == "10.200.0.0/26");
    CHECK_FALSE(blocks[1].exported);
    REQUIRE(skipped.size() == 2);
    CHECK(skipped[0] == "block 192.168.187.0/26 is pending, not confirmed");
    CHECK(skipped[1] == "block 10.77.0.0/26 is inside no enabled pool");
    CHECK(own_blocks(c, "walker-2").size() == 1);
    CHECK(own_blocks(c, "nobody").empty());
}

TEST_CASE("import only inside enabled pools", "[node-agent]") {
    Cluster c = cluster();
    CHECK(importable(c, *Prefix::parse("192.168.135.64/26")));
    CHECK(importable(c, *Prefix::parse("192.168.0.0/16")));
    CHECK_FALSE(importable(c, *Prefix::parse("192.0.0.0/8")));  // wider than the pool
    CHECK_FALSE(importable(c, *Prefix::parse("8.8.8.0/24")));
    c.pools.at("default-ipv4-ippool").disabled = true;
    CHECK_FALSE(importable(c, *Prefix::parse("192.168.135.64/26")));
}

TEST_CASE("peers: the mesh is every other node; BGPPeers add and replace", "[node-agent]") {
    Cluster c = cluster();
    const NodeIdentity me = identity(c, "walker-1", std::nullopt);
    CHECK(me.ipv4.to_string() == "172.16.6.47/24");
    CHECK(me.as_number == 64512);
    auto peers = plan_peers(c, me);
    REQUIRE(peers.size() == 2);
    CHECK(peers[0].address.to_string() == "172.16.6.249");
    CHECK(peers[0].description == "node walker-2 (mesh)");
    CHECK(peers[1].address.to_string() == "172.16.199.114");

    c.apply(parse_manifests("peers.yaml", R"(
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: tor}
spec: {peerIP: 172.16.6.254, asNumber: 64567, password: pw}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: only-demi}
spec: {peerIP: 172.16.199.254, asNumber: 64568, node: demi-1}
---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: default}
spec: {nodeToNodeMeshEnabled: false}
)"));
    peers = plan_peers(c, me);
    REQUIRE(peers.size() == 1);
    CHECK(peers[0].address.to_string() == "172.16.6.254");
    CHECK(peers[0].as_number == 64567);
    CHECK(peers[0].password == "pw");
    CHECK_FALSE(peers[0].rr_client);
}

TEST_CASE("a node with routeReflectorClusterID reflects for the nodes that are not reflectors",
          "[node-agent]") {
    Cluster c = cluster();
    c.apply(parse_manifests("rr.yaml", R"(
apiVersion: projectcalico.org/v3
kind: Node
metadata: {name: demi-1}
spec: {bgp: {ipv4Address: 172.16.199.114/24, routeReflectorClusterID: 244.0.0.1}}
)"));
    const NodeIdentity rr = identity(c, "demi-1", std::nullopt);
    REQUIRE(rr.rr_cluster_id.has_value());
    const auto peers = plan_peers(c, rr);
    REQUIRE(peers.size() == 2);
    CHECK(peers[0].rr_client);
    CHECK(peers[1].rr_client);
    const auto client_side = plan_peers(c, identity(c, "walker-1", std::nullopt));
    for (const auto& p : client_side) CHECK_FALSE(p.rr_client);
}

TEST_CASE("the node address: the Node's, else the autodetected one, else an error",
          "[node-agent]") {
    const Cluster c = cluster();
    CHECK(identity(c, "walker-1", HostAddress::parse("10.0.0.9/8")).ipv4.to_string() ==
          "172.16.6.47/24");
    CHECK(identity(c, "new-node", HostAddress::parse("10.0.0.9/8")).ipv4.to_string() ==
          "10.0.0.9/8");
    CHECK_THROWS_AS(identity(c, "new-node", std::nullopt), std::invalid_argument);
}

TEST_CASE("planned routes per pool mode: DESIGN.md's table", "[node-agent]") {
    // The kernel's answer for a next hop: same subnet direct, else via the gateway.
    const Resolve kernel = [](const IpAddress& a) -> std::optional<bgp::fib::Nexthop> {
        bgp::fib::Nexthop nh;
        nh.device = "eth0";
        if (!Prefix::parse("172.16.6.0/24")->contains(a))
            nh.gateway = IpAddress::parse("172.16.6.254");
        return nh;
    };
    const Cluster never = cluster(pool("ipipMode", "Never"));
    CHECK(planned(never, "192.168.135.64/26", {"172.16.6.249"}, kernel) ==
          "192.168.135.64/26 via 172.16.6.249 dev eth0");
    CHECK(planned(never, "192.168.121.0/26", {"172.16.199.114"}, kernel) ==
          "192.168.121.0/26 via 172.16.6.254 dev eth0");

    const Cluster always = cluster(pool("ipipMode", "Always"));
    CHECK(planned(always, "192.168.135.64/26", {"172.16.6.249"}, kernel) ==
          "192.168.135.64/26 via 172.16.6.249 dev tunl0 onlink");
    CHECK(planned(always, "192.168.121.0/26", {"172.16.199.114"}, kernel) ==
          "192.168.121.0/26 via 172.16.199.114 dev tunl0 onlink");

    const Cluster cross = cluster(pool("ipipMode", "CrossSubnet"));
    CHECK(planned(cross, "192.168.135.64/26", {"172.16.6.249"}, kernel) ==
          "192.168.135.64/26 via 172.16.6.249 dev eth0");
    CHECK(planned(cross, "192.168.121.0/26", {"172.16.199.114"}, kernel) ==
          "192.168.121.0/26 via 172.16.199.114 dev tunl0 onlink");

    const Cluster vxlan = cluster(pool("vxlanMode", "CrossSubnet"));
    CHECK(planned(vxlan, "192.168.121.0/26", {"172.16.199.114"}, kernel) ==
          "192.168.121.0/26 via 172.16.199.114 dev vxlan.calico onlink");

    // Outside every pool: not installed.
    CHECK(planned(always, "8.8.8.0/24", {"172.16.6.249"}, kernel).rfind("not installed", 0) == 0);
    // ECMP through the tunnel: one onlink next hop per path.
    CHECK(planned(always, "192.168.50.0/26", {"172.16.6.249", "172.16.199.114"}, kernel) ==
          "192.168.50.0/26 nexthop via 172.16.6.249 dev tunl0 onlink weight 1 nexthop via "
          "172.16.199.114 dev tunl0 onlink weight 1");
}

TEST_CASE("the RFC 9012 tunnel attribute wins over the pool", "[node-agent]") {
    bgp::wire::PathAttributes attrs;
    attrs.next_hop = IpAddress::parse("172.16.6.249");
    attrs.tunnel_encapsulation.emplace();
    attrs.tunnel_encapsulation->tunnels.push_back({bgp::wire::tunnel_type::ip_in_ip, {}});
    const PathIn p = path_in(attrs);
    REQUIRE(p.tunnel.has_value());
    CHECK(*p.tunnel == Encap::ipip);
    const Cluster never = cluster(pool("ipipMode", "Never"));
    const PlannedRoute r = plan_route(*Prefix::parse("192.168.135.64/26"), std::vector<PathIn>{p},
                                      never, NodeNet{*HostAddress::parse("172.16.6.47/24")}, {});
    REQUIRE(r.route.has_value());
    CHECK(route_text(*r.route) == "192.168.135.64/26 via 172.16.6.249 dev tunl0 onlink");
    CHECK(r.encap == Encap::ipip);
}
