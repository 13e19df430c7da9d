// BGP capabilities carried in OPEN (RFC 5492).
//
// Multiprotocol (1, RFC 4760), Route Refresh (2, RFC 2918), Extended Next Hop
// (5, RFC 8950), Extended Message (6, RFC 8654), BGP Role (9, RFC 9234),
// Graceful Restart (64, RFC 4724 + RFC 8538 N bit), 4-octet AS (65, RFC 6793),
// ADD-PATH (69, RFC 7911), Enhanced Route Refresh (70, RFC 7313), Long-Lived
// Graceful Restart (71, RFC 9494), FQDN (73, draft-walton-bgp-hostname).
// Anything else is kept as raw bytes.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "bgp/wire/types.hpp"

namespace bgp::wire {

enum class CapabilityCode : std::uint8_t {
    multiprotocol = 1,
    route_refresh = 2,
    outbound_route_filtering = 3,
    extended_next_hop = 5,
    extended_message = 6,
    bgp_role = 9,
    graceful_restart = 64,
    four_octet_as = 65,
    add_path = 69,
    enhanced_route_refresh = 70,
    long_lived_graceful_restart = 71,
    fqdn = 73,
    software_version = 75,
};

struct CapMultiprotocol {
    Family family;
    friend bool operator==(const CapMultiprotocol&, const CapMultiprotocol&) = default;
};

struct CapRouteRefresh {
    friend bool operator==(const CapRouteRefresh&, const CapRouteRefresh&) = default;
};

/// RFC 8950: NLRI of (afi, safi) may carry a next hop of nexthop_afi.
struct CapExtendedNextHop {
    struct Entry {
        Afi nlri_afi = Afi::ipv4;
        std::uint16_t nlri_safi = 1;  // 16 bits on the wire
        Afi nexthop_afi = Afi::ipv6;
        friend bool operator==(const Entry&, const Entry&) = default;
    };
    std::vector<Entry> entries;
    friend bool operator==(const CapExtendedNextHop&, const CapExtendedNextHop&) = default;
};

struct CapExtendedMessage {
    friend bool operator==(const CapExtendedMessage&, const CapExtendedMessage&) = default;
};

/// RFC 9234 roles.
enum class BgpRole : std::uint8_t { provider = 0, rs = 1, rs_client = 2, customer = 3, peer = 4 };

struct CapRole {
    std::uint8_t role = 0;  // BgpRole, kept raw: unknown values are an error for the FSM to judge
    friend bool operator==(const CapRole&, const CapRole&) = default;
};

/// RFC 4724 §3 (+ RFC 8538 N bit).
struct CapGracefulRestart {
    bool restart_state = false;       // R bit
    bool notification = false;        // N bit (RFC 8538)
    std::uint8_t reserved_flags = 0;  // the other two flag bits, kept for round trip
    std::uint16_t restart_time = 0;   // 12 bits, seconds
    struct Entry {
        Family family;
        bool forwarding_state = false;  // F bit
        std::uint8_t flags = 0;         // the whole flags octet as received
        friend bool operator==(const Entry&, const Entry&) = default;
    };
    std::vector<Entry> families;
    friend bool operator==(const CapGracefulRestart&, const CapGracefulRestart&) = default;
};

struct CapFourOctetAs {
    std::uint32_t asn = 0;
    friend bool operator==(const CapFourOctetAs&, const CapFourOctetAs&) = default;
};

/// RFC 7911 §4 Send/Receive values.
namespace add_path_mode {
inline constexpr std::uint8_t receive = 1;
inline constexpr std::uint8_t send = 2;
inline constexpr std::uint8_t both = 3;
}  // namespace add_path_mode

struct CapAddPath {
    struct Entry {
        Family family;
        std::uint8_t mode = 0;  // add_path_mode
        friend bool operator==(const Entry&, const Entry&) = default;
    };
    std::vector<Entry> entries;
    friend bool operator==(const CapAddPath&, const CapAddPath&) = default;
};

struct CapEnhancedRouteRefresh {
    friend bool operator==(const CapEnhancedRouteRefresh&,
                           const CapEnhancedRouteRefresh&) = default;
};

/// RFC 9494 §2.
struct CapLongLivedGr {
    struct Entry {
        Family family;
        std::uint8_t flags = 0;        // F bit is 0x80
        std::uint32_t stale_time = 0;  // 24 bits, seconds
        friend bool operator==(const Entry&, const Entry&) = default;
    };
    std::vector<Entry> entries;
    friend bool operator==(const CapLongLivedGr&, const CapLongLivedGr&) = default;
};

/// draft-walton-bgp-hostname-capability.
struct CapFqdn {
    std::string hostname;
    std::string domain;
    friend bool operator==(const CapFqdn&, const CapFqdn&) = default;
};

/// Any other capability, as bytes.
struct CapUnknown {
    std::uint8_t code = 0;
    std::vector<std::uint8_t> value;
    friend bool operator==(const CapUnknown&, const CapUnknown&) = default;
};

using Capability =
    std::variant<CapMultiprotocol, CapRouteRefresh, CapExtendedNextHop, CapExtendedMessage, CapRole,
                 CapGracefulRestart, CapFourOctetAs, CapAddPath, CapEnhancedRouteRefresh,
                 CapLongLivedGr, CapFqdn, CapUnknown>;

/// The capability code of any alternative.
[[nodiscard]] std::uint8_t capability_code(const Capability& c);
/// "multiprotocol", "route-refresh", ... or "unknown".
[[nodiscard]] std::string capability_name(std::uint8_t code);

}  // namespace bgp::wire
