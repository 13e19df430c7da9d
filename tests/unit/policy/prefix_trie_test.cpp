// The compiled prefix list (libbgp/src/policy/prefix_trie.cpp) gives the same
// answer as PrefixList::matches, entry order and deny entries included.
#include <catch2/catch_test_macros.hpp>

#include <random>

#include "policy/prefix_trie.hpp"
#include "policy_test_support.hpp"

using namespace bgp;
using namespace bgp::policy;
using namespace bgp::policy::test;

namespace {

wire::Prefix random_prefix(std::mt19937& rng, bool v6, std::uint8_t max_len) {
    std::array<std::uint8_t, 16> b{};
    // Few distinct leading bits, so that prefixes nest and overlap often.
    std::uniform_int_distribution<int> byte(0, 3);
    for (auto& x : b) x = static_cast<std::uint8_t>(byte(rng) << 6 | byte(rng));
    std::uniform_int_distribution<int> len(0, max_len);
    const auto addr =
        v6 ? wire::IpAddress::v6_bytes(b.data()) : wire::IpAddress::v4_bytes(b.data());
    return wire::Prefix(addr, static_cast<std::uint8_t>(len(rng)));
}

}  // namespace

TEST_CASE("Prefix trie agrees with the linear prefix list", "[policy][prefix-list]") {
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        PrefixList list{"random", {}};
        std::uniform_int_distribution<int> coin(0, 3);
        for (int i = 0; i < 200; ++i) {
            const bool v6 = coin(rng) == 0;
            PrefixListEntry e{random_prefix(rng, v6, v6 ? 40 : 20), {}, {}};
            const std::uint8_t max = v6 ? 128 : 32;
            if (coin(rng) != 0) e.ge = static_cast<std::uint8_t>(e.prefix.length() + coin(rng));
            if (coin(rng) != 0)
                e.le =
                    static_cast<std::uint8_t>(std::min<int>(max, e.min_length() + 4 * coin(rng)));
            e.deny = coin(rng) == 0;
            if (!e.validate().empty()) continue;
            list.entries.push_back(e);
        }
        const detail::PrefixTrie trie(list);
        REQUIRE(list.entries.size() > detail::PrefixTrie::linear_limit);
        CHECK(trie.node_count() > 2);
        int in = 0;
        for (int q = 0; q < 2000; ++q) {
            const bool v6 = coin(rng) == 0;
            const auto p = random_prefix(rng, v6, v6 ? 48 : 28);
            const bool expected = list.matches(p);
            in += expected ? 1 : 0;
            if (trie.matches(p) != expected) {
                FAIL_CHECK("round " << round << " prefix " << p.to_string() << " expected "
                                    << expected);
                break;
            }
        }
        CHECK(in > 0);     // the random lists do match things ...
        CHECK(in < 2000);  // ... and not everything
    }
}

TEST_CASE("Prefix trie: first entry wins, deny included", "[policy][prefix-list]") {
    PrefixList list{"pods", {}};
    // Enough filler entries to leave the linear path (checked below).
    for (std::uint32_t k = 0; k < 20; ++k)
        list.entries.push_back(
            {wire::Prefix(wire::IpAddress::v4((11u << 24) | (k << 16)), 16), {}, {}});
    list.entries.push_back({pfx("192.168.100.0/24"), {}, 32, true});
    list.entries.push_back({pfx("192.168.0.0/16"), {}, 32});
    list.entries.push_back({pfx("0.0.0.0/0"), 32, 32, true});
    list.entries.push_back({pfx("fd00::/8"), 64, 128});
    const detail::PrefixTrie trie(list);
    REQUIRE(trie.node_count() > 2);
    CHECK(trie.matches(pfx("192.168.1.0/26")));
    CHECK_FALSE(trie.matches(pfx("192.168.100.64/26")));
    CHECK(trie.matches(pfx("192.168.1.1/32")));  // the /16 entry comes before the /0 deny
    CHECK_FALSE(trie.matches(pfx("10.0.0.1/32")));
    CHECK(trie.matches(pfx("11.3.0.0/16")));
    CHECK_FALSE(trie.matches(pfx("11.3.0.0/17")));
    CHECK(trie.matches(pfx("fd12:3456::/64")));
    CHECK_FALSE(trie.matches(pfx("fd12:3456::/48")));
    CHECK_FALSE(trie.matches(pfx("2001:db8::/64")));
}
