// Prefix lists (libbgp/src/policy/prefix_list.cpp): FRR's ge/le defaults,
// first match wins, deny entries, validation.
#include <catch2/catch_test_macros.hpp>

#include "policy_test_support.hpp"

using namespace bgp;
using namespace bgp::policy;
using namespace bgp::policy::test;

TEST_CASE("Prefix list entry without ge/le matches the prefix exactly", "[policy][prefix-list]") {
    PrefixListEntry e{pfx("10.0.0.0/8"), {}, {}};
    CHECK(e.min_length() == 8);
    CHECK(e.max_length() == 8);
    CHECK(e.covers(pfx("10.0.0.0/8")));
    CHECK_FALSE(e.covers(pfx("10.1.0.0/16")));
    CHECK_FALSE(e.covers(pfx("0.0.0.0/0")));
    CHECK_FALSE(e.covers(pfx("11.0.0.0/8")));
}

TEST_CASE("Prefix list entry ge/le ranges", "[policy][prefix-list]") {
    // Calico pod blocks: /26 out of 192.168.0.0/16.
    PrefixListEntry blocks{pfx("192.168.0.0/16"), 26, 26};
    CHECK(blocks.covers(pfx("192.168.135.64/26")));
    CHECK_FALSE(blocks.covers(pfx("192.168.135.0/25")));
    CHECK_FALSE(blocks.covers(pfx("192.168.135.64/27")));
    CHECK_FALSE(blocks.covers(pfx("192.169.0.0/26")));

    PrefixListEntry ge_only{pfx("10.0.0.0/8"), 24, {}};  // FRR: le defaults to 32
    CHECK(ge_only.max_length() == 32);
    CHECK(ge_only.covers(pfx("10.1.2.0/24")));
    CHECK(ge_only.covers(pfx("10.1.2.3/32")));
    CHECK_FALSE(ge_only.covers(pfx("10.1.0.0/16")));

    PrefixListEntry le_only{pfx("10.0.0.0/8"), {}, 16};  // ge defaults to the length
    CHECK(le_only.covers(pfx("10.0.0.0/8")));
    CHECK(le_only.covers(pfx("10.5.0.0/16")));
    CHECK_FALSE(le_only.covers(pfx("10.5.1.0/24")));

    PrefixListEntry v6{pfx("fd00::/48"), 122, 122};
    CHECK(v6.covers(pfx("fd00::40/122")));
    CHECK_FALSE(v6.covers(pfx("fd00:0:0:1::/64")));
    CHECK_FALSE(v6.covers(pfx("192.168.0.0/26")));  // another family never matches

    // Lengths that are not whole octets.
    PrefixListEntry odd{pfx("192.168.0.0/13"), 26, 26};
    CHECK(odd.covers(pfx("192.175.255.192/26")));
    CHECK_FALSE(odd.covers(pfx("192.176.0.0/26")));
    CHECK_FALSE(odd.covers(pfx("192.160.0.0/26")));
    PrefixListEntry odd6{pfx("fd00:8000::/17"), {}, 128};
    CHECK(odd6.covers(pfx("fd00:ffff::/32")));
    CHECK_FALSE(odd6.covers(pfx("fd00:7fff::/32")));

    PrefixListEntry any_v4{pfx("0.0.0.0/0"), {}, 32};
    CHECK(any_v4.covers(pfx("203.0.113.0/24")));
    CHECK_FALSE(any_v4.covers(pfx("2001:db8::/32")));
}

TEST_CASE("Prefix list: the first covering entry decides", "[policy][prefix-list]") {
    PrefixList list{"pods",
                    {PrefixListEntry{pfx("192.168.100.0/24"), {}, 32, true},  // deny
                     PrefixListEntry{pfx("192.168.0.0/16"), {}, 32}}};
    CHECK(list.matches(pfx("192.168.1.0/26")));
    CHECK_FALSE(list.matches(pfx("192.168.100.64/26")));
    CHECK(list.matches(pfx("192.168.0.0/16")));
    CHECK_FALSE(list.matches(pfx("10.0.0.0/8")));
    CHECK(list.first_covering(pfx("192.168.100.64/26")) == 0u);
    CHECK(list.first_covering(pfx("192.168.1.0/26")) == 1u);
    CHECK_FALSE(list.first_covering(pfx("10.0.0.0/8")));

    PrefixList empty{"empty", {}};
    CHECK_FALSE(empty.matches(pfx("10.0.0.0/8")));
}

TEST_CASE("Prefix list entry validation", "[policy][prefix-list]") {
    CHECK(PrefixListEntry{pfx("10.0.0.0/8"), 16, 24}.validate().empty());
    CHECK(PrefixListEntry{pfx("10.0.0.0/8"), 8, 8}.validate().empty());
    CHECK_FALSE(PrefixListEntry{pfx("10.0.0.0/8"), 4, {}}.validate().empty());   // ge < len
    CHECK_FALSE(PrefixListEntry{pfx("10.0.0.0/8"), {}, 33}.validate().empty());  // le > 32
    CHECK_FALSE(PrefixListEntry{pfx("10.0.0.0/8"), 24, 16}.validate().empty());  // ge > le
    CHECK_FALSE(PrefixListEntry{pfx("10.0.0.0/16"), {}, 8}.validate().empty());  // le < len
    CHECK(PrefixListEntry{pfx("fd00::/48"), 64, 128}.validate().empty());
    CHECK_FALSE(PrefixListEntry{pfx("fd00::/48"), 64, 129}.validate().empty());
    CHECK(PrefixListEntry{pfx("10.0.0.0/8"), 16, 24}.to_string() == "10.0.0.0/8 ge 16 le 24");
    CHECK(PrefixListEntry{pfx("10.0.0.0/8"), {}, {}, true}.to_string() == "10.0.0.0/8 deny");
}
