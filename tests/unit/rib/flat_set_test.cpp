// The inline hash set behind the change queues (libbgp/src/rib/flat_set.hpp):
// random inserts and erases against std::set, with deliberately bad hashes so
// that probe runs are long, collide and wrap around the end of the table, and
// sizes that cross the shrink threshold.
#include <random>
#include <set>

#include <catch2/catch_test_macros.hpp>

#include "rib/flat_set.hpp"

namespace {

std::uint64_t buckets = 1;  // the hash's number of distinct values (set per section)

struct BadHash {
    std::size_t operator()(std::uint32_t k) const {
        return static_cast<std::size_t>((k % buckets) * 0x9E3779B97F4A7C15ull);
    }
};

}  // namespace

TEST_CASE("FlatSet: random inserts and erases with clustered hashes", "[rib][flat_set]") {
    for (const std::uint64_t b : {1ull, 3ull, 64ull, 1ull << 40}) {
        buckets = b;
        INFO("buckets " << b);
        bgp::rib::detail::FlatSet<std::uint32_t, BadHash> set;
        std::set<std::uint32_t> model;
        std::mt19937 rng(static_cast<std::uint32_t>(b));
        const std::uint32_t range = b == 1 ? 300 : 6000;  // 1 bucket: quadratic, keep it small
        for (int step = 0; step < 20000; ++step) {
            const auto k = static_cast<std::uint32_t>(rng() % range);
            if (model.count(k)) {
                CHECK_FALSE(set.insert(k));
                set.erase(k);
                model.erase(k);
            } else {
                CHECK(set.insert(k));
                model.insert(k);
            }
            if (step % 997 != 0) continue;
            REQUIRE(set.size() == model.size());
            for (std::uint32_t x = 0; x < range; ++x)
                CHECK(set.contains(x) == (model.count(x) == 1));
        }
        // Emptied after growing past the shrink threshold: usable again.
        for (auto k : model) set.erase(k);
        CHECK(set.empty());
        CHECK_FALSE(set.contains(1));
        CHECK(set.insert(1));
        CHECK(set.contains(1));
    }
}
