// What a bgp::Speaker reports to its embedder: session state changes (with the
// reason), routes received from peers (with graceful-restart stale marking),
// and a snapshot of each peer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bgp/fsm/negotiate.hpp"
#include "bgp/fsm/session.hpp"
#include "bgp/wire/attributes.hpp"
#include "bgp/wire/types.hpp"

namespace bgp {

/// A peer's session changed state.
struct PeerEvent {
    wire::IpAddress peer;
    std::uint32_t peer_as = 0;  ///< configured (0: any), or the one in its OPEN once known
    fsm::State from = fsm::State::idle;
    fsm::State to = fsm::State::idle;
    /// Why, in words (`reason.text`), with the NOTIFICATION when one was
    /// sent or received (`reason.notification`, e.g. RFC 9003 message).
    fsm::Reason reason;
    /// What the OPEN exchange negotiated; set when `to` is Established.
    std::optional<fsm::Negotiated> negotiated;
};

/// A route held in a peer's received-route table.
struct ReceivedRoute {
    wire::Family family = wire::ipv4_unicast;
    wire::Prefix prefix;
    std::optional<std::uint32_t> path_id;  ///< ADD-PATH (RFC 7911) path identifier
    /// Attributes as received; the next hop is always in `next_hop` (taken
    /// from MP_REACH_NLRI for non-IPv4 families), `mp_reach`/`mp_unreach` are
    /// cleared.
    std::shared_ptr<const wire::PathAttributes> attributes;
    /// Graceful restart (RFC 4724): the peer's session went down and this route
    /// is kept until the peer sends it again or the stale routes are swept.
    bool stale = false;
};

/// A change in a peer's received-route table.
struct RouteEvent {
    enum class Kind : std::uint8_t {
        announced,   ///< new route, or new attributes for a known one
        withdrawn,   ///< withdrawn by the peer, swept when stale, or dropped with the
                     ///< session (`route.attributes` keeps the last attributes)
        stale,       ///< marked stale: the session went down with graceful restart
        end_of_rib,  ///< End-of-RIB for `route.family` (prefix unset)
    };
    Kind kind = Kind::announced;
    wire::IpAddress peer;
    std::uint32_t peer_as = 0;
    ReceivedRoute route;
};
/// One path in the speaker's RIB (Speaker::rib()).
struct RibRoute {
    wire::Prefix prefix;
    /// The peer it was learned from; unset for a route of Speaker::announce().
    std::optional<wire::IpAddress> peer;
    std::uint32_t peer_as = 0;
    std::uint32_t path_id = 0;  ///< ADD-PATH (RFC 7911) path identifier received
    /// After import policy (the next hop in `next_hop` for every family).
    wire::PathAttributes attributes;
    bool best = false;
    bool multipath = false;  ///< in the ECMP set (SpeakerConfig::decision.max_paths)
    bool stale = false;      ///< graceful restart: kept until refreshed or swept
    /// Best path: the rule that made it win over the runner-up (RFC 4271
    /// §9.1.2.2 / RFC 4456 §9 words); other paths: why not a candidate, if so.
    std::string reason;
};

/// "announced", "withdrawn", "stale", "end-of-rib".
[[nodiscard]] std::string_view to_string(RouteEvent::Kind kind);

/// A prefix's best path changed in the RIB (Speaker::on_best_path).
struct BestPathEvent {
    wire::Family family = wire::ipv4_unicast;
    wire::Prefix prefix;
    std::optional<RibRoute> best;  ///< unset: the prefix has no route any more
    /// The ECMP set, best path first, when SpeakerConfig::decision.max_paths > 1
    /// (empty otherwise, and when `best` is unset). With max_paths > 1 an event is
    /// reported for any change of the prefix's paths, since the set can change
    /// while the best path does not.
    std::vector<RibRoute> multipath;
};

/// Route counts of one family of a peer (PeerStatus::families).
struct FamilyCounts {
    wire::Family family = wire::ipv4_unicast;
    std::size_t received = 0;    ///< paths in its Adj-RIB-In (stale included), before policy
    std::size_t accepted = 0;    ///< of those, accepted by import policy (and loop checks)
    std::size_t advertised = 0;  ///< routes advertised to it now (its Adj-RIB-Out)
};

/// NOTIFICATIONs that ended a session, by direction and error (SpeakerStats).
struct NotificationCount {
    bool sent = false;  ///< false: received
    std::uint8_t code = 0;
    std::uint8_t subcode = 0;
    std::uint64_t count = 0;
};

/// Counters of the whole speaker (Speaker::stats()), since it was constructed.
struct SpeakerStats {
    /// Prefixes whose best path changed or vanished (both families; a burst
    /// of changes to one prefix may count once per change).
    std::uint64_t best_path_changes = 0;
    std::vector<NotificationCount> notifications;  ///< ordered by (sent, code, subcode)
    std::size_t prefixes_ipv4 = 0;
    std::size_t paths_ipv4 = 0;
    std::size_t prefixes_ipv6 = 0;
    std::size_t paths_ipv6 = 0;
};

/// A snapshot of one peer (Speaker::peers(), Speaker::peer()).
struct PeerStatus {
    wire::IpAddress address;
    std::uint32_t peer_as = 0;  ///< configured, or learnt from the OPEN
    std::string description;
    bool dynamic = false;     ///< created by a DynamicPeerConfig range
    bool admin_down = false;  ///< stopped with Speaker::stop_peer
    fsm::State state = fsm::State::idle;
    /// Established since (steady clock); unset when not Established.
    std::optional<std::chrono::steady_clock::time_point> established_since;
    std::optional<fsm::Negotiated> negotiated;  ///< of the current or last session
    fsm::Reason last_error;                     ///< what took the last session down
    std::uint32_t flap_count = 0;
    std::size_t routes_received = 0;  ///< in its received-route table (stale included)
    std::size_t routes_stale = 0;
    std::uint64_t updates_received = 0;
    std::uint64_t updates_sent = 0;
    /// Per family of the session (negotiated, or configured when not Established).
    std::vector<FamilyCounts> families;
    /// NOTIFICATIONs that ended its sessions (sent by us / received from it).
    std::uint64_t notifications_sent = 0;
    std::uint64_t notifications_received = 0;
    std::size_t write_queue_bytes = 0;  ///< bytes waiting to be written to the peer
    /// Local and remote endpoint of the established connection ("" when none).
    std::string local_endpoint;
    std::string remote_endpoint;
};

}  // namespace bgp
