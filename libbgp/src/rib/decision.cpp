// The decision process (RFC 4271 §9.1.2, RFC 4456 §9). Each rule below cites
// its section; compare() returns the first rule that separates two paths.
#include "bgp/rib/decision.hpp"

#include <algorithm>
#include <limits>

namespace bgp::rib {

std::string_view reason_name(BestPathReason r) {
    switch (r) {
        case BestPathReason::none:
            return "none";
        case BestPathReason::only_path:
            return "only-path";
        case BestPathReason::fresh_over_stale:
            return "fresh-over-stale";
        case BestPathReason::local_pref:
            return "local-pref";
        case BestPathReason::local_origin:
            return "local-origin";
        case BestPathReason::as_path_length:
            return "as-path-length";
        case BestPathReason::origin:
            return "origin";
        case BestPathReason::med:
            return "med";
        case BestPathReason::external_over_internal:
            return "external-over-internal";
        case BestPathReason::igp_cost:
            return "igp-cost";
        case BestPathReason::router_id:
            return "router-id";
        case BestPathReason::cluster_list_length:
            return "cluster-list-length";
        case BestPathReason::peer_address:
            return "peer-address";
        case BestPathReason::path_id:
            return "path-id";
    }
    return "unknown";
}

std::string_view reason_rule(BestPathReason r) {
    switch (r) {
        case BestPathReason::none:
            return "no comparison";
        case BestPathReason::only_path:
            return "the only candidate path";
        case BestPathReason::fresh_over_stale:
            return "not stale after a peer restart (RFC 4724 §4.2, RFC 9494 §4.3)";
        case BestPathReason::local_pref:
            return "highest degree of preference, LOCAL_PREF (RFC 4271 §9.1.1, §9.1.2)";
        case BestPathReason::local_origin:
            return "locally originated";
        case BestPathReason::as_path_length:
            return "shortest AS_PATH (RFC 4271 §9.1.2.2 a)";
        case BestPathReason::origin:
            return "lowest ORIGIN (RFC 4271 §9.1.2.2 b)";
        case BestPathReason::med:
            return "lowest MULTI_EXIT_DISC (RFC 4271 §9.1.2.2 c)";
        case BestPathReason::external_over_internal:
            return "learned over eBGP rather than iBGP (RFC 4271 §9.1.2.2 d)";
        case BestPathReason::igp_cost:
            return "lowest interior cost to the NEXT_HOP (RFC 4271 §9.1.2.2 e)";
        case BestPathReason::router_id:
            return "lowest BGP Identifier or ORIGINATOR_ID (RFC 4271 §9.1.2.2 f, RFC 4456 §9)";
        case BestPathReason::cluster_list_length:
            return "shortest CLUSTER_LIST (RFC 4456 §9)";
        case BestPathReason::peer_address:
            return "lowest peer address (RFC 4271 §9.1.2.2 g)";
        case BestPathReason::path_id:
            return "lowest path identifier of one peer (RFC 7911)";
    }
    return "unknown";
}

namespace {

template <class T>
int lower_wins(T a, T b) {
    return a < b ? -1 : (b < a ? 1 : 0);
}

template <class T>
int higher_wins(T a, T b) {
    return a > b ? -1 : (b > a ? 1 : 0);
}

bool is_stale(const Candidate& c) { return c.stale || c.attrs->has(attr_bit::llgr_stale); }

std::uint32_t local_pref(const Candidate& c, std::uint32_t dflt) {
    return c.attrs->has(attr_bit::has_local_pref) ? c.attrs->local_pref : dflt;
}

std::uint32_t med(const Candidate& c, const DecisionOptions& o) {
    if (c.attrs->has(attr_bit::has_med)) return c.attrs->med;
    return o.missing_med_worst ? std::numeric_limits<std::uint32_t>::max() : 0;
}

std::uint32_t bgp_identifier(const Candidate& c) {
    // RFC 4456 §9: ORIGINATOR_ID stands in for the advertiser's BGP Identifier.
    if (c.attrs->has(attr_bit::has_originator_id)) return c.attrs->originator_id;
    return c.peer->router_id;
}

// Canonical order: peer address, then path id. The ranking runs over this
// order, so it does not depend on arrival order.
bool canonical_less(const Candidate& a, const Candidate& b) {
    if (a.peer->address != b.peer->address) return a.peer->address < b.peer->address;
    return a.path_id < b.path_id;
}

}  // namespace

Comparison compare(const Candidate& a, const Candidate& b, const DecisionOptions& o,
                   std::uint32_t default_local_pref) {
    auto decided = [](int w, BestPathReason r) { return Comparison{w, r}; };
    int w = 0;

    // Graceful restart: a stale path (RFC 4724 §4.2, or LLGR_STALE, RFC 9494
    // §4.3) is kept for forwarding but loses to any fresh path.
    if ((w = lower_wins(is_stale(a), is_stale(b))) != 0)
        return decided(w, BestPathReason::fresh_over_stale);

    // RFC 4271 §9.1.2 (phase 2): highest degree of preference; for routes in
    // the RIB that is LOCAL_PREF (§9.1.1), set by import policy for eBGP paths.
    if ((w = higher_wins(local_pref(a, default_local_pref), local_pref(b, default_local_pref))) !=
        0)
        return decided(w, BestPathReason::local_pref);

    // Locally originated routes over learned ones (the BIRD/FRR convention).
    if ((w = higher_wins(a.local, b.local)) != 0) return decided(w, BestPathReason::local_origin);

    // §9.1.2.2 a: shortest AS_PATH (AS_SET counts 1, confederation segments 0).
    if (!o.ignore_as_path_length &&
        (w = lower_wins(a.attrs->as_path_length, b.attrs->as_path_length)) != 0)
        return decided(w, BestPathReason::as_path_length);

    // §9.1.2.2 b: lowest ORIGIN (IGP < EGP < INCOMPLETE).
    if ((w = lower_wins(static_cast<int>(a.attrs->origin), static_cast<int>(b.attrs->origin))) != 0)
        return decided(w, BestPathReason::origin);

    // §9.1.2.2 c: lowest MULTI_EXIT_DISC, only between paths from the same
    // neighbouring AS unless always_compare_med; a missing MED counts 0.
    if (o.always_compare_med || a.attrs->neighbor_as == b.attrs->neighbor_as) {
        if ((w = lower_wins(med(a, o), med(b, o))) != 0) return decided(w, BestPathReason::med);
    }

    // §9.1.2.2 d: eBGP-learned over iBGP-learned.
    if ((w = lower_wins(a.internal, b.internal)) != 0)
        return decided(w, BestPathReason::external_over_internal);

    // §9.1.2.2 e: lowest interior cost to the NEXT_HOP.
    if ((w = lower_wins(a.igp_cost, b.igp_cost)) != 0) return decided(w, BestPathReason::igp_cost);

    // §9.1.2.2 f: lowest BGP Identifier, with ORIGINATOR_ID in its place
    // (RFC 4456 §9).
    if ((w = lower_wins(bgp_identifier(a), bgp_identifier(b))) != 0)
        return decided(w, BestPathReason::router_id);

    // RFC 4456 §9: between f) and g), the shorter CLUSTER_LIST.
    if ((w = lower_wins(a.attrs->cluster_list_length, b.attrs->cluster_list_length)) != 0)
        return decided(w, BestPathReason::cluster_list_length);

    // §9.1.2.2 g: lowest peer address.
    if (a.peer->address != b.peer->address)
        return decided(a.peer->address < b.peer->address ? -1 : 1, BestPathReason::peer_address);

    // Two paths of one peer (RFC 7911 ADD-PATH): lowest path identifier.
    if ((w = lower_wins(a.path_id, b.path_id)) != 0) return decided(w, BestPathReason::path_id);

    return Comparison{};
}

bool multipath_equal(const Candidate& a, const Candidate& b, const DecisionOptions& o,
                     std::uint32_t default_local_pref) {
    const auto c = compare(a, b, o, default_local_pref);
    if (c.reason != BestPathReason::none && c.reason < BestPathReason::router_id) return false;
    if (o.multipath_relax || (a.internal && b.internal)) return true;
    return a.attrs->neighbor_as == b.attrs->neighbor_as;
}

namespace {

// RFC 4271 §9.1.2.2 as written: remove from consideration, rule by rule, every
// route not tied for the best value; the MED rule removes, within each
// neighbouring AS, the routes whose MED is above that AS's lowest (all
// together with always_compare_med). Each rule works on the whole remaining
// set, so the result does not depend on the order of `idx`.
std::size_t eliminate(std::span<const Candidate> c, const std::vector<std::size_t>& idx,
                      const DecisionOptions& o, std::uint32_t lp) {
    if (idx.size() == 1) return idx.front();
    // Between two paths the elimination is the pairwise comparison.
    if (idx.size() == 2) return compare(c[idx[1]], c[idx[0]], o, lp).winner < 0 ? idx[1] : idx[0];
    thread_local std::vector<std::size_t> s;
    thread_local std::vector<std::pair<std::uint32_t, std::uint32_t>> lowest;  // AS, MED
    s.assign(idx.begin(), idx.end());
    auto keep_best = [&](auto key) {
        if (s.size() <= 1) return;
        auto best = key(c[s.front()]);
        for (std::size_t i : s) best = std::min(best, key(c[i]));
        std::erase_if(s, [&](std::size_t i) { return best < key(c[i]); });
    };
    keep_best([](const Candidate& x) { return is_stale(x); });          // RFC 4724 §4.2
    keep_best([&](const Candidate& x) { return ~local_pref(x, lp); });  // §9.1.1, §9.1.2
    keep_best([](const Candidate& x) { return !x.local; });             // local origin
    if (!o.ignore_as_path_length)
        keep_best([](const Candidate& x) { return x.attrs->as_path_length; });        // §9.1.2.2 a
    keep_best([](const Candidate& x) { return static_cast<int>(x.attrs->origin); });  // b
    if (o.always_compare_med) {                                                       // §9.1.2.2 c
        keep_best([&](const Candidate& x) { return med(x, o); });
    } else if (s.size() > 1) {
        lowest.clear();
        for (std::size_t i : s) {
            const auto as = c[i].attrs->neighbor_as;
            auto it = std::find_if(lowest.begin(), lowest.end(),
                                   [&](const auto& p) { return p.first == as; });
            if (it == lowest.end())
                lowest.emplace_back(as, med(c[i], o));
            else
                it->second = std::min(it->second, med(c[i], o));
        }
        std::erase_if(s, [&](std::size_t i) {
            const auto as = c[i].attrs->neighbor_as;
            return std::find_if(lowest.begin(), lowest.end(), [&](const auto& p) {
                       return p.first == as;
                   })->second < med(c[i], o);
        });
    }
    keep_best([](const Candidate& x) { return x.internal; });                    // §9.1.2.2 d
    keep_best([](const Candidate& x) { return x.igp_cost; });                    // e
    keep_best([](const Candidate& x) { return bgp_identifier(x); });             // f, RFC 4456 §9
    keep_best([](const Candidate& x) { return x.attrs->cluster_list_length; });  // RFC 4456 §9
    keep_best([](const Candidate& x) { return x.peer->address; });               // g
    keep_best([](const Candidate& x) { return x.path_id; });                     // RFC 7911
    return s.front();
}

// Best of `idx` (already in canonical order). Default: the RFC's elimination.
// Deterministic MED (the Cisco/FRR option): the best of each neighbouring AS
// first, then a tournament between those winners.
std::size_t select_best(std::span<const Candidate> c, const std::vector<std::size_t>& idx,
                        const DecisionOptions& o, std::uint32_t lp) {
    auto tournament = [&](auto begin, auto end) {
        std::size_t best = *begin;
        for (auto it = begin + 1; it != end; ++it)
            if (compare(c[*it], c[best], o, lp).winner < 0) best = *it;
        return best;
    };
    if (!o.deterministic_med || o.always_compare_med) return eliminate(c, idx, o, lp);

    std::vector<std::size_t> winners;
    std::vector<std::uint32_t> seen;
    for (std::size_t i = 0; i < idx.size(); ++i) {
        const std::uint32_t as = c[idx[i]].attrs->neighbor_as;
        if (std::find(seen.begin(), seen.end(), as) != seen.end()) continue;
        seen.push_back(as);
        std::size_t best = idx[i];
        for (std::size_t j = i + 1; j < idx.size(); ++j)
            if (c[idx[j]].attrs->neighbor_as == as && compare(c[idx[j]], c[best], o, lp).winner < 0)
                best = idx[j];
        winners.push_back(best);
    }
    return tournament(winners.begin(), winners.end());
}

// Above this many candidates only the first few places are found by repeated
// selection; the tail is sorted with MED compared across ASes (a total order).
constexpr std::size_t full_selection_limit = 64;
constexpr std::size_t tail_selected_places = 8;

}  // namespace

Ranking rank(std::span<const Candidate> c, const DecisionOptions& o,
             std::uint32_t default_local_pref) {
    Ranking r;
    if (c.empty()) return r;
    std::vector<std::size_t> idx(c.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(),
              [&](std::size_t a, std::size_t b) { return canonical_less(c[a], c[b]); });

    const std::size_t selected = c.size() <= full_selection_limit ? c.size() : tail_selected_places;
    r.order.reserve(c.size());
    while (!idx.empty() && r.order.size() < selected) {
        const std::size_t best = select_best(c, idx, o, default_local_pref);
        r.order.push_back(best);
        idx.erase(std::find(idx.begin(), idx.end(), best));
    }
    if (!idx.empty()) {
        DecisionOptions total = o;
        total.always_compare_med = true;
        total.deterministic_med = false;
        std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
            return compare(c[a], c[b], total, default_local_pref).winner < 0;
        });
        r.order.insert(r.order.end(), idx.begin(), idx.end());
    }

    if (r.order.size() == 1) {
        r.reason = BestPathReason::only_path;
    } else {
        r.reason = compare(c[r.order[0]], c[r.order[1]], o, default_local_pref).reason;
    }
    r.multipath = 1;
    const std::size_t max = std::max<std::size_t>(1, o.max_paths);
    while (r.multipath < r.order.size() && r.multipath < max &&
           multipath_equal(c[r.order[0]], c[r.order[r.multipath]], o, default_local_pref))
        ++r.multipath;
    return r;
}

}  // namespace bgp::rib
