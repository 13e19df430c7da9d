// mrt-rewrite: test tool for the TABLE_DUMP_V2 writer (bgp/mrt/writer.hpp),
// used by tests/corpus_tests/mrt_writer_bgpdump.sh to have bgpdump read what
// the writer produces.
//
//   mrt-rewrite --sample OUT      writes a small known table (IPv4, IPv6,
//                                 ADD-PATH, 2- and 4-octet ASNs) to OUT
//   mrt-rewrite IN OUT            reads the table dump IN (TABLE_DUMP or
//                                 TABLE_DUMP_V2, gzip/bzip2 or not) and writes
//                                 its RIB entries to OUT as TABLE_DUMP_V2, one
//                                 RIB record per record read, with its timestamp
//
// Exit status 0 on success, 1 when a file cannot be read or written or an
// entry was skipped, 2 for bad arguments.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "bgp/mrt/reader.hpp"
#include "bgp/mrt/writer.hpp"

using namespace bgp;
using namespace bgp::mrt;

namespace {

wire::IpAddress ip(const char* text) { return *wire::IpAddress::parse(text); }
wire::Prefix pfx(const char* text) { return *wire::Prefix::parse(text); }

wire::PathAttributes attrs(std::vector<std::uint32_t> path, const char* next_hop) {
    wire::PathAttributes a;
    a.origin = wire::Origin::igp;
    a.as_path = wire::AsPath{{wire::AsSegment{wire::AsSegmentType::as_sequence, std::move(path)}}};
    a.next_hop = ip(next_hop);
    return a;
}

// The table the bgpdump check expects (see mrt_writer_bgpdump.sh).
std::vector<std::uint8_t> sample() {
    const std::vector<Peer> peers = {
        Peer{ip("192.0.2.1"), 64512, 0xc0000201},
        Peer{ip("192.0.2.2"), 4200000000u, 0xc0000202},
        Peer{ip("2001:db8::3"), 65003, 0xc0000203},
    };
    WriterOptions o;
    o.timestamp = 1700000000;
    o.collector_id = 0xc0000264;  // 192.0.2.100
    o.view_name = "bgp-reflector";
    TableDumpWriter w(o, peers);

    auto a = attrs({64512, 65001}, "192.0.2.1");
    a.med = 10;
    a.local_pref = 100;
    a.communities = std::vector<std::uint32_t>{(65001u << 16) | 7};
    auto b = attrs({4200000000u, 65002}, "192.0.2.2");
    b.origin = wire::Origin::incomplete;
    b.local_pref = 200;
    b.large_communities = std::vector{wire::LargeCommunity{4200000000u, 1, 2}};
    w.add(wire::ipv4_unicast, pfx("10.1.0.0/16"),
          std::vector{WriteEntry{0, 1699990000, {}, a}, WriteEntry{1, 1699990001, {}, b}});
    w.add(wire::ipv4_unicast, pfx("10.2.3.0/24"), std::vector{WriteEntry{1, 1699990002, {}, b}});

    auto c = attrs({65003, 65004, 65005}, "2001:db8::3");
    c.origin = wire::Origin::egp;
    w.add(wire::ipv6_unicast, pfx("2001:db8:100::/40"),
          std::vector{WriteEntry{2, 1699990003, {}, c}});

    // ADD-PATH (RFC 8050): two paths of one peer.
    auto d = attrs({64512, 65010}, "192.0.2.1");
    auto e = attrs({64512, 65020, 65021}, "192.0.2.9");
    w.add(wire::ipv4_unicast, pfx("198.51.100.0/24"),
          std::vector{WriteEntry{0, 1699990004, 1, d}, WriteEntry{0, 1699990005, 2, e}});
    return w.take();
}

int rewrite(const std::string& in, std::vector<std::uint8_t>& out) {
    const auto data = read_file(in);
    if (!data) {
        std::cerr << "mrt-rewrite: " << data.error() << '\n';
        return 1;
    }
    std::vector<std::pair<std::uint32_t, std::vector<RibEntry>>> records;  // timestamp, entries
    std::vector<Peer> peers;
    std::map<std::tuple<wire::IpAddress, std::uint32_t, std::uint32_t>, std::uint16_t> index;
    std::uint32_t timestamp = 0;
    Reader r(*data);
    while (auto rec = r.next()) {
        const auto* rib = std::get_if<RibRecord>(&rec->body);
        if (!rib || rib->entries.empty()) continue;
        if (timestamp == 0) timestamp = rec->timestamp;
        for (const auto& e : rib->entries) {
            const auto key = std::tuple(e.peer.address, e.peer.asn, e.peer.bgp_id);
            if (index.contains(key)) continue;
            if (peers.size() == 65535) {
                std::cerr << "mrt-rewrite: more than 65535 peers\n";
                return 1;
            }
            index.emplace(key, static_cast<std::uint16_t>(peers.size()));
            peers.push_back(e.peer);
        }
        records.emplace_back(rec->timestamp, rib->entries);
    }
    WriterOptions o;
    o.timestamp = timestamp;
    TableDumpWriter w(o, peers);
    for (const auto& [time, entries] : records) {
        w.set_timestamp(time);  // each record keeps its time
        // One add() per run of entries of one prefix (early RIPE TABLE_DUMP
        // records batch entries of several prefixes).
        for (std::size_t i = 0; i < entries.size();) {
            std::vector<WriteEntry> we;
            const std::size_t first = i;
            for (; i < entries.size() && entries[i].prefix == entries[first].prefix &&
                   entries[i].family == entries[first].family;
                 ++i) {
                const auto& e = entries[i];
                we.push_back(
                    WriteEntry{index.at(std::tuple(e.peer.address, e.peer.asn, e.peer.bgp_id)),
                               e.originated_time, e.path_id, e.attributes});
            }
            w.add(entries[first].family, entries[first].prefix, we);
        }
    }
    for (const auto& p : w.stats().problems) std::cerr << "mrt-rewrite: skipped: " << p << '\n';
    std::cerr << "mrt-rewrite: " << w.stats().entries << " entries, " << peers.size() << " peers, "
              << w.stats().records << " records\n";
    out = w.take();
    return w.stats().skipped == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    std::vector<std::uint8_t> out;
    int rc = 0;
    std::string path;
    if (args.size() == 2 && args[0] == "--sample") {
        out = sample();
        path = args[1];
    } else if (args.size() == 2) {
        rc = rewrite(std::string(args[0]), out);
        path = args[1];
    } else {
        std::cerr << "usage: mrt-rewrite --sample OUT | mrt-rewrite IN OUT\n";
        return 2;
    }
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
    if (!f) {
        std::cerr << "mrt-rewrite: cannot write " << path << '\n';
        return 1;
    }
    return rc;
}
