// The decision process (libbgp/src/rib/decision.cpp), in the style of
// OpenBGPD's rde_decide_test.c: a baseline path and, per rule, a variation that
// must beat it - compared in both orders, with the rule reported as the
// reason - and then through a Rib, every insertion order giving the same
// winner and reason.
#include <algorithm>
#include <numeric>
#include <string>

#include <catch2/catch_test_macros.hpp>

#include "bgp/rib/decision.hpp"
#include "rib_test_support.hpp"

using namespace bgp;
using namespace bgp::rib;
using namespace bgp::rib::test;

namespace {

struct Side {
    wire::PathAttributes attrs;
    PeerInfo peer;
    std::uint32_t path_id = 0;
    std::uint32_t igp_cost = 0;
    bool stale = false;
    bool local = false;
};

Side baseline() {
    Side s;
    s.attrs = attrs({65001, 65100});
    s.peer = ebgp("10.0.0.20", 65001, 0x0A000014);
    return s;
}

struct Variation {
    std::string name;
    Side winner;
    Side loser;
    BestPathReason reason;
    DecisionOptions options{};
};

std::vector<Variation> variations() {
    std::vector<Variation> v;
    auto add = [&](std::string name, BestPathReason r, auto&& tweak_winner, auto&& tweak_loser,
                   DecisionOptions o = {}) {
        Variation x{std::move(name), baseline(), baseline(), r, o};
        // Distinct peers, the loser with the lower address and router id, so
        // that only the rule under test can make the winner win.
        x.winner.peer = ebgp("10.0.0.30", 65001, 0x0A00001E);
        x.loser.peer = ebgp("10.0.0.20", 65001, 0x0A000014);
        tweak_winner(x.winner);
        tweak_loser(x.loser);
        v.push_back(std::move(x));
    };
    auto none = [](Side&) {};

    add("stale loses to fresh", BestPathReason::fresh_over_stale, none,
        [](Side& s) { s.stale = true; });
    add("LLGR_STALE community loses to fresh", BestPathReason::fresh_over_stale, none, [](Side& s) {
        s.attrs.communities = std::vector<std::uint32_t>{wire::community::llgr_stale};
    });
    add(
        "higher LOCAL_PREF", BestPathReason::local_pref, [](Side& s) { s.attrs.local_pref = 200; },
        none);
    add("missing LOCAL_PREF counts as 100", BestPathReason::local_pref, none,
        [](Side& s) { s.attrs.local_pref = 99; });
    add(
        "locally originated", BestPathReason::local_origin, [](Side& s) { s.local = true; }, none);
    add(
        "shorter AS_PATH", BestPathReason::as_path_length,
        [](Side& s) { s.attrs.as_path = seq({65001}); }, none);
    add(
        "AS_SET counts as one", BestPathReason::as_path_length,
        [](Side& s) {
            s.attrs.as_path->segments.push_back(
                wire::AsSegment{wire::AsSegmentType::as_set, {1, 2, 3, 4}});
        },
        [](Side& s) {
            s.attrs.as_path = seq({65001, 65100, 65200, 65300});
        });
    add("lower ORIGIN (IGP < EGP)", BestPathReason::origin, none,
        [](Side& s) { s.attrs.origin = wire::Origin::egp; });
    add(
        "lower ORIGIN (EGP < INCOMPLETE)", BestPathReason::origin,
        [](Side& s) { s.attrs.origin = wire::Origin::egp; },
        [](Side& s) { s.attrs.origin = wire::Origin::incomplete; });
    add(
        "lower MED, same neighbour AS", BestPathReason::med, [](Side& s) { s.attrs.med = 10; },
        [](Side& s) { s.attrs.med = 20; });
    add("missing MED counts as 0", BestPathReason::med, none, [](Side& s) { s.attrs.med = 1; });
    {
        DecisionOptions o;
        o.missing_med_worst = true;
        add(
            "missing MED worst (option)", BestPathReason::med,
            [](Side& s) { s.attrs.med = 4000000000u; }, none, o);
    }
    {
        DecisionOptions o;
        o.always_compare_med = true;
        add(
            "always-compare-med across ASes", BestPathReason::med,
            [](Side& s) {
                s.attrs.as_path = seq({65002, 65100});
                s.peer.asn = 65002;
                s.attrs.med = 5;
            },
            [](Side& s) { s.attrs.med = 6; }, o);
    }
    add(
        "MED ignored across ASes: router id decides", BestPathReason::router_id,
        [](Side& s) {
            s.attrs.as_path = seq({65002, 65100});
            s.peer = ebgp("10.0.0.30", 65002, 0x0A000001);
            s.attrs.med = 500;
        },
        [](Side& s) { s.attrs.med = 1; });
    add("eBGP over iBGP", BestPathReason::external_over_internal, none,
        [](Side& s) { s.peer = ibgp("10.0.0.20", 0x0A000014); });
    add(
        "lower IGP cost", BestPathReason::igp_cost, [](Side& s) { s.igp_cost = 10; },
        [](Side& s) { s.igp_cost = 20; });
    add(
        "lower router id", BestPathReason::router_id,
        [](Side& s) { s.peer.router_id = 0x0A000002; }, none);
    add(
        "ORIGINATOR_ID stands in for the router id", BestPathReason::router_id,
        [](Side& s) {
            s.peer = ibgp("10.0.0.30", 0x0A0000FF);
            s.attrs.originator_id = ip("10.0.0.3");
        },
        [](Side& s) {
            s.peer = ibgp("10.0.0.20", 0x0A000002);
            s.attrs.originator_id = ip("10.0.0.4");
        });
    add(
        "shorter CLUSTER_LIST", BestPathReason::cluster_list_length,
        [](Side& s) {
            s.peer = ibgp("10.0.0.30", 0x0A000005);
            s.attrs.originator_id = ip("10.0.0.3");
            s.attrs.cluster_list = std::vector<std::uint32_t>{1};
        },
        [](Side& s) {
            s.peer = ibgp("10.0.0.20", 0x0A000006);
            s.attrs.originator_id = ip("10.0.0.3");
            s.attrs.cluster_list = std::vector<std::uint32_t>{2, 1};
        });
    add(
        "lower peer address", BestPathReason::peer_address,
        [](Side& s) { s.peer = ebgp("10.0.0.5", 65001, 0x0A000009); },
        [](Side& s) { s.peer = ebgp("10.0.0.6", 65001, 0x0A000009); });
    add(
        "lower path id, same peer", BestPathReason::path_id,
        [](Side& s) {
            s.peer = ebgp("10.0.0.5", 65001, 0x0A000009);
            s.path_id = 1;
        },
        [](Side& s) {
            s.peer = ebgp("10.0.0.5", 65001, 0x0A000009);
            s.path_id = 2;
        });
    return v;
}

Candidate to_candidate(const Side& s, const AttrSet& set, const RibConfig& cfg) {
    Candidate c;
    c.attrs = &set;
    c.peer = &s.peer;
    c.path_id = s.path_id;
    c.igp_cost = s.igp_cost;
    c.stale = s.stale;
    c.local = s.local;
    c.internal = !s.local && s.peer.asn == cfg.local_as;
    return c;
}

}  // namespace

TEST_CASE("Decision: each rule beats the baseline, in both orders", "[rib][decision]") {
    const RibConfig cfg = local_config();
    AttrStore store;
    for (const auto& v : variations()) {
        INFO(v.name);
        AttrRef w = intern(store, v.winner.attrs);
        AttrRef l = intern(store, v.loser.attrs);
        const Candidate cw = to_candidate(v.winner, *w, cfg);
        const Candidate cl = to_candidate(v.loser, *l, cfg);
        const auto ab = compare(cw, cl, v.options, cfg.default_local_pref);
        const auto ba = compare(cl, cw, v.options, cfg.default_local_pref);
        CHECK(ab.winner == -1);
        CHECK(ab.reason == v.reason);
        CHECK(ba.winner == 1);
        CHECK(ba.reason == v.reason);
        const Candidate both[] = {cl, cw};
        const auto r = rank(both, v.options, cfg.default_local_pref);
        CHECK(r.order.front() == 1);
        CHECK(r.reason == v.reason);
    }
}

TEST_CASE("Decision: a path compared with itself is a tie", "[rib][decision]") {
    AttrStore store;
    const RibConfig cfg = local_config();
    const Side s = baseline();
    AttrRef a = intern(store, s.attrs);
    const Candidate c = to_candidate(s, *a, cfg);
    const auto r = compare(c, c, {}, 100);
    CHECK(r.winner == 0);
    CHECK(r.reason == BestPathReason::none);
}

TEST_CASE("Decision: through a Rib, insertion order never changes winner or reason",
          "[rib][decision]") {
    for (const auto& v : variations()) {
        INFO(v.name);
        // Each variation again, now with three extra paths that lose to both
        // (stale, lowest LOCAL_PREF, longer AS path) - every order of the five
        // insertions.
        std::vector<Side> sides = {v.winner, v.loser};
        for (int k = 0; k < 3; ++k) {
            Side extra = baseline();
            extra.attrs.as_path = seq({65001, 65100, 65200, 65300, 65400});
            extra.attrs.origin = wire::Origin::incomplete;
            extra.attrs.local_pref = 1;
            extra.stale = true;
            extra.peer = ebgp(("10.0.1." + std::to_string(k + 1)).c_str(), 65001,
                              0x0B000000u + static_cast<std::uint32_t>(k));
            sides.push_back(extra);
        }
        if (v.winner.igp_cost != 0 || v.loser.igp_cost != 0) continue;  // needs a cost hook: below
        std::vector<std::size_t> order(sides.size());
        std::iota(order.begin(), order.end(), 0);
        int orders = 0;
        do {
            AttrStore store;
            RibConfig cfg = local_config();
            cfg.decision = v.options;
            Rib<Ipv4> rib(store, cfg);
            const auto p = pfx("203.0.113.0/24");
            std::vector<PeerId> ids(sides.size());
            // Peers are registered in the insertion order too.
            for (std::size_t i : order) {
                const Side& s = sides[i];
                if (s.local) {
                    ids[i] = local_peer;
                } else {
                    // Two sides may share a peer (path id rule).
                    ids[i] = 0xFFFF;
                    for (std::size_t j : order) {
                        if (j == i) break;
                        if (!sides[j].local && sides[j].peer.address == s.peer.address)
                            ids[i] = ids[j];
                    }
                    if (ids[i] == 0xFFFF) ids[i] = rib.add_peer(s.peer);
                }
                AttrRef a = intern(store, s.attrs);
                rib.announce(ids[i], p, s.path_id, a.id());
                if (s.stale) rib.mark_stale(ids[i]);
            }
            const auto best = rib.best(p);
            REQUIRE(best);
            CHECK(best->peer == ids[0]);
            CHECK(best->path_id == v.winner.path_id);
            CHECK(best->reason == v.reason);
            ++orders;
        } while (std::next_permutation(order.begin(), order.end()));
        CHECK(orders == 120);
    }
}

TEST_CASE("Decision: IGP cost hook and unresolvable next hops", "[rib][decision]") {
    AttrStore store;
    RibConfig cfg = local_config();
    cfg.igp_cost = [](const wire::IpAddress& nh) -> std::optional<std::uint32_t> {
        if (nh == ip("192.0.2.1")) return 20;
        if (nh == ip("192.0.2.2")) return 10;
        return std::nullopt;  // 192.0.2.3: unresolvable
    };
    const auto p = pfx("203.0.113.0/24");
    for (int first = 0; first < 2; ++first) {
        Rib<Ipv4> rib(store, cfg);
        const PeerId a = rib.add_peer(ibgp("10.0.0.2", 2));
        const PeerId b = rib.add_peer(ibgp("10.0.0.3", 3));
        const PeerId c = rib.add_peer(ibgp("10.0.0.1", 1));
        AttrRef aa = intern(store, attrs({65001}, "192.0.2.1"));
        AttrRef ab = intern(store, attrs({65001}, "192.0.2.2"));
        AttrRef ac = intern(store, attrs({65001}, "192.0.2.3"));
        if (first == 0) {
            rib.announce(a, p, 0, aa.id());
            rib.announce(b, p, 0, ab.id());
            rib.announce(c, p, 0, ac.id());
        } else {
            rib.announce(c, p, 0, ac.id());
            rib.announce(b, p, 0, ab.id());
            rib.announce(a, p, 0, aa.id());
        }
        const auto best = rib.best(p);
        REQUIRE(best);
        CHECK(best->peer == b);
        CHECK(best->reason == BestPathReason::igp_cost);
        const auto all = rib.paths(p);
        REQUIRE(all.size() == 3);
        CHECK(all[2].peer == c);
        CHECK(all[2].ineligible == Ineligible::next_hop_unresolvable);
    }
}

TEST_CASE("Decision: MED cycle resolved the same way for every insertion order",
          "[rib][decision]") {
    // Pairwise, P1 beats P2 (router id; MED not compared across ASes), P2
    // beats P3 (router id), P3 beats P1 (MED, same AS): no total order exists.
    struct P {
        const char* addr;
        std::uint32_t neighbor_as;
        std::uint32_t med;
        std::uint32_t rid;
    };
    const P ps[] = {
        {"10.0.0.1", 65100, 200, 1}, {"10.0.0.2", 65200, 100, 2}, {"10.0.0.3", 65100, 100, 3}};
    for (const bool deterministic : {false, true}) {
        INFO("deterministic_med " << deterministic);
        std::vector<std::size_t> order = {0, 1, 2};
        std::optional<PeerId> winner_index;
        do {
            AttrStore store;
            RibConfig cfg = local_config();
            cfg.decision.deterministic_med = deterministic;
            Rib<Ipv4> rib(store, cfg);
            const auto p = pfx("198.51.100.0/24");
            std::vector<PeerId> ids(3);
            for (std::size_t i : order) {
                ids[i] = rib.add_peer(ebgp(ps[i].addr, ps[i].neighbor_as, ps[i].rid));
                auto a = attrs({ps[i].neighbor_as});
                a.med = ps[i].med;
                AttrRef r = intern(store, a);
                rib.announce(ids[i], p, 0, r.id());
            }
            const auto best = rib.best(p);
            REQUIRE(best);
            const auto it = std::find(ids.begin(), ids.end(), best->peer);
            const auto w = static_cast<PeerId>(it - ids.begin());
            // RFC 4271 §9.1.2.2 elimination (the default): MED removes P1 within
            // AS 65100 (P3 has the lower MED), then the router id picks P2 over
            // P3. Deterministic MED: best of AS 65100 is P3, of AS 65200 is P2;
            // P2 wins on router id. A pairwise, arrival-order comparison would
            // pick P3 or P1 depending on the order.
            CHECK(w == 1);
            CHECK(best->reason == BestPathReason::router_id);
            // The runner-up is P3 either way.
            const auto all = rib.paths(p);
            REQUIRE(all.size() == 3);
            CHECK(all[1].peer == ids[2]);
            if (winner_index) CHECK(*winner_index == w);
            winner_index = w;
        } while (std::next_permutation(order.begin(), order.end()));
    }
}

TEST_CASE("Decision: multipath set", "[rib][decision]") {
    AttrStore store;
    RibConfig cfg = local_config();
    cfg.decision.max_paths = 2;
    Rib<Ipv4> rib(store, cfg);
    const auto p = pfx("203.0.113.0/24");
    const PeerId a = rib.add_peer(ebgp("10.0.0.1", 65001, 1));
    const PeerId b = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    const PeerId c = rib.add_peer(ebgp("10.0.0.3", 65001, 3));
    const PeerId d = rib.add_peer(ebgp("10.0.0.4", 65002, 4));
    AttrRef x = intern(store, attrs({65001, 65100}, "192.0.2.1"));
    AttrRef y = intern(store, attrs({65001, 65100}, "192.0.2.2"));
    AttrRef z = intern(store, attrs({65001, 65100}, "192.0.2.3"));
    AttrRef w = intern(store, attrs({65002, 65100}, "192.0.2.4"));
    rib.announce(c, p, 0, z.id());
    rib.announce(d, p, 0, w.id());
    rib.announce(a, p, 0, x.id());
    rib.announce(b, p, 0, y.id());

    auto mp = rib.multipath(p);
    REQUIRE(mp.size() == 2);  // capped at max_paths
    CHECK(mp[0].peer == a);
    CHECK(mp[1].peer == b);

    cfg.decision.max_paths = 8;
    rib.set_decision_options(cfg.decision);
    mp = rib.multipath(p);
    REQUIRE(mp.size() == 3);  // d is from another neighbouring AS
    CHECK(mp[2].peer == c);

    cfg.decision.multipath_relax = true;
    rib.set_decision_options(cfg.decision);
    CHECK(rib.multipath(p).size() == 4);

    // A longer path is never part of the set.
    AttrRef longer = intern(store, attrs({65001, 65100, 65100}, "192.0.2.1"));
    rib.announce(a, p, 0, longer.id());
    mp = rib.multipath(p);
    CHECK(mp.size() == 3);
    for (const auto& r : mp) CHECK(r.peer != a);
}

TEST_CASE("Decision: reason names and rules", "[rib][decision]") {
    CHECK(reason_name(BestPathReason::as_path_length) == "as-path-length");
    CHECK(reason_rule(BestPathReason::med).find("9.1.2.2 c") != std::string_view::npos);
    CHECK(reason_rule(BestPathReason::cluster_list_length).find("4456") != std::string_view::npos);
    for (int r = 0; r <= static_cast<int>(BestPathReason::path_id); ++r)
        CHECK(reason_name(static_cast<BestPathReason>(r)) != "unknown");
}
