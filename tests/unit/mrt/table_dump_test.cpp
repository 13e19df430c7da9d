// TABLE_DUMP (RFC 6396 §4.2) and TABLE_DUMP_V2 (RFC 6396 §4.3, RFC 8050 §4.1)
// records: golden vectors from real dumps (mrtparse samples written by BIRD
// and OpenBGPD), annotated field by field, and damaged variants.
#include <catch2/catch_test_macros.hpp>

#include "bgp/mrt/reader.hpp"
#include "mrt_test_support.hpp"

using namespace bgp;
using namespace bgp::mrt;
using mrt_test::Bytes;

namespace {

const RibRecord& rib(const Record& r) {
    REQUIRE(std::holds_alternative<RibRecord>(r.body));
    return std::get<RibRecord>(r.body);
}

}  // namespace

// OpenBGPD (mrtparse sample openbgpd_rib_table, record at offset 0).
TEST_CASE("TABLE_DUMP AFI_IPv4 (OpenBGPD)", "[mrt][table_dump]") {
    const Bytes bytes = {
        0x56, 0x1e, 0x91, 0xda,                    // timestamp 1444843994
        0x00, 0x0c, 0x00, 0x01,                    // TABLE_DUMP, AFI_IPv4
        0x00, 0x00, 0x00, 0x48,                    // length 72
        0x00, 0x00, 0x00, 0x00,                    // view 0, sequence 0
        0xc0, 0xa8, 0x00, 0x00,                    // prefix 192.168.0.0
        0x10, 0x01,                                // length 16, status 1
        0x56, 0x1e, 0x8f, 0xdc,                    // originated 1444843484
        0xc0, 0xa8, 0x01, 0x0a,                    // peer 192.168.1.10
        0xfd, 0xe8,                                // peer AS 65000
        0x00, 0x32,                                // attributes: 50 octets (2-octet AS numbers)
        0x40, 0x01, 0x01, 0x00,                    // ORIGIN IGP
        0x40, 0x02, 0x04, 0x02, 0x01, 0xfd, 0xf7,  // AS_PATH 65015
        0x40, 0x03, 0x04, 0xc0, 0xa8, 0x00, 0x0f,  // NEXT_HOP 192.168.0.15
        0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64,  // LOCAL_PREF 100
        0xc0, 0x07, 0x08, 0x00, 0x00, 0xfd, 0xe8,  // AGGREGATOR (written 4-octet)
        0xc0, 0xa8, 0x00, 0x0f,                    //
        0x80, 0x09, 0x04, 0xc0, 0xa8, 0x00, 0x0f,  // ORIGINATOR_ID 192.168.0.15
        0x80, 0x0a, 0x04, 0xc0, 0xa8, 0x00, 0x0a,  // CLUSTER_LIST 192.168.0.10
    };
    const auto recs = mrt_test::read_all(bytes);
    REQUIRE(recs.size() == 1);
    CHECK_FALSE(recs[0].error);
    CHECK(recs[0].type == type::table_dump);
    CHECK(recs[0].subtype == table_dump_subtype::afi_ipv4);
    const auto& r = rib(recs[0]);
    REQUIRE(r.entries.size() == 1);
    const auto& e = r.entries[0];
    CHECK(e.family == wire::ipv4_unicast);
    CHECK(e.prefix.to_string() == "192.168.0.0/16");
    CHECK_FALSE(e.path_id);
    CHECK(e.status == 1);
    CHECK(e.originated_time == 1444843484);
    CHECK(e.peer.address.to_string() == "192.168.1.10");
    CHECK(e.peer.asn == 65000);
    REQUIRE(e.attributes.origin);
    CHECK(*e.attributes.origin == wire::Origin::igp);
    REQUIRE(e.attributes.as_path);
    CHECK(e.attributes.as_path->to_string() == "65015");
    REQUIRE(e.attributes.next_hop);
    CHECK(e.attributes.next_hop->to_string() == "192.168.0.15");
    REQUIRE(e.attributes.local_pref);
    CHECK(*e.attributes.local_pref == 100);
    REQUIRE(e.attributes.cluster_list);
    CHECK(e.attributes.cluster_list->size() == 1);
}

// OpenBGPD (openbgpd_rib_table, offset 694): MP_REACH_NLRI in full form.
TEST_CASE("TABLE_DUMP AFI_IPv6 (OpenBGPD)", "[mrt][table_dump]") {
    const Bytes bytes = {
        0x56, 0x1e, 0x91, 0xda,                          // timestamp
        0x00, 0x0c, 0x00, 0x02,                          // TABLE_DUMP, AFI_IPv6
        0x00, 0x00, 0x00, 0x5b,                          // length 91
        0x00, 0x00, 0x00, 0x0b,                          // view 0, sequence 11
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,  // prefix 2001:db8::
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
        0x40, 0x01,                                      // length 64, status 1
        0x56, 0x1e, 0x8f, 0xdc,                          // originated
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x01,  // peer 2001:db8:0:1::10
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,  //
        0xfd, 0xe8,                                      // peer AS 65000
        0x00, 0x2d,                                      // attributes: 45 octets
        0x40, 0x01, 0x01, 0x02,                          // ORIGIN incomplete
        0x40, 0x02, 0x00,                                // AS_PATH empty
        0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x01,        // MULTI_EXIT_DISC 1
        0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64,        // LOCAL_PREF 100
        0x80, 0x0e, 0x15, 0x00, 0x02, 0x01, 0x10,        // MP_REACH_NLRI IPv6 unicast, nh 16
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x01,  //   2001:db8:0:1::10
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,  //
        0x00,                                            //   reserved, no NLRI
    };
    const auto recs = mrt_test::read_all(bytes);
    REQUIRE(recs.size() == 1);
    CHECK_FALSE(recs[0].error);
    const auto& r = rib(recs[0]);
    REQUIRE(r.entries.size() == 1);
    const auto& e = r.entries[0];
    CHECK(e.family == wire::ipv6_unicast);
    CHECK(e.prefix.to_string() == "2001:db8::/64");
    CHECK(e.sequence == 11);
    CHECK(e.peer.address.to_string() == "2001:db8:0:1::10");
    CHECK(e.peer.asn == 65000);
    REQUIRE(e.attributes.med);
    CHECK(*e.attributes.med == 1);
    REQUIRE(e.attributes.mp_reach);
    REQUIRE(e.attributes.mp_reach->next_hops.size() == 1);
    CHECK(e.attributes.mp_reach->next_hops[0].to_string() == "2001:db8:0:1::10");
}

// Two entries after one view/sequence pair, as in RIPE rrc00 dumps of 2000.
TEST_CASE("TABLE_DUMP with batched entries is read and reported", "[mrt][table_dump]") {
    const Bytes body = {
        0x00, 0x00, 0x00, 0x00,                          // view 0, sequence 0
        0x03, 0x00, 0x00, 0x00, 0x08, 0x01,              // 3.0.0.0/8, status 1
        0x38, 0x79, 0xc8, 0xb4, 0xcc, 0x98, 0xa6, 0x1d,  // originated, peer 204.152.166.29
        0x0d, 0xdd, 0x00, 0x04,                          // peer AS 3549, attributes 4
        0x40, 0x01, 0x01, 0x00,                          // ORIGIN IGP
        0x04, 0x00, 0x00, 0x00, 0x08, 0x01,              // 4.0.0.0/8, status 1
        0x38, 0x79, 0xc8, 0xd9, 0xce, 0xfb, 0x00, 0x55,  // originated, peer 206.251.0.85
        0x0d, 0xdd, 0x00, 0x04,                          // peer AS 3549, attributes 4
        0x40, 0x01, 0x01, 0x02,                          // ORIGIN incomplete
    };
    const auto recs = mrt_test::read_one(947550744, type::table_dump, 1, body);
    REQUIRE(recs.size() == 1);
    REQUIRE(recs[0].error);
    CHECK(recs[0].error->find("2 entries in one TABLE_DUMP record") != std::string::npos);
    const auto& r = rib(recs[0]);
    REQUIRE(r.entries.size() == 2);
    CHECK(r.entries[0].prefix.to_string() == "3.0.0.0/8");
    CHECK(r.entries[0].peer.address.to_string() == "204.152.166.29");
    CHECK(r.entries[1].prefix.to_string() == "4.0.0.0/8");
    CHECK(r.entries[1].peer.address.to_string() == "206.251.0.85");
    CHECK(*r.entries[1].attributes.origin == wire::Origin::incomplete);
}

TEST_CASE("TABLE_DUMP damaged entries", "[mrt][table_dump]") {
    SECTION("prefix length over 32 skips the entry") {
        const Bytes body = {0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x21, 0x01, 0x38,
                            0x79, 0xc8, 0xb4, 0xcc, 0x98, 0xa6, 0x1d, 0x0d, 0xdd, 0x00, 0x00};
        const auto recs = mrt_test::read_one(947550744, type::table_dump, 1, body);
        REQUIRE(recs.size() == 1);
        REQUIRE(recs[0].error);
        CHECK(recs[0].error->find("invalid prefix length 33") != std::string::npos);
        CHECK(rib(recs[0]).entries.empty());
    }
    SECTION("attributes longer than the record") {
        const Bytes body = {0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08,
                            0x01, 0x38, 0x79, 0xc8, 0xb4, 0xcc, 0x98, 0xa6, 0x1d,
                            0x0d, 0xdd, 0x00, 0x09, 0x40, 0x01, 0x01, 0x00};
        const auto recs = mrt_test::read_one(947550744, type::table_dump, 1, body);
        REQUIRE(recs.size() == 1);
        REQUIRE(recs[0].error);
        CHECK(recs[0].error->find("attributes truncated") != std::string::npos);
        const auto& r = rib(recs[0]);
        REQUIRE(r.entries.size() == 1);
        CHECK_FALSE(r.entries[0].errors.empty());
    }
    SECTION("entry cut short") {
        const Bytes body = {0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00};
        const auto recs = mrt_test::read_one(947550744, type::table_dump, 1, body);
        REQUIRE(recs.size() == 1);
        CHECK(recs[0].error);
        CHECK(rib(recs[0]).entries.empty());
    }
    SECTION("unknown subtype") {
        const auto recs = mrt_test::read_one(947550744, type::table_dump, 9, {0, 0, 0, 0});
        REQUIRE(recs.size() == 1);
        CHECK(std::get<Unsupported>(recs[0].body).what == "TABLE_DUMP subtype 9");
    }
}

// OpenBGPD (mrtparse sample openbgpd_rib_table-v2): PEER_INDEX_TABLE with
// the three peer types, then a RIB_IPV6_UNICAST record whose MP_REACH_NLRI
// is the abbreviated form of RFC 6396 §4.3.4 (next hop only).
const Bytes openbgpd_peer_index = {
    0x56, 0x1e, 0x8c, 0xa0,                          // timestamp 1444842656
    0x00, 0x0d, 0x00, 0x01,                          // TABLE_DUMP_V2, PEER_INDEX_TABLE
    0x00, 0x00, 0x00, 0x39,                          // length 57
    0xc0, 0xa8, 0x00, 0x66,                          // collector BGP id 192.168.0.102
    0x00, 0x00,                                      // no view name
    0x00, 0x03,                                      // 3 peers
    0x02,                                            // peer 0: IPv4 address, 4-octet AS
    0xc0, 0xa8, 0x00, 0x0a,                          //   BGP id 192.168.0.10
    0xc0, 0xa8, 0x01, 0x0a,                          //   192.168.1.10
    0x00, 0x00, 0xfd, 0xe8,                          //   AS 65000
    0x03,                                            // peer 1: IPv6 address, 4-octet AS
    0xc0, 0xa8, 0x00, 0x0a,                          //   BGP id 192.168.0.10
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x01,  //   2001:db8:0:1::10
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,  //
    0x00, 0x00, 0xfd, 0xe8,                          //   AS 65000
    0x00,                                            // peer 2: IPv4 address, 2-octet AS
    0xc0, 0xa8, 0x00, 0x66,                          //   BGP id 192.168.0.102
    0x00, 0x00, 0x00, 0x00,                          //   0.0.0.0
    0xfd, 0xe8,                                      //   AS 65000
};

const Bytes openbgpd_rib_ipv6 = {
    0x56, 0x1e, 0x8c, 0xa0,                                // timestamp
    0x00, 0x0d, 0x00, 0x04,                                // TABLE_DUMP_V2, RIB_IPV6_UNICAST
    0x00, 0x00, 0x00, 0x71,                                // length 113
    0x00, 0x00, 0x00, 0x0b,                                // sequence 11
    0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,  // 2001:db8::/64
    0x00, 0x02,                                            // 2 entries
    0x00, 0x01,                                            // peer index 1
    0x56, 0x1e, 0x8a, 0x3e,                                // originated 1444842046
    0x00, 0x29,                                            // attributes: 41 octets
    0x40, 0x01, 0x01, 0x02,                                // ORIGIN incomplete
    0x40, 0x02, 0x00,                                      // AS_PATH empty
    0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x01,              // MULTI_EXIT_DISC 1
    0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64,              // LOCAL_PREF 100
    0x80, 0x0e, 0x11, 0x10,                                // MP_REACH_NLRI abbreviated: nh 16
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x01,        //   2001:db8:0:1::10
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,        //
    0x00, 0x00,                                            // peer index 0
    0x56, 0x1e, 0x8a, 0x3e,                                // originated
    0x00, 0x29,                                            // attributes: 41 octets
    0x40, 0x01, 0x01, 0x02,                                // ORIGIN incomplete
    0x40, 0x02, 0x00,                                      // AS_PATH empty
    0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x01,              // MULTI_EXIT_DISC 1
    0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64,              // LOCAL_PREF 100
    0x80, 0x0e, 0x11, 0x10,                                // MP_REACH_NLRI abbreviated
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x01,        //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,        //
};

TEST_CASE("TABLE_DUMP_V2 PEER_INDEX_TABLE and RIB_IPV6_UNICAST (OpenBGPD)",
          "[mrt][table_dump_v2]") {
    const auto recs =
        mrt_test::read_all(mrt_test::concat({openbgpd_peer_index, openbgpd_rib_ipv6}));
    REQUIRE(recs.size() == 2);
    CHECK_FALSE(recs[0].error);
    CHECK_FALSE(recs[1].error);
    REQUIRE(std::holds_alternative<PeerIndexTable>(recs[0].body));
    const auto& t = std::get<PeerIndexTable>(recs[0].body);
    CHECK(t.collector_id == 0xc0a80066);
    CHECK(t.view_name.empty());
    REQUIRE(t.peers.size() == 3);
    CHECK(t.peers[0] == Peer{*wire::IpAddress::parse("192.168.1.10"), 65000, 0xc0a8000a});
    CHECK(t.peers[1] == Peer{*wire::IpAddress::parse("2001:db8:0:1::10"), 65000, 0xc0a8000a});
    CHECK(t.peers[2] == Peer{*wire::IpAddress::parse("0.0.0.0"), 65000, 0xc0a80066});

    const auto& r = rib(recs[1]);
    REQUIRE(r.entries.size() == 2);
    for (const auto& e : r.entries) {
        CHECK(e.family == wire::ipv6_unicast);
        CHECK(e.prefix.to_string() == "2001:db8::/64");
        CHECK(e.sequence == 11);
        CHECK_FALSE(e.path_id);
        CHECK(e.originated_time == 1444842046);
        CHECK(e.errors.empty());
        REQUIRE(e.attributes.mp_reach);
        REQUIRE(e.attributes.mp_reach->next_hops.size() == 1);
        CHECK(e.attributes.mp_reach->next_hops[0].to_string() == "2001:db8:0:1::10");
    }
    CHECK(r.entries[0].peer_index == 1);
    CHECK(r.entries[0].peer == t.peers[1]);
    CHECK(r.entries[1].peer_index == 0);
    CHECK(r.entries[1].peer == t.peers[0]);
}

TEST_CASE("TABLE_DUMP_V2 RIB without a PEER_INDEX_TABLE", "[mrt][table_dump_v2]") {
    const auto recs = mrt_test::read_all(openbgpd_rib_ipv6);
    REQUIRE(recs.size() == 1);
    REQUIRE(recs[0].error);
    CHECK(recs[0].error->find("unknown peer index") != std::string::npos);
    const auto& r = rib(recs[0]);
    REQUIRE(r.entries.size() == 2);
    CHECK_FALSE(r.entries[0].errors.empty());
    CHECK(r.entries[0].errors[0].reason.find("PEER_INDEX_TABLE") != std::string::npos);
    CHECK(r.entries[0].attributes.mp_reach);  // the rest is still read
}

// BIRD (mrtparse sample bird-mrtdump_rib, offsets 0 and 144): RFC 8050
// RIB_IPV4_UNICAST_ADDPATH, two paths for one prefix.
const Bytes bird_peer_index = {
    0x58, 0x9e, 0xcb, 0x14,                       // timestamp 1486801684
    0x00, 0x0d, 0x00, 0x01,                       // TABLE_DUMP_V2, PEER_INDEX_TABLE
    0x00, 0x00, 0x00, 0x28,                       // length 40
    0xc0, 0xa8, 0x00, 0x10,                       // collector 192.168.0.16
    0x00, 0x06, 'm',  'a',  's',  't', 'e', 'r',  // view "master"
    0x00, 0x02,                                   // 2 peers
    0x02, 0x00, 0x00, 0x00, 0x00,                 // peer 0: IPv4, AS4; BGP id 0
    0x00, 0x00, 0x00, 0x00,                       //   0.0.0.0
    0x00, 0x00, 0x00, 0x00,                       //   AS 0
    0x02, 0xac, 0x10, 0x00, 0x0a,                 // peer 1: IPv4, AS4; BGP id 172.16.0.10
    0xc0, 0xa8, 0x00, 0x0a,                       //   192.168.0.10
    0x00, 0x00, 0xfd, 0xe8,                       //   AS 65000
};

const Bytes bird_rib_addpath = {
    0x58, 0x9e, 0xcb, 0x17,                          // timestamp
    0x00, 0x0d, 0x00, 0x08,                          // TABLE_DUMP_V2, RIB_IPV4_UNICAST_ADDPATH
    0x00, 0x00, 0x00, 0xc8,                          // length 200
    0x00, 0x00, 0x00, 0x03,                          // sequence 3
    0x18, 0xac, 0x11, 0x00,                          // 172.17.0.0/24
    0x00, 0x02,                                      // 2 entries
    0x00, 0x01,                                      // peer index 1
    0x58, 0x9e, 0xcb, 0x0e,                          // originated
    0x00, 0x00, 0x00, 0x02,                          // path id 2 (RFC 8050 §4.1)
    0x00, 0x53,                                      // attributes: 83 octets (4-octet AS numbers)
    0x40, 0x01, 0x01, 0x00,                          // ORIGIN IGP
    0x40, 0x02, 0x1a, 0x02, 0x06,                    // AS_PATH: AS_SEQUENCE of 6
    0xfa, 0x56, 0xea, 0x00, 0xfa, 0x56, 0xea, 0x00,  //   4200000000 4200000000
    0xfa, 0x56, 0xea, 0x00, 0x00, 0x00, 0x00, 0xfc,  //   4200000000 252
    0x00, 0x00, 0x00, 0xfc, 0x00, 0x00, 0x00, 0xfc,  //   252 252
    0x40, 0x03, 0x04, 0xc0, 0xa8, 0x00, 0x0a,        // NEXT_HOP 192.168.0.10
    0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x0a,        // MULTI_EXIT_DISC 10
    0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64,        // LOCAL_PREF 100
    0xc0, 0x08, 0x0c, 0xfd, 0xe8, 0x00, 0x64,        // COMMUNITIES
    0xfd, 0xe8, 0x00, 0xc8, 0xfd, 0xe8, 0x01, 0x2c,  //
    0x80, 0x09, 0x04, 0xac, 0x10, 0x00, 0x01,        // ORIGINATOR_ID 172.16.0.1
    0x80, 0x0a, 0x04, 0xac, 0x10, 0x00, 0x0a,        // CLUSTER_LIST 172.16.0.10
    0x00, 0x01,                                      // peer index 1
    0x58, 0x9e, 0xcb, 0x0e,                          // originated
    0x00, 0x00, 0x00, 0x01,                          // path id 1
    0x00, 0x53,                                      // attributes: 83 octets
    0x40, 0x01, 0x01, 0x00,                          // ORIGIN IGP
    0x40, 0x02, 0x1a, 0x02, 0x06,                    // AS_PATH: AS_SEQUENCE of 6
    0xff, 0xff, 0xff, 0x9a, 0xff, 0xff, 0xff, 0x9a,  //   4294967194 4294967194
    0xff, 0xff, 0xff, 0x9a, 0x00, 0x00, 0xff, 0xfe,  //   4294967194 65534
    0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0xff, 0xfe,  //   65534 65534
    0x40, 0x03, 0x04, 0xc0, 0xa8, 0x00, 0x0a,        // NEXT_HOP 192.168.0.10
    0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x14,        // MULTI_EXIT_DISC 20
    0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64,        // LOCAL_PREF 100
    0xc0, 0x08, 0x0c, 0xfd, 0xe8, 0x01, 0x90,        // COMMUNITIES
    0xfd, 0xe8, 0x01, 0xf4, 0xfd, 0xe8, 0x02, 0x58,  //
    0x80, 0x09, 0x04, 0xac, 0x10, 0x00, 0x02,        // ORIGINATOR_ID 172.16.0.2
    0x80, 0x0a, 0x04, 0xac, 0x10, 0x00, 0x0a,        // CLUSTER_LIST 172.16.0.10
};

TEST_CASE("TABLE_DUMP_V2 RIB_IPV4_UNICAST_ADDPATH (BIRD, RFC 8050)", "[mrt][table_dump_v2]") {
    const auto recs = mrt_test::read_all(mrt_test::concat({bird_peer_index, bird_rib_addpath}));
    REQUIRE(recs.size() == 2);
    CHECK_FALSE(recs[0].error);
    CHECK_FALSE(recs[1].error);
    const auto& t = std::get<PeerIndexTable>(recs[0].body);
    CHECK(t.view_name == "master");
    CHECK(t.collector_id == 0xc0a80010);
    REQUIRE(t.peers.size() == 2);
    CHECK(t.peers[1].asn == 65000);

    CHECK(recs[1].subtype == table_dump_v2_subtype::rib_ipv4_unicast_addpath);
    const auto& r = rib(recs[1]);
    REQUIRE(r.entries.size() == 2);
    const auto& a = r.entries[0];
    const auto& b = r.entries[1];
    CHECK(a.prefix.to_string() == "172.17.0.0/24");
    CHECK(b.prefix.to_string() == "172.17.0.0/24");
    CHECK(a.family == wire::ipv4_unicast);
    CHECK(a.path_id == std::optional<std::uint32_t>(2));
    CHECK(b.path_id == std::optional<std::uint32_t>(1));
    CHECK(a.sequence == 3);
    CHECK(a.peer.address.to_string() == "192.168.0.10");
    CHECK(a.errors.empty());
    CHECK(b.errors.empty());
    REQUIRE(a.attributes.as_path);
    REQUIRE(b.attributes.as_path);
    CHECK(a.attributes.as_path->to_string() == "4200000000 4200000000 4200000000 252 252 252");
    CHECK(b.attributes.as_path->to_string() ==
          "4294967194 4294967194 4294967194 65534 65534 65534");
    CHECK(*a.attributes.med == 10);
    CHECK(*b.attributes.med == 20);
}

TEST_CASE("TABLE_DUMP_V2 damaged RIB records", "[mrt][table_dump_v2]") {
    SECTION("fewer entries than the count") {
        Bytes rib_bytes(bird_rib_addpath.begin(), bird_rib_addpath.begin() + 12 + 10 + 95);
        rib_bytes[11] = static_cast<std::uint8_t>(10 + 95);  // fix the length field
        const auto recs = mrt_test::read_all(mrt_test::concat({bird_peer_index, rib_bytes}));
        REQUIRE(recs.size() == 2);
        REQUIRE(recs[1].error);
        CHECK(recs[1].error->find("1 of 2 entries") != std::string::npos);
        CHECK(rib(recs[1]).entries.size() == 1);
    }
    SECTION("prefix length over 32") {
        const Bytes body = {0x00, 0x00, 0x00, 0x01, 0x21, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
        const auto recs = mrt_test::read_one(1486801684, type::table_dump_v2,
                                             table_dump_v2_subtype::rib_ipv4_unicast, body);
        REQUIRE(recs.size() == 1);
        REQUIRE(recs[0].error);
        CHECK(recs[0].error->find("invalid prefix length 33") != std::string::npos);
        CHECK(rib(recs[0]).entries.empty());
    }
    SECTION("PEER_INDEX_TABLE cut short") {
        Bytes pit(bird_peer_index.begin(), bird_peer_index.end() - 6);
        pit[11] = static_cast<std::uint8_t>(pit.size() - 12);
        const auto recs = mrt_test::read_all(pit);
        REQUIRE(recs.size() == 1);
        REQUIRE(recs[0].error);
        CHECK(recs[0].error->find("1 of 2 peers") != std::string::npos);
        CHECK(std::get<PeerIndexTable>(recs[0].body).peers.size() == 1);
    }
    SECTION("peer index out of range") {
        Bytes rib_bytes = bird_rib_addpath;
        rib_bytes[22] = 0x07;  // first entry's peer index: 0x0701
        const auto recs = mrt_test::read_all(mrt_test::concat({bird_peer_index, rib_bytes}));
        REQUIRE(recs.size() == 2);
        REQUIRE(recs[1].error);
        const auto& r = rib(recs[1]);
        REQUIRE(r.entries.size() == 2);
        CHECK(r.entries[0].peer_index == 0x0701);
        CHECK_FALSE(r.entries[0].errors.empty());
        CHECK(r.entries[1].errors.empty());
    }
}

TEST_CASE("TABLE_DUMP_V2 RIB_GENERIC is unsupported but reported", "[mrt][table_dump_v2]") {
    const Bytes body = {
        0x00, 0x00, 0x00, 0x15,  // sequence 21
        0x00, 0x01, 0x80,        // AFI 1, SAFI 128 (VPNv4)
        0x00, 0x00,              // NLRI and entries follow (not decoded)
    };
    const auto recs = mrt_test::read_one(1444842046, type::table_dump_v2,
                                         table_dump_v2_subtype::rib_generic, body);
    REQUIRE(recs.size() == 1);
    CHECK_FALSE(recs[0].error);
    const auto& u = std::get<Unsupported>(recs[0].body);
    CHECK(u.what == "TABLE_DUMP_V2 RIB_GENERIC");
    CHECK(u.raw == body);
}
