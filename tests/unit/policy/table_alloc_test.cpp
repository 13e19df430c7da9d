// PolicyTable::evaluate allocates nothing unless an attribute changes
// (libbgp/src/policy/table.cpp, modify.cpp): counted with a replacement of the
// global operator new for this test binary.
//
// The replacement is weak, so another test file may bring its own without a
// link error; if ours is not the one in use, the probe below sees no count and
// the test says so instead of passing silently.
#include <cstdlib>
#include <new>

#include <catch2/catch_test_macros.hpp>

#include "policy_test_support.hpp"

namespace {
thread_local std::size_t policy_alloc_count = 0;
}

__attribute__((weak)) void* operator new(std::size_t n) {
    ++policy_alloc_count;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
__attribute__((weak)) void* operator new[](std::size_t n) {
    ++policy_alloc_count;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
// The nothrow forms too: every unaligned form must come from the same
// allocator (ASan checks new/delete pairs; Catch2 uses new (std::nothrow)).
__attribute__((weak)) void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    ++policy_alloc_count;
    return std::malloc(n ? n : 1);
}
__attribute__((weak)) void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    ++policy_alloc_count;
    return std::malloc(n ? n : 1);
}
__attribute__((weak)) void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
__attribute__((weak)) void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
__attribute__((weak)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((weak)) void operator delete[](void* p) noexcept { std::free(p); }
__attribute__((weak)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
__attribute__((weak)) void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

using namespace bgp;
using namespace bgp::policy;
using namespace bgp::policy::test;

namespace {

/// Allocations made by `f`, or nullopt when the counter is not the active operator new.
template <class F>
std::optional<std::size_t> allocations(F&& f) {
    const std::size_t probe_before = policy_alloc_count;
    auto* probe = new int(7);
    const bool counting = policy_alloc_count != probe_before;
    delete probe;
    if (!counting) return std::nullopt;
    const std::size_t before = policy_alloc_count;
    f();
    return policy_alloc_count - before;
}

PolicyTable pod_table() {
    PolicyConfig c;
    c.prefix_lists.push_back({"pods", {PrefixListEntry{pfx("192.168.0.0/16"), 26, 26}}});
    c.community_lists.push_back({"bh", {*CommunityPattern::parse("blackhole")}});
    c.large_community_lists.push_back({"l", {*LargeCommunityPattern::parse("64512:*:*")}});
    Match bh;
    bh.communities = SetRef{"bh"};
    bh.large_communities = SetRef{"l", MatchSet::none};
    Match pools;
    pools.prefix_list = SetRef{"pods"};
    pools.as_path.max_length = 8;
    pools.next_hop = {pfx("198.18.0.0/15")};
    Modify same;
    same.local_pref = 100;                                            // already 100
    same.communities.add = {comm(64512, 1)};                          // already there
    same.communities.remove = {*CommunityPattern::parse("65000:*")};  // nothing to remove
    same.next_hop = NextHopChange{NextHopChange::Kind::unchanged, {}};
    Modify lp;
    lp.local_pref = 300;
    c.definitions.push_back({"import",
                             {Term{std::string("bh"), bh, {}, TermAction::reject},
                              Term{std::string("same"), {}, same, TermAction::next},
                              Term{std::string("pools"), pools, {}, TermAction::accept}},
                             TermAction::reject});
    c.definitions.push_back(
        {"lp", {Term{std::string("lp"), {}, lp, TermAction::accept}}, TermAction::reject});
    return PolicyTable(std::move(c));
}

}  // namespace

TEST_CASE("Evaluation without changes allocates nothing", "[policy][table]") {
    const PolicyTable table = pod_table();
    const PolicyChain chain = table.chain({"import"});
    const auto attrs = v4_attrs();
    const auto ctx = ctx_in();
    const auto accepted_prefix = pfx("192.168.1.64/26");
    const auto rejected_prefix = pfx("10.0.0.0/24");
    bool accepted = false;
    bool rejected = false;
    const auto n = allocations([&] {
        for (int i = 0; i < 100; ++i) {
            accepted = table.evaluate(chain, accepted_prefix, attrs, ctx).accepted();
            rejected = !table.evaluate(chain, rejected_prefix, attrs, ctx).accepted();
        }
    });
    CHECK(accepted);
    CHECK(rejected);
    if (!n) {
        WARN("operator new is not the counting one in this binary: allocation count not checked");
        return;
    }
    CHECK(*n == 0);
}

TEST_CASE("A change costs the copy of the attributes, nothing per term", "[policy][table]") {
    const PolicyTable table = pod_table();
    const PolicyChain chain = table.chain({"lp"});
    const auto attrs = v4_attrs();
    const auto ctx = ctx_in();
    Result r;
    const auto n = allocations([&] { r = table.evaluate(chain, pfx("10.0.0.0/24"), attrs, ctx); });
    REQUIRE(r.modified());
    CHECK(r.attributes->local_pref == 300u);
    if (!n) {
        WARN("operator new is not the counting one in this binary: allocation count not checked");
        return;
    }
    // Exactly what one copy of the attributes costs, plus the copy's own block.
    const auto one_copy = allocations([&] {
        wire::PathAttributes copy = attrs;
        CHECK(copy == attrs);
    });
    REQUIRE(one_copy);
    CHECK(*one_copy > 0);
    CHECK(*n == *one_copy + 1);
}
