// Rib<F> (libbgp/src/rib/rib.cpp): Adj-RIB-In before and after policy,
// Loc-RIB best paths and change reporting, loops, graceful-restart stale
// paths, peer removal, policy re-application, IPv6, ADD-PATH receive,
// reference counting of the attribute sets.
#include <catch2/catch_test_macros.hpp>

#include "rib_test_support.hpp"

using namespace bgp;
using namespace bgp::rib;
using namespace bgp::rib::test;

TEST_CASE("Rib: announce, replace, withdraw", "[rib][loc_rib]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    const auto p = pfx("203.0.113.0/24");
    AttrRef x = intern(store, attrs({65001}));
    AttrRef y = intern(store, attrs({65001, 65002}));

    auto c = rib.announce(a, p, 0, x.id());
    CHECK(c.paths_changed);
    CHECK(c.best_changed);
    REQUIRE(rib.best(p));
    CHECK(rib.best(p)->attrs == x.id());
    CHECK(rib.best(p)->reason == BestPathReason::only_path);
    CHECK(rib.prefix_count() == 1);
    CHECK(rib.path_count() == 1);
    CHECK(rib.peer_path_count(a) == 1);

    // The same again: nothing changes.
    c = rib.announce(a, p, 0, x.id());
    CHECK_FALSE(c.paths_changed);
    CHECK_FALSE(c.best_changed);

    // Implicit withdraw (RFC 4271 §3.1): the new path replaces the old one.
    c = rib.announce(a, p, 0, y.id());
    CHECK(c.best_changed);
    CHECK(rib.best(p)->attrs == y.id());
    CHECK(rib.path_count() == 1);
    CHECK(x->refs == 1);  // only ours
    CHECK(y->refs == 3);  // ours + pre + post

    c = rib.withdraw(a, p);
    CHECK(c.best_changed);
    CHECK_FALSE(rib.best(p));
    CHECK(rib.prefix_count() == 0);
    CHECK(y->refs == 1);
    // Withdrawing what is not there is no change.
    CHECK_FALSE(rib.withdraw(a, p).paths_changed);
}

TEST_CASE("Rib: a second path that loses does not change the best", "[rib][loc_rib]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    const PeerId b = rib.add_peer(ebgp("10.0.0.3", 65002, 3));
    const auto p = pfx("203.0.113.0/24");
    AttrRef s = intern(store, attrs({65001}));
    AttrRef l = intern(store, attrs({65002, 65003}));
    rib.announce(a, p, 0, s.id());
    auto c = rib.announce(b, p, 0, l.id());
    CHECK(c.paths_changed);
    CHECK_FALSE(c.best_changed);
    auto best = rib.best(p);
    REQUIRE(best);
    CHECK(best->peer == a);
    CHECK(best->reason == BestPathReason::as_path_length);
    // The loser takes over when the winner goes.
    c = rib.withdraw(a, p);
    CHECK(c.best_changed);
    CHECK(rib.best(p)->peer == b);
    CHECK(rib.best(p)->reason == BestPathReason::only_path);
}

TEST_CASE("Rib: Adj-RIB-In keeps pre- and post-policy attributes", "[rib][adj_rib_in]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    const auto p = pfx("203.0.113.0/24");
    const auto q = pfx("203.0.114.0/24");
    AttrRef in = intern(store, attrs({65001}));
    auto modified = attrs({65001});
    modified.local_pref = 300;
    AttrRef out = intern(store, modified);

    rib.announce(a, p, 0, in.id(), out.id());
    rib.announce(a, q, 0, in.id(), no_attrs);  // rejected by import policy
    auto r = rib.adj_rib_in(a, p);
    REQUIRE(r);
    CHECK(r->attrs_in == in.id());
    CHECK(r->attrs == out.id());
    CHECK(r->best);
    CHECK(rib.best(p)->attrs == out.id());

    auto rq = rib.adj_rib_in(a, q);
    REQUIRE(rq);
    CHECK(rq->attrs == no_attrs);
    CHECK(rq->ineligible == Ineligible::rejected_by_policy);
    CHECK_FALSE(rq->best);
    CHECK_FALSE(rib.best(q));
    CHECK(rib.prefix_count() == 2);  // kept in the Adj-RIB-In

    std::size_t n = 0;
    rib.for_each_adj_in(a, [&](const Route&) { ++n; });
    CHECK(n == 2);
    std::size_t bests = 0;
    rib.for_each_best([&](const Route& b) {
        ++bests;
        CHECK(b.prefix == p);
    });
    CHECK(bests == 1);
}

TEST_CASE("Rib: policy re-application from the Adj-RIB-In", "[rib][adj_rib_in]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    AttrRef in = intern(store, attrs({65001}));
    for (int i = 0; i < 10; ++i) {
        const auto p = wire::Prefix(
            wire::IpAddress::v4(0xCB007100u + static_cast<std::uint32_t>(i) * 256u), 24);
        rib.announce(a, p, 0, in.id(), no_attrs);  // first policy: reject everything
    }
    CHECK(rib.prefix_count() == 10);
    std::size_t bests = 0;
    rib.for_each_best([&](const Route&) { ++bests; });
    CHECK(bests == 0);

    auto sub = rib.subscribe();
    // New policy: accept, LOCAL_PREF 150 on even third octets.
    const std::size_t changed = rib.reimport(a, [&](const wire::Prefix& p, AttrId pre) {
        auto m = store.materialize(pre);
        if ((p.address().v4_value() >> 8) % 2 == 0) m.local_pref = 150;
        return intern(store, m);
    });
    CHECK(changed == 10);
    bests = 0;
    std::size_t lp150 = 0;
    rib.for_each_best([&](const Route& r) {
        ++bests;
        if (store.get(r.attrs).local_pref == 150) ++lp150;
        CHECK(r.attrs_in == in.id());
    });
    CHECK(bests == 10);
    CHECK(lp150 == 5);
    CHECK(rib.pending(sub) == 10);
    // Re-applying the same policy changes nothing.
    CHECK(rib.reimport(a, [&](const wire::Prefix& p, AttrId pre) {
        auto m = store.materialize(pre);
        if ((p.address().v4_value() >> 8) % 2 == 0) m.local_pref = 150;
        return intern(store, m);
    }) == 0);
}

TEST_CASE("Rib: loops are kept but never chosen", "[rib][import]") {
    AttrStore store;
    RibConfig cfg = local_config();
    cfg.cluster_id = 0x0A0000FE;
    Rib<Ipv4> rib(store, cfg);
    const PeerId e = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    PeerInfo tolerant = ebgp("10.0.0.3", 65001, 3);
    tolerant.allow_own_as = 1;
    const PeerId t = rib.add_peer(tolerant);
    const PeerId i = rib.add_peer(ibgp("10.0.0.4", 4, true));
    const auto p = pfx("203.0.113.0/24");

    AttrRef as_loop = intern(store, attrs({65001, 65000, 65100}));
    rib.announce(e, p, 0, as_loop.id());
    CHECK_FALSE(rib.best(p));
    CHECK(rib.adj_rib_in(e, p)->ineligible == Ineligible::as_loop);
    // allow-own-as 1 tolerates one occurrence...
    rib.announce(t, p, 0, as_loop.id());
    CHECK(rib.best(p)->peer == t);
    // ...but not two.
    AttrRef twice = intern(store, attrs({65001, 65000, 65000}));
    rib.announce(t, p, 0, twice.id());
    CHECK_FALSE(rib.best(p));

    auto cl = attrs({65100});
    cl.cluster_list = std::vector<std::uint32_t>{0x01010101, 0x0A0000FE};
    AttrRef cluster_loop = intern(store, cl);
    rib.announce(i, p, 0, cluster_loop.id());
    CHECK(rib.adj_rib_in(i, p)->ineligible == Ineligible::cluster_loop);
    CHECK_FALSE(rib.best(p));

    auto orig = attrs({65100});
    orig.originator_id = wire::IpAddress::v4(cfg.router_id);
    AttrRef own = intern(store, orig);
    rib.announce(i, p, 0, own.id());
    CHECK(rib.adj_rib_in(i, p)->ineligible == Ineligible::originator_loop);
    CHECK_FALSE(rib.best(p));
}

TEST_CASE("Rib: graceful restart - stale paths lose to fresh and are swept", "[rib][gr]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));  // lower router id: preferred
    const PeerId b = rib.add_peer(ebgp("10.0.0.3", 65001, 3));
    const auto p = pfx("203.0.113.0/24");
    const auto q = pfx("203.0.114.0/24");
    const auto r = pfx("203.0.115.0/24");
    AttrRef x = intern(store, attrs({65001}));
    rib.announce(a, p, 0, x.id());
    rib.announce(a, q, 0, x.id());
    rib.announce(a, r, 0, x.id());
    rib.announce(b, p, 0, x.id());
    CHECK(rib.best(p)->peer == a);
    CHECK(rib.best(p)->reason == BestPathReason::router_id);

    // Peer a restarts: its paths are kept, stale.
    CHECK(rib.mark_stale(a) == 3);
    CHECK(rib.mark_stale(a) == 0);
    CHECK(rib.peer_stale_count(a) == 3);
    CHECK(rib.best(p)->peer == b);
    CHECK(rib.best(p)->reason == BestPathReason::fresh_over_stale);
    CHECK(rib.best(q)->peer == a);  // stale but the only path: still used
    CHECK(rib.best(q)->stale);

    // After the restart a re-sends q only, then End-of-RIB.
    rib.announce(a, q, 0, x.id());
    CHECK_FALSE(rib.best(q)->stale);
    CHECK(rib.peer_stale_count(a) == 2);
    CHECK(rib.sweep_stale(a) == 2);
    CHECK(rib.peer_stale_count(a) == 0);
    CHECK(rib.peer_path_count(a) == 1);
    CHECK(rib.best(p)->peer == b);
    CHECK(rib.best(q)->peer == a);
    CHECK_FALSE(rib.best(r));
    CHECK(rib.prefix_count() == 2);
}

TEST_CASE("Rib: removing a peer withdraws all its paths", "[rib][loc_rib]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    const PeerId b = rib.add_peer(ebgp("10.0.0.3", 65002, 3));
    AttrRef x = intern(store, attrs({65001}));
    AttrRef y = intern(store, attrs({65002, 65003}));
    for (std::uint32_t i = 0; i < 100; ++i) {
        const wire::Prefix p(wire::IpAddress::v4(0x0A000000u + (i << 8)), 24);
        rib.announce(a, p, 0, x.id());
        if (i % 2 == 0) rib.announce(b, p, 0, y.id());
    }
    CHECK(rib.path_count() == 150);
    CHECK(rib.remove_peer(a) == 100);
    CHECK(rib.path_count() == 50);
    CHECK(rib.prefix_count() == 50);
    CHECK(x->refs == 1);
    CHECK_FALSE(rib.has_peer(a));
    CHECK_THROWS_AS(rib.peer_path_count(a), std::out_of_range);
    // The id is reused.
    CHECK(rib.add_peer(ebgp("10.0.0.9", 65009, 9)) == a);
    std::size_t n = 0;
    rib.for_each_best([&](const Route& r) {
        ++n;
        CHECK(r.peer == b);
    });
    CHECK(n == 50);
}

TEST_CASE("Rib: a peer's new router id re-runs the decision", "[rib][loc_rib]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 5));
    const PeerId b = rib.add_peer(ebgp("10.0.0.3", 65001, 6));
    const auto p = pfx("203.0.113.0/24");
    AttrRef x = intern(store, attrs({65001}));
    rib.announce(a, p, 0, x.id());
    rib.announce(b, p, 0, x.id());
    CHECK(rib.best(p)->peer == a);
    rib.set_peer(b, ebgp("10.0.0.3", 65001, 1));
    CHECK(rib.best(p)->peer == b);
    CHECK(rib.best(p)->reason == BestPathReason::router_id);
}

TEST_CASE("Rib: ADD-PATH receive keeps each path id apart", "[rib][add_path]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ibgp("10.0.0.2", 2));
    const auto p = pfx("203.0.113.0/24");
    AttrRef x = intern(store, attrs({65001, 65002}, "192.0.2.1"));
    AttrRef y = intern(store, attrs({65001}, "192.0.2.2"));
    rib.announce(a, p, 7, x.id());
    rib.announce(a, p, 9, y.id());
    CHECK(rib.path_count() == 2);
    CHECK(rib.best(p)->path_id == 9);
    const auto all = rib.paths(p);
    REQUIRE(all.size() == 2);
    CHECK(all[0].tx_path_id != all[1].tx_path_id);
    const auto tx9 = all[0].tx_path_id;
    rib.withdraw(a, p, 7);
    CHECK(rib.path_count() == 1);
    CHECK(rib.best(p)->tx_path_id == tx9);  // stable while the path lives
    CHECK_FALSE(rib.withdraw(a, p, 7).paths_changed);
}

TEST_CASE("Rib: many paths for one prefix grow and shrink the path array", "[rib][loc_rib]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const auto p = pfx("203.0.113.0/24");
    std::vector<PeerId> peers;
    std::vector<AttrRef> refs;
    for (std::uint32_t i = 0; i < 100; ++i) {
        const auto addr = wire::IpAddress::v4(0x0A000100u + i);
        PeerInfo info;
        info.address = addr;
        info.asn = 65001;
        info.router_id = 1000 - i;  // the last one added has the lowest router id
        peers.push_back(rib.add_peer(info));
        refs.push_back(intern(store, attrs({65001}, "192.0.2.1")));
        rib.announce(peers.back(), p, 0, refs.back().id());
    }
    CHECK(rib.path_count() == 100);
    CHECK(rib.best(p)->peer == peers.back());
    CHECK(rib.memory().path_bytes == 128 * 16);
    for (std::size_t i = 99; i >= 1; --i) {
        rib.withdraw(peers[i], p);
        REQUIRE(rib.best(p));
        CHECK(rib.best(p)->peer == peers[i - 1]);
    }
    CHECK(rib.path_count() == 1);
    CHECK(rib.memory().path_bytes == 0);
    CHECK(refs[0]->refs == 100 + 2);  // our 100 AttrRefs (one shared set) + in/out of the path left
}

TEST_CASE("Rib: IPv6 unicast through the same template", "[rib][loc_rib]") {
    AttrStore store;
    Rib<Ipv6> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("2001:db8::2", 65001, 2));
    const PeerId b = rib.add_peer(ebgp("2001:db8::3", 65001, 3));
    wire::PathAttributes v6;
    v6.origin = wire::Origin::igp;
    v6.as_path = seq({65001});
    wire::MpReach mp;
    mp.family = wire::ipv6_unicast;
    mp.next_hops = {ip("2001:db8::2")};
    v6.mp_reach = mp;
    AttrRef x = intern(store, v6);
    const auto p = pfx("2001:db8:100::/48");
    rib.announce(b, p, 0, x.id());
    rib.announce(a, p, 0, x.id());
    REQUIRE(rib.best(p));
    CHECK(rib.best(p)->peer == a);
    CHECK(rib.best(p)->prefix == p);
    CHECK(rib.best(p)->reason == BestPathReason::router_id);
    CHECK_THROWS_AS(rib.announce(a, pfx("10.0.0.0/8"), 0, x.id()), std::invalid_argument);
    CHECK_FALSE(rib.best(pfx("10.0.0.0/8")));
    CHECK(rib.best(pfx("2001:db8:100::/56")) == std::nullopt);  // exact match only
}

TEST_CASE("Rib: locally originated routes", "[rib][loc_rib]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    const auto p = pfx("192.168.135.64/26");
    wire::PathAttributes mine;
    mine.origin = wire::Origin::igp;
    mine.as_path = wire::AsPath{};
    mine.next_hop = ip("172.16.6.249");
    AttrRef m = intern(store, mine);
    AttrRef x = intern(store, attrs({65001}));
    rib.announce(a, p, 0, x.id());
    rib.announce(local_peer, p, 0, m.id());
    CHECK(rib.best(p)->peer == local_peer);
    CHECK(rib.best(p)->reason == BestPathReason::local_origin);
    CHECK_THROWS_AS(rib.remove_peer(local_peer), std::invalid_argument);
}

TEST_CASE("Rib: configuration errors throw at the boundary", "[rib][loc_rib]") {
    AttrStore store;
    RibConfig bad;
    CHECK_THROWS_AS(Rib<Ipv4>(store, bad), std::invalid_argument);
    Rib<Ipv4> rib(store, local_config());
    CHECK_THROWS_AS(rib.peer(42), std::out_of_range);
}

TEST_CASE("Rib: destruction releases every attribute reference", "[rib][loc_rib]") {
    AttrStore store;
    {
        Rib<Ipv4> rib(store, local_config());
        const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
        const PeerId b = rib.add_peer(ebgp("10.0.0.3", 65001, 3));
        for (std::uint32_t i = 0; i < 50; ++i) {
            const wire::Prefix p(wire::IpAddress::v4(0x0A000000u + (i << 8)), 24);
            AttrRef x = intern(store, attrs({65001, i}));
            rib.announce(a, p, 0, x.id());
            rib.announce(b, p, 0, x.id());
        }
        CHECK(store.size() == 50);
    }
    CHECK(store.size() == 0);
}

TEST_CASE("Rib: long-lived graceful restart (RFC 9494)", "[rib][gr]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    const PeerId b = rib.add_peer(ebgp("10.0.0.3", 65002, 3));
    const auto p = pfx("203.0.113.0/24");
    const auto q = pfx("203.0.114.0/24");
    const auto r = pfx("203.0.115.0/24");
    AttrRef x = intern(store, attrs({65001}));
    auto keep_out = attrs({65001});
    keep_out.communities = std::vector<std::uint32_t>{wire::community::no_llgr};
    AttrRef nl = intern(store, keep_out);
    AttrRef longer = intern(store, attrs({65002, 65003, 65004}));
    rib.announce(a, p, 0, x.id());
    rib.announce(a, q, 0, x.id());
    rib.announce(a, r, 0, nl.id());
    rib.announce(b, p, 0, longer.id());
    CHECK(rib.best(p)->peer == a);

    rib.mark_stale(a);
    CHECK(rib.mark_llgr_stale(a) == 2);
    CHECK_FALSE(rib.best(r));  // NO_LLGR: removed
    CHECK(rib.peer_path_count(a) == 2);
    CHECK(rib.peer_stale_count(a) == 2);
    const auto bq = rib.best(q);
    REQUIRE(bq);
    CHECK(bq->stale);
    CHECK(store.get(bq->attrs).has(attr_bit::llgr_stale));
    CHECK(store.get(bq->attrs_in).has(attr_bit::llgr_stale));
    CHECK(rib.best(p)->peer == b);
    CHECK(rib.best(p)->reason == BestPathReason::fresh_over_stale);
    // Doing it twice changes nothing.
    CHECK(rib.mark_llgr_stale(a) == 2);
    // Re-sent after the restart: fresh again, without the community.
    rib.announce(a, q, 0, x.id());
    CHECK_FALSE(rib.best(q)->stale);
    CHECK(rib.best(q)->attrs == x.id());
    CHECK(rib.sweep_stale(a) == 1);
    CHECK(rib.peer_stale_count(a) == 0);
}
