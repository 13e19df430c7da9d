// bgp::Speaker: BGP-4 sessions over TCP with Boost.Asio, embeddable.
//
// A Speaker runs on the caller's io_context: it listens (IPv4 and IPv6), connects
// to its peers, runs one bgp::fsm::Session per peer (RFC 4271 §8), announces the
// embedder's routes to every established peer and reports what the peers send.
//
// Transport (RFC 4271 §8, §10 on TCP port 179 or any other): active and passive
// connections, source address binding, per-peer remote port, TCP_NODELAY, TCP MD5
// signatures (RFC 2385; TCP_MD5SIG, and TCP_MD5SIG_EXT prefix keys for dynamic
// peers), GTSM (RFC 5082) and multihop TTL, framing limits (RFC 8654), a bounded
// write queue per peer (a peer that stops reading is dropped; the others are not
// slowed), NOTIFICATION on every error with the RFC 9003 shutdown communication
// on administrative shutdown.
//
// Export (RFC 4271 §5.1, §9.2): an announced route goes to every peer that has
// its family negotiated; to eBGP peers with our AS prepended to AS_PATH and next
// hop self unless the route gives one, without LOCAL_PREF; to iBGP peers with
// LOCAL_PREF 100 unless given. End-of-RIB (RFC 4724 §2) follows the initial table.
//
// Import: each peer has a small received-route table (prefix -> attributes) with
// graceful-restart stale marking and sweeping (RFC 4724 §4.2) as the session
// reports it. It is not a RIB: no best path is chosen (that is bgp::rib).
//
// Threading: a Speaker is not thread-safe. Call it from the thread running the
// io_context (from a handler, or before run()); from elsewhere, post to it.
// Callbacks run on that thread too, and may call back into the Speaker.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "bgp/speaker/config.hpp"
#include "bgp/speaker/events.hpp"
#include "bgp/wire/attributes.hpp"
#include "bgp/wire/message.hpp"
#include "bgp/wire/types.hpp"

namespace bgp {

/// A route the embedder announces.
struct Route {
    wire::Prefix prefix;
    /// ORIGIN (default IGP), AS_PATH (default empty: originated here; our AS is
    /// prepended towards eBGP peers), NEXT_HOP (for either family: an IPv6
    /// address for an IPv6 prefix; default: next hop self), MED, LOCAL_PREF
    /// (iBGP only; default 100), communities, large and extended communities,
    /// anything else. `mp_reach` / `mp_unreach` are ignored (built per peer).
    wire::PathAttributes attributes;
};

/// Handle of a subscription, for Speaker::unsubscribe.
using SubscriptionId = std::uint64_t;

class Speaker {
  public:
    using StateHandler = std::function<void(const PeerEvent&)>;
    using RouteHandler = std::function<void(const RouteEvent&)>;
    /// Every UPDATE received in Established, as decoded, before the route
    /// table is changed (for tools that print messages, e.g. bgp-announce).
    using UpdateHandler = std::function<void(const wire::IpAddress& peer, const wire::Update&)>;
    using BestPathHandler = std::function<void(const BestPathEvent&)>;

    /// Validates `config` (throws std::invalid_argument: local_as or router_id
    /// 0). Nothing happens on the network until start().
    Speaker(boost::asio::io_context& io, SpeakerConfig config);
    /// Closes every socket at once (no NOTIFICATION: call shutdown() first for a
    /// clean stop). Handlers still queued in the io_context become no-ops.
    ~Speaker();
    Speaker(const Speaker&) = delete;
    Speaker& operator=(const Speaker&) = delete;

    /// Opens the listening sockets and starts every configured peer. Throws
    /// std::system_error when a listening socket cannot be opened (address in
    /// use, address not local). Peers added before or after start() both work.
    void start();

    /// Cease / Administrative Shutdown (RFC 9003 `message`, may be empty) to
    /// every peer, closes the listening sockets, and calls `done` once every
    /// connection is closed (NOTIFICATIONs written, or after close_linger). The
    /// Speaker then holds no pending work: io_context::run() returns when
    /// nothing else is queued. Peers stay configured; start() again resumes.
    void shutdown(std::string_view message = {}, std::function<void()> done = {});
    /// As shutdown(), before a restart of this speaker with graceful restart
    /// (RFC 4724): the sessions with graceful restart negotiated are closed
    /// without a NOTIFICATION, so those peers keep our routes, marked stale,
    /// and go on forwarding; peers without graceful restart get the usual
    /// Cease / Administrative Shutdown with `message`. Start the new process
    /// with SpeakerConfig::restarting.
    void shutdown_for_restart(std::string_view message = {}, std::function<void()> done = {});

    // ---- peers (at run time, any time) ---------------------------------------------

    /// Adds a peer and, once started, starts its session. Throws
    /// std::invalid_argument if a peer with this address exists or the
    /// configuration is invalid (password longer than 80 octets, hold time 1
    /// or 2, no family).
    void add_peer(PeerConfig config);
    /// Replaces a peer's configuration. Changes that need a new session (AS,
    /// families, capabilities, addresses, ports, password, TTL) reset it with
    /// Cease / Other Configuration Change; timer-only and export changes apply
    /// in place. Throws std::invalid_argument if the peer is unknown or the
    /// configuration invalid.
    void change_peer(PeerConfig config);
    /// Replaces SpeakerConfig::policies (a reload). `rechain` is called for
    /// every peer to set its import_policy / export_policy chains made from
    /// the new `table` (chains of the old table are not valid with the new
    /// one). Each peer's routes are re-imported from its Adj-RIB-In and
    /// re-exported in place: no session is reset, only differences are sent.
    /// `rechain` is also called for the settings of each dynamic range (with
    /// `address` set to the range's first address), for the peers still to
    /// come from it. A change_peer() that changes a peer's chains does the
    /// same for that peer.
    void set_policies(policy::PolicyTable table, const std::function<void(PeerConfig&)>& rechain);
    /// Cease / Peer De-configured (with `message`), then forgets the peer and
    /// its routes (a withdrawn event for each). False if unknown.
    bool remove_peer(const wire::IpAddress& address, std::string_view message = {});
    /// Administrative shutdown of one peer (Cease / Administrative Shutdown with
    /// the RFC 9003 message); it stays down until start_peer. False if unknown.
    bool stop_peer(const wire::IpAddress& address, std::string_view message = {});
    /// Starts a stopped peer again. False if unknown.
    bool start_peer(const wire::IpAddress& address);
    /// Cease / Administrative Reset (with `message`); the session restarts.
    bool reset_peer(const wire::IpAddress& address, std::string_view message = {});
    /// Asks the peer to send its routes of `family` again (ROUTE-REFRESH, RFC
    /// 2918; with enhanced route refresh, RFC 7313, routes it does not re-send
    /// are withdrawn at its EoRR). False if the peer is unknown, not
    /// Established, or route refresh or the family was not negotiated.
    bool refresh_peer(const wire::IpAddress& address, wire::Family family);

    /// Dynamic neighbours (see DynamicPeerConfig). Throws std::invalid_argument
    /// if the range overlaps an existing one or the settings are invalid.
    void add_dynamic_peers(DynamicPeerConfig config);
    /// Removes the range and every peer created from it. False if unknown.
    bool remove_dynamic_peers(const wire::Prefix& range, std::string_view message = {});

    [[nodiscard]] std::vector<PeerStatus> peers() const;
    [[nodiscard]] std::optional<PeerStatus> peer(const wire::IpAddress& address) const;
    /// A peer's received-route table (stale routes included, marked).
    [[nodiscard]] std::vector<ReceivedRoute> received_routes(const wire::IpAddress& address) const;
    /// The RIB of one family (IPv4 or IPv6 unicast): every path of every
    /// prefix (or of `prefix` only), candidates ranked best first, with the
    /// post-import-policy attributes and why the best one won.
    [[nodiscard]] std::vector<RibRoute> rib(wire::Family family,
                                            std::optional<wire::Prefix> prefix = {}) const;
    /// The Loc-RIB of one family: the best path of every prefix.
    [[nodiscard]] std::vector<RibRoute> best_routes(wire::Family family) const;
    /// Counters of the whole speaker (best-path changes, NOTIFICATIONs, RIB sizes).
    [[nodiscard]] SpeakerStats stats() const;

    // ---- our routes ----------------------------------------------------------------

    /// Announces (or replaces) a route to every peer that exports routes and
    /// has the prefix's family negotiated; peers that come up later get it in
    /// their initial table. Throws std::invalid_argument for a prefix family
    /// other than IPv4/IPv6, or a next hop of the wrong family.
    void announce(Route route);
    void announce(const wire::Prefix& prefix, wire::PathAttributes attributes = {});
    /// Withdraws a route announced before. False if it was not announced.
    bool withdraw(const wire::Prefix& prefix);
    [[nodiscard]] std::vector<Route> announced() const;

    // ---- events --------------------------------------------------------------------

    SubscriptionId on_state_change(StateHandler handler);
    SubscriptionId on_route(RouteHandler handler);
    SubscriptionId on_update(UpdateHandler handler);
    /// Best-path changes in the RIB (received and announced routes), one
    /// event per changed prefix with its new best path, after each batch of
    /// changes (an UPDATE, a session going down, an announce): a burst of
    /// changes to one prefix may be reported once, with the latest state.
    /// With best_routes() first, a consumer mirrors the Loc-RIB.
    SubscriptionId on_best_path(BestPathHandler handler);
    /// False if unknown. Safe inside a callback.
    bool unsubscribe(SubscriptionId id);

    // ---- misc ----------------------------------------------------------------------

    void set_log_level(LogLevel level);
    /// The bound listening endpoints (address, port), in the order of
    /// SpeakerConfig::listen (after start(); useful with port 0).
    [[nodiscard]] std::vector<std::pair<wire::IpAddress, std::uint16_t>> listening() const;
    [[nodiscard]] const SpeakerConfig& config() const;

  private:
    void shutdown(std::string_view message, std::function<void()> done, bool for_restart);
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace bgp
