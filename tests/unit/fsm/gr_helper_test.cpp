// Tests for libbgp/src/fsm/gr_helper.cpp: graceful restart timelines on the
// helper side (RFC 4724 §4.2, RFC 8538 N bit, RFC 9494 LLGR), first on the
// GrHelper alone, then through sessions on a simulated clock.
#include "fsm/gr_helper.hpp"

#include <catch2/catch_test_macros.hpp>

#include "fsm_test_support.hpp"

using namespace bgp;
using namespace bgp::fsm;
using bgp::fsm::detail::GrHelper;
using namespace fsmtest;
using std::chrono::seconds;
using What = GrStaleAction::What;

namespace {

const wire::Family v4 = wire::ipv4_unicast;
const wire::Family v6 = wire::ipv6_unicast;
const wire::Family v4m{wire::Afi::ipv4, wire::Safi::multicast};

Negotiated gr_negotiated(std::uint16_t restart_time, std::vector<wire::Family> gr_fams,
                         bool forwarding = false) {
    Negotiated n;
    n.families = {v4, v6, v4m};
    n.graceful_restart = true;
    wire::CapGracefulRestart g;
    g.restart_time = restart_time;
    for (auto f : gr_fams)
        g.families.push_back({f, forwarding, static_cast<std::uint8_t>(forwarding ? 0x80 : 0)});
    n.peer_graceful_restart = g;
    return n;
}

std::vector<GrStaleAction> gr_of(const Actions& a) { return copies<GrStaleAction>(a); }

}  // namespace

TEST_CASE("GrHelper: no GR, or an ineligible cause: every route goes", "[fsm]") {
    Clock clock;
    Actions out;
    GrHelper g;
    auto n = gr_negotiated(120, {v4});
    g.session_down(n, false, clock.now, out);
    auto a = gr_of(out);
    REQUIRE(a.size() == 1);
    CHECK(a[0].what == What::flush_all);
    CHECK(a[0].families == n.families);
    CHECK(g.stale().empty());
    CHECK_FALSE(g.deadline(TimerKind::gr_restart));
    out.clear();
    n.graceful_restart = false;  // the peer advertised it, we did not
    g.session_down(n, true, clock.now, out);
    REQUIRE(gr_of(out).size() == 1);
    CHECK(gr_of(out)[0].what == What::flush_all);
}

TEST_CASE("GrHelper: restart timer runs out", "[fsm]") {
    Clock clock;
    Actions out;
    GrHelper g;
    g.session_down(gr_negotiated(120, {v4, v6}), true, clock.now, out);
    auto a = gr_of(out);
    REQUIRE(a.size() == 2);
    CHECK(a[0].what == What::flush_all);  // multicast is not covered
    CHECK(a[0].families == std::vector<wire::Family>{v4m});
    CHECK(a[1].what == What::mark_stale);
    CHECK(a[1].families == std::vector<wire::Family>{v4, v6});
    CHECK(g.deadline(TimerKind::gr_restart) == clock.now + seconds(120));
    out.clear();
    g.poll(clock.now + seconds(119), out);
    CHECK(out.empty());
    g.poll(clock.now + seconds(120), out);
    a = gr_of(out);
    REQUIRE(a.size() == 1);
    CHECK(a[0].what == What::flush_stale);
    CHECK(a[0].families == std::vector<wire::Family>{v4, v6});
    CHECK(a[0].why == "graceful restart timer expired");
    CHECK(g.stale().empty());
    CHECK_FALSE(g.deadline(TimerKind::gr_restart));
}

TEST_CASE("GrHelper: re-established; F bit keeps, End-of-RIB and stale timer flush", "[fsm]") {
    Clock clock;
    Actions out;
    GrHelper g;
    g.session_down(gr_negotiated(120, {v4, v6}), true, clock.now, out);
    out.clear();
    clock.advance(seconds(30));
    // The new OPEN: F bit for IPv4 only.
    auto again = gr_negotiated(120, {v4}, true);
    g.session_up(again, seconds(360), clock.now, out);
    auto a = gr_of(out);
    REQUIRE(a.size() == 1);
    CHECK(a[0].what == What::flush_stale);
    CHECK(a[0].families == std::vector<wire::Family>{v6});
    CHECK_FALSE(g.deadline(TimerKind::gr_restart));
    CHECK(g.deadline(TimerKind::gr_stale) == clock.now + seconds(360));
    CHECK(g.stale() == std::vector<wire::Family>{v4});
    SECTION("End-of-RIB") {
        out.clear();
        g.end_of_rib(v6, out);  // not stale: nothing
        CHECK(out.empty());
        g.end_of_rib(v4, out);
        a = gr_of(out);
        REQUIRE(a.size() == 1);
        CHECK(a[0].what == What::flush_stale);
        CHECK(a[0].why == "End-of-RIB received");
        CHECK_FALSE(g.deadline(TimerKind::gr_stale));
    }
    SECTION("no End-of-RIB in time") {
        out.clear();
        g.poll(clock.now + seconds(360), out);
        a = gr_of(out);
        REQUIRE(a.size() == 1);
        CHECK(a[0].what == What::flush_stale);
        CHECK(a[0].families == std::vector<wire::Family>{v4});
        CHECK(g.stale().empty());
    }
}

TEST_CASE("GrHelper: long-lived GR after the restart timer (RFC 9494)", "[fsm]") {
    Clock clock;
    Actions out;
    GrHelper g;
    auto n = gr_negotiated(60, {v4, v6});
    n.peer_long_lived_gr = wire::CapLongLivedGr{{{v4, 0, 3600}}};
    g.session_down(n, true, clock.now, out);
    out.clear();
    g.poll(clock.now + seconds(60), out);
    auto a = gr_of(out);
    REQUIRE(a.size() == 2);
    CHECK(a[0].what == What::flush_stale);
    CHECK(a[0].families == std::vector<wire::Family>{v6});
    CHECK(a[1].what == What::llgr_stale);
    CHECK(a[1].families == std::vector<wire::Family>{v4});
    CHECK(g.deadline(TimerKind::llgr_stale) == clock.now + seconds(3660));
    out.clear();
    g.poll(clock.now + seconds(3659), out);
    CHECK(out.empty());
    g.poll(clock.now + seconds(3660), out);
    a = gr_of(out);
    REQUIRE(a.size() == 1);
    CHECK(a[0].what == What::flush_stale);
    CHECK(a[0].why == "long-lived stale time expired");
    CHECK(g.stale().empty());
}

TEST_CASE("GrHelper: restart time 0 goes straight to long-lived stale", "[fsm]") {
    Clock clock;
    Actions out;
    GrHelper g;
    auto n = gr_negotiated(0, {v4});
    n.peer_long_lived_gr = wire::CapLongLivedGr{{{v4, 0x80, 100}}};
    g.session_down(n, true, clock.now, out);
    auto a = gr_of(out);
    REQUIRE(a.size() == 3);
    CHECK(a[0].what == What::flush_all);
    CHECK(a[0].families == std::vector<wire::Family>{v6, v4m});
    CHECK(a[1].what == What::mark_stale);
    CHECK(a[2].what == What::llgr_stale);
    CHECK(a[2].families == std::vector<wire::Family>{v4});
    CHECK_FALSE(g.deadline(TimerKind::gr_restart));
    CHECK(g.deadline(TimerKind::llgr_stale) == clock.now + seconds(100));
}

TEST_CASE("GrHelper: abandon flushes whatever is stale", "[fsm]") {
    Clock clock;
    Actions out;
    GrHelper g;
    g.session_down(gr_negotiated(120, {v4}), true, clock.now, out);
    out.clear();
    g.abandon(out, "stopped");
    auto a = gr_of(out);
    REQUIRE(a.size() == 1);
    CHECK(a[0].what == What::flush_all);
    CHECK(a[0].families == std::vector<wire::Family>{v4});
    CHECK_FALSE(g.deadline(TimerKind::gr_restart));
}

// ---- through sessions ---------------------------------------------------------------

namespace {

SessionConfig gr_config(std::uint32_t id = 0x0A000001) {
    auto c = config(64512, id, 64513);
    c.graceful_restart.enabled = true;
    c.graceful_restart.restart_time = seconds(120);
    c.graceful_restart.stale_path_time = seconds(300);
    return c;
}

std::vector<GrStaleAction> gr_in(const Actions& log) { return copies<GrStaleAction>(log); }

}  // namespace

TEST_CASE("GR timeline: peer killed and restarted keeps its routes until End-of-RIB", "[fsm]") {
    auto ca = gr_config();
    auto cb = peer_of(ca);
    Pair p(ca, cb);
    p.start_both();
    REQUIRE(p.a.state() == State::established);
    REQUIRE(p.a.negotiated()->graceful_restart);
    p.log_a.clear();

    p.crash_links();  // kill -9: both TCP connections reset
    auto g = gr_in(p.log_a);
    REQUIRE(g.size() == 1);
    CHECK(g[0].what == What::mark_stale);
    CHECK(g[0].families == std::vector<wire::Family>{v4});
    CHECK(p.a.state() == State::idle);

    // B comes back restarting, forwarding preserved: R and F bits.
    cb.graceful_restart.restarting = true;
    cb.graceful_restart.forwarding_preserved = true;
    p.b = Session(cb);
    Actions out;
    p.clock.advance(seconds(2));
    p.b.start(p.clock.now, out);
    p.collect(1, out);
    p.run();
    p.advance(seconds(40));
    REQUIRE(p.a.state() == State::established);
    REQUIRE(p.b.state() == State::established);
    const auto* peer_gr = p.a.negotiated()->peer_graceful_restart
                              ? &*p.a.negotiated()->peer_graceful_restart
                              : nullptr;
    REQUIRE(peer_gr);
    CHECK(peer_gr->restart_state);
    CHECK(peer_gr->families[0].forwarding_state);
    // Routes still stale (no flush yet), now bounded by the stale-path timer.
    g = gr_in(p.log_a);
    CHECK(g.size() == 1);
    p.log_a.clear();
    p.b.send_update(wire::make_end_of_rib(v4), p.clock.now, out);
    p.collect(1, out);
    p.run();
    auto eor = copies<EndOfRibAction>(p.log_a);
    REQUIRE(eor.size() == 1);
    g = gr_in(p.log_a);
    REQUIRE(g.size() == 1);
    CHECK(g[0].what == What::flush_stale);
    CHECK(g[0].why == "End-of-RIB received");
}

TEST_CASE("GR timeline: the peer does not come back within its restart time", "[fsm]") {
    auto ca = gr_config();
    ca.connect_retry_time = seconds(30);
    auto cb = peer_of(ca);
    Pair p(ca, cb);
    p.start_both();
    p.log_a.clear();
    p.crash_links();
    p.b = Session(cb);  // B stays dead: a session never started refuses connections
    p.advance(seconds(119));
    CHECK(gr_in(p.log_a).size() == 1);
    p.advance(seconds(1));
    auto g = gr_in(p.log_a);
    REQUIRE(g.size() == 2);
    CHECK(g[1].what == What::flush_stale);
    CHECK(g[1].why == "graceful restart timer expired");
}

TEST_CASE("GR timeline: the restarted peer lost forwarding state (F bit clear)", "[fsm]") {
    auto ca = gr_config();
    auto cb = peer_of(ca);
    Pair p(ca, cb);
    p.start_both();
    p.crash_links();
    cb.graceful_restart.restarting = true;  // R bit, but no F bit
    p.b = Session(cb);
    p.log_a.clear();
    Actions out;
    p.b.start(p.clock.now, out);
    p.collect(1, out);
    p.run();
    p.advance(seconds(40));
    REQUIRE(p.a.state() == State::established);
    auto g = gr_in(p.log_a);
    REQUIRE(g.size() == 1);
    CHECK(g[0].what == What::flush_stale);
}

TEST_CASE("GR: a new connection while Established is the peer restarting (RFC 4724 §4.2)",
          "[fsm]") {
    Scripted t(gr_config());
    t.peer_cfg.graceful_restart.enabled = true;
    t.establish();
    t.take();
    REQUIRE(t.s.tcp_accepted(t.clock.now, t.out));
    t.peer_cfg.graceful_restart.restarting = true;
    t.peer_cfg.graceful_restart.forwarding_preserved = true;
    t.feed(t.peer_open(), ConnId::incoming);
    auto a = t.take();
    // The old connection is closed without a NOTIFICATION, the routes kept stale.
    CHECK(sent_of<wire::Notification>(a).empty());
    auto closes = copies<CloseAction>(a);
    REQUIRE(closes.size() == 1);
    CHECK(closes[0].conn == ConnId::outgoing);
    auto g = gr_in(a);
    REQUIRE(g.size() == 1);
    CHECK(g[0].what == What::mark_stale);
    CHECK(t.s.state() == State::open_confirm);
    t.feed(keepalive_bytes(), ConnId::incoming);
    CHECK(t.s.state() == State::established);
    CHECK(t.s.established_conn() == ConnId::incoming);
    CHECK(gr_in(t.take()).empty());  // F bit set: kept until End-of-RIB
    t.feed(bytes_of(wire::Message{wire::make_end_of_rib(v4)}), ConnId::incoming);
    g = gr_in(t.take());
    REQUIRE(g.size() == 1);
    CHECK(g[0].what == What::flush_stale);
}

TEST_CASE("GR with the N bit (RFC 8538): NOTIFICATIONs keep routes, Hard Reset does not", "[fsm]") {
    SECTION("Cease / Out of Resources: stale") {
        Scripted t(gr_config());
        t.peer_cfg.graceful_restart.enabled = true;
        t.establish();
        t.take();
        t.feed(notification_bytes(6, 8));
        auto g = gr_in(t.take());
        REQUIRE(g.size() == 1);
        CHECK(g[0].what == What::mark_stale);
    }
    SECTION("Hard Reset: flushed") {
        Scripted t(gr_config());
        t.peer_cfg.graceful_restart.enabled = true;
        t.establish();
        t.take();
        t.feed(notification_bytes(6, 9, {6, 2}));
        auto g = gr_in(t.take());
        REQUIRE(g.size() == 1);
        CHECK(g[0].what == What::flush_all);
    }
    SECTION("without the N bit a NOTIFICATION ends GR") {
        auto c = gr_config();
        c.graceful_restart.notification = false;
        Scripted t(c);
        t.peer_cfg.graceful_restart.enabled = true;
        t.establish();
        t.take();
        t.feed(notification_bytes(6, 8));
        auto g = gr_in(t.take());
        REQUIRE(g.size() == 1);
        CHECK(g[0].what == What::flush_all);
    }
    SECTION("our administrative stop is sent as Hard Reset") {
        Scripted t(gr_config());
        t.peer_cfg.graceful_restart.enabled = true;
        t.establish();
        t.take();
        t.s.stop(t.clock.now, t.out, "bye");
        auto a = t.take();
        auto n = sent_notification(a);
        CHECK(n.code == 6);
        CHECK(n.subcode == 9);
        REQUIRE(n.hard_reset_cause());
        CHECK(n.hard_reset_cause()->subcode == 2);
        CHECK(n.hard_reset_cause()->shutdown_communication() == "bye");
        auto g = gr_in(a);
        REQUIRE(g.size() == 1);
        CHECK(g[0].what == What::flush_all);
    }
    SECTION("hold timer expiry keeps routes (the usual way a dead peer is found)") {
        Scripted t(gr_config());
        t.peer_cfg.graceful_restart.enabled = true;
        t.establish();
        t.take();
        t.advance(seconds(90));
        auto g = gr_in(t.take());
        REQUIRE(g.size() == 1);
        CHECK(g[0].what == What::mark_stale);
    }
}

TEST_CASE("GR: the peer connects again while its own connection is Established", "[fsm]") {
    auto c = gr_config();
    c.passive = true;
    Scripted t(c);
    t.peer_cfg.graceful_restart.enabled = true;
    t.start();
    REQUIRE(t.s.tcp_accepted(t.clock.now, t.out));
    t.feed(t.peer_open(), ConnId::incoming);
    t.feed(keepalive_bytes(), ConnId::incoming);
    REQUIRE(t.s.established_conn() == ConnId::incoming);
    t.take();
    // A new connection from the peer: the old one is its previous life.
    REQUIRE(t.s.tcp_accepted(t.clock.now, t.out));
    auto a = t.take();
    auto g = gr_in(a);
    REQUIRE(g.size() == 1);
    CHECK(g[0].what == What::mark_stale);
    auto closes = copies<CloseAction>(a);
    REQUIRE(closes.size() == 1);
    CHECK_FALSE(closes[0].flush);
    CHECK(sent_of<wire::Open>(a, ConnId::incoming).size() == 1);  // the new connection's OPEN
    CHECK(t.s.state() == State::open_sent);
    t.peer_cfg.graceful_restart.restarting = true;
    t.peer_cfg.graceful_restart.forwarding_preserved = true;
    t.feed(t.peer_open(), ConnId::incoming);
    t.feed(keepalive_bytes(), ConnId::incoming);
    CHECK(t.s.state() == State::established);
    t.feed(bytes_of(wire::Message{wire::make_end_of_rib(v4)}), ConnId::incoming);
    g = gr_in(t.take());
    REQUIRE(g.size() == 1);
    CHECK(g[0].what == What::flush_stale);
    CHECK(t.s.flap_count() <= 1);
}

TEST_CASE("GR: without GR a second connection while Established is refused", "[fsm]") {
    auto c = config();
    c.passive = true;
    Scripted t(c);
    t.start();
    REQUIRE(t.s.tcp_accepted(t.clock.now, t.out));
    t.feed(t.peer_open(), ConnId::incoming);
    t.feed(keepalive_bytes(), ConnId::incoming);
    REQUIRE(t.s.state() == State::established);
    t.take();
    CHECK_FALSE(t.s.tcp_accepted(t.clock.now, t.out));
    CHECK(t.take().empty());
    CHECK(t.s.state() == State::established);
}

TEST_CASE("GR: a stop before our own restart leaves the peer keeping our routes", "[fsm]") {
    SECTION("N bit on both sides: the connection closes with no NOTIFICATION") {
        Scripted t(gr_config());
        t.peer_cfg.graceful_restart.enabled = true;
        t.establish();
        t.take();
        t.s.stop_for_restart(t.clock.now, t.out, "restarting");
        auto a = t.take();
        CHECK(sent_of<wire::Notification>(a).empty());
        CHECK(all_of<CloseAction>(a).size() == 1);
        CHECK(t.s.state() == State::idle);
        REQUIRE(last_change(a));
        CHECK(last_change(a)->reason.text.find("graceful restart") != std::string::npos);
        CHECK(last_change(a)->reason.text.find("restarting") != std::string::npos);
    }
    SECTION("without the peer's N bit: the same") {
        Scripted t(gr_config());
        t.peer_cfg.graceful_restart.enabled = true;
        t.peer_cfg.graceful_restart.notification = false;
        t.establish();
        t.take();
        t.s.stop_for_restart(t.clock.now, t.out, "restarting");
        auto a = t.take();
        CHECK(sent_of<wire::Notification>(a).empty());
        CHECK(all_of<CloseAction>(a).size() == 1);
        CHECK(t.s.state() == State::idle);
    }
    SECTION("without graceful restart negotiated: the usual Cease / Administrative Shutdown") {
        Scripted t(gr_config());
        t.peer_cfg.graceful_restart.enabled = false;
        t.establish();  // the peer does not advertise GR
        t.take();
        t.s.stop_for_restart(t.clock.now, t.out, "restarting");
        auto n = sent_notification(t.take());
        CHECK(n.code == 6);
        CHECK(n.subcode == 2);
        CHECK(n.shutdown_communication() == "restarting");
    }
    SECTION("the peer's side: our routes are kept, stale") {
        auto ca = gr_config();
        auto cb = peer_of(ca);
        Pair p(ca, cb);
        p.start_both();
        REQUIRE(p.b.state() == State::established);
        p.log_b.clear();
        Actions out;
        p.a.stop_for_restart(p.clock.now, out, "restarting");
        p.collect(0, out);
        p.run();
        auto g = gr_in(p.log_b);
        REQUIRE(g.size() == 1);
        CHECK(g[0].what == What::mark_stale);
    }
}
