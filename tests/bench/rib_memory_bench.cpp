// Memory per route of the RIB (issue 4): one million IPv4 /24 routes from one
// peer, sharing a realistic spread of attribute sets, held in the Adj-RIB-In
// and the Loc-RIB, measured as resident memory (VmRSS) above the empty process.
//
// Two ways to run it:
//   BGP_RIB_MEMORY=1 build/bin/bgp-bench
//       runs the measurement in a fresh process before main() (nothing else
//       allocated yet: the baseline is the empty process), prints one line per
//       figure and exits. Knobs: BGP_RIB_MEMORY_ROUTES (default 1000000),
//       BGP_RIB_MEMORY_SETS (distinct attribute sets, default 20 % of routes),
//       BGP_RIB_MEMORY_POLICY=1 (import policy changes every set: post-policy
//       attributes differ from pre-policy ones), BGP_RIB_MEMORY_IPV6=1 (1M IPv6 /48
//       with an MP_REACH next hop instead), BGP_RIB_MEMORY_OUT_PEERS=N (then also
//       the Adj-RIB-Out of N reflector clients holding every route), with
//       BGP_RIB_MEMORY_OUT_GROUP=1 the N clients share one UpdateGroup instead of
//       an AdjRibOut each (figure still per route per client).
//   build/bin/bgp-bench --benchmark_filter=BM_RibMemory
//       the same measurement in a child process, reported as counters.
//
// The spread: a full table seen from one peer of the 2002 RouteViews dump in
// tests/corpus (bgpdump/bview.20020722.2337) has 112,986 prefixes, 20,011
// distinct attribute sets (17.7 %) and 17,636 distinct AS paths (15.6 %). Here:
// sets = 20 % of routes, AS paths = 80 % of sets, path length 1-9 (mostly
// 3-5), half the sets with 1-4 communities from a pool of 2,000, the sets that
// share an AS path told apart by one community, 20 % with a MED; routes are
// spread over the sets with a skew (a few sets carry many prefixes, most sets
// a handful), every set used at least once.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include "bgp/rib/adj_rib_out.hpp"
#include "bgp/rib/rib.hpp"
#include "bgp/rib/update_group.hpp"

extern char** environ;

namespace {

using namespace bgp;

long rss_kib() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

std::size_t env_size(const char* name, std::size_t dflt) {
    const char* v = std::getenv(name);
    return v && *v ? static_cast<std::size_t>(std::strtoull(v, nullptr, 10)) : dflt;
}

// splitmix64: small, fast, 32-bit results.
struct Rng {
    std::uint64_t s;
    std::uint32_t operator()() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return static_cast<std::uint32_t>((z ^ (z >> 31)) >> 32);
    }
};

// The attribute set number `j` of `sets` (deterministic in j).
wire::PathAttributes make_set(std::size_t j, std::size_t paths) {
    const std::size_t path_no = j % paths;
    Rng path_rng{path_no * 2654435761u + 1};
    Rng rng{j * 40503u + 7};
    static constexpr int lengths[] = {1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 7, 8, 9};
    const int len = lengths[path_rng() % std::size(lengths)];
    wire::PathAttributes a;
    const auto o = rng() % 50;
    a.origin = o == 0 ? wire::Origin::egp : (o < 5 ? wire::Origin::incomplete : wire::Origin::igp);
    wire::AsSegment seg;
    seg.type = wire::AsSegmentType::as_sequence;
    seg.asns.push_back(65001);  // the peer's AS first
    for (int i = 1; i < len; ++i) seg.asns.push_back(1 + path_rng() % 400000);
    // Make each path number distinct whatever the random draw.
    seg.asns.push_back(static_cast<std::uint32_t>(4200000000u + path_no));
    a.as_path = wire::AsPath{{seg}};
    a.next_hop = wire::IpAddress::v4(0xC6120001);  // 198.18.0.1, the peer
    std::vector<std::uint32_t> comms;
    if (rng() % 2 == 0) {
        const auto n = 1 + rng() % 4;
        for (std::uint32_t i = 0; i < n; ++i) comms.push_back((3356u << 16) | (rng() % 2000));
        std::sort(comms.begin(), comms.end());
        comms.erase(std::unique(comms.begin(), comms.end()), comms.end());
    }
    if (j >= paths) comms.push_back((65001u << 16) | static_cast<std::uint32_t>(j / paths));
    if (!comms.empty()) a.communities = std::move(comms);
    if (rng() % 5 == 0) a.med = rng() % 100;
    return a;
}

struct Figures {
    std::size_t routes = 0;
    std::size_t sets = 0;
    std::size_t as_paths = 0;
    std::size_t out_peers = 0;
    bool out_group = false;
    double out_bytes_per_route_per_peer = 0;
    long rss_before_kib = 0;
    long rss_after_kib = 0;
    double bytes_per_route = 0;
    double heap_bytes_per_route = 0;
    bgp::rib::RibMemory rib;
};

// Route i of the table: 32.0.0.0/24 upwards for IPv4 (as the shared benchmark's
// scenario b), 2001:db8::/48-style /48s (2000::/3 space) for IPv6.
template <class F>
wire::Prefix route_prefix(std::size_t i) {
    if constexpr (F::family == wire::ipv4_unicast) {
        return wire::Prefix(wire::IpAddress::v4(0x20000000u + static_cast<std::uint32_t>(i << 8)),
                            24);
    } else {
        std::array<std::uint8_t, 16> b{0x20, 0x01};
        b[2] = static_cast<std::uint8_t>(i >> 24);
        b[3] = static_cast<std::uint8_t>(i >> 16);
        b[4] = static_cast<std::uint8_t>(i >> 8);
        b[5] = static_cast<std::uint8_t>(i);
        return wire::Prefix(wire::IpAddress::v6_bytes(b.data()), 48);
    }
}

template <class F>
Figures measure(std::size_t routes, std::size_t sets, bool policy) {
    Figures f;
    f.routes = routes;
    malloc_trim(0);
    const long before = rss_kib();
    const auto heap_before = mallinfo2();
    const std::size_t paths = std::max<std::size_t>(1, sets * 4 / 5);

    // Routes over sets: the first `sets` routes use each set once, the rest
    // pick with a skew towards low set numbers.
    std::mt19937 rng(12345);
    std::uniform_real_distribution<double> u(0.0, 1.0);

    auto* store = new rib::AttrStore;
    rib::RibConfig cfg;
    cfg.local_as = 65000;
    cfg.router_id = 0x0A000001;
    auto* table = new rib::Rib<F>(*store, cfg);
    rib::PeerInfo peer;
    peer.address = wire::IpAddress::v4(0xC6120001);
    peer.asn = 65001;
    peer.router_id = 0xC6120001;
    const auto id = table->add_peer(peer);
    for (std::size_t i = 0; i < routes; ++i) {
        const std::size_t j =
            i < sets ? i
                     : static_cast<std::size_t>(static_cast<double>(sets) * std::pow(u(rng), 3.0));
        auto attrs = make_set(std::min(j, sets - 1), paths);
        if constexpr (F::family == wire::ipv6_unicast) {
            // IPv6: the next hop in MP_REACH_NLRI (RFC 4760).
            attrs.next_hop.reset();
            wire::MpReach mp;
            mp.family = wire::ipv6_unicast;
            mp.next_hops = {*wire::IpAddress::parse("2001:db8::1")};
            attrs.mp_reach = std::move(mp);
        }
        rib::AttrRef in = rib::intern(*store, attrs);
        rib::AttrRef out = in;
        if (policy) {
            auto m = attrs;
            m.local_pref = 200;
            out = rib::intern(*store, m);
        }
        table->announce(id, route_prefix<F>(i), 0, in.id(), out.id());
    }
    malloc_trim(0);
    const long after = rss_kib();
    const auto heap_after = mallinfo2();
    f.sets = store->size();
    f.as_paths = store->stats().as_paths;
    f.rss_before_kib = before;
    f.rss_after_kib = after;
    f.bytes_per_route = static_cast<double>(after - before) * 1024.0 / static_cast<double>(routes);
    const auto heap = [](const struct mallinfo2& m) { return m.uordblks + m.hblkhd; };
    f.heap_bytes_per_route =
        (static_cast<double>(heap(heap_after)) - static_cast<double>(heap(heap_before))) /
        static_cast<double>(routes);
    f.rib = table->memory();
    if (table->prefix_count() != routes) f.bytes_per_route = -1;  // the table is wrong

    // Optional: Adj-RIB-Out of N iBGP clients, every best route synced and sent.
    f.out_peers = env_size("BGP_RIB_MEMORY_OUT_PEERS", 0);
    if (f.out_peers != 0) {
        std::vector<rib::PeerId> clients;
        for (std::size_t c = 0; c < f.out_peers; ++c) {
            rib::PeerInfo ci;
            ci.address = wire::IpAddress::v4(0x7F010000u + static_cast<std::uint32_t>(c) + 1);
            ci.asn = 65000;
            ci.router_id = ci.address.v4_value();
            ci.rr_client = true;
            clients.push_back(table->add_peer(ci));
        }
        wire::CodecOptions o;
        o.ibgp = true;
        f.out_group = env_size("BGP_RIB_MEMORY_OUT_GROUP", 0) != 0;
        std::vector<std::unique_ptr<rib::AdjRibOut<F>>> outs;
        std::unique_ptr<rib::UpdateGroup<F>> group;
        if (f.out_group) {
            // Same export result for every client (same policy, all RR clients):
            // one group, synced with the first client's advertisements; the
            // encoded bytes (handed to every member) are dropped once written.
            group = std::make_unique<rib::UpdateGroup<F>>(*store, false, o);
            for (std::size_t i = 0; i < routes; ++i) {
                const auto p = route_prefix<F>(i);
                group->sync(p, rib::advertisements(*table, p, clients[0]));
                if (i % 4096 == 4095 || i + 1 == routes)
                    while (group->pending() != 0) (void)group->take_encoded(1u << 16);
            }
        } else {
            for (std::size_t c = 0; c < f.out_peers; ++c)
                outs.push_back(std::make_unique<rib::AdjRibOut<F>>(*store, false));
            for (std::size_t i = 0; i < routes; ++i) {
                const auto p = route_prefix<F>(i);
                for (std::size_t c = 0; c < f.out_peers; ++c) {
                    outs[c]->sync(p, rib::advertisements(*table, p, clients[c]));
                    if (i % 4096 == 4095 || i + 1 == routes) (void)outs[c]->take_updates(o);
                }
            }
        }
        malloc_trim(0);
        const long with_out = rss_kib();
        f.out_bytes_per_route_per_peer = static_cast<double>(with_out - after) * 1024.0 /
                                         static_cast<double>(routes * f.out_peers);
    }
    delete table;
    delete store;
    return f;
}

void print(const Figures& f) {
    std::printf("rib-memory routes=%zu attr_sets=%zu as_paths=%zu\n", f.routes, f.sets, f.as_paths);
    std::printf("rib-memory rss_before_kib=%ld rss_after_kib=%ld\n", f.rss_before_kib,
                f.rss_after_kib);
    std::printf("rib-memory rss_bytes_per_route=%.1f heap_bytes_per_route=%.1f\n",
                f.bytes_per_route, f.heap_bytes_per_route);
    if (f.out_peers)
        std::printf(
            "rib-memory adj_rib_out_peers=%zu update_group=%d "
            "adj_rib_out_bytes_per_route_per_peer=%.1f\n",
            f.out_peers, f.out_group ? 1 : 0, f.out_bytes_per_route_per_peer);
    std::printf(
        "rib-memory entries=%zu entry_bytes=%zu index_bytes=%zu path_array_bytes=%zu "
        "(per route: %.1f + %.1f + %.1f)\n",
        f.rib.entries, f.rib.entry_bytes, f.rib.index_bytes, f.rib.path_bytes,
        static_cast<double>(f.rib.entry_bytes) / static_cast<double>(f.routes),
        static_cast<double>(f.rib.index_bytes) / static_cast<double>(f.routes),
        static_cast<double>(f.rib.path_bytes) / static_cast<double>(f.routes));
    std::fflush(stdout);
}

// Standalone mode: before main(), in a process that has allocated nothing yet.
const bool standalone = [] {
    if (!std::getenv("BGP_RIB_MEMORY")) return false;
    const std::size_t routes = env_size("BGP_RIB_MEMORY_ROUTES", 1000000);
    const std::size_t sets = env_size("BGP_RIB_MEMORY_SETS", routes / 5);
    const bool policy = env_size("BGP_RIB_MEMORY_POLICY", 0) != 0;
    const bool v6 = env_size("BGP_RIB_MEMORY_IPV6", 0) != 0;
    const Figures f = v6 ? measure<rib::Ipv6>(routes, std::max<std::size_t>(1, sets), policy)
                         : measure<rib::Ipv4>(routes, std::max<std::size_t>(1, sets), policy);
    print(f);
    std::_Exit(f.bytes_per_route < 0 ? 1 : 0);
}();

// Benchmark mode: the standalone mode in a child process, figures as counters.
void BM_RibMemory(benchmark::State& state) {
    const auto routes = static_cast<std::size_t>(state.range(0));
    std::string out;
    for (auto _ : state) {
        int fds[2];
        if (pipe(fds) != 0) {
            state.SkipWithError("pipe");
            return;
        }
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        posix_spawn_file_actions_addclose(&fa, fds[0]);
        std::vector<std::string> env_s = {"BGP_RIB_MEMORY=1",
                                          "BGP_RIB_MEMORY_ROUTES=" + std::to_string(routes)};
        std::vector<char*> envp;
        for (auto& s : env_s) envp.push_back(s.data());
        envp.push_back(nullptr);
        char self[] = "/proc/self/exe";
        char* argv[] = {self, nullptr};
        pid_t pid = 0;
        const int rc = posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv, envp.data());
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        out.clear();
        char buf[4096];
        ssize_t n = 0;
        while (rc == 0 && (n = read(fds[0], buf, sizeof buf)) > 0)
            out.append(buf, static_cast<std::size_t>(n));
        close(fds[0]);
        int status = 0;
        if (rc != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            state.SkipWithError("child measurement failed");
            return;
        }
    }
    auto field = [&](const char* key) {
        const auto pos = out.find(key);
        return pos == std::string::npos
                   ? -1.0
                   : std::strtod(out.c_str() + pos + std::strlen(key), nullptr);
    };
    state.counters["rss_B_per_route"] = field("rss_bytes_per_route=");
    state.counters["heap_B_per_route"] = field("heap_bytes_per_route=");
    state.counters["attr_sets"] = field("attr_sets=");
}
BENCHMARK(BM_RibMemory)->Arg(100000)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
