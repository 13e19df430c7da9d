// BGP4MP / BGP4MP_ET record bodies (RFC 6396 §4.4, §4.5; RFC 8050 §4.2) and
// the deprecated BGP type 5 (RFC 6396 Appendix B).
#include <algorithm>
#include <string>
#include <utility>

#include "mrt/records.hpp"
#include "wire/reader.hpp"

namespace bgp::mrt {

wire::CodecOptions BgpMessage::codec_options() const {
    wire::CodecOptions opts;
    opts.four_octet_as = as4;
    // MRT records are not bound by the 4096-octet limit of RFC 4271 §4.1 (a
    // collector may log RFC 8654 extended messages).
    opts.extended_message = true;
    if (add_path) {
        // RFC 8050 §4.2: the subtype says NLRI carry path identifiers, without
        // saying for which family; apply it to every prefix family.
        for (const auto afi : {wire::Afi::ipv4, wire::Afi::ipv6}) {
            for (const auto safi : {wire::Safi::unicast, wire::Safi::multicast}) {
                opts.add_path.insert(wire::Family{afi, safi});
            }
        }
    }
    return opts;
}

namespace detail {

namespace {

using wire::detail::Reader;

constexpr std::size_t marker_size = 16;

bool has_marker(std::span<const std::uint8_t> bytes) {
    return bytes.size() >= marker_size && std::all_of(bytes.begin(), bytes.begin() + marker_size,
                                                      [](std::uint8_t b) { return b == 0xFF; });
}

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

bool read_as(Reader& r, bool as4, std::uint32_t& out) {
    if (as4) return r.u32(out);
    std::uint16_t v = 0;
    if (!r.u16(v)) return false;
    out = v;
    return true;
}

bool read_address(Reader& r, std::size_t size, wire::IpAddress& out) {
    std::span<const std::uint8_t> b;
    if (!r.bytes(size, b)) return false;
    out = size == 4 ? wire::IpAddress::v4_bytes(b.data()) : wire::IpAddress::v6_bytes(b.data());
    return true;
}

// The BGP message field: exactly the length its header gives when the header
// is sane, so octets trailing it (damaged framing) are reported, not kept.
std::vector<std::uint8_t> take_message(std::span<const std::uint8_t> rest, Notes& notes) {
    if (!has_marker(rest)) {
        notes.emplace_back("BGP message without a marker");
        return {rest.begin(), rest.end()};
    }
    if (rest.size() < wire::header_size) {
        notes.emplace_back("BGP message truncated inside its header");
        return {rest.begin(), rest.end()};
    }
    const std::size_t len = be16(rest.data() + marker_size);
    if (len > rest.size()) {
        notes.push_back("BGP message truncated: header says " + std::to_string(len) +
                        " octets, record holds " + std::to_string(rest.size()));
    } else if (len >= wire::header_size && len < rest.size()) {
        notes.push_back(std::to_string(rest.size() - len) + " octets after the BGP message");
        return {rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(len)};
    }
    return {rest.begin(), rest.end()};
}

struct Bgp4mpSubtype {
    bool message = false;  // false: state change
    bool as4 = false;
    bool local = false;
    bool add_path = false;
};

std::optional<Bgp4mpSubtype> bgp4mp_subtype(std::uint16_t subtype) {
    namespace st = bgp4mp_subtype;
    switch (subtype) {
        case st::state_change:
            return Bgp4mpSubtype{false, false, false, false};
        case st::state_change_as4:
            return Bgp4mpSubtype{false, true, false, false};
        case st::message:
            return Bgp4mpSubtype{true, false, false, false};
        case st::message_as4:
            return Bgp4mpSubtype{true, true, false, false};
        case st::message_local:
            return Bgp4mpSubtype{true, false, true, false};
        case st::message_as4_local:
            return Bgp4mpSubtype{true, true, true, false};
        case st::message_addpath:
            return Bgp4mpSubtype{true, false, false, true};
        case st::message_as4_addpath:
            return Bgp4mpSubtype{true, true, false, true};
        case st::message_local_addpath:
            return Bgp4mpSubtype{true, false, true, true};
        case st::message_as4_local_addpath:
            return Bgp4mpSubtype{true, true, true, true};
        default:
            return std::nullopt;
    }
}

// Old Zebra wrote some records without Interface Index, Address Family and
// the two addresses (RIPE rrc01, November 2000): Peer AS, Local AS, then the
// two states or the BGP message directly. A full STATE_CHANGE is at least 20
// octets; a full MESSAGE has Interface Index and Address Family where the
// shortened one has the start of the marker (AFI 0xFFFF is no family).
bool is_shortened(const Bgp4mpSubtype& k, std::span<const std::uint8_t> body) {
    const std::size_t as_pair = k.as4 ? 8 : 4;
    if (!k.message) return body.size() == as_pair + 4;
    return body.size() >= as_pair + wire::header_size && has_marker(body.subspan(as_pair));
}

}  // namespace

// RFC 6396 §4.4.1-4.4.6, RFC 8050 §4.2. STATE_CHANGE(_AS4): Peer AS, Local AS
// (2 or 4 octets), Interface Index (2), Address Family (2), Peer IP, Local IP
// (4 or 16), Old State (2), New State (2). MESSAGE*: the same up to Local IP,
// then the whole BGP message (marker included).
Body decode_bgp4mp(std::uint16_t subtype, std::span<const std::uint8_t> body, Notes& notes) {
    const auto kind = bgp4mp_subtype(subtype);
    if (!kind) {
        // BGP4MP_ENTRY (2) and BGP4MP_SNAPSHOT (3) are deprecated (RFC 6396
        // Appendix B) and not decoded; anything else is unknown.
        return Unsupported{kind_name(type::bgp4mp, subtype), {body.begin(), body.end()}};
    }
    Reader r(body);
    std::uint32_t peer_as = 0;
    std::uint32_t local_as = 0;
    std::uint16_t ifindex = 0;
    std::uint16_t afi = 0;
    wire::IpAddress peer_ip;
    wire::IpAddress local_ip;
    bool ok = read_as(r, kind->as4, peer_as) && read_as(r, kind->as4, local_as);
    const bool shortened = ok && is_shortened(*kind, body);
    if (ok && !shortened) {
        ok = r.u16(ifindex) && r.u16(afi);
        if (ok && afi != 1 && afi != 2) {
            notes.push_back("unknown address family " + std::to_string(afi));
            return Unsupported{"BGP4MP with address family " + std::to_string(afi),
                               {body.begin(), body.end()}};
        }
        const std::size_t alen = afi == 1 ? 4 : 16;
        ok = ok && read_address(r, alen, peer_ip) && read_address(r, alen, local_ip);
    }
    if (shortened) {
        notes.emplace_back(
            "shortened BGP4MP record: no interface index, address family or addresses");
    }
    if (!kind->message) {
        StateChange sc;
        std::uint16_t old_state = 0;
        std::uint16_t new_state = 0;
        ok = ok && r.u16(old_state) && r.u16(new_state);
        sc.peer_address = peer_ip;
        sc.local_address = local_ip;
        sc.peer_as = peer_as;
        sc.local_as = local_as;
        sc.interface_index = ifindex;
        sc.old_state = old_state;
        sc.new_state = new_state;
        if (!ok) notes.emplace_back("STATE_CHANGE record truncated");
        if (ok && !r.empty()) {
            notes.push_back(std::to_string(r.remaining()) + " octets after the STATE_CHANGE");
        }
        return sc;
    }
    BgpMessage m;
    m.peer_address = peer_ip;
    m.local_address = local_ip;
    m.peer_as = peer_as;
    m.local_as = local_as;
    m.interface_index = ifindex;
    m.as4 = kind->as4;
    m.local = kind->local;
    m.add_path = kind->add_path;
    if (!ok) {
        notes.emplace_back("BGP4MP MESSAGE record truncated before the BGP message");
        return m;
    }
    m.message = take_message(r.rest(), notes);
    return m;
}

// Deprecated BGP type (RFC 6396 Appendix B, layout as in draft-ietf-grow-mrt and
// the 1999-2001 RIPE RIS archives). BGP_UPDATE (1), BGP_OPEN (5), BGP_NOTIFY
// (6), BGP_KEEPALIVE (7): Peer AS (2), Peer IP (4), Local AS (2), Local IP
// (4), then the BGP message body without the 19-octet header.
// BGP_STATE_CHANGE (3): Peer AS (2), Peer IP (4), Old State (2), New State (2).
Body decode_bgp_deprecated(std::uint16_t subtype, std::span<const std::uint8_t> body,
                           Notes& notes) {
    Reader r(body);
    if (subtype == bgp_subtype::state_change) {
        StateChange sc;
        std::uint16_t as2 = 0;
        bool ok = r.u16(as2) && read_address(r, 4, sc.peer_address);
        sc.peer_as = as2;
        ok = ok && r.u16(sc.old_state) && r.u16(sc.new_state);
        if (!ok) notes.emplace_back("BGP_STATE_CHANGE record truncated");
        if (ok && !r.empty()) {
            notes.push_back(std::to_string(r.remaining()) + " octets after the STATE_CHANGE");
        }
        return sc;
    }
    std::uint8_t bgp_type = 0;
    switch (subtype) {
        case bgp_subtype::update:
            bgp_type = static_cast<std::uint8_t>(wire::MessageType::update);
            break;
        case bgp_subtype::open:
            bgp_type = static_cast<std::uint8_t>(wire::MessageType::open);
            break;
        case bgp_subtype::notify:
            bgp_type = static_cast<std::uint8_t>(wire::MessageType::notification);
            break;
        case bgp_subtype::keepalive:
            bgp_type = static_cast<std::uint8_t>(wire::MessageType::keepalive);
            break;
        default:
            // BGP_NULL, BGP_PREF_UPDATE, BGP_SYNC: not decoded.
            return Unsupported{kind_name(type::bgp, subtype), {body.begin(), body.end()}};
    }
    BgpMessage m;
    std::uint16_t peer_as = 0;
    std::uint16_t local_as = 0;
    const bool ok = r.u16(peer_as) && read_address(r, 4, m.peer_address) && r.u16(local_as) &&
                    read_address(r, 4, m.local_address);
    m.peer_as = peer_as;
    m.local_as = local_as;
    if (!ok) {
        notes.emplace_back("BGP record truncated before the BGP message");
        return m;
    }
    const auto rest = r.rest();
    // Some writers may have kept the header; use it as it is when it frames
    // exactly this message.
    if (has_marker(rest) && rest.size() >= wire::header_size &&
        be16(rest.data() + marker_size) == rest.size() && rest[marker_size + 2] == bgp_type) {
        m.message.assign(rest.begin(), rest.end());
        return m;
    }
    const std::size_t total = wire::header_size + rest.size();
    if (total > wire::max_extended_message_size) {
        notes.push_back("BGP message body of " + std::to_string(rest.size()) +
                        " octets is too long for a BGP header");
    }
    m.message.reserve(total);
    m.message.assign(marker_size, 0xFF);
    const auto len = static_cast<std::uint16_t>(std::min(total, wire::max_extended_message_size));
    m.message.push_back(static_cast<std::uint8_t>(len >> 8));
    m.message.push_back(static_cast<std::uint8_t>(len));
    m.message.push_back(bgp_type);
    m.message.insert(m.message.end(), rest.begin(), rest.end());
    return m;
}

}  // namespace detail
}  // namespace bgp::mrt
