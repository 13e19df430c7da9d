// UPDATE -> Rib (libbgp/src/rib/apply_update.cpp): classic and MP NLRI,
// withdrawals, treat-as-withdraw, ADD-PATH ids, eBGP LOCAL_PREF ignored,
// import policy, End-of-RIB sweeping stale paths.
#include <catch2/catch_test_macros.hpp>

#include "bgp/rib/apply_update.hpp"
#include "rib_test_support.hpp"

using namespace bgp;
using namespace bgp::rib;
using namespace bgp::rib::test;

namespace {
wire::Nlri nlri(const char* p, std::optional<std::uint32_t> id = std::nullopt) {
    return wire::Nlri{pfx(p), id};
}
}  // namespace

TEST_CASE("apply_update: IPv4 announce and withdraw", "[rib][apply_update]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId e = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    wire::Update u;
    u.attributes = attrs({65001});
    u.attributes.local_pref = 500;  // from eBGP: ignored (RFC 4271 §5.1.5)
    u.attributes.cluster_list = std::vector<std::uint32_t>{9};
    u.nlri = {nlri("203.0.113.0/24"), nlri("203.0.114.0/24")};
    auto r = apply_update(rib, e, u);
    CHECK(r.announced == 2);
    CHECK(r.best_changes == 2);
    CHECK(r.rejected == 0);
    const auto best = rib.best(pfx("203.0.113.0/24"));
    REQUIRE(best);
    CHECK_FALSE(store.get(best->attrs).has(attr_bit::has_local_pref));
    CHECK_FALSE(store.get(best->attrs).has(attr_bit::has_cluster_list));
    CHECK(best->attrs == rib.best(pfx("203.0.114.0/24"))->attrs);  // one shared set

    wire::Update w;
    w.withdrawn = {nlri("203.0.113.0/24"), nlri("198.51.100.0/24")};
    r = apply_update(rib, e, w);
    CHECK(r.withdrawn == 1);
    CHECK(rib.prefix_count() == 1);
}

TEST_CASE("apply_update: LOCAL_PREF from iBGP is kept", "[rib][apply_update]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId i = rib.add_peer(ibgp("10.0.0.2", 2));
    wire::Update u;
    u.attributes = attrs({65001});
    u.attributes.local_pref = 500;
    u.nlri = {nlri("203.0.113.0/24")};
    apply_update(rib, i, u);
    CHECK(store.get(rib.best(pfx("203.0.113.0/24"))->attrs).local_pref == 500);
}

TEST_CASE("apply_update: IPv6 in MP_REACH / MP_UNREACH, other family ignored",
          "[rib][apply_update]") {
    AttrStore store;
    Rib<Ipv6> rib6(store, local_config());
    Rib<Ipv4> rib4(store, local_config());
    const PeerId a6 = rib6.add_peer(ebgp("2001:db8::2", 65001, 2));
    const PeerId a4 = rib4.add_peer(ebgp("2001:db8::2", 65001, 2));
    wire::Update u;
    u.attributes.origin = wire::Origin::igp;
    u.attributes.as_path = seq({65001});
    wire::MpReach mp;
    mp.family = wire::ipv6_unicast;
    mp.next_hops = {ip("2001:db8::2")};
    mp.nlri = {nlri("2001:db8:1::/48"), nlri("2001:db8:2::/48")};
    u.attributes.mp_reach = mp;
    CHECK(apply_update(rib6, a6, u).announced == 2);
    CHECK(apply_update(rib4, a4, u).announced == 0);
    CHECK(store.next_hop(store.get(rib6.best(pfx("2001:db8:1::/48"))->attrs)) == ip("2001:db8::2"));

    wire::Update w;
    wire::MpUnreach un;
    un.family = wire::ipv6_unicast;
    un.nlri = {nlri("2001:db8:1::/48")};
    w.attributes.mp_unreach = un;
    CHECK(apply_update(rib6, a6, w).withdrawn == 1);
    CHECK(rib6.prefix_count() == 1);
}

TEST_CASE("apply_update: treat-as-withdraw removes the NLRI", "[rib][apply_update]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId e = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    wire::Update u;
    u.attributes = attrs({65001});
    u.nlri = {nlri("203.0.113.0/24")};
    apply_update(rib, e, u);
    u.treat_as_withdraw = true;  // RFC 7606: a broken attribute
    const auto r = apply_update(rib, e, u);
    CHECK(r.withdrawn == 1);
    CHECK(r.announced == 0);
    CHECK(rib.prefix_count() == 0);
}

TEST_CASE("apply_update: ADD-PATH ids and import policy", "[rib][apply_update]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId i = rib.add_peer(ibgp("10.0.0.2", 2, true));
    wire::Update u;
    u.attributes = attrs({65001});
    u.nlri = {nlri("203.0.113.0/24", 1), nlri("203.0.113.0/24", 2), nlri("10.0.0.0/8", 1)};
    // Policy: reject 10/8, LOCAL_PREF 200 on the rest.
    const auto r = apply_update(rib, i, u, [&](const wire::Prefix& p, AttrId in) {
        if (p == pfx("10.0.0.0/8")) return AttrRef{};
        auto m = store.materialize(in);
        m.local_pref = 200;
        return intern(store, m);
    });
    CHECK(r.announced == 3);
    CHECK(r.rejected == 1);
    CHECK(rib.path_count() == 3);
    CHECK(rib.paths(pfx("203.0.113.0/24")).size() == 2);
    const auto rejected = rib.adj_rib_in(i, pfx("10.0.0.0/8"), 1);
    REQUIRE(rejected);
    CHECK(rejected->ineligible == Ineligible::rejected_by_policy);
    CHECK(store.get(rib.best(pfx("203.0.113.0/24"))->attrs).local_pref == 200);
    CHECK(rib.best(pfx("203.0.113.0/24"))->attrs_in != rib.best(pfx("203.0.113.0/24"))->attrs);
}

TEST_CASE("apply_update: End-of-RIB sweeps the stale paths", "[rib][apply_update][gr]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId e = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    wire::Update u;
    u.attributes = attrs({65001});
    u.nlri = {nlri("203.0.113.0/24"), nlri("203.0.114.0/24")};
    apply_update(rib, e, u);
    rib.mark_stale(e);  // the session went down with graceful restart
    u.nlri = {nlri("203.0.114.0/24")};
    apply_update(rib, e, u);  // re-sent after the restart
    const auto other = apply_update(rib, e, wire::make_end_of_rib(wire::ipv6_unicast));
    CHECK_FALSE(other.end_of_rib);
    CHECK(rib.peer_stale_count(e) == 1);
    const auto r = apply_update(rib, e, wire::make_end_of_rib(wire::ipv4_unicast));
    CHECK(r.end_of_rib);
    CHECK(r.swept == 1);
    CHECK(rib.prefix_count() == 1);
    CHECK(rib.best(pfx("203.0.114.0/24")));
}
