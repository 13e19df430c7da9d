// Google Benchmark: full-table MRT replay (RFC 6396). Reads real RIPE RIS dumps from the
// test corpus, decompressed once outside the timed loop, and decodes every record:
//   BM_MrtReplay/bview      bview.20020722.2337: TABLE_DUMP (v1), ~115k RIB entries, each
//                           with its own path attributes (decoded by bgp::mrt::Reader);
//   BM_MrtReplay/updates    updates.20160811.1600: BGP4MP MESSAGE(_AS4) records, every BGP
//                           message decoded with wire::decode_message.
// items_per_second counts prefixes: RIB entries, and announced plus withdrawn prefixes of
// every UPDATE (classic fields and MP_REACH/MP_UNREACH). See docs/performance.md.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "bgp/mrt/reader.hpp"
#include "bgp/wire/message.hpp"

namespace {

using namespace bgp;

struct ReplayCount {
    std::size_t records = 0;
    std::size_t prefixes = 0;
    std::size_t decode_errors = 0;
};

ReplayCount replay(std::span<const std::uint8_t> data) {
    ReplayCount c;
    mrt::Reader reader(data);
    while (auto rec = reader.next()) {
        ++c.records;
        if (const auto* rib = std::get_if<mrt::RibRecord>(&rec->body)) {
            c.prefixes += rib->entries.size();
            benchmark::DoNotOptimize(rib->entries.data());
        } else if (const auto* m = std::get_if<mrt::BgpMessage>(&rec->body)) {
            auto msg = wire::decode_message(m->message, m->codec_options());
            if (!msg) {
                ++c.decode_errors;
                continue;
            }
            if (const auto* u = std::get_if<wire::Update>(&*msg)) {
                c.prefixes += u->nlri.size() + u->withdrawn.size();
                if (u->attributes.mp_reach) c.prefixes += u->attributes.mp_reach->nlri.size();
                if (u->attributes.mp_unreach) c.prefixes += u->attributes.mp_unreach->nlri.size();
            }
            benchmark::DoNotOptimize(msg);
        }
    }
    return c;
}

struct Dump {
    std::vector<std::uint8_t> data;  // decompressed
    ReplayCount expect;
    std::string problem;  // empty when the file was read and holds prefixes
};

/// Each file is read, decompressed and replayed once per process (outside any timing).
const Dump& cached_dump(const std::string& file) {
    static std::map<std::string, Dump> dumps;
    auto it = dumps.find(file);
    if (it != dumps.end()) return it->second;
    Dump d;
    const std::string path = std::string(BGP_TEST_DATA_DIR) + "/corpus/bgpdump/test_data/" + file;
    if (auto data = mrt::read_file(path)) {
        d.data = std::move(*data);
        d.expect = replay(d.data);
        if (d.expect.prefixes == 0) d.problem = "no prefixes decoded from " + path;
    } else {
        d.problem = "cannot read " + path + ": " + data.error();
    }
    return dumps.emplace(file, std::move(d)).first->second;
}

void BM_MrtReplay(benchmark::State& state, const std::string& file) {
    const Dump& dump = cached_dump(file);
    if (!dump.problem.empty()) {
        state.SkipWithError(dump.problem.c_str());
        return;
    }
    const auto* data = &dump.data;
    const ReplayCount& expect = dump.expect;
    for (auto _ : state) {
        const ReplayCount c = replay(*data);
        benchmark::DoNotOptimize(c);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(expect.prefixes));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(data->size()));
    state.counters["records"] = static_cast<double>(expect.records);
    state.counters["prefixes"] = static_cast<double>(expect.prefixes);
    state.counters["decode_errors"] = static_cast<double>(expect.decode_errors);
}

BENCHMARK_CAPTURE(BM_MrtReplay, bview, std::string("bview.20020722.2337.gz"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MrtReplay, updates, std::string("updates.20160811.1600.gz"))
    ->Unit(benchmark::kMillisecond);

}  // namespace
