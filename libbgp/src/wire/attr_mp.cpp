// Decode and encode hooks for MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760
// §3, §4; RFC 8950 IPv6 next hops for IPv4 NLRI; RFC 7911 path ids), with
// the error handling of RFC 7606 §5.3 and §7.11: an incorrect attribute
// disables its AFI/SAFI (RFC 4760 §7), or resets the session when not even
// the AFI/SAFI can be read. The NOTIFICATION, if one is sent, is UPDATE
// Message Error / Optional Attribute Error (RFC 4760 §7).
//
// Families whose NLRI are plain prefixes (IPv4/IPv6 unicast and multicast)
// are decoded; for the others (VPN, labeled, EVPN, flowspec, ...) the next
// hop and NLRI are kept as bytes.
//
// Normalisation: the Reserved octet after the next hop (RFC 4760 §3, the
// SNPA count of RFC 2858) is ignored on receipt and written as 0.
#include <string>

#include "wire/attribute_table.hpp"
#include "wire/nlri.hpp"

namespace bgp::wire::detail {

namespace {

constexpr auto disable = ErrorAction::afi_safi_disable;
constexpr std::uint8_t opt_error = update_subcode::optional_attribute_error;

std::string family_label(Family f) { return "(" + f.name() + ") "; }

/// Next hops of a prefix family (RFC 4760 §3, RFC 2545 §3, RFC 8950 §3):
/// 4 octets (IPv4 only), 16, or 32 (global + link-local).
bool decode_next_hops(Family f, std::span<const std::uint8_t> nh, std::vector<IpAddress>& out) {
    switch (nh.size()) {
        case 4:
            if (f.afi != Afi::ipv4) return false;
            out.push_back(IpAddress::v4_bytes(nh.data()));
            return true;
        case 16:
            out.push_back(IpAddress::v6_bytes(nh.data()));
            return true;
        case 32:
            out.push_back(IpAddress::v6_bytes(nh.data()));
            out.push_back(IpAddress::v6_bytes(nh.data() + 16));
            return true;
        default:
            return false;
    }
}

std::optional<AttrProblem> decode_nlri(Family f, std::span<const std::uint8_t> bytes,
                                       const CodecOptions& opts, std::vector<Nlri>& out) {
    if (auto e = decode_prefixes(bytes, f.afi, opts.add_path.contains(f), out, opt_error)) {
        // RFC 7606 §5.3: an NLRI longer than the family allows, or overrunning
        // the attribute: AFI/SAFI disable.
        return AttrProblem{disable, opt_error, family_label(f) + e->reason + " (RFC 7606 §5.3)"};
    }
    return std::nullopt;
}

// RFC 6396 §4.3.4: in a TABLE_DUMP_V2 RIB entry the attribute may hold only
// the next hop length and the next hop; the family follows from the length.
std::optional<AttrProblem> decode_mrt_abbreviated(std::span<const std::uint8_t> v,
                                                  PathAttributes& out) {
    MpReach mp;
    const std::span<const std::uint8_t> nh = v.subspan(1);
    if (nh.size() == 4) {
        mp.family = ipv4_unicast;
    } else if (nh.size() == 16 || nh.size() == 32) {
        mp.family = ipv6_unicast;
    } else {
        return AttrProblem{disable, opt_error,
                           "(MRT RIB entry) next hop length " + std::to_string(nh.size()) +
                               " does not identify an address family (RFC 6396 §4.3.4)"};
    }
    (void)decode_next_hops(mp.family, nh, mp.next_hops);
    out.mp_reach = std::move(mp);
    return std::nullopt;
}

std::optional<EncodeError> write_next_hops(const MpReach& mp, Writer& w) {
    if (mp.next_hops.empty()) {
        if (mp.raw_next_hop.size() > 255)
            return EncodeError{"MP_REACH_NLRI: next hop longer than 255 octets"};
        w.u8(static_cast<std::uint8_t>(mp.raw_next_hop.size()));
        w.bytes(mp.raw_next_hop);
        return std::nullopt;
    }
    const auto& nh = mp.next_hops;
    const bool ok = nh.size() == 1 ? (nh[0].is_v6() || mp.family.afi == Afi::ipv4 ||
                                      !mp.family.is_prefix_family())
                                   : nh.size() == 2 && nh[0].is_v6() && nh[1].is_v6();
    if (!ok) {
        std::string list;
        for (const auto& a : nh) list += (list.empty() ? "" : ", ") + a.to_string();
        return EncodeError{"MP_REACH_NLRI " + family_label(mp.family) + "next hops [" + list +
                           "] cannot be encoded (one address, or an IPv6 global and "
                           "link-local pair)"};
    }
    w.u8(static_cast<std::uint8_t>(nh.size() == 2 ? 32 : nh[0].size()));
    for (const auto& a : nh) w.bytes(a.data(), a.size());
    return std::nullopt;
}

std::optional<EncodeError> write_nlri(const char* name, Family f, const std::vector<Nlri>& nlri,
                                      const std::vector<std::uint8_t>& raw,
                                      const CodecOptions& opts, Writer& w) {
    if (f.is_prefix_family()) {
        if (!raw.empty()) {
            return EncodeError{std::string(name) + " " + family_label(f) +
                               "raw NLRI bytes given for a prefix family"};
        }
        const bool add_path = opts.add_path.contains(f);
        for (const Nlri& n : nlri) {
            if (n.prefix.afi() != f.afi) {
                return EncodeError{std::string(name) + " " + family_label(f) + "prefix " +
                                   n.prefix.to_string() + " is of another address family"};
            }
            encode_prefix(w, n, add_path);
        }
        return std::nullopt;
    }
    if (!nlri.empty()) {
        return EncodeError{std::string(name) + " " + family_label(f) +
                           "decoded prefixes given for a family kept as raw bytes"};
    }
    w.bytes(raw);
    return std::nullopt;
}

}  // namespace

std::optional<AttrProblem> decode_mp_reach(const AttrInput& in, PathAttributes& out) {
    const auto v = in.value;
    if (in.opts->mrt_rib_entry && !v.empty() && std::size_t{v[0]} + 1 == v.size())
        return decode_mrt_abbreviated(v, out);
    if (v.size() < 5) {
        // RFC 7606 §5.3: shorter than 5 octets is incorrect; below 3 there is
        // no AFI/SAFI to disable.
        return AttrProblem{
            v.size() < 3 ? ErrorAction::session_reset : disable, opt_error,
            "length " + std::to_string(v.size()) + ", at least 5 needed (RFC 7606 §5.3)"};
    }
    MpReach mp;
    mp.family.afi = static_cast<Afi>((v[0] << 8) | v[1]);
    mp.family.safi = static_cast<Safi>(v[2]);
    const std::size_t nh_len = v[3];
    if (4 + nh_len + 1 > v.size()) {
        return AttrProblem{disable, opt_error,
                           family_label(mp.family) + "next hop length " + std::to_string(nh_len) +
                               " overruns the attribute (" + std::to_string(v.size() - 4) +
                               " octets left for next hop and reserved octet; RFC 7606 §7.11)"};
    }
    const auto nh = v.subspan(4, nh_len);
    const auto nlri = v.subspan(4 + nh_len + 1);  // after the Reserved octet
    if (mp.family.is_prefix_family()) {
        if (!decode_next_hops(mp.family, nh, mp.next_hops)) {
            // RFC 7606 §7.11: the NLRI cannot be located reliably.
            return AttrProblem{disable, opt_error,
                               family_label(mp.family) + "next hop length " +
                                   std::to_string(nh_len) + " is inconsistent with the family (" +
                                   (mp.family.afi == Afi::ipv4 ? "4, 16 or 32" : "16 or 32") +
                                   " expected; RFC 7606 §7.11)"};
        }
        if (auto p = decode_nlri(mp.family, nlri, *in.opts, mp.nlri)) return p;
    } else {
        mp.raw_next_hop.assign(nh.begin(), nh.end());
        mp.raw_nlri.assign(nlri.begin(), nlri.end());
    }
    out.mp_reach = std::move(mp);
    return std::nullopt;
}

std::optional<AttrProblem> decode_mp_unreach(const AttrInput& in, PathAttributes& out) {
    const auto v = in.value;
    if (v.size() < 3) {
        return AttrProblem{
            ErrorAction::session_reset, opt_error,
            "length " + std::to_string(v.size()) + ", at least 3 needed (RFC 7606 §5.3)"};
    }
    MpUnreach mp;
    mp.family.afi = static_cast<Afi>((v[0] << 8) | v[1]);
    mp.family.safi = static_cast<Safi>(v[2]);
    const auto nlri = v.subspan(3);
    if (mp.family.is_prefix_family()) {
        if (auto p = decode_nlri(mp.family, nlri, *in.opts, mp.nlri)) return p;
    } else {
        mp.raw_nlri.assign(nlri.begin(), nlri.end());
    }
    out.mp_unreach = std::move(mp);
    return std::nullopt;
}

std::optional<EncodeError> encode_mp_reach(const PathAttributes& a, const CodecOptions& o,
                                           Writer& w) {
    const MpReach& mp = *a.mp_reach;
    // RFC 6396 §4.3.4: a table dump writes the abbreviated form (next hop
    // only) - where decoding it gives the same value back, since the family is
    // then implied by the next-hop length.
    std::size_t nh_len = 0;
    for (const auto& nh : mp.next_hops) nh_len += nh.size();
    const bool abbreviable =
        mp.raw_next_hop.empty() && ((mp.family == ipv4_unicast && nh_len == 4) ||
                                    (mp.family == ipv6_unicast && (nh_len == 16 || nh_len == 32)));
    if (o.mrt_rib_entry && abbreviable && mp.nlri.empty() && mp.raw_nlri.empty())
        return write_next_hops(mp, w);
    w.u16(static_cast<std::uint16_t>(mp.family.afi));
    w.u8(static_cast<std::uint8_t>(mp.family.safi));
    if (auto e = write_next_hops(mp, w)) return e;
    w.u8(0);  // Reserved (RFC 4760 §3)
    return write_nlri("MP_REACH_NLRI", mp.family, mp.nlri, mp.raw_nlri, o, w);
}

std::optional<EncodeError> encode_mp_unreach(const PathAttributes& a, const CodecOptions& o,
                                             Writer& w) {
    const MpUnreach& mp = *a.mp_unreach;
    w.u16(static_cast<std::uint16_t>(mp.family.afi));
    w.u8(static_cast<std::uint8_t>(mp.family.safi));
    return write_nlri("MP_UNREACH_NLRI", mp.family, mp.nlri, mp.raw_nlri, o, w);
}

}  // namespace bgp::wire::detail
