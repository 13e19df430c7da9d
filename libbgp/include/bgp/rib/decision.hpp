// The BGP decision process: RFC 4271 §9.1 (phase 2, with the §9.1.2.2
// tie-breaking rules) and the RFC 4456 §9 additions for route reflection, plus
// graceful-restart stale paths (RFC 4724 §4.2, RFC 9494 §4.3) losing to fresh
// ones. Every comparison reports the rule that decided it, so each best path
// carries the reason it won over the runner-up (GoBGP's BestPathReason).
//
// Ranking is independent of the order in which paths arrived: the best path is
// found by the RFC's elimination (each rule removes every path not tied for
// the best value from the whole remaining set; MED within each neighbouring
// AS), or with deterministic_med per neighbouring AS first. compare() is the
// pairwise form of the same rules, used for reasons and multipath.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "bgp/rib/attr_store.hpp"
#include "bgp/rib/peer.hpp"

namespace bgp::rib {

/// The rule that made one path win over another, in the order they apply.
enum class BestPathReason : std::uint8_t {
    none = 0,                ///< no best path, or the two paths are the same path
    only_path,               ///< a single candidate
    fresh_over_stale,        ///< RFC 4724 §4.2 / RFC 9494 §4.3: not stale wins
    local_pref,              ///< RFC 4271 §9.1.1, §9.1.2: highest degree of preference
    local_origin,            ///< locally originated over learned (as BIRD, FRR)
    as_path_length,          ///< RFC 4271 §9.1.2.2 a: shortest AS_PATH
    origin,                  ///< §9.1.2.2 b: lowest ORIGIN
    med,                     ///< §9.1.2.2 c: lowest MULTI_EXIT_DISC
    external_over_internal,  ///< §9.1.2.2 d: eBGP over iBGP
    igp_cost,                ///< §9.1.2.2 e: lowest interior cost to the next hop
    router_id,               ///< §9.1.2.2 f: lowest BGP Identifier (RFC 4456 §9: ORIGINATOR_ID)
    cluster_list_length,     ///< RFC 4456 §9: shorter CLUSTER_LIST
    peer_address,            ///< §9.1.2.2 g: lowest peer address
    path_id,                 ///< RFC 7911: two paths of one peer, lowest path id
};

/// "local-pref", "as-path-length", ...
[[nodiscard]] std::string_view reason_name(BestPathReason r);
/// The rule in words with its section, e.g. "shortest AS_PATH (RFC 4271 §9.1.2.2 a)".
[[nodiscard]] std::string_view reason_rule(BestPathReason r);

/// One path as the decision process sees it.
struct Candidate {
    const AttrSet* attrs = nullptr;  ///< post-policy attributes
    const PeerInfo* peer = nullptr;
    std::uint32_t path_id = 0;
    std::uint32_t igp_cost = 0;  ///< from RibConfig::igp_cost
    bool stale = false;          ///< graceful-restart stale
    bool internal = false;       ///< learned over iBGP (or from a confederation member)
    bool local = false;          ///< locally originated
};

struct Comparison {
    int winner = 0;  ///< -1: a is better, +1: b is better, 0: identical
    BestPathReason reason = BestPathReason::none;
};

/// Compares two candidates rule by rule. `default_local_pref` applies to paths
/// without LOCAL_PREF.
[[nodiscard]] Comparison compare(const Candidate& a, const Candidate& b,
                                 const DecisionOptions& opts, std::uint32_t default_local_pref);

/// Whether `b` belongs to the ECMP set of best path `a`: equal through the IGP
/// cost rule (§9.1.2.2 e), and from the same neighbouring AS unless
/// multipath_relax (or both internal).
[[nodiscard]] bool multipath_equal(const Candidate& a, const Candidate& b,
                                   const DecisionOptions& opts, std::uint32_t default_local_pref);

struct Ranking {
    std::vector<std::size_t> order;                ///< indices into the candidates, best first
    BestPathReason reason = BestPathReason::none;  ///< why order[0] beat order[1]
    std::size_t multipath = 0;  ///< the first `multipath` of `order` form the ECMP set
};

/// Ranks candidates best first. The result depends only on the set, never on
/// the order of `c`.
[[nodiscard]] Ranking rank(std::span<const Candidate> c, const DecisionOptions& opts,
                           std::uint32_t default_local_pref);

}  // namespace bgp::rib
