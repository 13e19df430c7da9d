// Path attribute block codec: the descriptor table and the dispatch around it
// (RFC 4271 §4.3, §5, §6.3; RFC 7606 §3, §4, §5.2).
#include <algorithm>
#include <array>
#include <bitset>
#include <string>

#include "wire/attribute_table.hpp"
#include "wire/attributes_codec.hpp"

namespace bgp::wire::detail {

namespace {

constexpr std::uint8_t opt = attr_flag::optional;
constexpr std::uint8_t trans = attr_flag::transitive;
constexpr std::uint8_t flag_bits = attr_flag::optional | attr_flag::transitive;

constexpr auto taw = ErrorAction::treat_as_withdraw;
constexpr auto discard = ErrorAction::attribute_discard;
constexpr auto disable = ErrorAction::afi_safi_disable;

template <auto Member>
bool has_member(const PathAttributes& a) {
    return (a.*Member).has_value();
}
template <auto Member>
void reset_member(PathAttributes& a) {
    (a.*Member).reset();
}
bool has_atomic(const PathAttributes& a) { return a.atomic_aggregate; }
void reset_atomic(PathAttributes& a) { a.atomic_aggregate = false; }

// One row per attribute this codec decodes; everything else is a RawAttribute.
// Expected flags: RFC 4271 §5 (well-known attributes are transitive, never
// optional), RFC 1997, RFC 4456, RFC 4760, RFC 4360, RFC 6793, RFC 9012,
// RFC 8092, RFC 9234.
const std::array<AttrDescriptor, 256> table = [] {
    std::array<AttrDescriptor, 256> t{};
    auto row = [&](AttrType type, const char* name, const char* json, std::uint8_t flags,
                   ErrorAction flags_action, AttrDecodeFn d, AttrEncodeFn e, AttrPresentFn p,
                   AttrEraseFn x) {
        t[static_cast<std::uint8_t>(type)] =
            AttrDescriptor{name, json, flags, flags_action, d, e, p, x};
    };
    using PA = PathAttributes;
    // Well-known mandatory (RFC 4271 §5.1.1-§5.1.3); RFC 7606 §3 e: treat-as-withdraw.
    row(AttrType::origin, "ORIGIN", "origin", trans, taw, decode_origin, encode_origin,
        has_member<&PA::origin>, reset_member<&PA::origin>);
    row(AttrType::as_path, "AS_PATH", "as_path", trans, taw, decode_as_path, encode_as_path,
        has_member<&PA::as_path>, reset_member<&PA::as_path>);
    row(AttrType::next_hop, "NEXT_HOP", "next_hop", trans, taw, decode_next_hop, encode_next_hop,
        has_member<&PA::next_hop>, reset_member<&PA::next_hop>);
    // MULTI_EXIT_DISC is optional non-transitive (RFC 4271 §5.1.4); §3 e.
    row(AttrType::multi_exit_disc, "MULTI_EXIT_DISC", "med", opt, taw, decode_med, encode_med,
        has_member<&PA::med>, reset_member<&PA::med>);
    // Well-known discretionary (RFC 4271 §5.1.5, §5.1.6); §3 e and §3 f.
    row(AttrType::local_pref, "LOCAL_PREF", "local_pref", trans, taw, decode_local_pref,
        encode_local_pref, has_member<&PA::local_pref>, reset_member<&PA::local_pref>);
    row(AttrType::atomic_aggregate, "ATOMIC_AGGREGATE", "atomic_aggregate", trans, discard,
        decode_atomic_aggregate, encode_atomic_aggregate, has_atomic, reset_atomic);
    // Optional transitive (RFC 4271 §5.1.7); §3 f: attribute discard.
    row(AttrType::aggregator, "AGGREGATOR", "aggregator", opt | trans, discard, decode_aggregator,
        encode_aggregator, has_member<&PA::aggregator>, reset_member<&PA::aggregator>);
    row(AttrType::communities, "COMMUNITIES", "communities", opt | trans, taw, decode_communities,
        encode_communities, has_member<&PA::communities>, reset_member<&PA::communities>);
    // Optional non-transitive (RFC 4456 §8).
    row(AttrType::originator_id, "ORIGINATOR_ID", "originator_id", opt, taw, decode_originator_id,
        encode_originator_id, has_member<&PA::originator_id>, reset_member<&PA::originator_id>);
    row(AttrType::cluster_list, "CLUSTER_LIST", "cluster_list", opt, taw, decode_cluster_list,
        encode_cluster_list, has_member<&PA::cluster_list>, reset_member<&PA::cluster_list>);
    // Optional non-transitive (RFC 4760 §3, §4); flags that disagree make the
    // attribute incorrect (RFC 7606 §5.3): AFI/SAFI disable.
    row(AttrType::mp_reach_nlri, "MP_REACH_NLRI", "mp_reach_nlri", opt, disable, decode_mp_reach,
        encode_mp_reach, has_member<&PA::mp_reach>, reset_member<&PA::mp_reach>);
    row(AttrType::mp_unreach_nlri, "MP_UNREACH_NLRI", "mp_unreach_nlri", opt, disable,
        decode_mp_unreach, encode_mp_unreach, has_member<&PA::mp_unreach>,
        reset_member<&PA::mp_unreach>);
    row(AttrType::extended_communities, "EXTENDED_COMMUNITIES", "extended_communities", opt | trans,
        taw, decode_ext_communities, encode_ext_communities, has_member<&PA::ext_communities>,
        reset_member<&PA::ext_communities>);
    // RFC 6793 §6: "attribute discard" for the AS4_* attributes.
    row(AttrType::as4_path, "AS4_PATH", "as4_path", opt | trans, discard, decode_as4_path,
        encode_as4_path, has_member<&PA::as4_path>, reset_member<&PA::as4_path>);
    row(AttrType::as4_aggregator, "AS4_AGGREGATOR", "as4_aggregator", opt | trans, discard,
        decode_as4_aggregator, encode_as4_aggregator, has_member<&PA::as4_aggregator>,
        reset_member<&PA::as4_aggregator>);
    // RFC 9012 §13: without the transitive bit, treat-as-withdraw.
    row(AttrType::tunnel_encapsulation, "TUNNEL_ENCAPSULATION", "tunnel_encapsulation", opt | trans,
        taw, decode_tunnel_encapsulation, encode_tunnel_encapsulation,
        has_member<&PA::tunnel_encapsulation>, reset_member<&PA::tunnel_encapsulation>);
    row(AttrType::large_community, "LARGE_COMMUNITY", "large_communities", opt | trans, taw,
        decode_large_communities, encode_large_communities, has_member<&PA::large_communities>,
        reset_member<&PA::large_communities>);
    row(AttrType::otc, "OTC", "otc", opt | trans, taw, decode_otc, encode_otc, has_member<&PA::otc>,
        reset_member<&PA::otc>);
    return t;
}();

std::string hex_flags(std::uint8_t f) {
    static constexpr char digits[] = "0123456789abcdef";
    return std::string{'0', 'x', digits[f >> 4], digits[f & 0xF]};
}

std::string flags_words(std::uint8_t f) {
    if (!(f & opt)) return (f & trans) ? "well-known" : "well-known non-transitive";
    return (f & trans) ? "optional transitive" : "optional non-transitive";
}

std::string type_label(std::uint8_t type) {
    if (const auto* d = find_attribute(type)) return d->name;
    return "attribute type " + std::to_string(type);
}

// RFC 7606 §2: session reset > AFI/SAFI disable > treat-as-withdraw > attribute discard.
bool is_fatal(ErrorAction a) {
    return a == ErrorAction::session_reset || a == ErrorAction::afi_safi_disable;
}

DecodeError to_error(std::uint8_t type, AttrProblem p, std::span<const std::uint8_t> whole) {
    DecodeError e;
    e.code = static_cast<std::uint8_t>(NotifCode::update_message_error);
    e.subcode = p.subcode;
    e.action = p.action;
    e.reason = type_label(type) + ": " + std::move(p.reason);
    if (p.attach_attribute) e.data.assign(whole.begin(), whole.end());
    e.attribute = type;
    return e;
}

bool mp_reach_has_nlri(const PathAttributes& a) {
    return a.mp_reach && (!a.mp_reach->nlri.empty() || !a.mp_reach->raw_nlri.empty());
}

std::optional<EncodeError> emit(Writer& w, std::uint8_t flags, std::uint8_t type,
                                const auto& write_value) {
    const std::size_t start = w.size();
    const bool ext = (flags & attr_flag::extended_length) != 0;
    w.u8(flags);
    w.u8(type);
    if (ext)
        w.u16(0);
    else
        w.u8(0);
    const std::size_t value_at = w.size();
    if (auto e = write_value()) return e;
    const std::size_t len = w.size() - value_at;
    if (len > 0xFFFF) {
        return EncodeError{type_label(type) + ": value of " + std::to_string(len) +
                           " octets exceeds the 65535-octet attribute limit"};
    }
    if (ext) {
        w.patch_u16(start + 2, static_cast<std::uint16_t>(len));
    } else if (len <= 0xFF) {
        w.patch_u8(start + 2, static_cast<std::uint8_t>(len));
    } else {
        // RFC 4271 §4.3: a value over 255 octets needs the Extended Length bit.
        auto& buf = w.buffer();
        buf.insert(buf.begin() + static_cast<std::ptrdiff_t>(start + 3), std::uint8_t{0});
        w.patch_u8(start, static_cast<std::uint8_t>(flags | attr_flag::extended_length));
        w.patch_u16(start + 2, static_cast<std::uint16_t>(len));
    }
    return std::nullopt;
}

}  // namespace

const AttrDescriptor* find_attribute(std::uint8_t type) {
    const auto& d = table[type];
    return d.name ? &d : nullptr;
}

AttrProblem length_problem(ErrorAction action, std::size_t got, std::size_t expected) {
    return AttrProblem{action, update_subcode::attribute_length_error,
                       "length " + std::to_string(got) + ", expected " + std::to_string(expected)};
}

std::optional<DecodeError> decode_attributes(std::span<const std::uint8_t> bytes,
                                             const CodecOptions& opts, bool has_nlri_field,
                                             PathAttributes& out,
                                             std::vector<DecodeError>& errors) {
    out = PathAttributes{};
    out.layout.reserve(8);  // typical UPDATEs carry up to 8 attributes: one allocation
    const std::size_t first_error = errors.size();
    std::bitset<256> seen;
    std::vector<AttrProblem> notes;
    Reader r(bytes);
    bool framing_error = false;

    while (!r.empty()) {
        const std::uint8_t* const attr_start = r.pos();
        const std::size_t left = r.remaining();
        std::uint8_t flags = 0;
        std::uint8_t type = 0;
        std::size_t len = 0;
        bool header_ok = r.u8(flags) && r.u8(type);
        if (header_ok) {
            if (flags & attr_flag::extended_length) {
                std::uint16_t l16 = 0;
                header_ok = r.u16(l16);
                len = l16;
            } else {
                std::uint8_t l8 = 0;
                header_ok = r.u8(l8);
                len = l8;
            }
        }
        if (!header_ok || len > r.remaining()) {
            // RFC 7606 §4: fewer octets than an attribute header, or an
            // Attribute Length overrunning the Total Attribute Length: the
            // rest cannot be parsed; treat-as-withdraw, and the Total
            // Attribute Length still locates the NLRI field.
            std::string what = !header_ok ? std::to_string(left) + " trailing octet" +
                                                (left == 1 ? "" : "s") +
                                                " too short for an attribute header"
                                          : type_label(type) + " length " + std::to_string(len) +
                                                " overruns the path attributes (" +
                                                std::to_string(r.remaining()) + " octets left)";
            DecodeError e = make_error(3, update_subcode::malformed_attribute_list,
                                       ErrorAction::treat_as_withdraw,
                                       "malformed attribute list: " + what + " (RFC 7606 §4)");
            if (header_ok) e.attribute = type;
            // RFC 7606 §3 j: treat-as-withdraw needs MP_REACH_NLRI and
            // MP_UNREACH_NLRI parsed; a truncated one cannot be.
            if (header_ok && (type == static_cast<std::uint8_t>(AttrType::mp_reach_nlri) ||
                              type == static_cast<std::uint8_t>(AttrType::mp_unreach_nlri))) {
                e.action = ErrorAction::session_reset;
                e.reason += "; its NLRI cannot be located (RFC 7606 §3 j)";
                return e;
            }
            errors.push_back(std::move(e));
            framing_error = true;
            break;
        }
        std::span<const std::uint8_t> value;
        (void)r.bytes(len, value);
        const std::span<const std::uint8_t> whole(attr_start,
                                                  static_cast<std::size_t>(r.pos() - attr_start));

        // RFC 7606 §3 g: repeated MP_REACH_NLRI / MP_UNREACH_NLRI reset the
        // session; any other repeated attribute is discarded after the first.
        if (seen.test(type)) {
            if (type == static_cast<std::uint8_t>(AttrType::mp_reach_nlri) ||
                type == static_cast<std::uint8_t>(AttrType::mp_unreach_nlri)) {
                return to_error(type,
                                AttrProblem{ErrorAction::session_reset,
                                            update_subcode::malformed_attribute_list,
                                            "appears more than once (RFC 7606 §3 g)", false},
                                whole);
            }
            errors.push_back(to_error(
                type,
                AttrProblem{
                    ErrorAction::attribute_discard, update_subcode::malformed_attribute_list,
                    "repeated occurrence discarded, the first is kept (RFC 7606 §3 g)", false},
                whole));
            continue;
        }
        seen.set(type);

        const AttrDescriptor* d = find_attribute(type);
        if (!d) {
            if (!(flags & attr_flag::optional)) {
                // RFC 4271 §6.3: unrecognized well-known attribute; RFC 7606
                // does not revise this one.
                return to_error(type,
                                AttrProblem{ErrorAction::session_reset,
                                            update_subcode::unrecognized_well_known_attribute,
                                            "unrecognized well-known attribute (flags " +
                                                hex_flags(flags) + ")"},
                                whole);
            }
            // RFC 4271 §5: unrecognized optional attributes are kept as bytes
            // with their flags as received (the Partial bit is the
            // advertising side's business, see mark_partial_for_transit in
            // the report) so that encode(decode(x)) == x.
            out.unknown.push_back(
                RawAttribute{flags, type, std::vector<std::uint8_t>(value.begin(), value.end())});
            out.layout.push_back(AttrSlot{type, flags});
            continue;
        }

        // RFC 7606 §3 c: only the Optional and Transitive bits are compared
        // (a Partial bit on a well-known attribute is tolerated and kept).
        if ((flags & flag_bits) != d->flags) {
            AttrProblem p{d->flags_action, update_subcode::attribute_flags_error,
                          "attribute flags " + hex_flags(flags) + " conflict with its " +
                              flags_words(d->flags) + " definition (RFC 7606 §3 c)"};
            // MP attributes: AFI/SAFI disable needs a family to disable.
            if (p.action == ErrorAction::afi_safi_disable && value.size() < 3)
                p.action = ErrorAction::session_reset;
            if (is_fatal(p.action)) return to_error(type, std::move(p), whole);
            errors.push_back(to_error(type, std::move(p), whole));
            continue;
        }

        notes.clear();
        const AttrInput in{flags, type, value, &opts, &notes};
        if (auto p = d->decode(in, out)) {
            if (is_fatal(p->action)) return to_error(type, std::move(*p), whole);
            errors.push_back(to_error(type, std::move(*p), whole));
            continue;
        }
        for (auto& n : notes) errors.push_back(to_error(type, std::move(n), whole));
        out.layout.push_back(AttrSlot{type, flags});
    }

    // A RIB entry of an MRT table dump (RFC 6396 §4.3.4) is a route by
    // definition: its prefix sits outside the attributes.
    const bool reachable = opts.mrt_rib_entry || has_nlri_field || mp_reach_has_nlri(out);

    // RFC 7606 §3 d: missing well-known mandatory attributes only matter
    // when there is NLRI to attach them to. NEXT_HOP is needed for the
    // classic NLRI field only (RFC 4760 §3: MP_REACH_NLRI carries its own).
    if (reachable && !framing_error) {
        auto missing = [&](AttrType t) {
            const auto code = static_cast<std::uint8_t>(t);
            if (seen.test(code)) return;
            DecodeError e = make_error(3, update_subcode::missing_well_known_attribute,
                                       ErrorAction::treat_as_withdraw,
                                       std::string("missing well-known attribute ") +
                                           find_attribute(code)->name + " (RFC 7606 §3 d)",
                                       {code});  // RFC 4271 §6.3: data = the type code
            e.attribute = code;
            errors.push_back(std::move(e));
        };
        missing(AttrType::origin);
        missing(AttrType::as_path);
        const bool needs_next_hop =
            has_nlri_field || (opts.mrt_rib_entry && !out.mp_reach.has_value());
        if (needs_next_hop) missing(AttrType::next_hop);
    }

    // RFC 7606 §5.2: with path attributes but no reachable NLRI, nothing
    // confirms the NLRI were parsed correctly, so any error worse than
    // attribute discard resets the session.
    if (!reachable) {
        for (std::size_t i = first_error; i < errors.size(); ++i) {
            if (errors[i].action == ErrorAction::attribute_discard) continue;
            DecodeError e = errors[i];
            e.action = ErrorAction::session_reset;
            e.reason += "; the UPDATE carries no reachable NLRI (RFC 7606 §5.2)";
            return e;
        }
    }
    return std::nullopt;
}

std::optional<EncodeError> encode_attributes(const PathAttributes& attrs, const CodecOptions& opts,
                                             Writer& w) {
    const std::size_t start = w.size();
    std::bitset<256> done;
    std::vector<bool> raw_done(attrs.unknown.size(), false);

    for (const auto& raw : attrs.unknown) {
        const AttrDescriptor* d = find_attribute(raw.type);
        if (d && d->present(attrs)) {
            return EncodeError{std::string(d->name) +
                               ": present both decoded and as a raw attribute"};
        }
    }

    auto emit_known = [&](const AttrDescriptor& d, std::uint8_t type, std::uint8_t flags) {
        done.set(type);
        return emit(w, flags, type, [&] { return d.encode(attrs, opts, w); });
    };
    auto emit_raw = [&](std::size_t i) {
        raw_done[i] = true;
        const RawAttribute& raw = attrs.unknown[i];
        return emit(w, raw.flags, raw.type, [&]() -> std::optional<EncodeError> {
            w.bytes(raw.value);
            return std::nullopt;
        });
    };
    auto fail = [&](EncodeError e) {
        w.buffer().resize(start);
        return std::optional<EncodeError>(std::move(e));
    };

    // First the attributes in the order and with the flags they had on the
    // wire (the Extended Length bit kept where it was, added where needed).
    for (const AttrSlot& slot : attrs.layout) {
        if (const AttrDescriptor* d = find_attribute(slot.type)) {
            if (done.test(slot.type) || !d->present(attrs)) continue;
            if (auto e = emit_known(*d, slot.type, slot.flags)) return fail(std::move(*e));
            continue;
        }
        for (std::size_t i = 0; i < attrs.unknown.size(); ++i) {
            if (raw_done[i] || attrs.unknown[i].type != slot.type) continue;
            if (auto e = emit_raw(i)) return fail(std::move(*e));
            break;
        }
    }
    // Then the rest in type-code order with the canonical flags (Extended
    // Length only when the value needs it); raw attributes as they are, merged
    // in by type code (a raw one after a decoded one of the same code).
    static const std::vector<std::uint8_t> known_types = [] {
        std::vector<std::uint8_t> v;
        for (unsigned t = 0; t < 256; ++t)
            if (find_attribute(static_cast<std::uint8_t>(t)))
                v.push_back(static_cast<std::uint8_t>(t));
        return v;
    }();
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < attrs.unknown.size(); ++i)
        if (!raw_done[i]) pending.push_back(i);
    std::stable_sort(pending.begin(), pending.end(), [&](std::size_t a, std::size_t b) {
        return attrs.unknown[a].type < attrs.unknown[b].type;
    });
    std::size_t r = 0;
    for (const std::uint8_t type : known_types) {
        for (; r < pending.size() && attrs.unknown[pending[r]].type < type; ++r)
            if (auto e = emit_raw(pending[r])) return fail(std::move(*e));
        const AttrDescriptor* d = find_attribute(type);
        if (!done.test(type) && d->present(attrs)) {
            if (auto e = emit_known(*d, type, d->flags)) return fail(std::move(*e));
        }
    }
    for (; r < pending.size(); ++r)
        if (auto e = emit_raw(pending[r])) return fail(std::move(*e));
    return std::nullopt;
}

}  // namespace bgp::wire::detail
