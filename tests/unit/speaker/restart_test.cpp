// Graceful restart of the speaker itself (RFC 4724 §4.1, RFC 8538 §4): a
// route reflector stopped with Speaker::shutdown_for_restart() leaves its
// clients keeping the reflected routes; the new process (SpeakerConfig::
// restarting) defers selection until every client's End-of-RIB, then sends
// the table and End-of-RIB, so a client never withdraws a route that is still
// there. In-process speakers, simulated clock.
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <string>
#include <vector>

#include "speaker/core.hpp"
#include "speaker/sim_network.hpp"

namespace {

using sim::ip;
using sim::Network;
using sim::Node;
using sim::peer_to;
using sim::pfx;
namespace wire = bgp::wire;
namespace fsm = bgp::fsm;
using namespace std::chrono_literals;

constexpr std::uint32_t as_ibgp = 65000;

bgp::PeerConfig gr_peer(Node& to, bool client) {
    auto p = peer_to(to, as_ibgp);
    p.route_reflector_client = client;
    p.session.graceful_restart.enabled = true;
    p.session.graceful_restart.restart_time = 120s;
    return p;
}

Node& add_reflector(Network& net, bool restarting) {
    return net.add(
        "10.0.0.1", as_ibgp,
        [&](bgp::SpeakerConfig& c) {
            c.forward_routes = true;
            c.restarting = restarting;
            c.selection_deferral = 60s;
        },
        bgp::LogLevel::debug);
}

bool logged(Node& n, const std::string& text) {
    return std::any_of(n.log_lines().begin(), n.log_lines().end(),
                       [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("restart: a reflector restarted with graceful restart keeps its clients' routes",
          "[speaker]") {
    Network net;
    auto* rr = &add_reflector(net, false);
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    for (auto* c : {&c1, &c2}) {
        rr->core().add_peer(gr_peer(*c, true), {});
        c->core().add_peer(gr_peer(*rr, false), {});
    }
    wire::PathAttributes a;
    a.next_hop = ip("198.18.0.11");
    c1.core().announce({pfx("10.1.0.0/26"), a}, net.now());
    a.next_hop = ip("198.18.0.12");
    c2.core().announce({pfx("10.2.0.0/26"), a}, net.now());
    for (auto* n : {rr, &c1, &c2}) n->core().start(net.now());
    auto has = [](Node& c, const char* prefix, bool stale) {
        auto s = c.core().peer(ip("10.0.0.1"));
        if (!s) return false;
        for (const auto& r : c.core().received_routes(ip("10.0.0.1")))
            if (r.prefix == pfx(prefix) && r.stale == stale) return true;
        return false;
    };
    REQUIRE(net.run_until([&] { return has(c1, "10.2.0.0/26", false); }, 60s));
    REQUIRE(net.run_until([&] { return has(c2, "10.1.0.0/26", false); }, 60s));

    std::vector<std::string> events;  // what c1 sees of the reflector
    c1.core().on_route([&](const bgp::RouteEvent& e) {
        events.push_back(std::string(bgp::to_string(e.kind)) + " " +
                         (e.kind == bgp::RouteEvent::Kind::end_of_rib
                              ? e.route.family.name()
                              : e.route.prefix.to_string()));
    });

    SECTION("both clients come back: selection waits for both End-of-RIBs") {
        rr->core().stop_all("upgrade", net.now(), true);
        // The clients keep the reflected routes, stale.
        REQUIRE(net.run_until(
            [&] { return has(c1, "10.2.0.0/26", true) && has(c2, "10.1.0.0/26", true); }, 5s));
        CHECK(c1.core().peer(ip("10.0.0.1"))->state != fsm::State::established);

        const auto restarted_at = net.now();
        rr = &add_reflector(net, true);  // the new process, same address
        for (auto* c : {&c1, &c2}) rr->core().add_peer(gr_peer(*c, true), {});
        rr->core().start(net.now());
        REQUIRE(net.run_until(
            [&] {
                auto s = c1.core().peer(ip("10.0.0.1"));
                return s && s->state == fsm::State::established && s->routes_stale == 0 &&
                       has(c1, "10.2.0.0/26", false) && has(c2, "10.1.0.0/26", false);
            },
            100s));
        CHECK(logged(*rr, "selection deferral over (every End-of-RIB received)"));
        CHECK(logged(*rr, "selection deferred: waiting for 10.0.0.11"));
        CHECK(net.now() - restarted_at < 60s);  // not by the deferral timer
        // Stale, refreshed, End-of-RIB: never withdrawn.
        CHECK(events == std::vector<std::string>{"stale 10.2.0.0/26", "announced 10.2.0.0/26",
                                                 "end-of-rib ipv4-unicast"});
    }

    SECTION("a client that does not come back: the deferral timer ends the wait") {
        c2.core().stop_all("gone", net.now());
        REQUIRE(net.run_until([&] { return !has(c1, "10.2.0.0/26", false); }, 10s));
        events.clear();
        rr->core().stop_all("upgrade", net.now(), true);
        net.run_for(1s);
        rr = &add_reflector(net, true);
        for (auto* c : {&c1, &c2}) rr->core().add_peer(gr_peer(*c, true), {});
        rr->core().start(net.now());
        net.run_for(30s);
        // c1 is back, its End-of-RIB is in, but c2 (configured, GR) is not:
        // nothing advertised yet, c1 still has End-of-RIB to wait for.
        CHECK(c1.core().peer(ip("10.0.0.1"))->state == fsm::State::established);
        CHECK_FALSE(logged(*rr, "selection deferral over"));
        CHECK(logged(*rr, "selection deferred: waiting for 10.0.0.12 (Established)"));
        REQUIRE(net.run_until([&] { return logged(*rr, "selection deferral over"); }, 60s));
        CHECK(logged(*rr, "selection deferral over (deferral time passed)"));
        REQUIRE(net.run_until(
            [&] {
                return std::find(events.begin(), events.end(), "end-of-rib ipv4-unicast") !=
                       events.end();
            },
            10s));
    }
}
