// Tests for libbgp/src/fsm/session.cpp with two sessions joined in memory:
// both connections, RFC 4271 §6.8 collision detection (RFC 6286 §2.3 for
// equal identifiers), passive ends, and a NOTIFICATION crossing the link.
#include <catch2/catch_test_macros.hpp>

#include "bgp/fsm/session.hpp"
#include "fsm_test_support.hpp"

using namespace bgp;
using namespace bgp::fsm;
using namespace fsmtest;

namespace {

std::size_t sent_count(const Actions& log, std::uint8_t code, std::uint8_t subcode) {
    std::size_t n = 0;
    for (const auto& x : sent_of<wire::Notification>(log))
        n += x.code == code && x.subcode == subcode;
    return n;
}

}  // namespace

TEST_CASE("Collision: both connect at once, the higher identifier's connection stays", "[fsm]") {
    for (bool a_higher : {false, true}) {
        auto ca = config(64512, a_higher ? 0x0A000009 : 0x0A000001, 64513);
        auto cb = peer_of(ca, a_higher ? 0x0A000001 : 0x0A000009);
        Pair p(ca, cb);
        p.start_both();
        CAPTURE(a_higher);
        REQUIRE(p.a.state() == State::established);
        REQUIRE(p.b.state() == State::established);
        // Exactly one connection is left, and it is the one the higher side opened.
        CHECK(p.up_ab != p.up_ba);
        CHECK(p.up_ab == a_higher);
        CHECK(p.a.established_conn() == (a_higher ? ConnId::outgoing : ConnId::incoming));
        CHECK(p.b.established_conn() == (a_higher ? ConnId::incoming : ConnId::outgoing));
        // The other connection was closed with Cease / Connection Collision Resolution.
        CHECK(sent_count(p.log_a, 6, 7) + sent_count(p.log_b, 6, 7) >= 1);
        // Each side reported its way up exactly once.
        auto ups = [](const Actions& log) {
            std::size_t n = 0;
            for (const auto* c : all_of<StateChangeAction>(log)) n += c->to == State::established;
            return n;
        };
        CHECK(ups(p.log_a) == 1);
        CHECK(ups(p.log_b) == 1);
        // And it stays up.
        p.advance(std::chrono::minutes(10));
        CHECK(p.a.state() == State::established);
        CHECK(p.b.state() == State::established);
    }
}

TEST_CASE("Collision: equal identifiers, the larger AS's connection stays (RFC 6286)", "[fsm]") {
    auto ca = config(64512, 0x0A000001, 64999);
    auto cb = peer_of(ca, 0x0A000001);  // same identifier, AS 64999
    Pair p(ca, cb);
    p.start_both();
    REQUIRE(p.a.state() == State::established);
    REQUIRE(p.b.state() == State::established);
    CHECK(p.up_ba);  // B (AS 64999) opened the surviving connection
    CHECK_FALSE(p.up_ab);
}

TEST_CASE("Collision: a new connection while Established is refused (no GR)", "[fsm]") {
    auto ca = config();
    Scripted t(ca);
    t.establish();
    t.take();
    REQUIRE(t.s.tcp_accepted(t.clock.now, t.out));
    t.feed(t.peer_open(), ConnId::incoming);
    auto a = t.take();
    auto n = sent_of<wire::Notification>(a, ConnId::incoming);
    REQUIRE(n.size() == 1);
    CHECK(n[0].code == 6);
    CHECK(n[0].subcode == 7);
    CHECK(t.s.state() == State::established);
    CHECK(t.s.established_conn() == ConnId::outgoing);
    CHECK(all_of<StateChangeAction>(a).empty());
}

TEST_CASE("Pair: one passive end, one active end", "[fsm]") {
    auto ca = config();
    ca.passive = true;
    auto cb = peer_of(ca);
    cb.passive = false;
    Pair p(ca, cb);
    p.start_both();
    CHECK(p.a.state() == State::established);
    CHECK(count<ConnectAction>(p.log_a) == 0);
    CHECK(p.up_ba);
}

TEST_CASE("Pair: two passive ends never meet", "[fsm]") {
    auto ca = config();
    ca.passive = true;
    auto cb = peer_of(ca);
    Pair p(ca, cb);
    p.start_both();
    p.advance(std::chrono::hours(1));
    CHECK(p.a.state() == State::active);
    CHECK(p.b.state() == State::active);
    CHECK(count<ConnectAction>(p.log_a) + count<ConnectAction>(p.log_b) == 0);
}

TEST_CASE("Pair: the peer comes later; connect retry finds it", "[fsm]") {
    auto ca = config();
    auto cb = peer_of(ca);
    Pair p(ca, cb);
    Actions out;
    p.a.start(p.clock.now, out);  // B is not started: it refuses
    p.collect(0, out);
    p.run();
    CHECK(p.a.state() == State::active);
    p.advance(std::chrono::seconds(10));
    p.b.start(p.clock.now, out);
    p.collect(1, out);
    p.run();
    // B connected to A, which was waiting in Active.
    CHECK(p.a.state() == State::established);
    CHECK(p.b.state() == State::established);
}

TEST_CASE("Pair: administrative shutdown crosses with its message; the stopped end stays down",
          "[fsm]") {
    auto ca = config();
    auto cb = peer_of(ca);
    Pair p(ca, cb);
    p.start_both();
    REQUIRE(p.a.state() == State::established);
    p.log_a.clear();
    Actions out;
    p.b.stop(p.clock.now, out, "rebooting for maintenance");
    p.collect(1, out);
    p.run();
    CHECK(p.b.state() == State::idle);
    CHECK(p.a.state() == State::idle);
    auto changes = all_of<StateChangeAction>(p.log_a);
    REQUIRE_FALSE(changes.empty());
    const auto& r = changes.front()->reason;
    CHECK(r.kind == Reason::Kind::notification_received);
    CHECK(r.text == "received Cease / Administrative Shutdown: \"rebooting for maintenance\"");
    // A retries (IdleHold, then connect), B refuses while stopped.
    p.advance(std::chrono::minutes(5));
    CHECK(p.a.state() != State::established);
    CHECK(p.b.state() == State::idle);
    // B starts again: the session comes back.
    p.b.start(p.clock.now, out);
    p.collect(1, out);
    p.run();
    p.advance(std::chrono::minutes(3));
    CHECK(p.a.state() == State::established);
    CHECK(p.b.state() == State::established);
}

TEST_CASE("Pair: a crash is detected by the hold timer when TCP says nothing", "[fsm]") {
    auto ca = config();
    auto cb = peer_of(ca);
    Pair p(ca, cb);
    p.start_both();
    REQUIRE(p.a.state() == State::established);
    // B freezes (SIGSTOP): its bytes stop, nobody reads A's. Simulated by
    // dropping B's session from the picture and running A's clock alone.
    Actions out;
    for (int i = 0; i < 3; ++i) {
        p.clock.advance(std::chrono::seconds(30));
        p.a.poll(p.clock.now, out);
    }
    auto changes = all_of<StateChangeAction>(out);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0]->to == State::idle);
    CHECK(changes[0]->reason.text == "hold timer expired (90 s)");
}

TEST_CASE("Collision avoided: no second connection while the peer's is in progress", "[fsm]") {
    Scripted t;
    t.start();
    t.s.tcp_failed(ConnId::outgoing, t.clock.now, t.out, "refused");  // Active
    REQUIRE(t.s.tcp_accepted(t.clock.now, t.out));                    // incoming: OpenSent
    t.take();
    t.advance(std::chrono::seconds(30));  // ConnectRetryTimer fires in Active
    auto a = t.take();
    CHECK(count<ConnectAction>(a) == 0);
    CHECK(t.s.state() == State::open_sent);
    // If the peer's connection dies, the next expiry connects again.
    t.s.tcp_failed(ConnId::incoming, t.clock.now, t.out);
    t.take();
    CHECK(t.s.state() == State::active);
    t.advance(std::chrono::seconds(30));
    CHECK(count<ConnectAction>(t.take()) == 1);
}

TEST_CASE("stop with two connections reports one change to Idle", "[fsm]") {
    Scripted t;
    t.establish();                                  // outgoing Established
    REQUIRE(t.s.tcp_accepted(t.clock.now, t.out));  // incoming OpenSent
    t.take();
    t.s.stop(t.clock.now, t.out, "bye");
    auto a = t.take();
    auto changes = copies<StateChangeAction>(a);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].from == State::established);
    CHECK(changes[0].to == State::idle);
    CHECK(changes[0].reason.kind == Reason::Kind::admin_stop);
    CHECK(sent_of<wire::Notification>(a).size() == 2);  // both connections told
    CHECK(count<CloseAction>(a) == 2);
}
