// Term changes (libbgp/src/policy/modify.cpp), through PolicyTable: each change,
// its edge cases, and "no real change means no copy".
#include <catch2/catch_test_macros.hpp>

#include "policy_test_support.hpp"

using namespace bgp;
using namespace bgp::policy;
using namespace bgp::policy::test;

namespace {

Result run(const Modify& m, const wire::Prefix& p, const wire::PathAttributes& a,
           const Context& c = ctx_in()) {
    const PolicyTable table = one_policy({modify_then_accept(m)});
    Result r = table.evaluate(table.chain({"p"}), p, a, c);
    REQUIRE(r.accepted());
    return r;
}

const wire::Prefix v4 = pfx("10.0.0.0/24");
const wire::Prefix v6 = pfx("2001:db8:1::/64");

}  // namespace

TEST_CASE("Set LOCAL_PREF", "[policy][modify]") {
    Modify m;
    m.local_pref = 200;
    Result r = run(m, v4, v4_attrs());
    REQUIRE(r.modified());
    CHECK(r.attributes->local_pref == 200u);
    CHECK(r.trace.size() == 1);
    CHECK(r.trace[0].modified);
    // Everything else untouched.
    auto expected = v4_attrs();
    expected.local_pref = 200;
    CHECK(*r.attributes == expected);

    m.local_pref = 100;  // already 100: no copy
    Result same = run(m, v4, v4_attrs());
    CHECK_FALSE(same.modified());
    CHECK_FALSE(same.trace[0].modified);
}

TEST_CASE("Set ORIGIN", "[policy][modify]") {
    Modify m;
    m.origin = wire::Origin::incomplete;
    Result r = run(m, v4, v4_attrs());
    REQUIRE(r.modified());
    CHECK(r.attributes->origin == wire::Origin::incomplete);
    m.origin = wire::Origin::igp;  // already igp
    CHECK_FALSE(run(m, v4, v4_attrs()).modified());
}

TEST_CASE("MED: set, add, subtract (saturating), remove", "[policy][modify]") {
    Modify m;
    m.med = MedChange{MedChange::Op::set, 50};
    CHECK(run(m, v4, v4_attrs()).attributes->med == 50u);
    m.med = MedChange{MedChange::Op::add, 5};
    CHECK(run(m, v4, v4_attrs()).attributes->med == 15u);
    m.med = MedChange{MedChange::Op::subtract, 4};
    CHECK(run(m, v4, v4_attrs()).attributes->med == 6u);
    m.med = MedChange{MedChange::Op::subtract, 40};
    CHECK(run(m, v4, v4_attrs()).attributes->med == 0u);
    auto high = v4_attrs();
    high.med = 0xFFFFFFF0u;
    m.med = MedChange{MedChange::Op::add, 0x100};
    CHECK(run(m, v4, high).attributes->med == 0xFFFFFFFFu);
    auto none = v4_attrs();
    none.med.reset();
    m.med = MedChange{MedChange::Op::add, 7};  // absent counts as 0
    CHECK(run(m, v4, none).attributes->med == 7u);

    m.med = MedChange{MedChange::Op::remove, 0};
    Result removed = run(m, v4, v4_attrs());
    REQUIRE(removed.modified());
    CHECK_FALSE(removed.attributes->med);
    CHECK_FALSE(run(m, v4, none).modified());  // nothing to remove
    m.med = MedChange{MedChange::Op::subtract, 0};
    CHECK_FALSE(run(m, v4, v4_attrs()).modified());
}

TEST_CASE("Removing an attribute also drops its wire layout slot", "[policy][modify]") {
    auto a = v4_attrs();
    a.layout = {{1, 0x40}, {2, 0x40}, {3, 0x40}, {4, 0x80}, {5, 0x40}, {8, 0xc0}};
    Modify m;
    m.med = MedChange{MedChange::Op::remove, 0};
    m.communities.replace = std::vector<std::uint32_t>{};
    Result r = run(m, v4, a);
    REQUIRE(r.modified());
    CHECK_FALSE(r.attributes->med);
    CHECK_FALSE(r.attributes->communities);
    CHECK(r.attributes->layout ==
          std::vector<wire::AttrSlot>{{1, 0x40}, {2, 0x40}, {3, 0x40}, {5, 0x40}});
}

TEST_CASE("Next hop self, peer address, address, unchanged: IPv4", "[policy][modify]") {
    Modify m;
    m.next_hop = NextHopChange{NextHopChange::Kind::self, {}};
    Result self = run(m, v4, v4_attrs());
    REQUIRE(self.modified());
    CHECK(self.attributes->next_hop == ip("198.18.0.1"));

    Context no_local = ctx_in();
    no_local.local_address_v4.reset();
    CHECK_FALSE(run(m, v4, v4_attrs(), no_local).modified());

    m.next_hop = NextHopChange{NextHopChange::Kind::peer_address, {}};
    CHECK_FALSE(run(m, v4, v4_attrs()).modified());  // already the neighbour's address
    Context other = ctx_in();
    other.neighbor_address = ip("198.18.0.9");
    CHECK(run(m, v4, v4_attrs(), other).attributes->next_hop == ip("198.18.0.9"));

    m.next_hop = NextHopChange{NextHopChange::Kind::address, ip("198.18.1.1")};
    CHECK(run(m, v4, v4_attrs()).attributes->next_hop == ip("198.18.1.1"));
    m.next_hop = NextHopChange{NextHopChange::Kind::address, ip("2001:db8::9")};
    CHECK_FALSE(run(m, v4, v4_attrs()).modified());  // another family: ignored

    m.next_hop = NextHopChange{NextHopChange::Kind::unchanged, {}};
    Result unchanged = run(m, v4, v4_attrs());
    CHECK_FALSE(unchanged.modified());
    CHECK(unchanged.next_hop_unchanged);
}

TEST_CASE("Next hop changes: IPv6 in MP_REACH_NLRI", "[policy][modify]") {
    Modify m;
    m.next_hop = NextHopChange{NextHopChange::Kind::self, {}};
    Result self = run(m, v6, v6_attrs());
    REQUIRE(self.modified());
    REQUIRE(self.attributes->mp_reach);
    // The link-local next hop belongs to the old next hop and goes with it.
    CHECK(self.attributes->mp_reach->next_hops == std::vector<wire::IpAddress>{ip("2001:db8::1")});
    CHECK_FALSE(self.attributes->next_hop);

    // Attributes stored without MP_REACH_NLRI get one, with no NLRI.
    wire::PathAttributes bare;
    Result created = run(m, v6, bare);
    REQUIRE(created.modified());
    REQUIRE(created.attributes->mp_reach);
    CHECK(created.attributes->mp_reach->family == wire::ipv6_unicast);
    CHECK(created.attributes->mp_reach->nlri.empty());

    auto single = v6_attrs();
    single.mp_reach->next_hops = {ip("2001:db8::1")};
    CHECK_FALSE(run(m, v6, single).modified());
}

TEST_CASE("AS path prepend", "[policy][modify]") {
    Modify m;
    m.prepend = Prepend{{}, false, 2};  // local AS twice
    Result r = run(m, v4, v4_attrs());
    REQUIRE(r.modified());
    CHECK(*r.attributes->as_path == seq({64512, 64512, 64513, 64514}));

    m.prepend = Prepend{65001, false, 1};
    CHECK(*run(m, v4, v4_attrs()).attributes->as_path == seq({65001, 64513, 64514}));

    m.prepend = Prepend{{}, true, 3};  // GoBGP last-as: the neighbour's AS again
    CHECK(*run(m, v4, v4_attrs()).attributes->as_path == seq({64513, 64513, 64513, 64513, 64514}));
    wire::PathAttributes empty_path;
    CHECK_FALSE(run(m, v4, empty_path).modified());

    // An empty path (iBGP-originated) gets a sequence.
    m.prepend = Prepend{{}, false, 1};
    CHECK(*run(m, v4, empty_path).attributes->as_path == seq({64512}));

    // A leading AS_SET: a new sequence goes in front of it.
    auto set_first = v4_attrs();
    set_first.as_path->segments.insert(set_first.as_path->segments.begin(),
                                       {wire::AsSegmentType::as_set, {1, 2}});
    auto p = *run(m, v4, set_first).attributes->as_path;
    REQUIRE(p.segments.size() == 3);
    CHECK(p.segments[0] == wire::AsSegment{wire::AsSegmentType::as_sequence, {64512}});
    CHECK(p.segments[1].type == wire::AsSegmentType::as_set);

    // A full leading sequence (255 ASNs): a new segment.
    auto full = v4_attrs();
    full.as_path = seq(std::vector<std::uint32_t>(255, 64999));
    auto q = *run(m, v4, full).attributes->as_path;
    REQUIRE(q.segments.size() == 2);
    CHECK(q.segments[0].asns == std::vector<std::uint32_t>{64512});
    CHECK(q.segments[1].asns.size() == 255);

    Context no_as = ctx_in();
    no_as.local_as = 0;
    CHECK_FALSE(run(m, v4, v4_attrs(), no_as).modified());
}

TEST_CASE("Communities: add, remove by pattern, replace", "[policy][modify]") {
    Modify add;
    add.communities.add = {comm(64512, 2), comm(64512, 9), comm(64512, 9)};
    Result r = run(add, v4, v4_attrs());
    REQUIRE(r.modified());
    CHECK(*r.attributes->communities ==
          std::vector<std::uint32_t>{comm(64512, 1), comm(64512, 2), comm(64512, 9)});

    Modify add_present;
    add_present.communities.add = {comm(64512, 1)};
    CHECK_FALSE(run(add_present, v4, v4_attrs()).modified());

    Modify remove;
    remove.communities.remove = {*CommunityPattern::parse("64512:2-5")};
    CHECK(*run(remove, v4, v4_attrs()).attributes->communities ==
          std::vector<std::uint32_t>{comm(64512, 1)});
    remove.communities.remove = {*CommunityPattern::parse("64512:*")};
    Result all_gone = run(remove, v4, v4_attrs());
    REQUIRE(all_gone.modified());
    CHECK_FALSE(all_gone.attributes->communities);  // empty list: attribute removed
    remove.communities.remove = {*CommunityPattern::parse("65000:*")};
    CHECK_FALSE(run(remove, v4, v4_attrs()).modified());

    // Remove then add: strip our own tags, then tag anew.
    Modify retag;
    retag.communities.remove = {*CommunityPattern::parse("64512:*")};
    retag.communities.add = {comm(64512, 7)};
    CHECK(*run(retag, v4, v4_attrs()).attributes->communities ==
          std::vector<std::uint32_t>{comm(64512, 7)});

    Modify replace;
    replace.communities.replace = std::vector<std::uint32_t>{wire::community::no_export};
    CHECK(*run(replace, v4, v4_attrs()).attributes->communities ==
          std::vector<std::uint32_t>{wire::community::no_export});
    replace.communities.replace = v4_attrs().communities;
    CHECK_FALSE(run(replace, v4, v4_attrs()).modified());
    replace.communities.replace = std::vector<std::uint32_t>{};
    wire::PathAttributes bare;
    CHECK_FALSE(run(replace, v4, bare).modified());
}

TEST_CASE("Large and extended communities: add, remove, replace", "[policy][modify]") {
    Modify m;
    m.large_communities.add = {{64512, 1, 1}};
    m.ext_communities.add = {ExtCommunityPattern::parse("rt:64512:100")->value()};
    Result r = run(m, v4, v4_attrs());
    REQUIRE(r.modified());
    CHECK(*r.attributes->large_communities == std::vector<wire::LargeCommunity>{{64512, 1, 1}});
    REQUIRE(r.attributes->ext_communities);
    CHECK(r.attributes->ext_communities->front().to_string() == "rt 64512:100");

    auto a = *r.attributes;
    a.large_communities->push_back({64512, 2, 9});
    Modify strip;
    strip.large_communities.remove = {*LargeCommunityPattern::parse("64512:2:*")};
    strip.ext_communities.remove = {*ExtCommunityPattern::parse("rt:64512:*")};
    Result s = run(strip, v4, a);
    REQUIRE(s.modified());
    CHECK(*s.attributes->large_communities == std::vector<wire::LargeCommunity>{{64512, 1, 1}});
    CHECK_FALSE(s.attributes->ext_communities);

    Modify replace;
    replace.large_communities.replace = std::vector<wire::LargeCommunity>{{1, 2, 3}};
    CHECK(*run(replace, v4, a).attributes->large_communities ==
          std::vector<wire::LargeCommunity>{{1, 2, 3}});
}

TEST_CASE("Several changes in one term, applied to one copy", "[policy][modify]") {
    Modify m;
    m.local_pref = 300;
    m.med = MedChange{MedChange::Op::set, 0};
    m.prepend = Prepend{{}, false, 1};
    m.communities.add = {wire::community::no_export};
    m.next_hop = NextHopChange{NextHopChange::Kind::self, {}};
    Result r = run(m, v4, v4_attrs());
    REQUIRE(r.modified());
    const auto& a = *r.attributes;
    CHECK(a.local_pref == 300u);
    CHECK(a.med == 0u);
    CHECK(*a.as_path == seq({64512, 64513, 64514}));
    CHECK(a.communities->back() == wire::community::no_export);
    CHECK(a.next_hop == ip("198.18.0.1"));
    CHECK(a.origin == wire::Origin::igp);
}
