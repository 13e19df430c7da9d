// The route planner: from a prefix's BGP best paths (the ECMP set), the IP
// pools and the node's own network to the kernel route the FIB sink installs,
// with the reason in words for `show routes`. Pure: no I/O; the only contact
// with the kernel is the Resolve callback (Sink::lookup, RTM_GETROUTE).
//
// Calico's pool modes (docs/dataplane.md has the full table):
// - ipipMode/vxlanMode Never: the next hop is resolved recursively, as BIRD's
//   `gateway recursive` does: a next hop on a connected subnet is used as is,
//   one in another subnet goes via the gateway the kernel uses to reach it.
// - Always: `via NH dev tunl0 onlink` (vxlanMode: `dev vxlan.calico onlink`).
// - CrossSubnet: direct when NH is inside the node's subnet, else through the
//   tunnel device onlink.
// - The RFC 9012 Tunnel Encapsulation attribute (§3, tunnel types 7 IP-in-IP
//   and 8 VXLAN) on a path wins over the pool's mode for that path; its Tunnel
//   Egress Endpoint sub-TLV (§3.1), when present, is the tunnel's far end.
// - ECMP: one next hop per path (each path planned on its own, tunnelled or
//   not), duplicates merged, sorted, so equal sets give equal routes.
// - IPv6 pools (/122 blocks): plain next hops (resolved as in Never); there is
//   no IPv6 tunl0.
// - A prefix outside every pool is not installed (Calico imports only routes
//   inside its pools), and neither is one whose next hops all fail to resolve.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "bgp/fib/route.hpp"
#include "bgp/wire/attributes.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::fib {

/// A pool's `ipipMode` / `vxlanMode` (Calico v3 words: Never, Always, CrossSubnet).
enum class EncapMode : std::uint8_t { never, always, cross_subnet };
/// The encapsulation a next hop ends up with.
enum class Encap : std::uint8_t { none, ipip, vxlan };

/// "Never", "Always", "CrossSubnet".
[[nodiscard]] std::string_view to_string(EncapMode mode);
/// "none", "IP-in-IP", "VXLAN".
[[nodiscard]] std::string_view to_string(Encap encap);

/// A Calico IPPool as far as routing is concerned.
struct Pool {
    std::string name;
    wire::Prefix cidr;
    EncapMode ipip = EncapMode::never;
    EncapMode vxlan = EncapMode::never;  ///< used when ipip is never (Calico allows one of the two)
    bool nat_outgoing = false;
    bool disable_bgp_export = false;
    std::uint8_t block_size = 26;  ///< 122 for IPv6
};

/// What the planner needs to know about this node.
struct NodeNetwork {
    /// The node's subnet (172.16.6.47/24 -> 172.16.6.0/24): the CrossSubnet test.
    wire::Prefix host_subnet;
    std::string ipip_device = "tunl0";
    std::string vxlan_device = "vxlan.calico";
};

/// One member of the ECMP set, reduced to what routing needs.
struct PlanPath {
    wire::IpAddress next_hop;
    /// From the RFC 9012 attribute (type 7 ipip, 8 vxlan): wins over the pool.
    std::optional<Encap> tunnel;
    friend bool operator==(const PlanPath&, const PlanPath&) = default;
};

/// NEXT_HOP (or MP_REACH_NLRI's global next hop) and the first Tunnel TLV of
/// a type we can carry (7, 8); its egress endpoint, when present and of the
/// next hop's family, replaces the next hop (RFC 9012 §3.1, §6).
[[nodiscard]] PlanPath plan_path(const wire::PathAttributes& attributes);

struct Plan {
    std::optional<Route> route;  ///< unset: not installed (outside all pools / unresolvable)
    std::string pool;            ///< its name ("" if none)
    EncapMode mode = EncapMode::never;
    Encap encap = Encap::none;  ///< the tunnel used (the first tunnelled path's, in ECMP)
    /// For `show routes`, e.g. "pool default-ipv4-ippool ipipMode CrossSubnet:
    /// 172.16.199.114 outside 172.16.6.0/24 -> tunl0 onlink".
    std::string why;
};

/// The kernel's next hop towards an address (Sink::lookup): gateway if the
/// address is not on a connected subnet, and the device. nullopt: unreachable.
using Resolve = std::function<std::optional<Nexthop>(const wire::IpAddress&)>;

/// The route for `prefix` given its best paths (best first). `resolve` may be
/// empty: then a next hop inside the node's subnet is used as is (device left
/// to the kernel) and any other untunnelled one is unresolvable.
[[nodiscard]] Plan plan(const wire::Prefix& prefix, std::span<const PlanPath> paths,
                        std::span<const Pool> pools, const NodeNetwork& node,
                        const Resolve& resolve);

/// The most specific pool containing `prefix`, or nullptr.
[[nodiscard]] const Pool* find_pool(const wire::Prefix& prefix, std::span<const Pool> pools);

/// `blackhole BLOCK`: a node's own pod block.
[[nodiscard]] Route blackhole(const wire::Prefix& block);

/// The canonical order of a multipath route's next hops (gateway, device, onlink, weight).
[[nodiscard]] bool nexthop_less(const Nexthop& a, const Nexthop& b);

}  // namespace bgp::fib
