// Capability codec (RFC 5492 §4 and the RFC of each capability).
//
// A known capability whose length does not fit its format is a malformed
// Optional Parameter: RFC 4271 §6.2 ("If one of the Optional Parameters in the
// OPEN message is recognized, but is malformed, then the Error Subcode MUST be
// set to 0 (Unspecific)") gives OPEN Message Error / Unspecific (2/0), and the
// session is reset. Implementations agree: BIRD's bgp_read_capabilities jumps
// to bgp_error(conn, 2, 0, NULL, 0) on every length mismatch, FRR's
// bgp_capability_parse sends OPEN_ERR / MALFORMED_ATTR (0), and Quagga moved
// from Cease to OPEN/Unspecific for exactly this reason. None of them sends
// data, and neither do we. The length rules are BIRD's (exact lengths, or
// whole multiples of the entry size), which are the RFC formats:
//   1 multiprotocol             4            RFC 4760 §8
//   2 route refresh             0            RFC 2918 §2
//   5 extended next hop         6n           RFC 8950 §4
//   6 extended message          0            RFC 8654 §3
//   9 BGP role                  1            RFC 9234 §4.1
//  64 graceful restart          2 + 4n       RFC 4724 §3
//  65 4-octet AS                4            RFC 6793 §3
//  69 ADD-PATH                  4n           RFC 7911 §4
//  70 enhanced route refresh    0            RFC 7313 §3
//  71 long-lived GR             7n           RFC 9494 §2
//  73 FQDN                      1 + h + 1 + d, exactly   draft-walton-bgp-hostname
// Values inside a well-formed capability (an ADD-PATH mode of 7, a role of 9)
// are kept as they are: judging them is the session's job (RFC 7911 §4: such
// a capability is ignored; RFC 9234 §4.2).
#include <string>
#include <type_traits>

#include "bgp/wire/capability.hpp"
#include "wire/capability_codec.hpp"

namespace bgp::wire {

namespace {

constexpr std::uint8_t as_code(CapabilityCode c) { return static_cast<std::uint8_t>(c); }

/// The capability code of each alternative of Capability.
struct CodeOf {
    std::uint8_t operator()(const CapMultiprotocol&) const {
        return as_code(CapabilityCode::multiprotocol);
    }
    std::uint8_t operator()(const CapRouteRefresh&) const {
        return as_code(CapabilityCode::route_refresh);
    }
    std::uint8_t operator()(const CapExtendedNextHop&) const {
        return as_code(CapabilityCode::extended_next_hop);
    }
    std::uint8_t operator()(const CapExtendedMessage&) const {
        return as_code(CapabilityCode::extended_message);
    }
    std::uint8_t operator()(const CapRole&) const { return as_code(CapabilityCode::bgp_role); }
    std::uint8_t operator()(const CapGracefulRestart&) const {
        return as_code(CapabilityCode::graceful_restart);
    }
    std::uint8_t operator()(const CapFourOctetAs&) const {
        return as_code(CapabilityCode::four_octet_as);
    }
    std::uint8_t operator()(const CapAddPath&) const { return as_code(CapabilityCode::add_path); }
    std::uint8_t operator()(const CapEnhancedRouteRefresh&) const {
        return as_code(CapabilityCode::enhanced_route_refresh);
    }
    std::uint8_t operator()(const CapLongLivedGr&) const {
        return as_code(CapabilityCode::long_lived_graceful_restart);
    }
    std::uint8_t operator()(const CapFqdn&) const { return as_code(CapabilityCode::fqdn); }
    std::uint8_t operator()(const CapUnknown& c) const { return c.code; }
};

}  // namespace

std::uint8_t capability_code(const Capability& c) { return std::visit(CodeOf{}, c); }

std::string capability_name(std::uint8_t code) {
    // IANA "Capability Codes" registry.
    switch (code) {
        case 1:
            return "multiprotocol";
        case 2:
            return "route-refresh";
        case 3:
            return "outbound-route-filtering";
        case 5:
            return "extended-next-hop";
        case 6:
            return "extended-message";
        case 7:
            return "bgpsec";
        case 8:
            return "multiple-labels";
        case 9:
            return "bgp-role";
        case 64:
            return "graceful-restart";
        case 65:
            return "four-octet-as";
        case 67:
            return "dynamic-capability";
        case 68:
            return "multisession";
        case 69:
            return "add-path";
        case 70:
            return "enhanced-route-refresh";
        case 71:
            return "long-lived-graceful-restart";
        case 73:
            return "fqdn";
        case 75:
            return "software-version";
        case 128:
            return "route-refresh-prestandard";
        default:
            return "unknown";
    }
}

namespace detail {

namespace {

Unexpected<DecodeError> malformed(std::uint8_t code, std::size_t len, const char* expected) {
    return unexpected(make_error(2, open_subcode::unspecific, ErrorAction::session_reset,
                                 capability_name(code) + " capability (" + std::to_string(code) +
                                     ") length " + std::to_string(len) + ", expected " + expected));
}

Family family_of(std::uint16_t afi, std::uint8_t safi) {
    return Family{static_cast<Afi>(afi), static_cast<Safi>(safi)};
}

void put_family(Writer& w, Family f) {
    w.u16(static_cast<std::uint16_t>(f.afi));
    w.u8(static_cast<std::uint8_t>(f.safi));
}

}  // namespace

Result<Capability> decode_capability(std::uint8_t code, std::span<const std::uint8_t> value) {
    Reader r(value);
    const std::size_t len = value.size();
    switch (static_cast<CapabilityCode>(code)) {
        case CapabilityCode::multiprotocol: {
            // RFC 4760 §8: AFI (2), Reserved (1), SAFI (1). The reserved octet
            // is not kept (written as 0: a documented normalisation).
            if (len != 4) return malformed(code, len, "4");
            std::uint16_t afi = 0;
            std::uint8_t reserved = 0, safi = 0;
            (void)r.u16(afi);
            (void)r.u8(reserved);
            (void)r.u8(safi);
            return Capability{CapMultiprotocol{family_of(afi, safi)}};
        }
        case CapabilityCode::route_refresh:
            if (len != 0) return malformed(code, len, "0");
            return Capability{CapRouteRefresh{}};
        case CapabilityCode::extended_next_hop: {
            // RFC 8950 §4: <NLRI AFI (2), NLRI SAFI (2), Nexthop AFI (2)>...
            if (len % 6 != 0) return malformed(code, len, "a multiple of 6");
            CapExtendedNextHop cap;
            while (!r.empty()) {
                std::uint16_t afi = 0, safi = 0, nh = 0;
                (void)r.u16(afi);
                (void)r.u16(safi);
                (void)r.u16(nh);
                cap.entries.push_back({static_cast<Afi>(afi), safi, static_cast<Afi>(nh)});
            }
            return Capability{std::move(cap)};
        }
        case CapabilityCode::extended_message:
            if (len != 0) return malformed(code, len, "0");
            return Capability{CapExtendedMessage{}};
        case CapabilityCode::bgp_role: {
            if (len != 1) return malformed(code, len, "1");
            CapRole cap;
            (void)r.u8(cap.role);
            return Capability{cap};
        }
        case CapabilityCode::graceful_restart: {
            // RFC 4724 §3: Restart Flags (4 bits: R, N [RFC 8538], 2 reserved),
            // Restart Time (12 bits), then <AFI (2), SAFI (1), Flags (1)>...
            if (len < 2 || (len - 2) % 4 != 0) return malformed(code, len, "2 + a multiple of 4");
            CapGracefulRestart cap;
            std::uint16_t head = 0;
            (void)r.u16(head);
            cap.restart_state = (head & 0x8000) != 0;
            cap.notification = (head & 0x4000) != 0;
            cap.reserved_flags = static_cast<std::uint8_t>((head >> 12) & 0x3);
            cap.restart_time = static_cast<std::uint16_t>(head & 0x0FFF);
            while (!r.empty()) {
                std::uint16_t afi = 0;
                std::uint8_t safi = 0, flags = 0;
                (void)r.u16(afi);
                (void)r.u8(safi);
                (void)r.u8(flags);
                cap.families.push_back({family_of(afi, safi), (flags & 0x80) != 0, flags});
            }
            return Capability{std::move(cap)};
        }
        case CapabilityCode::four_octet_as: {
            if (len != 4) return malformed(code, len, "4");
            CapFourOctetAs cap;
            (void)r.u32(cap.asn);
            return Capability{cap};
        }
        case CapabilityCode::add_path: {
            // RFC 7911 §4: <AFI (2), SAFI (1), Send/Receive (1)>...
            if (len % 4 != 0) return malformed(code, len, "a multiple of 4");
            CapAddPath cap;
            while (!r.empty()) {
                std::uint16_t afi = 0;
                std::uint8_t safi = 0, mode = 0;
                (void)r.u16(afi);
                (void)r.u8(safi);
                (void)r.u8(mode);
                cap.entries.push_back({family_of(afi, safi), mode});
            }
            return Capability{std::move(cap)};
        }
        case CapabilityCode::enhanced_route_refresh:
            if (len != 0) return malformed(code, len, "0");
            return Capability{CapEnhancedRouteRefresh{}};
        case CapabilityCode::long_lived_graceful_restart: {
            // RFC 9494 §2: <AFI (2), SAFI (1), Flags (1), Long-lived Stale Time (3)>...
            if (len % 7 != 0) return malformed(code, len, "a multiple of 7");
            CapLongLivedGr cap;
            while (!r.empty()) {
                std::uint16_t afi = 0;
                std::uint8_t safi = 0, flags = 0;
                std::uint32_t stale = 0;
                (void)r.u16(afi);
                (void)r.u8(safi);
                (void)r.u8(flags);
                (void)r.u24(stale);
                cap.entries.push_back({family_of(afi, safi), flags, stale});
            }
            return Capability{std::move(cap)};
        }
        case CapabilityCode::fqdn: {
            // draft-walton-bgp-hostname-capability §3: Hostname Length (1),
            // Hostname, Domain Name Length (1), Domain Name; nothing after.
            std::uint8_t hlen = 0, dlen = 0;
            std::span<const std::uint8_t> host, domain;
            if (!r.u8(hlen) || !r.bytes(hlen, host) || !r.u8(dlen) || !r.bytes(dlen, domain) ||
                !r.empty())
                return malformed(code, len, "1 + hostname + 1 + domain name");
            return Capability{CapFqdn{std::string(host.begin(), host.end()),
                                      std::string(domain.begin(), domain.end())}};
        }
        default:
            break;
    }
    return Capability{CapUnknown{code, std::vector<std::uint8_t>(value.begin(), value.end())}};
}

std::optional<DecodeError> decode_capabilities(std::span<const std::uint8_t> bytes,
                                               std::vector<Capability>& out) {
    // RFC 5492 §4: Capability Code (1), Capability Length (1), Value.
    Reader r(bytes);
    while (!r.empty()) {
        std::uint8_t code = 0, len = 0;
        std::span<const std::uint8_t> value;
        if (!r.u8(code) || !r.u8(len) || !r.bytes(len, value)) {
            return make_error(2, open_subcode::unspecific, ErrorAction::session_reset,
                              "capability " + std::to_string(code) + " length " +
                                  std::to_string(len) + " overruns its optional parameter");
        }
        auto c = decode_capability(code, value);
        if (!c) return std::move(c.error());
        out.push_back(std::move(*c));
    }
    return std::nullopt;
}

std::optional<EncodeError> encode_capability(const Capability& c, Writer& w) {
    std::vector<std::uint8_t> buf;
    Writer v(buf);
    std::optional<EncodeError> err;
    std::visit(
        [&](const auto& cap) {
            using T = std::decay_t<decltype(cap)>;
            if constexpr (std::is_same_v<T, CapMultiprotocol>) {
                v.u16(static_cast<std::uint16_t>(cap.family.afi));
                v.u8(0);
                v.u8(static_cast<std::uint8_t>(cap.family.safi));
            } else if constexpr (std::is_same_v<T, CapExtendedNextHop>) {
                for (const auto& e : cap.entries) {
                    v.u16(static_cast<std::uint16_t>(e.nlri_afi));
                    v.u16(e.nlri_safi);
                    v.u16(static_cast<std::uint16_t>(e.nexthop_afi));
                }
            } else if constexpr (std::is_same_v<T, CapRole>) {
                v.u8(cap.role);
            } else if constexpr (std::is_same_v<T, CapGracefulRestart>) {
                if (cap.restart_time > 0x0FFF) {
                    err = EncodeError{"graceful restart time " + std::to_string(cap.restart_time) +
                                      " exceeds 12 bits (4095 s)"};
                    return;
                }
                if (cap.reserved_flags > 0x3) {
                    err = EncodeError{"graceful restart reserved flags " +
                                      std::to_string(cap.reserved_flags) + " exceed 2 bits"};
                    return;
                }
                std::uint16_t head = cap.restart_time;
                if (cap.restart_state) head |= 0x8000;
                if (cap.notification) head |= 0x4000;
                head = static_cast<std::uint16_t>(head | (cap.reserved_flags << 12));
                v.u16(head);
                for (const auto& f : cap.families) {
                    put_family(v, f.family);
                    // The F bit comes from forwarding_state, the rest from flags.
                    v.u8(static_cast<std::uint8_t>((f.flags & 0x7F) |
                                                   (f.forwarding_state ? 0x80 : 0)));
                }
            } else if constexpr (std::is_same_v<T, CapFourOctetAs>) {
                v.u32(cap.asn);
            } else if constexpr (std::is_same_v<T, CapAddPath>) {
                for (const auto& e : cap.entries) {
                    put_family(v, e.family);
                    v.u8(e.mode);
                }
            } else if constexpr (std::is_same_v<T, CapLongLivedGr>) {
                for (const auto& e : cap.entries) {
                    if (e.stale_time > 0xFFFFFF) {
                        err = EncodeError{"long-lived stale time " + std::to_string(e.stale_time) +
                                          " exceeds 24 bits"};
                        return;
                    }
                    put_family(v, e.family);
                    v.u8(e.flags);
                    v.u24(e.stale_time);
                }
            } else if constexpr (std::is_same_v<T, CapFqdn>) {
                if (cap.hostname.size() > 255 || cap.domain.size() > 255) {
                    err = EncodeError{"FQDN capability: hostname or domain name over 255 octets"};
                    return;
                }
                v.u8(static_cast<std::uint8_t>(cap.hostname.size()));
                v.bytes(reinterpret_cast<const std::uint8_t*>(cap.hostname.data()),
                        cap.hostname.size());
                v.u8(static_cast<std::uint8_t>(cap.domain.size()));
                v.bytes(reinterpret_cast<const std::uint8_t*>(cap.domain.data()),
                        cap.domain.size());
            } else if constexpr (std::is_same_v<T, CapUnknown>) {
                v.bytes(cap.value);
            }
            // CapRouteRefresh, CapExtendedMessage, CapEnhancedRouteRefresh: empty.
        },
        c);
    if (err) return err;
    const std::uint8_t code = capability_code(c);
    if (buf.size() > 255) {
        return EncodeError{capability_name(code) + " capability (" + std::to_string(code) +
                           ") value of " + std::to_string(buf.size()) +
                           " octets exceeds the 1-octet capability length"};
    }
    w.u8(code);
    w.u8(static_cast<std::uint8_t>(buf.size()));
    w.bytes(buf);
    return std::nullopt;
}

}  // namespace detail
}  // namespace bgp::wire
