// Path attributes of an UPDATE (RFC 4271 §4.3, §5), decoded into values.
//
// ORIGIN, AS_PATH (2- and 4-octet, RFC 6793; confederation segments, RFC 5065),
// NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF, ATOMIC_AGGREGATE, AGGREGATOR,
// COMMUNITIES (RFC 1997), ORIGINATOR_ID and CLUSTER_LIST (RFC 4456),
// MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760, RFC 8950 next hops), EXTENDED
// COMMUNITIES (RFC 4360), AS4_PATH / AS4_AGGREGATOR (RFC 6793), TUNNEL
// ENCAPSULATION (RFC 9012), LARGE_COMMUNITY (RFC 8092), OTC (RFC 9234).
// Anything else is kept as raw bytes (RawAttribute) and passed on.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bgp/wire/types.hpp"

namespace bgp::wire {

enum class AttrType : std::uint8_t {
    origin = 1,
    as_path = 2,
    next_hop = 3,
    multi_exit_disc = 4,
    local_pref = 5,
    atomic_aggregate = 6,
    aggregator = 7,
    communities = 8,
    originator_id = 9,
    cluster_list = 10,
    mp_reach_nlri = 14,
    mp_unreach_nlri = 15,
    extended_communities = 16,
    as4_path = 17,
    as4_aggregator = 18,
    tunnel_encapsulation = 23,
    large_community = 32,
    otc = 35,
};

namespace attr_flag {
inline constexpr std::uint8_t optional = 0x80;
inline constexpr std::uint8_t transitive = 0x40;
inline constexpr std::uint8_t partial = 0x20;
inline constexpr std::uint8_t extended_length = 0x10;
}  // namespace attr_flag

/// Lower-case name used in JSON ("as_path", "large_communities", ...);
/// "unknown" for types this codec does not decode.
[[nodiscard]] std::string attribute_name(std::uint8_t type);

enum class Origin : std::uint8_t { igp = 0, egp = 1, incomplete = 2 };

enum class AsSegmentType : std::uint8_t {
    as_set = 1,
    as_sequence = 2,
    as_confed_sequence = 3,  // RFC 5065
    as_confed_set = 4,       // RFC 5065
};

struct AsSegment {
    AsSegmentType type = AsSegmentType::as_sequence;
    std::vector<std::uint32_t> asns;
    friend bool operator==(const AsSegment&, const AsSegment&) = default;
};

struct AsPath {
    std::vector<AsSegment> segments;
    /// Path length for the decision process (RFC 4271 §9.1.2.2 a: an AS_SET
    /// counts 1; RFC 5065 §5.3: confederation segments count 0).
    [[nodiscard]] std::size_t path_length() const;
    /// "64512 64513 {64514,64515} (64516)" - BIRD/FRR style.
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const AsPath&, const AsPath&) = default;
};

struct Aggregator {
    std::uint32_t asn = 0;
    IpAddress address;  // always IPv4
    friend bool operator==(const Aggregator&, const Aggregator&) = default;
};

/// RFC 1997 well-known communities.
namespace community {
inline constexpr std::uint32_t no_export = 0xFFFFFF01;
inline constexpr std::uint32_t no_advertise = 0xFFFFFF02;
inline constexpr std::uint32_t no_export_subconfed = 0xFFFFFF03;
inline constexpr std::uint32_t no_peer = 0xFFFFFF04;            // RFC 3765
inline constexpr std::uint32_t graceful_shutdown = 0xFFFF0000;  // RFC 8326
inline constexpr std::uint32_t llgr_stale = 0xFFFF0006;         // RFC 9494
inline constexpr std::uint32_t no_llgr = 0xFFFF0007;            // RFC 9494
}  // namespace community

/// An RFC 4360 extended community (8 octets, kept as on the wire).
struct ExtCommunity {
    std::array<std::uint8_t, 8> bytes{};
    [[nodiscard]] std::uint8_t type() const { return bytes[0]; }
    [[nodiscard]] std::uint8_t subtype() const { return bytes[1]; }
    /// "rt 64512:100", "soo 10.0.0.1:7", "encap vxlan", or hex such as "0x8006000000000000".
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const ExtCommunity&, const ExtCommunity&) = default;
    friend auto operator<=>(const ExtCommunity&, const ExtCommunity&) = default;
};

/// RFC 8092 large community.
struct LargeCommunity {
    std::uint32_t global_admin = 0;
    std::uint32_t local_data1 = 0;
    std::uint32_t local_data2 = 0;
    friend bool operator==(const LargeCommunity&, const LargeCommunity&) = default;
    friend auto operator<=>(const LargeCommunity&, const LargeCommunity&) = default;
};

/// MP_REACH_NLRI (RFC 4760 §3). For prefix families (Family::is_prefix_family)
/// `nlri` holds the decoded prefixes; for other families the NLRI and next
/// hop are kept as raw bytes.
struct MpReach {
    Family family;
    /// One next hop (4 or 16 bytes), or two (IPv6 global + link-local, 32 bytes).
    /// RFC 8950: an IPv4 NLRI family may carry IPv6 next hops.
    std::vector<IpAddress> next_hops;
    std::vector<std::uint8_t> raw_next_hop;  // non-prefix families only
    std::vector<Nlri> nlri;
    std::vector<std::uint8_t> raw_nlri;  // non-prefix families only
    friend bool operator==(const MpReach&, const MpReach&) = default;
};

/// MP_UNREACH_NLRI (RFC 4760 §4). An empty one is the End-of-RIB marker of
/// its family (RFC 4724 §2).
struct MpUnreach {
    Family family;
    std::vector<Nlri> nlri;
    std::vector<std::uint8_t> raw_nlri;  // non-prefix families only
    friend bool operator==(const MpUnreach&, const MpUnreach&) = default;
};

/// RFC 9012 tunnel types used here.
namespace tunnel_type {
inline constexpr std::uint16_t vxlan = 8;
inline constexpr std::uint16_t ip_in_ip = 7;
inline constexpr std::uint16_t nvgre = 9;
inline constexpr std::uint16_t mpls = 10;
inline constexpr std::uint16_t gre = 2;
}  // namespace tunnel_type

/// RFC 9012 §3 sub-TLV types.
namespace tunnel_subtlv {
inline constexpr std::uint8_t encapsulation = 1;
inline constexpr std::uint8_t protocol_type = 2;
inline constexpr std::uint8_t color = 4;
inline constexpr std::uint8_t tunnel_egress_endpoint = 6;
inline constexpr std::uint8_t ds_field = 7;
inline constexpr std::uint8_t udp_destination_port = 8;
inline constexpr std::uint8_t embedded_label_handling = 9;
inline constexpr std::uint8_t mpls_label_stack = 10;
inline constexpr std::uint8_t prefix_sid = 11;
}  // namespace tunnel_subtlv

struct TunnelSubTlv {
    std::uint8_t type = 0;
    std::vector<std::uint8_t> value;
    friend bool operator==(const TunnelSubTlv&, const TunnelSubTlv&) = default;
};

/// One Tunnel TLV of the Tunnel Encapsulation attribute. Sub-TLVs are kept in
/// wire order; the accessors decode the ones this project uses.
struct TunnelTlv {
    std::uint16_t tunnel_type = 0;
    std::vector<TunnelSubTlv> sub_tlvs;

    /// Tunnel Egress Endpoint (RFC 9012 §3.1); nullopt if absent or 0.0.0.0/::.
    [[nodiscard]] std::optional<IpAddress> egress_endpoint() const;
    /// VXLAN Network Identifier from the Encapsulation sub-TLV (RFC 9012 §3.2.1), if V bit set.
    [[nodiscard]] std::optional<std::uint32_t> vxlan_vni() const;
    [[nodiscard]] std::optional<std::uint16_t> udp_destination_port() const;
    [[nodiscard]] std::vector<std::uint32_t> colors() const;

    friend bool operator==(const TunnelTlv&, const TunnelTlv&) = default;
};

struct TunnelEncapsulation {
    std::vector<TunnelTlv> tunnels;
    friend bool operator==(const TunnelEncapsulation&, const TunnelEncapsulation&) = default;
};

/// An attribute kept as bytes: unknown types, and known ones this codec only
/// passes through.
struct RawAttribute {
    std::uint8_t flags = 0;
    std::uint8_t type = 0;
    std::vector<std::uint8_t> value;
    friend bool operator==(const RawAttribute&, const RawAttribute&) = default;
};

/// Where an attribute sat on the wire and with which flags. Encoding follows
/// this layout (so encode(decode(x)) == x); attributes not in it are emitted
/// after, in type order, with canonical flags.
struct AttrSlot {
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    friend bool operator==(const AttrSlot&, const AttrSlot&) = default;
};

struct PathAttributes {
    std::optional<Origin> origin;
    std::optional<AsPath> as_path;
    std::optional<IpAddress> next_hop;
    std::optional<std::uint32_t> med;
    std::optional<std::uint32_t> local_pref;
    bool atomic_aggregate = false;
    std::optional<Aggregator> aggregator;
    std::optional<std::vector<std::uint32_t>> communities;
    std::optional<IpAddress> originator_id;
    std::optional<std::vector<std::uint32_t>> cluster_list;  // cluster ids, host order
    std::optional<MpReach> mp_reach;
    std::optional<MpUnreach> mp_unreach;
    std::optional<std::vector<ExtCommunity>> ext_communities;
    std::optional<AsPath> as4_path;
    std::optional<Aggregator> as4_aggregator;
    std::optional<TunnelEncapsulation> tunnel_encapsulation;
    std::optional<std::vector<LargeCommunity>> large_communities;
    std::optional<std::uint32_t> otc;
    std::vector<RawAttribute> unknown;  ///< everything else, in wire order
    std::vector<AttrSlot> layout;       ///< wire order and flags (empty when built by hand)

    /// Whether the attribute of this type is present.
    [[nodiscard]] bool has(std::uint8_t type) const;
    /// Removes the attribute (and its layout slot).
    void erase(std::uint8_t type);

    friend bool operator==(const PathAttributes&, const PathAttributes&) = default;
};

}  // namespace bgp::wire
