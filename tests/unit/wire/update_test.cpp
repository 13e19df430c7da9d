#include <catch2/catch_test_macros.hpp>
#include <vector>

#include "bgp/wire/message.hpp"

using namespace bgp::wire;

namespace {
std::vector<std::uint8_t> with_header(std::vector<std::uint8_t> body, std::uint8_t type = 2) {
    std::vector<std::uint8_t> v(16, 0xFF);
    const auto len = static_cast<std::uint16_t>(body.size() + 19);
    v.push_back(static_cast<std::uint8_t>(len >> 8));
    v.push_back(static_cast<std::uint8_t>(len));
    v.push_back(type);
    v.insert(v.end(), body.begin(), body.end());
    return v;
}

const Update& as_update(const Message& m) { return std::get<Update>(m); }
}  // namespace

// A pod block announcement as a Calico node sends it over iBGP.
const std::vector<std::uint8_t> pod_block_body = {
    0x00, 0x00,                                // withdrawn routes length 0
    0x00, 0x1c,                                // total path attribute length 28
    0x40, 0x01, 0x01, 0x00,                    // ORIGIN IGP
    0x40, 0x02, 0x00,                          // AS_PATH empty (iBGP)
    0x40, 0x03, 0x04, 0xac, 0x10, 0x06, 0xf9,  // NEXT_HOP 172.16.6.249
    0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64,  // LOCAL_PREF 100
    0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x00,  // MED 0
    0x1a, 0xc0, 0xa8, 0x87, 0x40,              // 192.168.135.64/26
};

TEST_CASE("UPDATE golden vector: pod block over iBGP", "[wire][update]") {
    const auto wire = with_header(pod_block_body);
    CodecOptions opts;
    opts.ibgp = true;
    auto m = decode_message(wire, opts);
    REQUIRE(m);
    const auto& u = as_update(*m);
    CHECK(u.errors.empty());
    CHECK_FALSE(u.treat_as_withdraw);
    CHECK(u.withdrawn.empty());
    REQUIRE(u.nlri.size() == 1);
    CHECK(u.nlri[0].prefix.to_string() == "192.168.135.64/26");
    CHECK(u.attributes.origin == Origin::igp);
    REQUIRE(u.attributes.as_path);
    CHECK(u.attributes.as_path->segments.empty());
    CHECK(u.attributes.next_hop == IpAddress::parse("172.16.6.249"));
    CHECK(u.attributes.local_pref == 100u);
    CHECK(u.attributes.med == 0u);
    CHECK_FALSE(u.end_of_rib());
    // exact round trip, attribute order (MED after LOCAL_PREF) kept
    auto e = encode(*m, opts);
    REQUIRE(e);
    CHECK(*e == wire);
}

TEST_CASE("UPDATE built by hand encodes in canonical order", "[wire][update]") {
    Update u;
    u.attributes.origin = Origin::igp;
    u.attributes.as_path = AsPath{{AsSegment{AsSegmentType::as_sequence, {64512, 64513}}}};
    u.attributes.next_hop = IpAddress::parse("10.0.0.1");
    u.nlri.push_back(Nlri{*Prefix::parse("10.1.0.0/16"), std::nullopt});
    u.withdrawn.push_back(Nlri{*Prefix::parse("10.2.0.0/16"), std::nullopt});
    const std::vector<std::uint8_t> body = {
        0x00, 0x03, 0x10, 0x0a, 0x02,              // withdrawn: 10.2.0.0/16
        0x00, 0x18,                                // attributes: 24 octets
        0x40, 0x01, 0x01, 0x00,                    // ORIGIN IGP
        0x40, 0x02, 0x0a, 0x02, 0x02,              // AS_PATH: AS_SEQUENCE of 2
        0x00, 0x00, 0xfc, 0x00,                    //   64512
        0x00, 0x00, 0xfc, 0x01,                    //   64513
        0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01,  // NEXT_HOP 10.0.0.1
        0x10, 0x0a, 0x01,                          // NLRI 10.1.0.0/16
    };
    auto e = encode(Message{u}, CodecOptions{});
    REQUIRE(e);
    CHECK(*e == with_header(body));
    auto back = decode_message(*e, CodecOptions{});
    REQUIRE(back);
    const auto& d = as_update(*back);
    CHECK(d.nlri == u.nlri);
    CHECK(d.withdrawn == u.withdrawn);
    CHECK(d.attributes.as_path == u.attributes.as_path);
    CHECK(d.attributes.next_hop == u.attributes.next_hop);
}

TEST_CASE("End-of-RIB markers (RFC 4724 §2)", "[wire][update]") {
    SECTION("IPv4 unicast: the empty UPDATE") {
        auto e = encode(Message{make_end_of_rib(ipv4_unicast)}, CodecOptions{});
        REQUIRE(e);
        CHECK(*e == with_header({0x00, 0x00, 0x00, 0x00}));
        auto m = decode_message(*e, CodecOptions{});
        REQUIRE(m);
        CHECK(as_update(*m).end_of_rib() == ipv4_unicast);
    }
    SECTION("IPv6 unicast: an empty MP_UNREACH_NLRI") {
        auto e = encode(Message{make_end_of_rib(ipv6_unicast)}, CodecOptions{});
        REQUIRE(e);
        CHECK(*e == with_header({
                        0x00, 0x00,        // no withdrawn routes
                        0x00, 0x06,        // attributes: 6 octets
                        0x80, 0x0f, 0x03,  // MP_UNREACH_NLRI, optional, length 3
                        0x00, 0x02, 0x01,  // AFI 2 SAFI 1
                    }));
        auto m = decode_message(*e, CodecOptions{});
        REQUIRE(m);
        CHECK(as_update(*m).end_of_rib() == ipv6_unicast);
    }
    SECTION("an UPDATE with a withdrawal is not End-of-RIB") {
        auto m = decode_message(with_header({0x00, 0x02, 0x08, 0x0a, 0x00, 0x00}), CodecOptions{});
        REQUIRE(m);
        CHECK_FALSE(as_update(*m).end_of_rib());
        REQUIRE(as_update(*m).withdrawn.size() == 1);
        CHECK(as_update(*m).withdrawn[0].prefix.to_string() == "10.0.0.0/8");
    }
}

TEST_CASE("UPDATE length fields (RFC 4271 §6.3)", "[wire][update]") {
    SECTION("withdrawn routes length overruns") {
        auto r = decode_update(std::vector<std::uint8_t>{0x00, 0x05, 0x08, 0x0a, 0x00, 0x00}, {});
        REQUIRE_FALSE(r);
        CHECK(r.error().code == 3);
        CHECK(r.error().subcode == 1);
        CHECK(r.error().action == ErrorAction::session_reset);
    }
    SECTION("total attribute length overruns") {
        auto r = decode_update(
            std::vector<std::uint8_t>{0x00, 0x00, 0x00, 0x09, 0x40, 0x01, 0x01, 0x00}, {});
        REQUIRE_FALSE(r);
        CHECK(r.error().subcode == 1);
    }
    SECTION("a body too short for the two length fields") {
        auto r = decode_update(std::vector<std::uint8_t>{0x00}, {});
        REQUIRE_FALSE(r);
        CHECK(r.error().subcode == 1);
    }
    SECTION("a bad NLRI field: Invalid Network Field, session reset (RFC 7606 §5.3)") {
        auto r = decode_update(
            std::vector<std::uint8_t>{0x00, 0x00, 0x00, 0x00, 0x21, 0x0a, 0x00, 0x00, 0x00, 0x00},
            {});
        REQUIRE_FALSE(r);
        CHECK(r.error().code == 3);
        CHECK(r.error().subcode == 10);
        CHECK(r.error().action == ErrorAction::session_reset);
    }
}

TEST_CASE("ADD-PATH in the classic fields", "[wire][update]") {
    CodecOptions opts;
    opts.add_path.insert(ipv4_unicast);
    Update u;
    u.withdrawn.push_back(Nlri{*Prefix::parse("10.0.0.0/8"), 7u});
    auto e = encode(Message{u}, opts);
    REQUIRE(e);
    CHECK(*e == with_header({0x00, 0x06, 0x00, 0x00, 0x00, 0x07, 0x08, 0x0a, 0x00, 0x00}));
    auto m = decode_message(*e, opts);
    REQUIRE(m);
    CHECK(as_update(*m).withdrawn == u.withdrawn);
}

TEST_CASE("Encoding refuses what does not fit", "[wire][update]") {
    Update u;
    for (std::uint32_t i = 0; i < 1100; ++i)
        u.nlri.push_back(Nlri{Prefix(IpAddress::v4((10u << 24) | (i << 8)), 24), std::nullopt});
    std::vector<std::uint8_t> out{1, 2, 3};
    auto r = encode_message(Message{u}, CodecOptions{}, out);
    REQUIRE_FALSE(r);
    CHECK(r.error().reason.find("exceeds the limit of 4096") != std::string::npos);
    CHECK(out == std::vector<std::uint8_t>{1, 2, 3});  // untouched
    CodecOptions ext;
    ext.extended_message = true;
    auto ok = encode_message(Message{u}, ext, out);
    REQUIRE(ok);
    CHECK(*ok == out.size() - 3);
    Update v6;
    v6.nlri.push_back(Nlri{*Prefix::parse("2001:db8::/32"), std::nullopt});
    CHECK_FALSE(encode(Message{v6}, CodecOptions{}));
}

TEST_CASE("Salvage mode keeps the prefixes before a malformed tail", "[wire][update]") {
    // bgpdump's updates.nlri_mask_trailing_bits: the NLRI field ends in a stray octet
    const std::vector<std::uint8_t> body = {
        0x00, 0x00, 0x00, 0x00,  // no withdrawn routes, no attributes
        0x0d, 0x0b, 0x0d,        // 11.13.0.0/13 -> 11.8.0.0/13 (host bits masked)
        0x0b,                    // a /11 with no octets after it
    };
    auto strict = decode_update(body, CodecOptions{});
    REQUIRE_FALSE(strict);
    CHECK(strict.error().subcode == 10);
    CodecOptions tool;
    tool.salvage = true;
    auto r = decode_update(body, tool);
    REQUIRE(r);
    REQUIRE(r->nlri.size() == 1);
    CHECK(r->nlri[0].prefix.to_string() == "11.8.0.0/13");
    // the NLRI fault first, then RFC 7606 §3 d: ORIGIN, AS_PATH, NEXT_HOP missing
    REQUIRE(r->errors.size() == 4);
    CHECK(r->errors[0].subcode == 10);
    CHECK(r->treat_as_withdraw);
    CHECK(r->errors[0].action == ErrorAction::session_reset);
    CHECK(r->errors[0].reason.find("NLRI") != std::string::npos);
}
