// The speaker's per-peer core, without sockets: one fsm::Session per peer, the
// received-route tables, export of the announced routes, events and logging.
// A Transport performs the I/O it asks for (Asio sockets in bgp::Speaker,
// in-memory links in the simulation test) and feeds transport events back; the
// caller passes `now` into every call, so the core runs on a simulated clock
// as well as on the steady clock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "bgp/fsm/session.hpp"
#include "bgp/rib/adj_rib_out.hpp"
#include "bgp/rib/attr_store.hpp"
#include "bgp/rib/export.hpp"
#include "bgp/rib/rib.hpp"
#include "bgp/rib/update_group.hpp"
#include "bgp/speaker/config.hpp"
#include "bgp/speaker/events.hpp"
#include "bgp/speaker/speaker.hpp"
#include "speaker/log.hpp"
#include "speaker/route_table.hpp"

namespace bgp::speaker_detail {

using TimePoint = fsm::Session::TimePoint;
using Bytes = std::shared_ptr<const std::vector<std::uint8_t>>;

/// Transport state of a peer, for PeerStatus.
struct TransportInfo {
    std::size_t write_queue_bytes = 0;
    std::string local_endpoint;
    std::string remote_endpoint;
};

/// The I/O the core asks for. Implementations must never call back into the
/// Core from inside these calls (post / queue the completion instead).
class Transport {
  public:
    virtual ~Transport() = default;
    /// Open the outgoing connection to the peer; answer with Core::tcp_connected
    /// or Core::tcp_failed(outgoing).
    virtual void connect(const PeerConfig& peer) = 0;
    virtual void send(const wire::IpAddress& peer, fsm::ConnId conn, Bytes bytes) = 0;
    /// Close (after writing what is queued, when `flush`). No tcp_failed follows.
    virtual void close(const wire::IpAddress& peer, fsm::ConnId conn, bool flush) = 0;
    /// Call Core::poll(peer) at `when` (nullopt: cancel). One timer per peer.
    virtual void set_deadline(const wire::IpAddress& peer, std::optional<TimePoint> when) = 0;
    /// Our address on the connection (next hop self), if it exists.
    [[nodiscard]] virtual std::optional<wire::IpAddress> local_address(const wire::IpAddress& peer,
                                                                       fsm::ConnId conn) const = 0;
    [[nodiscard]] virtual TransportInfo info(const wire::IpAddress& peer) const = 0;
    /// Octets queued towards the peer and not yet written (paces the export).
    [[nodiscard]] virtual std::size_t queued_bytes(const wire::IpAddress& peer) const {
        return info(peer).write_queue_bytes;
    }
    /// The peer is removed: cancel its timer and its pending connect; open
    /// connections are closed after flushing what is queued.
    virtual void forget(const wire::IpAddress& peer) = 0;
};

/// Checks a peer configuration (throws std::invalid_argument with the reason).
void validate(const PeerConfig& config);
/// The session configuration of a peer, with the speaker's defaults.
[[nodiscard]] fsm::SessionConfig session_config(const PeerConfig& peer,
                                                const SpeakerConfig& speaker);

/// The speaker's RIBs (routing.cpp).
struct Routing {
    explicit Routing(const SpeakerConfig& config);
    rib::AttrStore store;
    rib::Rib<rib::Ipv4> rib4;
    rib::Rib<rib::Ipv6> rib6;
    rib::FeedId feed4 = 0;  ///< with forward_routes: changes to send
    rib::FeedId feed6 = 0;
};

class Core {
  public:
    Core(SpeakerConfig config, Transport& transport, Logger& log);
    ~Core();
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;

    [[nodiscard]] const SpeakerConfig& config() const { return config_; }

    /// Starts every peer not administratively down (and those added later).
    void start(TimePoint now);
    /// Administrative shutdown of every peer (they restart with start()).
    /// Every session stopped; `for_restart`: fsm::Session::stop_for_restart
    /// (peers with graceful restart keep our routes).
    void stop_all(std::string_view message, TimePoint now, bool for_restart = false);
    [[nodiscard]] bool running() const { return running_; }

    // Peers.
    void add_peer(PeerConfig config, TimePoint now, bool dynamic = false);
    void change_peer(PeerConfig config, TimePoint now);
    bool remove_peer(const wire::IpAddress& address, std::string_view message, TimePoint now);
    bool stop_peer(const wire::IpAddress& address, std::string_view message, TimePoint now);
    bool start_peer(const wire::IpAddress& address, TimePoint now);
    bool reset_peer(const wire::IpAddress& address, std::string_view message, TimePoint now);
    /// ROUTE-REFRESH (RFC 2918) for `family` to the peer; false if unknown, not
    /// Established, or route refresh / the family not negotiated.
    bool refresh_peer(const wire::IpAddress& address, wire::Family family, TimePoint now);
    [[nodiscard]] bool has_peer(const wire::IpAddress& address) const;
    [[nodiscard]] const PeerConfig* peer_config(const wire::IpAddress& address) const;
    [[nodiscard]] std::vector<wire::IpAddress> peer_addresses() const;
    [[nodiscard]] std::vector<PeerStatus> peers() const;
    [[nodiscard]] std::optional<PeerStatus> peer(const wire::IpAddress& address) const;
    [[nodiscard]] std::vector<ReceivedRoute> received_routes(const wire::IpAddress& address) const;
    [[nodiscard]] std::vector<RibRoute> rib(wire::Family family,
                                            std::optional<wire::Prefix> prefix = {}) const;
    [[nodiscard]] std::vector<RibRoute> best_routes(wire::Family family) const;
    [[nodiscard]] SpeakerStats stats() const;

    // Transport events.
    void tcp_connected(const wire::IpAddress& peer, TimePoint now);
    /// False: refuse the connection (the transport closes it).
    [[nodiscard]] bool tcp_accepted(const wire::IpAddress& peer, TimePoint now);
    void tcp_failed(const wire::IpAddress& peer, fsm::ConnId conn, TimePoint now,
                    std::string_view why);
    void receive(const wire::IpAddress& peer, fsm::ConnId conn, std::span<const std::uint8_t> bytes,
                 TimePoint now);
    void poll(const wire::IpAddress& peer, TimePoint now);
    void write_progress(const wire::IpAddress& peer, TimePoint now, bool drained);

    /// Replaces the policies; `rechain` sets each peer's new import/export
    /// chains (made from `table`). Every peer is re-imported from its
    /// Adj-RIB-In and re-exported in place: no session is reset.
    void set_policies(policy::PolicyTable table, const std::function<void(PeerConfig&)>& rechain,
                      TimePoint now);

    // Our routes.
    void announce(Route route, TimePoint now);
    bool withdraw(const wire::Prefix& prefix, TimePoint now);
    [[nodiscard]] std::vector<Route> announced() const;

    // Events.
    SubscriptionId on_state_change(Speaker::StateHandler handler);
    SubscriptionId on_route(Speaker::RouteHandler handler);
    SubscriptionId on_update(Speaker::UpdateHandler handler);
    SubscriptionId on_best_path(Speaker::BestPathHandler handler);
    bool unsubscribe(SubscriptionId id);

  private:
    struct Peer;
    using PeerPtr = std::shared_ptr<Peer>;
    struct GroupKey;
    template <class F>
    struct Group;

    PeerPtr find(const wire::IpAddress& address) const;
    /// Runs one FSM call and performs the actions it produced.
    void run(const PeerPtr& peer, TimePoint now,
             const std::function<void(fsm::Session&, fsm::Actions&)>& call);
    void perform(const PeerPtr& peer, fsm::Actions& actions, TimePoint now);
    void on_state(const PeerPtr& peer, const fsm::StateChangeAction& change, TimePoint now);
    void send_initial_table(const PeerPtr& peer, TimePoint now);
    /// Queues every announced route of `family` for (re)sending to the peer.
    void queue_family(const PeerPtr& peer, wire::Family family);
    /// Sends queued route changes while the peer's write queue is below the
    /// low-water mark; called again as the queue drains (write_progress).
    void pump(const PeerPtr& peer, TimePoint now);
    void export_change(const wire::Prefix& prefix, TimePoint now);
    void emit_route(const Peer& peer, RouteEvent::Kind kind, const ReceivedRoute& route);
    void erase_peer(const PeerPtr& peer, TimePoint now);
    /// (Re)creates the peer's maximum-prefix states from its configuration.
    void max_prefix_setup(Peer& peer);
    /// After an UPDATE: warns, or tears the session down (true) when a limit
    /// is exceeded.
    bool max_prefix_check(const PeerPtr& peer, TimePoint now);

    // The RIB (routing.cpp).
    [[nodiscard]] rib::PeerInfo peer_info(const Peer& peer, wire::Family family) const;
    [[nodiscard]] std::string peer_label(const Peer& peer) const;
    void rib_up(const PeerPtr& peer);
    void rib_session_down(const PeerPtr& peer);
    /// Removes the peer's paths of `families` (empty: all) from the RIBs.
    void rib_drop(const PeerPtr& peer, std::span<const wire::Family> families);
    void rib_update(const PeerPtr& peer, const wire::Update& update);
    /// Without keep_received_routes: the peer's received routes from the RIB.
    [[nodiscard]] std::vector<ReceivedRoute> rib_received(const Peer& peer) const;
    /// (routes, stale routes) of the peer in the RIB.
    [[nodiscard]] std::pair<std::size_t, std::size_t> rib_counts(const Peer& peer) const;
    [[nodiscard]] policy::Context import_context(const Peer& peer) const;
    /// The import policy changed: recompute the peer's paths from Adj-RIB-In.
    void rib_reimport(const PeerPtr& peer);
    /// Export settings changed: re-describe the peer to the RIB, re-sync its
    /// Adj-RIB-Out (only differences go out).
    void rib_reexport(const PeerPtr& peer, TimePoint now);
    void rib_stale(const PeerPtr& peer, const fsm::GrStaleAction& action);
    void rib_local(const wire::Prefix& prefix, const wire::PathAttributes* attributes);
    /// Hands the RIB's changes to the forwarding peers (forward_routes) and
    /// the best-path subscribers.
    void rib_changed(TimePoint now);
    /// Reports the best-path changes queued since the last call (on_best_path).
    void best_changed();
    template <class F>
    [[nodiscard]] RibRoute rib_route(const rib::Rib<F>& rib, const rib::Route& route) const;
    [[nodiscard]] std::vector<FamilyCounts> family_counts(const Peer& peer) const;
    // Update groups (groups.cpp), with forward_routes.
    /// The peer joins a group per family (its initial table: End-of-RIB after).
    void groups_join(const PeerPtr& peer);
    void groups_leave(const PeerPtr& peer);
    /// The peer asked for `family` again (ROUTE-REFRESH): it gets the table anew,
    /// then EoRR.
    void groups_refresh(const PeerPtr& peer, wire::Family family);
    /// The peer's export settings changed: to the group of its new settings.
    void groups_regroup(const PeerPtr& peer, TimePoint now);
    /// Every group re-syncs every prefix (policies changed).
    void groups_resync_all();
    /// Drops the groups' export caches (a peer's description or the policies changed).
    void export_caches_clear();
    /// Entries per group's export cache before it starts afresh.
    static constexpr std::size_t max_export_cache = 1u << 16;
    /// Sends what the groups of this peer have, as far as the queues allow.
    void groups_pump(const PeerPtr& peer, TimePoint now);
    void groups_pump_all(TimePoint now);
    // The RIB, the group list and the peer's group of family F.
    template <class F>
    rib::Rib<F>& rib_of();
    template <class F>
    std::vector<std::shared_ptr<Group<F>>>& groups_of();
    template <class F>
    static std::shared_ptr<Group<F>>& group_slot(Peer& peer);
    template <class F>
    void group_join(const PeerPtr& peer, bool eor);
    template <class F>
    void group_leave(const PeerPtr& peer);
    template <class F>
    void group_pump(const std::shared_ptr<Group<F>>& group, TimePoint now);
    template <class F>
    [[nodiscard]] std::vector<rib::Advertisement> group_ads(const Group<F>& group,
                                                            const wire::Prefix& prefix);
    template <class F>
    void group_sync(Group<F>& group, const wire::Prefix& prefix);
    /// The group sends the best path only and has no export policy: its
    /// export is a function of (source peer, attributes), cached.
    template <class F>
    static bool group_fast(const Group<F>& group);
    /// group_sync() for such a group, given the prefix's best path.
    template <class F>
    void group_sync_best(Group<F>& group, const wire::Prefix& prefix,
                         const std::optional<rib::Route>& best);
    template <class F>
    [[nodiscard]] GroupKey group_key(const Peer& peer) const;
    template <class F>
    void send_items(const PeerPtr& peer, const std::vector<rib::Encoded>& items, TimePoint now);
    std::shared_ptr<const wire::PathAttributes> intern(wire::PathAttributes attributes);

    SpeakerConfig config_;
    Transport& transport_;
    Logger& log_;
    bool running_ = false;
    bool stopping_all_ = false;  ///< inside stop_all(): no more exports (the Ceases go first)
    /// SpeakerConfig::restarting: exports wait until this passes or every
    /// End-of-RIB expected has arrived (deferral_check()).
    std::optional<TimePoint> deferral_until_;
    /// The peer the last deferral_check() waited for: the next check starts there.
    wire::IpAddress deferral_cursor_;
    bool started_once_ = false;
    void deferral_check(TimePoint now);
    /// Before peers_: their Adj-RIB-Outs hold references into its store.
    std::unique_ptr<Routing> routing_;
    std::vector<std::shared_ptr<Group<rib::Ipv4>>> groups4_;
    std::vector<std::shared_ptr<Group<rib::Ipv6>>> groups6_;
    std::map<wire::IpAddress, PeerPtr> peers_;
    std::map<wire::Prefix, std::shared_ptr<const wire::PathAttributes>> announced_;
    std::map<std::vector<std::uint8_t>, std::weak_ptr<const wire::PathAttributes>> interned_;

    template <class H>
    struct Subscribers {
        std::vector<std::pair<SubscriptionId, std::shared_ptr<H>>> list;
    };
    Subscribers<Speaker::StateHandler> state_subs_;
    Subscribers<Speaker::RouteHandler> route_subs_;
    Subscribers<Speaker::UpdateHandler> update_subs_;
    Subscribers<Speaker::BestPathHandler> best_subs_;
    /// RIB feeds of best-path changes while best_subs_ is not empty.
    std::optional<rib::FeedId> best_feed4_;
    std::optional<rib::FeedId> best_feed6_;
    /// NOTIFICATIONs that ended sessions: (sent, code, subcode) -> count.
    std::map<std::tuple<bool, std::uint8_t, std::uint8_t>, std::uint64_t> notifications_;
    SubscriptionId next_subscription_ = 1;
};

}  // namespace bgp::speaker_detail
