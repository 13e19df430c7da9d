// What the cluster's resources mean for one node, as pure functions: its
// identity (address, AS, reflector cluster), its BGP peers (the node-to-node
// mesh plus BGPPeers that apply to it), its own blocks (BlockAffinity
// confirmed, inside an enabled pool; exported unless the pool has
// disableBGPExport) and which received prefixes it imports (inside a pool).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bgp/policy/table.hpp"
#include "manifest.hpp"

namespace bgp::node_agent {

struct NodeIdentity {
    std::string name;
    HostAddress ipv4;  ///< from the Node or autodetected
    std::optional<HostAddress> ipv6;
    std::uint32_t as_number = 64512;
    std::optional<std::uint32_t> rr_cluster_id;
};

struct PeerPlan {
    wire::IpAddress address;
    std::uint32_t as_number = 0;
    std::string password;
    bool rr_client = false;   ///< we are a reflector and the peer a node that is not
    std::string description;  ///< "node walker-2 (mesh)", "BGPPeer tor-1"
    friend bool operator==(const PeerPlan&, const PeerPlan&) = default;
};

/// The node's identity; `detected` is used when the Node has no ipv4Address.
/// Throws std::invalid_argument when there is no address at all.
[[nodiscard]] NodeIdentity identity(const Cluster& cluster, const std::string& node,
                                    const std::optional<HostAddress>& detected);

/// Sessions of this node: one per other Node (mesh; IPv4, and IPv6 when both
/// have an ipv6Address) and per BGPPeer for this node or for every node. A
/// BGPPeer towards an address the mesh also peers with replaces the mesh entry.
[[nodiscard]] std::vector<PeerPlan> plan_peers(const Cluster& cluster, const NodeIdentity& me);

struct OwnBlock {
    wire::Prefix cidr;
    std::string pool;
    bool exported = true;
};
/// Confirmed blocks of this node inside an enabled pool. Blocks of the node that
/// are outside every pool, or not confirmed, are explained in `skipped`.
[[nodiscard]] std::vector<OwnBlock> own_blocks(const Cluster& cluster, const std::string& node,
                                               std::vector<std::string>* skipped = nullptr);

/// True when a received route for `prefix` may be installed (inside an enabled pool).
[[nodiscard]] bool importable(const Cluster& cluster, const wire::Prefix& prefix);

/// The import policy of every session: accept routes inside an enabled pool
/// (prefix list "calico-pools", each pool's CIDR and everything longer), reject
/// the rest, so the RIB (and what a reflector node reflects) holds pool routes only.
struct ImportPolicy {
    policy::PolicyTable table;
    policy::PolicyChain chain;
};
[[nodiscard]] ImportPolicy import_policy(const Cluster& cluster);

}  // namespace bgp::node_agent
