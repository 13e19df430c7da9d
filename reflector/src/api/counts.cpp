// The shared counts (counts.hpp). Until the speaker's statistics land, computed
// from Speaker::rib() and PeerStatus.
#include "counts.hpp"

#include <set>

namespace bgp::reflector::api {

RibCounts rib_counts(const Speaker& speaker) {
    RibCounts c;
    for (const wire::Family f : {wire::ipv4_unicast, wire::ipv6_unicast}) {
        std::set<wire::Prefix> prefixes;
        std::size_t paths = 0;
        for (const RibRoute& r : speaker.rib(f)) {
            prefixes.insert(r.prefix);
            ++paths;
        }
        (f == wire::ipv4_unicast ? c.prefixes_ipv4 : c.prefixes_ipv6) = prefixes.size();
        (f == wire::ipv4_unicast ? c.paths_ipv4 : c.paths_ipv6) = paths;
    }
    return c;
}

std::vector<FamilyCount> family_counts(const Speaker& /*speaker*/, const PeerStatus& peer) {
    std::vector<FamilyCount> out;
    if (!peer.negotiated) return out;
    for (const wire::Family& f : peer.negotiated->families) out.push_back(FamilyCount{f, 0, 0, 0});
    if (!out.empty()) out.front().received = peer.routes_received;
    return out;
}

NotificationTotals notification_totals(const PeerStatus& /*peer*/) { return {}; }

std::vector<NotificationCounter> notification_counters(const Speaker& /*speaker*/) { return {}; }

std::vector<RibRoute> best_routes(const Speaker& speaker, wire::Family family) {
    std::vector<RibRoute> out;
    for (RibRoute& r : speaker.rib(family))
        if (r.best) out.push_back(std::move(r));
    return out;
}

}  // namespace bgp::reflector::api
