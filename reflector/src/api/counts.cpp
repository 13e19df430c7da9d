// The shared counts (counts.hpp), from Speaker::stats() and PeerStatus.
#include "counts.hpp"

namespace bgp::reflector::api {

RibCounts rib_counts(const Speaker& speaker) {
    const SpeakerStats s = speaker.stats();
    return RibCounts{s.prefixes_ipv4, s.paths_ipv4, s.prefixes_ipv6, s.paths_ipv6,
                     s.best_path_changes};
}

std::vector<FamilyCount> family_counts(const Speaker& /*speaker*/, const PeerStatus& peer) {
    std::vector<FamilyCount> out;
    out.reserve(peer.families.size());
    for (const FamilyCounts& f : peer.families)
        out.push_back(FamilyCount{f.family, f.received, f.accepted, f.advertised});
    return out;
}

NotificationTotals notification_totals(const PeerStatus& peer) {
    return NotificationTotals{peer.notifications_sent, peer.notifications_received};
}

std::vector<NotificationCounter> notification_counters(const Speaker& speaker) {
    std::vector<NotificationCounter> out;
    for (const NotificationCount& n : speaker.stats().notifications)
        out.push_back(NotificationCounter{n.sent, n.code, n.subcode, n.count});
    return out;
}

std::vector<RibRoute> best_routes(const Speaker& speaker, wire::Family family) {
    return speaker.best_routes(family);
}

}  // namespace bgp::reflector::api
