// Term conditions (libbgp/src/policy/match.cpp), through PolicyTable: each
// condition alone, matching and not matching, and conditions combined.
#include <catch2/catch_test_macros.hpp>

#include "policy_test_support.hpp"

using namespace bgp;
using namespace bgp::policy;
using namespace bgp::policy::test;

namespace {

/// Accepted iff a term with `m` matches (the policy's default is reject).
bool matches(const Match& m, const wire::Prefix& p, const wire::PathAttributes& a,
             const Context& c = ctx_in(), PolicyConfig sets = {}) {
    const PolicyTable table = one_policy({accept_if(m)}, TermAction::reject, std::move(sets));
    return table.evaluate(table.chain({"p"}), p, a, c).accepted();
}

PolicyConfig community_sets() {
    PolicyConfig c;
    c.community_lists.push_back(
        {"tags", {*CommunityPattern::parse("64512:1"), *CommunityPattern::parse("64512:3")}});
    c.community_lists.push_back({"own", {*CommunityPattern::parse("64512:*")}});
    c.large_community_lists.push_back({"large", {*LargeCommunityPattern::parse("64512:5:*")}});
    c.ext_community_lists.push_back({"rts", {*ExtCommunityPattern::parse("rt:64512:100")}});
    return c;
}

}  // namespace

TEST_CASE("An empty match matches every route", "[policy][match]") {
    CHECK(matches(Match{}, pfx("10.0.0.0/24"), v4_attrs()));
    CHECK(matches(Match{}, pfx("2001:db8::/64"), v6_attrs()));
    CHECK(matches(Match{}, pfx("10.0.0.0/24"), wire::PathAttributes{}));
}

TEST_CASE("Match on address family", "[policy][match]") {
    Match m;
    m.families = {wire::ipv6_unicast};
    CHECK(matches(m, pfx("2001:db8::/64"), v6_attrs()));
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), v4_attrs()));
    Context multicast = ctx_in();
    multicast.safi = wire::Safi::multicast;
    CHECK_FALSE(matches(m, pfx("2001:db8::/64"), v6_attrs(), multicast));
    m.families.push_back(wire::ipv4_unicast);
    CHECK(matches(m, pfx("10.0.0.0/24"), v4_attrs()));
}

TEST_CASE("Match on a prefix list, any and none", "[policy][match]") {
    PolicyConfig sets;
    sets.prefix_lists.push_back({"pods", {PrefixListEntry{pfx("192.168.0.0/16"), 26, 26}}});
    Match m;
    m.prefix_list = SetRef{"pods", MatchSet::any};
    CHECK(matches(m, pfx("192.168.135.64/26"), v4_attrs(), ctx_in(), sets));
    CHECK_FALSE(matches(m, pfx("192.168.135.0/24"), v4_attrs(), ctx_in(), sets));
    m.prefix_list->mode = MatchSet::none;
    CHECK_FALSE(matches(m, pfx("192.168.135.64/26"), v4_attrs(), ctx_in(), sets));
    CHECK(matches(m, pfx("192.168.135.0/24"), v4_attrs(), ctx_in(), sets));
}

TEST_CASE("Match on communities: any, all, none", "[policy][match]") {
    const auto sets = community_sets();
    auto a = v4_attrs();  // 64512:1, 64512:2
    Match m;
    m.communities = SetRef{"tags", MatchSet::any};
    CHECK(matches(m, pfx("10.0.0.0/24"), a, ctx_in(), sets));
    m.communities->mode = MatchSet::all;  // 64512:3 missing
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), a, ctx_in(), sets));
    a.communities->push_back(comm(64512, 3));
    CHECK(matches(m, pfx("10.0.0.0/24"), a, ctx_in(), sets));
    m.communities->mode = MatchSet::none;
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), a, ctx_in(), sets));

    // A route without the attribute: any and all fail, none holds.
    wire::PathAttributes bare;
    m.communities->mode = MatchSet::any;
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), bare, ctx_in(), sets));
    m.communities->mode = MatchSet::all;
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), bare, ctx_in(), sets));
    m.communities->mode = MatchSet::none;
    CHECK(matches(m, pfx("10.0.0.0/24"), bare, ctx_in(), sets));

    // Wildcard list.
    Match own;
    own.communities = SetRef{"own", MatchSet::any};
    CHECK(matches(own, pfx("10.0.0.0/24"), v4_attrs(), ctx_in(), sets));
    auto other = v4_attrs();
    other.communities = std::vector<std::uint32_t>{comm(65000, 1)};
    CHECK_FALSE(matches(own, pfx("10.0.0.0/24"), other, ctx_in(), sets));
}

TEST_CASE("Match on large and extended communities", "[policy][match]") {
    const auto sets = community_sets();
    auto a = v4_attrs();
    Match large;
    large.large_communities = SetRef{"large", MatchSet::any};
    CHECK_FALSE(matches(large, pfx("10.0.0.0/24"), a, ctx_in(), sets));
    a.large_communities = std::vector<wire::LargeCommunity>{{64512, 5, 77}};
    CHECK(matches(large, pfx("10.0.0.0/24"), a, ctx_in(), sets));
    a.large_communities = std::vector<wire::LargeCommunity>{{64512, 6, 77}};
    CHECK_FALSE(matches(large, pfx("10.0.0.0/24"), a, ctx_in(), sets));

    Match ext;
    ext.ext_communities = SetRef{"rts", MatchSet::any};
    CHECK_FALSE(matches(ext, pfx("10.0.0.0/24"), a, ctx_in(), sets));
    a.ext_communities =
        std::vector<wire::ExtCommunity>{ExtCommunityPattern::parse("soo:64512:100")->value(),
                                        ExtCommunityPattern::parse("rt:64512:100")->value()};
    CHECK(matches(ext, pfx("10.0.0.0/24"), a, ctx_in(), sets));
    ext.ext_communities->mode = MatchSet::none;
    CHECK_FALSE(matches(ext, pfx("10.0.0.0/24"), a, ctx_in(), sets));
}

TEST_CASE("Match on AS path: contains, originates from, first AS", "[policy][match]") {
    auto a = v4_attrs();
    a.as_path = seq({64513, 64514, 64515});
    a.as_path->segments.push_back({wire::AsSegmentType::as_set, {64600, 64601}});

    Match contains;
    contains.as_path.contains = {64514};
    CHECK(matches(contains, pfx("10.0.0.0/24"), a));
    contains.as_path.contains = {64601};  // inside the AS_SET
    CHECK(matches(contains, pfx("10.0.0.0/24"), a));
    contains.as_path.contains = {1, 2};
    CHECK_FALSE(matches(contains, pfx("10.0.0.0/24"), a));

    // Ending in an AS_SET: no single origin AS.
    Match origin;
    origin.as_path.originates_from = {64601};
    CHECK_FALSE(matches(origin, pfx("10.0.0.0/24"), a));
    origin.as_path.originates_from = {64515};
    CHECK_FALSE(matches(origin, pfx("10.0.0.0/24"), a));
    a.as_path->segments.pop_back();
    CHECK(matches(origin, pfx("10.0.0.0/24"), a));
    origin.as_path.originates_from = {64513};
    CHECK_FALSE(matches(origin, pfx("10.0.0.0/24"), a));

    Match first;
    first.as_path.first_as = {64513};
    CHECK(matches(first, pfx("10.0.0.0/24"), a));
    first.as_path.first_as = {64515};
    CHECK_FALSE(matches(first, pfx("10.0.0.0/24"), a));

    // An empty path (locally originated, iBGP): no origin, no first AS.
    wire::PathAttributes local;
    local.as_path = wire::AsPath{};
    CHECK_FALSE(matches(first, pfx("10.0.0.0/24"), local));
    origin.as_path.originates_from = {64512};
    CHECK_FALSE(matches(origin, pfx("10.0.0.0/24"), local));
}

TEST_CASE("Match on AS path length as the decision process counts it", "[policy][match]") {
    auto a = v4_attrs();
    a.as_path = seq({1, 2, 3});
    a.as_path->segments.push_back({wire::AsSegmentType::as_set, {4, 5, 6}});  // counts 1
    a.as_path->segments.insert(a.as_path->segments.begin(),
                               {wire::AsSegmentType::as_confed_sequence, {7, 8}});  // counts 0
    REQUIRE(a.as_path->path_length() == 4);
    Match m;
    m.as_path.min_length = 4;
    m.as_path.max_length = 4;
    CHECK(matches(m, pfx("10.0.0.0/24"), a));
    m.as_path.min_length = 5;
    m.as_path.max_length = std::nullopt;
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), a));
    m.as_path.min_length = std::nullopt;
    m.as_path.max_length = 3;
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), a));
    m.as_path.max_length = 0;  // "locally originated"
    CHECK(matches(m, pfx("10.0.0.0/24"), wire::PathAttributes{}));
}

TEST_CASE("Match on next hop, IPv4 NEXT_HOP and IPv6 MP_REACH_NLRI", "[policy][match]") {
    Match m;
    m.next_hop = {pfx("198.18.0.0/15")};
    CHECK(matches(m, pfx("10.0.0.0/24"), v4_attrs()));
    m.next_hop = {pfx("198.18.0.3/32")};
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), v4_attrs()));
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), wire::PathAttributes{}));  // no next hop at all

    m.next_hop = {pfx("2001:db8::2/128")};
    CHECK(matches(m, pfx("2001:db8:1::/64"), v6_attrs()));
    m.next_hop = {pfx("fe80::/10")};  // the link-local second next hop is not the next hop
    CHECK_FALSE(matches(m, pfx("2001:db8:1::/64"), v6_attrs()));
}

TEST_CASE("Match on neighbour address and AS", "[policy][match]") {
    Match m;
    m.neighbor = {pfx("198.18.0.0/24")};
    CHECK(matches(m, pfx("10.0.0.0/24"), v4_attrs()));
    Context other = ctx_in();
    other.neighbor_address = ip("198.19.0.2");
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), v4_attrs(), other));

    Match by_as;
    by_as.neighbor_as = {64999, 64513};
    CHECK(matches(by_as, pfx("10.0.0.0/24"), v4_attrs()));
    other.neighbor_as = 1;
    CHECK_FALSE(matches(by_as, pfx("10.0.0.0/24"), v4_attrs(), other));
}

TEST_CASE("Match on ORIGIN", "[policy][match]") {
    Match m;
    m.origin = {wire::Origin::igp, wire::Origin::egp};
    CHECK(matches(m, pfx("10.0.0.0/24"), v4_attrs()));  // igp
    auto incomplete = v4_attrs();
    incomplete.origin = wire::Origin::incomplete;
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), incomplete));
    CHECK_FALSE(matches(m, pfx("10.0.0.0/24"), wire::PathAttributes{}));
}

TEST_CASE("All conditions of a term must hold", "[policy][match]") {
    PolicyConfig sets = community_sets();
    sets.prefix_lists.push_back({"pods", {PrefixListEntry{pfx("192.168.0.0/16"), 26, 26}}});
    Match m;
    m.prefix_list = SetRef{"pods"};
    m.communities = SetRef{"tags"};
    m.families = {wire::ipv4_unicast};
    m.as_path.max_length = 2;
    CHECK(matches(m, pfx("192.168.1.0/26"), v4_attrs(), ctx_in(), sets));
    CHECK_FALSE(matches(m, pfx("192.168.1.0/24"), v4_attrs(), ctx_in(), sets));
    auto no_tag = v4_attrs();
    no_tag.communities.reset();
    CHECK_FALSE(matches(m, pfx("192.168.1.0/26"), no_tag, ctx_in(), sets));
    auto long_path = v4_attrs();
    long_path.as_path = seq({1, 2, 3});
    CHECK_FALSE(matches(m, pfx("192.168.1.0/26"), long_path, ctx_in(), sets));
}
