// The counts the API's views and /metrics share, from the speaker's snapshots:
// routes per family, best-path changes, per-peer prefixes per family and
// NOTIFICATIONs (Speaker::stats(), PeerStatus::families).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bgp/speaker/events.hpp"
#include "bgp/speaker/speaker.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::reflector::api {

struct RibCounts {
    std::size_t prefixes_ipv4 = 0, paths_ipv4 = 0, prefixes_ipv6 = 0, paths_ipv6 = 0;
    std::uint64_t best_path_changes = 0;
};
[[nodiscard]] RibCounts rib_counts(const Speaker& speaker);

struct FamilyCount {
    wire::Family family = wire::ipv4_unicast;
    std::size_t received = 0;
    std::size_t accepted = 0;
    std::size_t advertised = 0;
};
/// One per family of the peer.
[[nodiscard]] std::vector<FamilyCount> family_counts(const Speaker& speaker,
                                                     const PeerStatus& peer);

struct NotificationTotals {
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
};
[[nodiscard]] NotificationTotals notification_totals(const PeerStatus& peer);

struct NotificationCounter {
    bool sent = false;
    std::uint8_t code = 0;
    std::uint8_t subcode = 0;
    std::uint64_t count = 0;
};
/// Every NOTIFICATION sent or received since the speaker started, by code.
[[nodiscard]] std::vector<NotificationCounter> notification_counters(const Speaker& speaker);

/// The Loc-RIB of `family`, best paths only.
[[nodiscard]] std::vector<RibRoute> best_routes(const Speaker& speaker, wire::Family family);

}  // namespace bgp::reflector::api
