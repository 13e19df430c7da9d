// Tests for libbgp/src/wire/open.cpp: OPEN golden vectors (RFC 4271 §4.2
// layout and real OPENs from the corpus captures), RFC 9072 extended optional
// parameters, capability grouping, and every error path with its exact
// NOTIFICATION code, subcode and data.
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
        if (v < 0) continue;  // spaces separate fields
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

Bytes read_file(const std::string& rel) {
    std::ifstream f(std::string(BGP_TEST_DATA_DIR) + "/corpus/" + rel, std::ios::binary);
    REQUIRE(f.good());
    return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

/// The golden vector is the capture's bytes: it occurs verbatim in the file.
bool in_capture(const std::string& rel, const Bytes& msg) {
    const Bytes file = read_file(rel);
    return std::search(file.begin(), file.end(), msg.begin(), msg.end()) != file.end();
}

Bytes body_of(const Bytes& msg) { return Bytes(msg.begin() + header_size, msg.end()); }

Open decode_ok(const Bytes& msg) {
    auto m = decode_message(msg, CodecOptions{});
    if (!m) FAIL("decode failed: " << m.error().reason);
    REQUIRE(std::holds_alternative<Open>(*m));
    return std::get<Open>(*m);
}

DecodeError decode_err(const Bytes& body) {
    auto r = decode_open(body);
    REQUIRE_FALSE(r);
    return r.error();
}

Bytes encode_ok(const Open& o) {
    auto r = encode(Message{o}, CodecOptions{});
    if (!r) FAIL("encode failed: " << r.error().reason);
    return *r;
}

/// decode -> encode gives the same bytes; decode again gives the same value.
Open round_trip(const Bytes& msg) {
    const Open o = decode_ok(msg);
    const Bytes again = encode_ok(o);
    CHECK(again == msg);
    CHECK(decode_ok(again) == o);
    // The body encoder alone writes the body.
    Bytes body;
    detail::Writer w(body);
    REQUIRE_FALSE(detail::encode_open_body(o, w));
    CHECK(body == body_of(msg));
    return o;
}

/// Every truncation and every single-octet corruption of a body decodes to a
/// value or an error, never past the input (checked by ASan in that build).
void survives_damage(const Bytes& body) {
    // The Optional Parameters must fill the body exactly, so every
    // truncation is an error.
    for (std::size_t n = 0; n < body.size(); ++n) {
        const Bytes cut(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(n));
        CHECK_FALSE(decode_open(cut));
    }
    // What still decodes re-encodes to something that decodes the same.
    for (std::size_t i = 0; i < body.size(); ++i) {
        for (int v : {0x00, 0x01, 0xff}) {
            Bytes bad = body;
            bad[i] = static_cast<std::uint8_t>(v);
            auto r = decode_open(bad);
            if (!r) continue;
            CHECK(r->version == 4);
            Bytes again;
            detail::Writer w(again);
            REQUIRE_FALSE(detail::encode_open_body(*r, w));
            auto back = decode_open(again);
            REQUIRE(back);
            CHECK(*back == *r);
        }
    }
}

void check_error(const DecodeError& e, std::uint8_t code, std::uint8_t subcode, const Bytes& data) {
    CHECK(e.code == code);
    CHECK(e.subcode == subcode);
    CHECK(e.data == data);
    CHECK(e.action == ErrorAction::session_reset);
    CHECK_FALSE(e.reason.empty());
}

// A minimal valid body head: version 4, AS 65000, hold 180, id 192.0.2.1.
const Bytes head = {0x04, 0xfd, 0xe8, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01};

Bytes with_params(const Bytes& after_head) {
    Bytes b = head;
    b.insert(b.end(), after_head.begin(), after_head.end());
    return b;
}

}  // namespace

TEST_CASE("OPEN golden vector, RFC 4271 §4.2 layout", "[wire][open]") {
    const Bytes msg = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // marker
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  //
        0x00, 0x2d,                                      // length 45
        0x01,                                            // type OPEN
        0x04,                                            // version 4
        0xfd, 0xe8,                                      // My AS 65000
        0x00, 0xb4,                                      // Hold Time 180
        0xc0, 0x00, 0x02, 0x01,                          // BGP Identifier 192.0.2.1
        0x10,                                            // Opt Parm Len 16
        0x02, 0x0e,                                      // parameter 2 (capabilities), length 14
        0x01, 0x04, 0x00, 0x01, 0x00, 0x01,              //   multiprotocol IPv4 unicast
        0x02, 0x00,                                      //   route refresh
        0x41, 0x04, 0x00, 0x00, 0xfd, 0xe8,              //   4-octet AS 65000
    };
    Open expected;
    expected.version = 4;
    expected.my_as = 65000;
    expected.hold_time = 180;
    expected.bgp_identifier = 0xc0000201;
    expected.capabilities = {CapMultiprotocol{ipv4_unicast}, CapRouteRefresh{},
                             CapFourOctetAs{65000}};
    // bytes -> value
    const Open o = decode_ok(msg);
    CHECK(o == expected);
    CHECK_FALSE(o.extended_parameters);
    CHECK(o.capability_grouping.empty());
    CHECK(o.other_parameters.empty());
    // value -> bytes
    CHECK(encode_ok(expected) == msg);
    round_trip(msg);
}

TEST_CASE("OPEN without optional parameters", "[wire][open]") {
    const Bytes body = {
        0x04,                    // version 4
        0x00, 0xc8,              // My AS 200
        0x00, 0x00,              // Hold Time 0
        0x0a, 0x00, 0x00, 0x01,  // BGP Identifier 10.0.0.1
        0x00,                    // Opt Parm Len 0
    };
    auto o = decode_open(body);
    REQUIRE(o);
    CHECK(o->capabilities.empty());
    CHECK(o->other_parameters.empty());
    CHECK(o->capability_grouping.empty());
    CHECK(o->hold_time == 0);
    CHECK(o->asn() == 200);
    Bytes out;
    detail::Writer w(out);
    REQUIRE_FALSE(detail::encode_open_body(*o, w));
    CHECK(out == body);
}

TEST_CASE("Real OPEN: RFC 9072 extended optional parameters length", "[wire][open][corpus]") {
    // tests/corpus/tcpdump/bgp-extended-optional-parameters-length.pcapng, frame 1
    // (FRR): every capability in its own parameter, in the RFC 9072 format.
    const Bytes msg =
        hex("ffffffffffffffffffffffffffffffff 008c 01"  // marker, length 140, OPEN
            "04 00ae 00b4 06060606"                     // version 4, AS 174, hold 180, id 6.6.6.6
            "ff ff 006c"  // Non-Ext OP Len 255, Non-Ext OP Type 255, Extended Opt. Parm. Length 108
            "02 0006 01 04 0001 00 01"             // capabilities: multiprotocol IPv4 unicast
            "02 0006 01 04 0002 00 01"             // capabilities: multiprotocol IPv6 unicast
            "02 0002 80 00"                        // capabilities: prestandard route refresh (128)
            "02 0002 02 00"                        // capabilities: route refresh
            "02 0002 46 00"                        // capabilities: enhanced route refresh
            "02 0006 41 04 000000ae"               // capabilities: 4-octet AS 174
            "02 0002 06 00"                        // capabilities: extended message
            "02 000a 45 08 0001 01 01 0002 01 01"  // capabilities: ADD-PATH v4, v6 receive
            "02 0013 49 11 0f 65786974312d64656269616e2d3131 00"  // FQDN "exit1-debian-11"
            "02 0004 40 02 0078"                                  // graceful restart 120 s
            "02 0010 47 0e 0001 01 80 000168 0002 01 80 000168"   // LLGR v4, v6 F 360 s
        );
    REQUIRE(in_capture("tcpdump/bgp-extended-optional-parameters-length.pcapng", msg));
    const Open o = round_trip(msg);
    CHECK(o.extended_parameters);
    CHECK(o.my_as == 174);
    CHECK(o.asn() == 174);
    CHECK(o.hold_time == 180);
    CHECK(o.bgp_identifier == 0x06060606);
    REQUIRE(o.capabilities.size() == 11);
    CHECK(o.capability_grouping == std::vector<std::uint8_t>(11, 1));
    CHECK(std::get<CapMultiprotocol>(o.capabilities[1]).family == ipv6_unicast);
    CHECK(std::get<CapUnknown>(o.capabilities[2]).code == 128);
    CHECK(std::holds_alternative<CapEnhancedRouteRefresh>(o.capabilities[4]));
    CHECK(std::holds_alternative<CapExtendedMessage>(o.capabilities[6]));
    CHECK(std::get<CapAddPath>(o.capabilities[7]).entries.size() == 2);
    CHECK(std::get<CapFqdn>(o.capabilities[8]).hostname == "exit1-debian-11");
    CHECK(std::get<CapGracefulRestart>(o.capabilities[9]).restart_time == 120);
    const auto* llgr = o.find<CapLongLivedGr>();
    REQUIRE(llgr != nullptr);
    REQUIRE(llgr->entries.size() == 2);
    CHECK(llgr->entries[1].family == ipv6_unicast);
    CHECK(llgr->entries[1].stale_time == 360);
    survives_damage(body_of(msg));
}

TEST_CASE("Real OPEN: BGP role capability", "[wire][open][corpus]") {
    // tests/corpus/tcpdump/bgp-role.pcapng, frame 1 (FRR, role customer)
    const Bytes msg =
        hex("ffffffffffffffffffffffffffffffff 006b 01"  // marker, length 107, OPEN
            "04 fdea 00b4 c0a80a11"   // version 4, AS 65002, hold 180, 192.168.10.17
            "4e"                      // Opt Parm Len 78
            "02 06 01 04 0001 00 01"  // multiprotocol IPv4 unicast
            "02 02 80 00"             // prestandard route refresh
            "02 02 02 00"             // route refresh
            "02 02 46 00"             // enhanced route refresh
            "02 06 41 04 0000fdea"    // 4-octet AS 65002
            "02 02 06 00"             // extended message
            "02 03 09 01 03"          // BGP role: customer (3)
            "02 06 45 04 0001 01 01"  // ADD-PATH IPv4 unicast receive
            "02 0e 49 0c 0a 646f6e617461732d7063 00"  // FQDN "donatas-pc", no domain
            "02 04 40 02 4078"                        // graceful restart N, 120 s
            "02 09 47 07 0001 01 80 000000"           // LLGR IPv4 unicast F, 0 s
        );
    REQUIRE(in_capture("tcpdump/bgp-role.pcapng", msg));
    const Open o = round_trip(msg);
    CHECK_FALSE(o.extended_parameters);
    CHECK(o.my_as == 65002);
    CHECK(o.bgp_identifier == 0xc0a80a11);
    CHECK(o.capabilities.size() == 11);
    CHECK(o.capability_grouping == std::vector<std::uint8_t>(11, 1));
    const auto* role = o.find<CapRole>();
    REQUIRE(role != nullptr);
    CHECK(role->role == static_cast<std::uint8_t>(BgpRole::customer));
    const auto* gr = o.find<CapGracefulRestart>();
    REQUIRE(gr != nullptr);
    CHECK(gr->notification);
    CHECK_FALSE(gr->restart_state);
    CHECK(gr->restart_time == 120);
    survives_damage(body_of(msg));
}

TEST_CASE("Real OPEN: EVPN and LLGR without families", "[wire][open][corpus]") {
    // tests/corpus/tcpdump/bgp-evpn.pcap, frame 1
    const Bytes msg =
        hex("ffffffffffffffffffffffffffffffff 0047 01"  // marker, length 71, OPEN
            "04 fde8 005a 02020202"                     // version 4, AS 65000, hold 90, id 2.2.2.2
            "2a"                                        // Opt Parm Len 42
            "02 06 01 04 0001 00 80"                    // multiprotocol IPv4 MPLS VPN
            "02 06 01 04 0019 00 46"                    // multiprotocol L2VPN EVPN
            "02 02 80 00"                               // prestandard route refresh
            "02 02 02 00"                               // route refresh
            "02 04 40 02 4078"                          // graceful restart N, 120 s
            "02 06 41 04 0000fde8"                      // 4-octet AS 65000
            "02 02 47 00"                               // LLGR, no family
        );
    REQUIRE(in_capture("tcpdump/bgp-evpn.pcap", msg));
    const Open o = round_trip(msg);
    CHECK(o.hold_time == 90);
    CHECK(std::get<CapMultiprotocol>(o.capabilities[0]).family ==
          Family{Afi::ipv4, Safi::mpls_vpn});
    CHECK(std::get<CapMultiprotocol>(o.capabilities[1]).family == Family{Afi::l2vpn, Safi::evpn});
    const auto* llgr = o.find<CapLongLivedGr>();
    REQUIRE(llgr != nullptr);
    CHECK(llgr->entries.empty());
}

TEST_CASE("Real OPEN: enhanced route refresh", "[wire][open][corpus]") {
    // tests/corpus/tcpdump/bgp-enhanced-route-refresh.pcapng, frame 1
    const Bytes msg =
        hex("ffffffffffffffffffffffffffffffff 005f 01"  // marker, length 95, OPEN
            "04 fde9 00b4 c0a80a44"   // version 4, AS 65001, hold 180, 192.168.10.68
            "42"                      // Opt Parm Len 66
            "02 06 01 04 0001 00 01"  // multiprotocol IPv4 unicast
            "02 02 80 00"             // prestandard route refresh
            "02 02 02 00"             // route refresh
            "02 02 46 00"             // enhanced route refresh
            "02 06 41 04 0000fde9"    // 4-octet AS 65001
            "02 02 06 00"             // extended message
            "02 06 45 04 0001 01 01"  // ADD-PATH IPv4 unicast receive
            "02 12 49 10 0e 65786974312d64656269616e2d39 00"  // FQDN "exit1-debian-9"
            "02 04 40 02 0078"                                // graceful restart 120 s
        );
    REQUIRE(in_capture("tcpdump/bgp-enhanced-route-refresh.pcapng", msg));
    const Open o = round_trip(msg);
    CHECK(o.find<CapEnhancedRouteRefresh>() != nullptr);
    CHECK(o.find<CapRouteRefresh>() != nullptr);
    CHECK(o.find<CapFqdn>()->hostname == "exit1-debian-9");
    CHECK(o.find<CapRole>() == nullptr);
}

TEST_CASE("Real OPENs: 4-octet AS", "[wire][open][corpus]") {
    // tests/corpus/tcpdump/bgp-4byte-asn.pcap, frame 6: AS_TRANS + capability 65
    const Bytes as_trans =
        hex("ffffffffffffffffffffffffffffffff 0037 01"  // marker, length 55, OPEN
            "04 5ba0 00b4 00000101"  // version 4, AS 23456 (AS_TRANS), id 0.0.1.1
            "1a 02 18"               // Opt Parm Len 26, capabilities length 24
            "01 04 0001 00 01"       // multiprotocol IPv4 unicast
            "02 00"                  // route refresh
            "40 02 c12c"             // graceful restart R N, 300 s
            "41 04 a4c46652"         // 4-octet AS 2764334674
            "45 04 0001 01 01"       // ADD-PATH IPv4 unicast receive
        );
    REQUIRE(in_capture("tcpdump/bgp-4byte-asn.pcap", as_trans));
    const Open a = round_trip(as_trans);
    CHECK(a.my_as == 23456);
    CHECK(a.asn() == 2764334674u);
    CHECK(a.capabilities.size() == 5);
    CHECK(a.capability_grouping.empty());  // one parameter holds them all

    // frame 8: a 2-octet AS speaker that still sends ADD-PATH
    const Bytes two_octet =
        hex("ffffffffffffffffffffffffffffffff 002b 01"  // marker, length 43, OPEN
            "04 00c8 00b4 00000201"                     // version 4, AS 200, hold 180, id 0.0.2.1
            "0e 02 0c"                                  // Opt Parm Len 14, capabilities length 12
            "01 04 0001 00 01"                          // multiprotocol IPv4 unicast
            "45 04 0001 01 01"                          // ADD-PATH IPv4 unicast receive
        );
    REQUIRE(in_capture("tcpdump/bgp-4byte-asn.pcap", two_octet));
    const Open b = round_trip(two_octet);
    CHECK(b.asn() == 200);
    CHECK(b.find<CapFourOctetAs>() == nullptr);

    // frame 30: 4-octet capability carrying a 2-octet AS
    const Bytes small =
        hex("ffffffffffffffffffffffffffffffff 0031 01"  // marker, length 49, OPEN
            "04 012c 00b4 00000301"                     // version 4, AS 300, hold 180, id 0.0.3.1
            "14 02 12"                                  // Opt Parm Len 20, capabilities length 18
            "01 04 0001 00 01"                          // multiprotocol IPv4 unicast
            "41 04 0000012c"                            // 4-octet AS 300
            "45 04 0001 01 01"                          // ADD-PATH IPv4 unicast receive
        );
    REQUIRE(in_capture("tcpdump/bgp-4byte-asn.pcap", small));
    CHECK(round_trip(small).asn() == 300);
    survives_damage(body_of(as_trans));
}

TEST_CASE("Real OPENs: capability grouping is kept", "[wire][open][corpus]") {
    // tests/corpus/tcpdump/bgp-cease-hard-reset.pcap, frame 1: two capability
    // parameters, the first with one capability, the second with two.
    const Bytes msg =
        hex("ffffffffffffffffffffffffffffffff 0031 01"  // marker, length 49, OPEN
            "04 0064 0e10 01000101"                     // version 4, AS 100, hold 3600, 1.0.1.1
            "14"                                        // Opt Parm Len 20
            "02 08 40 06 403c 0001 01 80"               // graceful restart N 60 s, IPv4 unicast F
            "02 08 02 00 01 04 0001 00 01"              // route refresh; multiprotocol IPv4 unicast
        );
    REQUIRE(in_capture("tcpdump/bgp-cease-hard-reset.pcap", msg));
    const Open o = round_trip(msg);
    CHECK(o.capability_grouping == std::vector<std::uint8_t>{1, 2});
    CHECK(o.capabilities.size() == 3);
    const auto* gr = o.find<CapGracefulRestart>();
    REQUIRE(gr != nullptr);
    CHECK(gr->notification);
    REQUIRE(gr->families.size() == 1);
    CHECK(gr->families[0].forwarding_state);

    // frame 2: all capabilities in one parameter
    const Bytes one =
        hex("ffffffffffffffffffffffffffffffff 0041 01"  // marker, length 65, OPEN
            "04 0064 0e10 00000001"                     // version 4, AS 100, hold 3600, 0.0.0.1
            "24 02 22"                                  // Opt Parm Len 36, capabilities length 34
            "01 04 0001 00 01"                          // multiprotocol IPv4 unicast
            "01 04 0002 00 01"                          // multiprotocol IPv6 unicast
            "02 00"                                     // route refresh
            "40 02 c12c"                                // graceful restart R N, 300 s
            "41 04 00000064"                            // 4-octet AS 100
            "45 08 0001 01 01 0002 01 01"               // ADD-PATH IPv4, IPv6 receive
        );
    REQUIRE(in_capture("tcpdump/bgp-cease-hard-reset.pcap", one));
    const Open p = round_trip(one);
    CHECK(p.capability_grouping.empty());
    CHECK(p.capabilities.size() == 6);

    // Regrouping the same capabilities changes the bytes, as asked.
    Open q = p;
    q.capability_grouping = {3, 3};
    const Bytes regrouped = encode_ok(q);
    CHECK(regrouped.size() == one.size() + 2);
    CHECK(decode_ok(regrouped) == q);
}

TEST_CASE("Real OPEN: unknown capability 75 (software version)", "[wire][open][corpus]") {
    // tests/corpus/exabgp/bgp-open-sofware-version, line 2 (ExaBGP 5)
    const Bytes file = read_file("exabgp/bgp-open-sofware-version");
    const std::string text(file.begin(), file.end());
    const auto first = text.find('\n');
    const auto second = text.find('\n', first + 1);
    const Bytes msg = hex(text.substr(first + 1, second - first - 1));
    REQUIRE(msg.size() == 81);
    const Open o = round_trip(msg);
    CHECK(o.my_as == 65533);
    CHECK(o.bgp_identifier == 0x0a000002);
    CHECK(o.capability_grouping == std::vector<std::uint8_t>{1, 1, 1});
    REQUIRE(o.capabilities.size() == 3);
    const auto& sw = std::get<CapUnknown>(o.capabilities[2]);
    CHECK(sw.code == 75);
    REQUIRE(sw.value.size() == 32);
    CHECK(sw.value[0] == 31);  // version string length
    CHECK(std::string(sw.value.begin() + 1, sw.value.end()) == "ExaBGP/main-c2a2ea8ebd-20240715");
}

TEST_CASE("Malformed captures: capability overruns give errors", "[wire][open][corpus]") {
    // tests/corpus/tcpdump/bgp-bgp_capabilities_print-oobr-{1,2}.pcap: the OPEN
    // inside the fuzzed payload has version 255 and capabilities that overrun
    // their parameters.
    const Bytes msg1 =
        hex("ffffffffffffffffffffffffffffffff 003b 01"  // marker, length 59, OPEN
            "ff fff8 10e4 90082004"                     // version 255, AS 65528, hold 4324
            "1d"                                        // Opt Parm Len 29
            "00 00"                                     // parameter 0, length 0
            "02 08 40 00 00 00 41 04 00 00"             // GR length 0 (too short), ...
            "00 02 02 02"                               // parameter 0, length 2
            "02 02 e8 03"                               // capability 232 length 3 > 2
            "02 07 04 00 08 00 80 00 40"                // ... GR without length
            "00"                                        // one octet beyond the parameters
        );
    const Bytes msg2 =
        hex("ffffffffffffffffffffffffffffffff 003b 01"
            "ff fff8 10e4 90082004 1d 00 00 02 08 40 00 00 00 41 04 00 00 00 02 02 02"
            "02 02 e8 03 02 07 04 00 08 00 01 00 00 80");
    REQUIRE(in_capture("tcpdump/bgp-bgp_capabilities_print-oobr-1.pcap", msg1));
    REQUIRE(in_capture("tcpdump/bgp-bgp_capabilities_print-oobr-2.pcap", msg2));
    for (const Bytes* msg : {&msg1, &msg2}) {
        // The version is judged first: 2/1 with the supported version as data.
        auto m = decode_message(*msg, CodecOptions{});
        REQUIRE_FALSE(m);
        check_error(m.error(), 2, open_subcode::unsupported_version_number, {0x00, 0x04});
        // As a version 4 OPEN, the parameters are malformed: 2/0.
        Bytes body = body_of(*msg);
        body[0] = 4;
        check_error(decode_err(body), 2, open_subcode::unspecific, {});
        survives_damage(body);
    }
}

TEST_CASE("RFC 9072 extended format for short parameters", "[wire][open]") {
    // RFC 9072 §2: an implementation MUST accept the extended encoding even
    // when the parameters would fit in 255 octets.
    const Bytes body = with_params({
        0xff,                                // Non-Ext OP Len 255
        0xff,                                // Non-Ext OP Type 255: extended format
        0x00, 0x09,                          // Extended Opt. Parm. Length 9
        0x02, 0x00, 0x06,                    // parameter 2, 2-octet length 6
        0x41, 0x04, 0xfa, 0x56, 0xea, 0x01,  //   4-octet AS 4200000001
    });
    auto o = decode_open(body);
    REQUIRE(o);
    CHECK(o->extended_parameters);
    CHECK(o->asn() == 4200000001u);
    Bytes out;
    detail::Writer w(out);
    REQUIRE_FALSE(detail::encode_open_body(*o, w));
    CHECK(out == body);

    // The same capability in the classic format decodes to the same capability.
    auto c = decode_open(with_params({0x08, 0x02, 0x06, 0x41, 0x04, 0xfa, 0x56, 0xea, 0x01}));
    REQUIRE(c);
    CHECK_FALSE(c->extended_parameters);
    CHECK(c->capabilities == o->capabilities);

    // RFC 9072 §3: a first type code of 255 means the extended format even when
    // Non-Ext OP Len is not 255 (it is ignored). Re-encoding writes 255: a
    // documented normalisation.
    Bytes odd = body;
    odd[9] = 0x0d;
    auto n = decode_open(odd);
    REQUIRE(n);
    CHECK(n->extended_parameters);
    CHECK(*n == *o);
    out.clear();
    REQUIRE_FALSE(detail::encode_open_body(*n, w));
    CHECK(out == body);

    // Extended format with no parameter at all.
    const Bytes empty_ext = with_params({0xff, 0xff, 0x00, 0x00});
    auto e = decode_open(empty_ext);
    REQUIRE(e);
    CHECK(e->extended_parameters);
    CHECK(e->capabilities.empty());
    out.clear();
    REQUIRE_FALSE(detail::encode_open_body(*e, w));
    CHECK(out == empty_ext);
}

TEST_CASE("Encoding switches to RFC 9072 when parameters exceed 255 octets", "[wire][open]") {
    Open o;
    o.my_as = 65000;
    o.hold_time = 90;
    o.bgp_identifier = 0x0a000001;
    SECTION("one parameter larger than 255 octets") {
        for (std::uint8_t i = 0; i < 3; ++i)
            o.capabilities.push_back(CapUnknown{200, Bytes(100, i)});
        const Bytes msg = encode_ok(o);
        const Bytes body = body_of(msg);
        REQUIRE(body.size() == 10 + 3 + 3 + 306);
        CHECK(body[9] == 0xff);   // Non-Ext OP Len
        CHECK(body[10] == 0xff);  // Non-Ext OP Type
        CHECK(body[11] == 0x01);  // Extended Opt. Parm. Length 309
        CHECK(body[12] == 0x35);
        CHECK(body[13] == 0x02);  // parameter 2
        CHECK(body[14] == 0x01);  // 2-octet length 306
        CHECK(body[15] == 0x32);
        Open back = decode_ok(msg);
        CHECK(back.extended_parameters);
        back.extended_parameters = false;
        CHECK(back == o);
    }
    SECTION("small parameters whose total exceeds 255 octets") {
        for (std::uint8_t i = 0; i < 3; ++i)
            o.capabilities.push_back(CapUnknown{200, Bytes(100, i)});
        o.capability_grouping = {1, 1, 1};
        const Bytes body = body_of(encode_ok(o));
        REQUIRE(body.size() == 10 + 3 + 3 * 105);
        CHECK(body[9] == 0xff);
        CHECK(body[10] == 0xff);
        CHECK(body[13] == 0x02);
        CHECK(body[14] == 0x00);
        CHECK(body[15] == 0x66);  // 102 octets: code, length, 100 octets of value
        auto back = decode_open(body);
        REQUIRE(back);
        CHECK(back->capability_grouping == o.capability_grouping);
    }
    SECTION("exactly 255 octets stays classic") {
        o.capabilities.push_back(CapUnknown{200, Bytes(251, 7)});  // 2 + 2 + 251 = 255
        const Bytes body = body_of(encode_ok(o));
        CHECK(body[9] == 0xff);   // Opt Parm Len 255 ...
        CHECK(body[10] == 0x02);  // ... and a capabilities parameter: classic
        CHECK(body.size() == 10 + 255);
        auto back = decode_open(body);
        REQUIRE(back);
        CHECK_FALSE(back->extended_parameters);
        CHECK(*back == o);
    }
}

TEST_CASE("Empty capability parameters and other optional parameters", "[wire][open]") {
    SECTION("an empty capabilities parameter is recorded") {
        const Bytes body = with_params({
            0x0a,                                // Opt Parm Len 10
            0x02, 0x00,                          // parameter 2, length 0
            0x02, 0x06,                          // parameter 2, length 6
            0x01, 0x04, 0x00, 0x01, 0x00, 0x01,  //   multiprotocol IPv4 unicast
        });
        auto o = decode_open(body);
        REQUIRE(o);
        CHECK(o->capability_grouping == std::vector<std::uint8_t>{0, 1});
        Bytes out;
        detail::Writer w(out);
        REQUIRE_FALSE(detail::encode_open_body(*o, w));
        CHECK(out == body);

        const Bytes lone = with_params({0x02, 0x02, 0x00});
        auto l = decode_open(lone);
        REQUIRE(l);
        CHECK(l->capabilities.empty());
        CHECK(l->capability_grouping == std::vector<std::uint8_t>{0});
        out.clear();
        REQUIRE_FALSE(detail::encode_open_body(*l, w));
        CHECK(out == lone);
    }
    SECTION("unknown parameters are kept for the FSM (2/4 is its answer)") {
        const Bytes body = with_params({
            0x0c,                                // Opt Parm Len 12
            0x02, 0x06,                          // parameter 2, length 6
            0x01, 0x04, 0x00, 0x01, 0x00, 0x01,  //   multiprotocol IPv4 unicast
            0x01, 0x02, 0xab, 0xcd,              // parameter 1 (authentication), length 2
        });
        auto o = decode_open(body);
        REQUIRE(o);
        REQUIRE(o->other_parameters.size() == 1);
        CHECK(o->other_parameters[0] == OptionalParameter{1, {0xab, 0xcd}});
        CHECK(o->capabilities.size() == 1);
        Bytes out;
        detail::Writer w(out);
        REQUIRE_FALSE(detail::encode_open_body(*o, w));
        CHECK(out == body);
    }
    SECTION("type 255 after the first parameter is an ordinary unknown one") {
        // RFC 9072 §3: it is then an unrecognized Optional Parameter.
        const Bytes body = with_params({0x06, 0x02, 0x02, 0x02, 0x00, 0xff, 0x00});
        auto o = decode_open(body);
        REQUIRE(o);
        CHECK_FALSE(o->extended_parameters);
        REQUIRE(o->other_parameters.size() == 1);
        CHECK(o->other_parameters[0].type == 255);
        Bytes out;
        detail::Writer w(out);
        REQUIRE_FALSE(detail::encode_open_body(*o, w));
        CHECK(out == body);
    }
    SECTION("interleaving is normalised: capabilities first") {
        const Bytes body = with_params({0x08, 0x01, 0x00, 0x02, 0x02, 0x02, 0x00, 0x03, 0x00});
        auto o = decode_open(body);
        REQUIRE(o);
        CHECK(o->other_parameters.size() == 2);
        Bytes out;
        detail::Writer w(out);
        REQUIRE_FALSE(detail::encode_open_body(*o, w));
        CHECK(out == with_params({0x08, 0x02, 0x02, 0x02, 0x00, 0x01, 0x00, 0x03, 0x00}));
    }
}

TEST_CASE("OPEN length errors", "[wire][open][errors]") {
    // RFC 4271 §6.1: shorter than 29 octets -> 1/2, data = the Length field.
    check_error(decode_err({}), 1, header_subcode::bad_message_length, {0x00, 0x13});
    check_error(decode_err(head), 1, header_subcode::bad_message_length, {0x00, 0x1c});
    // The header check catches it first in a whole message.
    Bytes short_msg = hex("ffffffffffffffffffffffffffffffff 001c 01");  // length 28, OPEN
    short_msg.insert(short_msg.end(), head.begin(), head.end());
    auto m = decode_message(short_msg, CodecOptions{});
    REQUIRE_FALSE(m);
    CHECK(m.error().code == 1);
    CHECK(m.error().subcode == header_subcode::bad_message_length);
    CHECK(m.error().data == Bytes{0x00, 0x1c});
}

TEST_CASE("OPEN field errors", "[wire][open][errors]") {
    const Bytes ok = with_params({0x00});
    REQUIRE(decode_open(ok));
    SECTION("unsupported version: 2/1, data = 4 as 2 octets (RFC 4271 §6.2)") {
        for (int v : {0, 3, 5, 255}) {
            Bytes b = ok;
            b[0] = static_cast<std::uint8_t>(v);
            check_error(decode_err(b), 2, open_subcode::unsupported_version_number, {0x00, 0x04});
        }
    }
    SECTION("My AS 0: 2/2 (RFC 7607 §2)") {
        Bytes b = ok;
        b[1] = b[2] = 0;
        check_error(decode_err(b), 2, open_subcode::bad_peer_as, {0x00, 0x00});
    }
    SECTION("4-octet AS capability 0: 2/2 (RFC 7607 §2)") {
        const Bytes b = with_params({0x08, 0x02, 0x06, 0x41, 0x04, 0x00, 0x00, 0x00, 0x00});
        check_error(decode_err(b), 2, open_subcode::bad_peer_as, {0x00, 0x00, 0x00, 0x00});
    }
    SECTION("BGP Identifier 0: 2/3 (RFC 6286 §2.2)") {
        Bytes b = ok;
        b[5] = b[6] = b[7] = b[8] = 0;
        check_error(decode_err(b), 2, open_subcode::bad_bgp_identifier, {0, 0, 0, 0});
    }
    SECTION("hold time is the FSM's: 0, 1, 2 and 3 all decode") {
        for (int h : {0, 1, 2, 3}) {
            Bytes b = ok;
            b[3] = 0;
            b[4] = static_cast<std::uint8_t>(h);
            auto o = decode_open(b);
            REQUIRE(o);
            CHECK(o->hold_time == h);
        }
    }
    SECTION("version is checked before the parameters") {
        Bytes b = with_params({0x05, 0x02, 0x09});  // malformed parameters too
        b[0] = 3;
        CHECK(decode_err(b).subcode == open_subcode::unsupported_version_number);
        b[0] = 4;
        CHECK(decode_err(b).subcode == open_subcode::unspecific);
    }
}

TEST_CASE("OPEN optional parameter errors: 2/0", "[wire][open][errors]") {
    // RFC 4271 §6.2: a recognized but malformed Optional Parameter -> 2/0;
    // lengths that disagree with the message likewise (BIRD, FRR).
    const std::vector<std::pair<const char*, Bytes>> cases = {
        {"Opt Parm Len beyond the message", {0x05, 0x02, 0x02, 0x02, 0x00}},
        {"octets after the parameters", {0x02, 0x02, 0x00, 0x00}},
        {"octets after Opt Parm Len 0", {0x00, 0x02, 0x00}},
        {"parameter header cut", {0x03, 0x02, 0x00, 0x02}},
        {"parameter length beyond Opt Parm Len", {0x04, 0x02, 0x03, 0x02, 0x00}},
        {"capability beyond its parameter", {0x04, 0x02, 0x02, 0x41, 0x04}},
        {"capability header cut", {0x03, 0x02, 0x01, 0x41}},
        {"malformed 4-octet AS capability", {0x06, 0x02, 0x04, 0x41, 0x02, 0xfd, 0xe8}},
        {"malformed multiprotocol capability", {0x05, 0x02, 0x03, 0x01, 0x01, 0x00}},
        {"RFC 9072 length cut", {0xff, 0xff, 0x00}},
        {"RFC 9072 marker alone", {0xff, 0xff}},
        {"RFC 9072 length beyond the message", {0xff, 0xff, 0x00, 0x05, 0x02, 0x00, 0x00}},
        {"RFC 9072 length short of the message", {0xff, 0xff, 0x00, 0x02, 0x02, 0x00, 0x00}},
        {"RFC 9072 parameter header cut", {0xff, 0xff, 0x00, 0x02, 0x02, 0x00}},
        {"RFC 9072 parameter overruns", {0xff, 0xff, 0x00, 0x05, 0x02, 0x00, 0x03, 0x02, 0x00}},
        {"RFC 9072 malformed capability", {0xff, 0xff, 0x00, 0x05, 0x02, 0x00, 0x02, 0x02, 0x01}},
    };
    for (const auto& [what, params] : cases) {
        INFO(what);
        check_error(decode_err(with_params(params)), 2, open_subcode::unspecific, {});
    }
}

TEST_CASE("OPEN encode errors", "[wire][open][errors]") {
    Open o;
    o.my_as = 65000;
    o.bgp_identifier = 1;
    o.capabilities = {CapRouteRefresh{}, CapExtendedMessage{}};
    Bytes out = {0xaa};
    SECTION("grouping that does not add up") {
        o.capability_grouping = {1};
        CHECK_FALSE(encode_message(Message{o}, CodecOptions{}, out));
        o.capability_grouping = {1, 2};
        CHECK_FALSE(encode_message(Message{o}, CodecOptions{}, out));
    }
    SECTION("type 255 as the first classic parameter") {
        o.capabilities.clear();
        o.other_parameters = {{255, {}}};
        CHECK_FALSE(encode_message(Message{o}, CodecOptions{}, out));
        o.extended_parameters = true;  // unambiguous after the RFC 9072 marker
        auto r = encode(Message{o}, CodecOptions{});
        REQUIRE(r);
        auto back = decode_open(body_of(*r));
        REQUIRE(back);
        CHECK(*back == o);
    }
    SECTION("a capability that cannot be encoded") {
        o.capabilities.push_back(CapUnknown{99, Bytes(256, 0)});
        CHECK_FALSE(encode_message(Message{o}, CodecOptions{}, out));
    }
    SECTION("parameters beyond 65535 octets") {
        o.capabilities.clear();
        o.other_parameters.assign(300, OptionalParameter{1, Bytes(255, 0)});
        Bytes body;
        detail::Writer w(body);
        CHECK(detail::encode_open_body(o, w));
        CHECK(body.empty());
    }
    CHECK(out == Bytes{0xaa});  // nothing written on failure
}

TEST_CASE("Open::asn", "[wire][open]") {
    Open o;
    o.my_as = 23456;
    CHECK(o.asn() == 23456);
    o.capabilities.push_back(CapFourOctetAs{4200000000u});
    CHECK(o.asn() == 4200000000u);
}
