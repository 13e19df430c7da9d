// Export rules (libbgp/src/rib/export.cpp): route reflection between clients
// and non-clients (RFC 4456 §6, §8), iBGP/eBGP attribute rules (RFC 4271
// §5.1), well-known communities (RFC 1997), confederations (RFC 5065 §5),
// ADD-PATH send selection (RFC 7911), all through a Rib acting as reflector.
#include <algorithm>

#include <catch2/catch_test_macros.hpp>

#include "bgp/rib/export.hpp"
#include "rib_test_support.hpp"

using namespace bgp;
using namespace bgp::rib;
using namespace bgp::rib::test;

namespace {

// A reflector (AS 65000, router id 10.0.0.1, cluster id 10.0.0.1) with two
// clients, two non-clients and two eBGP peers.
struct Reflector {
    AttrStore store;
    Rib<Ipv4> rib;
    PeerId c1, c2, n1, n2, e1, e2;

    Reflector() : rib(store, local_config()) {
        c1 = rib.add_peer(with_local(ibgp("10.0.1.1", 0x0A000101, true)));
        c2 = rib.add_peer(with_local(ibgp("10.0.1.2", 0x0A000102, true)));
        n1 = rib.add_peer(with_local(ibgp("10.0.2.1", 0x0A000201, false)));
        n2 = rib.add_peer(with_local(ibgp("10.0.2.2", 0x0A000202, false)));
        e1 = rib.add_peer(with_local(ebgp("10.0.3.1", 65001, 0x0A000301)));
        e2 = rib.add_peer(with_local(ebgp("10.0.3.2", 65002, 0x0A000302)));
    }
    static PeerInfo with_local(PeerInfo p) {
        p.local_address = ip("10.0.0.1");
        return p;
    }

    std::vector<Advertisement> to(PeerId peer, const wire::Prefix& p) {
        return advertisements(rib, p, peer);
    }
    ExportBlock block(PeerId to_peer, const wire::Prefix& p) {
        const auto best = rib.best(p);
        REQUIRE(best);
        return export_check(rib.config(), best->peer, rib.peer(best->peer), to_peer,
                            rib.peer(to_peer), store.get(best->attrs));
    }
};

wire::PathAttributes ibgp_attrs(std::initializer_list<std::uint32_t> path) {
    auto a = attrs(path, "198.18.1.1");
    a.local_pref = 150;
    a.med = 30;
    return a;
}

}  // namespace

TEST_CASE("Export: a client's route is reflected to clients and non-clients", "[rib][export]") {
    Reflector r;
    const auto p = pfx("192.168.135.64/26");
    AttrRef a = intern(r.store, ibgp_attrs({}));
    r.rib.announce(r.c1, p, 0, a.id());

    CHECK(r.block(r.c1, p) == ExportBlock::to_source);
    CHECK(r.to(r.c1, p).empty());
    for (PeerId to : {r.c2, r.n1, r.n2}) {
        const auto ads = r.to(to, p);
        REQUIRE(ads.size() == 1);
        const auto& out = ads[0].attrs;
        // RFC 4456 §8: ORIGINATOR_ID = the client's BGP Identifier, our
        // CLUSTER_ID in the CLUSTER_LIST; NEXT_HOP, LOCAL_PREF, MED, AS_PATH kept.
        CHECK(out.originator_id == ip("10.0.1.1"));
        CHECK(out.cluster_list == std::vector<std::uint32_t>{0x0A000001});
        CHECK(out.next_hop == ip("198.18.1.1"));
        CHECK(out.local_pref == 150u);
        CHECK(out.med == 30u);
        CHECK(out.as_path->segments.empty());
    }
    // eBGP: our AS prepended, next hop self, no LOCAL_PREF, MED, ORIGINATOR_ID, CLUSTER_LIST.
    const auto ads = r.to(r.e1, p);
    REQUIRE(ads.size() == 1);
    const auto& out = ads[0].attrs;
    CHECK(out.as_path == seq({65000}));
    CHECK(out.next_hop == ip("10.0.0.1"));
    CHECK_FALSE(out.local_pref);
    CHECK_FALSE(out.med);
    CHECK_FALSE(out.originator_id);
    CHECK_FALSE(out.cluster_list);
}

TEST_CASE("Export: a non-client's route goes to clients only", "[rib][export]") {
    Reflector r;
    const auto p = pfx("192.168.121.0/26");
    AttrRef a = intern(r.store, ibgp_attrs({}));
    r.rib.announce(r.n1, p, 0, a.id());
    CHECK(r.block(r.n1, p) == ExportBlock::to_source);
    CHECK(r.block(r.n2, p) == ExportBlock::ibgp_to_ibgp);
    CHECK(r.block(r.c1, p) == ExportBlock::none);
    CHECK(r.block(r.c2, p) == ExportBlock::none);
    CHECK(r.block(r.e1, p) == ExportBlock::none);
    CHECK(r.to(r.c1, p).at(0).attrs.originator_id == ip("10.0.2.1"));
}

TEST_CASE("Export: an eBGP route goes everywhere but back, LOCAL_PREF added inside",
          "[rib][export]") {
    Reflector r;
    const auto p = pfx("203.0.113.0/24");
    auto in = attrs({65001, 65100}, "10.0.3.1");
    in.med = 10;
    AttrRef a = intern(r.store, in);
    r.rib.announce(r.e1, p, 0, a.id());
    CHECK(r.block(r.e1, p) == ExportBlock::to_source);
    for (PeerId to : {r.c1, r.n1}) {
        const auto ads = r.to(to, p);
        REQUIRE(ads.size() == 1);
        CHECK(ads[0].attrs.local_pref == 100u);          // RFC 4271 §5.1.5, default
        CHECK(ads[0].attrs.next_hop == ip("10.0.3.1"));  // §5.1.3: unchanged
        CHECK(ads[0].attrs.med == 10u);
        CHECK_FALSE(ads[0].attrs.originator_id);  // not a reflection
        CHECK_FALSE(ads[0].attrs.cluster_list);
    }
    // To the other AS: MED not passed on (§5.1.4)...
    auto ads = r.to(r.e2, p);
    REQUIRE(ads.size() == 1);
    CHECK_FALSE(ads[0].attrs.med);
    CHECK(ads[0].attrs.as_path == seq({65000, 65001, 65100}));
    // ...unless the peer is configured to get it.
    auto info = r.rib.peer(r.e2);
    info.propagate_med = true;
    r.rib.set_peer(r.e2, info);
    ads = r.to(r.e2, p);
    REQUIRE(ads.size() == 1);
    CHECK(ads[0].attrs.med == 10u);
}

TEST_CASE("Export: ORIGINATOR_ID kept, CLUSTER_LIST grows, never back to the originator",
          "[rib][export]") {
    Reflector r;
    const auto p = pfx("198.51.100.0/24");
    auto in = ibgp_attrs({});
    in.originator_id = ip("10.0.1.2");  // c2 originated it, another reflector passed it on
    in.cluster_list = std::vector<std::uint32_t>{0x0A0000FF};
    AttrRef a = intern(r.store, in);
    r.rib.announce(r.c1, p, 0, a.id());
    CHECK(r.block(r.c2, p) == ExportBlock::to_originator);
    CHECK(r.to(r.c2, p).empty());
    const auto ads = r.to(r.n1, p);
    REQUIRE(ads.size() == 1);
    CHECK(ads[0].attrs.originator_id == ip("10.0.1.2"));
    CHECK(ads[0].attrs.cluster_list == std::vector<std::uint32_t>{0x0A000001, 0x0A0000FF});
}

TEST_CASE("Export: a route reflected back to us is dropped on receipt", "[rib][export]") {
    Reflector r;
    const auto p = pfx("198.51.100.0/24");
    AttrRef a = intern(r.store, ibgp_attrs({}));
    r.rib.announce(r.c1, p, 0, a.id());
    // What we send n1 comes back from n2 (a loop through another reflector).
    auto looped = r.to(r.n1, p).at(0).attrs;
    AttrRef back = intern(r.store, looped);
    r.rib.announce(r.n2, p, 0, back.id());
    const auto path = r.rib.adj_rib_in(r.n2, p);
    REQUIRE(path);
    CHECK(path->ineligible == Ineligible::cluster_loop);
    CHECK(r.rib.best(p)->peer == r.c1);
}

TEST_CASE("Export: well-known communities", "[rib][export]") {
    Reflector r;
    const RibConfig& cfg = r.rib.config();
    PeerInfo confed = ebgp("10.0.4.1", 64999, 0x0A000401);
    confed.confed_member = true;
    const PeerId cf = r.rib.add_peer(confed);
    auto check = [&](std::uint32_t community, bool ibgp_ok, bool confed_ok, bool ebgp_ok) {
        auto in = attrs({65001}, "10.0.3.1");
        in.communities = std::vector<std::uint32_t>{community};
        AttrRef a = intern(r.store, in);
        const AttrSet& s = *a;
        const PeerInfo& from = r.rib.peer(r.e1);
        CHECK((export_check(cfg, r.e1, from, r.c1, r.rib.peer(r.c1), s) == ExportBlock::none) ==
              ibgp_ok);
        CHECK((export_check(cfg, r.e1, from, cf, r.rib.peer(cf), s) == ExportBlock::none) ==
              confed_ok);
        CHECK((export_check(cfg, r.e1, from, r.e2, r.rib.peer(r.e2), s) == ExportBlock::none) ==
              ebgp_ok);
    };
    check(wire::community::no_advertise, false, false, false);
    check(wire::community::no_export, true, true, false);
    check(wire::community::no_export_subconfed, true, false, false);
    check(0xFDE80064, true, true, true);
}

TEST_CASE("Export: AS_PATH prepending", "[rib][export]") {
    AttrStore store;
    RibConfig cfg = local_config();
    const PeerInfo from = ebgp("10.0.3.1", 65001, 1);
    const PeerInfo to = ebgp("10.0.3.2", 65002, 2);
    auto in = attrs({});
    in.as_path->segments = {{wire::AsSegmentType::as_set, {65001, 65003}}};
    AttrRef a = intern(store, in);
    auto out = export_attributes(cfg, false, from, to, store, a.id());
    REQUIRE(out.as_path->segments.size() == 2);
    CHECK(out.as_path->segments[0] == wire::AsSegment{wire::AsSegmentType::as_sequence, {65000}});

    // Locally originated: an empty path becomes our AS; the MED stays (it is ours).
    auto mine = attrs({});
    mine.med = 5;
    AttrRef m = intern(store, mine);
    out = export_attributes(cfg, true, PeerInfo{}, to, store, m.id());
    CHECK(out.as_path == seq({65000}));
    CHECK(out.med == 5u);
}

TEST_CASE("Export: confederation member and external peers", "[rib][export]") {
    AttrStore store;
    RibConfig cfg = local_config();
    cfg.confed_id = 64000;
    PeerInfo member = ebgp("10.0.4.1", 64999, 1);
    member.confed_member = true;
    const PeerInfo outside = ebgp("10.0.3.2", 65002, 2);
    const PeerInfo from = ebgp("10.0.3.1", 65001, 3);
    auto in = attrs({65001});
    in.as_path->segments.insert(in.as_path->segments.begin(),
                                wire::AsSegment{wire::AsSegmentType::as_confed_sequence, {64998}});
    AttrRef a = intern(store, in);
    auto to_member = export_attributes(cfg, false, from, member, store, a.id());
    REQUIRE(to_member.as_path->segments.size() == 2);
    CHECK(to_member.as_path->segments[0] ==
          wire::AsSegment{wire::AsSegmentType::as_confed_sequence, {65000, 64998}});
    CHECK(to_member.local_pref == 100u);
    auto to_outside = export_attributes(cfg, false, from, outside, store, a.id());
    CHECK(to_outside.as_path == seq({64000, 65001}));
}

TEST_CASE("Export: ADD-PATH send all, best N, best only", "[rib][export][add_path]") {
    Reflector r;
    const auto p = pfx("192.168.0.0/26");
    // Three clients announce the same block (anycast), each with its own next hop.
    PeerId clients[3];
    for (std::uint32_t i = 0; i < 3; ++i) {
        auto info = Reflector::with_local(
            ibgp(("10.0.5." + std::to_string(i + 1)).c_str(), 0x0A000501 + i, true));
        clients[i] = r.rib.add_peer(info);
        auto in = attrs({}, ("198.18.5." + std::to_string(i + 1)).c_str());
        in.local_pref = 100 + i;  // the third is the best, then the second
        AttrRef a = intern(r.store, in);
        r.rib.announce(clients[i], p, 0, a.id());
    }
    auto set_mode = [&](PeerId peer, AddPathSend::Mode mode, std::uint16_t n) {
        auto info = r.rib.peer(peer);
        info.add_path_send = AddPathSend{mode, n};
        r.rib.set_peer(peer, info);
    };
    // best only: one path, no path id needed.
    auto ads = r.to(r.c1, p);
    REQUIRE(ads.size() == 1);
    CHECK(ads[0].route.peer == clients[2]);

    set_mode(r.c1, AddPathSend::Mode::all, 0);
    ads = r.to(r.c1, p);
    REQUIRE(ads.size() == 3);
    CHECK(ads[0].route.peer == clients[2]);
    CHECK(ads[1].route.peer == clients[1]);
    CHECK(ads[2].route.peer == clients[0]);
    std::vector<std::uint32_t> ids;
    for (const auto& a : ads) ids.push_back(a.route.tx_path_id);
    std::sort(ids.begin(), ids.end());
    CHECK(std::unique(ids.begin(), ids.end()) == ids.end());  // distinct path ids

    set_mode(r.c1, AddPathSend::Mode::best_n, 2);
    ads = r.to(r.c1, p);
    REQUIRE(ads.size() == 2);
    CHECK(ads[0].route.peer == clients[2]);
    CHECK(ads[1].route.peer == clients[1]);

    // A client never gets its own path back, so best-2 towards the best
    // path's owner skips it and takes the next two.
    set_mode(clients[2], AddPathSend::Mode::best_n, 2);
    ads = r.to(clients[2], p);
    REQUIRE(ads.size() == 2);
    CHECK(ads[0].route.peer == clients[1]);
    CHECK(ads[1].route.peer == clients[0]);
    // With best only it gets nothing: its own path is the best (no fallback).
    set_mode(clients[2], AddPathSend::Mode::best_only, 1);
    CHECK(r.to(clients[2], p).empty());
}

TEST_CASE("Export: select_for_peer skips ineligible paths", "[rib][export][add_path]") {
    std::vector<Route> ranked(3);
    ranked[0].best = true;
    ranked[0].attrs = 1;
    ranked[1].attrs = 2;
    ranked[2].attrs = no_attrs;
    ranked[2].ineligible = Ineligible::rejected_by_policy;
    auto all = select_for_peer(ranked, AddPathSend{AddPathSend::Mode::all, 0},
                               [](const Route&) { return true; });
    CHECK(all.size() == 2);
    auto none = select_for_peer(ranked, AddPathSend{}, [](const Route& r) { return r.attrs != 1; });
    CHECK(none.empty());
    CHECK(export_block_name(ExportBlock::to_originator) == "to-originator");
}

TEST_CASE("Export: a per-peer export policy edits or rejects", "[rib][export]") {
    Reflector r;
    const auto p = pfx("192.168.0.0/26");
    PeerId clients[2];
    for (std::uint32_t i = 0; i < 2; ++i) {
        clients[i] = r.rib.add_peer(Reflector::with_local(
            ibgp(("10.0.5." + std::to_string(i + 1)).c_str(), 0x0A000501 + i, true)));
        auto in = attrs({}, ("198.18.5." + std::to_string(i + 1)).c_str());
        in.local_pref = 100 + i;  // clients[1] best
        AttrRef a = intern(r.store, in);
        r.rib.announce(clients[i], p, 0, a.id());
    }
    // Policy towards e1: add a community.
    auto tag = [](const Route&, wire::PathAttributes& a) {
        a.communities = std::vector<std::uint32_t>{0xFDE80063};
        return true;
    };
    auto ads = advertisements(r.rib, p, r.e1, tag);
    REQUIRE(ads.size() == 1);
    CHECK(ads[0].attrs.communities == std::vector<std::uint32_t>{0xFDE80063});
    // A policy rejecting the best path: best only sends nothing...
    auto no_best = [&](const Route& route, wire::PathAttributes&) {
        return route.peer != clients[1];
    };
    CHECK(advertisements(r.rib, p, r.e1, no_best).empty());
    // ...ADD-PATH all sends the others.
    auto info = r.rib.peer(r.c1);
    info.add_path_send = AddPathSend{AddPathSend::Mode::all, 0};
    r.rib.set_peer(r.c1, info);
    ads = advertisements(r.rib, p, r.c1, no_best);
    REQUIRE(ads.size() == 1);
    CHECK(ads[0].route.peer == clients[0]);
}

TEST_CASE("Export: LLGR_STALE paths only to LLGR peers (RFC 9494 §4.5)", "[rib][export]") {
    Reflector r;
    auto in = attrs({65001}, "10.0.3.1");
    in.communities = std::vector<std::uint32_t>{wire::community::llgr_stale};
    AttrRef a = intern(r.store, in);
    const RibConfig& cfg = r.rib.config();
    PeerInfo to = r.rib.peer(r.c1);
    CHECK(export_check(cfg, r.e1, r.rib.peer(r.e1), r.c1, to, *a) == ExportBlock::llgr_stale);
    to.llgr_capable = true;
    CHECK(export_check(cfg, r.e1, r.rib.peer(r.e1), r.c1, to, *a) == ExportBlock::none);
}
