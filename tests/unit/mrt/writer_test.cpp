// The TABLE_DUMP_V2 writer (RFC 6396 §4.3, RFC 8050 §4.1): golden bytes of a
// small table annotated field by field against the RFC layout, and round trips
// through bgp::mrt::Reader (IPv4, IPv6, ADD-PATH, many peers, split records).
// Real dumps written again: writer_corpus_test.cpp; bgpdump reading our files:
// tests/corpus_tests/mrt_writer_bgpdump.sh.
#include <catch2/catch_test_macros.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "bgp/mrt/reader.hpp"
#include "bgp/mrt/writer.hpp"
#include "mrt_test_support.hpp"

using namespace bgp;
using namespace bgp::mrt;
using mrt_test::Bytes;

namespace {

wire::IpAddress ip(const char* text) { return *wire::IpAddress::parse(text); }
wire::Prefix pfx(const char* text) { return *wire::Prefix::parse(text); }

wire::PathAttributes basic(std::vector<std::uint32_t> path, const char* next_hop) {
    wire::PathAttributes a;
    a.origin = wire::Origin::igp;
    a.as_path = wire::AsPath{{wire::AsSegment{wire::AsSegmentType::as_sequence, std::move(path)}}};
    a.next_hop = ip(next_hop);
    return a;
}

// Every RIB entry of `bytes`, in order, with the records' subtypes.
struct ReadBack {
    std::vector<Record> records;
    std::vector<RibEntry> entries;
    PeerIndexTable peers;
};

ReadBack read_back(const Bytes& bytes) {
    ReadBack out;
    out.records = mrt_test::read_all(bytes);
    for (const auto& r : out.records) {
        INFO("record at " << r.offset << ": " << r.error.value_or(""));
        CHECK_FALSE(r.error);
        CHECK(r.type == type::table_dump_v2);
        if (const auto* t = std::get_if<PeerIndexTable>(&r.body)) out.peers = *t;
        if (const auto* rib = std::get_if<RibRecord>(&r.body)) {
            for (const auto& e : rib->entries) {
                INFO(e.prefix.to_string());
                CHECK(e.errors.empty());
                out.entries.push_back(e);
            }
        }
    }
    return out;
}

}  // namespace

// A two-peer table: 10.1.0.0/16 from an IPv4 peer with a 2-octet AS,
// 2001:db8:1::/48 from an IPv6 peer with a 4-octet AS, and 10.2.0.0/24 with an
// ADD-PATH path identifier. Every octet below is checked against RFC 6396 §2,
// §4.3.1, §4.3.2, §4.3.4 and RFC 8050 §4.1 by hand.
TEST_CASE("writer: golden bytes of a small table", "[mrt][writer]") {
    WriterOptions o;
    o.timestamp = 1700000000;  // 0x6553f100
    o.collector_id = 0x0a000001;
    o.view_name = "";
    const std::vector<Peer> peers = {
        Peer{ip("10.0.0.2"), 64512, 0x0a000002},
        Peer{ip("2001:db8::2"), 4200000000u, 0x0a000003},
    };
    TableDumpWriter w(o, peers);
    const WriteEntry v4{0, 0x65000000, std::nullopt, basic({64512, 65001}, "10.0.0.2")};
    CHECK(w.add(wire::ipv4_unicast, pfx("10.1.0.0/16"), std::vector{v4}) == 1);
    const WriteEntry v6{1, 0x65000000, std::nullopt, basic({4200000000u}, "2001:db8::2")};
    CHECK(w.add(wire::ipv6_unicast, pfx("2001:db8:1::/48"), std::vector{v6}) == 1);
    WriteEntry ap = v4;
    ap.path_id = 7;
    CHECK(w.add(wire::ipv4_unicast, pfx("10.2.0.0/24"), std::vector{ap}) == 1);

    const Bytes expected = {
        // PEER_INDEX_TABLE (§4.3.1)
        0x65, 0x53, 0xf1, 0x00,                          // timestamp 1700000000
        0x00, 0x0d, 0x00, 0x01,                          // TABLE_DUMP_V2, PEER_INDEX_TABLE
        0x00, 0x00, 0x00, 0x2c,                          // length 44
        0x0a, 0x00, 0x00, 0x01,                          // collector BGP ID 10.0.0.1
        0x00, 0x00,                                      // view name length 0
        0x00, 0x02,                                      // peer count 2
        0x00,                                            // peer type: IPv4 address, 2-octet AS
        0x0a, 0x00, 0x00, 0x02,                          // BGP ID 10.0.0.2
        0x0a, 0x00, 0x00, 0x02,                          // address 10.0.0.2
        0xfc, 0x00,                                      // AS 64512
        0x03,                                            // peer type: IPv6 address, 4-octet AS
        0x0a, 0x00, 0x00, 0x03,                          // BGP ID 10.0.0.3
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,  // address 2001:db8::2
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,  //
        0xfa, 0x56, 0xea, 0x00,                          // AS 4200000000
        // RIB_IPV4_UNICAST (§4.3.2)
        0x65, 0x53, 0xf1, 0x00,                                // timestamp
        0x00, 0x0d, 0x00, 0x02,                                // TABLE_DUMP_V2, RIB_IPV4_UNICAST
        0x00, 0x00, 0x00, 0x29,                                // length 41
        0x00, 0x00, 0x00, 0x00,                                // sequence 0
        0x10, 0x0a, 0x01,                                      // 10.1.0.0/16
        0x00, 0x01,                                            // entry count 1
        0x00, 0x00,                                            // peer index 0
        0x65, 0x00, 0x00, 0x00,                                // originated time
        0x00, 0x18,                                            // attribute length 24
        0x40, 0x01, 0x01, 0x00,                                // ORIGIN IGP
        0x40, 0x02, 0x0a, 0x02, 0x02, 0x00, 0x00, 0xfc, 0x00,  // AS_PATH (4-octet ASNs, §4.3.4)
        0x00, 0x00, 0xfd, 0xe9,                                //   64512 65001
        0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x02,              // NEXT_HOP 10.0.0.2
        // RIB_IPV6_UNICAST (§4.3.2)
        0x65, 0x53, 0xf1, 0x00,                                // timestamp
        0x00, 0x0d, 0x00, 0x04,                                // TABLE_DUMP_V2, RIB_IPV6_UNICAST
        0x00, 0x00, 0x00, 0x36,                                // length 54
        0x00, 0x00, 0x00, 0x01,                                // sequence 1
        0x30, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,              // 2001:db8:1::/48
        0x00, 0x01,                                            // entry count 1
        0x00, 0x01,                                            // peer index 1
        0x65, 0x00, 0x00, 0x00,                                // originated time
        0x00, 0x21,                                            // attribute length 33
        0x40, 0x01, 0x01, 0x00,                                // ORIGIN IGP
        0x40, 0x02, 0x06, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x00,  // AS_PATH 4200000000
        0x80, 0x0e, 0x11, 0x10,                          // MP_REACH_NLRI, next hop only (§4.3.4)
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,  //   2001:db8::2
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,  //
        // RIB_IPV4_UNICAST_ADDPATH (RFC 8050 §4.1)
        0x65, 0x53, 0xf1, 0x00,  // timestamp
        0x00, 0x0d, 0x00, 0x08,  // TABLE_DUMP_V2, RIB_IPV4_UNICAST_ADDPATH
        0x00, 0x00, 0x00, 0x2e,  // length 46
        0x00, 0x00, 0x00, 0x02,  // sequence 2
        0x18, 0x0a, 0x02, 0x00,  // 10.2.0.0/24
        0x00, 0x01,              // entry count 1
        0x00, 0x00,              // peer index 0
        0x65, 0x00, 0x00, 0x00,  // originated time
        0x00, 0x00, 0x00, 0x07,  // path identifier 7
        0x00, 0x18,              // attribute length 24
        0x40, 0x01, 0x01, 0x00,  // ORIGIN IGP
        0x40, 0x02, 0x0a, 0x02, 0x02, 0x00, 0x00, 0xfc, 0x00,  // AS_PATH 64512 65001
        0x00, 0x00, 0xfd, 0xe9,                                //
        0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x02,              // NEXT_HOP 10.0.0.2
    };
    CHECK(w.bytes() == expected);
    CHECK(w.stats().records == 4);
    CHECK(w.stats().entries == 3);
    CHECK(w.stats().skipped == 0);

    // And the reader agrees.
    const auto back = read_back(w.take());
    CHECK(w.bytes().empty());
    CHECK(back.peers.collector_id == 0x0a000001);
    CHECK(back.peers.peers == peers);
    REQUIRE(back.entries.size() == 3);
    CHECK(back.entries[0].prefix == pfx("10.1.0.0/16"));
    CHECK(back.entries[0].peer == peers[0]);
    CHECK(back.entries[0].attributes.as_path == v4.attributes.as_path);
    CHECK(back.entries[0].attributes.next_hop == ip("10.0.0.2"));
    CHECK(back.entries[1].family == wire::ipv6_unicast);
    CHECK(back.entries[1].peer == peers[1]);
    REQUIRE(back.entries[1].attributes.mp_reach);
    CHECK(back.entries[1].attributes.mp_reach->next_hops == std::vector{ip("2001:db8::2")});
    CHECK_FALSE(back.entries[1].attributes.next_hop);
    CHECK(back.entries[2].path_id == std::optional<std::uint32_t>(7));
    CHECK_FALSE(back.entries[0].path_id);
}

TEST_CASE("writer: IPv4 round trip with every common attribute", "[mrt][writer]") {
    const std::vector<Peer> peers = {Peer{ip("192.0.2.1"), 65001, 0xc0000201},
                                     Peer{ip("192.0.2.2"), 65002, 0xc0000202}};
    auto a = basic({65001, 65010, 4200000001u}, "192.0.2.1");
    a.as_path->segments.push_back(wire::AsSegment{wire::AsSegmentType::as_set, {65020, 65021}});
    a.med = 50;
    a.local_pref = 200;
    a.atomic_aggregate = true;
    a.aggregator = wire::Aggregator{4200000001u, ip("192.0.2.9")};
    a.communities = std::vector<std::uint32_t>{0xfde90001, wire::community::no_export};
    a.large_communities = std::vector{wire::LargeCommunity{4200000001u, 1, 2}};
    a.originator_id = ip("192.0.2.7");
    a.cluster_list = std::vector<std::uint32_t>{0x0a000001, 0x0a000002};
    a.unknown.push_back(wire::RawAttribute{0xc0, 99, {1, 2, 3}});
    const auto b = basic({65002}, "192.0.2.2");

    TableDump t;
    t.options.timestamp = 42;
    t.options.view_name = "test-view";
    t.peers = peers;
    t.prefixes.push_back({wire::ipv4_unicast,
                          pfx("198.51.100.0/24"),
                          {WriteEntry{0, 1000, {}, a}, WriteEntry{1, 2000, {}, b}}});
    t.prefixes.push_back({wire::ipv4_unicast, pfx("0.0.0.0/0"), {WriteEntry{1, 3000, {}, b}}});
    t.prefixes.push_back({wire::ipv4_unicast, pfx("203.0.113.77/32"), {WriteEntry{0, 4, {}, a}}});
    WriterStats stats;
    const auto bytes = write_table_dump_v2(t, &stats);
    REQUIRE(bytes);
    CHECK(stats.entries == 4);
    CHECK(stats.prefixes == 3);

    const auto back = read_back(*bytes);
    CHECK(back.peers.view_name == "test-view");
    REQUIRE(back.entries.size() == 4);
    const auto same = [](const wire::PathAttributes& got, wire::PathAttributes want) {
        // What was read carries its wire layout; compare values only.
        auto g = got;
        g.layout.clear();
        want.layout.clear();
        return g == want;
    };
    CHECK(back.entries[0].prefix == pfx("198.51.100.0/24"));
    CHECK(back.entries[0].originated_time == 1000);
    CHECK(same(back.entries[0].attributes, a));
    CHECK(back.entries[1].peer == peers[1]);
    CHECK(same(back.entries[1].attributes, b));
    CHECK(back.entries[2].prefix == pfx("0.0.0.0/0"));
    CHECK(back.entries[3].prefix == pfx("203.0.113.77/32"));
    CHECK(same(back.entries[3].attributes, a));
    for (const auto& r : back.records) CHECK(r.timestamp == 42);
}

TEST_CASE("writer: IPv6 next hops go into MP_REACH_NLRI (RFC 6396 §4.3.4)", "[mrt][writer]") {
    const std::vector<Peer> peers = {Peer{ip("2001:db8::1"), 65001, 1}};
    auto from_next_hop = basic({65001}, "2001:db8::1");  // as Speaker::rib() gives it
    auto from_mp = basic({65001}, "2001:db8::1");
    from_mp.next_hop.reset();
    from_mp.mp_reach = wire::MpReach{wire::ipv6_unicast,
                                     {ip("2001:db8::1"), ip("fe80::1")},
                                     {},
                                     {wire::Nlri{pfx("2001:db8:ffff::/48"), {}}},
                                     {}};                              // NLRI dropped
    from_mp.mp_unreach = wire::MpUnreach{wire::ipv6_unicast, {}, {}};  // dropped
    TableDumpWriter w({}, peers);
    CHECK(w.add(wire::ipv6_unicast, pfx("2001:db8:a::/48"),
                std::vector{WriteEntry{0, 1, {}, from_next_hop}}) == 1);
    CHECK(w.add(wire::ipv6_unicast, pfx("2001:db8:b::/64"),
                std::vector{WriteEntry{0, 2, {}, from_mp}}) == 1);
    CHECK(w.add(wire::ipv6_unicast, pfx("::/0"), std::vector{WriteEntry{0, 3, {}, from_mp}}) == 1);
    const auto back = read_back(w.take());
    REQUIRE(back.entries.size() == 3);
    for (const auto& e : back.entries) {
        CHECK(e.family == wire::ipv6_unicast);
        CHECK_FALSE(e.attributes.next_hop);
        CHECK_FALSE(e.attributes.mp_unreach);
        REQUIRE(e.attributes.mp_reach);
        CHECK(e.attributes.mp_reach->nlri.empty());
        CHECK(e.attributes.mp_reach->next_hops.front() == ip("2001:db8::1"));
    }
    CHECK(back.entries[0].attributes.mp_reach->next_hops.size() == 1);
    CHECK(back.entries[1].attributes.mp_reach->next_hops ==
          std::vector{ip("2001:db8::1"), ip("fe80::1")});
    CHECK(back.entries[2].prefix == pfx("::/0"));
}

TEST_CASE("writer: ADD-PATH entries go into RFC 8050 records", "[mrt][writer]") {
    const std::vector<Peer> peers = {Peer{ip("10.0.0.1"), 65000, 1},
                                     Peer{ip("10.0.0.2"), 65000, 2}};
    const auto a = basic({65100}, "10.0.0.1");
    std::vector<WriteEntry> entries = {
        WriteEntry{0, 1, 1, a},             // path id 1
        WriteEntry{0, 2, std::nullopt, a},  // none: a plain record
        WriteEntry{1, 3, 2, a},             // path id 2
        WriteEntry{1, 4, 0, a},             // path id 0, still ADD-PATH
    };
    TableDumpWriter w({}, peers);
    CHECK(w.add(wire::ipv4_unicast, pfx("10.9.0.0/16"), entries) == 4);
    auto v6 = basic({65100}, "2001:db8::1");
    CHECK(w.add(wire::ipv6_unicast, pfx("2001:db8::/32"), std::vector{WriteEntry{1, 5, 9, v6}}) ==
          1);
    const auto back = read_back(w.take());
    REQUIRE(back.records.size() == 4);
    CHECK(back.records[1].subtype == table_dump_v2_subtype::rib_ipv4_unicast);
    CHECK(back.records[2].subtype == table_dump_v2_subtype::rib_ipv4_unicast_addpath);
    CHECK(back.records[3].subtype == table_dump_v2_subtype::rib_ipv6_unicast_addpath);
    REQUIRE(back.entries.size() == 5);
    // Plain entries first, then the ADD-PATH ones in their order.
    CHECK_FALSE(back.entries[0].path_id);
    CHECK(back.entries[0].originated_time == 2);
    CHECK(back.entries[1].path_id == std::optional<std::uint32_t>(1));
    CHECK(back.entries[2].path_id == std::optional<std::uint32_t>(2));
    CHECK(back.entries[2].peer == peers[1]);
    CHECK(back.entries[3].path_id == std::optional<std::uint32_t>(0));
    CHECK(back.entries[4].path_id == std::optional<std::uint32_t>(9));
    CHECK(back.entries[4].family == wire::ipv6_unicast);
}

TEST_CASE("writer: many peers, a prefix split over several records", "[mrt][writer]") {
    std::vector<Peer> peers;
    for (std::uint32_t i = 0; i < 3000; ++i) {
        const auto addr = i % 2 == 0 ? wire::IpAddress::v4(0x0a000000u + i)
                                     : *wire::IpAddress::parse("2001:db8::" + std::to_string(i));
        peers.push_back(Peer{addr, i % 3 == 0 ? 4200000000u + i : 64512 + (i % 1000), i + 1});
    }
    std::vector<WriteEntry> entries;
    for (std::uint16_t i = 0; i < 3000; ++i) {
        auto a = basic({peers[i].asn, 65000}, "10.255.0.1");
        a.communities = std::vector<std::uint32_t>{i};
        entries.push_back(WriteEntry{i, i, std::nullopt, a});
    }
    WriterOptions o;
    o.max_record_size = 65535;
    TableDumpWriter w(o, peers);
    CHECK(w.add(wire::ipv4_unicast, pfx("10.0.0.0/8"), entries) == 3000);
    CHECK(w.stats().split >= 1);
    const auto bytes = w.take();
    const auto back = read_back(bytes);
    CHECK(back.peers.peers == peers);
    REQUIRE(back.entries.size() == 3000);
    for (std::size_t i = 0; i < back.entries.size(); ++i) {
        INFO(i);
        CHECK(back.entries[i].peer_index == i);
        CHECK(back.entries[i].peer == peers[i]);
        CHECK(back.entries[i].attributes.communities == entries[i].attributes.communities);
    }
    // Every record within the bound; sequence numbers go up by one.
    std::uint32_t seq = 0;
    for (const auto& r : back.records) {
        if (r.subtype == table_dump_v2_subtype::peer_index_table) continue;
        CHECK(r.length <= 65535);
        const auto& rib = std::get<RibRecord>(r.body);
        CHECK(rib.entries.front().sequence == seq++);
    }
    CHECK(seq == 1 + w.stats().split);

    // A smaller bound splits more; one entry larger than the bound goes alone.
    WriterOptions small;
    small.max_record_size = 40;  // each entry is 43 octets
    TableDumpWriter ws(small, peers);
    CHECK(ws.add(wire::ipv4_unicast, pfx("10.0.0.0/8"),
                 std::span<const WriteEntry>(entries).first(10)) == 10);
    CHECK(ws.stats().records == 11);  // peer table + one record per entry
    CHECK(read_back(ws.take()).entries.size() == 10);
}

TEST_CASE("writer: entries that cannot be written are skipped and counted", "[mrt][writer]") {
    const std::vector<Peer> peers = {Peer{ip("10.0.0.1"), 65000, 1}};
    auto huge = basic({65000}, "10.0.0.1");
    huge.communities = std::vector<std::uint32_t>(20000, 1);  // 80000 octets: too long
    const auto ok = basic({65000}, "10.0.0.1");
    TableDumpWriter w({}, peers);
    CHECK(w.add(wire::ipv4_unicast, pfx("10.0.0.0/24"),
                std::vector{WriteEntry{0, 1, {}, huge}, WriteEntry{1, 1, {}, ok},
                            WriteEntry{0, 2, {}, ok}}) == 1);
    CHECK(w.stats().skipped == 2);
    REQUIRE(w.stats().problems.size() == 2);
    CHECK(w.stats().problems[1].find("peer index 1") != std::string::npos);
    // A family other than IPv4/IPv6 unicast/multicast, or a mismatched prefix.
    CHECK(w.add(wire::Family{wire::Afi::ipv4, wire::Safi::mpls_vpn}, pfx("10.0.0.0/24"),
                std::vector{WriteEntry{0, 1, {}, ok}}) == 0);
    CHECK(w.add(wire::ipv6_unicast, pfx("10.0.0.0/24"), std::vector{WriteEntry{0, 1, {}, ok}}) ==
          0);
    CHECK(w.stats().skipped == 4);
    const auto back = read_back(w.take());
    REQUIRE(back.entries.size() == 1);
    CHECK(back.entries[0].originated_time == 2);

    // The peer table's limits.
    const std::vector<Peer> too_many(65536, peers[0]);
    CHECK_THROWS_AS(TableDumpWriter({}, too_many), std::invalid_argument);
    TableDump t;
    t.peers = too_many;
    CHECK_FALSE(write_table_dump_v2(t));
    CHECK_NOTHROW(TableDumpWriter({}, std::span(too_many).first(65535)));
}
