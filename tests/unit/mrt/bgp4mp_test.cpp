// BGP4MP / BGP4MP_ET (RFC 6396 §4.4, RFC 8050 §4.2) and deprecated BGP type 5
// records: golden vectors taken from real dumps (mrtparse samples from BIRD,
// OpenBGPD, Quagga; RIPE RIS), annotated field by field.
#include <catch2/catch_test_macros.hpp>

#include "bgp/mrt/reader.hpp"
#include "bgp/wire/message.hpp"
#include "mrt_test_support.hpp"

using namespace bgp;
using namespace bgp::mrt;
using mrt_test::Bytes;

namespace {

const BgpMessage& only_message(const std::vector<Record>& recs) {
    REQUIRE(recs.size() == 1);
    REQUIRE_FALSE(recs[0].error);
    REQUIRE(std::holds_alternative<BgpMessage>(recs[0].body));
    return std::get<BgpMessage>(recs[0].body);
}

wire::Update decode_update(const BgpMessage& m) {
    auto decoded = wire::decode_message(m.message, m.codec_options());
    REQUIRE(decoded);
    REQUIRE(std::holds_alternative<wire::Update>(*decoded));
    return std::get<wire::Update>(*decoded);
}

std::vector<std::string> prefixes(const std::vector<wire::Nlri>& v) {
    std::vector<std::string> out;
    for (const auto& n : v) {
        out.push_back(n.prefix.to_string() +
                      (n.path_id ? " id " + std::to_string(*n.path_id) : std::string()));
    }
    return out;
}

}  // namespace

// BIRD (mrtparse sample bird-mrtdump_bgp, record at offset 390).
const Bytes bird_as4_addpath_update = {
    0x58, 0x9e, 0xcb, 0x0e,                          // timestamp 1486801678
    0x00, 0x10, 0x00, 0x09,                          // BGP4MP, MESSAGE_AS4_ADDPATH (RFC 8050 §4.2)
    0x00, 0x00, 0x00, 0x96,                          // length 150
    0x00, 0x00, 0xfd, 0xe8,                          // peer AS 65000
    0x00, 0x00, 0xfd, 0xe8,                          // local AS 65000
    0x00, 0x00,                                      // interface index 0
    0x00, 0x01,                                      // AFI IPv4
    0xc0, 0xa8, 0x00, 0x0a,                          // peer 192.168.0.10
    0xc0, 0xa8, 0x00, 0x11,                          // local 192.168.0.17
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // marker
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  //
    0x00, 0x82, 0x02,                                // length 130, UPDATE
    0x00, 0x00,                                      // no withdrawn routes
    0x00, 0x53,                                      // path attributes: 83 octets
    0x40, 0x01, 0x01, 0x00,                          // ORIGIN IGP
    0x40, 0x02, 0x1a, 0x02, 0x06,                    // AS_PATH: AS_SEQUENCE of 6 (4-octet)
    0xfa, 0x56, 0xea, 0x00, 0xfa, 0x56, 0xea, 0x00,  //   4200000000 4200000000
    0xfa, 0x56, 0xea, 0x00, 0x00, 0x00, 0x00, 0xfc,  //   4200000000 252
    0x00, 0x00, 0x00, 0xfc, 0x00, 0x00, 0x00, 0xfc,  //   252 252
    0x40, 0x03, 0x04, 0xc0, 0xa8, 0x00, 0x0a,        // NEXT_HOP 192.168.0.10
    0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x0a,        // MULTI_EXIT_DISC 10
    0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64,        // LOCAL_PREF 100
    0xc0, 0x08, 0x0c, 0xfd, 0xe8, 0x00, 0x64,        // COMMUNITIES 65000:100
    0xfd, 0xe8, 0x00, 0xc8, 0xfd, 0xe8, 0x01, 0x2c,  //   65000:200 65000:300
    0x80, 0x09, 0x04, 0xac, 0x10, 0x00, 0x01,        // ORIGINATOR_ID 172.16.0.1
    0x80, 0x0a, 0x04, 0xac, 0x10, 0x00, 0x0a,        // CLUSTER_LIST 172.16.0.10
    0x00, 0x00, 0x00, 0x02, 0x18, 0xac, 0x11, 0x00,  // path id 2, 172.17.0.0/24
    0x00, 0x00, 0x00, 0x02, 0x18, 0xac, 0x11, 0x01,  // path id 2, 172.17.1.0/24
    0x00, 0x00, 0x00, 0x02, 0x18, 0xac, 0x11, 0x02,  // path id 2, 172.17.2.0/24
};

TEST_CASE("BGP4MP MESSAGE_AS4_ADDPATH: UPDATE with path ids (BIRD)", "[mrt][bgp4mp]") {
    const auto recs = mrt_test::read_all(bird_as4_addpath_update);
    const auto& m = only_message(recs);
    CHECK(recs[0].timestamp == 1486801678);
    CHECK(recs[0].type == type::bgp4mp);
    CHECK(recs[0].subtype == bgp4mp_subtype::message_as4_addpath);
    CHECK(recs[0].length == 150);
    CHECK(m.peer_as == 65000);
    CHECK(m.local_as == 65000);
    CHECK(m.interface_index == 0);
    CHECK(m.peer_address.to_string() == "192.168.0.10");
    CHECK(m.local_address.to_string() == "192.168.0.17");
    CHECK(m.as4);
    CHECK(m.add_path);
    CHECK_FALSE(m.local);
    REQUIRE(m.message.size() == 130);
    CHECK(Bytes(m.message.begin(), m.message.end()) ==
          Bytes(bird_as4_addpath_update.begin() + 32, bird_as4_addpath_update.end()));

    const auto u = decode_update(m);
    CHECK(u.errors.empty());
    CHECK(prefixes(u.nlri) == std::vector<std::string>{"172.17.0.0/24 id 2", "172.17.1.0/24 id 2",
                                                       "172.17.2.0/24 id 2"});
    REQUIRE(u.attributes.as_path);
    REQUIRE(u.attributes.as_path->segments.size() == 1);
    CHECK(u.attributes.as_path->segments[0].asns ==
          std::vector<std::uint32_t>{4200000000u, 4200000000u, 4200000000u, 252, 252, 252});
    REQUIRE(u.attributes.med);
    CHECK(*u.attributes.med == 10);
}

// BIRD over IPv6 (mrtparse sample bird6-mrtdump_bgp, record at offset 506):
// MP_REACH_NLRI whose NLRI carry path ids.
const Bytes bird6_as4_addpath_update = {
    0x58, 0x9e, 0xcb, 0x0e,                          // timestamp
    0x00, 0x10, 0x00, 0x09,                          // BGP4MP, MESSAGE_AS4_ADDPATH
    0x00, 0x00, 0x00, 0xdf,                          // length 223
    0x00, 0x00, 0xfd, 0xe8,                          // peer AS 65000
    0x00, 0x00, 0xfd, 0xe8,                          // local AS 65000
    0x00, 0x00, 0x00, 0x02,                          // interface 0, AFI IPv6
    0xfd, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // peer fd02::10
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,  //
    0xfd, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // local fd02::17
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x17,  //
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // marker
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  //
    0x00, 0xb3, 0x02,                                // length 179, UPDATE
    0x00, 0x00, 0x00, 0x9c,                          // no withdrawn; attributes 156 octets
    0x40, 0x01, 0x01, 0x00,                          // ORIGIN IGP
    0x40, 0x02, 0x1a, 0x02, 0x06,                    // AS_PATH: AS_SEQUENCE of 6
    0xfa, 0x56, 0xea, 0x00, 0xfa, 0x56, 0xea, 0x00,  //
    0xfa, 0x56, 0xea, 0x00, 0x00, 0x00, 0x00, 0xfc,  //
    0x00, 0x00, 0x00, 0xfc, 0x00, 0x00, 0x00, 0xfc,  //
    0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x0a,        // MULTI_EXIT_DISC 10
    0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64,        // LOCAL_PREF 100
    0xc0, 0x08, 0x0c, 0xfd, 0xe8, 0x00, 0x64,        // COMMUNITIES
    0xfd, 0xe8, 0x00, 0xc8, 0xfd, 0xe8, 0x01, 0x2c,  //
    0x80, 0x09, 0x04, 0xac, 0x10, 0x00, 0x01,        // ORIGINATOR_ID
    0x80, 0x0a, 0x04, 0xac, 0x10, 0x00, 0x0a,        // CLUSTER_LIST
    0x90, 0x0e, 0x00, 0x4c,                          // MP_REACH_NLRI, extended length 76
    0x00, 0x02, 0x01, 0x20,                          // IPv6 unicast, next hop 32 octets
    0xfd, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // fd02::10
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,  //
    0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // fe80::206:aff:fe0e:fff0
    0x02, 0x06, 0x0a, 0xff, 0xfe, 0x0e, 0xff, 0xf0,  //
    0x00,                                            // reserved
    0x00, 0x00, 0x00, 0x01, 0x40,                    // path id 1, /64
    0xfd, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,  //   fd01:1::/64
    0x00, 0x00, 0x00, 0x01, 0x40,                    // path id 1, /64
    0xfd, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,  //   fd01:1:1::/64
    0x00, 0x00, 0x00, 0x01, 0x40,                    // path id 1, /64
    0xfd, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00,  //   fd01:1:2::/64
};

TEST_CASE("BGP4MP MESSAGE_AS4_ADDPATH: IPv6 MP_REACH with path ids (BIRD)", "[mrt][bgp4mp]") {
    const auto recs = mrt_test::read_all(bird6_as4_addpath_update);
    const auto& m = only_message(recs);
    CHECK(m.peer_address.to_string() == "fd02::10");
    CHECK(m.local_address.to_string() == "fd02::17");
    const auto opts = m.codec_options();
    CHECK(opts.add_path.contains(wire::ipv6_unicast));
    const auto u = decode_update(m);
    REQUIRE(u.attributes.mp_reach);
    CHECK(u.attributes.mp_reach->family == wire::ipv6_unicast);
    CHECK(prefixes(u.attributes.mp_reach->nlri) ==
          std::vector<std::string>{"fd01:1::/64 id 1", "fd01:1:1::/64 id 1", "fd01:1:2::/64 id 1"});
}

TEST_CASE("BGP4MP STATE_CHANGE_AS4 (BIRD)", "[mrt][bgp4mp]") {
    const Bytes bytes = {
        0x58, 0x9e, 0xda, 0x39,  // timestamp 1486805561
        0x00, 0x10, 0x00, 0x05,  // BGP4MP, STATE_CHANGE_AS4
        0x00, 0x00, 0x00, 0x18,  // length 24
        0x00, 0x00, 0xfd, 0xe8,  // peer AS 65000
        0x00, 0x00, 0xfd, 0xe8,  // local AS 65000
        0x00, 0x00, 0x00, 0x01,  // interface 0, AFI IPv4
        0x00, 0x00, 0x00, 0x00,  // peer 0.0.0.0
        0x00, 0x00, 0x00, 0x00,  // local 0.0.0.0
        0x00, 0x01, 0x00, 0x03,  // Idle -> Active
    };
    const auto recs = mrt_test::read_all(bytes);
    REQUIRE(recs.size() == 1);
    CHECK_FALSE(recs[0].error);
    REQUIRE(std::holds_alternative<StateChange>(recs[0].body));
    const auto& sc = std::get<StateChange>(recs[0].body);
    CHECK(sc.peer_as == 65000);
    CHECK(sc.local_as == 65000);
    CHECK(sc.peer_address.is_v4());
    CHECK(sc.peer_address.is_unspecified());
    CHECK(sc.old_state == 1);
    CHECK(sc.new_state == 3);
    CHECK(state_name(sc.old_state) == "Idle");
    CHECK(state_name(sc.new_state) == "Active");
}

TEST_CASE("BGP4MP STATE_CHANGE over IPv6, 2-octet AS (OpenBGPD)", "[mrt][bgp4mp]") {
    const Bytes bytes = {
        0x56, 0x1e, 0x88, 0x27,                          // timestamp
        0x00, 0x10, 0x00, 0x00,                          // BGP4MP, STATE_CHANGE
        0x00, 0x00, 0x00, 0x2c,                          // length 44
        0xfd, 0xe8, 0x00, 0x00,                          // peer AS 65000, local AS 0
        0x00, 0x00, 0x00, 0x02,                          // interface 0, AFI IPv6
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x01,  // peer 2001:db8:0:1::102
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02,  //
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x01,  // local 2001:db8:0:1::10
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,  //
        0x00, 0x02, 0x00, 0x04,                          // Connect -> OpenSent
    };
    const auto recs = mrt_test::read_all(bytes);
    REQUIRE(recs.size() == 1);
    CHECK_FALSE(recs[0].error);
    const auto& sc = std::get<StateChange>(recs[0].body);
    CHECK(sc.peer_as == 65000);
    CHECK(sc.local_as == 0);
    CHECK(sc.peer_address.to_string() == "2001:db8:0:1::102");
    CHECK(sc.local_address.to_string() == "2001:db8:0:1::10");
    CHECK(state_name(sc.old_state) == "Connect");
    CHECK(state_name(sc.new_state) == "OpenSent");
}

// RIPE RIS (bgpdump test file updates.et-header.2015, record at offset 80).
TEST_CASE("BGP4MP_ET MESSAGE: OPEN with microseconds", "[mrt][bgp4mp]") {
    const Bytes bytes = {
        0x56, 0x29, 0x94, 0xf6,  // timestamp 1445565686
        0x00, 0x11, 0x00, 0x01,  // BGP4MP_ET, MESSAGE
        0x00, 0x00, 0x00, 0x4f,  // length 79 (microseconds included, RFC 6396 §3)
        0x00, 0x05, 0x74, 0x93,  // microseconds 357523
        0x0f, 0x10, 0x0f, 0x10,  // peer AS 3856, local AS 3856
        0x00, 0x00, 0x00, 0x01,  // interface 0, AFI IPv4
        0xce, 0xdc, 0xe7, 0x37,  // peer 206.220.231.55
        0xd8, 0x15, 0x03, 0x06,  // local 216.21.3.6
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // marker
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  //
        0x00, 0x3b, 0x01,                                // length 59, OPEN
        0x04, 0x0f, 0x10, 0x00, 0xb4,                    // version 4, AS 3856, hold 180
        0xce, 0xdc, 0xe7, 0x37, 0x1e,                    // id 206.220.231.55, 30 octets of params
        0x02, 0x06, 0x01, 0x04, 0x00, 0x01, 0x00, 0x01,  // multiprotocol IPv4 unicast
        0x02, 0x02, 0x80, 0x00,                          // route refresh (Cisco)
        0x02, 0x02, 0x02, 0x00,                          // route refresh
        0x02, 0x06, 0x41, 0x04, 0x00, 0x00, 0x0f, 0x10,  // 4-octet AS 3856
        0x02, 0x04, 0x40, 0x02, 0x00, 0x78,              // graceful restart 120 s
    };
    const auto recs = mrt_test::read_all(bytes);
    const auto& m = only_message(recs);
    CHECK(recs[0].type == type::bgp4mp_et);
    CHECK(recs[0].timestamp == 1445565686);
    CHECK(recs[0].microseconds == 357523);
    CHECK(m.peer_as == 3856);
    CHECK(m.peer_address.to_string() == "206.220.231.55");
    CHECK(m.local_address.to_string() == "216.21.3.6");
    CHECK_FALSE(m.as4);
    auto decoded = wire::decode_message(m.message, m.codec_options());
    REQUIRE(decoded);
    REQUIRE(std::holds_alternative<wire::Open>(*decoded));
    const auto& open = std::get<wire::Open>(*decoded);
    CHECK(open.my_as == 3856);
    CHECK(open.hold_time == 180);
    CHECK(open.asn() == 3856);
}

TEST_CASE("BGP4MP_ET STATE_CHANGE_AS4", "[mrt][bgp4mp]") {
    const Bytes bytes = {
        0x56, 0x29, 0x94, 0xee,  // timestamp 1445565678
        0x00, 0x11, 0x00, 0x05,  // BGP4MP_ET, STATE_CHANGE_AS4
        0x00, 0x00, 0x00, 0x1c,  // length 28
        0x00, 0x07, 0xc6, 0x29,  // microseconds 509481
        0x00, 0x00, 0x0f, 0x10,  // peer AS 3856
        0x00, 0x00, 0x0f, 0x10,  // local AS 3856
        0x00, 0x00, 0x00, 0x01,  // interface 0, AFI IPv4
        0xce, 0xdc, 0xe7, 0x37,  // peer 206.220.231.55
        0x00, 0x00, 0x00, 0x00,  // local 0.0.0.0
        0x00, 0x01, 0x00, 0x02,  // Idle -> Connect
    };
    const auto recs = mrt_test::read_all(bytes);
    REQUIRE(recs.size() == 1);
    CHECK_FALSE(recs[0].error);
    CHECK(recs[0].microseconds == 509481);
    const auto& sc = std::get<StateChange>(recs[0].body);
    CHECK(sc.peer_as == 3856);
    CHECK(sc.peer_address.to_string() == "206.220.231.55");
    CHECK(sc.old_state == 1);
    CHECK(sc.new_state == 2);
}

TEST_CASE("BGP4MP_ET too short for its microsecond field", "[mrt][bgp4mp]") {
    const auto recs = mrt_test::read_one(1445565678, type::bgp4mp_et, 4, {0x00, 0x07});
    REQUIRE(recs.size() == 1);
    CHECK(recs[0].error);
    CHECK(std::holds_alternative<Unsupported>(recs[0].body));
}

TEST_CASE("BGP4MP subtypes set as4 / local / add_path", "[mrt][bgp4mp]") {
    struct Case {
        std::uint16_t subtype;
        bool as4, local, add_path;
    };
    namespace st = bgp4mp_subtype;
    const Case cases[] = {
        {st::message, false, false, false},
        {st::message_as4, true, false, false},
        {st::message_local, false, true, false},
        {st::message_as4_local, true, true, false},
        {st::message_addpath, false, false, true},
        {st::message_as4_addpath, true, false, true},
        {st::message_local_addpath, false, true, true},
        {st::message_as4_local_addpath, true, true, true},
    };
    for (const auto& c : cases) {
        INFO("subtype " << c.subtype);
        Bytes body;
        if (c.as4) {
            mrt_test::put32(body, 4200000001u);  // peer AS
            mrt_test::put32(body, 65001);        // local AS
        } else {
            mrt_test::put16(body, 64512);  // peer AS
            mrt_test::put16(body, 65001);  // local AS
        }
        mrt_test::put16(body, 7);                // interface index
        mrt_test::put16(body, 1);                // AFI IPv4
        body.insert(body.end(), {10, 0, 0, 1});  // peer
        body.insert(body.end(), {10, 0, 0, 2});  // local
        const auto keepalive = mrt_test::bgp_header(19, 4);
        body.insert(body.end(), keepalive.begin(), keepalive.end());
        const auto recs = mrt_test::read_one(1000, type::bgp4mp, c.subtype, body);
        const auto& m = only_message(recs);
        CHECK(m.as4 == c.as4);
        CHECK(m.local == c.local);
        CHECK(m.add_path == c.add_path);
        CHECK(m.peer_as == (c.as4 ? 4200000001u : 64512u));
        CHECK(m.local_as == 65001);
        CHECK(m.interface_index == 7);
        CHECK(m.message == keepalive);
        const auto opts = m.codec_options();
        CHECK(opts.four_octet_as == c.as4);
        CHECK(opts.extended_message);
        CHECK(opts.add_path.contains(wire::ipv4_unicast) == c.add_path);
        CHECK(opts.add_path.contains(wire::ipv6_unicast) == c.add_path);
        CHECK(opts.add_path.contains({wire::Afi::ipv4, wire::Safi::multicast}) == c.add_path);
        auto decoded = wire::decode_message(m.message, opts);
        REQUIRE(decoded);
        CHECK(std::holds_alternative<wire::Keepalive>(*decoded));
    }
}

TEST_CASE("BGP4MP octets after the BGP message are reported and dropped", "[mrt][bgp4mp]") {
    Bytes body = {0xfd, 0xe8, 0xfd, 0xe9, 0x00, 0x00, 0x00, 0x01,  // AS 65000, 65001, IPv4
                  10,   0,    0,    1,    10,   0,    0,    2};
    const auto keepalive = mrt_test::bgp_header(19, 4);
    body.insert(body.end(), keepalive.begin(), keepalive.end());
    body.insert(body.end(), {0xde, 0xad});
    const auto recs = mrt_test::read_one(1000, type::bgp4mp, bgp4mp_subtype::message, body);
    REQUIRE(recs.size() == 1);
    REQUIRE(recs[0].error);
    CHECK(recs[0].error->find("2 octets after the BGP message") != std::string::npos);
    CHECK(std::get<BgpMessage>(recs[0].body).message == keepalive);
}

TEST_CASE("BGP4MP with an unknown address family is reported", "[mrt][bgp4mp]") {
    const Bytes body = {0xfd, 0xe8, 0xfd, 0xe9, 0x00, 0x00, 0x00, 0x07,  // AFI 7
                        1,    2,    3,    4,    5,    6,    7,    8,    9};
    const auto recs = mrt_test::read_one(1000, type::bgp4mp, bgp4mp_subtype::message, body);
    REQUIRE(recs.size() == 1);
    REQUIRE(recs[0].error);
    CHECK(recs[0].error->find("address family 7") != std::string::npos);
    CHECK(std::holds_alternative<Unsupported>(recs[0].body));
}

TEST_CASE("BGP4MP MESSAGE truncated before the BGP message", "[mrt][bgp4mp]") {
    const Bytes body = {0xfd, 0xe8, 0xfd, 0xe9, 0x00, 0x00, 0x00, 0x01, 10, 0, 0};
    const auto recs = mrt_test::read_one(1000, type::bgp4mp, bgp4mp_subtype::message, body);
    REQUIRE(recs.size() == 1);
    CHECK(recs[0].error);
    REQUIRE(std::holds_alternative<BgpMessage>(recs[0].body));
    CHECK(std::get<BgpMessage>(recs[0].body).message.empty());
}

// OpenBGPD (mrtparse sample openbgpd_rib_table-mp): the deprecated
// BGP4MP_ENTRY subtype is reported as unsupported, not as damage.
TEST_CASE("BGP4MP_ENTRY is unsupported but reported", "[mrt][bgp4mp]") {
    const Bytes body = {0xfd, 0xe8, 0xfd, 0xe8, 0x00, 0x00, 0x00, 0x01, 0xc0, 0xa8,
                        0x01, 0x66, 0xc0, 0xa8, 0x01, 0x0a, 0x00, 0x00, 0x00, 0x01};
    const auto recs = mrt_test::read_one(1444843446, type::bgp4mp, bgp4mp_subtype::entry, body);
    REQUIRE(recs.size() == 1);
    CHECK_FALSE(recs[0].error);
    REQUIRE(std::holds_alternative<Unsupported>(recs[0].body));
    const auto& u = std::get<Unsupported>(recs[0].body);
    CHECK(u.what == "BGP4MP ENTRY");
    CHECK(u.raw == body);
}

// Old Zebra (RIPE rrc01, November 2000, offsets 1893-1958): records without
// interface index, address family and addresses.
TEST_CASE("BGP4MP shortened Zebra records are read and reported", "[mrt][bgp4mp]") {
    const Bytes bytes = {
        0x3a, 0x03, 0x65, 0x46, 0x00, 0x10, 0x00, 0x00,  // 973301062, STATE_CHANGE
        0x00, 0x00, 0x00, 0x08,                          // length 8
        0x00, 0x00, 0x00, 0x00,                          // peer AS 0, local AS 0
        0x00, 0x03, 0x00, 0x04,                          // Active -> OpenSent
        0x3a, 0x03, 0x65, 0x46, 0x00, 0x10, 0x00, 0x01,  // MESSAGE
        0x00, 0x00, 0x00, 0x21,                          // length 33
        0x00, 0x00, 0x00, 0x00,                          // peer AS 0, local AS 0
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // marker
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  //
        0x00, 0x1d, 0x01,                                // length 29, OPEN
        0x04, 0x30, 0x66, 0x00, 0xb4,                    // version 4, AS 12390, hold 180
        0xd4, 0x32, 0xa1, 0xc7, 0x00,                    // id 212.50.161.199, no parameters
        0x3a, 0x03, 0x65, 0x46, 0x00, 0x10, 0x00, 0x00,  // STATE_CHANGE
        0x00, 0x00, 0x00, 0x08,                          // length 8
        0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01,  // OpenSent -> Idle
    };
    const auto recs = mrt_test::read_all(bytes);
    REQUIRE(recs.size() == 3);
    for (const auto& r : recs) {
        REQUIRE(r.error);
        CHECK(r.error->find("shortened") != std::string::npos);
    }
    CHECK(std::get<StateChange>(recs[0].body).old_state == 3);
    CHECK(std::get<StateChange>(recs[0].body).new_state == 4);
    CHECK(std::get<StateChange>(recs[2].body).old_state == 4);
    CHECK(std::get<StateChange>(recs[2].body).new_state == 1);
    const auto& m = std::get<BgpMessage>(recs[1].body);
    REQUIRE(m.message.size() == 29);
    auto decoded = wire::decode_message(m.message, m.codec_options());
    REQUIRE(decoded);
    CHECK(std::get<wire::Open>(*decoded).my_as == 12390);
}

// RIPE RIS rrc00, 14 December 1999 (deprecated type 5): the BGP message is
// stored without its header, which the reader synthesizes.
TEST_CASE("deprecated BGP type 5: UPDATE, OPEN, NOTIFY, KEEPALIVE, STATE_CHANGE",
          "[mrt][bgp4mp][deprecated]") {
    const Bytes update = {
        0x38, 0x56, 0x6e, 0x87, 0x00, 0x05, 0x00, 0x01,  // 945188487, BGP, BGP_UPDATE
        0x00, 0x00, 0x00, 0x33,                          // length 51
        0x15, 0x21, 0xc3, 0xd3, 0xde, 0x0b,              // peer AS 5409, 195.211.222.11
        0x31, 0x6e, 0xc1, 0x00, 0x00, 0x01,              // local AS 12654, 193.0.0.1
        0x00, 0x00, 0x00, 0x1a,                          // no withdrawn; attributes 26
        0x40, 0x01, 0x01, 0x02,                          // ORIGIN incomplete
        0x40, 0x02, 0x0c, 0x02, 0x05, 0x15, 0x21, 0x0d,  // AS_PATH 5409 3352 6813 3561 4293
        0x18, 0x1a, 0x9d, 0x0d, 0xe9, 0x10, 0xc5,        //
        0x40, 0x03, 0x04, 0xc3, 0xd3, 0xde, 0x0b,        // NEXT_HOP 195.211.222.11
        0x1b, 0xd0, 0x8a, 0xec, 0x20,                    // 208.138.236.32/27
        0x18, 0xd0, 0x8c, 0xe0,                          // 208.140.224.0/24
    };
    const Bytes open = {
        0x38, 0x56, 0x71, 0xf2, 0x00, 0x05, 0x00, 0x05,  // BGP, BGP_OPEN
        0x00, 0x00, 0x00, 0x22,                          // length 34
        0x0d, 0xdd, 0xcc, 0x98, 0xa6, 0x1d,              // peer AS 3549, 204.152.166.29
        0x31, 0x6e, 0xc1, 0x00, 0x00, 0x01,              // local AS 12654, 193.0.0.1
        0x04, 0x0d, 0xdd, 0x00, 0xb4,                    // version 4, AS 3549, hold 180
        0xcc, 0x98, 0xa6, 0x1d, 0x0c,                    // id, 12 octets of parameters
        0x02, 0x06, 0x01, 0x04, 0x00, 0x01, 0x00, 0x01,  // multiprotocol IPv4 unicast
        0x02, 0x02, 0x80, 0x00,                          // route refresh (Cisco)
    };
    const Bytes notify = {
        0x38, 0x56, 0x71, 0xff, 0x00, 0x05, 0x00, 0x06,  // BGP, BGP_NOTIFY
        0x00, 0x00, 0x00, 0x0e,                          // length 14
        0x0d, 0xdd, 0xce, 0xfb, 0x00, 0x55,              // peer AS 3549, 206.251.0.85
        0x31, 0x6e, 0xc1, 0x00, 0x00, 0x01,              // local
        0x04, 0x00,                                      // Hold Timer Expired
    };
    const Bytes keepalive = {
        0x38, 0x56, 0x72, 0x00, 0x00, 0x05, 0x00, 0x07,  // BGP, BGP_KEEPALIVE
        0x00, 0x00, 0x00, 0x0c,                          // length 12
        0x02, 0x01, 0xc0, 0x41, 0xb8, 0x01,              // peer AS 513, 192.65.184.1
        0x31, 0x6e, 0xc1, 0x00, 0x00, 0x01,              // local
    };
    const Bytes state = {
        0x38, 0x56, 0x72, 0x01, 0x00, 0x05, 0x00, 0x03,  // BGP, BGP_STATE_CHANGE
        0x00, 0x00, 0x00, 0x0a,                          // length 10
        0x15, 0x21, 0xc3, 0xd3, 0xde, 0xfe,              // peer AS 5409, 195.211.222.254
        0x00, 0x03, 0x00, 0x02,                          // Active -> Connect
    };
    const auto recs =
        mrt_test::read_all(mrt_test::concat({update, open, notify, keepalive, state}));
    REQUIRE(recs.size() == 5);
    for (const auto& r : recs) {
        CHECK(r.type == type::bgp);
        CHECK_FALSE(r.error);
    }

    const auto& mu = std::get<BgpMessage>(recs[0].body);
    CHECK(mu.peer_as == 5409);
    CHECK(mu.peer_address.to_string() == "195.211.222.11");
    CHECK(mu.local_as == 12654);
    CHECK(mu.local_address.to_string() == "193.0.0.1");
    CHECK_FALSE(mu.as4);
    REQUIRE(mu.message.size() == 19 + 39);
    CHECK(Bytes(mu.message.begin(), mu.message.begin() + 19) == mrt_test::bgp_header(58, 2));
    const auto u = decode_update(mu);
    CHECK(prefixes(u.nlri) == std::vector<std::string>{"208.138.236.32/27", "208.140.224.0/24"});
    REQUIRE(u.attributes.as_path);
    CHECK(u.attributes.as_path->to_string() == "5409 3352 6813 3561 4293");

    const auto& mo = std::get<BgpMessage>(recs[1].body);
    auto open_msg = wire::decode_message(mo.message, mo.codec_options());
    REQUIRE(open_msg);
    CHECK(std::get<wire::Open>(*open_msg).my_as == 3549);

    const auto& mn = std::get<BgpMessage>(recs[2].body);
    auto notif = wire::decode_message(mn.message, mn.codec_options());
    REQUIRE(notif);
    CHECK(std::get<wire::Notification>(*notif).code == 4);

    const auto& mk = std::get<BgpMessage>(recs[3].body);
    CHECK(mk.message == mrt_test::bgp_header(19, 4));
    CHECK(mk.peer_as == 513);

    const auto& sc = std::get<StateChange>(recs[4].body);
    CHECK(sc.peer_as == 5409);
    CHECK(sc.peer_address.to_string() == "195.211.222.254");
    CHECK(sc.old_state == 3);
    CHECK(sc.new_state == 2);
}

TEST_CASE("deprecated BGP type 5: other subtypes are unsupported", "[mrt][bgp4mp][deprecated]") {
    const auto recs =
        mrt_test::read_one(945188487, type::bgp, bgp_subtype::sync, {0x00, 0x01, 'f', 0x00});
    REQUIRE(recs.size() == 1);
    CHECK_FALSE(recs[0].error);
    CHECK(std::get<Unsupported>(recs[0].body).what == "BGP BGP_SYNC");
}

TEST_CASE("deprecated BGP type 5: truncated record", "[mrt][bgp4mp][deprecated]") {
    const auto recs = mrt_test::read_one(945188487, type::bgp, bgp_subtype::update,
                                         {0x15, 0x21, 0xc3, 0xd3, 0xde, 0x0b, 0x31});
    REQUIRE(recs.size() == 1);
    CHECK(recs[0].error);
}
