// Text forms of the policy model's values (libbgp/src/policy/text.cpp).
#include <catch2/catch_test_macros.hpp>

#include "policy_test_support.hpp"

using namespace bgp;
using namespace bgp::policy;
using namespace bgp::policy::test;

TEST_CASE("Term actions, verdicts and match modes as text", "[policy][text]") {
    CHECK(parse_term_action("accept") == TermAction::accept);
    CHECK(parse_term_action("reject-route") == TermAction::reject);
    CHECK(parse_term_action(" next ") == TermAction::next);
    CHECK_FALSE(parse_term_action("permit"));
    CHECK(parse_verdict("accept-route") == Verdict::accept);
    CHECK(parse_verdict("reject") == Verdict::reject);
    CHECK_FALSE(parse_verdict("next"));
    CHECK(parse_match_set("any") == MatchSet::any);
    CHECK(parse_match_set("all") == MatchSet::all);
    CHECK(parse_match_set("invert") == MatchSet::none);
    CHECK(parse_match_set("none") == MatchSet::none);
    CHECK_FALSE(parse_match_set("some"));
    for (auto a : {TermAction::accept, TermAction::reject, TermAction::next})
        CHECK(parse_term_action(to_string(a)) == a);
    for (auto m : {MatchSet::any, MatchSet::all, MatchSet::none})
        CHECK(parse_match_set(to_string(m)) == m);
    CHECK(to_string(Verdict::reject) == "reject");
}

TEST_CASE("MED changes as text", "[policy][text]") {
    CHECK(parse_med_change("100") == MedChange{MedChange::Op::set, 100});
    CHECK(parse_med_change("+10") == MedChange{MedChange::Op::add, 10});
    CHECK(parse_med_change("-10") == MedChange{MedChange::Op::subtract, 10});
    CHECK(parse_med_change("remove") == MedChange{MedChange::Op::remove, 0});
    CHECK(parse_med_change("4294967295") == MedChange{MedChange::Op::set, 0xFFFFFFFFu});
    for (const char* bad : {"", "+", "4294967296", "ten", "1.5", "--1"}) {
        INFO(bad);
        CHECK_FALSE(parse_med_change(bad));
    }
}

TEST_CASE("Next hop changes as text", "[policy][text]") {
    CHECK(parse_next_hop_change("self")->kind == NextHopChange::Kind::self);
    CHECK(parse_next_hop_change("unchanged")->kind == NextHopChange::Kind::unchanged);
    CHECK(parse_next_hop_change("peer-address")->kind == NextHopChange::Kind::peer_address);
    auto a = parse_next_hop_change("2001:db8::1");
    REQUIRE(a);
    CHECK(a->kind == NextHopChange::Kind::address);
    CHECK(a->address == ip("2001:db8::1"));
    CHECK_FALSE(parse_next_hop_change("0.0.0.0"));
    CHECK_FALSE(parse_next_hop_change("me"));
}

TEST_CASE("ORIGIN as text", "[policy][text]") {
    CHECK(parse_origin("igp") == wire::Origin::igp);
    CHECK(parse_origin("egp") == wire::Origin::egp);
    CHECK(parse_origin(" incomplete") == wire::Origin::incomplete);
    CHECK_FALSE(parse_origin("?"));
    CHECK_FALSE(parse_origin("IGP"));
}

TEST_CASE("Addresses and prefixes as text", "[policy][text]") {
    CHECK(parse_address_or_prefix("10.0.0.1") == pfx("10.0.0.1/32"));
    CHECK(parse_address_or_prefix("2001:db8::1") == pfx("2001:db8::1/128"));
    CHECK(parse_address_or_prefix("10.0.0.0/8") == pfx("10.0.0.0/8"));
    CHECK_FALSE(parse_address_or_prefix("10.0.0.1/8"));  // host bits: a typo
    CHECK_FALSE(parse_address_or_prefix("10.0.0.0/33"));
    CHECK_FALSE(parse_address_or_prefix("host"));
}

TEST_CASE("Prefix-list entries in FRR's words", "[policy][text]") {
    auto e = parse_prefix_list_entry("192.168.0.0/16 ge 26 le 26");
    REQUIRE(e);
    CHECK(*e == PrefixListEntry{pfx("192.168.0.0/16"), 26, 26});
    auto d = parse_prefix_list_entry("10.0.0.0/8 le 24 deny");
    REQUIRE(d);
    CHECK(*d == PrefixListEntry{pfx("10.0.0.0/8"), {}, 24, true});
    CHECK(parse_prefix_list_entry("10.0.0.0/8")->to_string() == "10.0.0.0/8");
    for (const char* bad : {"", "10.0.0.0/8 ge", "10.0.0.0/8 ge x", "10.0.0.0/8 ge 200",
                            "10.0.0.0/8 lt 3", "nonsense"}) {
        INFO(bad);
        CHECK_FALSE(parse_prefix_list_entry(bad));
    }
}
