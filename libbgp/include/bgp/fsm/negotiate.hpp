// OPEN construction, validation and capability negotiation (RFC 4271 §4.2,
// §6.2; RFC 5492; RFC 6793; RFC 7911; RFC 8654; RFC 8950; RFC 9234; RFC 4724).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "bgp/fsm/config.hpp"
#include "bgp/wire/message.hpp"

namespace bgp::fsm {

/// The result of a successful OPEN exchange.
struct Negotiated {
    std::uint32_t peer_as = 0;
    std::uint32_t peer_id = 0;               ///< BGP identifier, host order
    std::chrono::seconds hold_time{0};       ///< min(ours, peer's); 0: no keepalives
    std::chrono::seconds keepalive_time{0};  ///< 0 when hold_time is 0
    bool ibgp = false;
    bool four_octet_as = false;
    bool extended_message = false;
    bool route_refresh = false;
    bool enhanced_route_refresh = false;
    std::vector<wire::Family> families;           ///< both sides advertised (RFC 4760 §8)
    wire::FamilySet add_path_send;                ///< we send path ids
    wire::FamilySet add_path_receive;             ///< peer sends path ids
    std::vector<wire::Family> extended_next_hop;  ///< NLRI families with IPv6 next hops allowed
    std::optional<wire::BgpRole> local_role;
    std::optional<wire::BgpRole> peer_role;
    /// Peer's GR capability, if it sent one (R bit, restart time, F bits).
    std::optional<wire::CapGracefulRestart> peer_graceful_restart;
    bool graceful_restart = false;  ///< both sides advertised GR
    std::optional<wire::CapLongLivedGr> peer_long_lived_gr;
    wire::Open local_open;
    wire::Open peer_open;

    [[nodiscard]] bool has_family(wire::Family f) const;
    /// Codec options for decoding what the peer sends / encoding what we send.
    [[nodiscard]] wire::CodecOptions receive_options() const;
    [[nodiscard]] wire::CodecOptions send_options() const;
};

/// Our OPEN for this configuration (AS_TRANS in my_as when local_as > 65535).
[[nodiscard]] wire::Open make_open(const SessionConfig& config);

/// Validates the peer's OPEN against the configuration and negotiates. On
/// failure, the NOTIFICATION to send (RFC 4271 §6.2: version, bad peer AS,
/// bad identifier, unacceptable hold time; RFC 5492 unsupported capability;
/// RFC 9234 role mismatch), with `data` as the RFCs say.
[[nodiscard]] Expected<Negotiated, wire::Notification> negotiate(const SessionConfig& config,
                                                                 const wire::Open& local,
                                                                 const wire::Open& peer);

}  // namespace bgp::fsm
