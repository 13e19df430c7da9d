// Tests for libbgp/src/wire/capability.cpp: every capability of capability.hpp
// decoded from and encoded to annotated golden bytes, the length rules (a
// malformed known capability is OPEN Message Error / Unspecific, 2/0), and the
// encode-side range checks.
#include <catch2/catch_test_macros.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "bgp/wire/capability.hpp"
#include "wire/capability_codec.hpp"

using namespace bgp::wire;
using Bytes = std::vector<std::uint8_t>;

namespace {

/// Decodes a whole <code, length, value> triple (as found in a Capabilities
/// Optional Parameter) and expects exactly one capability.
Capability decode_one(const Bytes& triple) {
    std::vector<Capability> out;
    auto err = detail::decode_capabilities(triple, out);
    REQUIRE_FALSE(err);
    REQUIRE(out.size() == 1);
    return out[0];
}

Bytes encode_one(const Capability& c) {
    Bytes out;
    detail::Writer w(out);
    auto err = detail::encode_capability(c, w);
    REQUIRE_FALSE(err);
    return out;
}

/// Golden vector both directions: bytes -> value -> the same bytes.
template <class Cap>
Cap golden(const Bytes& triple) {
    const Capability c = decode_one(triple);
    REQUIRE(std::holds_alternative<Cap>(c));
    CHECK(encode_one(c) == triple);
    return std::get<Cap>(c);
}

DecodeError decode_error(const Bytes& triple) {
    std::vector<Capability> out;
    auto err = detail::decode_capabilities(triple, out);
    REQUIRE(err);
    return *err;
}

void check_malformed(const Bytes& triple) {
    INFO("capability list of " << triple.size() << " octets, code " << int(triple.at(0)));
    const DecodeError e = decode_error(triple);
    CHECK(e.code == 2);
    CHECK(e.subcode == open_subcode::unspecific);
    CHECK(e.data.empty());
    CHECK(e.action == ErrorAction::session_reset);
    CHECK_FALSE(e.reason.empty());
}

}  // namespace

TEST_CASE("Multiprotocol capability (1)", "[wire][capability]") {
    // RFC 4760 §8; from bgp-evpn.pcap frame 1
    auto a = golden<CapMultiprotocol>({
        0x01, 0x04,  // code 1, length 4
        0x00, 0x01,  // AFI IPv4
        0x00,        // reserved
        0x80,        // SAFI 128 (MPLS-labeled VPN)
    });
    CHECK(a.family == Family{Afi::ipv4, Safi::mpls_vpn});
    auto b = golden<CapMultiprotocol>({0x01, 0x04, 0x00, 0x19, 0x00, 0x46});  // L2VPN EVPN
    CHECK(b.family == Family{Afi::l2vpn, Safi::evpn});
    auto c = golden<CapMultiprotocol>({0x01, 0x04, 0x00, 0x02, 0x00, 0x01});  // IPv6 unicast
    CHECK(c.family == ipv6_unicast);
    // The reserved octet is not kept: re-encoded as 0 (documented normalisation).
    const Capability odd = decode_one({0x01, 0x04, 0x00, 0x01, 0x07, 0x01});
    CHECK(std::get<CapMultiprotocol>(odd).family == ipv4_unicast);
    CHECK(encode_one(odd) == Bytes{0x01, 0x04, 0x00, 0x01, 0x00, 0x01});

    check_malformed({0x01, 0x00});
    check_malformed({0x01, 0x03, 0x00, 0x01, 0x00});
    check_malformed({0x01, 0x05, 0x00, 0x01, 0x00, 0x01, 0x00});
    check_malformed({0x01, 0x08, 0x00, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x01});
}

TEST_CASE("Zero-length capabilities (2, 6, 70)", "[wire][capability]") {
    golden<CapRouteRefresh>({0x02, 0x00});          // RFC 2918 §2
    golden<CapExtendedMessage>({0x06, 0x00});       // RFC 8654 §3
    golden<CapEnhancedRouteRefresh>({0x46, 0x00});  // RFC 7313 §3
    check_malformed({0x02, 0x01, 0x00});
    check_malformed({0x06, 0x02, 0x00, 0x00});
    check_malformed({0x46, 0x01, 0xff});
}

TEST_CASE("Extended next hop capability (5)", "[wire][capability]") {
    // RFC 8950 §4
    auto c = golden<CapExtendedNextHop>({
        0x05, 0x0c,              // code 5, length 12
        0x00, 0x01, 0x00, 0x01,  // NLRI AFI IPv4, NLRI SAFI 1 (16 bits)
        0x00, 0x02,              // next hop AFI IPv6
        0x00, 0x01, 0x00, 0x80,  // NLRI AFI IPv4, NLRI SAFI 128
        0x00, 0x02,              // next hop AFI IPv6
    });
    REQUIRE(c.entries.size() == 2);
    CHECK(c.entries[0] == CapExtendedNextHop::Entry{Afi::ipv4, 1, Afi::ipv6});
    CHECK(c.entries[1] == CapExtendedNextHop::Entry{Afi::ipv4, 128, Afi::ipv6});
    CHECK(golden<CapExtendedNextHop>({0x05, 0x00}).entries.empty());
    check_malformed({0x05, 0x04, 0x00, 0x01, 0x00, 0x01});
    check_malformed({0x05, 0x07, 0x00, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00});
}

TEST_CASE("BGP role capability (9)", "[wire][capability]") {
    // RFC 9234 §4.1; from bgp-role.pcapng frame 1
    auto c = golden<CapRole>({0x09, 0x01, 0x03});  // role 3: customer
    CHECK(c.role == static_cast<std::uint8_t>(BgpRole::customer));
    // An unknown role value is kept for the session to judge (RFC 9234 §4.2).
    CHECK(golden<CapRole>({0x09, 0x01, 0x07}).role == 7);
    check_malformed({0x09, 0x00});
    check_malformed({0x09, 0x02, 0x03, 0x00});
}

TEST_CASE("Graceful restart capability (64)", "[wire][capability]") {
    SECTION("flags, restart time and per-family flags") {
        // RFC 4724 §3 + RFC 8538 N bit; from bgp-cease-hard-reset.pcap frame 1
        auto c = golden<CapGracefulRestart>({
            0x40, 0x06,  // code 64, length 6
            0x40, 0x3c,  // flags 0100 (N), restart time 60
            0x00, 0x01,  // AFI IPv4
            0x01,        // SAFI unicast
            0x80,        // flags: F (forwarding state preserved)
        });
        CHECK_FALSE(c.restart_state);
        CHECK(c.notification);
        CHECK(c.reserved_flags == 0);
        CHECK(c.restart_time == 60);
        REQUIRE(c.families.size() == 1);
        CHECK(c.families[0].family == ipv4_unicast);
        CHECK(c.families[0].forwarding_state);
        CHECK(c.families[0].flags == 0x80);
    }
    SECTION("R and N bits, no families") {
        // from bgp-4byte-asn.pcap frame 6 and bgp-cease-hard-reset.pcap frame 2
        auto c = golden<CapGracefulRestart>({0x40, 0x02, 0xc1, 0x2c});  // R, N, 300 s
        CHECK(c.restart_state);
        CHECK(c.notification);
        CHECK(c.restart_time == 300);
        CHECK(c.families.empty());
    }
    SECTION("reserved bits and other per-family flag bits survive") {
        auto c = golden<CapGracefulRestart>({
            0x40, 0x0a,              // code 64, length 10
            0x3f, 0xff,              // reserved bits 11, restart time 4095
            0x00, 0x02, 0x01, 0x41,  // IPv6 unicast, flags 0x41 (no F)
            0x00, 0x01, 0x01, 0xc0,  // IPv4 unicast, flags 0xc0 (F + reserved)
        });
        CHECK(c.reserved_flags == 3);
        CHECK(c.restart_time == 4095);
        CHECK_FALSE(c.restart_state);
        CHECK_FALSE(c.notification);
        REQUIRE(c.families.size() == 2);
        CHECK_FALSE(c.families[0].forwarding_state);
        CHECK(c.families[0].flags == 0x41);
        CHECK(c.families[1].forwarding_state);
        CHECK(c.families[1].flags == 0xc0);
    }
    SECTION("forwarding_state drives the F bit on encode") {
        CapGracefulRestart c;
        c.restart_time = 120;
        c.families.push_back({ipv4_unicast, true, 0});
        c.families.push_back({ipv6_unicast, false, 0x80});  // flags say F, field says no
        CHECK(encode_one(c) ==
              Bytes{0x40, 0x0a, 0x00, 0x78, 0x00, 0x01, 0x01, 0x80, 0x00, 0x02, 0x01, 0x00});
    }
    check_malformed({0x40, 0x00});
    check_malformed({0x40, 0x01, 0x40});
    check_malformed({0x40, 0x03, 0x40, 0x78, 0x00});
    check_malformed({0x40, 0x05, 0x40, 0x78, 0x00, 0x01, 0x01});
}

TEST_CASE("4-octet AS capability (65)", "[wire][capability]") {
    // RFC 6793; from bgp-4byte-asn.pcap frame 6: AS 2764334674
    auto c = golden<CapFourOctetAs>({0x41, 0x04, 0xa4, 0xc4, 0x66, 0x52});
    CHECK(c.asn == 2764334674u);
    check_malformed({0x41, 0x02, 0xfd, 0xe8});
    check_malformed({0x41, 0x05, 0x00, 0x00, 0xfd, 0xe8, 0x00});
}

TEST_CASE("ADD-PATH capability (69)", "[wire][capability]") {
    // RFC 7911 §4; from bgp-extended-optional-parameters-length.pcapng frame 1
    auto c = golden<CapAddPath>({
        0x45, 0x08,              // code 69, length 8
        0x00, 0x01, 0x01, 0x01,  // IPv4 unicast, receive
        0x00, 0x02, 0x01, 0x01,  // IPv6 unicast, receive
    });
    REQUIRE(c.entries.size() == 2);
    CHECK(c.entries[0].family == ipv4_unicast);
    CHECK(c.entries[0].mode == add_path_mode::receive);
    CHECK(c.entries[1].family == ipv6_unicast);
    CHECK(c.entries[1].mode == add_path_mode::receive);
    // Mode values outside 1..3 are kept (RFC 7911 §4: the session ignores them).
    CHECK(golden<CapAddPath>({0x45, 0x04, 0x00, 0x01, 0x01, 0x09}).entries[0].mode == 9);
    check_malformed({0x45, 0x03, 0x00, 0x01, 0x01});
    check_malformed({0x45, 0x05, 0x00, 0x01, 0x01, 0x03, 0x00});
}

TEST_CASE("Long-lived graceful restart capability (71)", "[wire][capability]") {
    // RFC 9494 §2; from bgp-extended-optional-parameters-length.pcapng frame 1
    auto c = golden<CapLongLivedGr>({
        0x47, 0x0e,                                // code 71, length 14
        0x00, 0x01, 0x01, 0x80, 0x00, 0x01, 0x68,  // IPv4 unicast, F, stale time 360
        0x00, 0x02, 0x01, 0x80, 0x00, 0x01, 0x68,  // IPv6 unicast, F, stale time 360
    });
    REQUIRE(c.entries.size() == 2);
    CHECK(c.entries[0].family == ipv4_unicast);
    CHECK(c.entries[0].flags == 0x80);
    CHECK(c.entries[0].stale_time == 360);
    CHECK(c.entries[1].family == ipv6_unicast);
    // from bgp-evpn.pcap frame 1: LLGR with no family
    CHECK(golden<CapLongLivedGr>({0x47, 0x00}).entries.empty());
    // largest stale time
    CHECK(golden<CapLongLivedGr>({0x47, 0x07, 0x00, 0x01, 0x01, 0x00, 0xff, 0xff, 0xff})
              .entries[0]
              .stale_time == 0xFFFFFF);
    check_malformed({0x47, 0x06, 0x00, 0x01, 0x01, 0x80, 0x00, 0x01});
    check_malformed({0x47, 0x08, 0x00, 0x01, 0x01, 0x80, 0x00, 0x01, 0x68, 0x00});
}

TEST_CASE("FQDN capability (73)", "[wire][capability]") {
    // draft-walton-bgp-hostname-capability; from bgp-role.pcapng frame 1
    auto c = golden<CapFqdn>({
        0x49, 0x0c,                                                  // code 73, length 12
        0x0a,                                                        // hostname length 10
        0x64, 0x6f, 0x6e, 0x61, 0x74, 0x61, 0x73, 0x2d, 0x70, 0x63,  // "donatas-pc"
        0x00,                                                        // domain length 0
    });
    CHECK(c.hostname == "donatas-pc");
    CHECK(c.domain.empty());
    auto d = golden<CapFqdn>({0x49, 0x08, 0x02, 'r', '1', 0x04, 'l', 'a', 'b', '0'});
    CHECK(d.hostname == "r1");
    CHECK(d.domain == "lab0");
    CHECK(golden<CapFqdn>({0x49, 0x02, 0x00, 0x00}) == CapFqdn{});

    check_malformed({0x49, 0x00});                        // no hostname length
    check_malformed({0x49, 0x01, 0x00});                  // no domain length
    check_malformed({0x49, 0x03, 0x05, 'a', 'b'});        // hostname overruns
    check_malformed({0x49, 0x04, 0x01, 'a', 0x02, 'b'});  // domain overruns
    check_malformed({0x49, 0x04, 0x00, 0x00, 'x', 'y'});  // octets after the domain
}

TEST_CASE("Unknown capabilities are kept raw", "[wire][capability]") {
    // Software version (75), from exabgp/bgp-open-sofware-version: kept as bytes.
    const Bytes triple = {0x4b, 0x05, 0x04, 'E', 'x', 'a', '5'};
    auto c = golden<CapUnknown>(triple);
    CHECK(c.code == 75);
    CHECK(c.value == Bytes{0x04, 'E', 'x', 'a', '5'});
    // Prestandard route refresh (128), code 0, and an empty unknown one.
    CHECK(golden<CapUnknown>({0x80, 0x00}) == CapUnknown{128, {}});
    CHECK(golden<CapUnknown>({0x00, 0x01, 0xaa}) == CapUnknown{0, {0xaa}});
    // ORF (3) is not decoded by this codec: raw as well.
    CHECK(golden<CapUnknown>({0x03, 0x05, 0x00, 0x01, 0x00, 0x01, 0x00}).code == 3);
}

TEST_CASE("A capability list and its framing errors", "[wire][capability]") {
    // from bgp-4byte-asn.pcap frame 6: one parameter holding five capabilities
    const Bytes list = {
        0x01, 0x04, 0x00, 0x01, 0x00, 0x01,  // multiprotocol IPv4 unicast
        0x02, 0x00,                          // route refresh
        0x40, 0x02, 0xc1, 0x2c,              // graceful restart R N 300 s
        0x41, 0x04, 0xa4, 0xc4, 0x66, 0x52,  // 4-octet AS 2764334674
        0x45, 0x04, 0x00, 0x01, 0x01, 0x01,  // ADD-PATH IPv4 unicast receive
    };
    std::vector<Capability> out;
    REQUIRE_FALSE(detail::decode_capabilities(list, out));
    REQUIRE(out.size() == 5);
    CHECK(std::holds_alternative<CapMultiprotocol>(out[0]));
    CHECK(std::holds_alternative<CapRouteRefresh>(out[1]));
    CHECK(std::holds_alternative<CapGracefulRestart>(out[2]));
    CHECK(std::get<CapFourOctetAs>(out[3]).asn == 2764334674u);
    CHECK(std::holds_alternative<CapAddPath>(out[4]));
    Bytes again;
    detail::Writer w(again);
    for (const auto& c : out) REQUIRE_FALSE(detail::encode_capability(c, w));
    CHECK(again == list);

    // An empty list is fine.
    out.clear();
    CHECK_FALSE(detail::decode_capabilities({}, out));
    CHECK(out.empty());

    // Overruns: a lone code octet, a length beyond the parameter (also for an
    // unknown code).
    check_malformed({0x02});
    check_malformed({0x41, 0x04, 0x00, 0x00});
    check_malformed({0xe8, 0x03, 0x02, 0x07});  // as in bgp-bgp_capabilities_print-oobr-1
    check_malformed({0x02, 0x00, 0x01, 0x04, 0x00, 0x01});
}

TEST_CASE("Capability encode range checks", "[wire][capability]") {
    Bytes out;
    detail::Writer w(out);
    CHECK(detail::encode_capability(CapUnknown{200, Bytes(256, 0)}, w));
    CHECK(out.empty());
    CHECK_FALSE(detail::encode_capability(CapUnknown{200, Bytes(255, 0)}, w));
    CHECK(out.size() == 257);
    out.clear();

    CapGracefulRestart gr;
    gr.restart_time = 4096;
    CHECK(detail::encode_capability(gr, w));
    gr.restart_time = 0;
    gr.reserved_flags = 4;
    CHECK(detail::encode_capability(gr, w));
    CHECK(out.empty());

    CapLongLivedGr llgr;
    llgr.entries.push_back({ipv4_unicast, 0x80, 0x1000000});
    CHECK(detail::encode_capability(llgr, w));
    CHECK(detail::encode_capability(CapFqdn{std::string(256, 'h'), ""}, w));
    // Each part fits but the value (2 + 200 + 100 octets) does not.
    CHECK(detail::encode_capability(CapFqdn{std::string(200, 'h'), std::string(100, 'd')}, w));
    CapAddPath many;
    many.entries.assign(64, {ipv4_unicast, add_path_mode::both});  // 256 octets
    CHECK(detail::encode_capability(many, w));
    CHECK(out.empty());
}

TEST_CASE("capability_code and capability_name", "[wire][capability]") {
    CHECK(capability_code(CapMultiprotocol{}) == 1);
    CHECK(capability_code(CapRouteRefresh{}) == 2);
    CHECK(capability_code(CapExtendedNextHop{}) == 5);
    CHECK(capability_code(CapExtendedMessage{}) == 6);
    CHECK(capability_code(CapRole{}) == 9);
    CHECK(capability_code(CapGracefulRestart{}) == 64);
    CHECK(capability_code(CapFourOctetAs{}) == 65);
    CHECK(capability_code(CapAddPath{}) == 69);
    CHECK(capability_code(CapEnhancedRouteRefresh{}) == 70);
    CHECK(capability_code(CapLongLivedGr{}) == 71);
    CHECK(capability_code(CapFqdn{}) == 73);
    CHECK(capability_code(CapUnknown{75, {}}) == 75);

    CHECK(capability_name(1) == "multiprotocol");
    CHECK(capability_name(2) == "route-refresh");
    CHECK(capability_name(3) == "outbound-route-filtering");
    CHECK(capability_name(5) == "extended-next-hop");
    CHECK(capability_name(6) == "extended-message");
    CHECK(capability_name(9) == "bgp-role");
    CHECK(capability_name(64) == "graceful-restart");
    CHECK(capability_name(65) == "four-octet-as");
    CHECK(capability_name(69) == "add-path");
    CHECK(capability_name(70) == "enhanced-route-refresh");
    CHECK(capability_name(71) == "long-lived-graceful-restart");
    CHECK(capability_name(73) == "fqdn");
    CHECK(capability_name(75) == "software-version");
    CHECK(capability_name(128) == "route-refresh-prestandard");
    CHECK(capability_name(0) == "unknown");
    CHECK(capability_name(232) == "unknown");
}
