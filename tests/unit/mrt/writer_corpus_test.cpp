// Real table dumps of tests/corpus (RIPE RIS, BIRD, OpenBGPD, Quagga; TABLE_DUMP
// and TABLE_DUMP_V2, with and without ADD-PATH; not openbgpd_rib_table-mp,
// whose BGP4MP_ENTRY records the reader leaves unsupported) read, written again as
// TABLE_DUMP_V2 by bgp::mrt::TableDumpWriter, and read back: the same routes
// must come out (family, prefix, path id, peer, originated time, attributes as
// RFC 6396 §4.3.4 has them in a RIB entry).
#include <catch2/catch_test_macros.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "bgp/mrt/reader.hpp"
#include "bgp/mrt/writer.hpp"

using namespace bgp;
using namespace bgp::mrt;

namespace {

const std::string corpus = std::string(BGP_TEST_DATA_DIR) + "/corpus/";

std::vector<RibEntry> rib_entries(std::span<const std::uint8_t> data) {
    std::vector<RibEntry> out;
    Reader r(data);
    while (auto rec = r.next()) {
        if (const auto* rib = std::get_if<RibRecord>(&rec->body)) {
            out.insert(out.end(), rib->entries.begin(), rib->entries.end());
        }
    }
    return out;
}

// Rewrites every RIB record of `data` (one add() per record and prefix, so the
// records' grouping is kept) with a peer table of the distinct peers seen.
std::vector<std::uint8_t> rewrite(std::span<const std::uint8_t> data, WriterStats& stats) {
    std::vector<std::vector<RibEntry>> records;
    std::vector<Peer> peers;
    std::map<std::tuple<wire::IpAddress, std::uint32_t, std::uint32_t>, std::uint16_t> index;
    Reader r(data);
    while (auto rec = r.next()) {
        const auto* rib = std::get_if<RibRecord>(&rec->body);
        if (!rib || rib->entries.empty()) continue;
        for (const auto& e : rib->entries) {
            const auto key = std::tuple(e.peer.address, e.peer.asn, e.peer.bgp_id);
            if (!index.contains(key)) {
                index.emplace(key, static_cast<std::uint16_t>(peers.size()));
                peers.push_back(e.peer);
            }
        }
        records.push_back(rib->entries);
    }
    TableDumpWriter w(WriterOptions{1, 0x0a000001, "rewritten", 65535}, peers);
    for (const auto& entries : records) {
        // One add() per run of entries of one prefix (early RIPE TABLE_DUMP
        // records batch entries of several prefixes).
        for (std::size_t i = 0; i < entries.size();) {
            std::vector<WriteEntry> out;
            const std::size_t first = i;
            for (; i < entries.size() && entries[i].prefix == entries[first].prefix &&
                   entries[i].family == entries[first].family;
                 ++i) {
                const auto& e = entries[i];
                out.push_back(
                    WriteEntry{index.at(std::tuple(e.peer.address, e.peer.asn, e.peer.bgp_id)),
                               e.originated_time, e.path_id, e.attributes});
            }
            w.add(entries[first].family, entries[first].prefix, out);
        }
    }
    stats = w.stats();
    return w.take();
}

void check_file(const std::string& rel, std::size_t min_entries) {
    INFO(rel);
    const auto data = read_file(corpus + rel);
    REQUIRE(data);
    const auto before = rib_entries(*data);
    CHECK(before.size() >= min_entries);
    WriterStats stats;
    const auto written = rewrite(*data, stats);
    CHECK(stats.skipped == 0);
    CHECK(stats.entries == before.size());

    Reader check(written);
    std::size_t damaged = 0;
    while (auto rec = check.next()) damaged += rec->error ? 1 : 0;
    CHECK(damaged == 0);
    const auto after = rib_entries(written);
    REQUIRE(after.size() == before.size());
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < before.size(); ++i) {
        const auto& b = before[i];
        const auto& a = after[i];
        auto want = rib_entry_attributes(b.family, b.attributes);
        auto got = a.attributes;
        want.layout.clear();
        got.layout.clear();
        // The abbreviated MP_REACH_NLRI (§4.3.4) says IPv6 unicast for any IPv6 family.
        if (want.mp_reach && got.mp_reach) want.mp_reach->family = got.mp_reach->family;
        const bool same = a.family == b.family && a.prefix == b.prefix && a.path_id == b.path_id &&
                          a.peer == b.peer && a.originated_time == b.originated_time && got == want;
        if (!same) {
            if (++mismatches <= 5) {
                UNSCOPED_INFO("entry " << i << " " << b.prefix.to_string() << " differs");
            }
        }
    }
    CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("writer corpus: bgpdump's TABLE_DUMP_V2 dumps, ADD-PATH included", "[mrt][writer]") {
    check_file("bgpdump/test_data/bview.ipv4_unicast_add_path.gz", 10);
    check_file("bgpdump/test_data/bview.ipv6_unicast_add_path.gz", 10);
    check_file("bgpdump/test_data/bview.64k_stream_overflow.gz", 20);
}

TEST_CASE("writer corpus: RIPE TABLE_DUMP (2000, 2002) as TABLE_DUMP_V2", "[mrt][writer]") {
    check_file("bgpdump/test_data/bview.20020722.2337.gz", 100000);
    check_file("bgpkit-parser/ripe/rrc00_bview.20000111.0032.gz", 100000);
}

TEST_CASE("writer corpus: BIRD, OpenBGPD and Quagga table dumps", "[mrt][writer]") {
    check_file("mrtparse/bird-mrtdump_rib", 1);
    check_file("mrtparse/bird6-mrtdump_rib", 1);
    check_file("mrtparse/openbgpd_rib_table", 1);
    check_file("mrtparse/openbgpd_rib_table-v2", 1);
    check_file("mrtparse/quagga_rib", 1);
}
