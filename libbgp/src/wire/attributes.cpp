// Value helpers of bgp/wire/attributes.hpp: names, AS path length and text,
// extended community text (RFC 4360, RFC 5668, RFC 9012 §4), the Tunnel TLV
// accessors (RFC 9012 §3) and PathAttributes::has/erase.
#include <algorithm>
#include <string>

#include "bgp/wire/attributes.hpp"
#include "wire/attribute_table.hpp"

namespace bgp::wire {

namespace {

std::uint32_t get_u32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}
std::uint16_t get_u16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

/// RFC 9012 §13: of a single-instance sub-TLV only the first counts.
const TunnelSubTlv* first_sub_tlv(const TunnelTlv& t, std::uint8_t type) {
    for (const auto& s : t.sub_tlvs)
        if (s.type == type) return &s;
    return nullptr;
}

}  // namespace

std::string attribute_name(std::uint8_t type) {
    if (const auto* d = detail::find_attribute(type)) return d->json_name;
    return "unknown";
}

std::size_t AsPath::path_length() const {
    std::size_t n = 0;
    for (const auto& seg : segments) {
        switch (seg.type) {
            case AsSegmentType::as_sequence:
                n += seg.asns.size();
                break;
            case AsSegmentType::as_set:  // RFC 4271 §9.1.2.2 a: a set counts as one
                n += seg.asns.empty() ? 0 : 1;
                break;
            case AsSegmentType::as_confed_sequence:  // RFC 5065 §5.3: not counted
            case AsSegmentType::as_confed_set:
                break;
        }
    }
    return n;
}

std::string AsPath::to_string() const {
    std::string out;
    for (const auto& seg : segments) {
        const char* open = "";
        const char* close = "";
        char sep = ' ';
        switch (seg.type) {
            case AsSegmentType::as_sequence:
                break;
            case AsSegmentType::as_set:
                open = "{", close = "}", sep = ',';
                break;
            case AsSegmentType::as_confed_sequence:
                open = "(", close = ")";
                break;
            case AsSegmentType::as_confed_set:
                open = "[", close = "]", sep = ',';
                break;
        }
        if (!out.empty()) out += ' ';
        out += open;
        for (std::size_t i = 0; i < seg.asns.size(); ++i) {
            if (i) out += sep;
            out += std::to_string(seg.asns[i]);
        }
        out += close;
    }
    return out;
}

std::string ExtCommunity::to_string() const {
    const std::uint8_t* b = bytes.data();
    // RFC 4360 §4 (2-octet AS and IPv4 address specific), RFC 5668 §2
    // (4-octet AS specific): sub-type 0x02 route target, 0x03 route origin.
    const char* kind = subtype() == 0x02 ? "rt" : subtype() == 0x03 ? "soo" : nullptr;
    if (kind) {
        switch (type()) {
            case 0x00:
                return std::string(kind) + " " + std::to_string(get_u16(b + 2)) + ":" +
                       std::to_string(get_u32(b + 4));
            case 0x01:
                return std::string(kind) + " " + IpAddress::v4_bytes(b + 2).to_string() + ":" +
                       std::to_string(get_u16(b + 6));
            case 0x02:
                return std::string(kind) + " " + std::to_string(get_u32(b + 2)) + ":" +
                       std::to_string(get_u16(b + 6));
            default:
                break;
        }
    }
    // RFC 9012 §4.1: Encapsulation (opaque 0x03, sub-type 0x0c), §4.3: Color (0x0b).
    if (type() == 0x03 && subtype() == 0x0c)
        return "encap " + detail::tunnel_type_name(get_u16(b + 6));
    if (type() == 0x03 && subtype() == 0x0b) return "color " + std::to_string(get_u32(b + 4));
    static constexpr char digits[] = "0123456789abcdef";
    std::string out = "0x";
    for (std::uint8_t x : bytes) {
        out += digits[x >> 4];
        out += digits[x & 0xF];
    }
    return out;
}

std::optional<IpAddress> TunnelTlv::egress_endpoint() const {
    const TunnelSubTlv* s = first_sub_tlv(*this, tunnel_subtlv::tunnel_egress_endpoint);
    if (!s) return std::nullopt;
    std::optional<IpAddress> addr;
    if (!detail::parse_tunnel_egress_endpoint(s->value, addr) || !addr) return std::nullopt;
    if (addr->is_unspecified()) return std::nullopt;
    return addr;
}

std::optional<std::uint32_t> TunnelTlv::vxlan_vni() const {
    // RFC 9012 §3.2.1: Flags (V, M, 6 reserved bits), VN-ID (3), MAC (6),
    // Reserved (2). A malformed sub-TLV counts as unrecognized (§13).
    if (tunnel_type != tunnel_type::vxlan) return std::nullopt;
    const TunnelSubTlv* s = first_sub_tlv(*this, tunnel_subtlv::encapsulation);
    if (!s || s->value.size() != 12 || !(s->value[0] & 0x80)) return std::nullopt;
    return (std::uint32_t{s->value[1]} << 16) | (std::uint32_t{s->value[2]} << 8) | s->value[3];
}

std::optional<std::uint16_t> TunnelTlv::udp_destination_port() const {
    // RFC 9012 §3.3.2: 2 octets; 0 is reserved and makes the sub-TLV malformed.
    const TunnelSubTlv* s = first_sub_tlv(*this, tunnel_subtlv::udp_destination_port);
    if (!s || s->value.size() != 2) return std::nullopt;
    const std::uint16_t port = get_u16(s->value.data());
    if (port == 0) return std::nullopt;
    return port;
}

std::vector<std::uint32_t> TunnelTlv::colors() const {
    // RFC 9012 §3.4.2: the value is a Color Extended Community (0x03 0x0b,
    // flags, color); anything else is an unrecognized sub-TLV. Several may be present.
    std::vector<std::uint32_t> out;
    for (const auto& s : sub_tlvs) {
        if (s.type != tunnel_subtlv::color || s.value.size() != 8) continue;
        if (s.value[0] != 0x03 || s.value[1] != 0x0b) continue;
        out.push_back(get_u32(s.value.data() + 4));
    }
    return out;
}

bool PathAttributes::has(std::uint8_t type) const {
    if (const auto* d = detail::find_attribute(type); d && d->present(*this)) return true;
    return std::any_of(unknown.begin(), unknown.end(),
                       [type](const RawAttribute& r) { return r.type == type; });
}

void PathAttributes::erase(std::uint8_t type) {
    if (const auto* d = detail::find_attribute(type)) d->erase(*this);
    std::erase_if(unknown, [type](const RawAttribute& r) { return r.type == type; });
    std::erase_if(layout, [type](const AttrSlot& s) { return s.type == type; });
}

}  // namespace bgp::wire
