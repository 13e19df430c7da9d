// The per-peer state of the speaker's core (private to src/speaker/).
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "bgp/policy/max_prefix.hpp"
#include "bgp/policy/table.hpp"
#include "bgp/rib/update_group.hpp"
#include "speaker/core.hpp"

namespace bgp::speaker_detail {

/// Calls every subscriber; a handler that throws is logged, not propagated.
template <class Subs, class... Args>
inline void notify(const Subs& subs, Logger& log, const Args&... args) {
    auto copy = subs.list;  // a handler may unsubscribe (or subscribe) while we iterate
    for (const auto& [id, handler] : copy) {
        try {
            (*handler)(args...);
        } catch (const std::exception& e) {
            log.log(LogLevel::error, "event handler {} threw: {}", id, e.what());
        } catch (...) {
            log.log(LogLevel::error, "event handler {} threw", id);
        }
    }
}

/// The default chain: every route accepted unchanged (no policy to run).
[[nodiscard]] inline bool accepts_all(const policy::PolicyChain& chain) {
    return chain.policies.empty() && chain.default_verdict == policy::Verdict::accept;
}

struct Core::Peer {
    Peer(PeerConfig c, fsm::SessionConfig s) : config(std::move(c)), session(std::move(s)) {}

    PeerConfig config;
    fsm::Session session;
    bool dynamic = false;
    bool admin_down = false;
    bool removed = false;
    bool remove_when_idle = false;
    RouteTable table;
    std::optional<TimePoint> established_since;
    std::uint32_t learnt_as = 0;
    std::uint64_t updates_received = 0;
    std::uint64_t updates_sent = 0;
    std::uint64_t notifications_sent = 0;
    std::uint64_t notifications_received = 0;
    // Export pacing: prefixes whose current state (announced_ or withdrawn) is
    // still to be sent, and the markers due once they are.
    std::set<wire::Prefix> dirty;
    std::vector<wire::Family> eor_due;   ///< RFC 4724 End-of-RIB after the initial table
    std::vector<wire::Family> eorr_due;  ///< RFC 7313 EoRR after a re-advertisement
    /// End-of-RIB received since Established (selection deferral after our restart).
    std::vector<wire::Family> eor_received;
    // The RIB (routing.cpp): the peer's ids in the RIBs (kept across a graceful
    // restart), and with forward_routes its update group per family while
    // Established (groups.cpp).
    std::optional<rib::PeerId> rib4;
    std::optional<rib::PeerId> rib6;
    std::shared_ptr<Group<rib::Ipv4>> g4;
    std::shared_ptr<Group<rib::Ipv6>> g6;
    // Maximum-prefix limits (PeerConfig::max_prefix_*), and after a tear-down
    // the time the session may start again.
    std::optional<policy::MaxPrefixState> max4;
    std::optional<policy::MaxPrefixState> max6;
    std::optional<TimePoint> held_until;

    [[nodiscard]] std::uint32_t peer_as() const {
        return learnt_as != 0 ? learnt_as : config.peer_as;
    }
};

/// What makes two peers get the same UPDATEs of a family (groups.cpp).
struct Core::GroupKey {
    /// Set: a group of this one peer (eBGP: next hop self and split horizon
    /// are per peer; or an export policy, which may look at the neighbour).
    std::optional<wire::IpAddress> own;
    std::uint32_t peer_as = 0;
    bool rr_client = false;
    bool next_hop_self = false;
    bool export_routes = true;
    bool llgr_capable = false;
    std::optional<wire::IpAddress> local_address;  ///< next hop self
    rib::AddPathSend add_path;                     ///< effective (negotiated)
    // The codec options' inputs.
    bool four_octet_as = true;
    bool extended_message = false;
    wire::FamilySet add_path_send;
    std::vector<wire::Family> extended_next_hop;
    policy::PolicyChain export_policy;
    friend bool operator==(const GroupKey&, const GroupKey&) = default;
};

/// An update group of one family: one Adj-RIB-Out and one encoding of each
/// UPDATE for its members (rib::UpdateGroup), fed from the Loc-RIB through a
/// representative peer; split horizon by ORIGINATOR_ID (rib::Encoded).
template <class F>
struct Core::Group {
    Group(rib::AttrStore& s, GroupKey k, bool path_ids, wire::CodecOptions opts)
        : key(std::move(k)), ug(s, path_ids, std::move(opts)), store(s), add_path(path_ids) {}
    ~Group() { clear_export_cache(); }
    Group(const Group&) = delete;
    Group& operator=(const Group&) = delete;

    GroupKey key;
    rib::UpdateGroup<F> ug;
    rib::AttrStore& store;
    bool add_path = false;  ///< path ids on the wire (RFC 7911)
    /// Export results without export policy or ADD-PATH, by (source peer,
    /// post-policy attributes): the attributes as exported to this group, or
    /// no_attrs when the export rules refuse the path. A reflector exports a
    /// million prefixes with a few attribute sets: this spares building and
    /// interning the exported set per prefix. References are held on both
    /// ids; cleared when peers or policies change (Core::export_caches_clear).
    std::unordered_map<std::uint64_t, rib::AttrId> export_cache;
    void clear_export_cache() {
        for (const auto& [k, out] : export_cache) {
            store.unref(static_cast<rib::AttrId>(k & 0xFFFFFFFFu));
            store.unref(out);
        }
        export_cache.clear();
    }
    rib::PeerId rep = 0;           ///< whose view the RIB's export rules compute
    bool own_rep = false;          ///< rep is the group's own (virtual) RIB peer
    std::set<wire::Prefix> dirty;  ///< prefixes to re-sync from the Loc-RIB
    struct Member {
        std::weak_ptr<Peer> peer;
        /// Joining: gets the group's advertised routes through the snapshot
        /// only, then every take() batch.
        typename rib::UpdateGroup<F>::Snapshot snap;
        bool joining = false;
        bool eor_due = false;   ///< RFC 4724 End-of-RIB once it has the table
        bool eorr_due = false;  ///< RFC 7313 EoRR once the re-advertisement is out
    };
    std::vector<Member> members;
};

}  // namespace bgp::speaker_detail
