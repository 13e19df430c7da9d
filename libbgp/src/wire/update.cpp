// UPDATE message codec (RFC 4271 §4.3, §6.3; RFC 7606 §5; RFC 4724 §2 End-of-RIB).
#include <string>

#include "bgp/wire/message.hpp"
#include "wire/attributes_codec.hpp"
#include "wire/bodies.hpp"
#include "wire/nlri.hpp"
#include "wire/reader.hpp"

namespace bgp::wire {

Result<Update> decode_update(std::span<const std::uint8_t> body, const CodecOptions& opts) {
    detail::Reader r(body);
    Update u;
    // §6.3: Withdrawn Routes Length + Total Attribute Length + 23 must not
    // exceed the message length -> Malformed Attribute List.
    std::uint16_t wlen = 0;
    if (!r.u16(wlen) || r.remaining() < std::size_t{wlen} + 2) {
        return unexpected(make_error(
            3, update_subcode::malformed_attribute_list, ErrorAction::session_reset,
            "withdrawn routes length " + std::to_string(wlen) + " overruns the message (" +
                std::to_string(body.size()) + " octets of body)"));
    }
    std::span<const std::uint8_t> withdrawn;
    (void)r.bytes(wlen, withdrawn);
    std::uint16_t alen = 0;
    (void)r.u16(alen);
    if (r.remaining() < alen) {
        return unexpected(make_error(
            3, update_subcode::malformed_attribute_list, ErrorAction::session_reset,
            "total path attribute length " + std::to_string(alen) + " overruns the message (" +
                std::to_string(r.remaining()) + " octets left)"));
    }
    std::span<const std::uint8_t> attrs;
    (void)r.bytes(alen, attrs);
    const std::span<const std::uint8_t> nlri = r.rest();
    const bool add_path = opts.add_path.contains(ipv4_unicast);

    // RFC 7606 §5.3: a syntactically incorrect withdrawn-routes or NLRI field
    // cannot be parsed reliably: session reset.
    if (auto e = detail::decode_prefixes(withdrawn, Afi::ipv4, add_path, u.withdrawn,
                                         update_subcode::malformed_attribute_list)) {
        e->reason = "withdrawn routes: " + e->reason;
        if (!opts.salvage) return unexpected(std::move(*e));
        u.errors.push_back(std::move(*e));
    }
    if (auto e = detail::decode_prefixes(nlri, Afi::ipv4, add_path, u.nlri,
                                         update_subcode::invalid_network_field)) {
        e->reason = "NLRI: " + e->reason;
        if (!opts.salvage) return unexpected(std::move(*e));
        u.errors.push_back(std::move(*e));
    }
    if (auto fatal =
            detail::decode_attributes(attrs, opts, !nlri.empty(), u.attributes, u.errors)) {
        return unexpected(std::move(*fatal));
    }
    for (const auto& e : u.errors)
        if (e.action == ErrorAction::treat_as_withdraw) u.treat_as_withdraw = true;
    return u;
}

std::optional<Family> Update::end_of_rib() const {
    if (!withdrawn.empty() || !nlri.empty()) return std::nullopt;
    const auto& a = attributes;
    if (!a.mp_reach && !a.mp_unreach && a.layout.empty() && !a.origin && !a.as_path &&
        !a.next_hop && a.unknown.empty())
        return ipv4_unicast;  // an UPDATE with nothing in it
    if (a.mp_unreach && !a.mp_reach && a.mp_unreach->nlri.empty() && a.mp_unreach->raw_nlri.empty())
        return a.mp_unreach->family;
    return std::nullopt;
}

Update make_end_of_rib(Family f) {
    Update u;
    if (f != ipv4_unicast) u.attributes.mp_unreach = MpUnreach{f, {}, {}};
    return u;
}

namespace detail {

std::optional<EncodeError> encode_update_body(const Update& m, const CodecOptions& opts,
                                              Writer& w) {
    const bool add_path = opts.add_path.contains(ipv4_unicast);
    const std::size_t wpos = w.size();
    w.u16(0);
    for (const auto& n : m.withdrawn) {
        if (!n.prefix.address().is_v4())
            return EncodeError{"withdrawn routes field holds a non-IPv4 prefix " +
                               n.prefix.to_string()};
        encode_prefix(w, n, add_path);
    }
    const std::size_t wlen = w.size() - wpos - 2;
    if (wlen > 0xFFFF) return EncodeError{"withdrawn routes exceed 65535 octets"};
    w.patch_u16(wpos, static_cast<std::uint16_t>(wlen));
    const std::size_t apos = w.size();
    w.u16(0);
    if (auto e = encode_attributes(m.attributes, opts, w)) return e;
    const std::size_t alen = w.size() - apos - 2;
    if (alen > 0xFFFF) return EncodeError{"path attributes exceed 65535 octets"};
    w.patch_u16(apos, static_cast<std::uint16_t>(alen));
    for (const auto& n : m.nlri) {
        if (!n.prefix.address().is_v4())
            return EncodeError{"NLRI field holds a non-IPv4 prefix " + n.prefix.to_string()};
        encode_prefix(w, n, add_path);
    }
    return std::nullopt;
}

}  // namespace detail
}  // namespace bgp::wire
