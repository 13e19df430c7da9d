// Interned attribute sets (libbgp/src/rib/attr_store.cpp): sharing, reference
// counting, canonical form, parts shared between sets, materialize round trip.
#include <catch2/catch_test_macros.hpp>

#include "bgp/rib/attr_store.hpp"
#include "rib_test_support.hpp"

using namespace bgp;
using namespace bgp::rib;
using namespace bgp::rib::test;

TEST_CASE("AttrStore: equal attributes share one set", "[rib][attr_store]") {
    AttrStore s;
    const AttrId a = s.intern(attrs({65001, 65002}));
    const AttrId b = s.intern(attrs({65001, 65002}));
    const AttrId c = s.intern(attrs({65001, 65003}));
    CHECK(a == b);
    CHECK(a != c);
    CHECK(s.size() == 2);
    CHECK(s.get(a).refs == 2);
    s.unref(a);
    CHECK(s.size() == 2);
    s.unref(b);
    CHECK(s.size() == 1);
    s.unref(c);
    CHECK(s.size() == 0);
    CHECK(s.stats().as_paths == 0);
}

TEST_CASE("AttrStore: decision fields are extracted", "[rib][attr_store]") {
    AttrStore s;
    auto a = attrs({65001, 65002, 65003});
    a.origin = wire::Origin::egp;
    a.med = 50;
    a.local_pref = 200;
    a.originator_id = ip("10.9.9.9");
    a.cluster_list = std::vector<std::uint32_t>{1, 2};
    a.communities = std::vector<std::uint32_t>{0xFDE80001, wire::community::no_export};
    AttrRef r = intern(s, a);
    const AttrSet& set = *r;
    CHECK(set.as_path_length == 3);
    CHECK(set.neighbor_as == 65001);
    CHECK(set.origin == wire::Origin::egp);
    CHECK(set.has(attr_bit::has_med));
    CHECK(set.med == 50);
    CHECK(set.local_pref == 200);
    CHECK(set.originator_id == 0x0A090909);
    CHECK(set.cluster_list_length == 2);
    CHECK(set.has(attr_bit::no_export));
    CHECK_FALSE(set.has(attr_bit::no_advertise));
    CHECK(s.next_hop(set) == ip("192.0.2.1"));
}

TEST_CASE("AttrStore: neighbour AS skips confederation segments", "[rib][attr_store]") {
    AttrStore s;
    auto a = attrs({});
    a.as_path->segments = {{wire::AsSegmentType::as_confed_sequence, {64512, 64513}},
                           {wire::AsSegmentType::as_sequence, {65010, 65011}}};
    AttrRef r = intern(s, a);
    CHECK(r->neighbor_as == 65010);
    CHECK(r->as_path_length == 2);  // RFC 5065 §5.3: confederation segments count 0
}

TEST_CASE("AttrStore: materialize gives the attributes back", "[rib][attr_store]") {
    AttrStore s;
    auto a = attrs({65001, 65002});
    a.med = 7;
    a.local_pref = 120;
    a.atomic_aggregate = true;
    a.aggregator = wire::Aggregator{65001, ip("10.1.1.1")};
    a.communities = std::vector<std::uint32_t>{1, 2, 3};
    a.large_communities = std::vector<wire::LargeCommunity>{{65001, 1, 2}};
    wire::ExtCommunity rt;
    rt.bytes = {0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 100};
    a.ext_communities = std::vector<wire::ExtCommunity>{rt};
    a.originator_id = ip("10.2.2.2");
    a.cluster_list = std::vector<std::uint32_t>{7};
    a.otc = 65001;
    a.unknown.push_back(wire::RawAttribute{0xc0, 99, {1, 2, 3}});
    AttrRef r = intern(s, a);
    CHECK(s.materialize(r.id()) == a);
}

TEST_CASE("AttrStore: wire layout is not part of the identity", "[rib][attr_store]") {
    AttrStore s;
    auto a = attrs({65001});
    auto b = a;
    b.layout = {{2, 0x40}, {1, 0x40}, {3, 0x40}};
    AttrRef ra = intern(s, a);
    AttrRef rb = intern(s, b);
    CHECK(ra.id() == rb.id());
}

TEST_CASE("AttrStore: MP_REACH keeps next hops only", "[rib][attr_store]") {
    AttrStore s;
    wire::PathAttributes a;
    a.origin = wire::Origin::igp;
    a.as_path = seq({65001});
    wire::MpReach mp;
    mp.family = wire::ipv6_unicast;
    mp.next_hops = {ip("2001:db8::1"), ip("fe80::1")};
    mp.nlri = {wire::Nlri{pfx("2001:db8:1::/48"), std::nullopt}};
    a.mp_reach = mp;
    auto b = a;
    b.mp_reach->nlri = {wire::Nlri{pfx("2001:db8:2::/48"), std::nullopt}};
    AttrRef ra = intern(s, a);
    AttrRef rb = intern(s, b);
    CHECK(ra.id() == rb.id());
    CHECK(s.next_hop(*ra) == ip("2001:db8::1"));
    CHECK(ra->has(attr_bit::has_mp_next_hop));
    const auto m = s.materialize(ra.id());
    REQUIRE(m.mp_reach);
    CHECK(m.mp_reach->next_hops.size() == 2);
    CHECK(m.mp_reach->nlri.empty());
}

TEST_CASE("AttrStore: sets differing in communities share the AS path", "[rib][attr_store]") {
    AttrStore s;
    std::vector<AttrRef> refs;
    for (std::uint32_t c = 0; c < 10; ++c) {
        auto a = attrs({65001, 65002, 65003});
        a.communities = std::vector<std::uint32_t>{c};
        refs.push_back(intern(s, a));
    }
    CHECK(s.size() == 10);
    CHECK(s.stats().as_paths == 1);
    CHECK(s.stats().community_lists == 10);
    refs.clear();
    CHECK(s.size() == 0);
    CHECK(s.stats().as_paths == 0);
    CHECK(s.stats().community_lists == 0);
}

TEST_CASE("AttrStore: ids are reused and stay consistent after churn", "[rib][attr_store]") {
    AttrStore s;
    std::vector<AttrId> ids;
    for (std::uint32_t i = 0; i < 1000; ++i) ids.push_back(s.intern(attrs({65001, i})));
    for (std::uint32_t i = 0; i < 1000; i += 2) s.unref(ids[i]);
    CHECK(s.size() == 500);
    // The survivors are still found under their values (the hash index survived the
    // backward-shift deletions).
    for (std::uint32_t i = 1; i < 1000; i += 2) {
        const AttrId again = s.intern(attrs({65001, i}));
        CHECK(again == ids[i]);
        s.unref(again);
    }
    for (std::uint32_t i = 0; i < 1000; i += 2) ids[i] = s.intern(attrs({65002, i}));
    CHECK(s.size() == 1000);
    for (std::uint32_t i = 0; i < 1000; ++i) s.unref(ids[i]);
    CHECK(s.size() == 0);
}

TEST_CASE("AttrRef: copies and moves keep the count right", "[rib][attr_store]") {
    AttrStore s;
    AttrRef a = intern(s, attrs({65001}));
    {
        AttrRef b = a;
        CHECK(a->refs == 2);
        AttrRef c = std::move(b);
        CHECK(a->refs == 2);
        CHECK_FALSE(b);
    }
    CHECK(a->refs == 1);
    a = AttrRef{};
    CHECK(s.size() == 0);
}
