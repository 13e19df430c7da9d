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

TEST_CASE("Session: timers before Established", "[fsm]") {
    SECTION("a connect that hangs is retried after ConnectRetryTime") {
        Scripted t;
        t.start();
        t.take();
        t.advance(std::chrono::seconds(29));
        CHECK(t.take().empty());
        t.advance(std::chrono::seconds(1));
        auto a = t.take();
        CHECK(count<CloseAction>(a) == 1);
        CHECK(count<ConnectAction>(a) == 1);
        CHECK(t.s.state() == State::connect);
    }
    SECTION("OpenSent waits 4 minutes for the peer's OPEN") {
        Scripted t;
        t.start();
        t.connected();
        t.take();
        t.advance(std::chrono::seconds(239));
        CHECK(t.take().empty());
        t.advance(std::chrono::seconds(1));
        auto a = t.take();
        CHECK(sent_notification(a).code == 4);
        CHECK(t.s.state() == State::idle);
    }
    SECTION("OpenConfirm: keepalives go out, the negotiated hold time applies") {
        Scripted t;
        t.peer_cfg.hold_time = std::chrono::seconds(30);
        t.start();
        t.connected();
        t.feed(t.peer_open());
        t.take();
        t.advance(std::chrono::seconds(10));
        CHECK(sent_of<wire::Keepalive>(t.take()).size() == 1);
        t.advance(std::chrono::seconds(20));
        auto a = t.take();
        CHECK(t.s.state() == State::idle);
        CHECK(sent_of<wire::Notification>(a).size() == 1);
        CHECK(sent_of<wire::Notification>(a)[0].code == 4);
        CHECK(last_change(a)->reason.text == "hold timer expired in OpenConfirm (30 s)");
    }
}

TEST_CASE("Session: start and stop are idempotent", "[fsm]") {
    Scripted t;
    t.start();
    t.take();
    t.start();
    CHECK(t.take().empty());
    t.s.stop(t.clock.now, t.out);
    auto a = t.take();
    CHECK(count<CloseAction>(a) == 1);  // the connect attempt
    CHECK(sent(a).empty());             // no TCP yet: nothing to say
    CHECK(t.s.state() == State::idle);
    t.s.stop(t.clock.now, t.out);
    CHECK(t.take().empty());
    // Events for a stopped session are ignored; connections refused.
    t.connected();
    t.feed(keepalive_bytes());
    CHECK_FALSE(t.s.tcp_accepted(t.clock.now, t.out));
    CHECK(t.take().empty());
}
