// Google Benchmark: policy evaluation (bgp::policy::PolicyTable::evaluate) over
// routes shaped like a Calico pod network seen by a route reflector.
//
// Routes: 4096 distinct attribute sets (ORIGIN, AS_PATH of 1-4 ASNs, NEXT_HOP,
// LOCAL_PREF, MED, 2-6 communities, 0-1 large communities) with /26 pod blocks
// out of 192.168.0.0/16 (or /24s outside it for the reject case). One
// benchmark iteration evaluates one route; items_per_second = routes per second.
//   BM_PolicyImportAccept       reject-blackhole + accept pod-pools, nothing changed
//   BM_PolicyImportReject       same policy, prefix not in the pool: policy default
//   BM_PolicyImportModify       accept pod-pools setting LOCAL_PREF and adding a
//                               community: one copy of the attributes per route
//   BM_PolicyExportUnchanged    export: next-hop unchanged, accept-all after it
//   BM_PolicyPrefixList/N       a prefix list of N /24 entries, the route matching the
//                               last one (linear scan, worst case)
//   BM_PolicyAsPathOrigin       match on the origin AS among 8 values, then accept
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "bgp/policy/policy.hpp"

namespace {

using namespace bgp;
using namespace bgp::policy;

constexpr std::size_t n_routes = 4096;

struct Routes {
    std::vector<wire::Prefix> prefixes;
    std::vector<wire::PathAttributes> attrs;
};

Routes make_routes(bool in_pool) {
    std::mt19937 rng(42);
    std::uniform_int_distribution<std::uint32_t> asn(64513, 65000);
    std::uniform_int_distribution<int> len(1, 4);
    std::uniform_int_distribution<int> n_comm(2, 6);
    std::uniform_int_distribution<std::uint32_t> small(0, 999);
    Routes r;
    for (std::size_t i = 0; i < n_routes; ++i) {
        const std::uint32_t block = static_cast<std::uint32_t>(i);  // 1024 /26 per /16
        std::uint32_t addr = 0;
        std::uint8_t plen = 26;
        if (in_pool) {
            addr = (192u << 24) | (168u << 16) | ((block % 1024) << 6);
        } else {
            addr = (10u << 24) | (block << 8);
            plen = 24;
        }
        r.prefixes.emplace_back(wire::IpAddress::v4(addr), plen);
        wire::PathAttributes a;
        a.origin = wire::Origin::igp;
        a.as_path.emplace();
        a.as_path->segments.push_back({wire::AsSegmentType::as_sequence, {}});
        for (int k = len(rng); k > 0; --k) a.as_path->segments[0].asns.push_back(asn(rng));
        a.next_hop = wire::IpAddress::v4((198u << 24) | (18u << 16) | small(rng));
        a.local_pref = 100;
        a.med = small(rng);
        a.communities.emplace();
        for (int k = n_comm(rng); k > 0; --k) a.communities->push_back((64512u << 16) | small(rng));
        if (i % 2) a.large_communities = std::vector<wire::LargeCommunity>{{64512, 1, small(rng)}};
        r.attrs.push_back(std::move(a));
    }
    return r;
}

Context context() {
    Context c;
    c.neighbor_address = *wire::IpAddress::parse("198.18.0.2");
    c.neighbor_as = 64512;
    c.local_as = 64512;
    c.local_address_v4 = *wire::IpAddress::parse("198.18.0.1");
    return c;
}

PolicyConfig pod_config(bool modify) {
    PolicyConfig c;
    c.prefix_lists.push_back({"pod-pools",
                              {PrefixListEntry{*wire::Prefix::parse("192.168.0.0/16"), 26, 26},
                               PrefixListEntry{*wire::Prefix::parse("fd00:10::/48"), 122, 122}}});
    c.community_lists.push_back({"blackhole", {*CommunityPattern::parse("blackhole")}});
    Term bh;
    bh.name = std::string("no-blackholes");
    bh.match.communities = SetRef{"blackhole"};
    bh.action = TermAction::reject;
    Term pools;
    pools.name = std::string("pools");
    pools.match.prefix_list = SetRef{"pod-pools"};
    pools.action = TermAction::accept;
    if (modify) {
        pools.modify.local_pref = 200;
        pools.modify.communities.add = {(64512u << 16) | 1000};
    }
    c.definitions.push_back({"import", {bh, pools}, TermAction::reject});
    return c;
}

void run(benchmark::State& state, const PolicyTable& table, const PolicyChain& chain,
         const Routes& routes, bool expect_accept, bool expect_modified) {
    const Context ctx = context();
    // Outside the timing: the policy does what the benchmark claims.
    for (std::size_t i = 0; i < n_routes; ++i) {
        const Result r = table.evaluate(chain, routes.prefixes[i], routes.attrs[i], ctx);
        if (r.accepted() != expect_accept || r.modified() != expect_modified) {
            state.SkipWithError("policy result differs from what the benchmark measures");
            return;
        }
    }
    std::size_t i = 0;
    for (auto _ : state) {
        Result r = table.evaluate(chain, routes.prefixes[i], routes.attrs[i], ctx);
        benchmark::DoNotOptimize(r);
        i = (i + 1) % n_routes;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_PolicyImportAccept(benchmark::State& state) {
    static const Routes routes = make_routes(true);
    const PolicyTable table(pod_config(false));
    run(state, table, table.chain({"import"}), routes, true, false);
}
BENCHMARK(BM_PolicyImportAccept);

void BM_PolicyImportReject(benchmark::State& state) {
    static const Routes routes = make_routes(false);
    const PolicyTable table(pod_config(false));
    run(state, table, table.chain({"import"}), routes, false, false);
}
BENCHMARK(BM_PolicyImportReject);

void BM_PolicyImportModify(benchmark::State& state) {
    static const Routes routes = make_routes(true);
    const PolicyTable table(pod_config(true));
    run(state, table, table.chain({"import"}), routes, true, true);
}
BENCHMARK(BM_PolicyImportModify);

void BM_PolicyExportUnchanged(benchmark::State& state) {
    static const Routes routes = make_routes(true);
    PolicyConfig c;
    Term t;
    t.name = std::string("nh");
    t.modify.next_hop = NextHopChange{NextHopChange::Kind::unchanged, {}};
    c.definitions.push_back({"export", {t}, TermAction::next});
    const PolicyTable table(std::move(c));
    run(state, table, table.chain({"export", "all"}), routes, true, false);
}
BENCHMARK(BM_PolicyExportUnchanged);

void BM_PolicyPrefixList(benchmark::State& state) {
    static const Routes routes = make_routes(false);
    const auto n = static_cast<std::uint32_t>(state.range(0));
    PolicyConfig c;
    PrefixList list{"big", {}};
    for (std::uint32_t k = 0; k < n; ++k)  // 11.x.y.0/24: none of the routes
        list.entries.push_back(
            {wire::Prefix(wire::IpAddress::v4((11u << 24) | (k << 8)), 24), {}, {}});
    list.entries.push_back({*wire::Prefix::parse("10.0.0.0/8"), {}, 24});  // all of them
    c.prefix_lists.push_back(std::move(list));
    Term t;
    t.name = std::string("big");
    t.match.prefix_list = SetRef{"big"};
    t.action = TermAction::accept;
    c.definitions.push_back({"p", {t}, TermAction::reject});
    const PolicyTable table(std::move(c));
    run(state, table, table.chain({"p"}), routes, true, false);
}
BENCHMARK(BM_PolicyPrefixList)->Arg(10)->Arg(100)->Arg(1000);

void BM_PolicyAsPathOrigin(benchmark::State& state) {
    static const Routes routes = make_routes(true);
    PolicyConfig c;
    Term t;
    t.name = std::string("from-peers");
    for (std::uint32_t a = 0; a < 8; ++a) t.match.as_path.originates_from.push_back(70000 + a);
    t.action = TermAction::reject;
    c.definitions.push_back({"p", {t}, TermAction::accept});
    const PolicyTable table(std::move(c));
    run(state, table, table.chain({"p"}), routes, true, false);
}
BENCHMARK(BM_PolicyAsPathOrigin);

}  // namespace
