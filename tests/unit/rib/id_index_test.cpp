// The compact hash index behind the RIB's tables (libbgp/src/rib/id_index.hpp):
// random inserts and erases against std::set, with a deliberately bad hash so
// that probe runs are long, collide and wrap around the end of the table
// (the backward-shift deletion is where such a table usually breaks).
#include <random>
#include <set>
#include <vector>

#include <catch2/catch_test_macros.hpp>

#include "rib/id_index.hpp"

using bgp::rib::detail::IdIndex;

TEST_CASE("IdIndex: random inserts and erases with clustered hashes", "[rib][id_index]") {
    for (const std::uint64_t buckets : {1ull, 3ull, 64ull, 1ull << 40}) {
        INFO("buckets " << buckets);
        // Hash of id: few distinct values, spread over the whole 64-bit range so that
        // some home slots are at the end of the table.
        auto hash_of = [&](std::uint32_t id) -> std::uint64_t {
            return (id % buckets) * 0x9E3779B97F4A7C15ull;
        };
        IdIndex index;
        std::set<std::uint32_t> model;
        std::mt19937 rng(static_cast<std::uint32_t>(buckets));
        for (int step = 0; step < 4000; ++step) {
            const auto id = static_cast<std::uint32_t>(rng() % 300);
            if (model.count(id)) {
                index.erase(hash_of(id), id, hash_of);
                model.erase(id);
            } else {
                index.insert(hash_of(id), id, hash_of);
                model.insert(id);
            }
            if (step % 97 != 0) continue;
            CHECK(index.size() == model.size());
            for (std::uint32_t k = 0; k < 300; ++k) {
                const auto found = index.find(hash_of(k), [&](std::uint32_t x) { return x == k; });
                CHECK(found.has_value() == (model.count(k) == 1));
            }
        }
        // Erasing what is not there changes nothing.
        index.erase(hash_of(1000), 1000, hash_of);
        CHECK(index.size() == model.size());
    }
}

TEST_CASE("IdIndex: capacities step by 1.5x and 4/3x, at most 80 % full", "[rib][id_index]") {
    IdIndex index;
    auto hash_of = [](std::uint32_t id) -> std::uint64_t { return id * 0x9E3779B97F4A7C15ull; };
    std::vector<std::size_t> caps;
    for (std::uint32_t id = 0; id < 1000; ++id) {
        index.insert(hash_of(id), id, hash_of);
        CHECK(index.size() * 5 <= index.capacity() * 4);
        if (caps.empty() || caps.back() != index.capacity()) caps.push_back(index.capacity());
    }
    CHECK(caps == std::vector<std::size_t>{16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768,
                                           1024, 1536});
}
