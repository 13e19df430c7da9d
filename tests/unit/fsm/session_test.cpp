// Tests for libbgp/src/fsm/session.cpp (and the machine behind it) through the
// public API only: whole timelines against a scripted peer on a simulated
// clock - establishment, keepalives, hold expiry, back-off, framing, stop.
#include "bgp/fsm/session.hpp"

#include <catch2/catch_test_macros.hpp>

#include "fsm_test_support.hpp"

using namespace bgp;
using namespace bgp::fsm;
using namespace fsmtest;

TEST_CASE("Session: state and timer names", "[fsm]") {
    CHECK(to_string(State::idle) == "Idle");
    CHECK(to_string(State::open_confirm) == "OpenConfirm");
    CHECK(to_string(State::established) == "Established");
    CHECK(to_string(TimerKind::hold) == "HoldTimer");
    CHECK(to_string(TimerKind::send_hold) == "SendHoldTimer");
}

namespace {
void construct(const SessionConfig& c) { Session s(c); }
}  // namespace

TEST_CASE("Session: invalid configuration throws at construction", "[fsm]") {
    auto c = config();
    c.hold_time = std::chrono::seconds(2);
    CHECK_THROWS_AS(construct(c), std::invalid_argument);
    c = config();
    c.router_id = 0;
    CHECK_THROWS_AS(construct(c), std::invalid_argument);
    c = config(4200000000u);
    c.four_octet_as = false;
    CHECK_THROWS_AS(construct(c), std::invalid_argument);
    c = config();
    c.families.clear();
    CHECK_THROWS_AS(construct(c), std::invalid_argument);
    CHECK_NOTHROW(construct(config()));
}

TEST_CASE("Session: establishes over the outgoing connection", "[fsm]") {
    Scripted t;
    CHECK(t.s.state() == State::idle);
    CHECK_FALSE(t.s.next_deadline());

    t.start();
    auto a = t.take();
    CHECK(count<ConnectAction>(a) == 1);
    CHECK(t.s.state() == State::connect);
    REQUIRE(last_change(a));
    CHECK(last_change(a)->from == State::idle);
    CHECK(last_change(a)->to == State::connect);
    CHECK(last_change(a)->reason.kind == Reason::Kind::admin_start);
    REQUIRE(t.s.next_deadline());
    CHECK(*t.s.next_deadline() == t.clock.now + std::chrono::seconds(30));  // connect retry

    t.connected();
    a = t.take();
    auto opens = sent_of<wire::Open>(a);
    REQUIRE(opens.size() == 1);
    CHECK(opens[0] == make_open(t.cfg));
    CHECK(t.s.state() == State::open_sent);
    // OpenSent: the large hold timer (4 minutes).
    CHECK(*t.s.next_deadline() == t.clock.now + std::chrono::seconds(240));

    t.feed(t.peer_open());
    a = t.take();
    CHECK(sent_of<wire::Keepalive>(a).size() == 1);
    CHECK(t.s.state() == State::open_confirm);
    CHECK(last_change(a)->reason.kind == Reason::Kind::open_received);

    t.feed(keepalive_bytes());
    a = t.take();
    CHECK(t.s.state() == State::established);
    CHECK(last_change(a)->from == State::open_confirm);
    CHECK(last_change(a)->to == State::established);
    REQUIRE(t.s.negotiated());
    CHECK(t.s.negotiated()->peer_as == 64513);
    CHECK(t.s.negotiated()->hold_time == std::chrono::seconds(90));
    CHECK(t.s.established_conn() == ConnId::outgoing);
    // Keepalive at 30 s, hold at 90 s.
    CHECK(*t.s.next_deadline() == t.clock.now + std::chrono::seconds(30));
}

TEST_CASE("Session: bytes split anywhere frame the same", "[fsm]") {
    Scripted t;
    t.start();
    t.connected();
    Bytes all = t.peer_open();
    auto ka = keepalive_bytes();
    all.insert(all.end(), ka.begin(), ka.end());
    for (std::size_t i = 0; i < all.size(); ++i) t.feed(Bytes{all[i]});
    CHECK(t.s.state() == State::established);
}

TEST_CASE("Session: keepalives every third of the hold time; the peer's keep it up", "[fsm]") {
    Scripted t;
    t.establish();
    t.take();
    std::size_t keepalives = 0;
    for (int i = 0; i < 20; ++i) {
        t.advance(std::chrono::seconds(30));
        keepalives += sent_of<wire::Keepalive>(t.take()).size();
        t.feed(keepalive_bytes());
    }
    CHECK(keepalives == 20);
    CHECK(t.s.state() == State::established);
}

TEST_CASE("Session: hold timer expiry sends 4/0, goes Idle, restarts after IdleHold", "[fsm]") {
    Scripted t;
    t.establish();
    t.take();
    t.advance(std::chrono::seconds(89));
    CHECK(t.s.state() == State::established);
    t.advance(std::chrono::seconds(1));
    auto a = t.take();
    CHECK(t.s.state() == State::idle);
    auto n = sent_notification(a);
    CHECK(n.code == 4);
    CHECK(n.subcode == 0);
    REQUIRE(last_change(a));
    CHECK(last_change(a)->from == State::established);
    CHECK(last_change(a)->reason.kind == Reason::Kind::timer_expired);
    CHECK(last_change(a)->reason.text == "hold timer expired (90 s)");
    CHECK(t.s.last_error().kind == Reason::Kind::timer_expired);
    CHECK(count<CloseAction>(a) == 1);
    // The RIB is told to drop the peer's routes (no graceful restart).
    auto gr = all_of<GrStaleAction>(a);
    REQUIRE(gr.size() == 1);
    CHECK(gr[0]->what == GrStaleAction::What::flush_all);
    CHECK(t.s.flap_count() == 1);
    REQUIRE(t.s.next_deadline());
    CHECK(*t.s.next_deadline() == t.clock.now + std::chrono::seconds(5));
    t.advance(std::chrono::seconds(5));
    a = t.take();
    CHECK(count<ConnectAction>(a) == 1);
    CHECK(t.s.state() == State::connect);
    CHECK(last_change(a)->reason.kind == Reason::Kind::timer_expired);
}

TEST_CASE("Session: hold time 0 means no keepalives and no hold timer", "[fsm]") {
    auto c = config();
    c.hold_time = std::chrono::seconds(0);
    Scripted t(c);
    t.establish();
    t.take();
    CHECK_FALSE(t.s.next_deadline());
    t.advance(std::chrono::hours(10));
    CHECK(t.take().empty());
    CHECK(t.s.state() == State::established);
    CHECK(t.s.negotiated()->keepalive_time.count() == 0);
}

TEST_CASE("Session: IdleHold back-off doubles per flap up to the ceiling", "[fsm]") {
    Scripted t;
    t.start();
    std::vector<long> delays;
    for (int i = 0; i < 8; ++i) {
        t.connected();
        t.feed(notification_bytes(6, 8));  // Cease / Out of Resources, in OpenSent
        REQUIRE(t.s.state() == State::idle);
        REQUIRE(t.s.next_deadline());
        delays.push_back(
            std::chrono::duration_cast<std::chrono::seconds>(*t.s.next_deadline() - t.clock.now)
                .count());
        t.take();
        t.advance(*t.s.next_deadline() - t.clock.now);
        REQUIRE(count<ConnectAction>(t.take()) == 1);
    }
    CHECK(delays == std::vector<long>{5, 10, 20, 40, 80, 120, 120, 120});
    CHECK(t.s.flap_count() == 8);
}

TEST_CASE("Session: a session stable for idle_hold_max forgets its flaps", "[fsm]") {
    Scripted t;
    t.start();
    for (int i = 0; i < 3; ++i) {  // three quick failures: 5, 10, 20
        t.connected();
        t.feed(notification_bytes(6, 8));
        t.advance(*t.s.next_deadline() - t.clock.now);
    }
    CHECK(t.s.flap_count() == 3);
    t.connected();
    t.feed(t.peer_open());
    t.feed(keepalive_bytes());
    REQUIRE(t.s.state() == State::established);
    for (int i = 0; i < 5; ++i) {  // 150 s up
        t.advance(std::chrono::seconds(30));
        t.feed(keepalive_bytes());
    }
    t.take();
    t.feed(notification_bytes(6, 8));
    CHECK(t.s.flap_count() == 1);
    CHECK(*t.s.next_deadline() == t.clock.now + std::chrono::seconds(5));
}

TEST_CASE("Session: connect failure waits in Active, retries, accepts meanwhile", "[fsm]") {
    Scripted t;
    t.start();
    t.take();
    t.s.tcp_failed(ConnId::outgoing, t.clock.now, t.out, "connection refused");
    auto a = t.take();
    CHECK(t.s.state() == State::active);
    CHECK(last_change(a)->reason.kind == Reason::Kind::tcp_failed);
    CHECK(last_change(a)->reason.text == "TCP connection failed: connection refused");
    CHECK(t.s.flap_count() == 0);
    t.advance(std::chrono::seconds(30));
    CHECK(count<ConnectAction>(t.take()) == 1);
    CHECK(t.s.state() == State::connect);
    t.s.tcp_failed(ConnId::outgoing, t.clock.now, t.out, "refused");
    t.take();
    // The peer connects to us while we wait.
    REQUIRE(t.s.tcp_accepted(t.clock.now, t.out));
    a = t.take();
    CHECK(sent_of<wire::Open>(a, ConnId::incoming).size() == 1);
    CHECK(t.s.state() == State::open_sent);
    t.feed(t.peer_open(), ConnId::incoming);
    t.feed(keepalive_bytes(), ConnId::incoming);
    CHECK(t.s.state() == State::established);
    CHECK(t.s.established_conn() == ConnId::incoming);
    // The outgoing FSM no longer retries.
    t.take();
    t.advance(std::chrono::seconds(30));
    CHECK(count<ConnectAction>(t.take()) == 0);
    // A second incoming connection while one exists is refused.
    CHECK_FALSE(t.s.tcp_accepted(t.clock.now, t.out));
}

TEST_CASE("Session: passive never connects", "[fsm]") {
    auto c = config();
    c.passive = true;
    Scripted t(c);
    t.start();
    auto a = t.take();
    CHECK(count<ConnectAction>(a) == 0);
    CHECK(t.s.state() == State::active);
    t.advance(std::chrono::hours(1));
    CHECK(count<ConnectAction>(t.take()) == 0);
    REQUIRE(t.s.tcp_accepted(t.clock.now, t.out));
    t.feed(t.peer_open(), ConnId::incoming);
    t.feed(keepalive_bytes(), ConnId::incoming);
    CHECK(t.s.state() == State::established);
    // Down again: back to Active after IdleHold, still without connecting.
    t.s.tcp_failed(ConnId::incoming, t.clock.now, t.out);
    CHECK(t.s.state() == State::idle);
    t.advance(std::chrono::seconds(5));
    auto b = t.take();
    CHECK(count<ConnectAction>(b) == 0);
    CHECK(t.s.state() == State::active);
}

TEST_CASE("Session: DelayOpen holds our OPEN back", "[fsm]") {
    auto c = config();
    c.delay_open_time = std::chrono::seconds(10);
    SECTION("timer expires: OPEN sent") {
        Scripted t(c);
        t.start();
        t.connected();
        auto a = t.take();
        CHECK(sent(a).empty());
        CHECK(t.s.state() == State::connect);
        t.advance(std::chrono::seconds(9));
        CHECK(sent(t.take()).empty());
        t.advance(std::chrono::seconds(1));
        CHECK(sent_of<wire::Open>(t.take()).size() == 1);
        CHECK(t.s.state() == State::open_sent);
    }
    SECTION("peer's OPEN first: OPEN and KEEPALIVE, OpenConfirm") {
        Scripted t(c);
        t.start();
        t.connected();
        t.take();
        t.feed(t.peer_open());
        auto msgs = sent(t.take());
        REQUIRE(msgs.size() == 2);
        CHECK(std::holds_alternative<wire::Open>(msgs[0]));
        CHECK(std::holds_alternative<wire::Keepalive>(msgs[1]));
        CHECK(t.s.state() == State::open_confirm);
    }
}

TEST_CASE("Session: header errors give the RFC 4271 §6.1 NOTIFICATION", "[fsm]") {
    struct Row {
        Bytes bytes;
        int subcode;
    };
    Bytes bad_marker = keepalive_bytes();
    bad_marker[3] = 0;
    Bytes bad_type = keepalive_bytes();
    bad_type[18] = 9;
    Bytes too_long = keepalive_bytes();
    too_long[16] = 0x10;  // 4097 > 4096 before extended message
    too_long[17] = 0x01;
    Bytes short_keepalive = keepalive_bytes();
    short_keepalive[17] = 20;
    const Row rows[] = {{bad_marker, 1}, {bad_type, 3}, {too_long, 2}, {short_keepalive, 2}};
    for (const auto& row : rows) {
        Scripted t;
        t.start();
        t.connected();
        t.take();
        t.feed(row.bytes);
        auto a = t.take();
        CHECK(t.s.state() == State::idle);
        auto n = sent_notification(a);
        CHECK(n.code == 1);
        CHECK(n.subcode == row.subcode);
        CHECK(last_change(a)->reason.kind == Reason::Kind::notification_sent);
    }
}

TEST_CASE("Session: OPEN errors send the OPEN Message Error", "[fsm]") {
    Scripted t;
    t.peer_cfg.local_as = 65000;  // not the configured peer AS
    t.start();
    t.connected();
    t.take();
    t.feed(t.peer_open());
    auto a = t.take();
    CHECK(t.s.state() == State::idle);
    auto n = sent_notification(a);
    CHECK(n.code == 2);
    CHECK(n.subcode == 2);
    CHECK(t.s.last_error().kind == Reason::Kind::notification_sent);
    REQUIRE(t.s.last_error().notification);
    CHECK(t.s.last_error().notification->subcode == 2);
}

TEST_CASE("Session: a peer's NOTIFICATION is reported in words", "[fsm]") {
    Scripted t;
    t.establish();
    t.take();
    auto shut = wire::Notification::shutdown(2, "maintenance");
    t.feed(bytes_of(wire::Message{shut}));
    auto a = t.take();
    CHECK(t.s.state() == State::idle);
    CHECK(sent(a).empty());  // never answered
    REQUIRE(last_change(a));
    const auto r = last_change(a)->reason;
    INFO(r.text);
    CHECK(r.kind == Reason::Kind::notification_received);
    REQUIRE(r.notification);
    CHECK(r.notification->shutdown_communication() == "maintenance");
    CHECK(r.text == "received Cease / Administrative Shutdown: \"maintenance\"");
}

TEST_CASE("Session: stop sends Cease with the RFC 9003 message and stays down", "[fsm]") {
    Scripted t;
    t.establish();
    t.take();
    t.s.stop(t.clock.now, t.out, "upgrade to 2.0");
    auto a = t.take();
    auto n = sent_notification(a);
    CHECK(n.code == 6);
    CHECK(n.subcode == 2);
    CHECK(n.shutdown_communication() == "upgrade to 2.0");
    CHECK(t.s.state() == State::idle);
    CHECK(last_change(a)->reason.kind == Reason::Kind::admin_stop);
    REQUIRE(all_of<CloseAction>(a).size() == 1);
    CHECK(all_of<CloseAction>(a)[0]->flush);
    REQUIRE(all_of<GrStaleAction>(a).size() == 1);
    CHECK(all_of<GrStaleAction>(a)[0]->what == GrStaleAction::What::flush_all);
    CHECK_FALSE(t.s.next_deadline());
    t.advance(std::chrono::hours(1));
    CHECK(t.take().empty());
    // Other subcodes: Administrative Reset.
    t.start();
    t.connected();
    t.take();
    t.s.stop(t.clock.now, t.out, "", wire::cease_subcode::administrative_reset);
    auto n2 = sent_notification(t.take());
    CHECK(n2.subcode == 4);
    CHECK(n2.data.empty());
}

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

TEST_CASE("Session: send hold timer (RFC 9687)", "[fsm]") {
    Scripted t;
    t.establish();
    t.s.write_progress(t.clock.now);  // the driver reports progress: tracking on
    t.take();
    t.advance(std::chrono::seconds(30));  // a KEEPALIVE is queued and never written
    t.feed(keepalive_bytes());
    for (int i = 0; i < 15; ++i) {
        t.advance(std::chrono::seconds(30));
        t.feed(keepalive_bytes());
    }
    auto a = t.take();
    CHECK(t.s.state() == State::established);  // 480 s not reached yet (30 + 450)
    t.advance(std::chrono::seconds(30));
    a = t.take();
    CHECK(t.s.state() == State::idle);
    auto notes = sent_of<wire::Notification>(a);
    REQUIRE_FALSE(notes.empty());
    CHECK(notes.back().code == 8);
    REQUIRE(all_of<CloseAction>(a).size() == 1);
    CHECK_FALSE(all_of<CloseAction>(a)[0]->flush);

    SECTION("a draining write queue keeps the session") {
        Scripted u;
        u.establish();
        u.s.write_progress(u.clock.now);
        for (int i = 0; i < 40; ++i) {
            u.advance(std::chrono::seconds(30));
            u.s.write_progress(u.clock.now);
            u.feed(keepalive_bytes());
        }
        CHECK(u.s.state() == State::established);
    }
}

TEST_CASE("Session: reconfigure", "[fsm]") {
    Scripted t;
    t.establish();
    t.take();
    SECTION("timers only: applied in place, no reset") {
        auto c = t.cfg;
        c.hold_time = std::chrono::seconds(30);
        c.connect_retry_time = std::chrono::seconds(5);
        CHECK_FALSE(t.s.reconfigure(c, t.clock.now, t.out));
        CHECK(t.take().empty());
        CHECK(t.s.state() == State::established);
        CHECK(t.s.config().hold_time == std::chrono::seconds(30));
    }
    SECTION("an OPEN setting: Cease / Other Configuration Change, then at once again") {
        auto c = t.cfg;
        c.families.push_back(wire::ipv6_unicast);
        CHECK(t.s.reconfigure(c, t.clock.now, t.out));
        auto a = t.take();
        auto n = sent_notification(a);
        CHECK(n.code == 6);
        CHECK(n.subcode == 6);
        CHECK(count<ConnectAction>(a) == 1);
        CHECK(t.s.state() == State::connect);
        t.connected();
        auto opens = sent_of<wire::Open>(t.take());
        REQUIRE(opens.size() == 1);
        CHECK(opens[0] == make_open(c));
    }
    SECTION("invalid configuration throws and changes nothing") {
        auto c = t.cfg;
        c.hold_time = std::chrono::seconds(1);
        CHECK_THROWS_AS(t.s.reconfigure(c, t.clock.now, t.out), std::invalid_argument);
        CHECK(t.s.config().hold_time == std::chrono::seconds(90));
    }
}

TEST_CASE("Session: reconfigure passive <-> active while waiting", "[fsm]") {
    auto c = config();
    c.passive = true;
    Scripted t(c);
    t.start();
    t.take();
    REQUIRE(t.s.state() == State::active);
    c.passive = false;
    CHECK_FALSE(t.s.reconfigure(c, t.clock.now, t.out));
    auto a = t.take();
    CHECK(count<ConnectAction>(a) == 1);
    CHECK(t.s.state() == State::connect);
    c.passive = true;
    CHECK_FALSE(t.s.reconfigure(c, t.clock.now, t.out));
    a = t.take();
    CHECK(count<CloseAction>(a) == 1);
    CHECK(t.s.state() == State::active);
    t.advance(std::chrono::hours(1));
    CHECK(count<ConnectAction>(t.take()) == 0);
}
