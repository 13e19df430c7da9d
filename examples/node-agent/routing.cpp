// Peers, own blocks and the import rule of one node (see routing.hpp).
#include "routing.hpp"

#include <fmt/format.h>

#include <map>
#include <stdexcept>

namespace bgp::node_agent {

NodeIdentity identity(const Cluster& cluster, const std::string& node,
                      const std::optional<HostAddress>& detected) {
    NodeIdentity me;
    me.name = node;
    me.as_number = cluster.default_as();
    const NodeResource* n = cluster.node(node);
    if (n != nullptr) {
        me.as_number = cluster.as_of(*n);
        me.rr_cluster_id = n->rr_cluster_id;
        me.ipv6 = n->ipv6;
    }
    if (n != nullptr && n->ipv4)
        me.ipv4 = *n->ipv4;
    else if (detected)
        me.ipv4 = *detected;
    else
        throw std::invalid_argument(fmt::format(
            "node {}: no spec.bgp.ipv4Address in the manifests and autodetection found no address",
            node));
    return me;
}

std::vector<PeerPlan> plan_peers(const Cluster& cluster, const NodeIdentity& me) {
    std::map<wire::IpAddress, PeerPlan> out;
    // Which node owns an address, for the reflector-client rule.
    auto node_at = [&cluster](const wire::IpAddress& a) -> const NodeResource* {
        for (const auto& [name, n] : cluster.nodes)
            if ((n.ipv4 && n.ipv4->address == a) || (n.ipv6 && n.ipv6->address == a)) return &n;
        return nullptr;
    };
    auto client = [&](const wire::IpAddress& a, std::uint32_t as) {
        if (!me.rr_cluster_id || as != me.as_number) return false;
        const NodeResource* n = node_at(a);
        return n != nullptr && !n->rr_cluster_id;
    };
    if (cluster.mesh_enabled()) {
        for (const auto& [name, n] : cluster.nodes) {
            if (name == me.name) continue;
            const std::uint32_t as = cluster.as_of(n);
            if (n.ipv4)
                out[n.ipv4->address] =
                    PeerPlan{n.ipv4->address, as, "", client(n.ipv4->address, as),
                             fmt::format("node {} (mesh)", name)};
            if (n.ipv6 && me.ipv6)
                out[n.ipv6->address] =
                    PeerPlan{n.ipv6->address, as, "", client(n.ipv6->address, as),
                             fmt::format("node {} (mesh)", name)};
        }
    }
    for (const auto& [name, p] : cluster.peers) {
        if (!p.node.empty() && p.node != me.name) continue;
        if (p.peer_ip == me.ipv4.address || (me.ipv6 && p.peer_ip == me.ipv6->address)) continue;
        if (p.peer_ip.is_v6() && !me.ipv6) continue;
        out[p.peer_ip] = PeerPlan{p.peer_ip, p.as_number, p.password,
                                  client(p.peer_ip, p.as_number), fmt::format("BGPPeer {}", name)};
    }
    std::vector<PeerPlan> v;
    for (auto& [a, p] : out) v.push_back(std::move(p));
    return v;
}

std::vector<OwnBlock> own_blocks(const Cluster& cluster, const std::string& node,
                                 std::vector<std::string>* skipped) {
    std::vector<OwnBlock> out;
    for (const auto& [name, b] : cluster.blocks) {
        if (b.node != node) continue;
        if (b.state != "confirmed") {
            if (skipped != nullptr)
                skipped->push_back(
                    fmt::format("block {} is {}, not confirmed", b.cidr.to_string(), b.state));
            continue;
        }
        const IpPool* pool = cluster.pool_of(b.cidr);
        if (pool == nullptr) {
            if (skipped != nullptr)
                skipped->push_back(
                    fmt::format("block {} is inside no enabled pool", b.cidr.to_string()));
            continue;
        }
        bool dup = false;
        for (const auto& o : out) dup = dup || o.cidr == b.cidr;
        if (dup) continue;
        out.push_back(OwnBlock{b.cidr, pool->name, !pool->disable_bgp_export});
    }
    return out;
}

ImportPolicy import_policy(const Cluster& cluster) {
    policy::PolicyConfig config;
    policy::PrefixList list{"calico-pools", {}};
    for (const auto& [name, pool] : cluster.pools) {
        if (pool.disabled) continue;
        policy::PrefixListEntry e;
        e.prefix = pool.cidr;
        e.le = static_cast<std::uint8_t>(pool.cidr.address().is_v4() ? 32 : 128);
        list.entries.push_back(e);
    }
    if (list.entries.empty()) {
        policy::PolicyTable table;
        policy::PolicyChain chain = table.chain({"reject-all"}, policy::Verdict::reject);
        return ImportPolicy{std::move(table), std::move(chain)};
    }
    config.prefix_lists.push_back(std::move(list));
    policy::Term accept;
    accept.name = "inside-a-pool";
    accept.match.prefix_list = policy::SetRef{"calico-pools", policy::MatchSet::any};
    accept.action = policy::TermAction::accept;
    config.definitions.push_back(
        policy::PolicyDefinition{"calico-import", {accept}, policy::TermAction::reject});
    policy::PolicyTable table(std::move(config));
    policy::PolicyChain chain = table.chain({"calico-import"}, policy::Verdict::reject);
    return ImportPolicy{std::move(table), std::move(chain)};
}

bool importable(const Cluster& cluster, const wire::Prefix& prefix) {
    return cluster.pool_of(prefix) != nullptr;
}

}  // namespace bgp::node_agent
