// bgp::rib - the routing information bases of one address family.
//
// Holds every peer's Adj-RIB-In (RFC 4271 §3.2; before and after import
// policy: a path keeps the attributes as received and the policy result) and
// the Loc-RIB with the decision process of RFC 4271 §9.1 and RFC 4456 §9
// (decision.hpp), the reason each best path won, the multipath (ECMP) set,
// graceful-restart stale marking and sweeping (RFC 4724 §4.2), receipt-side
// loop checks (RFC 4271 §9.1.2 AS loops, RFC 4456 §8 cluster and originator
// loops; import.hpp), and a bounded, coalescing change feed for consumers.
// Export rules (route reflection, iBGP/eBGP, well-known communities, ADD-PATH
// send selection) are in export.hpp.
//
// One template over the family (Rib<Ipv4>, Rib<Ipv6>). A stored path is 16
// bytes (path id, two AttrIds, peer, ADD-PATH send id) kept inside its
// prefix's entry: the Adj-RIB-In and the Loc-RIB share it, so a route costs
// one entry, not three. A peer's Adj-RIB-In is the set of paths with that peer
// (for_each_adj_in, adj_rib_in). No dependency on sessions or sockets: input
// is wire prefixes, interned attributes and peer descriptors. Not
// thread-safe; one executor owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "bgp/rib/attr_store.hpp"
#include "bgp/rib/decision.hpp"
#include "bgp/rib/family.hpp"
#include "bgp/rib/import.hpp"
#include "bgp/rib/peer.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::rib {

/// One path, as the API returns it.
struct Route {
    wire::Prefix prefix;
    PeerId peer = local_peer;
    std::uint32_t path_id = 0;     ///< received path id (RFC 7911), 0 without ADD-PATH
    std::uint32_t tx_path_id = 0;  ///< id for sending this path with ADD-PATH (stable)
    AttrId attrs = no_attrs;       ///< post-policy attributes (no_attrs: rejected)
    AttrId attrs_in = no_attrs;    ///< attributes as received (pre-policy)
    bool stale = false;            ///< graceful restart: kept until refreshed or swept
    bool best = false;
    bool multipath = false;  ///< member of the ECMP set (the best path included)
    Ineligible ineligible = Ineligible::none;
    /// For the best path: the rule that made it win over the runner-up.
    BestPathReason reason = BestPathReason::none;
};

/// What one change did to a prefix.
struct Change {
    bool paths_changed = false;  ///< some path was added, removed or changed
    bool best_changed = false;   ///< the best path (or its attributes) changed, or vanished
};

/// A change-feed subscription.
using FeedId = std::uint32_t;

struct FeedOptions {
    /// At most this many prefixes pending; beyond it the feed drops its queue
    /// and reports a resync (the consumer re-reads the table).
    std::size_t max_pending = 1u << 20;
    /// Report any path change (ADD-PATH exporters), not only best-path changes.
    bool all_paths = false;
    /// Called when the feed goes from empty to non-empty (e.g. to post a drain).
    std::function<void()> wakeup;
};

struct FeedPoll {
    std::size_t delivered = 0;  ///< prefixes handed to the callback
    std::size_t pending = 0;    ///< still queued after this poll
    bool resync = false;        ///< the feed overflowed since the last poll: re-read everything
};

struct RibMemory {
    std::size_t entries = 0;  ///< prefixes
    std::size_t paths = 0;
    std::size_t entry_bytes = 0;  ///< per-prefix entries (inline first path)
    std::size_t path_bytes = 0;   ///< out-of-line path arrays (2+ paths)
    std::size_t index_bytes = 0;  ///< prefix hash index
};

template <class F>
class Rib {
  public:
    using Family = F;

    /// `store` must outlive the Rib. Throws std::invalid_argument for an
    /// invalid configuration (local AS 0).
    Rib(AttrStore& store, RibConfig config);
    ~Rib();
    Rib(const Rib&) = delete;
    Rib& operator=(const Rib&) = delete;

    [[nodiscard]] const RibConfig& config() const;
    [[nodiscard]] AttrStore& store() const;

    // ---- peers ------------------------------------------------------------
    /// Registers a peer; its id is reused after remove_peer. Throws
    /// std::length_error beyond 65535 peers.
    PeerId add_peer(const PeerInfo& info);
    /// Changes a peer's descriptor (e.g. its BGP Identifier once known) and
    /// re-runs the decision for its prefixes.
    void set_peer(PeerId id, const PeerInfo& info);
    /// Withdraws every path of the peer and frees its id. Returns the number
    /// of paths removed.
    std::size_t remove_peer(PeerId id);
    [[nodiscard]] const PeerInfo& peer(PeerId id) const;
    [[nodiscard]] bool has_peer(PeerId id) const;

    // ---- Adj-RIB-In -------------------------------------------------------
    /// A path from `peer` (local_peer: locally originated). `in` is what was
    /// received, `out` the import policy's result (the same id when policy did
    /// not change it, no_attrs when it rejected the path). The Rib takes its
    /// own references. A repeated announce replaces the path (and clears its
    /// stale mark). The prefix must be of family F.
    Change announce(PeerId peer, const wire::Prefix& prefix, std::uint32_t path_id, AttrId in,
                    AttrId out);
    Change announce(PeerId peer, const wire::Prefix& prefix, std::uint32_t path_id, AttrId attrs) {
        return announce(peer, prefix, path_id, attrs, attrs);
    }
    Change withdraw(PeerId peer, const wire::Prefix& prefix, std::uint32_t path_id = 0);

    /// RFC 4724 §4.2 (receiving speaker): the peer's session went down with
    /// graceful restart; mark its paths stale. Returns how many were marked.
    std::size_t mark_stale(PeerId peer);
    /// End-of-RIB or the stale timer: drop the peer's paths still stale.
    std::size_t sweep_stale(PeerId peer);
    /// RFC 9494 §4.3 (long-lived graceful restart): the restart time is over
    /// and the long-lived stale time begins. The peer's stale paths get the
    /// LLGR_STALE community (they now lose to any other path, and export
    /// refuses them to peers without LLGR); those with NO_LLGR are removed.
    /// Returns the number of paths kept.
    std::size_t mark_llgr_stale(PeerId peer);

    /// Import policy changed: recompute every path of `peer` from its
    /// pre-policy attributes (the peer need not resend). `import` returns the
    /// new post-policy attributes (an empty AttrRef: rejected). Returns the
    /// number of paths whose post-policy attributes changed.
    using ImportFn = std::function<AttrRef(const wire::Prefix&, AttrId in)>;
    std::size_t reimport(PeerId peer, const ImportFn& import);

    /// Re-runs the decision for every prefix (IGP costs or options changed).
    void redecide_all();
    /// Replaces the decision options and re-runs the decision everywhere.
    void set_decision_options(const DecisionOptions& options);

    // ---- queries ----------------------------------------------------------
    [[nodiscard]] std::optional<Route> best(const wire::Prefix& prefix) const;
    /// Every path of the prefix: candidates ranked best first, then the
    /// ineligible ones.
    [[nodiscard]] std::vector<Route> paths(const wire::Prefix& prefix) const;
    /// The ECMP set (best first), at most DecisionOptions::max_paths.
    [[nodiscard]] std::vector<Route> multipath(const wire::Prefix& prefix) const;
    /// One path of a peer's Adj-RIB-In.
    [[nodiscard]] std::optional<Route> adj_rib_in(PeerId peer, const wire::Prefix& prefix,
                                                  std::uint32_t path_id = 0) const;
    void for_each_best(const std::function<void(const Route&)>& fn) const;
    void for_each_adj_in(PeerId peer, const std::function<void(const Route&)>& fn) const;

    [[nodiscard]] std::size_t prefix_count() const;
    [[nodiscard]] std::size_t path_count() const;
    [[nodiscard]] std::size_t peer_path_count(PeerId peer) const;
    [[nodiscard]] std::size_t peer_stale_count(PeerId peer) const;
    /// The peer's paths that import policy accepted (and no loop rule refused).
    [[nodiscard]] std::size_t peer_accepted_count(PeerId peer) const;
    [[nodiscard]] RibMemory memory() const;
    /// Prefixes whose best path changed (or vanished), counted once per change.
    [[nodiscard]] std::uint64_t best_path_changes() const;

    // ---- change feed ------------------------------------------------------
    /// A consumer of route changes. Each prefix is queued at most once: a
    /// slow consumer sees the latest state of each changed prefix, never a
    /// backlog of intermediate states.
    FeedId subscribe(FeedOptions options = {});
    void unsubscribe(FeedId id);
    /// Hands up to `max` changed prefixes to `fn` (with their current best
    /// path; nullopt when the prefix has no best path any more).
    FeedPoll poll(FeedId id, std::size_t max,
                  const std::function<void(const wire::Prefix&, const std::optional<Route>&)>& fn);
    [[nodiscard]] std::size_t pending(FeedId id) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

extern template class Rib<Ipv4>;
extern template class Rib<Ipv6>;

using Ipv4Rib = Rib<Ipv4>;
using Ipv6Rib = Rib<Ipv6>;

}  // namespace bgp::rib
