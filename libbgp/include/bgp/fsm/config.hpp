// Per-peer session configuration (RFC 4271 §8.1.1 session attributes, §10 timers)
// and what we advertise in our OPEN.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bgp/wire/capability.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::fsm {

using Seconds = std::chrono::seconds;

/// ADD-PATH wish for one family (RFC 7911 §4).
struct AddPathConfig {
    wire::Family family = wire::ipv4_unicast;
    bool receive = false;
    bool send = false;
};

/// Graceful restart (RFC 4724) and long-lived GR (RFC 9494) settings.
struct GracefulRestartConfig {
    bool enabled = false;
    /// Restart Time we advertise (12 bits): how long peers keep our routes.
    Seconds restart_time{120};
    /// Helper side: how long we keep a restarted peer's stale routes waiting
    /// for its End-of-RIB (BIRD's `stale time`, FRR's stalepath-time 360).
    Seconds stale_path_time{360};
    /// We are restarting now: the R bit, and F bit per family when
    /// `forwarding_preserved` (the FIB kept our routes).
    bool restarting = false;
    bool forwarding_preserved = false;
    /// RFC 8538 N bit: GR also on NOTIFICATION (except Hard Reset).
    bool notification = true;
    /// RFC 9494: advertise LLGR with this stale time (0: off).
    Seconds long_lived_stale_time{0};
};

/// Everything the FSM needs to know about one peer. Timer defaults are FRR's
/// (hold 180 s, keepalive 60 s, connect retry 120 s; BIRD uses 240/80/120).
struct SessionConfig {
    std::uint32_t local_as = 0;
    std::uint32_t router_id = 0;  ///< our BGP identifier, host order
    /// Peer AS expected in its OPEN. 0 accepts any (dynamic neighbours).
    std::uint32_t peer_as = 0;
    /// Peer address (for logs, eBGP/iBGP by AS, collision messages).
    wire::IpAddress peer_address;

    bool passive = false;  ///< never connect, only accept (§8.1.1 PassiveTcpEstablishment)

    Seconds hold_time{180};     ///< proposed; negotiated = min(ours, peer's); 0 = none
    Seconds keepalive_time{0};  ///< 0: hold/3
    Seconds connect_retry_time{120};
    std::optional<Seconds> delay_open_time;  ///< DelayOpen (§8.1.1), off by default
    Seconds idle_hold_time{5};               ///< IdleHoldTime first value (back-off start)
    Seconds idle_hold_max{120};              ///< back-off ceiling (doubles per flap)
    Seconds min_hold_time{3};                ///< peer's hold 1..2 is refused (§4.2); can raise
    Seconds send_hold_time{0};               ///< RFC 9687; 0: max(8 min, 2 x hold)

    /// (Not a braced list: GCC 12 warns maybe-uninitialized on copies of one.)
    std::vector<wire::Family> families = std::vector<wire::Family>(1, wire::ipv4_unicast);
    bool four_octet_as = true;
    bool route_refresh = true;
    bool enhanced_route_refresh = true;
    bool extended_message = true;
    /// RFC 8950: IPv4 unicast NLRI with IPv6 next hops.
    bool extended_next_hop = false;
    std::vector<AddPathConfig> add_path;
    /// RFC 9234: our role on this session, and whether the peer must send one.
    std::optional<wire::BgpRole> role;
    bool strict_role = false;
    GracefulRestartConfig graceful_restart;
    /// Sent as the FQDN capability when set (what FRR shows as hostname).
    std::optional<std::string> hostname;
};

}  // namespace bgp::fsm
