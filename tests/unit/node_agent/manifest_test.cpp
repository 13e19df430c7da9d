// Calico manifests, v1 and v3: every resource kind read into the Cluster, and
// bad files refused with the file, line and key and what was expected.
#include <catch2/catch_test_macros.hpp>
#include <string>

#include "node-agent/manifest.hpp"

namespace {

using namespace bgp::node_agent;

std::string error_of(const std::string& text, const std::string& file = "bad.yaml") {
    try {
        Cluster c;
        c.apply(parse_manifests(file, text));
        c.validate();
    } catch (const ManifestError& e) {
        return e.what();
    }
    FAIL("no error for:\n" << text);
    return {};
}

Cluster cluster_of(const std::string& text) {
    Cluster c;
    c.apply(parse_manifests("ok.yaml", text));
    c.validate();
    return c;
}

}  // namespace

TEST_CASE("the seed's calicoctl v1 ipPool", "[node-agent]") {
    const Cluster c = cluster_of(R"(apiVersion: v1
kind: ipPool
metadata:
  cidr: 192.168.0.0/16
spec:
  ipip:
    enabled: true
    mode: cross-subnet
  nat-outgoing: true
)");
    REQUIRE(c.pools.size() == 1);
    const IpPool& p = c.pools.begin()->second;
    CHECK(p.name == "192.168.0.0/16");
    CHECK(p.cidr.to_string() == "192.168.0.0/16");
    CHECK(p.ipip == Mode::cross_subnet);
    CHECK(p.vxlan == Mode::never);
    CHECK(p.nat_outgoing);
    CHECK(p.block_size == 26);

    // ipip enabled without a mode is Always; enabled: false is Never; no spec is Never.
    CHECK(cluster_of("apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.1.0.0/16}\n"
                     "spec: {ipip: {enabled: true}}\n")
              .pools.begin()
              ->second.ipip == Mode::always);
    CHECK(cluster_of("apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.1.0.0/16}\n"
                     "spec: {ipip: {enabled: false, mode: always}}\n")
              .pools.begin()
              ->second.ipip == Mode::never);
    CHECK(cluster_of("apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.1.0.0/16}\n")
              .pools.begin()
              ->second.ipip == Mode::never);
}

TEST_CASE("v1 node and bgpPeer", "[node-agent]") {
    const Cluster c = cluster_of(R"(apiVersion: v1
kind: node
metadata:
  name: walker-1
spec:
  bgp:
    ipv4Address: 172.16.6.47/24
    asNumber: 64512
---
apiVersion: v1
kind: bgpPeer
metadata:
  peerIP: 172.16.6.254
  scope: node
  node: walker-1
spec:
  asNumber: 64567
)");
    REQUIRE(c.node("walker-1") != nullptr);
    CHECK(c.node("walker-1")->ipv4->to_string() == "172.16.6.47/24");
    REQUIRE(c.peers.size() == 1);
    CHECK(c.peers.begin()->second.node == "walker-1");
    CHECK(c.peers.begin()->second.as_number == 64567);
}

TEST_CASE("v3 resources, several documents and a List", "[node-agent]") {
    const Cluster c = cluster_of(R"(apiVersion: projectcalico.org/v3
kind: IPPool
metadata:
  name: default-ipv4-ippool
spec:
  cidr: 192.168.0.0/16
  ipipMode: CrossSubnet
  natOutgoing: true
  blockSize: 26
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: vx}
spec: {cidr: 10.200.0.0/16, vxlanMode: Always, disableBGPExport: true, blockSize: 28}
---
apiVersion: projectcalico.org/v3
kind: Node
metadata:
  name: demi-1
  labels: {rack: b}
spec:
  bgp:
    ipv4Address: 172.16.199.114/24
    asNumber: 64513
    routeReflectorClusterID: 244.0.0.1
---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: default}
spec: {nodeToNodeMeshEnabled: false, asNumber: 65000}
---
apiVersion: projectcalico.org/v3
kind: List
items:
- apiVersion: projectcalico.org/v3
  kind: BGPPeer
  metadata: {name: tor}
  spec: {peerIP: 172.16.6.254, asNumber: 64567, password: s3cret, nodeSelector: all()}
- apiVersion: projectcalico.org/v3
  kind: BlockAffinity
  metadata: {name: demi-1-192-168-121-0-26}
  spec: {node: demi-1, cidr: 192.168.121.0/26, state: confirmed}
)");
    REQUIRE(c.pools.size() == 2);
    const IpPool& p = c.pools.at("default-ipv4-ippool");
    CHECK(p.ipip == Mode::cross_subnet);
    CHECK(p.nat_outgoing);
    CHECK(c.pools.at("vx").vxlan == Mode::always);
    CHECK(c.pools.at("vx").disable_bgp_export);
    CHECK(c.pools.at("vx").block_size == 28);
    const NodeResource* n = c.node("demi-1");
    REQUIRE(n != nullptr);
    CHECK(n->ipv4->to_string() == "172.16.199.114/24");
    CHECK(*n->as_number == 64513);
    CHECK(*n->rr_cluster_id == 0xf4000001u);
    CHECK_FALSE(c.mesh_enabled());
    CHECK(c.default_as() == 65000);
    REQUIRE(c.peers.count("tor") == 1);
    CHECK(c.peers.at("tor").password == "s3cret");
    CHECK(c.peers.at("tor").node.empty());
    REQUIRE(c.blocks.size() == 1);
    CHECK(c.blocks.begin()->second.cidr.to_string() == "192.168.121.0/26");
    const IpPool* in = c.pool_of(*bgp::wire::Prefix::parse("192.168.121.0/26"));
    REQUIRE(in != nullptr);
    CHECK(in->name == "default-ipv4-ippool");
    CHECK(c.pool_of(*bgp::wire::Prefix::parse("10.9.0.0/26")) == nullptr);
}

TEST_CASE("a later resource of the same kind and name replaces the earlier", "[node-agent]") {
    Cluster c;
    c.apply(parse_manifests("a.yaml",
                            "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 192.168.0.0/16}\n"));
    c.apply(parse_manifests("b.yaml",
                            "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 192.168.0.0/16}\n"
                            "spec: {ipip: {enabled: true, mode: always}}\n"));
    REQUIRE(c.pools.size() == 1);
    CHECK(c.pools.begin()->second.ipip == Mode::always);
    CHECK(c.pools.begin()->second.origin.file == "b.yaml");
}

TEST_CASE("bad manifests name file, line, key and what was expected", "[node-agent]") {
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec:\n"
                   "  cidr: 192.168.0.0/16\n  ipipMode: Sometimes\n") ==
          "bad.yaml:6: spec.ipipMode: expected Never, Always or CrossSubnet, got \"Sometimes\"");
    CHECK(error_of("apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 192.168.0.0/16\nspec:\n"
                   "  ipip:\n    enabled: true\n    mode: sometimes\n") ==
          "bad.yaml:8: spec.ipip.mode: expected always or cross-subnet, got \"sometimes\"");
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec:\n"
                   "  cidr: 192.168.0.1/16\n") ==
          "bad.yaml:5: spec.cidr: host bits set in 192.168.0.1/16 (the network is 192.168.0.0/16)");
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec:\n"
                   "  cidr: 192.168.0.0/16\n  ipipModes: Always\n") ==
          "bad.yaml:6: spec.ipipModes: unknown key (expected one of: cidr, ipipMode, vxlanMode, "
          "natOutgoing, blockSize, disableBGPExport, disabled)");
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec:\n"
                   "  ipipMode: Always\n") == "bad.yaml:4: spec.cidr: missing (required)");
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: Ippool\n") ==
          "bad.yaml:2: kind: expected IPPool, Node, BGPPeer, BGPConfiguration, BlockAffinity or "
          "a List, got \"Ippool\"");
    CHECK(error_of("apiVersion: v2\nkind: IPPool\n") ==
          "bad.yaml:1: apiVersion: expected v1 or projectcalico.org/v3, got \"v2\"");
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata: {name: n}\nspec:\n"
                   "  bgp:\n    ipv4Address: 172.16.6.300/24\n") ==
          "bad.yaml:6: spec.bgp.ipv4Address: expected an address with prefix length such as "
          "172.16.6.47/24, got \"172.16.6.300/24\"");
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata: {name: x}\nspec:\n"
                   "  peerIP: 10.0.0.1\n  asNumber: 0\n") ==
          "bad.yaml:6: spec.asNumber: expected an AS number 1..4294967295 (or asdot 1.10), got "
          "\"0\"");
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata: {name: x}\nspec:\n"
                   "  peerIP: 10.0.0.1\n  asNumber: 64512\n  password:\n    secretKeyRef:\n"
                   "      name: bgp\n      key: pw\n") ==
          "bad.yaml:8: spec.password.secretKeyRef: secrets are not read by this agent: give the "
          "MD5 key as text, password: KEY");
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: BlockAffinity\nmetadata: {name: b}\n"
                   "spec:\n  node: n\n  cidr: 192.168.1.0/26\n  state: maybe\n") ==
          "bad.yaml:7: spec.state: expected confirmed, pending or pendingDeletion, got \"maybe\"");
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec:\n"
                   "  cidr: 192.168.0.0/16\n  ipipMode: Always\n  vxlanMode: Always\n") ==
          "bad.yaml:7: spec.vxlanMode: ipipMode and vxlanMode cannot both be enabled on one pool");
    CHECK(error_of("kind: [unclosed\n").rfind("bad.yaml:", 0) == 0);
    CHECK(error_of("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: p}\nspec:\n"
                   "  cidr: 10.0.0.0/16\n  blockSize: 12\n") ==
          "bad.yaml:6: spec.blockSize: expected an integer 20..32, got \"12\"");
}

TEST_CASE("errors in later documents count lines from the file's start", "[node-agent]") {
    const std::string text =
        "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 192.168.0.0/16}\n---\n"
        "apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 10.0.0.0/8\nspec:\n  nat-outgoing: "
        "maybe\n";
    CHECK(error_of(text, "two.yaml") ==
          "two.yaml:10: spec.nat-outgoing: expected true or false, got \"maybe\"");
}

TEST_CASE("cross-resource checks: overlapping pools, duplicate node addresses", "[node-agent]") {
    const std::string overlap =
        "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: a}\nspec: {cidr: "
        "192.168.0.0/16}\n"
        "---\napiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: b}\nspec: {cidr: "
        "192.168.4.0/24}\n";
    CHECK(error_of(overlap, "o.yaml") ==
          "o.yaml:6: spec.cidr: pool b (192.168.4.0/24) overlaps pool a (192.168.0.0/16) from "
          "o.yaml:1");
    const std::string same =
        "apiVersion: projectcalico.org/v3\nkind: Node\nmetadata: {name: a}\n"
        "spec: {bgp: {ipv4Address: 10.0.0.1/24}}\n---\n"
        "apiVersion: projectcalico.org/v3\nkind: Node\nmetadata: {name: b}\n"
        "spec: {bgp: {ipv4Address: 10.0.0.1/24}}\n";
    CHECK(error_of(same, "n.yaml") ==
          "n.yaml:6: spec.bgp.ipv4Address: node b has the same address 10.0.0.1 as node a");
}

TEST_CASE("an unreadable file is an error naming it", "[node-agent]") {
    try {
        (void)load_manifest_file("/nonexistent/pools.yaml");
        FAIL("no error");
    } catch (const ManifestError& e) {
        CHECK(std::string(e.what()) == "/nonexistent/pools.yaml:0: cannot read the file");
    }
}

TEST_CASE("the example manifests parse", "[node-agent]") {
    const std::string dir = std::string(BGP_NODE_AGENT_DIR) + "/manifests/";
    Cluster v1;
    v1.apply(load_manifest_file(dir + "seed-v1.yaml"));
    v1.apply(load_manifest_file(dir + "blocks-v3.yaml"));
    v1.validate();
    CHECK(v1.pools.at("192.168.0.0/16").ipip == Mode::cross_subnet);
    CHECK(v1.nodes.size() == 3);
    CHECK(v1.blocks.size() == 3);
    Cluster v3;
    v3.apply(load_manifest_file(dir + "cluster-v3.yaml"));
    v3.apply(load_manifest_file(dir + "reflector-v3.yaml"));
    for (const char* mode : {"Never", "Always", "CrossSubnet"})
        v3.apply(load_manifest_file(dir + "pool-" + mode + ".yaml"));
    v3.validate();
    CHECK(v3.pools.at("default-ipv4-ippool").ipip == Mode::cross_subnet);
    CHECK_FALSE(v3.mesh_enabled());
    CHECK(v3.peers.size() == 4);
}
