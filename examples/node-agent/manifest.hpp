// Calico resource manifests as the node agent reads them: the calicoctl v1 form
// (`apiVersion: v1`, kind ipPool / node / bgpPeer) and the projectcalico.org/v3
// form (IPPool, Node, BGPPeer, BGPConfiguration, BlockAffinity), several YAML
// documents per file (or a `kind: List` / `*List` with `items`). Parsing is
// strict: an unknown key, a wrong value or a missing field throws ManifestError
// with file, line and key. The Cluster is the set of resources in force.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bgp/wire/types.hpp"
#include "yaml_reader.hpp"

namespace bgp::node_agent {

enum class Mode : std::uint8_t { never, always, cross_subnet };
[[nodiscard]] std::string_view to_string(Mode mode);  ///< "Never", "Always", "CrossSubnet"

struct Origin {
    std::string file;
    int line = 0;
};

struct IpPool {
    std::string name;  ///< v3 metadata.name; v1: the CIDR
    wire::Prefix cidr;
    Mode ipip = Mode::never;
    Mode vxlan = Mode::never;
    bool nat_outgoing = false;
    bool disable_bgp_export = false;
    bool disabled = false;
    std::uint8_t block_size = 26;  ///< 122 for IPv6
    Origin origin;
    friend bool operator==(const IpPool& a, const IpPool& b) {
        return a.name == b.name && a.cidr == b.cidr && a.ipip == b.ipip && a.vxlan == b.vxlan &&
               a.nat_outgoing == b.nat_outgoing && a.disable_bgp_export == b.disable_bgp_export &&
               a.disabled == b.disabled && a.block_size == b.block_size;
    }
};

struct NodeResource {
    std::string name;
    std::optional<HostAddress> ipv4;
    std::optional<HostAddress> ipv6;
    std::optional<std::uint32_t> as_number;
    std::optional<std::uint32_t> rr_cluster_id;  ///< routeReflectorClusterID
    Origin origin;
};

struct BgpPeerResource {
    std::string name;
    wire::IpAddress peer_ip;
    std::uint32_t as_number = 0;
    std::string password;  ///< TCP MD5 key as plain text; "" = none
    std::string node;      ///< "" = every node (nodeSelector all() or none)
    Origin origin;
};

struct BgpConfigResource {
    std::string name;  ///< "default" is the cluster-wide one
    std::optional<bool> node_to_node_mesh;
    std::optional<std::uint32_t> as_number;
    Origin origin;
};

struct BlockAffinityResource {
    std::string name;
    std::string node;
    wire::Prefix cidr;
    std::string state = "confirmed";  ///< confirmed, pending, pendingDeletion
    Origin origin;
};

using Resource =
    std::variant<IpPool, NodeResource, BgpPeerResource, BgpConfigResource, BlockAffinityResource>;

/// Every resource of one file's text, in order. Throws ManifestError.
[[nodiscard]] std::vector<Resource> parse_manifests(const std::string& file, std::string_view text);
/// Reads and parses a file; an unreadable file is a ManifestError at line 0.
[[nodiscard]] std::vector<Resource> load_manifest_file(const std::string& path);

/// The resources in force: keyed by kind and name, a later one replaces an earlier.
struct Cluster {
    std::map<std::string, IpPool> pools;
    std::map<std::string, NodeResource> nodes;
    std::map<std::string, BgpPeerResource> peers;
    std::map<std::string, BgpConfigResource> configs;
    std::map<std::string, BlockAffinityResource> blocks;

    void apply(const std::vector<Resource>& resources);
    /// Semantic checks across resources (overlapping pools, a block outside every
    /// pool is allowed but reported by the agent). Throws ManifestError naming the
    /// resource's origin.
    void validate() const;

    [[nodiscard]] bool mesh_enabled() const;         ///< default true
    [[nodiscard]] std::uint32_t default_as() const;  ///< BGPConfiguration default, else 64512
    [[nodiscard]] std::uint32_t as_of(const NodeResource& node) const;
    [[nodiscard]] const NodeResource* node(std::string_view name) const;
    /// The enabled pool containing `prefix` (the most specific one), if any.
    [[nodiscard]] const IpPool* pool_of(const wire::Prefix& prefix) const;
};

}  // namespace bgp::node_agent
