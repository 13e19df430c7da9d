#include "wire/nlri.hpp"

#include <catch2/catch_test_macros.hpp>
#include <vector>

using namespace bgp::wire;
using bgp::wire::detail::decode_prefixes;

namespace {
std::vector<std::uint8_t> encode_all(const std::vector<Nlri>& v, bool add_path) {
    std::vector<std::uint8_t> out;
    detail::Writer w(out);
    for (const auto& n : v) detail::encode_prefix(w, n, add_path);
    return out;
}
}  // namespace

TEST_CASE("IPv4 prefixes decode and encode", "[wire][nlri]") {
    const std::vector<std::uint8_t> wire = {
        0x18, 0x0a, 0x00, 0x00,        // 10.0.0.0/24
        0x10, 0xac, 0x10,              // 172.16.0.0/16
        0x00,                          // 0.0.0.0/0
        0x20, 0xc0, 0x00, 0x02, 0x01,  // 192.0.2.1/32
        0x1a, 0xc0, 0xa8, 0x87, 0x40,  // 192.168.135.64/26
    };
    std::vector<Nlri> out;
    REQUIRE_FALSE(decode_prefixes(wire, Afi::ipv4, false, out, 10));
    REQUIRE(out.size() == 5);
    CHECK(out[0].prefix.to_string() == "10.0.0.0/24");
    CHECK(out[1].prefix.to_string() == "172.16.0.0/16");
    CHECK(out[2].prefix.to_string() == "0.0.0.0/0");
    CHECK(out[3].prefix.to_string() == "192.0.2.1/32");
    CHECK(out[4].prefix.to_string() == "192.168.135.64/26");
    CHECK_FALSE(out[0].path_id);
    CHECK(encode_all(out, false) == wire);
    for (const auto& n : out)
        CHECK(detail::encoded_size(n, false) == 1u + (n.prefix.length() + 7u) / 8u);
}

TEST_CASE("Host bits beyond the length are masked", "[wire][nlri]") {
    // as in bgpdump's updates.nlri_mask_trailing_bits
    const std::vector<std::uint8_t> wire = {0x17, 0x0a, 0x01, 0x03};  // 10.1.3.0/23 -> 10.1.2.0/23
    std::vector<Nlri> out;
    REQUIRE_FALSE(decode_prefixes(wire, Afi::ipv4, false, out, 10));
    REQUIRE(out.size() == 1);
    CHECK(out[0].prefix.to_string() == "10.1.2.0/23");
    // normalisation: re-encoding writes the masked octet
    CHECK(encode_all(out, false) == std::vector<std::uint8_t>{0x17, 0x0a, 0x01, 0x02});
}

TEST_CASE("ADD-PATH path identifiers", "[wire][nlri]") {
    const std::vector<std::uint8_t> wire = {
        0x00, 0x00, 0x00, 0x01, 0x18, 0x0a, 0x00, 0x00,  // path 1, 10.0.0.0/24
        0x00, 0x00, 0x02, 0xbd, 0x18, 0x0a, 0x00, 0x00,  // path 701, 10.0.0.0/24
    };
    std::vector<Nlri> out;
    REQUIRE_FALSE(decode_prefixes(wire, Afi::ipv4, true, out, 10));
    REQUIRE(out.size() == 2);
    CHECK(out[0].path_id == 1u);
    CHECK(out[1].path_id == 701u);
    CHECK(out[0].prefix == out[1].prefix);
    CHECK(encode_all(out, true) == wire);
    CHECK(detail::encoded_size(out[0], true) == 8);
    // Without ADD-PATH the same bytes still parse, into garbage: /0, /0, /0,
    // 128.0.0.0/1, 0.0.0.0/10, ... - why ADD-PATH must be negotiated, not guessed.
    std::vector<Nlri> wrong;
    REQUIRE_FALSE(decode_prefixes(wire, Afi::ipv4, false, wrong, 10));
    CHECK(wrong.size() == 9);
    CHECK(wrong[3].prefix.to_string() == "0.0.0.0/1");
}

TEST_CASE("IPv6 prefixes", "[wire][nlri]") {
    const std::vector<std::uint8_t> wire = {
        0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02,  // 2001:db8:1:2::/64
        0x7a, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // fd00::40/122
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x80,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // ::1/128
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    };
    std::vector<Nlri> out;
    REQUIRE_FALSE(decode_prefixes(wire, Afi::ipv6, false, out, 10));
    REQUIRE(out.size() == 3);
    CHECK(out[0].prefix.to_string() == "2001:db8:1:2::/64");
    CHECK(out[1].prefix.to_string() == "fd00::40/122");
    CHECK(out[2].prefix.to_string() == "::1/128");
    CHECK(encode_all(out, false) == wire);
}

TEST_CASE("Malformed prefixes are errors, never over-reads", "[wire][nlri]") {
    std::vector<Nlri> out;
    SECTION("length above 32") {
        const std::vector<std::uint8_t> wire = {0x21, 1, 2, 3, 4, 5};
        auto e = decode_prefixes(wire, Afi::ipv4, false, out, 10);
        REQUIRE(e);
        CHECK(e->code == 3);
        CHECK(e->subcode == 10);
        CHECK(e->action == ErrorAction::session_reset);
        CHECK(e->reason.find("33") != std::string::npos);
    }
    SECTION("length above 128") {
        const std::vector<std::uint8_t> wire = {0x81};
        REQUIRE(decode_prefixes(wire, Afi::ipv6, false, out, 10));
    }
    SECTION("prefix octets missing") {
        const std::vector<std::uint8_t> wire = {0x18, 0x0a, 0x00};
        auto e = decode_prefixes(wire, Afi::ipv4, false, out, 1);
        REQUIRE(e);
        CHECK(e->subcode == 1);
        CHECK(e->reason.find("needs 3 octets, 2 left") != std::string::npos);
    }
    SECTION("truncated path id") {
        const std::vector<std::uint8_t> wire = {0x00, 0x00, 0x01};
        REQUIRE(decode_prefixes(wire, Afi::ipv4, true, out, 10));
    }
    SECTION("path id without length octet") {
        const std::vector<std::uint8_t> wire = {0x00, 0x00, 0x00, 0x01};
        REQUIRE(decode_prefixes(wire, Afi::ipv4, true, out, 10));
    }
}
