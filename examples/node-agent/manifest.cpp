// Parses Calico v1 and v3 resource manifests (see manifest.hpp).
#include "manifest.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <sstream>

namespace bgp::node_agent {

namespace {

constexpr std::string_view v3_api = "projectcalico.org/v3";
constexpr std::string_view crd_api = "crd.projectcalico.org/v1";

const std::initializer_list<std::string_view> ignored_metadata = {
    "labels",    "annotations", "creationTimestamp", "resourceVersion", "uid",
    "namespace", "generation",  "managedFields",     "ownerReferences", "finalizers"};

Mode parse_v3_mode(const YamlNode& n) {
    return static_cast<Mode>(n.choice({"Never", "Always", "CrossSubnet"}));
}

std::string v3_name(const YamlNode& doc) {
    const YamlNode metadata = doc.require("metadata");
    metadata.expect_map({"name"}, ignored_metadata);
    return metadata.require("name").text();
}

Origin origin_of(const YamlNode& doc) { return Origin{doc.file(), doc.line()}; }

std::uint8_t block_size(const YamlNode& spec, const wire::Prefix& cidr) {
    const bool v4 = cidr.address().is_v4();
    std::uint8_t size = v4 ? 26 : 122;
    if (auto n = spec.get("blockSize"))
        size = static_cast<std::uint8_t>(n->integer(v4 ? 20 : 116, v4 ? 32 : 128));
    if (size < cidr.length())
        spec.require("blockSize")
            .fail(fmt::format("blocks of /{} do not fit in the pool {}", size, cidr.to_string()));
    return size;
}

IpPool v3_pool(const YamlNode& doc) {
    IpPool p;
    p.name = v3_name(doc);
    const YamlNode spec = doc.require("spec");
    spec.expect_map({"cidr", "ipipMode", "vxlanMode", "natOutgoing", "blockSize",
                     "disableBGPExport", "disabled"},
                    {"nodeSelector", "allowedUses", "ipip", "nat-outgoing", "assignmentMode"});
    p.cidr = spec.require("cidr").prefix();
    if (auto n = spec.get("ipipMode")) p.ipip = parse_v3_mode(*n);
    if (auto n = spec.get("vxlanMode")) p.vxlan = parse_v3_mode(*n);
    if (auto n = spec.get("natOutgoing")) p.nat_outgoing = n->boolean();
    if (auto n = spec.get("disableBGPExport")) p.disable_bgp_export = n->boolean();
    if (auto n = spec.get("disabled")) p.disabled = n->boolean();
    p.block_size = block_size(spec, p.cidr);
    if (p.ipip != Mode::never && p.vxlan != Mode::never)
        spec.require("vxlanMode").fail("ipipMode and vxlanMode cannot both be enabled on one pool");
    if (p.ipip != Mode::never && !p.cidr.address().is_v4())
        spec.require("ipipMode").fail("IP-in-IP is for IPv4 pools only");
    p.origin = origin_of(doc);
    return p;
}

IpPool v1_pool(const YamlNode& doc) {
    IpPool p;
    const YamlNode metadata = doc.require("metadata");
    metadata.expect_map({"cidr"}, ignored_metadata);
    p.cidr = metadata.require("cidr").prefix();
    p.name = p.cidr.to_string();
    p.block_size = p.cidr.address().is_v4() ? 26 : 122;
    if (auto spec = doc.get("spec"); spec && !spec->is_null()) {
        spec->expect_map({"ipip", "nat-outgoing", "disabled"});
        if (auto ipip = spec->get("ipip"); ipip && !ipip->is_null()) {
            ipip->expect_map({"enabled", "mode"});
            const bool enabled = ipip->get("enabled") ? ipip->require("enabled").boolean() : true;
            Mode mode = Mode::always;
            if (auto m = ipip->get("mode"))
                mode =
                    m->choice({"always", "cross-subnet"}) == 0 ? Mode::always : Mode::cross_subnet;
            p.ipip = enabled ? mode : Mode::never;
        }
        if (auto n = spec->get("nat-outgoing")) p.nat_outgoing = n->boolean();
        if (auto n = spec->get("disabled")) p.disabled = n->boolean();
    }
    p.origin = origin_of(doc);
    return p;
}

std::uint32_t cluster_id(const YamlNode& n) {
    auto a = wire::IpAddress::parse(n.text());
    if (!a || !a->is_v4())
        n.fail(fmt::format("expected a cluster ID in IPv4 form such as 244.0.0.1, got \"{}\"",
                           n.text()));
    return a->v4_value();
}

void node_bgp(const YamlNode& bgp, NodeResource& node, bool v3) {
    if (v3)
        bgp.expect_map({"ipv4Address", "ipv6Address", "asNumber", "routeReflectorClusterID"},
                       {"ipv4IPIPTunnelAddr"});
    else
        bgp.expect_map({"ipv4Address", "ipv6Address", "asNumber"});
    if (auto n = bgp.get("ipv4Address")) {
        node.ipv4 = n->host_address();
        if (!node.ipv4->address.is_v4()) n->fail("expected an IPv4 address");
    }
    if (auto n = bgp.get("ipv6Address")) {
        node.ipv6 = n->host_address();
        if (!node.ipv6->address.is_v6()) n->fail("expected an IPv6 address");
    }
    if (auto n = bgp.get("asNumber")) node.as_number = n->asn();
    if (auto n = bgp.get("routeReflectorClusterID")) node.rr_cluster_id = cluster_id(*n);
}

NodeResource v3_node(const YamlNode& doc) {
    NodeResource node;
    node.name = v3_name(doc);
    if (auto spec = doc.get("spec"); spec && !spec->is_null()) {
        spec->expect_map({"bgp"},
                         {"addresses", "orchRefs", "ipv4VXLANTunnelAddr", "vxlanTunnelMACAddr",
                          "ipv6VXLANTunnelAddr", "vxlanTunnelMACAddrV6", "wireguard"});
        if (auto bgp = spec->get("bgp"); bgp && !bgp->is_null()) node_bgp(*bgp, node, true);
    }
    node.origin = origin_of(doc);
    return node;
}

NodeResource v1_node(const YamlNode& doc) {
    NodeResource node;
    const YamlNode metadata = doc.require("metadata");
    metadata.expect_map({"name"}, ignored_metadata);
    node.name = metadata.require("name").text();
    if (auto spec = doc.get("spec"); spec && !spec->is_null()) {
        spec->expect_map({"bgp"}, {"orchRefs"});
        if (auto bgp = spec->get("bgp"); bgp && !bgp->is_null()) node_bgp(*bgp, node, false);
    }
    node.origin = origin_of(doc);
    return node;
}

BgpPeerResource v3_peer(const YamlNode& doc) {
    BgpPeerResource peer;
    peer.name = v3_name(doc);
    const YamlNode spec = doc.require("spec");
    spec.expect_map({"peerIP", "asNumber", "password", "node", "nodeSelector"},
                    {"keepOriginalNextHop", "sourceAddress", "maxRestartTime"});
    peer.peer_ip = spec.require("peerIP").address();
    peer.as_number = spec.require("asNumber").asn();
    if (auto n = spec.get("password"); n && !n->is_null()) {
        if (n->is_map()) {
            n->expect_map({"secretKeyRef"});
            n->require("secretKeyRef")
                .fail(
                    "secrets are not read by this agent: give the MD5 key as text, password: KEY");
        }
        peer.password = n->text();
        if (peer.password.size() > 80) n->fail("a TCP MD5 key is at most 80 octets");
    }
    if (auto n = spec.get("node")) peer.node = n->text();
    if (auto n = spec.get("nodeSelector")) {
        const std::string sel = n->text();
        if (sel != "all()" && !sel.empty())
            n->fail(fmt::format(
                "only the selector all() is supported (or name the node in spec.node), got \"{}\"",
                sel));
        if (!peer.node.empty()) n->fail("give either node or nodeSelector, not both");
    }
    peer.origin = origin_of(doc);
    return peer;
}

BgpPeerResource v1_peer(const YamlNode& doc) {
    BgpPeerResource peer;
    const YamlNode metadata = doc.require("metadata");
    metadata.expect_map({"peerIP", "scope", "node"}, ignored_metadata);
    peer.peer_ip = metadata.require("peerIP").address();
    const bool global = metadata.require("scope").choice({"global", "node"}) == 0;
    if (!global) peer.node = metadata.require("node").text();
    const YamlNode spec = doc.require("spec");
    spec.expect_map({"asNumber"});
    peer.as_number = spec.require("asNumber").asn();
    peer.name = fmt::format("{}-{}", global ? "global" : peer.node, peer.peer_ip.to_string());
    peer.origin = origin_of(doc);
    return peer;
}

BgpConfigResource v3_config(const YamlNode& doc) {
    BgpConfigResource c;
    c.name = v3_name(doc);
    if (auto spec = doc.get("spec"); spec && !spec->is_null()) {
        spec->expect_map({"nodeToNodeMeshEnabled", "asNumber"},
                         {"logSeverityScreen", "serviceClusterIPs", "serviceExternalIPs",
                          "serviceLoadBalancerIPs", "listenPort", "communities",
                          "prefixAdvertisements", "bindMode", "ignoredInterfaces"});
        if (auto n = spec->get("nodeToNodeMeshEnabled")) c.node_to_node_mesh = n->boolean();
        if (auto n = spec->get("asNumber")) c.as_number = n->asn();
    }
    c.origin = origin_of(doc);
    return c;
}

BlockAffinityResource v3_block(const YamlNode& doc) {
    BlockAffinityResource b;
    b.name = v3_name(doc);
    const YamlNode spec = doc.require("spec");
    spec.expect_map({"node", "cidr", "state"}, {"deleted", "type"});
    b.node = spec.require("node").text();
    b.cidr = spec.require("cidr").prefix();
    if (auto n = spec.get("state")) {
        static constexpr std::array<std::string_view, 3> states{"confirmed", "pending",
                                                                "pendingDeletion"};
        b.state = std::string(states.at(n->choice({"confirmed", "pending", "pendingDeletion"})));
    }
    b.origin = origin_of(doc);
    return b;
}

void parse_document(const YamlNode& doc, std::vector<Resource>& out, int depth) {
    doc.expect_map({"apiVersion", "kind", "metadata", "spec", "items"}, {"status"});
    const YamlNode api = doc.require("apiVersion");
    const std::string version = api.text();
    const YamlNode kind_node = doc.require("kind");
    const std::string kind = kind_node.text();
    if (version == "v1") {
        if (kind == "ipPool") return out.emplace_back(v1_pool(doc)), void();
        if (kind == "node") return out.emplace_back(v1_node(doc)), void();
        if (kind == "bgpPeer") return out.emplace_back(v1_peer(doc)), void();
        if (kind == "List" || kind == "ipPoolList" || kind == "nodeList" || kind == "bgpPeerList") {
        } else {
            kind_node.fail(fmt::format(
                "expected ipPool, node or bgpPeer for apiVersion v1, got \"{}\"", kind));
        }
    } else if (version == v3_api || version == crd_api) {
        if (kind == "IPPool") return out.emplace_back(v3_pool(doc)), void();
        if (kind == "Node") return out.emplace_back(v3_node(doc)), void();
        if (kind == "BGPPeer") return out.emplace_back(v3_peer(doc)), void();
        if (kind == "BGPConfiguration") return out.emplace_back(v3_config(doc)), void();
        if (kind == "BlockAffinity") return out.emplace_back(v3_block(doc)), void();
        if (kind.size() < 4 || kind.substr(kind.size() - 4) != "List")
            kind_node.fail(
                fmt::format("expected IPPool, Node, BGPPeer, BGPConfiguration, BlockAffinity or a "
                            "List, got \"{}\"",
                            kind));
    } else {
        api.fail(fmt::format("expected v1 or {}, got \"{}\"", v3_api, version));
    }
    // A list: its items are documents of their own.
    if (depth > 0) kind_node.fail("a List inside a List");
    const YamlNode items = doc.require("items");
    for (std::size_t i = 0; i < items.size(); ++i) parse_document(items.item(i), out, depth + 1);
}

}  // namespace

std::string_view to_string(Mode mode) {
    switch (mode) {
        case Mode::never:
            return "Never";
        case Mode::always:
            return "Always";
        case Mode::cross_subnet:
            return "CrossSubnet";
    }
    return "?";
}

std::vector<Resource> parse_manifests(const std::string& file, std::string_view text) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(std::string(text));
    } catch (const YAML::Exception& e) {
        throw ManifestError(file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "",
                            fmt::format("YAML syntax: {}", e.msg));
    }
    std::vector<Resource> out;
    for (const auto& d : documents) {
        if (d.IsNull()) continue;
        const int line = d.Mark().line >= 0 ? d.Mark().line + 1 : 1;
        parse_document(YamlNode(file, d, "", line), out, 0);
    }
    return out;
}

std::vector<Resource> load_manifest_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ManifestError(path, 0, "", "cannot read the file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_manifests(path, text.str());
}

void Cluster::apply(const std::vector<Resource>& resources) {
    for (const auto& r : resources) {
        std::visit(
            [this](const auto& res) {
                using T = std::decay_t<decltype(res)>;
                if constexpr (std::is_same_v<T, IpPool>) pools.insert_or_assign(res.name, res);
                if constexpr (std::is_same_v<T, NodeResource>)
                    nodes.insert_or_assign(res.name, res);
                if constexpr (std::is_same_v<T, BgpPeerResource>)
                    peers.insert_or_assign(res.name, res);
                if constexpr (std::is_same_v<T, BgpConfigResource>)
                    configs.insert_or_assign(res.name, res);
                if constexpr (std::is_same_v<T, BlockAffinityResource>)
                    blocks.insert_or_assign(res.name, res);
            },
            r);
    }
}

void Cluster::validate() const {
    for (auto a = pools.begin(); a != pools.end(); ++a) {
        for (auto b = std::next(a); b != pools.end(); ++b) {
            if (a->second.disabled || b->second.disabled) continue;
            const auto& pa = a->second.cidr;
            const auto& pb = b->second.cidr;
            if (pa.address().is_v4() != pb.address().is_v4()) continue;
            if (pa.contains(pb.address()) || pb.contains(pa.address()))
                throw ManifestError(b->second.origin.file, b->second.origin.line, "spec.cidr",
                                    fmt::format("pool {} ({}) overlaps pool {} ({}) from {}:{}",
                                                b->first, pb.to_string(), a->first, pa.to_string(),
                                                a->second.origin.file, a->second.origin.line));
        }
    }
    std::map<std::string, const NodeResource*> by_address;
    for (const auto& [name, node] : nodes) {
        if (!node.ipv4) continue;
        const std::string key = node.ipv4->address.to_string();
        if (auto it = by_address.find(key); it != by_address.end())
            throw ManifestError(node.origin.file, node.origin.line, "spec.bgp.ipv4Address",
                                fmt::format("node {} has the same address {} as node {}", name, key,
                                            it->second->name));
        by_address.emplace(key, &node);
    }
}

bool Cluster::mesh_enabled() const {
    auto it = configs.find("default");
    return it == configs.end() || it->second.node_to_node_mesh.value_or(true);
}

std::uint32_t Cluster::default_as() const {
    auto it = configs.find("default");
    if (it != configs.end() && it->second.as_number) return *it->second.as_number;
    return 64512;
}

std::uint32_t Cluster::as_of(const NodeResource& node) const {
    return node.as_number.value_or(default_as());
}

const NodeResource* Cluster::node(std::string_view name) const {
    auto it = nodes.find(std::string(name));
    return it == nodes.end() ? nullptr : &it->second;
}

const IpPool* Cluster::pool_of(const wire::Prefix& prefix) const {
    const IpPool* best = nullptr;
    for (const auto& [name, pool] : pools) {
        if (pool.disabled) continue;
        if (pool.cidr.address().is_v4() != prefix.address().is_v4()) continue;
        if (pool.cidr.length() > prefix.length() || !pool.cidr.contains(prefix.address())) continue;
        if (best == nullptr || pool.cidr.length() > best->cidr.length()) best = &pool;
    }
    return best;
}

}  // namespace bgp::node_agent
