#include "bgp/wire/message.hpp"

#include <catch2/catch_test_macros.hpp>
#include <vector>

using namespace bgp::wire;

namespace {
std::vector<std::uint8_t> header(std::uint16_t len, std::uint8_t type) {
    std::vector<std::uint8_t> v(16, 0xFF);
    v.push_back(static_cast<std::uint8_t>(len >> 8));
    v.push_back(static_cast<std::uint8_t>(len));
    v.push_back(type);
    return v;
}
}  // namespace

TEST_CASE("KEEPALIVE golden vector both ways", "[wire][message]") {
    const std::vector<std::uint8_t> wire = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // marker
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  //
        0x00, 0x13,                                      // length 19
        0x04,                                            // KEEPALIVE
    };
    auto m = decode_message(wire, CodecOptions{});
    REQUIRE(m);
    CHECK(std::holds_alternative<Keepalive>(*m));
    CHECK(type_of(*m) == MessageType::keepalive);
    auto e = encode(*m, CodecOptions{});
    REQUIRE(e);
    CHECK(*e == wire);
}

TEST_CASE("Header checks (RFC 4271 §6.1)", "[wire][message]") {
    const CodecOptions opts;
    SECTION("marker not all ones: Connection Not Synchronized") {
        auto h = header(19, 4);
        h[3] = 0;
        auto r = decode_header(h, opts);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == 1);
        CHECK(r.error().subcode == 1);
        CHECK(r.error().action == ErrorAction::session_reset);
    }
    SECTION("length below 19: Bad Message Length with the length as data") {
        auto r = decode_header(header(18, 4), opts);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == 1);
        CHECK(r.error().subcode == 2);
        CHECK(r.error().data == std::vector<std::uint8_t>{0x00, 0x12});
    }
    SECTION("KEEPALIVE must be exactly 19") {
        auto r = decode_header(header(20, 4), opts);
        REQUIRE_FALSE(r);
        CHECK(r.error().subcode == 2);
        CHECK(r.error().data == std::vector<std::uint8_t>{0x00, 0x14});
    }
    SECTION("per-type minimum lengths") {
        CHECK_FALSE(decode_header(header(28, 1), opts));  // OPEN < 29
        CHECK(decode_header(header(29, 1), opts));
        CHECK_FALSE(decode_header(header(22, 2), opts));  // UPDATE < 23
        CHECK(decode_header(header(23, 2), opts));
        CHECK_FALSE(decode_header(header(20, 3), opts));  // NOTIFICATION < 21
        CHECK(decode_header(header(21, 3), opts));
        // ROUTE-REFRESH body lengths are judged by its own decoder (RFC 7313 §5: 7/1)
        CHECK(decode_header(header(19, 5), opts));
        CHECK(decode_header(header(23, 5), opts));
    }
    SECTION("unknown type: Bad Message Type with the type as data") {
        for (std::uint8_t t : std::vector<std::uint8_t>{0, 6, 20, 255}) {
            auto r = decode_header(header(19, t), opts);
            REQUIRE_FALSE(r);
            CHECK(r.error().code == 1);
            CHECK(r.error().subcode == 3);
            CHECK(r.error().data == std::vector<std::uint8_t>{t});
        }
    }
    SECTION("4096 limit, 65535 with extended messages (RFC 8654)") {
        CHECK(decode_header(header(4096, 2), opts));
        auto r = decode_header(header(4097, 2), opts);
        REQUIRE_FALSE(r);
        CHECK(r.error().subcode == 2);
        CodecOptions ext;
        ext.extended_message = true;
        CHECK(decode_header(header(4097, 2), ext));
        CHECK(decode_header(header(65535, 3), ext));
        // OPEN stays within 4096 even then (RFC 8654 §4)
        CHECK_FALSE(decode_header(header(4097, 1), ext));
    }
    SECTION("short input is an error, not an over-read") {
        std::vector<std::uint8_t> v(18, 0xFF);
        CHECK_FALSE(decode_header(v, opts));
    }
}

TEST_CASE("decode_message wants exactly one message", "[wire][message]") {
    auto h = header(19, 4);
    h.push_back(0);
    auto r = decode_message(h, CodecOptions{});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == 1);
    CHECK(r.error().subcode == 2);
}

TEST_CASE("message type names", "[wire][message]") {
    CHECK(message_type_name(1) == "OPEN");
    CHECK(message_type_name(2) == "UPDATE");
    CHECK(message_type_name(3) == "NOTIFICATION");
    CHECK(message_type_name(4) == "KEEPALIVE");
    CHECK(message_type_name(5) == "ROUTE-REFRESH");
    CHECK(message_type_name(9) == "TYPE-9");
}

TEST_CASE("FamilySet", "[wire][message]") {
    FamilySet s;
    CHECK(s.empty());
    s.insert(ipv4_unicast);
    s.insert(Family{Afi::l2vpn, Safi::evpn});
    CHECK(s.contains(ipv4_unicast));
    CHECK_FALSE(s.contains(ipv6_unicast));
    CHECK(s.contains(Family{Afi::l2vpn, Safi::evpn}));
    s.insert(Family{Afi::bgp_ls, Safi::bgp_ls});  // not representable: ignored
    CHECK_FALSE(s.contains(Family{Afi::bgp_ls, Safi::bgp_ls}));
    s.erase(ipv4_unicast);
    CHECK_FALSE(s.contains(ipv4_unicast));
    CHECK_FALSE(s.empty());
}
