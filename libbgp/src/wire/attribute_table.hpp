// Path attribute descriptor table (internal), in the style of BIRD's
// bgp_attr_table: one row per attribute type code with the flags the
// attribute's specification fixes, its names, its decode and encode hooks and
// the RFC 7606 action for Optional/Transitive bits that disagree (§3 c).
//
// The dispatcher (attribute_table.cpp) handles everything that is the same
// for every attribute: the header and Extended Length (RFC 4271 §4.3),
// framing errors (RFC 7606 §4), duplicates (§3 g), flags (§3 c), unknown
// attributes (RFC 4271 §5, §6.3), missing well-known ones (§3 d) and the
// "no reachable NLRI" escalation (§5.2). The hooks, split by concern into
// attr_basic.cpp, attr_communities.cpp, attr_mp.cpp and attr_tunnel.cpp,
// check one value each (RFC 7606 §7) and convert it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/error.hpp"
#include "bgp/wire/message.hpp"
#include "wire/reader.hpp"

namespace bgp::wire::detail {

/// What a decode hook found wrong with one attribute value. The dispatcher
/// turns it into a DecodeError (code 3, the attribute's type, the reason
/// prefixed with the attribute's name).
struct AttrProblem {
    ErrorAction action = ErrorAction::treat_as_withdraw;
    std::uint8_t subcode = update_subcode::optional_attribute_error;
    std::string reason;
    /// RFC 4271 §6.3: the NOTIFICATION data is the erroneous attribute
    /// (type, length and value). False for problems that carry no data.
    bool attach_attribute = true;
};

/// One attribute as read from the wire.
struct AttrInput {
    std::uint8_t flags = 0;
    std::uint8_t type = 0;
    std::span<const std::uint8_t> value;
    const CodecOptions* opts = nullptr;
    /// Problems that do not stop the attribute from being used (e.g. a
    /// Tunnel TLV removed from TUNNEL_ENCAPSULATION, RFC 9012 §13). The
    /// dispatcher reports them; the attribute stays in the result.
    std::vector<AttrProblem>* notes = nullptr;
};

/// Checks and converts the value into `out`. On a problem, leaves `out`
/// without the attribute and returns it.
using AttrDecodeFn = std::optional<AttrProblem> (*)(const AttrInput& in, PathAttributes& out);
/// Appends the attribute's value (no header). Only called when present.
using AttrEncodeFn = std::optional<EncodeError> (*)(const PathAttributes& a,
                                                    const CodecOptions& opts, Writer& w);
using AttrPresentFn = bool (*)(const PathAttributes& a);
using AttrEraseFn = void (*)(PathAttributes& a);

struct AttrDescriptor {
    const char* name = nullptr;       ///< RFC spelling, used in error reasons: "AS_PATH"
    const char* json_name = nullptr;  ///< attribute_name(): "as_path"
    /// Optional and Transitive bits the specification fixes (RFC 4271 §5,
    /// RFC 4760 §3/§4, ...); Partial and Extended Length are not compared.
    std::uint8_t flags = 0;
    /// Action when the Optional/Transitive bits disagree (RFC 7606 §3 c:
    /// treat-as-withdraw "unless the specification for the attribute mandates
    /// different handling": §3 f for ATOMIC_AGGREGATE/AGGREGATOR, RFC 6793 §6
    /// for AS4_*, §5.3 for MP_REACH/MP_UNREACH).
    ErrorAction flags_action = ErrorAction::treat_as_withdraw;
    AttrDecodeFn decode = nullptr;
    AttrEncodeFn encode = nullptr;
    AttrPresentFn present = nullptr;
    AttrEraseFn erase = nullptr;
};

/// The row for a type code, or nullptr for attributes this codec does not
/// decode (they are kept as RawAttribute).
[[nodiscard]] const AttrDescriptor* find_attribute(std::uint8_t type);

// RFC 6793 §9: AS_TRANS stands in for a 4-octet ASN on a 2-octet session.
inline constexpr std::uint32_t as_trans = 23456;

// ---- hooks (attr_basic.cpp) -------------------------------------------------
std::optional<AttrProblem> decode_origin(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_as_path(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_next_hop(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_med(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_local_pref(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_atomic_aggregate(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_aggregator(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_originator_id(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_cluster_list(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_as4_path(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_as4_aggregator(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_otc(const AttrInput& in, PathAttributes& out);

std::optional<EncodeError> encode_origin(const PathAttributes& a, const CodecOptions& o, Writer& w);
std::optional<EncodeError> encode_as_path(const PathAttributes& a, const CodecOptions& o,
                                          Writer& w);
std::optional<EncodeError> encode_next_hop(const PathAttributes& a, const CodecOptions& o,
                                           Writer& w);
std::optional<EncodeError> encode_med(const PathAttributes& a, const CodecOptions& o, Writer& w);
std::optional<EncodeError> encode_local_pref(const PathAttributes& a, const CodecOptions& o,
                                             Writer& w);
std::optional<EncodeError> encode_atomic_aggregate(const PathAttributes& a, const CodecOptions& o,
                                                   Writer& w);
std::optional<EncodeError> encode_aggregator(const PathAttributes& a, const CodecOptions& o,
                                             Writer& w);
std::optional<EncodeError> encode_originator_id(const PathAttributes& a, const CodecOptions& o,
                                                Writer& w);
std::optional<EncodeError> encode_cluster_list(const PathAttributes& a, const CodecOptions& o,
                                               Writer& w);
std::optional<EncodeError> encode_as4_path(const PathAttributes& a, const CodecOptions& o,
                                           Writer& w);
std::optional<EncodeError> encode_as4_aggregator(const PathAttributes& a, const CodecOptions& o,
                                                 Writer& w);
std::optional<EncodeError> encode_otc(const PathAttributes& a, const CodecOptions& o, Writer& w);

// ---- hooks (attr_communities.cpp) ------------------------------------------
std::optional<AttrProblem> decode_communities(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_ext_communities(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_large_communities(const AttrInput& in, PathAttributes& out);

std::optional<EncodeError> encode_communities(const PathAttributes& a, const CodecOptions& o,
                                              Writer& w);
std::optional<EncodeError> encode_ext_communities(const PathAttributes& a, const CodecOptions& o,
                                                  Writer& w);
std::optional<EncodeError> encode_large_communities(const PathAttributes& a, const CodecOptions& o,
                                                    Writer& w);

// ---- hooks (attr_mp.cpp) ----------------------------------------------------
std::optional<AttrProblem> decode_mp_reach(const AttrInput& in, PathAttributes& out);
std::optional<AttrProblem> decode_mp_unreach(const AttrInput& in, PathAttributes& out);

std::optional<EncodeError> encode_mp_reach(const PathAttributes& a, const CodecOptions& o,
                                           Writer& w);
std::optional<EncodeError> encode_mp_unreach(const PathAttributes& a, const CodecOptions& o,
                                             Writer& w);

// ---- hooks (attr_tunnel.cpp) ------------------------------------------------
std::optional<AttrProblem> decode_tunnel_encapsulation(const AttrInput& in, PathAttributes& out);
std::optional<EncodeError> encode_tunnel_encapsulation(const PathAttributes& a,
                                                       const CodecOptions& o, Writer& w);

/// "vxlan", "ip-in-ip", "gre", ... or "type N" (IANA BGP Tunnel Encapsulation
/// Attribute Tunnel Types).
[[nodiscard]] std::string tunnel_type_name(std::uint16_t type);
/// Tunnel Egress Endpoint sub-TLV value (RFC 9012 §3.1): false when malformed;
/// `addr` is the address, or nullopt for Address Family 0 (the next hop).
[[nodiscard]] bool parse_tunnel_egress_endpoint(std::span<const std::uint8_t> value,
                                                std::optional<IpAddress>& addr);

// ---- shared helpers ---------------------------------------------------------
/// "length 3, expected 4" style problem for fixed-size attributes.
[[nodiscard]] AttrProblem length_problem(ErrorAction action, std::size_t got, std::size_t expected);

}  // namespace bgp::wire::detail
