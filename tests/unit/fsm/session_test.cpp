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
