// Tests for libbgp/src/wire/route_refresh.cpp: ROUTE-REFRESH golden vectors
// (RFC 2918 §3, RFC 7313 subtypes, RFC 5291 ORF entries kept raw) from the
// corpus captures, and the RFC 7313 §5 length errors.
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "bgp/wire/message.hpp"
#include "wire/bodies.hpp"

using namespace bgp::wire;
using Bytes = std::vector<std::uint8_t>;

namespace {

Bytes hex(std::string_view s) {
    Bytes out;
    int hi = -1;
    for (char c : s) {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) continue;
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
            hi = -1;
        }
    }
    REQUIRE(hi < 0);
    return out;
}

/// The golden vector is the capture's bytes: it occurs verbatim in the file.
bool in_capture(const std::string& rel, const Bytes& msg) {
    std::ifstream f(std::string(BGP_TEST_DATA_DIR) + "/corpus/" + rel, std::ios::binary);
    REQUIRE(f.good());
    const Bytes file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return std::search(file.begin(), file.end(), msg.begin(), msg.end()) != file.end();
}

/// bytes -> RouteRefresh -> the same bytes.
RouteRefresh round_trip(const Bytes& msg) {
    auto m = decode_message(msg, CodecOptions{});
    if (!m) FAIL("decode failed: " << m.error().reason);
    REQUIRE(std::holds_alternative<RouteRefresh>(*m));
    const RouteRefresh rr = std::get<RouteRefresh>(*m);
    auto again = encode(Message{rr}, CodecOptions{});
    REQUIRE(again);
    CHECK(*again == msg);
    Bytes body;
    detail::Writer w(body);
    detail::encode_route_refresh_body(rr, w);
    CHECK(body == Bytes(msg.begin() + header_size, msg.end()));
    return rr;
}

Bytes message_of(const Bytes& body) {
    Bytes msg(16, 0xff);
    const auto len = static_cast<std::uint16_t>(body.size() + header_size);
    msg.push_back(static_cast<std::uint8_t>(len >> 8));
    msg.push_back(static_cast<std::uint8_t>(len));
    msg.push_back(5);
    msg.insert(msg.end(), body.begin(), body.end());
    return msg;
}

}  // namespace

TEST_CASE("ROUTE-REFRESH golden vector, RFC 2918 §3 layout", "[wire][route_refresh]") {
    const Bytes msg = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // marker
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  //
        0x00, 0x17,                                      // length 23
        0x05,                                            // type ROUTE-REFRESH
        0x00, 0x02,                                      // AFI IPv6
        0x00,                                            // subtype 0: normal request
        0x01,                                            // SAFI unicast
    };
    const RouteRefresh expected{2, route_refresh_subtype::normal, 1, {}};
    CHECK(round_trip(msg) == expected);
    CHECK(encode(Message{expected}, CodecOptions{}).value() == msg);
}

TEST_CASE("Real ROUTE-REFRESH: RFC 7313 subtypes", "[wire][route_refresh][corpus]") {
    // tests/corpus/tcpdump/bgp-enhanced-route-refresh-subtype.pcapng
    const Bytes normal = hex("ffffffffffffffffffffffffffffffff 0017 05 0001 00 01");  // frame 1
    const Bytes borr = hex("ffffffffffffffffffffffffffffffff 0017 05 0001 01 01");    // frame 2
    const Bytes eorr = hex("ffffffffffffffffffffffffffffffff 0017 05 0001 02 01");    // frame 3
    for (const Bytes* m : {&normal, &borr, &eorr})
        REQUIRE(in_capture("tcpdump/bgp-enhanced-route-refresh-subtype.pcapng", *m));
    CHECK(round_trip(normal) == RouteRefresh{1, route_refresh_subtype::normal, 1, {}});
    CHECK(round_trip(borr) == RouteRefresh{1, route_refresh_subtype::borr, 1, {}});
    CHECK(round_trip(eorr) == RouteRefresh{1, route_refresh_subtype::eorr, 1, {}});
}

TEST_CASE("Real ROUTE-REFRESH: ORF entries kept raw (RFC 5291)", "[wire][route_refresh][corpus]") {
    // tests/corpus/tcpdump/bgp-orf.pcapng, frame 1: two messages in one segment
    const Bytes defer =
        hex("ffffffffffffffffffffffffffffffff 001c 05"  // marker, length 28, ROUTE-REFRESH
            "0001 00 01"                                // IPv4, subtype 0, unicast
            "02"                                        // When-to-refresh: defer
            "40 0001"                                   // ORF type 64 (address prefix), length 1
            "c0"                                        // entry: action/match
        );
    const Bytes immediate =
        hex("ffffffffffffffffffffffffffffffff 0033 05"  // marker, length 51, ROUTE-REFRESH
            "0001 00 01"                                // IPv4, subtype 0, unicast
            "01"                                        // When-to-refresh: immediate
            "40 0018"                                   // ORF type 64, length 24
            "00 00000005 00 00 20 64646464"             // add, seq 5, 100.100.100.100/32
            "00 0000000a 00 00 20 64646465"             // add, seq 10, 100.100.100.101/32
        );
    Bytes both = defer;
    both.insert(both.end(), immediate.begin(), immediate.end());
    REQUIRE(in_capture("tcpdump/bgp-orf.pcapng", both));

    const RouteRefresh a = round_trip(defer);
    CHECK(a.afi == 1);
    CHECK(a.safi == 1);
    CHECK(a.subtype == route_refresh_subtype::normal);
    CHECK(a.orf == Bytes{0x02, 0x40, 0x00, 0x01, 0xc0});
    const RouteRefresh b = round_trip(immediate);
    REQUIRE(b.orf.size() == 28);
    CHECK(b.orf[0] == 0x01);
    CHECK(Bytes(b.orf.begin() + 1, b.orf.begin() + 4) == Bytes{0x40, 0x00, 0x18});
}

TEST_CASE("ROUTE-REFRESH with other subtypes is returned as it is", "[wire][route_refresh]") {
    // RFC 7313 §5: subtypes other than 0, 1, 2 are ignored by the receiver;
    // the codec hands them over unchanged.
    for (int subtype : {3, 128, 255}) {
        const Bytes msg = message_of({0x00, 0x02, static_cast<std::uint8_t>(subtype), 0x01});
        const RouteRefresh rr = round_trip(msg);
        CHECK(rr.subtype == subtype);
        CHECK(rr.afi == 2);
        CHECK(rr.orf.empty());
    }
    const RouteRefresh longer = round_trip(message_of({0x00, 0x01, 0x07, 0x01, 0xde, 0xad}));
    CHECK(longer.subtype == 7);
    CHECK(longer.orf == Bytes{0xde, 0xad});
}

TEST_CASE("ROUTE-REFRESH length errors", "[wire][route_refresh][errors]") {
    SECTION("BoRR / EoRR not of 4 octets: 7/1 with the complete message (RFC 7313 §5)") {
        for (const Bytes& body : std::vector<Bytes>{
                 {0x00, 0x01, 0x01, 0x01, 0x00},        // BoRR + 1 octet
                 {0x00, 0x01, 0x02, 0x01, 0x00, 0x00},  // EoRR + 2 octets
                 {0x00, 0x01, 0x01},                    // BoRR without SAFI
             }) {
            auto r = decode_route_refresh(body);
            REQUIRE_FALSE(r);
            CHECK(r.error().code == 7);
            CHECK(r.error().subcode == route_refresh_subcode::invalid_message_length);
            CHECK(r.error().data == message_of(body));
            CHECK(r.error().action == ErrorAction::session_reset);
        }
        // Through the top-level decoder the data is the very message received.
        const Bytes msg = message_of({0x00, 0x02, 0x02, 0x01, 0xaa});
        auto m = decode_message(msg, CodecOptions{});
        REQUIRE_FALSE(m);
        CHECK(m.error().code == 7);
        CHECK(m.error().subcode == 1);
        CHECK(m.error().data == msg);
    }
    SECTION("too short to be any ROUTE-REFRESH: 1/2 with the Length field") {
        for (const Bytes& body : std::vector<Bytes>{{}, {0x00}, {0x00, 0x01}, {0x00, 0x01, 0x00}}) {
            auto r = decode_route_refresh(body);
            REQUIRE_FALSE(r);
            CHECK(r.error().code == 1);
            CHECK(r.error().subcode == header_subcode::bad_message_length);
            CHECK(r.error().data ==
                  Bytes{0x00, static_cast<std::uint8_t>(header_size + body.size())});
        }
    }
}
