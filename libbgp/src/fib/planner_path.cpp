// bgp::fib::plan_path: a BGP path's attributes reduced to what the planner
// needs: the next hop (NEXT_HOP, or MP_REACH_NLRI's global one, RFC 4760 §3)
// and the RFC 9012 Tunnel Encapsulation attribute's tunnel, if we can carry it
// (type 7 IP-in-IP, type 8 VXLAN; the first such Tunnel TLV wins, §6 leaves
// the choice among several to the receiver; other types are ignored, so the
// path is forwarded as if the attribute were absent, §6).
#include <optional>

#include "bgp/fib/planner.hpp"

namespace bgp::fib {

PlanPath plan_path(const wire::PathAttributes& attributes) {
    PlanPath out;
    if (attributes.next_hop) {
        out.next_hop = *attributes.next_hop;
    } else if (attributes.mp_reach && !attributes.mp_reach->next_hops.empty()) {
        out.next_hop = attributes.mp_reach->next_hops.front();
    }
    if (!attributes.tunnel_encapsulation) return out;
    for (const wire::TunnelTlv& tlv : attributes.tunnel_encapsulation->tunnels) {
        std::optional<Encap> encap;
        if (tlv.tunnel_type == wire::tunnel_type::ip_in_ip) encap = Encap::ipip;
        if (tlv.tunnel_type == wire::tunnel_type::vxlan) encap = Encap::vxlan;
        if (!encap) continue;
        out.tunnel = encap;
        // §3.1: the Tunnel Egress Endpoint is the tunnel's far end; absent or
        // 0.0.0.0 means the next hop. One of another family cannot be used here.
        if (auto egress = tlv.egress_endpoint(); egress && egress->afi() == out.next_hop.afi()) {
            out.next_hop = *egress;
        }
        break;
    }
    return out;
}

}  // namespace bgp::fib
