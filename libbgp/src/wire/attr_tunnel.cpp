// Decode and encode hooks for the TUNNEL ENCAPSULATION attribute (RFC 9012).
//
// The value is a sequence of Tunnel TLVs (2-octet type, 2-octet length),
// each a sequence of sub-TLVs (1-octet type; 1-octet length for types
// 0-127, 2-octet for 128-255, §2). Sub-TLVs are kept in wire order as bytes;
// TunnelTlv's accessors (attributes.cpp) interpret the ones this project
// uses. Error handling (§13):
// - a TLV whose final sub-TLV does not end exactly where the TLV ends, or a
//   TLV overrunning the attribute, is malformed: treat-as-withdraw;
// - unrecognized tunnel types and sub-TLVs are kept and passed on;
// - a malformed sub-TLV is treated as unrecognized (kept, not interpreted),
//   except a malformed Tunnel Egress Endpoint (§3.1), which makes the whole
//   TLV ignored and removed before the route is passed on; we apply the same
//   to a TLV with more than one Tunnel Egress Endpoint (§3.1: "one and only
//   one"). A TLV with none is kept: that is the barebones form (§4.1) whose
//   endpoint is the BGP next hop;
// - an attribute left without any valid TLV: treat-as-withdraw. (The
//   transitive-bit rule is the table's flags check.)
#include <string>

#include "wire/attribute_table.hpp"

namespace bgp::wire::detail {

namespace {

constexpr auto taw = ErrorAction::treat_as_withdraw;
constexpr std::uint8_t opt_error = update_subcode::optional_attribute_error;

std::string tlv_label(std::size_t index, std::uint16_t type) {
    return "Tunnel TLV #" + std::to_string(index + 1) + " (" + tunnel_type_name(type) + ")";
}

std::optional<std::string> parse_sub_tlvs(Reader& r, TunnelTlv& tlv) {
    while (!r.empty()) {
        std::uint8_t type = 0;
        (void)r.u8(type);
        std::size_t len = 0;
        bool ok = false;
        if (type < 128) {
            std::uint8_t l8 = 0;
            ok = r.u8(l8);
            len = l8;
        } else {
            std::uint16_t l16 = 0;
            ok = r.u16(l16);
            len = l16;
        }
        if (!ok) {
            return "sub-TLV type " + std::to_string(type) +
                   " has a truncated header: the TLV must end with its final sub-TLV";
        }
        std::span<const std::uint8_t> value;
        if (!r.bytes(len, value)) {
            return "sub-TLV type " + std::to_string(type) + " length " + std::to_string(len) +
                   " overruns the TLV (" + std::to_string(r.remaining()) + " octets left)";
        }
        tlv.sub_tlvs.push_back(
            TunnelSubTlv{type, std::vector<std::uint8_t>(value.begin(), value.end())});
    }
    return std::nullopt;
}

/// Why the TLV must be ignored (RFC 9012 §13), if it must.
std::optional<std::string> egress_endpoint_problem(const TunnelTlv& tlv) {
    int count = 0;
    for (const auto& s : tlv.sub_tlvs) {
        if (s.type != tunnel_subtlv::tunnel_egress_endpoint) continue;
        ++count;
        std::optional<IpAddress> addr;
        if (!parse_tunnel_egress_endpoint(s.value, addr)) {
            return "malformed Tunnel Egress Endpoint sub-TLV (length " +
                   std::to_string(s.value.size()) + ")";
        }
    }
    if (count > 1) return std::to_string(count) + " Tunnel Egress Endpoint sub-TLVs";
    return std::nullopt;
}

}  // namespace

std::string tunnel_type_name(std::uint16_t type) {
    switch (type) {
        case 1:
            return "l2tpv3";
        case tunnel_type::gre:
            return "gre";
        case tunnel_type::ip_in_ip:
            return "ip-in-ip";
        case tunnel_type::vxlan:
            return "vxlan";
        case tunnel_type::nvgre:
            return "nvgre";
        case tunnel_type::mpls:
            return "mpls";
        case 11:
            return "mpls-in-gre";
        case 12:
            return "vxlan-gpe";
        case 13:
            return "mpls-in-udp";
        case 15:
            return "sr-policy";
        default:
            return "type " + std::to_string(type);
    }
}

bool parse_tunnel_egress_endpoint(std::span<const std::uint8_t> v, std::optional<IpAddress>& addr) {
    // RFC 9012 §3.1: Reserved (4 octets, ignored), Address Family (2), Address.
    addr.reset();
    if (v.size() < 6) return false;
    const auto afi = static_cast<std::uint16_t>((v[4] << 8) | v[5]);
    const auto a = v.subspan(6);
    switch (afi) {
        case 0:  // the next hop is the endpoint; Length must be 6
            return a.empty();
        case static_cast<std::uint16_t>(Afi::ipv4):
            if (a.size() != 4) return false;
            addr = IpAddress::v4_bytes(a.data());
            return true;
        case static_cast<std::uint16_t>(Afi::ipv6):
            if (a.size() != 16) return false;
            addr = IpAddress::v6_bytes(a.data());
            return true;
        default:
            return false;
    }
}

std::optional<AttrProblem> decode_tunnel_encapsulation(const AttrInput& in, PathAttributes& out) {
    TunnelEncapsulation te;
    Reader r(in.value);
    for (std::size_t index = 0; !r.empty(); ++index) {
        const std::size_t left = r.remaining();
        std::uint16_t type = 0;
        std::uint16_t len = 0;
        if (!r.u16(type) || !r.u16(len)) {
            return AttrProblem{taw, opt_error,
                               std::to_string(left) +
                                   " trailing octets, too short for a Tunnel TLV header "
                                   "(RFC 9012 §13)"};
        }
        Reader tr;
        if (!r.sub(len, tr)) {
            return AttrProblem{taw, opt_error,
                               tlv_label(index, type) + " length " + std::to_string(len) +
                                   " overruns the attribute (" + std::to_string(r.remaining()) +
                                   " octets left; RFC 9012 §13)"};
        }
        TunnelTlv tlv;
        tlv.tunnel_type = type;
        if (auto why = parse_sub_tlvs(tr, tlv)) {
            return AttrProblem{taw, opt_error,
                               tlv_label(index, type) + ": " + *why + " (RFC 9012 §13)"};
        }
        if (auto why = egress_endpoint_problem(tlv)) {
            in.notes->push_back(AttrProblem{
                ErrorAction::attribute_discard, opt_error,
                tlv_label(index, type) + " ignored and removed: " + *why + " (RFC 9012 §13)"});
            continue;
        }
        te.tunnels.push_back(std::move(tlv));
    }
    if (te.tunnels.empty()) {
        in.notes->clear();  // the attribute as a whole is the problem now
        return AttrProblem{taw, opt_error, "no valid Tunnel TLV (RFC 9012 §13)"};
    }
    out.tunnel_encapsulation = std::move(te);
    return std::nullopt;
}

std::optional<EncodeError> encode_tunnel_encapsulation(const PathAttributes& a, const CodecOptions&,
                                                       Writer& w) {
    const auto& te = *a.tunnel_encapsulation;
    if (te.tunnels.empty()) {
        return EncodeError{
            "TUNNEL_ENCAPSULATION: no Tunnel TLV; it would arrive malformed (RFC 9012 §13)"};
    }
    for (std::size_t i = 0; i < te.tunnels.size(); ++i) {
        const TunnelTlv& tlv = te.tunnels[i];
        w.u16(tlv.tunnel_type);
        const std::size_t len_at = w.size();
        w.u16(0);
        for (const auto& s : tlv.sub_tlvs) {
            w.u8(s.type);
            if (s.type < 128) {
                if (s.value.size() > 0xFF) {
                    return EncodeError{"TUNNEL_ENCAPSULATION: " + tlv_label(i, tlv.tunnel_type) +
                                       ": sub-TLV type " + std::to_string(s.type) + " holds " +
                                       std::to_string(s.value.size()) +
                                       " octets, types below 128 carry at most 255"};
                }
                w.u8(static_cast<std::uint8_t>(s.value.size()));
            } else {
                if (s.value.size() > 0xFFFF) {
                    return EncodeError{"TUNNEL_ENCAPSULATION: sub-TLV longer than 65535 octets"};
                }
                w.u16(static_cast<std::uint16_t>(s.value.size()));
            }
            w.bytes(s.value);
        }
        const std::size_t len = w.size() - len_at - 2;
        if (len > 0xFFFF) {
            return EncodeError{"TUNNEL_ENCAPSULATION: " + tlv_label(i, tlv.tunnel_type) +
                               " longer than 65535 octets"};
        }
        w.patch_u16(len_at, static_cast<std::uint16_t>(len));
    }
    return std::nullopt;
}

}  // namespace bgp::wire::detail
