// Google Benchmark: UPDATE decode and encode (RFC 4271 §4.3) over synthetic feeds shaped
// like a full-table transfer. Reports prefixes per second (items_per_second) and octets
// per second. See docs/performance.md for how to run it and the figures.
//
// Every UPDATE carries ORIGIN, AS_PATH (one AS_SEQUENCE of 3-6 four-octet ASNs), NEXT_HOP,
// MULTI_EXIT_DISC, LOCAL_PREF, COMMUNITIES (2-6) and LARGE_COMMUNITY (1-2), each UPDATE
// with its own values, and IPv4 unicast NLRI in the classic NLRI field:
//   BM_DecodeUpdate/N, BM_EncodeUpdate/N  N /24 prefixes per UPDATE (0: as many as fit in
//                                         4096 octets, about 990);
//   BM_DecodeMix, BM_EncodeMix            1 to ~990 prefixes per UPDATE (mostly few, as
//                                         in a table where most attribute sets are
//                                         shared by a handful of prefixes), prefix lengths
//                                         /16-/24 (mostly /24);
//   BM_DecodeMpReachV6/N                  N IPv6 /48 in MP_REACH_NLRI (RFC 4760).
// One iteration decodes (or encodes) the whole feed, about 2^16 prefixes, so the input
// does not sit in L1 and the attribute values change from one UPDATE to the next.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "bgp/wire/message.hpp"
#include "wire/nlri.hpp"

namespace {

using namespace bgp::wire;

constexpr std::size_t feed_prefixes = 1u << 16;

CodecOptions bench_options() {
    CodecOptions o;
    o.four_octet_as = true;
    o.ibgp = true;  // LOCAL_PREF is expected (RFC 4271 §5.1.5)
    return o;
}

struct Feed {
    std::vector<Message> messages;                // what the encoder gets
    std::vector<std::vector<std::uint8_t>> wire;  // what the decoder gets (header included)
    std::size_t prefixes = 0;
    std::size_t octets = 0;
    std::string problem;  // set by verify(); empty when the feed is sound
};

PathAttributes random_attributes(std::mt19937& rng, bool v6) {
    std::uniform_int_distribution<std::uint32_t> asn(1, 400000);
    std::uniform_int_distribution<std::uint32_t> small(0, 65535);
    std::uniform_int_distribution<int> path_len(3, 6);
    std::uniform_int_distribution<int> n_comm(2, 6);
    std::uniform_int_distribution<int> n_large(1, 2);
    PathAttributes a;
    a.origin = Origin::igp;
    AsSegment seg;
    seg.type = AsSegmentType::as_sequence;
    for (int i = path_len(rng); i > 0; --i) seg.asns.push_back(asn(rng));
    a.as_path = AsPath{{seg}};
    if (!v6) a.next_hop = IpAddress::v4(0xC0000200u | (small(rng) & 0xFF));  // 192.0.2.x
    a.med = small(rng);
    a.local_pref = 100;
    std::vector<std::uint32_t> comms;
    for (int i = n_comm(rng); i > 0; --i) comms.push_back((asn(rng) & 0xFFFF) << 16 | small(rng));
    a.communities = comms;
    std::vector<LargeCommunity> large;
    for (int i = n_large(rng); i > 0; --i) large.push_back({asn(rng), small(rng), small(rng)});
    a.large_communities = large;
    return a;
}

/// Next prefix of `length` bits after `cursor` (aligned, host bits zero).
Prefix next_v4(std::uint32_t& cursor, std::uint8_t length) {
    const std::uint32_t block = 1u << (32 - length);
    cursor = (cursor + block - 1) & ~(block - 1);
    const Prefix p(IpAddress::v4(cursor), length);
    cursor += block;
    if (cursor >= 0xE0000000u) cursor = 0x01000000u;  // stay in 1.0.0.0 - 223.255.255.255
    return p;
}

/// Prefix length for the mixed feed: mostly /24, some shorter (roughly a full table's
/// histogram).
std::uint8_t mixed_length(std::mt19937& rng) {
    static constexpr std::uint8_t lengths[] = {24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24,
                                               23, 23, 22, 22, 22, 21, 20, 20, 19, 18, 17, 16};
    std::uniform_int_distribution<std::size_t> pick(0, std::size(lengths) - 1);
    return lengths[pick(rng)];
}

/// Prefixes per UPDATE for the mixed feed: half carry one, most carry a few, some are full.
std::size_t mixed_count(std::mt19937& rng) {
    std::uniform_int_distribution<int> bucket(0, 99);
    const int b = bucket(rng);
    if (b < 50) return 1;
    if (b < 75) return std::uniform_int_distribution<std::size_t>(2, 4)(rng);
    if (b < 90) return std::uniform_int_distribution<std::size_t>(5, 20)(rng);
    if (b < 98) return std::uniform_int_distribution<std::size_t>(21, 100)(rng);
    return 0;  // as many as fit
}

void add_message(Feed& feed, Update&& u, const CodecOptions& opts) {
    Message m{std::move(u)};
    auto bytes = encode(m, opts);
    if (!bytes) return;
    feed.octets += bytes->size();
    feed.wire.push_back(std::move(*bytes));
    feed.messages.push_back(std::move(m));
}

/// An IPv4 feed: `per_update` prefixes per UPDATE (0: fill each UPDATE; SIZE_MAX: the mix).
Feed make_v4_feed(std::size_t per_update, bool mixed) {
    const CodecOptions opts = bench_options();
    std::mt19937 rng(20020722);
    Feed feed;
    std::uint32_t cursor = 0x01000000u;
    while (feed.prefixes < feed_prefixes) {
        Update u;
        u.attributes = random_attributes(rng, false);
        const std::size_t want = mixed ? mixed_count(rng) : per_update;
        // Room left for NLRI: the size with none, then 1 + (len+7)/8 octets each.
        const std::size_t base = encode(Message{u}, opts)->size();
        std::size_t room = max_message_size - base;
        while ((want == 0 || u.nlri.size() < want) &&
               feed.prefixes + u.nlri.size() < feed_prefixes) {
            const std::uint8_t len = mixed ? mixed_length(rng) : 24;
            const std::size_t need = 1 + (len + 7u) / 8u;
            if (need > room) break;
            room -= need;
            u.nlri.push_back(Nlri{next_v4(cursor, len), std::nullopt});
        }
        feed.prefixes += u.nlri.size();
        add_message(feed, std::move(u), opts);
    }
    return feed;
}

/// An IPv6 feed: `per_update` /48 prefixes per UPDATE in MP_REACH_NLRI.
Feed make_v6_feed(std::size_t per_update) {
    const CodecOptions opts = bench_options();
    std::mt19937 rng(20160811);
    Feed feed;
    std::uint64_t cursor = 0x20010db800000000ull >> 16;  // 2001:db8::/48 onwards, in /48 steps
    while (feed.prefixes < feed_prefixes) {
        Update u;
        u.attributes = random_attributes(rng, true);
        MpReach mp;
        mp.family = ipv6_unicast;
        std::uint8_t nh[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff};
        nh[15] = static_cast<std::uint8_t>(rng());
        mp.next_hops.push_back(IpAddress::v6_bytes(nh));
        for (std::size_t i = 0; i < per_update && feed.prefixes + i < feed_prefixes; ++i) {
            std::uint8_t a[16] = {};
            const std::uint64_t v = cursor++;
            for (int k = 0; k < 6; ++k) a[k] = static_cast<std::uint8_t>(v >> (40 - 8 * k));
            mp.nlri.push_back(Nlri{Prefix(IpAddress::v6_bytes(a), 48), std::nullopt});
        }
        feed.prefixes += mp.nlri.size();
        u.attributes.mp_reach = std::move(mp);
        add_message(feed, std::move(u), opts);
    }
    return feed;
}

std::size_t count_prefixes(const Update& u) {
    std::size_t n = u.nlri.size() + u.withdrawn.size();
    if (u.attributes.mp_reach) n += u.attributes.mp_reach->nlri.size();
    if (u.attributes.mp_unreach) n += u.attributes.mp_unreach->nlri.size();
    return n;
}

/// Checks, once and outside the timing, that the feed decodes cleanly to what was encoded.
/// Returns what is wrong, or an empty string.
std::string verify(const Feed& feed) {
    if (feed.wire.empty()) return "the feed could not be encoded";
    const CodecOptions opts = bench_options();
    std::size_t seen = 0;
    for (const auto& w : feed.wire) {
        auto m = decode_message(w, opts);
        if (!m || !std::holds_alternative<Update>(*m) || !std::get<Update>(*m).errors.empty())
            return "the feed does not decode cleanly";
        seen += count_prefixes(std::get<Update>(*m));
    }
    if (seen != feed.prefixes) return "decoded prefix count differs from the feed's";
    return {};
}

bool feed_ok(const Feed& feed, benchmark::State& state) {
    if (feed.problem.empty()) return true;
    state.SkipWithError(feed.problem.c_str());
    return false;
}

void run_decode(benchmark::State& state, const Feed& feed) {
    if (!feed_ok(feed, state)) return;
    const CodecOptions opts = bench_options();
    for (auto _ : state) {
        for (const auto& w : feed.wire) {
            auto m = decode_message(w, opts);
            benchmark::DoNotOptimize(m);
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(feed.prefixes));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(feed.octets));
    state.counters["updates"] = static_cast<double>(feed.wire.size());
    state.counters["prefixes"] = static_cast<double>(feed.prefixes);
}

void run_encode(benchmark::State& state, const Feed& feed) {
    if (!feed_ok(feed, state)) return;
    const CodecOptions opts = bench_options();
    std::vector<std::uint8_t> out;
    out.reserve(max_extended_message_size);
    for (auto _ : state) {
        for (const auto& m : feed.messages) {
            out.clear();
            auto n = encode_message(m, opts, out);
            benchmark::DoNotOptimize(n);
            benchmark::DoNotOptimize(out.data());
            benchmark::ClobberMemory();
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(feed.prefixes));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(feed.octets));
    state.counters["updates"] = static_cast<double>(feed.wire.size());
    state.counters["prefixes"] = static_cast<double>(feed.prefixes);
}

// Feeds are built once per process (Google Benchmark calls each function several times
// while it settles the iteration count); the map keeps them alive for the whole run.
const Feed& cached_feed(int kind, std::size_t arg) {
    static std::map<std::pair<int, std::size_t>, Feed> feeds;
    auto it = feeds.find({kind, arg});
    if (it == feeds.end()) {
        Feed f = kind == 0   ? make_v4_feed(arg, false)
                 : kind == 1 ? make_v4_feed(0, true)
                             : make_v6_feed(arg);
        f.problem = verify(f);
        it = feeds.emplace(std::pair{kind, arg}, std::move(f)).first;
    }
    return it->second;
}

void BM_DecodeUpdate(benchmark::State& state) {
    run_decode(state, cached_feed(0, static_cast<std::size_t>(state.range(0))));
}

void BM_EncodeUpdate(benchmark::State& state) {
    run_encode(state, cached_feed(0, static_cast<std::size_t>(state.range(0))));
}

void BM_DecodeMix(benchmark::State& state) { run_decode(state, cached_feed(1, 0)); }

void BM_EncodeMix(benchmark::State& state) { run_encode(state, cached_feed(1, 0)); }

void BM_DecodeMpReachV6(benchmark::State& state) {
    run_decode(state, cached_feed(2, static_cast<std::size_t>(state.range(0))));
}

void BM_EncodeMpReachV6(benchmark::State& state) {
    run_encode(state, cached_feed(2, static_cast<std::size_t>(state.range(0))));
}

/// The NLRI field alone (detail::decode_prefixes): /24 prefixes, N per field, over the
/// same 2^16 prefixes, to separate prefix decoding from the rest of the UPDATE.
void BM_DecodeNlriField(benchmark::State& state) {
    const Feed& feed = cached_feed(0, static_cast<std::size_t>(state.range(0)));
    std::vector<std::span<const std::uint8_t>> fields;
    std::size_t octets = 0;
    for (const auto& w : feed.wire) {
        // NLRI field = what follows the Path Attributes (RFC 4271 §4.3).
        const std::size_t wlen = static_cast<std::size_t>(w[19] << 8 | w[20]);
        const std::size_t apos = 21 + wlen;
        const std::size_t alen = static_cast<std::size_t>(w[apos] << 8 | w[apos + 1]);
        fields.emplace_back(w.data() + apos + 2 + alen, w.size() - (apos + 2 + alen));
        octets += fields.back().size();
    }
    std::vector<Nlri> out;
    for (auto _ : state) {
        for (const auto& f : fields) {
            out.clear();
            auto e = detail::decode_prefixes(f, Afi::ipv4, false, out, 10);
            benchmark::DoNotOptimize(e);
            benchmark::DoNotOptimize(out.data());
        }
    }
    if (out.empty()) state.SkipWithError("no prefixes decoded");
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(feed.prefixes));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(octets));
}

BENCHMARK(BM_DecodeUpdate)->ArgName("nlri")->Arg(1)->Arg(10)->Arg(100)->Arg(0);
BENCHMARK(BM_EncodeUpdate)->ArgName("nlri")->Arg(1)->Arg(10)->Arg(100)->Arg(0);
BENCHMARK(BM_DecodeMix);
BENCHMARK(BM_EncodeMix);
BENCHMARK(BM_DecodeMpReachV6)->ArgName("nlri")->Arg(10)->Arg(100);
BENCHMARK(BM_EncodeMpReachV6)->ArgName("nlri")->Arg(10)->Arg(100);
BENCHMARK(BM_DecodeNlriField)->ArgName("nlri")->Arg(1)->Arg(100)->Arg(0);

}  // namespace
