// Google Benchmark: the RIB (issue 4). Reports routes per second
// (items_per_second). See docs/performance.md for the figures.
//
//   BM_RibInsert/N          N IPv4 /24 from one peer into an empty Rib, attributes
//                           already interned (1,000 sets), then the Rib destroyed;
//   BM_RibInternAndInsert/N the same with each route's attributes interned from a
//                           wire::PathAttributes first (what an UPDATE handler does);
//   BM_RibBestChange/N      N prefixes with paths from two peers; each iteration the
//                           second peer's paths turn better, then worse, so every
//                           prefix's best path changes twice (2N changes);
//   BM_RibWithdrawPeer/N    a peer with N paths (each prefix also held by a second
//                           peer) removed: its paths withdrawn, every best path moves;
//   BM_DecisionRank/K       ranking K candidate paths of one prefix;
//   BM_UpdateGeneration/N   N prefixes (100 exported attribute sets) synced into an
//                           Adj-RIB-Out, packed into UPDATEs and encoded (4096 octets).
//   BM_UpdateGroupMembers/M 100k prefixes (100 sets) for M peers sharing one UpdateGroup:
//                           synced once, take_encoded(64 KiB) until drained, every
//                           buffer appended to the M members' write queues;
//   BM_AdjRibOutPeers/M     the same M peers with one AdjRibOut each: synced M times,
//                           each peer's UPDATEs encoded into its own buffers.
//                           Both count routes delivered (100k x M) per second.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "bgp/rib/adj_rib_out.hpp"
#include "bgp/rib/rib.hpp"
#include "bgp/rib/update_group.hpp"

namespace {

using namespace bgp;
using namespace bgp::rib;

RibConfig config() {
    RibConfig c;
    c.local_as = 65000;
    c.router_id = 0x0A000001;
    return c;
}

PeerInfo peer(std::uint32_t n, std::uint32_t asn) {
    PeerInfo p;
    p.address = wire::IpAddress::v4(0xC6120000u + n);
    p.asn = asn;
    p.router_id = 0xC6120000u + n;
    return p;
}

wire::PathAttributes path(std::uint32_t first_as, std::uint32_t j, std::uint32_t extra = 0) {
    wire::PathAttributes a;
    a.origin = wire::Origin::igp;
    wire::AsSegment s;
    s.asns = {first_as, 3356, 1000 + j % 5000, 20000 + j};
    for (std::uint32_t i = 0; i < extra; ++i) s.asns.push_back(first_as);
    a.as_path = wire::AsPath{{s}};
    a.next_hop = wire::IpAddress::v4(0xC6120001);
    if (j % 2) a.communities = std::vector<std::uint32_t>{(3356u << 16) | (j % 100)};
    return a;
}

wire::Prefix prefix(std::size_t i) {
    return wire::Prefix(wire::IpAddress::v4(0x20000000u + static_cast<std::uint32_t>(i << 8)), 24);
}

void BM_RibInsert(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    AttrStore store;
    std::vector<AttrRef> sets;
    for (std::uint32_t j = 0; j < 1000; ++j) sets.push_back(intern(store, path(65001, j)));
    for (auto _ : state) {
        Rib<Ipv4> rib(store, config());
        const PeerId p = rib.add_peer(peer(1, 65001));
        for (std::size_t i = 0; i < n; ++i) rib.announce(p, prefix(i), 0, sets[i % 1000].id());
        benchmark::DoNotOptimize(rib.prefix_count());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_RibInsert)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_RibInternAndInsert(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::vector<wire::PathAttributes> attrs;
    for (std::uint32_t j = 0; j < 1000; ++j) attrs.push_back(path(65001, j));
    for (auto _ : state) {
        AttrStore store;
        Rib<Ipv4> rib(store, config());
        const PeerId p = rib.add_peer(peer(1, 65001));
        for (std::size_t i = 0; i < n; ++i) {
            AttrRef a = intern(store, attrs[i % 1000]);
            rib.announce(p, prefix(i), 0, a.id());
        }
        benchmark::DoNotOptimize(rib.prefix_count());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_RibInternAndInsert)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_RibBestChange(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    AttrStore store;
    Rib<Ipv4> rib(store, config());
    const PeerId a = rib.add_peer(peer(1, 65001));
    const PeerId b = rib.add_peer(peer(2, 65002));
    AttrRef mid = intern(store, path(65001, 1, 1));     // 5 ASes
    AttrRef better = intern(store, path(65002, 2, 0));  // 4 ASes
    AttrRef worse = intern(store, path(65002, 3, 2));   // 6 ASes
    for (std::size_t i = 0; i < n; ++i) {
        rib.announce(a, prefix(i), 0, mid.id());
        rib.announce(b, prefix(i), 0, worse.id());
    }
    std::size_t changes = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < n; ++i)
            changes += rib.announce(b, prefix(i), 0, better.id()).best_changed;
        for (std::size_t i = 0; i < n; ++i)
            changes += rib.announce(b, prefix(i), 0, worse.id()).best_changed;
    }
    if (changes != 2 * n * static_cast<std::size_t>(state.iterations()))
        state.SkipWithError("best path did not change");
    state.SetItemsProcessed(state.iterations() * 2 * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_RibBestChange)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_RibWithdrawPeer(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    AttrStore store;
    AttrRef x = intern(store, path(65001, 1));
    AttrRef y = intern(store, path(65002, 2, 1));
    for (auto _ : state) {
        state.PauseTiming();
        auto rib = std::make_unique<Rib<Ipv4>>(store, config());
        const PeerId a = rib->add_peer(peer(1, 65001));
        const PeerId b = rib->add_peer(peer(2, 65002));
        for (std::size_t i = 0; i < n; ++i) {
            rib->announce(a, prefix(i), 0, x.id());
            rib->announce(b, prefix(i), 0, y.id());
        }
        state.ResumeTiming();
        benchmark::DoNotOptimize(rib->remove_peer(a));
        state.PauseTiming();
        rib.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_RibWithdrawPeer)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_DecisionRank(benchmark::State& state) {
    const auto k = static_cast<std::size_t>(state.range(0));
    AttrStore store;
    std::vector<AttrRef> sets;
    std::vector<PeerInfo> peers;
    for (std::size_t i = 0; i < k; ++i) {
        auto a = path(65001 + static_cast<std::uint32_t>(i % 3), static_cast<std::uint32_t>(i));
        a.med = static_cast<std::uint32_t>(i * 7 % 11);
        sets.push_back(intern(store, a));
        peers.push_back(
            peer(static_cast<std::uint32_t>(i + 1), 65001 + static_cast<std::uint32_t>(i % 3)));
    }
    std::vector<Candidate> c(k);
    for (std::size_t i = 0; i < k; ++i) {
        c[i].attrs = &*sets[i];
        c[i].peer = &peers[i];
    }
    DecisionOptions o;
    for (auto _ : state) benchmark::DoNotOptimize(rank(c, o, 100));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_DecisionRank)->Arg(2)->Arg(8)->Arg(32);

void BM_UpdateGeneration(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    AttrStore store;
    std::vector<Advertisement> ads;
    for (std::uint32_t j = 0; j < 100; ++j) {
        Advertisement a;
        a.attrs = path(65000, j);
        a.attrs.local_pref = 100;
        ads.push_back(std::move(a));
    }
    wire::CodecOptions o;
    o.ibgp = true;
    std::size_t octets = 0;
    std::vector<std::uint8_t> buf;
    for (auto _ : state) {
        AdjRibOut<Ipv4> out(store, false);
        for (std::size_t i = 0; i < n; ++i)
            out.sync(prefix(i), std::span<const Advertisement>(&ads[i % 100], 1));
        for (const auto& u : out.take_updates(o)) {
            buf.clear();
            if (!wire::encode_message(wire::Message{u}, o, buf)) state.SkipWithError("encode");
            octets += buf.size();
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
    state.SetBytesProcessed(static_cast<std::int64_t>(octets));
}
BENCHMARK(BM_UpdateGeneration)->Arg(100000)->Unit(benchmark::kMillisecond);

std::vector<Advertisement> hundred_sets() {
    std::vector<Advertisement> ads;
    for (std::uint32_t j = 0; j < 100; ++j) {
        Advertisement a;
        a.attrs = path(65000, j);
        a.attrs.local_pref = 100;
        ads.push_back(std::move(a));
    }
    return ads;
}

constexpr std::size_t group_routes = 100000;

void BM_UpdateGroupMembers(benchmark::State& state) {
    const auto members = static_cast<std::size_t>(state.range(0));
    AttrStore store;
    const auto ads = hundred_sets();
    wire::CodecOptions o;
    o.ibgp = true;
    std::size_t octets = 0;
    for (auto _ : state) {
        UpdateGroup<Ipv4> g(store, false, o);
        std::vector<std::vector<Bytes>> queues(members);
        for (std::size_t i = 0; i < group_routes; ++i)
            g.sync(prefix(i), std::span<const Advertisement>(&ads[i % 100], 1));
        while (g.pending() != 0)
            for (const auto& b : g.take_encoded(65536)) {
                for (auto& q : queues) q.push_back(b);
                octets += b->size() * members;
            }
        benchmark::DoNotOptimize(queues.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(group_routes * members));
    state.SetBytesProcessed(static_cast<std::int64_t>(octets));
}
BENCHMARK(BM_UpdateGroupMembers)->Arg(1)->Arg(4)->Arg(16)->Unit(benchmark::kMillisecond);

void BM_AdjRibOutPeers(benchmark::State& state) {
    const auto members = static_cast<std::size_t>(state.range(0));
    AttrStore store;
    const auto ads = hundred_sets();
    wire::CodecOptions o;
    o.ibgp = true;
    std::size_t octets = 0;
    for (auto _ : state) {
        std::vector<std::unique_ptr<AdjRibOut<Ipv4>>> outs;
        std::vector<std::vector<Bytes>> queues(members);
        for (std::size_t m = 0; m < members; ++m)
            outs.push_back(std::make_unique<AdjRibOut<Ipv4>>(store, false));
        for (std::size_t i = 0; i < group_routes; ++i)
            for (auto& out : outs)
                out->sync(prefix(i), std::span<const Advertisement>(&ads[i % 100], 1));
        for (std::size_t m = 0; m < members; ++m)
            for (const auto& u : outs[m]->take_updates(o)) {
                auto e = wire::encode(wire::Message{u}, o);
                if (!e) state.SkipWithError("encode");
                octets += e->size();
                queues[m].push_back(
                    std::make_shared<const std::vector<std::uint8_t>>(std::move(*e)));
            }
        benchmark::DoNotOptimize(queues.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(group_routes * members));
    state.SetBytesProcessed(static_cast<std::int64_t>(octets));
}
BENCHMARK(BM_AdjRibOutPeers)->Arg(1)->Arg(4)->Arg(16)->Unit(benchmark::kMillisecond);

void BM_UpdateGroupSnapshot(benchmark::State& state) {
    // A member joining a group that has advertised 100k routes: the snapshot,
    // 64 KiB per call.
    AttrStore store;
    const auto ads = hundred_sets();
    wire::CodecOptions o;
    o.ibgp = true;
    UpdateGroup<Ipv4> g(store, false, o);
    for (std::size_t i = 0; i < group_routes; ++i)
        g.sync(prefix(i), std::span<const Advertisement>(&ads[i % 100], 1));
    while (g.pending() != 0) (void)g.take_encoded(1u << 20);
    std::size_t octets = 0;
    for (auto _ : state) {
        auto s = g.begin_snapshot();
        while (!g.snapshot_done(s))
            for (const auto& b : g.snapshot_next(s, 65536)) octets += b->size();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(group_routes));
    state.SetBytesProcessed(static_cast<std::int64_t>(octets));
}
BENCHMARK(BM_UpdateGroupSnapshot)->Unit(benchmark::kMillisecond);

}  // namespace
