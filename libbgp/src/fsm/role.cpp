// RFC 9234 §5 Only to Customer (OTC) ingress and egress rules.
#include "bgp/fsm/role.hpp"

namespace bgp::fsm {

OtcVerdict otc_ingress(wire::BgpRole local_role, std::uint32_t peer_as,
                       wire::PathAttributes& attrs) {
    using R = wire::BgpRole;
    // Our role names the relation: if we are the provider, the peer is our customer.
    const bool from_customer_or_rs_client = local_role == R::provider || local_role == R::rs;
    const bool from_peer = local_role == R::peer;
    if (from_customer_or_rs_client && attrs.otc) return OtcVerdict::route_leak;
    if (from_peer && attrs.otc && *attrs.otc != peer_as) return OtcVerdict::route_leak;
    // From a Provider (we are customer), a Peer, or an RS (we are rs-client).
    const bool add =
        local_role == R::customer || local_role == R::peer || local_role == R::rs_client;
    if (add && !attrs.otc) attrs.otc = peer_as;
    return OtcVerdict::accept;
}

bool otc_egress(wire::BgpRole local_role, std::uint32_t local_as, wire::PathAttributes& attrs) {
    using R = wire::BgpRole;
    // The neighbour is a Provider (we are customer), a Peer, or an RS (we are rs-client).
    const bool to_provider_peer_rs =
        local_role == R::customer || local_role == R::peer || local_role == R::rs_client;
    if (to_provider_peer_rs && attrs.otc) return false;
    // The neighbour is a Customer (we are provider), a Peer, or an RS-Client (we are rs).
    const bool to_customer_peer_rs_client =
        local_role == R::provider || local_role == R::peer || local_role == R::rs;
    if (to_customer_peer_rs_client && !attrs.otc) attrs.otc = local_as;
    return true;
}

}  // namespace bgp::fsm
