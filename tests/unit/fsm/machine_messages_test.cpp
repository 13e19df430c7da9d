// Tests for libbgp/src/fsm/machine_messages.cpp through the public Session API:
// what happens to UPDATEs and ROUTE-REFRESHes in Established (RFC 7606
// outcomes, End-of-RIB, AS4 merge and AS4_PATH on send, OTC ingress,
// families not negotiated, extended message sizes, RFC 7313 markers).
#include <catch2/catch_test_macros.hpp>

#include "bgp/fsm/session.hpp"
#include "fsm_test_support.hpp"

using namespace bgp;
using namespace bgp::fsm;
using namespace fsmtest;

TEST_CASE("Session: UPDATEs in Established become UpdateActions", "[fsm]") {
    Scripted t;
    t.establish();
    t.take();
    wire::Update u;
    u.attributes.origin = wire::Origin::igp;
    u.attributes.as_path = wire::AsPath{{{wire::AsSegmentType::as_sequence, {64513}}}};
    u.attributes.next_hop = wire::IpAddress::v4(0xC6120001);
    u.nlri.push_back({*wire::Prefix::parse("10.1.0.0/24"), std::nullopt});
    t.advance(std::chrono::seconds(60));  // hold timer restarts on the UPDATE below
    t.feed(bytes_of(wire::Message{u}));
    auto a = t.take();
    auto ups = all_of<UpdateAction>(a);
    REQUIRE(ups.size() == 1);
    CHECK(ups[0]->update.nlri == u.nlri);
    CHECK(ups[0]->update.attributes.as_path == u.attributes.as_path);
    t.advance(std::chrono::seconds(60));  // 120 s after establishment, 60 after the UPDATE
    CHECK(t.s.state() == State::established);
    // End-of-RIB comes out as such.
    t.feed(bytes_of(wire::Message{wire::make_end_of_rib(wire::ipv4_unicast)}));
    a = t.take();
    CHECK(all_of<UpdateAction>(a).empty());
    REQUIRE(all_of<EndOfRibAction>(a).size() == 1);
    CHECK(all_of<EndOfRibAction>(a)[0]->family == wire::ipv4_unicast);
}

TEST_CASE("Session: a malformed UPDATE resets with the UPDATE Message Error", "[fsm]") {
    Scripted t;
    t.establish();
    t.take();
    // Withdrawn Routes Length 5 with nothing behind it: 3/1 Malformed Attribute List.
    Bytes bad = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                 0xff, 0xff, 0xff, 0xff, 0x00, 0x17, 0x02, 0x00, 0x05, 0x00, 0x00};
    t.feed(bad);
    auto a = t.take();
    CHECK(t.s.state() == State::idle);
    CHECK(sent_notification(a).code == 3);
}

TEST_CASE("Session: UPDATE before Established is an FSM Error", "[fsm]") {
    Scripted t;
    t.start();
    t.connected();
    t.feed(t.peer_open());
    t.take();
    t.feed(bytes_of(wire::Message{wire::make_end_of_rib(wire::ipv4_unicast)}));
    auto n = sent_notification(t.take());
    CHECK(n.code == 5);
    CHECK(n.subcode == 2);  // RFC 6608: unexpected message in OpenConfirm
}

TEST_CASE("Session: 2-octet peer's AS4_PATH is merged (RFC 6793)", "[fsm]") {
    Scripted t(config(4200000001u, 1, 65002));
    t.peer_cfg.four_octet_as = false;
    t.establish();
    REQUIRE_FALSE(t.s.negotiated()->four_octet_as);
    t.take();
    wire::Update u;
    u.attributes.origin = wire::Origin::igp;
    u.attributes.as_path = wire::AsPath{{{wire::AsSegmentType::as_sequence, {65002, 23456}}}};
    u.attributes.as4_path = wire::AsPath{{{wire::AsSegmentType::as_sequence, {4200000009u}}}};
    u.attributes.next_hop = wire::IpAddress::v4(0xC6120001);
    u.nlri.push_back({*wire::Prefix::parse("10.2.0.0/16"), std::nullopt});
    wire::CodecOptions two_octet;
    two_octet.four_octet_as = false;
    t.feed(bytes_of(wire::Message{u}, two_octet));
    auto ups = copies<UpdateAction>(t.take());
    REQUIRE(ups.size() == 1);
    INFO(ups[0].update.attributes.as_path->to_string());
    CHECK(ups[0].update.attributes.as_path ==
          wire::AsPath{{{wire::AsSegmentType::as_sequence, {65002, 4200000009u}}}});
    CHECK_FALSE(ups[0].update.attributes.as4_path);
}

TEST_CASE("Session: OTC ingress marks leaks as withdrawn (RFC 9234)", "[fsm]") {
    auto c = config();
    c.role = wire::BgpRole::provider;  // the peer is our customer
    Scripted t(c);
    t.peer_cfg.role = wire::BgpRole::customer;
    t.establish();
    t.take();
    wire::Update u;
    u.attributes.origin = wire::Origin::igp;
    u.attributes.as_path = wire::AsPath{{{wire::AsSegmentType::as_sequence, {64513}}}};
    u.attributes.next_hop = wire::IpAddress::v4(0xC6120001);
    u.nlri.push_back({*wire::Prefix::parse("10.3.0.0/16"), std::nullopt});
    t.feed(bytes_of(wire::Message{u}));
    auto ups = copies<UpdateAction>(t.take());
    REQUIRE(ups.size() == 1);
    CHECK_FALSE(ups[0].update.treat_as_withdraw);
    u.attributes.otc = 65555u;
    t.feed(bytes_of(wire::Message{u}));
    ups = copies<UpdateAction>(t.take());
    REQUIRE(ups.size() == 1);
    CHECK(ups[0].update.treat_as_withdraw);
    CHECK_FALSE(ups[0].update.errors.empty());
}

TEST_CASE("Session: sending UPDATEs and ROUTE-REFRESH", "[fsm]") {
    Scripted t;
    wire::Update u;
    u.attributes.origin = wire::Origin::igp;
    u.attributes.as_path = wire::AsPath{{{wire::AsSegmentType::as_sequence, {64512}}}};
    u.attributes.next_hop = wire::IpAddress::v4(0xC6120001);
    u.nlri.push_back({*wire::Prefix::parse("10.9.0.0/16"), std::nullopt});
    CHECK_FALSE(t.s.send_update(u, t.clock.now, t.out));
    CHECK(t.out.empty());
    t.establish();
    t.take();
    t.clock.advance(std::chrono::seconds(20));
    REQUIRE(t.s.send_update(u, t.clock.now, t.out));
    auto a = t.take();
    REQUIRE(all_of<SendAction>(a).size() == 1);
    CHECK(all_of<SendAction>(a)[0]->type == wire::MessageType::update);
    CHECK(sent_of<wire::Update>(a)[0].nlri == u.nlri);
    // The UPDATE restarted the keepalive timer: nothing at 30 s, a KEEPALIVE at 50.
    t.advance(std::chrono::seconds(10));
    CHECK(sent(t.take()).empty());
    t.feed(keepalive_bytes());
    t.advance(std::chrono::seconds(20));
    CHECK(sent_of<wire::Keepalive>(t.take()).size() == 1);

    CHECK(t.s.request_refresh(wire::ipv4_unicast, t.clock.now, t.out));
    auto rr = sent_of<wire::RouteRefresh>(t.take());
    REQUIRE(rr.size() == 1);
    CHECK(rr[0].afi == 1);
    CHECK(rr[0].safi == 1);
    CHECK_FALSE(t.s.request_refresh(wire::ipv6_unicast, t.clock.now, t.out));

    auto bytes = std::make_shared<const std::vector<std::uint8_t>>(bytes_of(wire::Message{u}));
    CHECK(t.s.send_encoded(bytes, t.clock.now, t.out));
    CHECK(copies<SendAction>(t.take())[0].bytes == bytes);  // the same buffer, not a copy
}

TEST_CASE("Session: ROUTE-REFRESH received", "[fsm]") {
    SECTION("negotiated: reported") {
        Scripted t;
        t.establish();
        t.take();
        t.feed(bytes_of(wire::Message{wire::RouteRefresh{1, 0, 1, {}}}));
        auto a = t.take();
        REQUIRE(all_of<RouteRefreshAction>(a).size() == 1);
        // A family we did not negotiate is ignored.
        t.feed(bytes_of(wire::Message{wire::RouteRefresh{2, 0, 1, {}}}));
        CHECK(t.take().empty());
    }
    SECTION("not negotiated: Bad Message Type") {
        Scripted t;
        t.peer_cfg.route_refresh = false;
        t.establish();
        t.take();
        t.feed(bytes_of(wire::Message{wire::RouteRefresh{1, 0, 1, {}}}));
        auto n = sent_notification(t.take());
        CHECK(n.code == 1);
        CHECK(n.subcode == 3);
        CHECK(t.s.state() == State::idle);
    }
}

TEST_CASE("Session: extended message raises the size limit once negotiated", "[fsm]") {
    wire::Update big;
    big.attributes.origin = wire::Origin::igp;
    big.attributes.as_path = wire::AsPath{{{wire::AsSegmentType::as_sequence, {64513}}}};
    big.attributes.next_hop = wire::IpAddress::v4(0xC6120001);
    for (std::uint32_t i = 0; i < 1500; ++i)
        big.nlri.push_back({wire::Prefix(wire::IpAddress::v4(0x0A000000 + (i << 8)), 24), {}});
    wire::CodecOptions ext;
    ext.extended_message = true;
    const Bytes bytes = bytes_of(wire::Message{big}, ext);
    REQUIRE(bytes.size() > 4096);
    SECTION("negotiated") {
        Scripted t;
        t.establish();
        t.take();
        t.feed(bytes);
        CHECK(count<UpdateAction>(t.take()) == 1);
        // And we may send one too.
        CHECK(t.s.send_update(big, t.clock.now, t.out));
    }
    SECTION("not negotiated") {
        Scripted t;
        t.peer_cfg.extended_message = false;
        t.establish();
        t.take();
        CHECK_FALSE(t.s.send_update(big, t.clock.now, t.out));
        t.feed(bytes);
        auto n = sent_notification(t.take());
        CHECK(n.code == 1);
        CHECK(n.subcode == 2);
    }
}

TEST_CASE("Session: UPDATEs to a 2-octet peer carry AS4_PATH (RFC 6793 §4.2.2)", "[fsm]") {
    Scripted t(config(4200000001u, 1, 65002));
    t.peer_cfg.four_octet_as = false;
    t.establish();
    t.take();
    wire::Update u;
    u.attributes.origin = wire::Origin::igp;
    u.attributes.as_path = wire::AsPath{{{wire::AsSegmentType::as_sequence, {4200000001u}}}};
    u.attributes.next_hop = wire::IpAddress::v4(0xC6120001);
    u.nlri.push_back({*wire::Prefix::parse("10.4.0.0/16"), std::nullopt});
    REQUIRE(t.s.send_update(u, t.clock.now, t.out));
    auto a = t.take();
    const auto& bytes = *copies<SendAction>(a).at(0).bytes;
    wire::CodecOptions two;
    two.four_octet_as = false;
    auto m = wire::decode_message(bytes, two);
    REQUIRE(m.has_value());
    const auto& got = std::get<wire::Update>(*m).attributes;
    CHECK(got.as_path == wire::AsPath{{{wire::AsSegmentType::as_sequence, {23456}}}});
    REQUIRE(got.as4_path);
    CHECK(*got.as4_path == *u.attributes.as_path);
}

TEST_CASE("Session: families that were not negotiated are ignored in UPDATEs", "[fsm]") {
    Scripted t;  // IPv4 unicast only
    t.establish();
    t.take();
    // End-of-RIB of IPv6: not ours.
    t.feed(bytes_of(wire::Message{wire::make_end_of_rib(wire::ipv6_unicast)}));
    auto a = t.take();
    CHECK(a.empty());
    // An IPv6 withdrawal alone: dropped, and not mistaken for the IPv4 End-of-RIB.
    wire::Update w;
    w.attributes.mp_unreach =
        wire::MpUnreach{wire::ipv6_unicast, {{*wire::Prefix::parse("2001:db8::/32"), {}}}, {}};
    t.feed(bytes_of(wire::Message{w}));
    a = t.take();
    CHECK(a.empty());
    CHECK(t.s.state() == State::established);
}

TEST_CASE("Session: enhanced route refresh markers (RFC 7313)", "[fsm]") {
    Scripted t;
    CHECK_FALSE(t.s.send_refresh_marker(wire::ipv4_unicast, 1, t.clock.now, t.out));
    t.establish();
    t.take();
    REQUIRE(t.s.negotiated()->enhanced_route_refresh);
    CHECK(t.s.send_refresh_marker(wire::ipv4_unicast, wire::route_refresh_subtype::borr,
                                  t.clock.now, t.out));
    CHECK(t.s.send_refresh_marker(wire::ipv4_unicast, wire::route_refresh_subtype::eorr,
                                  t.clock.now, t.out));
    auto rr = sent_of<wire::RouteRefresh>(t.take());
    REQUIRE(rr.size() == 2);
    CHECK(rr[0].subtype == 1);
    CHECK(rr[1].subtype == 2);
    CHECK_FALSE(t.s.send_refresh_marker(wire::ipv4_unicast, 0, t.clock.now, t.out));
    CHECK_FALSE(t.s.send_refresh_marker(wire::ipv6_unicast, 1, t.clock.now, t.out));
    // Received markers are passed on with their subtype.
    t.feed(bytes_of(wire::Message{wire::RouteRefresh{1, 1, 1, {}}}));
    auto got = copies<RouteRefreshAction>(t.take());
    REQUIRE(got.size() == 1);
    CHECK(got[0].refresh.subtype == 1);

    SECTION("not negotiated") {
        Scripted u;
        u.peer_cfg.enhanced_route_refresh = false;
        u.establish();
        CHECK_FALSE(u.s.send_refresh_marker(wire::ipv4_unicast, 1, u.clock.now, u.out));
    }
}
