// The speaker core over in-memory links on a simulated clock: sessions come
// up, routes flow, withdrawals, administrative shutdown, peer removal,
// graceful restart, and a full mesh of many speakers.
#include "speaker/core.hpp"

#include <catch2/catch_test_macros.hpp>
#include <set>
#include <string>
#include <vector>

#include "speaker/sim_network.hpp"

namespace {

using bgp::PeerConfig;
using bgp::RouteEvent;
using sim::Network;
using sim::Node;
namespace wire = bgp::wire;
namespace fsm = bgp::fsm;
using namespace std::chrono_literals;

using sim::ip;
using sim::peer_to;
using sim::pfx;

bool established(Node& a, const Node& b) {
    auto s = a.core().peer(b.address());
    return s && s->state == fsm::State::established;
}

void peer_up(Node& a, std::uint32_t as_a, Node& b, std::uint32_t as_b) {
    a.core().add_peer(peer_to(b, as_b), {});
    b.core().add_peer(peer_to(a, as_a), {});
}

}  // namespace

TEST_CASE("sim: two speakers establish and exchange routes both ways", "[speaker]") {
    Network net;
    auto& a = net.add("10.0.0.1", 65001);
    auto& b = net.add("10.0.0.2", 65002);
    peer_up(a, 65001, b, 65002);

    std::vector<bgp::PeerEvent> b_states;
    b.core().on_state_change([&](const bgp::PeerEvent& e) { b_states.push_back(e); });
    std::vector<RouteEvent> at_b;
    b.core().on_route([&](const RouteEvent& e) { at_b.push_back(e); });

    wire::PathAttributes attrs;
    attrs.med = 42;
    attrs.communities = std::vector<std::uint32_t>{0xFDE90001};
    attrs.large_communities = std::vector<wire::LargeCommunity>{{65001, 1, 2}};
    a.core().announce({pfx("192.168.1.0/26"), attrs}, net.now());
    b.core().announce({pfx("192.168.2.0/26"), {}}, net.now());
    a.core().start(net.now());
    b.core().start(net.now());

    REQUIRE(net.run_until([&] { return established(a, b) && established(b, a); }, 60s));
    REQUIRE(!b_states.empty());
    CHECK(b_states.back().to == fsm::State::established);
    REQUIRE(b_states.back().negotiated);
    CHECK(b_states.back().negotiated->peer_as == 65001u);
    CHECK(b_states.back().negotiated->hold_time == 9s);

    REQUIRE(net.run_until(
        [&] {
            return a.core().received_routes(b.address()).size() == 1 &&
                   b.core().received_routes(a.address()).size() == 1;
        },
        10s));
    const auto at_b_routes = b.core().received_routes(a.address());
    const auto& r = at_b_routes.front();
    CHECK(r.prefix == pfx("192.168.1.0/26"));
    REQUIRE(r.attributes);
    CHECK(r.attributes->as_path->to_string() == "65001");
    CHECK(r.attributes->next_hop == a.address());  // next hop self
    CHECK(r.attributes->med == 42u);
    CHECK(r.attributes->communities == attrs.communities);
    CHECK(r.attributes->large_communities == attrs.large_communities);
    CHECK_FALSE(r.attributes->local_pref.has_value());  // eBGP

    // End-of-RIB follows the initial table.
    REQUIRE(net.run_until(
        [&] {
            for (const auto& e : at_b)
                if (e.kind == RouteEvent::Kind::end_of_rib) return true;
            return false;
        },
        5s));

    // Withdraw reaches the peer.
    CHECK(a.core().withdraw(pfx("192.168.1.0/26"), net.now()));
    CHECK_FALSE(a.core().withdraw(pfx("192.168.1.0/26"), net.now()));
    REQUIRE(net.run_until([&] { return b.core().received_routes(a.address()).empty(); }, 5s));
    CHECK(at_b.back().kind == RouteEvent::Kind::withdrawn);

    // Sessions stay up over many hold times (keepalives flow).
    net.run_for(60s);
    CHECK(established(a, b));
    CHECK(established(b, a));
}

TEST_CASE("sim: iBGP gets LOCAL_PREF 100 and no prepend; IPv6 routes via MP_REACH", "[speaker]") {
    Network net;
    auto& a = net.add("10.0.0.1", 65000);
    auto& b = net.add("10.0.0.2", 65000);
    auto pa = peer_to(b, 65000);
    auto pb = peer_to(a, 65000);
    for (auto* p : {&pa, &pb}) p->session.families = {wire::ipv4_unicast, wire::ipv6_unicast};
    pa.next_hop_ipv6 = ip("2001:db8::1");
    a.core().add_peer(pa, {});
    b.core().add_peer(pb, {});
    a.core().announce({pfx("192.168.1.0/26"), {}}, net.now());
    a.core().announce({pfx("2001:db8:100::/56"), {}}, net.now());
    a.core().start(net.now());
    b.core().start(net.now());
    REQUIRE(net.run_until([&] { return b.core().received_routes(a.address()).size() == 2; }, 60s));
    for (const auto& r : b.core().received_routes(a.address())) {
        REQUIRE(r.attributes);
        CHECK(r.attributes->local_pref == 100u);
        CHECK(r.attributes->as_path->segments.empty());
        if (r.family == wire::ipv6_unicast) {
            CHECK(r.prefix == pfx("2001:db8:100::/56"));
            CHECK(r.attributes->next_hop == ip("2001:db8::1"));
        } else {
            CHECK(r.attributes->next_hop == a.address());
        }
    }
}

TEST_CASE("sim: administrative shutdown reaches the peer with its message", "[speaker]") {
    Network net;
    auto& a = net.add("10.0.0.1", 65001);
    auto& b = net.add("10.0.0.2", 65002);
    peer_up(a, 65001, b, 65002);
    a.core().announce({pfx("192.168.1.0/26"), {}}, net.now());
    a.core().start(net.now());
    b.core().start(net.now());
    REQUIRE(net.run_until([&] { return b.core().received_routes(a.address()).size() == 1; }, 60s));

    std::optional<bgp::PeerEvent> down;
    b.core().on_state_change([&](const bgp::PeerEvent& e) {
        if (e.from == fsm::State::established) down = e;
    });
    CHECK(a.core().stop_peer(b.address(), "maintenance window", net.now()));
    REQUIRE(net.run_until([&] { return down.has_value(); }, 5s));
    REQUIRE(down->reason.notification);
    CHECK(down->reason.notification->code == 6);
    CHECK(down->reason.notification->subcode == wire::cease_subcode::administrative_shutdown);
    CHECK(down->reason.notification->shutdown_communication() == "maintenance window");
    // Without graceful restart the routes go with the session.
    REQUIRE(net.run_until([&] { return b.core().received_routes(a.address()).empty(); }, 5s));
    bool logged = false;
    for (const auto& l : b.log_lines())
        logged = logged || l.find("maintenance window") != std::string::npos;
    CHECK(logged);

    // A stays down while administratively stopped, and comes back on start.
    net.run_for(30s);
    CHECK_FALSE(established(b, a));
    CHECK(a.core().peer(b.address())->admin_down);
    CHECK(a.core().start_peer(b.address(), net.now()));
    REQUIRE(net.run_until([&] { return established(a, b) && established(b, a); }, 120s));
}

TEST_CASE("sim: removing a peer withdraws its routes and deconfigures the session", "[speaker]") {
    Network net;
    auto& a = net.add("10.0.0.1", 65001);
    auto& b = net.add("10.0.0.2", 65002);
    peer_up(a, 65001, b, 65002);
    b.core().announce({pfx("192.168.2.0/26"), {}}, net.now());
    a.core().start(net.now());
    b.core().start(net.now());
    REQUIRE(net.run_until([&] { return a.core().received_routes(b.address()).size() == 1; }, 60s));
    std::vector<RouteEvent> at_a;
    a.core().on_route([&](const RouteEvent& e) { at_a.push_back(e); });
    std::optional<bgp::PeerEvent> b_down;
    b.core().on_state_change([&](const bgp::PeerEvent& e) {
        if (e.from == fsm::State::established) b_down = e;
    });
    CHECK(a.core().remove_peer(b.address(), "bye", net.now()));
    CHECK_FALSE(a.core().has_peer(b.address()));
    REQUIRE(at_a.size() == 1);
    CHECK(at_a[0].kind == RouteEvent::Kind::withdrawn);
    REQUIRE(net.run_until([&] { return b_down.has_value(); }, 5s));
    REQUIRE(b_down->reason.notification);
    CHECK(b_down->reason.notification->subcode == wire::cease_subcode::peer_deconfigured);
    CHECK_FALSE(a.core().remove_peer(b.address(), "", net.now()));
}

TEST_CASE("sim: graceful restart keeps the routes stale until the peer re-sends them",
          "[speaker]") {
    Network net;
    auto& a = net.add("10.0.0.1", 65001);
    auto& b = net.add("10.0.0.2", 65002);
    auto pa = peer_to(b, 65002);
    auto pb = peer_to(a, 65001);
    for (auto* p : {&pa, &pb}) {
        p->session.graceful_restart.enabled = true;
        p->session.graceful_restart.restart_time = 60s;
    }
    a.core().add_peer(pa, {});
    b.core().add_peer(pb, {});
    b.core().announce({pfx("192.168.2.0/26"), {}}, net.now());
    b.core().announce({pfx("192.168.3.0/26"), {}}, net.now());
    a.core().start(net.now());
    b.core().start(net.now());
    REQUIRE(net.run_until([&] { return a.core().received_routes(b.address()).size() == 2; }, 60s));
    REQUIRE(a.core().peer(b.address())->negotiated->graceful_restart);

    std::vector<std::string> events;
    a.core().on_route([&](const RouteEvent& e) {
        events.push_back(std::string(bgp::to_string(e.kind)) + " " +
                         (e.kind == RouteEvent::Kind::end_of_rib ? e.route.family.name()
                                                                 : e.route.prefix.to_string()));
    });
    // B withdraws one route while the link is down: it must be swept after
    // B's End-of-RIB; the other must survive, stale in between.
    net.cut(a, b);
    b.core().withdraw(pfx("192.168.3.0/26"), net.now());
    // B comes back as a restarting speaker that kept its forwarding state (R
    // and F bits; with F clear RFC 4724 §4.2 makes A drop the stale routes at
    // once).
    pb.session.graceful_restart.restarting = true;
    pb.session.graceful_restart.forwarding_preserved = true;
    b.core().change_peer(pb, net.now());
    REQUIRE(net.run_until([&] { return a.core().peer(b.address())->routes_stale == 2; }, 5s));
    CHECK(a.core().received_routes(b.address()).size() == 2);

    REQUIRE(net.run_until(
        [&] {
            auto s = a.core().peer(b.address());
            return s->state == fsm::State::established && s->routes_stale == 0 &&
                   s->routes_received == 1;
        },
        120s));
    const auto routes = a.core().received_routes(b.address());
    REQUIRE(routes.size() == 1);
    CHECK(routes[0].prefix == pfx("192.168.2.0/26"));
    CHECK_FALSE(routes[0].stale);
    // Stale, refreshed, End-of-RIB, then only the route B no longer has is
    // swept: the surviving route is never withdrawn.
    CHECK(events == std::vector<std::string>{"stale 192.168.2.0/26", "stale 192.168.3.0/26",
                                             "announced 192.168.2.0/26", "end-of-rib ipv4-unicast",
                                             "withdrawn 192.168.3.0/26"});
}

TEST_CASE("sim: full mesh of 30 speakers, every session up, every route everywhere", "[speaker]") {
    constexpr int n = 30;
    Network net;
    std::vector<Node*> nodes;
    for (int i = 0; i < n; ++i) {
        const auto addr = "10.0.0." + std::to_string(i + 1);
        // Half iBGP (AS 65000), half eBGP (own AS).
        const std::uint32_t as = i % 2 == 0 ? 65000u : static_cast<std::uint32_t>(65100 + i);
        nodes.push_back(&net.add(addr.c_str(), as));
    }
    auto as_of = [&](int i) { return i % 2 == 0 ? 65000u : static_cast<std::uint32_t>(65100 + i); };
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (i != j)
                nodes[static_cast<std::size_t>(i)]->core().add_peer(
                    peer_to(*nodes[static_cast<std::size_t>(j)], as_of(j)), {});
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < 3; ++k) {
            const auto p = "192.168." + std::to_string(i) + "." + std::to_string(k * 64) + "/26";
            nodes[static_cast<std::size_t>(i)]->core().announce({pfx(p.c_str()), {}}, net.now());
        }
        nodes[static_cast<std::size_t>(i)]->core().start(net.now());
    }
    auto all_up = [&] {
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (i != j && !established(*nodes[static_cast<std::size_t>(i)],
                                           *nodes[static_cast<std::size_t>(j)]))
                    return false;
        return true;
    };
    auto all_routes = [&] {
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (i != j &&
                    nodes[static_cast<std::size_t>(i)]
                            ->core()
                            .received_routes(nodes[static_cast<std::size_t>(j)]->address())
                            .size() != 3)
                    return false;
        return true;
    };
    REQUIRE(net.run_until(all_up, 300s));
    REQUIRE(net.run_until(all_routes, 30s));
    // Spot check attributes: eBGP peers prepend their AS, iBGP peers do not.
    for (int j = 0; j < n; ++j) {
        const auto routes =
            nodes[0]->core().received_routes(nodes[static_cast<std::size_t>(j)]->address());
        for (const auto& r : routes) {
            if (j == 0) continue;
            const auto expect = as_of(j) == 65000 ? std::string() : std::to_string(as_of(j));
            CHECK(r.attributes->as_path->to_string() == expect);
        }
    }
    // And they stay up.
    net.run_for(40s);
    CHECK(all_up());
}

TEST_CASE("sim: change_peer applies timers in place and resets for a new AS; reset_peer",
          "[speaker]") {
    Network net;
    auto& a = net.add("10.0.0.1", 65001);
    auto& b = net.add("10.0.0.2", 65002);
    peer_up(a, 65001, b, 65002);
    a.core().start(net.now());
    b.core().start(net.now());
    REQUIRE(net.run_until([&] { return established(a, b) && established(b, a); }, 60s));
    std::vector<bgp::PeerEvent> at_b;
    b.core().on_state_change([&](const bgp::PeerEvent& e) { at_b.push_back(e); });

    // Timers only: no reset.
    auto cfg = peer_to(b, 65002);
    cfg.session.connect_retry_time = 30s;
    cfg.description = "b";
    a.core().change_peer(cfg, net.now());
    net.run_for(5s);
    CHECK(at_b.empty());
    CHECK(a.core().peer(b.address())->description == "b");

    // A different AS is in the OPEN exchange: the session resets, and B is
    // not AS 65009, so it cannot come back.
    cfg.peer_as = 65009;
    a.core().change_peer(cfg, net.now());
    REQUIRE(net.run_until([&] { return !at_b.empty(); }, 5s));
    REQUIRE(at_b.front().reason.notification);
    CHECK(at_b.front().reason.notification->subcode ==
          wire::cease_subcode::other_configuration_change);
    net.run_for(20s);
    CHECK_FALSE(established(a, b));

    // Back to the right AS; then an administrative reset brings it down and up again.
    cfg.peer_as = 65002;
    a.core().change_peer(cfg, net.now());
    REQUIRE(net.run_until([&] { return established(a, b) && established(b, a); }, 120s));
    at_b.clear();
    CHECK(a.core().reset_peer(b.address(), "new policy", net.now()));
    REQUIRE(net.run_until([&] { return !at_b.empty(); }, 5s));
    REQUIRE(at_b.front().reason.notification);
    CHECK(at_b.front().reason.notification->subcode == wire::cease_subcode::administrative_reset);
    CHECK(at_b.front().reason.notification->shutdown_communication() == "new policy");
    REQUIRE(net.run_until([&] { return established(a, b) && established(b, a); }, 120s));
    CHECK_THROWS_AS(a.core().change_peer(peer_to(a, 1), net.now()), std::invalid_argument);
}

TEST_CASE("sim: callbacks may remove the peer they report and unsubscribe themselves",
          "[speaker]") {
    Network net;
    auto& a = net.add("10.0.0.1", 65001);
    auto& b = net.add("10.0.0.2", 65002);
    peer_up(a, 65001, b, 65002);
    b.core().announce({pfx("192.168.2.0/26"), {}}, net.now());
    int calls = 0;
    bgp::SubscriptionId id = 0;
    id = a.core().on_route([&](const RouteEvent& e) {
        ++calls;
        if (e.kind == RouteEvent::Kind::announced) {
            CHECK(a.core().unsubscribe(id));
            CHECK(a.core().remove_peer(e.peer, "removed from a callback", net.now()));
        }
    });
    a.core().start(net.now());
    b.core().start(net.now());
    REQUIRE(net.run_until([&] { return !a.core().has_peer(b.address()); }, 60s));
    CHECK(calls == 1);
    CHECK_FALSE(a.core().unsubscribe(id));
    net.run_for(10s);
    CHECK_FALSE(established(b, a));
    const auto st = b.core().peer(a.address());
    REQUIRE(st);
    REQUIRE(st->last_error.notification);
    CHECK(st->last_error.notification->subcode == wire::cease_subcode::peer_deconfigured);
}

TEST_CASE("sim: the initial table is packed: 1000 routes with one attribute set, few UPDATEs",
          "[speaker]") {
    Network net;
    auto& a = net.add("10.0.0.1", 65001);
    auto& b = net.add("10.0.0.2", 65002);
    peer_up(a, 65001, b, 65002);
    wire::PathAttributes attrs;
    attrs.communities = std::vector<std::uint32_t>{0xFDE90064};
    for (std::uint32_t i = 0; i < 1000; ++i)
        a.core().announce({wire::Prefix(wire::IpAddress::v4(0x0A000000u + (i << 8)), 24), attrs},
                          net.now());
    a.core().start(net.now());
    b.core().start(net.now());
    REQUIRE(
        net.run_until([&] { return b.core().received_routes(a.address()).size() == 1000; }, 60s));
    // 1000 x 4 octets of NLRI fit in 2 messages of 4096; End-of-RIB is not counted.
    const auto st = b.core().peer(a.address());
    CHECK(st->updates_received <= 3);
    CHECK(a.core().peer(b.address())->updates_sent >= st->updates_received);
}

TEST_CASE("sim: route refresh with RFC 7313 markers; BoRR/EoRR never trigger a re-send",
          "[speaker]") {
    Network net;
    auto& a = net.add("10.0.0.1", 65001);
    auto& b = net.add("10.0.0.2", 65002);
    peer_up(a, 65001, b, 65002);
    std::vector<RouteEvent> at_a;
    a.core().on_route([&](const RouteEvent& e) { at_a.push_back(e); });
    a.core().announce({pfx("192.168.1.0/26"), {}}, net.now());
    b.core().announce({pfx("192.168.2.0/26"), {}}, net.now());
    b.core().announce({pfx("192.168.2.64/26"), {}}, net.now());
    a.core().start(net.now());
    b.core().start(net.now());
    REQUIRE(net.run_until(
        [&] {
            return a.core().received_routes(b.address()).size() == 2 &&
                   b.core().received_routes(a.address()).size() == 1;
        },
        60s));
    net.run_for(1s);
    const auto a_sent = a.core().peer(b.address())->updates_sent;
    const auto b_sent = b.core().peer(a.address())->updates_sent;
    at_a.clear();

    // A asks B again: B frames its routes with BoRR / EoRR (enhanced route refresh is
    // negotiated by default), so A first marks B's routes stale, then gets them back.
    REQUIRE(a.core().refresh_peer(b.address(), wire::ipv4_unicast, net.now()));
    CHECK_FALSE(a.core().refresh_peer(b.address(), wire::ipv6_unicast, net.now()));
    CHECK_FALSE(a.core().refresh_peer(ip("10.9.9.9"), wire::ipv4_unicast, net.now()));
    net.run_for(2s);

    std::size_t stale = 0, announced = 0, withdrawn = 0;
    for (const auto& e : at_a) {
        stale += e.kind == RouteEvent::Kind::stale;
        announced += e.kind == RouteEvent::Kind::announced;
        withdrawn += e.kind == RouteEvent::Kind::withdrawn;
    }
    CHECK(stale == 2);      // BoRR arrived
    CHECK(announced == 2);  // the routes came again
    CHECK(withdrawn == 0);  // EoRR swept nothing: everything was re-sent
    const auto routes = a.core().received_routes(b.address());
    REQUIRE(routes.size() == 2);
    for (const auto& r : routes) CHECK_FALSE(r.stale);
    CHECK(b.core().peer(a.address())->updates_sent > b_sent);
    // B's BoRR / EoRR are not requests: A sent nothing back.
    CHECK(a.core().peer(b.address())->updates_sent == a_sent);
    CHECK(established(a, b));
}
