// Decode and encode hooks for the attributes of RFC 4271 §5.1 (ORIGIN,
// AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF, ATOMIC_AGGREGATE,
// AGGREGATOR), RFC 4456 §8 (ORIGINATOR_ID, CLUSTER_LIST), RFC 6793 (AS4_PATH,
// AS4_AGGREGATOR) and RFC 9234 §5 (OTC), with the error handling of
// RFC 7606 §7.1-§7.10 and RFC 6793 §6.
#include <algorithm>
#include <string>
#include <vector>

#include "wire/attribute_table.hpp"

namespace bgp::wire::detail {

namespace {

constexpr auto taw = ErrorAction::treat_as_withdraw;
constexpr auto discard = ErrorAction::attribute_discard;

std::uint32_t get_u32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}

std::string octets(std::size_t n) { return std::to_string(n) + (n == 1 ? " octet" : " octets"); }

// RFC 7606 §7.5, §7.9, §7.10: attributes that only make sense inside an AS
// are dropped, not judged, when they come from an external peer. Unknown
// session type (a capture, a table dump): not applied. Not an error in the
// attribute, so no NOTIFICATION subcode (0).
std::optional<AttrProblem> from_external_peer(const AttrInput& in) {
    if (in.opts->ibgp.has_value() && !*in.opts->ibgp)
        return AttrProblem{discard, 0, "received from an external peer, discarded", false};
    return std::nullopt;
}

/// Parses AS_PATH / AS4_PATH segments (RFC 4271 §4.3, RFC 6793 §3). Returns
/// the reason when malformed in the sense of RFC 7606 §7.2.
std::optional<std::string> parse_segments(std::span<const std::uint8_t> v, std::size_t asn_size,
                                          AsPath& out) {
    Reader r(v);
    while (!r.empty()) {
        std::uint8_t type = 0;
        std::uint8_t count = 0;
        if (!r.u8(type) || !r.u8(count)) {
            return "1 octet left after the last segment, too short for a segment header "
                   "(underrun)";
        }
        if (type < 1 || type > 4) return "unrecognized segment type " + std::to_string(type);
        if (count == 0) return "segment of type " + std::to_string(type) + " has length 0";
        const std::size_t need = std::size_t{count} * asn_size;
        if (need > r.remaining()) {
            return "segment length " + std::to_string(count) + " overruns attribute (needs " +
                   octets(need) + ", " + std::to_string(r.remaining()) + " left)";
        }
        AsSegment seg;
        seg.type = static_cast<AsSegmentType>(type);
        seg.asns.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            std::uint32_t asn = 0;
            if (asn_size == 4) {
                (void)r.u32(asn);
            } else {
                std::uint16_t a16 = 0;
                (void)r.u16(a16);
                asn = a16;
            }
            seg.asns.push_back(asn);
        }
        out.segments.push_back(std::move(seg));
    }
    return std::nullopt;
}

bool is_confed(AsSegmentType t) {
    return t == AsSegmentType::as_confed_sequence || t == AsSegmentType::as_confed_set;
}

std::optional<EncodeError> write_segments(const AsPath& path, bool four_octet, const char* name,
                                          Writer& w) {
    for (const AsSegment& seg : path.segments) {
        if (seg.asns.empty()) {
            return EncodeError{std::string(name) +
                               ": an empty segment cannot be encoded (RFC 7606 §7.2)"};
        }
        const bool is_set =
            seg.type == AsSegmentType::as_set || seg.type == AsSegmentType::as_confed_set;
        if (is_set && seg.asns.size() > 255) {
            return EncodeError{std::string(name) + ": a set of " + std::to_string(seg.asns.size()) +
                               " ASNs does not fit one segment (255 at most)"};
        }
        // Sequences longer than 255 are split into consecutive segments, which
        // RFC 4271 §9.2.2.2 treats as the same path.
        for (std::size_t at = 0; at < seg.asns.size(); at += 255) {
            const std::size_t n = std::min<std::size_t>(255, seg.asns.size() - at);
            w.u8(static_cast<std::uint8_t>(seg.type));
            w.u8(static_cast<std::uint8_t>(n));
            for (std::size_t i = at; i < at + n; ++i) {
                const std::uint32_t asn = seg.asns[i];
                if (four_octet) {
                    w.u32(asn);
                } else {
                    // RFC 6793 §4.2.2: ASNs that need 4 octets become AS_TRANS;
                    // the caller carries the real path in AS4_PATH.
                    w.u16(static_cast<std::uint16_t>(asn > 0xFFFF ? as_trans : asn));
                }
            }
        }
    }
    return std::nullopt;
}

std::optional<AttrProblem> decode_aggregator_value(const AttrInput& in, std::size_t asn_size,
                                                   Aggregator& out) {
    const std::size_t expected = asn_size + 4;
    if (in.value.size() != expected) return length_problem(discard, in.value.size(), expected);
    const std::uint8_t* p = in.value.data();
    out.asn = asn_size == 4 ? get_u32(p) : (std::uint32_t{p[0]} << 8) | p[1];
    out.address = IpAddress::v4_bytes(p + asn_size);
    return std::nullopt;
}

std::optional<EncodeError> need_v4(const IpAddress& a, const char* name) {
    if (a.is_v4()) return std::nullopt;
    return EncodeError{std::string(name) + ": " + a.to_string() + " is not an IPv4 address"};
}

}  // namespace

// RFC 7606 §7.1: length other than 1 or an undefined value: treat-as-withdraw.
std::optional<AttrProblem> decode_origin(const AttrInput& in, PathAttributes& out) {
    if (in.value.size() != 1) return length_problem(taw, in.value.size(), 1);
    if (in.value[0] > 2) {
        return AttrProblem{taw, update_subcode::invalid_origin_attribute,
                           "undefined value " + std::to_string(in.value[0])};
    }
    out.origin = static_cast<Origin>(in.value[0]);
    return std::nullopt;
}

// RFC 7606 §7.2: unrecognized segment type, overrun, underrun or a zero
// segment length: treat-as-withdraw. RFC 5065 §5.3 (through RFC 7606 §7.2):
// confederation segments from a peer outside the confederation make the
// AS_PATH malformed; applied only when CodecOptions says the peer is
// external (ibgp == false; confederation peers are to be marked internal or
// left unknown).
std::optional<AttrProblem> decode_as_path(const AttrInput& in, PathAttributes& out) {
    AsPath path;
    if (auto why = parse_segments(in.value, in.opts->four_octet_as ? 4 : 2, path))
        return AttrProblem{taw, update_subcode::malformed_as_path, std::move(*why)};
    if (in.opts->ibgp.has_value() && !*in.opts->ibgp) {
        for (const auto& seg : path.segments) {
            if (is_confed(seg.type)) {
                return AttrProblem{taw, update_subcode::malformed_as_path,
                                   "confederation segment from an external peer "
                                   "(RFC 5065 §5.3)"};
            }
        }
    }
    out.as_path = std::move(path);
    return std::nullopt;
}

// RFC 7606 §7.3: length other than 4: treat-as-withdraw. Whether the address
// is usable (0.0.0.0, multicast, our own) is the validator's question.
std::optional<AttrProblem> decode_next_hop(const AttrInput& in, PathAttributes& out) {
    if (in.value.size() != 4) return length_problem(taw, in.value.size(), 4);
    out.next_hop = IpAddress::v4_bytes(in.value.data());
    return std::nullopt;
}

// RFC 7606 §7.4.
std::optional<AttrProblem> decode_med(const AttrInput& in, PathAttributes& out) {
    if (in.value.size() != 4) return length_problem(taw, in.value.size(), 4);
    out.med = get_u32(in.value.data());
    return std::nullopt;
}

// RFC 7606 §7.5: from an external peer, attribute discard; otherwise a
// length other than 4: treat-as-withdraw.
std::optional<AttrProblem> decode_local_pref(const AttrInput& in, PathAttributes& out) {
    if (auto p = from_external_peer(in)) return p;
    if (in.value.size() != 4) return length_problem(taw, in.value.size(), 4);
    out.local_pref = get_u32(in.value.data());
    return std::nullopt;
}

// RFC 7606 §7.6: length other than 0: attribute discard.
std::optional<AttrProblem> decode_atomic_aggregate(const AttrInput& in, PathAttributes& out) {
    if (!in.value.empty()) return length_problem(discard, in.value.size(), 0);
    out.atomic_aggregate = true;
    return std::nullopt;
}

// RFC 7606 §7.7: length other than 8 (4-octet AS session) or 6 (otherwise):
// attribute discard.
std::optional<AttrProblem> decode_aggregator(const AttrInput& in, PathAttributes& out) {
    Aggregator a;
    if (auto p = decode_aggregator_value(in, in.opts->four_octet_as ? 4 : 2, a)) return p;
    out.aggregator = a;
    return std::nullopt;
}

// RFC 7606 §7.9.
std::optional<AttrProblem> decode_originator_id(const AttrInput& in, PathAttributes& out) {
    if (auto p = from_external_peer(in)) return p;
    if (in.value.size() != 4) return length_problem(taw, in.value.size(), 4);
    out.originator_id = IpAddress::v4_bytes(in.value.data());
    return std::nullopt;
}

// RFC 7606 §7.10: length 0 or not a multiple of 4: treat-as-withdraw.
std::optional<AttrProblem> decode_cluster_list(const AttrInput& in, PathAttributes& out) {
    if (auto p = from_external_peer(in)) return p;
    if (in.value.empty() || in.value.size() % 4 != 0) {
        return AttrProblem{
            taw, update_subcode::attribute_length_error,
            "length " + std::to_string(in.value.size()) + " is not a non-zero multiple of 4"};
    }
    std::vector<std::uint32_t> ids;
    ids.reserve(in.value.size() / 4);
    for (std::size_t i = 0; i < in.value.size(); i += 4) ids.push_back(get_u32(&in.value[i]));
    out.cluster_list = std::move(ids);
    return std::nullopt;
}

// RFC 6793 §6: AS4_PATH between two NEW speakers is discarded; a malformed
// one (length not a multiple of 2 or under 6, a zero or inconsistent segment
// length, an unknown segment type) is discarded; confederation segments are
// removed and the rest kept. In an MRT table dump there is no session to
// judge, so the attribute is kept as recorded.
std::optional<AttrProblem> decode_as4_path(const AttrInput& in, PathAttributes& out) {
    if (in.opts->four_octet_as && !in.opts->mrt_rib_entry) {
        return AttrProblem{discard, 0, "received on a 4-octet AS session, discarded (RFC 6793 §6)",
                           false};
    }
    if (in.value.size() < 6 || in.value.size() % 2 != 0) {
        return AttrProblem{discard, update_subcode::attribute_length_error,
                           "length " + std::to_string(in.value.size()) +
                               " is odd or too small for one AS number (RFC 6793 §6)"};
    }
    AsPath path;
    if (auto why = parse_segments(in.value, 4, path))
        return AttrProblem{discard, update_subcode::malformed_as_path, std::move(*why)};
    const auto before = path.segments.size();
    std::erase_if(path.segments, [](const AsSegment& s) { return is_confed(s.type); });
    if (path.segments.size() != before) {
        in.notes->push_back(AttrProblem{discard, update_subcode::malformed_as_path,
                                        "confederation segments removed (RFC 6793 §6)", true});
    }
    out.as4_path = std::move(path);
    return std::nullopt;
}

// RFC 6793 §6: length other than 8, or between NEW speakers: discarded.
std::optional<AttrProblem> decode_as4_aggregator(const AttrInput& in, PathAttributes& out) {
    if (in.opts->four_octet_as && !in.opts->mrt_rib_entry) {
        return AttrProblem{discard, 0, "received on a 4-octet AS session, discarded (RFC 6793 §6)",
                           false};
    }
    Aggregator a;
    if (auto p = decode_aggregator_value(in, 4, a)) return p;
    out.as4_aggregator = a;
    return std::nullopt;
}

// RFC 9234 §5: length other than 4: treat-as-withdraw.
std::optional<AttrProblem> decode_otc(const AttrInput& in, PathAttributes& out) {
    if (in.value.size() != 4) return length_problem(taw, in.value.size(), 4);
    out.otc = get_u32(in.value.data());
    return std::nullopt;
}

// ---- encoders ----------------------------------------------------------------

std::optional<EncodeError> encode_origin(const PathAttributes& a, const CodecOptions&, Writer& w) {
    w.u8(static_cast<std::uint8_t>(*a.origin));
    return std::nullopt;
}

std::optional<EncodeError> encode_as_path(const PathAttributes& a, const CodecOptions& o,
                                          Writer& w) {
    return write_segments(*a.as_path, o.four_octet_as, "AS_PATH", w);
}

std::optional<EncodeError> encode_next_hop(const PathAttributes& a, const CodecOptions&,
                                           Writer& w) {
    if (auto e = need_v4(*a.next_hop, "NEXT_HOP")) return e;
    w.bytes(a.next_hop->data(), 4);
    return std::nullopt;
}

std::optional<EncodeError> encode_med(const PathAttributes& a, const CodecOptions&, Writer& w) {
    w.u32(*a.med);
    return std::nullopt;
}

std::optional<EncodeError> encode_local_pref(const PathAttributes& a, const CodecOptions&,
                                             Writer& w) {
    w.u32(*a.local_pref);
    return std::nullopt;
}

std::optional<EncodeError> encode_atomic_aggregate(const PathAttributes&, const CodecOptions&,
                                                   Writer&) {
    return std::nullopt;
}

std::optional<EncodeError> encode_aggregator(const PathAttributes& a, const CodecOptions& o,
                                             Writer& w) {
    if (auto e = need_v4(a.aggregator->address, "AGGREGATOR")) return e;
    if (o.four_octet_as)
        w.u32(a.aggregator->asn);
    else  // RFC 6793 §4.2.2: AS_TRANS, the real ASN goes in AS4_AGGREGATOR.
        w.u16(
            static_cast<std::uint16_t>(a.aggregator->asn > 0xFFFF ? as_trans : a.aggregator->asn));
    w.bytes(a.aggregator->address.data(), 4);
    return std::nullopt;
}

std::optional<EncodeError> encode_originator_id(const PathAttributes& a, const CodecOptions&,
                                                Writer& w) {
    if (auto e = need_v4(*a.originator_id, "ORIGINATOR_ID")) return e;
    w.bytes(a.originator_id->data(), 4);
    return std::nullopt;
}

std::optional<EncodeError> encode_cluster_list(const PathAttributes& a, const CodecOptions&,
                                               Writer& w) {
    if (a.cluster_list->empty())  // it would arrive malformed (RFC 7606 §7.10)
        return EncodeError{"CLUSTER_LIST: an empty list cannot be sent (RFC 7606 §7.10)"};
    for (std::uint32_t id : *a.cluster_list) w.u32(id);
    return std::nullopt;
}

std::optional<EncodeError> encode_as4_path(const PathAttributes& a, const CodecOptions&,
                                           Writer& w) {
    return write_segments(*a.as4_path, true, "AS4_PATH", w);
}

std::optional<EncodeError> encode_as4_aggregator(const PathAttributes& a, const CodecOptions&,
                                                 Writer& w) {
    if (auto e = need_v4(a.as4_aggregator->address, "AS4_AGGREGATOR")) return e;
    w.u32(a.as4_aggregator->asn);
    w.bytes(a.as4_aggregator->address.data(), 4);
    return std::nullopt;
}

std::optional<EncodeError> encode_otc(const PathAttributes& a, const CodecOptions&, Writer& w) {
    w.u32(*a.otc);
    return std::nullopt;
}

}  // namespace bgp::wire::detail
