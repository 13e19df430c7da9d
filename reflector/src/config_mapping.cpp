#include "config_mapping.hpp"

#include <utility>

namespace bgp::reflector {

namespace {

PeerConfig settings_to_peer(const Config& c, const NeighborSettings& s) {
    PeerConfig p;
    p.peer_as = s.asn;
    p.password = s.password;
    p.local_address = s.local_address;
    p.ttl_security = s.ttl_security;
    p.multihop = s.multihop.value_or(0);
    p.description = s.description;

    fsm::SessionConfig& sc = p.session;
    sc.local_as = c.asn;
    sc.router_id = c.router_id;
    sc.peer_as = s.asn;
    if (s.hold_time) sc.hold_time = fsm::Seconds(*s.hold_time);
    if (s.keepalive_time) sc.keepalive_time = fsm::Seconds(*s.keepalive_time);
    if (s.connect_retry_time) sc.connect_retry_time = fsm::Seconds(*s.connect_retry_time);
    if (!s.families.empty()) sc.families = s.families;
    sc.graceful_restart.enabled = s.graceful_restart.enabled;
    sc.graceful_restart.restart_time = s.graceful_restart.restart_time;
    sc.graceful_restart.stale_path_time = s.graceful_restart.stale_path_time;
    // Route reflection (RFC 4456) and policies.
    p.route_reflector_client = s.route_reflector_client;
    p.import_policy = c.policies.chain(s.import_policies);
    p.export_policy = c.policies.chain(s.export_policies);
    p.next_hop_self = s.next_hop_self;
    return p;
}

}  // namespace

SpeakerConfig to_speaker_config(const Config& c) {
    SpeakerConfig sc;
    sc.local_as = c.asn;
    sc.router_id = c.router_id;
    for (const ListenEndpoint& l : c.listen) sc.listen.push_back(ListenConfig{l.address, l.port});
    // `::` means every address, as operators expect: the speaker's IPv6
    // sockets are IPv6-only, so add 0.0.0.0 on that port unless listed.
    for (const ListenEndpoint& l : c.listen) {
        if (!l.address.is_v6() || !l.address.is_unspecified()) continue;
        const auto any4 = wire::IpAddress::v4(0);
        bool listed = false;
        for (const ListenEndpoint& o : c.listen)
            listed =
                listed || (o.port == l.port && o.address.is_v4() && o.address.is_unspecified());
        if (!listed) sc.listen.push_back(ListenConfig{any4, l.port});
    }
    sc.log_level = c.log_level;
    sc.restarting = c.restarting;
    sc.selection_deferral = c.selection_deferral;
    // A route reflector: received best paths go out again (RFC 4271 §9.2, RFC 4456).
    sc.forward_routes = true;
    sc.keep_received_routes = false;  // the RIB holds them; no second copy
    sc.cluster_id = c.cluster_id.value_or(c.router_id);
    sc.policies = c.policies;
    return sc;
}

PeerConfig to_peer_config(const Config& c, const Neighbor& n) {
    PeerConfig p = settings_to_peer(c, n.settings);
    p.address = n.address;
    p.port = n.port;
    p.passive = n.passive;
    p.session.peer_address = n.address;
    p.session.passive = n.passive;
    return p;
}

DynamicPeerConfig to_dynamic_peer_config(const Config& c, const DynamicNeighbors& d) {
    DynamicPeerConfig out;
    out.range = d.prefix;
    out.settings = settings_to_peer(c, d.settings);
    out.settings.passive = true;
    out.settings.session.passive = true;
    out.max_peers = d.max_sessions;
    return out;
}

}  // namespace bgp::reflector
