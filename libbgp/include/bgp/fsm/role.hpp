// BGP roles and the Only to Customer attribute (RFC 9234 §5): route-leak
// prevention rules as pure functions over path attributes, for the session
// (ingress, applied on receipt) and the RIB / export side (egress).
#pragma once

#include <cstdint>
#include <optional>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/capability.hpp"

namespace bgp::fsm {

enum class OtcVerdict : std::uint8_t {
    accept,     ///< keep the route (OTC may have been added)
    route_leak  ///< RFC 9234 §5: the route is ineligible (a leak)
};

/// RFC 9234 §5 ingress, `local_role` being our role on the session:
/// 1. from a Customer or RS-Client, a route carrying OTC is a leak;
/// 2. from a Peer, a route whose OTC is not the peer's AS is a leak;
/// 3. from a Provider, Peer or RS, a route without OTC gets OTC = peer AS.
OtcVerdict otc_ingress(wire::BgpRole local_role, std::uint32_t peer_as,
                       wire::PathAttributes& attrs);

/// RFC 9234 §5 egress towards a peer of role `local_role` (our role):
/// a route carrying OTC is not sent to a Provider, Peer or RS (returns false);
/// to a Customer, Peer or RS-Client, a route without OTC gets OTC = our AS.
[[nodiscard]] bool otc_egress(wire::BgpRole local_role, std::uint32_t local_as,
                              wire::PathAttributes& attrs);

}  // namespace bgp::fsm
