// Configuration of a bgp::Speaker: the speaker itself, its listening sockets,
// and each peer (transport options, session options, what we export to it).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bgp/fsm/config.hpp"
#include "bgp/policy/max_prefix.hpp"
#include "bgp/policy/table.hpp"
#include "bgp/rib/peer.hpp"
#include "bgp/wire/types.hpp"

namespace bgp {

/// Log severities, least to most severe. `off` as a threshold silences everything.
enum class LogLevel : std::uint8_t { trace, debug, info, warning, error, off };
/// "trace", "debug", "info", "warning", "error", "off".
[[nodiscard]] std::string_view to_string(LogLevel level);
/// Inverse of to_string (also accepts "warn"); nullopt for anything else.
[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text);

/// Receives every log line at or above the speaker's threshold: one line of
/// text, no trailing newline, no timestamp (add your own).
using LogHandler = std::function<void(LogLevel level, std::string_view line)>;

/// One listening socket. Port 0 picks a free port (see Speaker::listening()).
struct ListenConfig {
    wire::IpAddress address;  ///< 0.0.0.0 or :: for every address of that family
    std::uint16_t port = 179;
};

/// One peer. Peers are keyed by `address`: at most one peer per address.
struct PeerConfig {
    // ---- transport ----
    wire::IpAddress address;   ///< the peer's address
    std::uint16_t port = 179;  ///< remote port we connect to
    /// Source address of our connection (bind before connect); also our
    /// next hop for the session's family when the route gives none.
    std::optional<wire::IpAddress> local_address;
    std::uint32_t peer_as = 0;  ///< 0 accepts any AS (dynamic peers)
    /// Only accept connections, never connect (RFC 4271 §8.1.1).
    bool passive = false;
    /// TCP MD5 signature key (RFC 2385), at most 80 octets; empty: none. Set on
    /// our connecting socket and on every listening socket for this address.
    std::string password;
    /// GTSM (RFC 5082): send with TTL 255, require TTL >= 255 - (hops - 1)
    /// on receipt (IP_MINTTL / IPV6_MINHOPCOUNT).
    bool ttl_security = false;
    /// Hops to the peer: with ttl_security the accepted distance, otherwise
    /// the TTL we send with. 0: 1 for eBGP, the system default for iBGP.
    std::uint8_t multihop = 0;

    // ---- session ----
    /// Timers, families, capabilities, graceful restart, role. The speaker
    /// fills in `local_as` and `router_id` when they are 0 (from
    /// SpeakerConfig), and always sets `peer_as`, `peer_address` and
    /// `passive` from the fields above.
    fsm::SessionConfig session;

    // ---- export ----
    /// Send the speaker's announced routes to this peer (and End-of-RIB).
    bool export_routes = true;
    /// Next hop self for IPv4 / IPv6 routes when the route gives none (eBGP:
    /// always, unless the route gives one). Default: the local address of the
    /// session's connection when of that family; an IPv6 route over an IPv4
    /// session without an IPv6 next hop here is not sent.
    std::optional<wire::IpAddress> next_hop_ipv4;
    std::optional<wire::IpAddress> next_hop_ipv6;

    // ---- routing (the RIB; see SpeakerConfig::forward_routes) ----
    /// RFC 4456: the peer is a route-reflection client of ours (iBGP).
    bool route_reflector_client = false;
    /// Import policy (routes from this peer into the Loc-RIB) and export
    /// policy (routes towards it), made with SpeakerConfig::policies.chain().
    /// Default: accept everything.
    policy::PolicyChain import_policy;
    policy::PolicyChain export_policy;
    /// RFC 7911 ADD-PATH send mode for reflected routes (effective only where
    /// the session negotiated sending path identifiers, see
    /// fsm::SessionConfig::add_path).
    rib::AddPathSend add_path_send;
    /// Next hop self on reflected routes towards this peer, iBGP included.
    bool next_hop_self = false;
    /// Accept routes with our own AS in AS_PATH up to this many times.
    std::uint8_t allow_own_as = 0;
    /// Maximum number of paths received from the peer per family (counted as
    /// received, before import policy, like BIRD's `receive limit`): a warning
    /// at the threshold, then a warning only or Cease / Maximum Number of
    /// Prefixes Reached (RFC 4486 §4, data AFI / SAFI / limit) and the session
    /// held down for `restart_interval` (zero: until start_peer()).
    std::optional<policy::MaxPrefixConfig> max_prefix_ipv4;
    std::optional<policy::MaxPrefixConfig> max_prefix_ipv6;

    /// Free text for logs ("walker-2").
    std::string description;
};

/// Peers created when a connection arrives from an address inside `range`
/// (dynamic neighbours, e.g. every node of a cluster towards a reflector).
/// Each gets `settings` with its own address (and passive = true); it is
/// removed again when its session goes down. The MD5 key, if any, is
/// installed as a prefix key (TCP_MD5SIG_EXT) on the listening sockets.
struct DynamicPeerConfig {
    wire::Prefix range;
    PeerConfig settings;
    std::size_t max_peers = 1000;
};

struct SpeakerConfig {
    std::uint32_t local_as = 0;   ///< required, 1..4294967295
    std::uint32_t router_id = 0;  ///< BGP identifier, host order; required, non-zero
    /// Listening sockets opened by Speaker::start(). Empty: no listening.
    std::vector<ListenConfig> listen;

    LogLevel log_level = LogLevel::info;
    /// Null: log lines go to stderr.
    LogHandler log;

    /// Bytes queued for one peer before it is considered stuck and dropped
    /// (the connection is closed; other peers are unaffected).
    std::size_t write_queue_limit = 16u << 20;
    /// Upper bound on waiting for the queued bytes (NOTIFICATION included) to be
    /// written when a connection closes with flush.
    std::chrono::milliseconds close_linger{2000};
    /// TCP connect attempt timeout.
    std::chrono::milliseconds connect_timeout{10000};

    // ---- routing ----
    /// Every received route goes into the RIB (bgp::rib: Adj-RIB-In before and
    /// after import policy, Loc-RIB with the RFC 4271 §9.1 decision process;
    /// Speaker::rib() shows it). With forward_routes, the best paths learned
    /// from peers are also advertised to the other peers under the RFC 4271
    /// §9.2 and RFC 4456 rules, through each peer's export policy: a route
    /// reflector or route server. Without it only the routes given to
    /// Speaker::announce() go out (an announcer, like a node agent).
    bool forward_routes = false;
    /// Keep each peer's received-route table (the source of on_route events
    /// for received routes). false - for a reflector of large tables: no such
    /// table (saves about 100 bytes per received route); received_routes()
    /// and the PeerStatus counts come from the RIB's Adj-RIB-In, and on_route
    /// reports End-of-RIB only.
    bool keep_received_routes = true;
    /// RFC 4456 §7 CLUSTER_ID; default: router_id.
    std::optional<std::uint32_t> cluster_id;
    /// Options of the decision process (MED comparison, multipath, ...).
    rib::DecisionOptions decision;
    // ---- graceful restart, restarting side (RFC 4724 §4.1) ----
    /// This speaker has just restarted, its peers keeping its routes (after
    /// Speaker::shutdown_for_restart()). OPENs to peers with graceful restart
    /// enabled carry the R bit and the F bit for every family (the routes we
    /// advertised are still good: a reflector is not in the forwarding path,
    /// an agent kept its FIB), and best-path selection is deferred: nothing is
    /// advertised to any peer until every Established peer with graceful
    /// restart negotiated, and every configured (non-dynamic) peer with it
    /// enabled, has sent End-of-RIB for each of its families, or until
    /// `selection_deferral` has passed since start(). Then every peer gets the
    /// table and End-of-RIB, so that it sweeps only what really went away.
    bool restarting = false;
    std::chrono::seconds selection_deferral{120};
    /// Named policies, prefix lists and community lists that PeerConfig's
    /// import_policy / export_policy chains refer to.
    policy::PolicyTable policies;
};

}  // namespace bgp
