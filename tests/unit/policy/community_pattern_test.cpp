// Community patterns (libbgp/src/policy/community_pattern.cpp): parsing,
// matching and printing of standard, large and extended community patterns.
#include <catch2/catch_test_macros.hpp>

#include <random>
#include <string>

#include "policy_test_support.hpp"

using namespace bgp;
using namespace bgp::policy;
using namespace bgp::policy::test;

TEST_CASE("Standard community patterns: exact, wildcard, range", "[policy][community]") {
    auto exact = CommunityPattern::parse("64512:100");
    REQUIRE(exact);
    CHECK(exact->is_exact());
    CHECK(exact->value() == comm(64512, 100));
    CHECK(exact->matches(comm(64512, 100)));
    CHECK_FALSE(exact->matches(comm(64512, 101)));
    CHECK_FALSE(exact->matches(comm(64513, 100)));

    auto any_low = CommunityPattern::parse("64512:*");
    REQUIRE(any_low);
    CHECK_FALSE(any_low->is_exact());
    CHECK(any_low->matches(comm(64512, 0)));
    CHECK(any_low->matches(comm(64512, 65535)));
    CHECK_FALSE(any_low->matches(comm(64511, 7)));

    auto any_high = CommunityPattern::parse("*:666");
    REQUIRE(any_high);
    CHECK(any_high->matches(comm(1, 666)));
    CHECK_FALSE(any_high->matches(comm(1, 667)));

    auto range = CommunityPattern::parse(" 64512:100-199 ");
    REQUIRE(range);
    CHECK(range->matches(comm(64512, 100)));
    CHECK(range->matches(comm(64512, 199)));
    CHECK_FALSE(range->matches(comm(64512, 99)));
    CHECK_FALSE(range->matches(comm(64512, 200)));
}

TEST_CASE("Standard community patterns: well-known names", "[policy][community]") {
    CHECK(CommunityPattern::parse("no-export")->value() == wire::community::no_export);
    CHECK(CommunityPattern::parse("no-advertise")->value() == wire::community::no_advertise);
    CHECK(CommunityPattern::parse("no-export-subconfed")->value() ==
          wire::community::no_export_subconfed);
    CHECK(CommunityPattern::parse("blackhole")->value() == comm(65535, 666));
    CHECK(CommunityPattern::parse("graceful-shutdown")->value() ==
          wire::community::graceful_shutdown);
    CHECK(CommunityPattern::exact(wire::community::no_export).to_string() == "no-export");
}

TEST_CASE("Standard community patterns: malformed text is refused", "[policy][community]") {
    for (const char* bad : {"", "64512", "65536:1", "1:65536", "a:b", "1:2:3", "5-3:1", "1:-",
                            "no_export", "1:2 3", "-1:2"}) {
        INFO(bad);
        CHECK_FALSE(CommunityPattern::parse(bad));
    }
}

TEST_CASE("Standard community patterns print as they parse", "[policy][community]") {
    for (const char* text : {"64512:100", "64512:*", "*:666", "1:100-199", "*:*", "no-peer"}) {
        INFO(text);
        auto p = CommunityPattern::parse(text);
        REQUIRE(p);
        CHECK(p->to_string() == text);
        CHECK(CommunityPattern::parse(p->to_string()) == p);
    }
}

TEST_CASE("Large community patterns", "[policy][community]") {
    auto p = LargeCommunityPattern::parse("64512:1:2");
    REQUIRE(p);
    CHECK(p->is_exact());
    CHECK(p->value() == wire::LargeCommunity{64512, 1, 2});
    CHECK(p->matches({64512, 1, 2}));
    CHECK_FALSE(p->matches({64512, 1, 3}));

    auto w = LargeCommunityPattern::parse("4200000000:*:10-20");
    REQUIRE(w);
    CHECK(w->matches({4200000000u, 7, 10}));
    CHECK(w->matches({4200000000u, 0xFFFFFFFFu, 20}));
    CHECK_FALSE(w->matches({4200000000u, 7, 21}));
    CHECK_FALSE(w->matches({4200000001u, 7, 15}));
    CHECK(w->to_string() == "4200000000:*:10-20");

    for (const char* bad : {"", "1:2", "1:2:3:4", "4294967296:1:1", "x:1:1", "1:9-8:1"}) {
        INFO(bad);
        CHECK_FALSE(LargeCommunityPattern::parse(bad));
    }
}

TEST_CASE("Extended community patterns: route targets and origins", "[policy][community]") {
    // RFC 4360 §3.1: 2-octet AS specific route target, type 0x00 subtype 0x02.
    auto rt = ExtCommunityPattern::parse("rt:64512:100");
    REQUIRE(rt);
    const wire::ExtCommunity rt_value{{0x00, 0x02, 0xfc, 0x00, 0x00, 0x00, 0x00, 0x64}};
    CHECK(rt->value() == rt_value);
    CHECK(rt->matches(rt_value));
    CHECK(rt->to_string() == "rt 64512:100");
    CHECK(ExtCommunityPattern::parse("rt 64512:100") == rt);  // the form to_string prints

    // RFC 5668: 4-octet AS specific, type 0x02.
    auto rt4 = ExtCommunityPattern::parse("rt:4200000000:7");
    REQUIRE(rt4);
    CHECK(rt4->value() == wire::ExtCommunity{{0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0x00, 0x07}});

    // RFC 4360 §3.2: IPv4 address specific, type 0x01; site of origin subtype 0x03.
    auto soo = ExtCommunityPattern::parse("soo:10.0.0.1:7");
    REQUIRE(soo);
    CHECK(soo->value() == wire::ExtCommunity{{0x01, 0x03, 10, 0, 0, 1, 0x00, 0x07}});
    CHECK(soo->to_string() == "soo 10.0.0.1:7");

    auto wild = ExtCommunityPattern::parse("rt:64512:*");
    REQUIRE(wild);
    CHECK_FALSE(wild->is_exact());
    CHECK(wild->matches(rt_value));
    CHECK(wild->matches(wire::ExtCommunity{{0x00, 0x02, 0xfc, 0x00, 0xff, 0xff, 0xff, 0xff}}));
    CHECK_FALSE(wild->matches(wire::ExtCommunity{{0x00, 0x03, 0xfc, 0x00, 0, 0, 0, 0x64}}));
    CHECK_FALSE(wild->matches(wire::ExtCommunity{{0x00, 0x02, 0xfc, 0x01, 0, 0, 0, 0x64}}));
    CHECK(wild->to_string() == "rt 64512:*");
    CHECK(ExtCommunityPattern::parse("rt:10.0.0.1:*")->to_string() == "rt 10.0.0.1:*");
    ExtCommunityPattern odd = *wild;
    odd.mask[2] = 0;  // a wildcard in the global field has no rt form
    CHECK(odd.to_string() == "0x0002fc0000000000/0xffff00ff00000000");

    auto raw = ExtCommunityPattern::parse("0x030c000000000008");  // encap vxlan (RFC 9012)
    REQUIRE(raw);
    CHECK(raw->value() == wire::ExtCommunity{{0x03, 0x0c, 0, 0, 0, 0, 0, 0x08}});

    for (const char* bad :
         {"", "rt", "rt:", "rt:1", "rt:x:1", "rt:10.0.0.1:65536", "rt:4200000000:65536",
          "target:1:1", "0x0102", "0x03zz000000000008", "rt:2001:db8::1:1"}) {
        INFO(bad);
        CHECK_FALSE(ExtCommunityPattern::parse(bad));
    }
}

TEST_CASE("Random text: patterns either refuse it or print back to the same pattern",
          "[policy][community]") {
    std::mt19937 rng(1997);
    const std::string alphabet = "0123456789:*-. xrtso abcdefXn";
    std::uniform_int_distribution<std::size_t> len(0, 24);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::size_t parsed = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string text;
        if (i % 2) {
            for (std::size_t n = len(rng); n > 0; --n) text += alphabet[pick(rng)];
        } else {
            // Field-shaped text: "rt:"/"soo " or nothing, then 2-3 fields.
            static const char* heads[] = {"", "", "rt:", "soo ", "rt "};
            static const char* fields[] = {"0", "7",     "65535", "65536",    "4294967295",
                                           "*", "1-9",   "9-1",   "10.0.0.1", "4200000000",
                                           "",  "00012", "-",     "1-65535"};
            std::uniform_int_distribution<std::size_t> h(0, std::size(heads) - 1);
            std::uniform_int_distribution<std::size_t> f(0, std::size(fields) - 1);
            std::uniform_int_distribution<int> nf(2, 3);
            text = heads[h(rng)];
            for (int k = nf(rng); k > 0; --k) {
                text += fields[f(rng)];
                if (k > 1) text += ':';
            }
        }
        INFO(text);
        if (auto c = CommunityPattern::parse(text)) {
            ++parsed;
            CHECK(CommunityPattern::parse(c->to_string()) == c);
        }
        if (auto l = LargeCommunityPattern::parse(text)) {
            ++parsed;
            CHECK(LargeCommunityPattern::parse(l->to_string()) == l);
        }
        if (auto e = ExtCommunityPattern::parse(text)) {
            ++parsed;
            if (e->is_exact() || e->to_string().find('*') != std::string::npos)
                CHECK(ExtCommunityPattern::parse(e->to_string()) == e);
        }
    }
    CHECK(parsed > 1000);  // the generator does produce valid patterns
}
