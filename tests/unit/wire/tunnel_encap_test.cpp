// TUNNEL ENCAPSULATION attribute (RFC 9012), libbgp/src/wire/attr_tunnel.cpp
// and the TunnelTlv accessors in attributes.cpp: golden vectors both ways,
// sub-TLV length forms, §13 error handling.
#include <catch2/catch_test_macros.hpp>

#include "attributes_test_support.hpp"

using namespace bgp::wire;
using namespace bgp::wire::test;

namespace {

constexpr std::uint8_t tunnel = static_cast<std::uint8_t>(AttrType::tunnel_encapsulation);

// Attribute header for a value of n octets (optional transitive).
Bytes header(std::size_t n) { return {0xc0, tunnel, static_cast<std::uint8_t>(n)}; }

Bytes attr(const Bytes& value) { return cat({header(value.size()), value}); }

// Sub-TLVs used below.
const Bytes vxlan_encap_vni_100 = {
    0x01, 0x0c,                          // Encapsulation sub-TLV, 12 octets
    0x80, 0x00, 0x00, 0x64,              //   V bit, VN-ID 100
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   MAC (M bit clear)
    0x00, 0x00,                          //   reserved
};
const Bytes egress_192_0_2_1 = {
    0x06, 0x0a,              // Tunnel Egress Endpoint, 10 octets
    0x00, 0x00, 0x00, 0x00,  //   reserved
    0x00, 0x01,              //   AFI IPv4
    0xc0, 0x00, 0x02, 0x01,  //   192.0.2.1
};
const Bytes udp_port_4789 = {0x08, 0x02, 0x12, 0xb5};  // UDP Destination Port 4789
const Bytes color_100 = {
    0x04, 0x08,                                      // Color sub-TLV, 8 octets
    0x03, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64,  //   color 100
};

Bytes tlv(std::uint16_t type, const Bytes& subs) {
    Bytes out = {static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type),
                 static_cast<std::uint8_t>(subs.size() >> 8),
                 static_cast<std::uint8_t>(subs.size())};
    out.insert(out.end(), subs.begin(), subs.end());
    return out;
}

}  // namespace

TEST_CASE("Tunnel encapsulation golden vector: VXLAN and IP-in-IP", "[wire][tunnel]") {
    const Bytes wire = {
        0xc0, 0x17, 0x3c,                    // TUNNEL_ENCAPSULATION, 60 octets
        0x00, 0x08, 0x00, 0x28,              // Tunnel TLV: VXLAN, 40 octets
        0x01, 0x0c,                          //   Encapsulation, 12 octets
        0x80, 0x00, 0x00, 0x64,              //     V bit, VN-ID 100
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //     MAC
        0x00, 0x00,                          //     reserved
        0x06, 0x0a,                          //   Tunnel Egress Endpoint, 10 octets
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  //     reserved, AFI IPv4
        0xc0, 0x00, 0x02, 0x01,              //     192.0.2.1
        0x08, 0x02, 0x12, 0xb5,              //   UDP Destination Port 4789
        0x04, 0x08,                          //   Color, 8 octets
        0x03, 0x0b, 0x00, 0x00,              //     Color extended community
        0x00, 0x00, 0x00, 0x64,              //     color 100
        0x00, 0x07, 0x00, 0x0c,              // Tunnel TLV: IP-in-IP, 12 octets
        0x06, 0x0a,                          //   Tunnel Egress Endpoint
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  //     reserved, AFI IPv4
        0x0a, 0x00, 0x00, 0x02,              //     10.0.0.2
    };
    const auto d = decode_attrs(wire, {}, false);
    REQUIRE_FALSE(d.fatal);
    CHECK(d.errors.empty());
    REQUIRE(d.attrs.tunnel_encapsulation);
    const auto& t = d.attrs.tunnel_encapsulation->tunnels;
    REQUIRE(t.size() == 2);
    CHECK(t[0].tunnel_type == tunnel_type::vxlan);
    REQUIRE(t[0].sub_tlvs.size() == 4);
    CHECK(t[0].sub_tlvs[0].type == tunnel_subtlv::encapsulation);
    CHECK(t[0].egress_endpoint() == ip("192.0.2.1"));
    CHECK(t[0].vxlan_vni() == 100u);
    CHECK(t[0].udp_destination_port() == 4789);
    CHECK(t[0].colors() == std::vector<std::uint32_t>{100});
    CHECK(t[1].tunnel_type == tunnel_type::ip_in_ip);
    CHECK(t[1].egress_endpoint() == ip("10.0.0.2"));
    CHECK_FALSE(t[1].vxlan_vni());
    CHECK_FALSE(t[1].udp_destination_port());
    CHECK(t[1].colors().empty());
    CHECK(attribute_name(tunnel) == "tunnel_encapsulation");
    CHECK(encode_attrs(d.attrs) == wire);

    // Built by hand: the same bytes.
    PathAttributes h;
    h.tunnel_encapsulation = TunnelEncapsulation{
        {TunnelTlv{
             tunnel_type::vxlan,
             {TunnelSubTlv{1, Bytes(vxlan_encap_vni_100.begin() + 2, vxlan_encap_vni_100.end())},
              TunnelSubTlv{6, Bytes(egress_192_0_2_1.begin() + 2, egress_192_0_2_1.end())},
              TunnelSubTlv{8, {0x12, 0xb5}},
              TunnelSubTlv{4, Bytes(color_100.begin() + 2, color_100.end())}}},
         TunnelTlv{tunnel_type::ip_in_ip, {TunnelSubTlv{6, {0, 0, 0, 0, 0, 1, 10, 0, 0, 2}}}}}};
    CHECK(encode_attrs(h) == wire);
}

TEST_CASE("Tunnel sub-TLVs: 2-octet lengths, unknown types and order kept", "[wire][tunnel]") {
    const Bytes value =
        cat({tlv(tunnel_type::vxlan,
                 cat({
                     {0x80, 0x00, 0x03, 0xaa, 0xbb, 0xcc},  // type 128: 2-octet length
                     {0xff, 0x00, 0x00},                    // type 255, empty
                     {0x63, 0x01, 0x09},                    // type 99, unknown
                     egress_192_0_2_1,
                 })),
             tlv(0x0063, {0x01, 0x00}),         // unknown tunnel type 99, kept
             tlv(tunnel_type::ip_in_ip, {})});  // barebones (§4.1)
    const Bytes wire = attr(value);
    const auto d = decode_attrs(wire, {}, false);
    REQUIRE_FALSE(d.fatal);
    CHECK(d.errors.empty());
    REQUIRE(d.attrs.tunnel_encapsulation);
    const auto& t = d.attrs.tunnel_encapsulation->tunnels;
    REQUIRE(t.size() == 3);
    CHECK(t[0].sub_tlvs == std::vector<TunnelSubTlv>{
                               {128, {0xaa, 0xbb, 0xcc}},
                               {255, {}},
                               {99, {0x09}},
                               {6, Bytes(egress_192_0_2_1.begin() + 2, egress_192_0_2_1.end())}});
    CHECK(t[0].egress_endpoint() == ip("192.0.2.1"));
    CHECK(t[1].tunnel_type == 0x63);
    CHECK(t[1].sub_tlvs == std::vector<TunnelSubTlv>{{1, {}}});
    CHECK(t[2].sub_tlvs.empty());
    CHECK_FALSE(t[2].egress_endpoint());  // the next hop is the endpoint
    CHECK(encode_attrs(d.attrs) == wire);
}

TEST_CASE("Tunnel Egress Endpoint forms (RFC 9012 §3.1)", "[wire][tunnel]") {
    auto decode_tlv = [](const Bytes& egress) {
        return decode_attrs(attr(tlv(tunnel_type::vxlan, egress)), {}, false);
    };
    SECTION("IPv6") {
        const Bytes e = {0x06, 0x16, 0, 0, 0, 0, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8,
                         0,    0,    0, 0, 0, 0, 0,    0,    0,    0,    0,    0x09};
        const auto d = decode_tlv(e);
        REQUIRE(d.attrs.tunnel_encapsulation);
        CHECK(d.attrs.tunnel_encapsulation->tunnels[0].egress_endpoint() == ip("2001:db8::9"));
    }
    SECTION("Address family 0: the next hop, no address") {
        const auto d = decode_tlv({0x06, 0x06, 0, 0, 0, 0, 0x00, 0x00});
        REQUIRE(d.attrs.tunnel_encapsulation);
        CHECK(d.errors.empty());
        CHECK_FALSE(d.attrs.tunnel_encapsulation->tunnels[0].egress_endpoint());
    }
    SECTION("0.0.0.0 is no endpoint") {
        const auto d = decode_tlv({0x06, 0x0a, 0, 0, 0, 0, 0x00, 0x01, 0, 0, 0, 0});
        REQUIRE(d.attrs.tunnel_encapsulation);
        CHECK_FALSE(d.attrs.tunnel_encapsulation->tunnels[0].egress_endpoint());
    }
    SECTION("reserved octets are ignored") {
        const auto d = decode_tlv({0x06, 0x0a, 1, 2, 3, 4, 0x00, 0x01, 10, 0, 0, 7});
        REQUIRE(d.attrs.tunnel_encapsulation);
        CHECK(d.attrs.tunnel_encapsulation->tunnels[0].egress_endpoint() == ip("10.0.0.7"));
    }
}

TEST_CASE("Tunnel sub-TLVs that are malformed count as unrecognized (RFC 9012 §13)",
          "[wire][tunnel]") {
    auto one_tlv = [](std::uint16_t type, const Bytes& subs) {
        auto d = decode_attrs(attr(tlv(type, subs)), {}, false);
        REQUIRE_FALSE(d.fatal);
        CHECK(d.errors.empty());
        REQUIRE(d.attrs.tunnel_encapsulation);
        return d.attrs.tunnel_encapsulation->tunnels.at(0);
    };
    // VXLAN Encapsulation sub-TLV of 8 octets instead of 12: no VNI.
    CHECK_FALSE(
        one_tlv(tunnel_type::vxlan, {0x01, 0x08, 0x80, 0, 0, 0x64, 0, 0, 0, 0}).vxlan_vni());
    // V bit clear: the VN-ID is to be disregarded.
    CHECK_FALSE(one_tlv(tunnel_type::vxlan, {0x01, 0x0c, 0x40, 0, 0, 0x64, 1, 2, 3, 4, 5, 6, 0, 0})
                    .vxlan_vni());
    // An Encapsulation sub-TLV in a non-VXLAN tunnel is not a VNI.
    CHECK_FALSE(one_tlv(tunnel_type::nvgre, vxlan_encap_vni_100).vxlan_vni());
    // UDP port 0 is reserved (§3.3.2), a 3-octet one is malformed.
    CHECK_FALSE(one_tlv(tunnel_type::vxlan, {0x08, 0x02, 0x00, 0x00}).udp_destination_port());
    CHECK_FALSE(one_tlv(tunnel_type::vxlan, {0x08, 0x03, 0x12, 0xb5, 0}).udp_destination_port());
    // Color: wrong length or not a Color extended community: skipped; several allowed.
    const auto c = one_tlv(tunnel_type::vxlan, cat({color_100,
                                                    {0x04, 0x04, 0x00, 0x00, 0x00, 0x05},
                                                    {0x04, 0x08, 0x00, 0x02, 0, 0, 0, 0, 0, 7},
                                                    {0x04, 0x08, 0x03, 0x0b, 0, 0, 0, 0, 0, 8}}));
    CHECK(c.colors() == std::vector<std::uint32_t>{100, 8});
    // Single-instance sub-TLVs: the first occurrence counts (§13), not malformed.
    const auto u = one_tlv(tunnel_type::vxlan, cat({udp_port_4789, {0x08, 0x02, 0x00, 0x35}}));
    CHECK(u.udp_destination_port() == 4789);
    const auto v =
        one_tlv(tunnel_type::vxlan,
                cat({vxlan_encap_vni_100, {0x01, 0x0c, 0x80, 0, 0, 0x65, 0, 0, 0, 0, 0, 0, 0, 0}}));
    CHECK(v.vxlan_vni() == 100u);
}

TEST_CASE("Tunnel encapsulation errors (RFC 9012 §13)", "[wire][tunnel][rfc7606]") {
    const auto good_tlv = tlv(tunnel_type::ip_in_ip, egress_192_0_2_1);
    auto check_taw = [](const Decoded& d, const char* what) {
        REQUIRE_FALSE(d.fatal);
        const DecodeError* e = d.error_for(tunnel);
        REQUIRE(e);
        CHECK(e->code == 3);
        CHECK(e->subcode == update_subcode::optional_attribute_error);
        CHECK(e->action == ErrorAction::treat_as_withdraw);
        CHECK(e->reason.find(what) != std::string::npos);
        CHECK_FALSE(d.attrs.tunnel_encapsulation);
    };
    SECTION("a sub-TLV overrunning its TLV: the TLV is malformed, treat-as-withdraw") {
        const Bytes wire = attr(cat({good_tlv, tlv(tunnel_type::vxlan, {0x08, 0x03, 0x12, 0xb5})}));
        check_taw(decode_attrs(wire), "overruns the TLV");
    }
    SECTION("a 2-octet sub-TLV length cut short") {
        check_taw(decode_attrs(attr(tlv(tunnel_type::vxlan, {0x80, 0x00}))), "truncated header");
    }
    SECTION("a TLV overrunning the attribute") {
        Bytes value = good_tlv;
        value[3] = 0x20;  // TLV length 32, 12 present
        check_taw(decode_attrs(attr(value)), "overruns the attribute");
    }
    SECTION("trailing octets too short for a TLV header") {
        check_taw(decode_attrs(attr(cat({good_tlv, {0x00, 0x08, 0x00}}))), "3 trailing octets");
    }
    SECTION("an empty attribute has no valid TLV") {
        check_taw(decode_attrs(attr({})), "no valid Tunnel TLV");
    }
    SECTION("flags without the transitive bit: treat-as-withdraw (§13)") {
        Bytes wire = attr(good_tlv);
        wire[0] = 0x80;
        const auto d = decode_attrs(wire);
        const DecodeError* e = d.error_for(tunnel);
        REQUIRE(e);
        CHECK(e->subcode == update_subcode::attribute_flags_error);
        CHECK(e->action == ErrorAction::treat_as_withdraw);
        CHECK(e->data == wire);
    }
    SECTION("a malformed Tunnel Egress Endpoint removes its TLV only") {
        const Bytes bad_egress = {0x06, 0x0a, 0, 0, 0, 0,
                                  0x00, 0x02, 1, 2, 3, 4};  // AFI 2, 4 octets
        const Bytes wire = attr(cat({tlv(tunnel_type::vxlan, bad_egress), good_tlv}));
        const auto d = decode_attrs(wire, {}, false);
        REQUIRE_FALSE(d.fatal);
        REQUIRE(d.attrs.tunnel_encapsulation);
        REQUIRE(d.attrs.tunnel_encapsulation->tunnels.size() == 1);
        CHECK(d.attrs.tunnel_encapsulation->tunnels[0].tunnel_type == tunnel_type::ip_in_ip);
        const DecodeError* e = d.error_for(tunnel);
        REQUIRE(e);
        CHECK(e->action == ErrorAction::attribute_discard);
        CHECK(e->reason.find("Tunnel TLV #1 (vxlan) ignored and removed") != std::string::npos);
        CHECK_FALSE(d.treat_as_withdraw());
        // what goes on is the attribute without the ignored TLV
        CHECK(encode_attrs(d.attrs) == attr(good_tlv));
    }
    SECTION("two Tunnel Egress Endpoints: the TLV is ignored; none left: treat-as-withdraw") {
        check_taw(
            decode_attrs(attr(tlv(tunnel_type::vxlan, cat({egress_192_0_2_1, egress_192_0_2_1})))),
            "no valid Tunnel TLV");
        check_taw(decode_attrs(attr(tlv(tunnel_type::vxlan, {0x06, 0x05, 0, 0, 0, 0, 0}))),
                  "no valid Tunnel TLV");
        check_taw(decode_attrs(attr(
                      tlv(tunnel_type::vxlan, {0x06, 0x0a, 0, 0, 0, 0, 0x00, 0x07, 1, 2, 3, 4}))),
                  "no valid Tunnel TLV");
    }
}

TEST_CASE("Tunnel encapsulation encode checks", "[wire][tunnel]") {
    PathAttributes a;
    a.tunnel_encapsulation = TunnelEncapsulation{};
    std::string why;
    CHECK_FALSE(encode_attrs(a, {}, &why));
    CHECK(why.find("no Tunnel TLV") != std::string::npos);
    a.tunnel_encapsulation->tunnels.push_back(
        TunnelTlv{tunnel_type::vxlan, {TunnelSubTlv{1, Bytes(256, 0)}}});
    CHECK_FALSE(encode_attrs(a, {}, &why));
    CHECK(why.find("at most 255") != std::string::npos);
    // 2-octet-length sub-TLV types take 256 octets, and the attribute grows an
    // Extended Length header.
    a.tunnel_encapsulation->tunnels[0].sub_tlvs[0].type = 200;
    const auto e = encode_attrs(a);
    REQUIRE(e);
    CHECK(e->size() == 4 + 4 + 3 + 256);
    CHECK(Bytes(e->begin(), e->begin() + 11) ==
          Bytes{0xd0, tunnel, 0x01, 0x07, 0x00, 0x08, 0x01, 0x03, 200, 0x01, 0x00});
    const auto d = decode_attrs(*e, {}, false);
    REQUIRE(d.attrs.tunnel_encapsulation);
    CHECK(d.attrs.tunnel_encapsulation == a.tunnel_encapsulation);
}
