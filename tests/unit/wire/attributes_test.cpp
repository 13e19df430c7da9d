// Path attribute codec (libbgp/src/wire/attribute_table.cpp, attr_basic.cpp,
// attr_communities.cpp, attr_mp.cpp, attributes.cpp): golden vectors both
// ways, round trips, layout and flag preservation, value helpers.
// Error handling has its own file (rfc7606_test.cpp), the tunnel
// encapsulation attribute too (tunnel_encap_test.cpp).
#include <catch2/catch_test_macros.hpp>

#include "attributes_test_support.hpp"

using namespace bgp::wire;
using namespace bgp::wire::test;

namespace {

std::vector<std::uint8_t> layout_types(const PathAttributes& a) {
    std::vector<std::uint8_t> t;
    for (const auto& s : a.layout) t.push_back(s.type);
    return t;
}

}  // namespace

TEST_CASE("Attributes golden vector: an eBGP path, 4-octet AS", "[wire][attributes]") {
    const Bytes wire = {
        0x40, 0x01, 0x01, 0x02,                    // ORIGIN INCOMPLETE
        0x40, 0x02, 0x10,                          // AS_PATH, 16 octets
        0x02, 0x02,                                //   AS_SEQUENCE of 2
        0x00, 0x00, 0xfd, 0xe8,                    //     65000
        0x00, 0x01, 0x00, 0x00,                    //     65536
        0x01, 0x01,                                //   AS_SET of 1
        0x00, 0x00, 0xfd, 0xe9,                    //     65001
        0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,  // NEXT_HOP 192.0.2.1
        0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x32,  // MULTI_EXIT_DISC 50
        0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0xc8,  // LOCAL_PREF 200
        0x40, 0x06, 0x00,                          // ATOMIC_AGGREGATE
        0xc0, 0x07, 0x08,                          // AGGREGATOR, 8 octets
        0x00, 0x00, 0xfd, 0xe8,                    //   AS 65000
        0xc0, 0x00, 0x02, 0x02,                    //   192.0.2.2
    };
    const auto d = decode_attrs(wire);
    REQUIRE_FALSE(d.fatal);
    CHECK(d.errors.empty());
    const auto& a = d.attrs;
    CHECK(a.origin == Origin::incomplete);
    REQUIRE(a.as_path);
    const AsPath expected_path{{AsSegment{AsSegmentType::as_sequence, {65000, 65536}},
                                AsSegment{AsSegmentType::as_set, {65001}}}};
    CHECK(*a.as_path == expected_path);
    CHECK(a.as_path->to_string() == "65000 65536 {65001}");
    CHECK(a.as_path->path_length() == 3);
    CHECK(a.next_hop == ip("192.0.2.1"));
    CHECK(a.med == 50u);
    CHECK(a.local_pref == 200u);
    CHECK(a.atomic_aggregate);
    REQUIRE(a.aggregator);
    CHECK(a.aggregator->asn == 65000u);
    CHECK(a.aggregator->address == ip("192.0.2.2"));
    CHECK(layout_types(a) == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7});
    CHECK(encode_attrs(a) == wire);

    // Built by hand (no layout): the same bytes, canonical order and flags.
    PathAttributes h;
    h.origin = Origin::incomplete;
    h.as_path = expected_path;
    h.next_hop = ip("192.0.2.1");
    h.med = 50;
    h.local_pref = 200;
    h.atomic_aggregate = true;
    h.aggregator = Aggregator{65000, ip("192.0.2.2")};
    CHECK(encode_attrs(h) == wire);
    // decode -> equal (apart from the layout the decoder records)
    auto back = decode_attrs(*encode_attrs(h));
    back.attrs.layout.clear();
    CHECK(back.attrs == h);
}

TEST_CASE("2-octet AS sessions: AS_PATH, AGGREGATOR, AS4_PATH, AS4_AGGREGATOR",
          "[wire][attributes]") {
    CodecOptions old;
    old.four_octet_as = false;
    const Bytes wire = {
        0x40, 0x02, 0x06,                    // AS_PATH, 6 octets
        0x02, 0x02, 0xfd, 0xe8, 0x5b, 0xa0,  //   AS_SEQUENCE 65000 23456
        0xc0, 0x07, 0x06,                    // AGGREGATOR, 6 octets
        0x5b, 0xa0, 0xc0, 0x00, 0x02, 0x02,  //   AS_TRANS, 192.0.2.2
        0xc0, 0x11, 0x0a,                    // AS4_PATH, 10 octets
        0x02, 0x02,                          //   AS_SEQUENCE of 2
        0x00, 0x00, 0xfd, 0xe8,              //     65000
        0xfa, 0x56, 0xea, 0x00,              //     4200000000
        0xc0, 0x12, 0x08,                    // AS4_AGGREGATOR
        0xfa, 0x56, 0xea, 0x00,              //   AS 4200000000
        0xc0, 0x00, 0x02, 0x02,              //   192.0.2.2
    };
    const auto d = decode_attrs(wire, old, false);
    REQUIRE_FALSE(d.fatal);
    CHECK(d.errors.empty());
    const AsPath real{{AsSegment{AsSegmentType::as_sequence, {65000, 4200000000u}}}};
    CHECK(d.attrs.as_path == AsPath{{AsSegment{AsSegmentType::as_sequence, {65000, 23456}}}});
    CHECK(d.attrs.aggregator == Aggregator{23456, ip("192.0.2.2")});
    CHECK(d.attrs.as4_path == real);
    CHECK(d.attrs.as4_aggregator == Aggregator{4200000000u, ip("192.0.2.2")});
    CHECK(encode_attrs(d.attrs, old) == wire);

    SECTION("RFC 6793 §4.2.2: ASNs above 65535 become AS_TRANS on a 2-octet session") {
        PathAttributes h;
        h.as_path = real;
        h.aggregator = Aggregator{4200000000u, ip("192.0.2.2")};
        h.as4_path = real;
        h.as4_aggregator = Aggregator{4200000000u, ip("192.0.2.2")};
        CHECK(encode_attrs(h, old) == wire);
    }
}

TEST_CASE("AsPath text and length", "[wire][attributes]") {
    const AsPath p{{AsSegment{AsSegmentType::as_sequence, {64512, 64513}},
                    AsSegment{AsSegmentType::as_set, {64514, 64515}},
                    AsSegment{AsSegmentType::as_confed_sequence, {64516}}}};
    CHECK(p.to_string() == "64512 64513 {64514,64515} (64516)");
    CHECK(p.path_length() == 3);  // set counts 1, confederation 0
    const AsPath c{{AsSegment{AsSegmentType::as_confed_sequence, {1, 2}},
                    AsSegment{AsSegmentType::as_confed_set, {3, 4}},
                    AsSegment{AsSegmentType::as_sequence, {5}}}};
    CHECK(c.to_string() == "(1 2) [3,4] 5");
    CHECK(c.path_length() == 1);
    CHECK(AsPath{}.to_string().empty());
    CHECK(AsPath{}.path_length() == 0);
}

TEST_CASE("AS_SEQUENCE longer than 255 ASNs is split into segments", "[wire][attributes]") {
    PathAttributes h;
    AsSegment seg{AsSegmentType::as_sequence, {}};
    for (std::uint32_t i = 0; i < 300; ++i) seg.asns.push_back(64512 + i);
    h.as_path = AsPath{{seg}};
    const auto e = encode_attrs(h);
    REQUIRE(e);
    // 4-octet length: 2 + 255*4 + 2 + 45*4 = 1204 octets of value
    CHECK((*e)[0] == 0x50);  // transitive | extended length
    CHECK((*e)[2] == 0x04);
    CHECK((*e)[3] == 0xb4);
    CHECK((*e)[4] == 0x02);
    CHECK((*e)[5] == 255);
    const auto d = decode_attrs(*e, {}, false);
    REQUIRE(d.attrs.as_path);
    REQUIRE(d.attrs.as_path->segments.size() == 2);
    CHECK(d.attrs.as_path->segments[1].asns.size() == 45);
    CHECK(d.attrs.as_path->path_length() == 300);
}

TEST_CASE("COMMUNITIES, EXTENDED COMMUNITIES, LARGE_COMMUNITY, OTC golden vectors",
          "[wire][attributes]") {
    const Bytes wire = {
        0xc0, 0x08, 0x08,                                // COMMUNITIES, 8 octets
        0xfd, 0xe8, 0x00, 0x64,                          //   65000:100
        0xff, 0xff, 0xff, 0x01,                          //   NO_EXPORT
        0xc0, 0x10, 0x20,                                // EXTENDED COMMUNITIES, 32 octets
        0x00, 0x02, 0xfd, 0xe8, 0x00, 0x00, 0x00, 0x64,  // rt 65000:100
        0x01, 0x03, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x07,  // soo 192.0.2.1:7
        0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0x00, 0x64,  // rt 4200000000:100
        0x03, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,  // encap vxlan
        0xc0, 0x20, 0x0c,                                // LARGE_COMMUNITY, 12 octets
        0x00, 0x00, 0xfd, 0xe8,                          //   65000
        0x00, 0x00, 0x00, 0x01,                          //   :1
        0x00, 0x00, 0x00, 0x02,                          //   :2
        0xc0, 0x23, 0x04, 0x00, 0x00, 0xfd, 0xe9,        // OTC 65001
    };
    const auto d = decode_attrs(wire, {}, false);
    REQUIRE_FALSE(d.fatal);
    CHECK(d.errors.empty());
    CHECK(d.attrs.communities == std::vector<std::uint32_t>{0xfde80064u, community::no_export});
    REQUIRE(d.attrs.ext_communities);
    REQUIRE(d.attrs.ext_communities->size() == 4);
    const auto& ec = *d.attrs.ext_communities;
    CHECK(ec[0].to_string() == "rt 65000:100");
    CHECK(ec[1].to_string() == "soo 192.0.2.1:7");
    CHECK(ec[2].to_string() == "rt 4200000000:100");
    CHECK(ec[3].to_string() == "encap vxlan");
    CHECK(ec[3].type() == 0x03);
    CHECK(ec[3].subtype() == 0x0c);
    CHECK(d.attrs.large_communities == std::vector<LargeCommunity>{{65000, 1, 2}});
    CHECK(d.attrs.otc == 65001u);
    CHECK(encode_attrs(d.attrs) == wire);
}

TEST_CASE("ExtCommunity::to_string", "[wire][attributes]") {
    auto ec = [](std::array<std::uint8_t, 8> b) { return ExtCommunity{b}.to_string(); };
    CHECK(ec({0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08}) == "soo 1:8");
    CHECK(ec({0x01, 0x02, 0x0a, 0x00, 0x00, 0x01, 0xff, 0xff}) == "rt 10.0.0.1:65535");
    CHECK(ec({0x02, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01}) == "soo 65536:1");
    CHECK(ec({0x03, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07}) == "encap ip-in-ip");
    CHECK(ec({0x03, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02}) == "encap gre");
    CHECK(ec({0x03, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09}) == "encap nvgre");
    CHECK(ec({0x03, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a}) == "encap mpls");
    CHECK(ec({0x03, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00}) == "encap type 256");
    CHECK(ec({0x03, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64}) == "color 100");
    // the rest in hex: non-transitive RT variant, link bandwidth, traffic rate
    CHECK(ec({0x40, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01}) == "0x4002000100000001");
    CHECK(ec({0x80, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}) == "0x8006000000000000");
    CHECK(ec({0x00, 0x04, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45}) == "0x0004abcdef012345");
}

TEST_CASE("ORIGINATOR_ID and CLUSTER_LIST golden vectors", "[wire][attributes]") {
    const Bytes wire = {
        0x80, 0x09, 0x04, 0x0a, 0x00, 0x00, 0x01,  // ORIGINATOR_ID 10.0.0.1
        0x80, 0x0a, 0x08,                          // CLUSTER_LIST, 8 octets
        0x0a, 0x00, 0x00, 0x02,                    //   10.0.0.2
        0x0a, 0x00, 0x00, 0x03,                    //   10.0.0.3
    };
    CodecOptions ibgp;
    ibgp.ibgp = true;
    const auto d = decode_attrs(wire, ibgp, false);
    REQUIRE_FALSE(d.fatal);
    CHECK(d.errors.empty());
    CHECK(d.attrs.originator_id == ip("10.0.0.1"));
    CHECK(d.attrs.cluster_list == std::vector<std::uint32_t>{0x0a000002, 0x0a000003});
    CHECK(encode_attrs(d.attrs, ibgp) == wire);
}

TEST_CASE("MP_REACH_NLRI / MP_UNREACH_NLRI golden vectors", "[wire][attributes][mp]") {
    SECTION("IPv6 unicast, global and link-local next hop") {
        const Bytes wire = {
            0x80, 0x0e, 0x35,  // MP_REACH_NLRI, optional, 53 octets
            0x00, 0x02, 0x01,  //   AFI IPv6, SAFI unicast
            0x20,              //   next hop length 32
            0x20, 0x01, 0x0d, 0xb8, 0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0x01,  // 2001:db8::1
            0xfe, 0x80, 0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0x01,  // fe80::1
            0x00,                                                                    //   reserved
            0x40, 0x20, 0x01, 0x0d, 0xb8, 0,    0,    0, 0,  //   2001:db8::/64
            0x30, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,        //   2001:db8:1::/48
        };
        const auto d = decode_attrs(wire, {}, false);
        REQUIRE_FALSE(d.fatal);
        REQUIRE(d.attrs.mp_reach);
        const auto& mp = *d.attrs.mp_reach;
        CHECK(mp.family == ipv6_unicast);
        CHECK(mp.next_hops == std::vector<IpAddress>{ip("2001:db8::1"), ip("fe80::1")});
        CHECK(mp.nlri == std::vector<Nlri>{nlri("2001:db8::/64"), nlri("2001:db8:1::/48")});
        CHECK(mp.raw_next_hop.empty());
        CHECK(mp.raw_nlri.empty());
        // only MP_REACH carries NLRI: ORIGIN and AS_PATH are missing (RFC 7606 §3 d)
        CHECK(d.error_for(code(AttrType::origin)));
        CHECK(d.error_for(code(AttrType::as_path)));
        CHECK_FALSE(d.error_for(code(AttrType::next_hop)));
        CHECK(encode_attrs(d.attrs) == wire);
    }
    SECTION("RFC 8950: IPv4 NLRI with an IPv6 next hop") {
        const Bytes wire = cat({origin_igp,
                                as_path_empty,
                                {
                                    0x80, 0x0e, 0x19,  // MP_REACH_NLRI, 25 octets
                                    0x00, 0x01, 0x01,  //   AFI IPv4, SAFI unicast
                                    0x10,              //   next hop length 16
                                    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                    0x01,                    //   2001:db8::1
                                    0x00,                    //   reserved
                                    0x18, 0x0a, 0x01, 0x02,  //   10.1.2.0/24
                                }});
        const auto d = decode_attrs(wire, {}, false);
        REQUIRE_FALSE(d.fatal);
        CHECK(d.errors.empty());
        REQUIRE(d.attrs.mp_reach);
        CHECK(d.attrs.mp_reach->family == ipv4_unicast);
        CHECK(d.attrs.mp_reach->next_hops == std::vector<IpAddress>{ip("2001:db8::1")});
        CHECK(d.attrs.mp_reach->nlri == std::vector<Nlri>{nlri("10.1.2.0/24")});
        CHECK(encode_attrs(d.attrs) == wire);
    }
    SECTION("IPv4 unicast, 4-octet next hop, ADD-PATH") {
        CodecOptions ap;
        ap.add_path.insert(ipv4_unicast);
        const Bytes wire = {
            0x80, 0x0e, 0x11,        // MP_REACH_NLRI, 17 octets
            0x00, 0x01, 0x01, 0x04,  //   IPv4 unicast, next hop length 4
            0x01, 0x02, 0x03, 0x04,  //   1.2.3.4
            0x00,                    //   reserved
            0x00, 0x00, 0x00, 0x28,  //   path id 40
            0x18, 0x78, 0x04, 0x00,  //   120.4.0.0/24
        };
        const auto d = decode_attrs(wire, ap, false);
        REQUIRE_FALSE(d.fatal);
        REQUIRE(d.attrs.mp_reach);
        CHECK(d.attrs.mp_reach->next_hops == std::vector<IpAddress>{ip("1.2.3.4")});
        CHECK(d.attrs.mp_reach->nlri == std::vector<Nlri>{nlri("120.4.0.0/24", 40)});
        CHECK(encode_attrs(d.attrs, ap) == wire);
    }
    SECTION("MP_UNREACH_NLRI and the End-of-RIB form") {
        const Bytes wire = {
            0x80, 0x0f, 0x0c,                          // MP_UNREACH_NLRI, 12 octets
            0x00, 0x02, 0x01,                          //   IPv6 unicast
            0x40, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,  //   2001:db8::/64
        };
        const auto d = decode_attrs(wire, {}, false);
        REQUIRE_FALSE(d.fatal);
        CHECK(d.errors.empty());
        REQUIRE(d.attrs.mp_unreach);
        CHECK(d.attrs.mp_unreach->family == ipv6_unicast);
        CHECK(d.attrs.mp_unreach->nlri == std::vector<Nlri>{nlri("2001:db8::/64")});
        CHECK(encode_attrs(d.attrs) == wire);

        const Bytes eor = {0x80, 0x0f, 0x03, 0x00, 0x02, 0x01};  // IPv6 End-of-RIB
        const auto e = decode_attrs(eor, {}, false);
        REQUIRE_FALSE(e.fatal);
        REQUIRE(e.attrs.mp_unreach);
        CHECK(e.attrs.mp_unreach->nlri.empty());
        CHECK(encode_attrs(e.attrs) == eor);
    }
    SECTION("A family kept as bytes: EVPN (tcpdump bgp-encap.pcap)") {
        const Bytes wire = {
            0x90, 0x0e, 0x00, 0x2c,                          // MP_REACH_NLRI, ext length, 44 octets
            0x00, 0x19, 0x46,                                //   AFI L2VPN, SAFI EVPN
            0x04, 0x04, 0x04, 0x04, 0x04,                    //   next hop 4.4.4.4
            0x00,                                            //   reserved
            0x02, 0x21,                                      //   route type 2, 33 octets
            0x00, 0x01, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04,  // RD 4.4.4.4:4
            0,    0,    0,    0,    0,    0,    0,    0,    0, 0,  //     ESI
            0x00, 0x00, 0x00, 0x00,                                //     Ethernet tag
            0x30, 0x02, 0x06, 0x0a, 0x0e, 0xfa, 0xf3,              //     MAC 02:06:0a:0e:fa:f3
            0x00,                                                  //     IP length 0
            0x00, 0x00, 0x65,                                      //     label
        };
        const auto d = decode_attrs(wire, {}, false);
        REQUIRE_FALSE(d.fatal);
        REQUIRE(d.attrs.mp_reach);
        const auto& mp = *d.attrs.mp_reach;
        CHECK(mp.family == Family{Afi::l2vpn, Safi::evpn});
        CHECK(mp.next_hops.empty());
        CHECK(mp.raw_next_hop == Bytes{0x04, 0x04, 0x04, 0x04});
        CHECK(mp.nlri.empty());
        CHECK(mp.raw_nlri == Bytes(wire.begin() + 13, wire.end()));
        CHECK(encode_attrs(d.attrs) == wire);
    }
    SECTION("Normalisation: the reserved octet is written as 0") {
        const Bytes wire = {0x80, 0x0e, 0x0a, 0x00, 0x01, 0x01,
                            0x04, 0x01, 0x02, 0x03, 0x04, 0x07,  // reserved 7 (RFC 2858 SNPA count)
                            0x00};                               // 0.0.0.0/0
        const auto d = decode_attrs(wire, {}, false);
        REQUIRE(d.attrs.mp_reach);
        CHECK(d.attrs.mp_reach->nlri == std::vector<Nlri>{nlri("0.0.0.0/0")});
        Bytes expected = wire;
        expected[11] = 0x00;
        CHECK(encode_attrs(d.attrs) == expected);
    }
}

TEST_CASE("MRT RIB entries: abbreviated MP_REACH_NLRI (RFC 6396 §4.3.4)",
          "[wire][attributes][mp]") {
    CodecOptions mrt;
    mrt.mrt_rib_entry = true;
    const Bytes v6 = {
        0x80, 0x0e, 0x11, 0x10,  // MP_REACH_NLRI, 17 octets: next hop length 16
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,  // 2001:db8::1
    };
    auto d = decode_attrs(cat({origin_igp, as_path_empty, v6}), mrt, false);
    REQUIRE_FALSE(d.fatal);
    CHECK(d.errors.empty());
    REQUIRE(d.attrs.mp_reach);
    CHECK(d.attrs.mp_reach->family == ipv6_unicast);
    CHECK(d.attrs.mp_reach->next_hops == std::vector<IpAddress>{ip("2001:db8::1")});
    CHECK(d.attrs.mp_reach->nlri.empty());
    CHECK(encode_attrs(d.attrs, mrt) == cat({origin_igp, as_path_empty, v6}));

    const Bytes v4 = {0x80, 0x0e, 0x05, 0x04, 0x0a, 0x00, 0x00, 0x01};
    d = decode_attrs(v4, mrt, false);
    REQUIRE(d.attrs.mp_reach);
    CHECK(d.attrs.mp_reach->family == ipv4_unicast);
    CHECK(d.attrs.mp_reach->next_hops == std::vector<IpAddress>{ip("10.0.0.1")});

    // Some writers put the full form in table dumps: it is still understood.
    const Bytes full = {0x80, 0x0e, 0x15, 0x00, 0x02, 0x01, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0,
                        0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0x02, 0x00};
    d = decode_attrs(full, mrt, false);
    REQUIRE_FALSE(d.fatal);
    REQUIRE(d.attrs.mp_reach);
    CHECK(d.attrs.mp_reach->family == ipv6_unicast);
    CHECK(d.attrs.mp_reach->next_hops == std::vector<IpAddress>{ip("2001:db8::2")});

    // A next hop length that names no family.
    d = decode_attrs({0x80, 0x0e, 0x0d, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 1}, mrt, false);
    REQUIRE(d.fatal);
    CHECK(d.fatal->action == ErrorAction::afi_safi_disable);
}

TEST_CASE("Unknown optional attributes pass through untouched", "[wire][attributes]") {
    const Bytes wire = cat({mandatory,
                            {
                                0xe0, 0x63, 0x02, 0xab, 0xcd,  // type 99, O|T|Partial
                                0xc0, 0x64, 0x01, 0xee,        // type 100, O|T
                                0x80, 0x65, 0x00,              // type 101, optional non-transitive
                                0xd0, 0x66, 0x00, 0x01, 0x42,  // type 102, O|T|ExtLen
                            }});
    const auto d = decode_attrs(wire);
    REQUIRE_FALSE(d.fatal);
    CHECK(d.errors.empty());
    REQUIRE(d.attrs.unknown.size() == 4);
    CHECK(d.attrs.unknown[0] == RawAttribute{0xe0, 99, {0xab, 0xcd}});
    CHECK(d.attrs.unknown[1] == RawAttribute{0xc0, 100, {0xee}});
    CHECK(d.attrs.unknown[2] == RawAttribute{0x80, 101, {}});
    CHECK(d.attrs.unknown[3] == RawAttribute{0xd0, 102, {0x42}});
    CHECK(attribute_name(99) == "unknown");
    CHECK(d.attrs.has(99));
    CHECK_FALSE(d.attrs.has(98));
    // decode -> encode is exact: flags as received, Partial bit included.
    CHECK(encode_attrs(d.attrs) == wire);
}

TEST_CASE("Layout: order and flag octets are preserved", "[wire][attributes]") {
    SECTION("non-canonical order, Extended Length on a short value, Partial on well-known") {
        const Bytes wire = {
            0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x01,  // MED 1 first
            0x50, 0x01, 0x00, 0x01, 0x00,              // ORIGIN with Extended Length
            0x60, 0x02, 0x00,                          // AS_PATH with Partial (RFC 7606 §3 c)
            0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01,  // NEXT_HOP
        };
        const auto d = decode_attrs(wire);
        REQUIRE_FALSE(d.fatal);
        CHECK(d.errors.empty());
        CHECK(d.attrs.layout == std::vector<AttrSlot>{{4, 0x80}, {1, 0x50}, {2, 0x60}, {3, 0x40}});
        CHECK(encode_attrs(d.attrs) == wire);
    }
    SECTION("changed values: a grown value gets Extended Length, new attributes go last") {
        auto d = decode_attrs(cat({mandatory, {0xc0, 0x08, 0x04, 0xfd, 0xe8, 0x00, 0x01}}));
        REQUIRE(d.attrs.communities);
        for (std::uint32_t i = 0; i < 69; ++i) d.attrs.communities->push_back(i);  // 280 octets
        d.attrs.med = 7;
        d.attrs.next_hop.reset();
        const auto e = encode_attrs(d.attrs);
        REQUIRE(e);
        const Bytes head = cat({origin_igp, as_path_empty, {0xd0, 0x08, 0x01, 0x18, 0xfd, 0xe8}});
        REQUIRE(e->size() == head.size() - 2 + 280 + 7);
        CHECK(Bytes(e->begin(), e->begin() + static_cast<long>(head.size())) == head);
        // MED appended after the layout with its canonical flags
        CHECK(Bytes(e->end() - 7, e->end()) == Bytes{0x80, 0x04, 0x04, 0, 0, 0, 7});
    }
    SECTION("built by hand: canonical order and flags, Extended Length only when needed") {
        PathAttributes h;
        h.unknown.push_back(RawAttribute{0xc0, 99, {1}});
        h.large_communities = std::vector<LargeCommunity>{{1, 2, 3}};
        h.med = 0;
        h.origin = Origin::egp;
        std::vector<std::uint32_t> many(70, 0x0001000a);
        h.communities = many;
        const auto e = encode_attrs(h);
        REQUIRE(e);
        Bytes expected = {0x40, 0x01, 0x01, 0x01,                    // ORIGIN EGP
                          0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x00,  // MED 0
                          0xd0, 0x08, 0x01, 0x18};                   // COMMUNITIES, 280 octets
        for (int i = 0; i < 70; ++i) expected.insert(expected.end(), {0x00, 0x01, 0x00, 0x0a});
        expected.insert(expected.end(), {0xc0, 0x20, 0x0c, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3});
        expected.insert(expected.end(), {0xc0, 0x63, 0x01, 0x01});  // raw type 99 as is
        CHECK(*e == expected);
    }
}

TEST_CASE("PathAttributes::has / erase and attribute_name", "[wire][attributes]") {
    auto d = decode_attrs(cat({mandatory, {0xc0, 0x63, 0x01, 0x01}}));
    CHECK(d.attrs.has(code(AttrType::origin)));
    CHECK(d.attrs.has(code(AttrType::next_hop)));
    CHECK_FALSE(d.attrs.has(code(AttrType::multi_exit_disc)));
    d.attrs.erase(code(AttrType::next_hop));
    CHECK_FALSE(d.attrs.next_hop);
    CHECK_FALSE(d.attrs.has(code(AttrType::next_hop)));
    CHECK(d.attrs.layout.size() == 3);
    d.attrs.erase(99);
    CHECK(d.attrs.unknown.empty());
    CHECK(encode_attrs(d.attrs) == cat({origin_igp, as_path_empty}));
    PathAttributes a;
    a.atomic_aggregate = true;
    CHECK(a.has(code(AttrType::atomic_aggregate)));
    a.erase(code(AttrType::atomic_aggregate));
    CHECK_FALSE(a.atomic_aggregate);

    CHECK(attribute_name(1) == "origin");
    CHECK(attribute_name(2) == "as_path");
    CHECK(attribute_name(3) == "next_hop");
    CHECK(attribute_name(4) == "med");
    CHECK(attribute_name(5) == "local_pref");
    CHECK(attribute_name(8) == "communities");
    CHECK(attribute_name(14) == "mp_reach_nlri");
    CHECK(attribute_name(16) == "extended_communities");
    CHECK(attribute_name(23) == "tunnel_encapsulation");
    CHECK(attribute_name(32) == "large_communities");
    CHECK(attribute_name(35) == "otc");
    CHECK(attribute_name(0) == "unknown");
    CHECK(attribute_name(26) == "unknown");  // AIGP is passed through raw
}

TEST_CASE("Encoding refuses values it cannot represent", "[wire][attributes]") {
    auto refused = [](const PathAttributes& a, const CodecOptions& o = {}) {
        Bytes out = {0xaa};  // something already in the buffer stays as it was
        bgp::wire::detail::Writer w(out);
        auto e = bgp::wire::detail::encode_attributes(a, o, w);
        CHECK(out == Bytes{0xaa});
        return e ? e->reason : std::string();
    };
    PathAttributes a;
    a.origin = Origin::igp;
    a.next_hop = ip("2001:db8::1");
    CHECK(refused(a).find("NEXT_HOP") != std::string::npos);

    PathAttributes b;
    b.as_path = AsPath{{AsSegment{AsSegmentType::as_sequence, {}}}};
    CHECK(refused(b).find("empty segment") != std::string::npos);
    AsSegment big_set{AsSegmentType::as_set, std::vector<std::uint32_t>(256, 1)};
    b.as_path = AsPath{{big_set}};
    CHECK(refused(b).find("set of 256") != std::string::npos);

    PathAttributes c;
    c.communities = std::vector<std::uint32_t>{};
    CHECK(refused(c).find("COMMUNITIES") != std::string::npos);
    c.communities.reset();
    c.cluster_list = std::vector<std::uint32_t>{};
    CHECK(refused(c).find("CLUSTER_LIST") != std::string::npos);

    PathAttributes d;
    d.origin = Origin::igp;
    d.unknown.push_back(RawAttribute{0x40, 1, {0}});  // ORIGIN twice
    CHECK(refused(d).find("ORIGIN") != std::string::npos);

    PathAttributes m;
    m.mp_reach = MpReach{ipv6_unicast, {ip("10.0.0.1")}, {}, {nlri("2001:db8::/32")}, {}};
    CHECK(refused(m).find("MP_REACH_NLRI") != std::string::npos);
    m.mp_reach = MpReach{ipv6_unicast, {ip("2001:db8::1")}, {}, {nlri("10.0.0.0/8")}, {}};
    CHECK(refused(m).find("10.0.0.0/8") != std::string::npos);

    PathAttributes g;
    g.aggregator = Aggregator{1, ip("2001:db8::1")};
    CHECK(refused(g).find("AGGREGATOR") != std::string::npos);
}
