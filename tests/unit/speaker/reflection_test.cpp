// Route reflection (RFC 4456) and route forwarding through the speaker's RIB
// (SpeakerConfig::forward_routes), on in-process speakers over in-memory links
// with a simulated clock: clients and non-clients, ORIGINATOR_ID and
// CLUSTER_LIST, cluster loops, originator suppression, withdrawals, eBGP export,
// ADD-PATH, import and export policies, Speaker::rib() with the best-path reason.
#include <catch2/catch_test_macros.hpp>
#include <optional>
#include <string>
#include <vector>

#include "speaker/core.hpp"
#include "speaker/sim_network.hpp"

namespace {

using bgp::PeerConfig;
using sim::Network;
using sim::Node;
namespace wire = bgp::wire;
namespace fsm = bgp::fsm;
namespace policy = bgp::policy;
using namespace std::chrono_literals;

using sim::ip;
using sim::peer_to;
using sim::pfx;

/// The route for `prefix` that `at` received from `from`, if any.
std::optional<bgp::ReceivedRoute> route_at(Node& at, const Node& from, const char* prefix) {
    for (const auto& r : at.core().received_routes(from.address()))
        if (r.prefix == pfx(prefix)) return r;
    return std::nullopt;
}

std::size_t paths_at(Node& at, const Node& from, const char* prefix) {
    std::size_t n = 0;
    for (const auto& r : at.core().received_routes(from.address())) n += r.prefix == pfx(prefix);
    return n;
}

constexpr std::uint32_t as_ibgp = 65000;

auto reflector_config(std::uint32_t cluster_id) {
    return [cluster_id](bgp::SpeakerConfig& c) {
        c.forward_routes = true;
        c.cluster_id = cluster_id;
    };
}

/// A reflector `rr` with the given clients and non-clients, all iBGP.
void connect(Node& rr, Node& other, bool client, std::uint32_t as = as_ibgp) {
    auto p = peer_to(other, as);
    p.route_reflector_client = client;
    rr.core().add_peer(p, {});
    other.core().add_peer(peer_to(rr, as_ibgp), {});
}

/// A policy "prefer" that sets LOCAL_PREF 250 and accepts.
policy::PolicyDefinition prefer_policy() {
    policy::PolicyDefinition prefer;
    prefer.name = "prefer";
    policy::Term t;
    t.modify.local_pref = 250;
    t.action = policy::TermAction::accept;
    prefer.terms.push_back(t);
    return prefer;
}

}  // namespace

TEST_CASE("reflection: clients and non-clients, ORIGINATOR_ID, CLUSTER_LIST, withdrawals",
          "[speaker]") {
    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, reflector_config(0x0A0000FE));
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    auto& n1 = net.add("10.0.0.21", as_ibgp);
    auto& n2 = net.add("10.0.0.22", as_ibgp);
    connect(rr, c1, true);
    connect(rr, c2, true);
    connect(rr, n1, false);
    connect(rr, n2, false);

    wire::PathAttributes a;
    a.next_hop = ip("198.18.0.11");
    a.med = 7;
    a.communities = std::vector<std::uint32_t>{0xFDE80001};
    a.large_communities = std::vector<wire::LargeCommunity>{{65000, 1, 2}};
    c1.core().announce({pfx("10.1.0.0/26"), a}, net.now());
    wire::PathAttributes b;
    b.next_hop = ip("198.18.0.21");
    n1.core().announce({pfx("10.2.0.0/26"), b}, net.now());
    for (auto* n : {&rr, &c1, &c2, &n1, &n2}) n->core().start(net.now());

    REQUIRE(net.run_until(
        [&] {
            return route_at(c2, rr, "10.1.0.0/26") && route_at(n1, rr, "10.1.0.0/26") &&
                   route_at(n2, rr, "10.1.0.0/26") && route_at(c1, rr, "10.2.0.0/26") &&
                   route_at(c2, rr, "10.2.0.0/26");
        },
        60s));
    net.run_for(5s);  // anything else that would arrive has arrived

    // A client's route goes to every client and non-client (RFC 4456 §6), with
    // ORIGINATOR_ID = the client's router id and CLUSTER_LIST = [our cluster]
    // (§8), the rest of the path untouched.
    for (auto* n : {&c2, &n1, &n2}) {
        auto r = route_at(*n, rr, "10.1.0.0/26");
        REQUIRE(r);
        const auto& at = *r->attributes;
        CHECK(at.originator_id == ip("10.0.0.11"));
        REQUIRE(at.cluster_list);
        CHECK(*at.cluster_list == std::vector<std::uint32_t>{0x0A0000FE});
        CHECK(at.next_hop == ip("198.18.0.11"));
        CHECK(at.med == 7u);
        CHECK(at.local_pref == 100u);
        CHECK(at.communities == a.communities);
        CHECK(at.large_communities == a.large_communities);
        REQUIRE(at.as_path);
        CHECK(at.as_path->path_length() == 0);
    }
    // Never back to the client it came from.
    CHECK_FALSE(route_at(c1, rr, "10.1.0.0/26"));
    // A non-client's route goes to the clients only (RFC 4456 §6), never to
    // another non-client (RFC 4271 §9.2) nor back.
    CHECK(route_at(c1, rr, "10.2.0.0/26"));
    CHECK(route_at(c2, rr, "10.2.0.0/26")->attributes->originator_id == ip("10.0.0.21"));
    CHECK_FALSE(route_at(n2, rr, "10.2.0.0/26"));
    CHECK_FALSE(route_at(n1, rr, "10.2.0.0/26"));

    // The reflector's RIB explains itself.
    const auto rib = rr.core().rib(wire::ipv4_unicast, pfx("10.1.0.0/26"));
    REQUIRE(rib.size() == 1);
    CHECK(rib[0].best);
    CHECK(rib[0].peer == ip("10.0.0.11"));
    CHECK(rib[0].peer_as == as_ibgp);
    CHECK_FALSE(rib[0].reason.empty());
    CHECK(rr.core().rib(wire::ipv4_unicast).size() == 2);

    // A withdrawal at the client is propagated to everyone.
    REQUIRE(c1.core().withdraw(pfx("10.1.0.0/26"), net.now()));
    REQUIRE(net.run_until(
        [&] {
            return !route_at(c2, rr, "10.1.0.0/26") && !route_at(n1, rr, "10.1.0.0/26") &&
                   !route_at(n2, rr, "10.1.0.0/26");
        },
        10s));
    CHECK(rr.core().rib(wire::ipv4_unicast, pfx("10.1.0.0/26")).empty());

    // The client's session going down (no graceful restart) withdraws its routes.
    c1.core().announce({pfx("10.1.1.0/26"), a}, net.now());
    REQUIRE(net.run_until([&] { return route_at(c2, rr, "10.1.1.0/26").has_value(); }, 10s));
    REQUIRE(c1.core().stop_peer(rr.address(), "maintenance", net.now()));
    REQUIRE(net.run_until([&] { return !route_at(c2, rr, "10.1.1.0/26"); }, 10s));
}

TEST_CASE("reflection: cluster loop dropped on receipt; no route to its originator", "[speaker]") {
    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, reflector_config(0x0A0000FE));
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    auto& c3 = net.add("10.0.0.13", as_ibgp);
    connect(rr, c1, true);
    connect(rr, c2, true);
    connect(rr, c3, true);

    // Looks like it was reflected by us before: CLUSTER_LIST holds our cluster id.
    wire::PathAttributes looped;
    looped.next_hop = ip("198.18.0.11");
    looped.originator_id = ip("10.9.9.9");
    looped.cluster_list = std::vector<std::uint32_t>{0x0A0000FF, 0x0A0000FE};
    c1.core().announce({pfx("10.3.0.0/24"), looped}, net.now());
    // Originated by c2 (ORIGINATOR_ID), announced by c1: c2 must not get it.
    wire::PathAttributes from_c2;
    from_c2.next_hop = ip("198.18.0.12");
    from_c2.originator_id = ip("10.0.0.12");
    c1.core().announce({pfx("10.4.0.0/24"), from_c2}, net.now());
    wire::PathAttributes plain;
    plain.next_hop = ip("198.18.0.11");
    c1.core().announce({pfx("10.5.0.0/24"), plain}, net.now());
    for (auto* n : {&rr, &c1, &c2, &c3}) n->core().start(net.now());

    REQUIRE(net.run_until(
        [&] { return route_at(c2, rr, "10.5.0.0/24") && route_at(c3, rr, "10.4.0.0/24"); }, 60s));
    net.run_for(5s);
    // The looped path is kept in the Adj-RIB-In but is no candidate (RFC 4456 §8).
    const auto rib = rr.core().rib(wire::ipv4_unicast, pfx("10.3.0.0/24"));
    REQUIRE(rib.size() == 1);
    CHECK_FALSE(rib[0].best);
    CHECK(rib[0].reason.find("cluster") != std::string::npos);
    CHECK_FALSE(route_at(c2, rr, "10.3.0.0/24"));
    CHECK_FALSE(route_at(c3, rr, "10.3.0.0/24"));
    // Originator suppression: c3 gets it with the ORIGINATOR_ID kept, c2 not.
    CHECK(route_at(c3, rr, "10.4.0.0/24")->attributes->originator_id == ip("10.0.0.12"));
    CHECK_FALSE(route_at(c2, rr, "10.4.0.0/24"));
}

TEST_CASE("forwarding: eBGP export prepends, sets next hop self, drops iBGP-only attributes",
          "[speaker]") {
    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, reflector_config(0x0A0000FE));
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& e1 = net.add("10.0.0.31", 65100);
    connect(rr, c1, true);
    rr.core().add_peer(peer_to(e1, 65100), {});
    e1.core().add_peer(peer_to(rr, as_ibgp), {});

    wire::PathAttributes a;
    a.next_hop = ip("198.18.0.11");
    a.med = 5;
    a.local_pref = 300;
    c1.core().announce({pfx("10.6.0.0/24"), a}, net.now());
    wire::PathAttributes e;
    e.med = 9;
    e1.core().announce({pfx("10.7.0.0/24"), e}, net.now());
    for (auto* n : {&rr, &c1, &e1}) n->core().start(net.now());

    REQUIRE(net.run_until(
        [&] { return route_at(e1, rr, "10.6.0.0/24") && route_at(c1, rr, "10.7.0.0/24"); }, 60s));
    const auto out = *route_at(e1, rr, "10.6.0.0/24")->attributes;
    REQUIRE(out.as_path);
    CHECK(out.as_path->to_string() == "65000");
    CHECK(out.next_hop == ip("10.0.0.1"));
    CHECK_FALSE(out.local_pref);
    CHECK_FALSE(out.med);  // RFC 4271 §5.1.4: not passed to another AS
    CHECK_FALSE(out.originator_id);
    CHECK_FALSE(out.cluster_list);
    // eBGP-learned route to an iBGP client: path kept, LOCAL_PREF added, MED kept.
    const auto in = *route_at(c1, rr, "10.7.0.0/24")->attributes;
    CHECK(in.as_path->to_string() == "65100");
    CHECK(in.local_pref == 100u);
    CHECK(in.med == 9u);
    CHECK(in.next_hop == ip("10.0.0.31"));
}

TEST_CASE("forwarding: ADD-PATH sends every path to a client that asked for them", "[speaker]") {
    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, reflector_config(0x0A0000FE));
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    auto& c3 = net.add("10.0.0.13", as_ibgp);
    auto& c4 = net.add("10.0.0.14", as_ibgp);
    connect(rr, c1, true);
    connect(rr, c2, true);
    // c3 negotiates ADD-PATH receive and gets all paths; c4 the best only.
    auto to_c3 = peer_to(c3, as_ibgp);
    to_c3.route_reflector_client = true;
    to_c3.session.add_path = {{wire::ipv4_unicast, false, true}};
    to_c3.add_path_send.mode = bgp::rib::AddPathSend::Mode::all;
    rr.core().add_peer(to_c3, {});
    auto from_c3 = peer_to(rr, as_ibgp);
    from_c3.session.add_path = {{wire::ipv4_unicast, true, false}};
    c3.core().add_peer(from_c3, {});
    connect(rr, c4, true);

    wire::PathAttributes a1;
    a1.next_hop = ip("198.18.0.11");
    a1.local_pref = 200;
    c1.core().announce({pfx("10.8.0.0/24"), a1}, net.now());
    wire::PathAttributes a2;
    a2.next_hop = ip("198.18.0.12");
    c2.core().announce({pfx("10.8.0.0/24"), a2}, net.now());
    for (auto* n : {&rr, &c1, &c2, &c3, &c4}) n->core().start(net.now());

    REQUIRE(net.run_until(
        [&] { return paths_at(c3, rr, "10.8.0.0/24") == 2 && route_at(c4, rr, "10.8.0.0/24"); },
        60s));
    net.run_for(5s);
    CHECK(paths_at(c3, rr, "10.8.0.0/24") == 2);
    CHECK(paths_at(c4, rr, "10.8.0.0/24") == 1);
    // The best (LOCAL_PREF 200) is what the best-only client has.
    CHECK(route_at(c4, rr, "10.8.0.0/24")->attributes->next_hop == ip("198.18.0.11"));
    const auto rib = rr.core().rib(wire::ipv4_unicast, pfx("10.8.0.0/24"));
    REQUIRE(rib.size() == 2);
    CHECK(rib[0].best);
    CHECK(rib[0].peer == ip("10.0.0.11"));
    CHECK_FALSE(rib[1].best);

    // The best path withdrawn: the ADD-PATH client keeps one path, the other
    // client gets the new best in place.
    REQUIRE(c1.core().withdraw(pfx("10.8.0.0/24"), net.now()));
    REQUIRE(net.run_until(
        [&] {
            auto r = route_at(c4, rr, "10.8.0.0/24");
            return paths_at(c3, rr, "10.8.0.0/24") == 1 && r &&
                   r->attributes->next_hop == ip("198.18.0.12");
        },
        10s));
}

TEST_CASE("forwarding: import and export policies per peer", "[speaker]") {
    policy::PolicyConfig pc;
    policy::PrefixList blocked;
    blocked.name = "blocked";
    blocked.entries.push_back({pfx("10.66.0.0/16"), std::uint8_t{16}, std::uint8_t{32}, false});
    pc.prefix_lists.push_back(blocked);
    policy::PolicyDefinition reject_blocked;
    reject_blocked.name = "no-blocked";
    policy::Term t;
    t.match.prefix_list = policy::SetRef{"blocked", {}};
    t.action = policy::TermAction::reject;
    reject_blocked.terms.push_back(t);
    pc.definitions.push_back(reject_blocked);
    pc.definitions.push_back(prefer_policy());
    const policy::PolicyTable table(pc);

    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, [&](bgp::SpeakerConfig& c) {
        c.forward_routes = true;
        c.policies = table;
    });
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    auto to_c1 = peer_to(c1, as_ibgp);
    to_c1.route_reflector_client = true;
    to_c1.import_policy = table.chain({"no-blocked"});
    rr.core().add_peer(to_c1, {});
    c1.core().add_peer(peer_to(rr, as_ibgp), {});
    auto to_c2 = peer_to(c2, as_ibgp);
    to_c2.route_reflector_client = true;
    to_c2.export_policy = table.chain({"prefer"});
    rr.core().add_peer(to_c2, {});
    c2.core().add_peer(peer_to(rr, as_ibgp), {});

    wire::PathAttributes a;
    a.next_hop = ip("198.18.0.11");
    c1.core().announce({pfx("10.66.1.0/24"), a}, net.now());
    c1.core().announce({pfx("10.67.1.0/24"), a}, net.now());
    for (auto* n : {&rr, &c1, &c2}) n->core().start(net.now());

    REQUIRE(net.run_until([&] { return route_at(c2, rr, "10.67.1.0/24").has_value(); }, 60s));
    net.run_for(5s);
    CHECK(route_at(c2, rr, "10.67.1.0/24")->attributes->local_pref == 250u);
    CHECK_FALSE(route_at(c2, rr, "10.66.1.0/24"));
    // Rejected on import: kept in the Adj-RIB-In (before policy), no candidate.
    const auto rib = rr.core().rib(wire::ipv4_unicast, pfx("10.66.1.0/24"));
    REQUIRE(rib.size() == 1);
    CHECK_FALSE(rib[0].best);
    CHECK(rib[0].reason.find("policy") != std::string::npos);
}

TEST_CASE("forwarding: a late peer gets the whole table, paced, then End-of-RIB", "[speaker]") {
    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, reflector_config(0x0A0000FE));
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    connect(rr, c1, true);
    wire::PathAttributes a;
    a.next_hop = ip("198.18.0.11");
    for (std::uint32_t i = 0; i < 3000; ++i)
        c1.core().announce({wire::Prefix(wire::IpAddress::v4(0x0B000000u + (i << 8)), 24), a},
                           net.now());
    for (auto* n : {&rr, &c1}) n->core().start(net.now());
    REQUIRE(net.run_until(
        [&] {
            auto st = rr.core().peer(c1.address());
            return st && st->routes_received == 3000;
        },
        60s));
    CHECK(rr.core().rib(wire::ipv4_unicast).size() == 3000);

    bool eor = false;
    c2.core().on_route([&](const bgp::RouteEvent& e) {
        if (e.kind == bgp::RouteEvent::Kind::end_of_rib) eor = true;
    });
    rr.core().add_peer(
        [&] {
            auto p = peer_to(c2, as_ibgp);
            p.route_reflector_client = true;
            return p;
        }(),
        net.now());
    c2.core().add_peer(peer_to(rr, as_ibgp), net.now());
    c2.core().start(net.now());
    REQUIRE(net.run_until([&] { return eor; }, 60s));
    CHECK(c2.core().received_routes(rr.address()).size() == 3000);
    // Packed: far fewer UPDATEs than routes.
    CHECK(rr.core().peer(c2.address())->updates_sent < 20);
}

TEST_CASE("forwarding: changed policies apply in place, without a session reset", "[speaker]") {
    policy::PolicyConfig pc;
    pc.definitions.push_back(prefer_policy());
    const policy::PolicyTable table(pc);

    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, [&](bgp::SpeakerConfig& c) {
        c.forward_routes = true;
        c.policies = table;
    });
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    connect(rr, c1, true);
    connect(rr, c2, true);
    wire::PathAttributes a;
    a.next_hop = ip("198.18.0.11");
    c1.core().announce({pfx("10.9.0.0/24"), a}, net.now());
    c1.core().announce({pfx("10.9.1.0/24"), a}, net.now());
    for (auto* n : {&rr, &c1, &c2}) n->core().start(net.now());
    REQUIRE(net.run_until([&] { return route_at(c2, rr, "10.9.1.0/24").has_value(); }, 60s));
    CHECK(route_at(c2, rr, "10.9.1.0/24")->attributes->local_pref == 100u);

    // Export policy on c2 changed: the routes are re-sent with the new LOCAL_PREF.
    auto to_c2 = *rr.core().peer_config(c2.address());
    to_c2.export_policy = table.chain({"prefer"});
    rr.core().change_peer(to_c2, net.now());
    REQUIRE(net.run_until(
        [&] { return route_at(c2, rr, "10.9.1.0/24")->attributes->local_pref == 250u; }, 10s));
    CHECK(route_at(c2, rr, "10.9.0.0/24")->attributes->local_pref == 250u);

    // Import policy on c1 changed to reject everything: withdrawn at c2.
    auto to_c1 = *rr.core().peer_config(c1.address());
    to_c1.import_policy = table.chain({"reject-all"});
    rr.core().change_peer(to_c1, net.now());
    REQUIRE(net.run_until([&] { return !route_at(c2, rr, "10.9.1.0/24"); }, 10s));
    CHECK(rr.core().rib(wire::ipv4_unicast, pfx("10.9.1.0/24")).size() == 1);  // kept pre-policy

    // A new table: every chain re-made, the routes come back, same sessions.
    rr.core().set_policies(
        policy::PolicyTable(pc),
        [&](PeerConfig& c) {
            c.import_policy = {};
            c.export_policy = {};
        },
        net.now());
    REQUIRE(net.run_until(
        [&] {
            auto r = route_at(c2, rr, "10.9.1.0/24");
            return r && r->attributes->local_pref == 100u;
        },
        10s));
    CHECK(rr.core().peer(c1.address())->flap_count == 0);
    CHECK(rr.core().peer(c2.address())->flap_count == 0);
}

TEST_CASE("update groups: clients share one group; split horizon as the best path moves",
          "[speaker]") {
    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, reflector_config(0x0A0000FE), bgp::LogLevel::debug);
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    auto& c3 = net.add("10.0.0.13", as_ibgp);
    for (auto* c : {&c1, &c2, &c3}) connect(rr, *c, true);

    wire::PathAttributes better;
    better.next_hop = ip("198.18.0.11");
    better.local_pref = 200;
    wire::PathAttributes worse;
    worse.next_hop = ip("198.18.0.12");
    c1.core().announce({pfx("10.10.0.0/24"), better}, net.now());
    c2.core().announce({pfx("10.10.0.0/24"), worse}, net.now());
    for (auto* n : {&rr, &c1, &c2, &c3}) n->core().start(net.now());

    auto nh_at = [&](Node& at) -> std::optional<wire::IpAddress> {
        auto r = route_at(at, rr, "10.10.0.0/24");
        if (!r) return std::nullopt;
        return r->attributes->next_hop;
    };
    REQUIRE(net.run_until(
        [&] {
            return nh_at(c2) == ip("198.18.0.11") && nh_at(c3) == ip("198.18.0.11") &&
                   rr.core().rib(wire::ipv4_unicast, pfx("10.10.0.0/24")).size() == 2;
        },
        60s));
    net.run_for(5s);
    // One group for the three clients, per family.
    std::size_t created = 0;
    for (const auto& l : rr.log_lines())
        created += l.find("update group ipv4-unicast") != std::string::npos &&
                   l.find("created") != std::string::npos;
    CHECK(created == 1);
    // c1's path is the best: everyone but c1 has it; c1 has nothing from us
    // (its own route is not reflected back, RFC 4456 §8).
    CHECK_FALSE(nh_at(c1));
    CHECK(nh_at(c2) == ip("198.18.0.11"));

    // c1 withdraws: c2's path is the best now; c2 must drop c1's path (it gets a
    // withdrawal, not its own route back), c1 and c3 get c2's path.
    REQUIRE(c1.core().withdraw(pfx("10.10.0.0/24"), net.now()));
    REQUIRE(net.run_until(
        [&] {
            return !nh_at(c2) && nh_at(c1) == ip("198.18.0.12") && nh_at(c3) == ip("198.18.0.12");
        },
        10s));
    // And back: c1 announces again and wins; c1 drops c2's path, c2 gets c1's.
    c1.core().announce({pfx("10.10.0.0/24"), better}, net.now());
    REQUIRE(net.run_until(
        [&] {
            return !nh_at(c1) && nh_at(c2) == ip("198.18.0.11") && nh_at(c3) == ip("198.18.0.11");
        },
        10s));
}

TEST_CASE("forwarding without received-route tables: the RIB answers for them", "[speaker]") {
    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, [](bgp::SpeakerConfig& c) {
        c.forward_routes = true;
        c.keep_received_routes = false;
    });
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    connect(rr, c1, true);
    connect(rr, c2, true);
    wire::PathAttributes a;
    a.next_hop = ip("198.18.0.11");
    a.med = 3;
    c1.core().announce({pfx("10.12.0.0/24"), a}, net.now());
    c1.core().announce({pfx("10.12.1.0/24"), a}, net.now());
    for (auto* n : {&rr, &c1, &c2}) n->core().start(net.now());
    REQUIRE(net.run_until([&] { return route_at(c2, rr, "10.12.1.0/24").has_value(); }, 60s));

    const auto got = rr.core().received_routes(c1.address());
    REQUIRE(got.size() == 2);
    CHECK(got[0].family == wire::ipv4_unicast);
    CHECK(got[0].attributes->next_hop == ip("198.18.0.11"));
    CHECK(got[0].attributes->med == 3u);
    CHECK_FALSE(got[0].stale);
    CHECK(rr.core().peer(c1.address())->routes_received == 2);
    CHECK(route_at(c2, rr, "10.12.0.0/24"));
}

TEST_CASE("maximum prefix: warning only, or Cease with RFC 4486 data and a restart interval",
          "[speaker]") {
    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, reflector_config(0x0A0000FE));
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    auto to_c1 = peer_to(c1, as_ibgp);
    to_c1.route_reflector_client = true;
    bgp::policy::MaxPrefixConfig limit;
    limit.limit = 5;
    limit.restart_interval = 30s;
    to_c1.max_prefix_ipv4 = limit;
    rr.core().add_peer(to_c1, {});
    c1.core().add_peer(peer_to(rr, as_ibgp), {});
    auto to_c2 = peer_to(c2, as_ibgp);
    to_c2.route_reflector_client = true;
    limit.warning_only = true;
    to_c2.max_prefix_ipv4 = limit;
    rr.core().add_peer(to_c2, {});
    c2.core().add_peer(peer_to(rr, as_ibgp), {});

    std::vector<bgp::PeerEvent> at_c1;
    c1.core().on_state_change([&](const bgp::PeerEvent& e) { at_c1.push_back(e); });
    wire::PathAttributes a;
    a.next_hop = ip("198.18.0.1");
    for (std::uint32_t i = 0; i < 8; ++i) {
        const auto p = wire::Prefix(wire::IpAddress::v4(0x0C000000u + (i << 8)), 24);
        c1.core().announce({p, a}, net.now());
        c2.core().announce({wire::Prefix(wire::IpAddress::v4(0x0D000000u + (i << 8)), 24), a},
                           net.now());
    }
    for (auto* n : {&rr, &c1, &c2}) n->core().start(net.now());

    auto down_for_max = [&] {
        for (const auto& e : at_c1)
            if (e.from == fsm::State::established && e.reason.notification &&
                e.reason.notification->code == 6 && e.reason.notification->subcode == 1)
                return true;
        return false;
    };
    REQUIRE(net.run_until(down_for_max, 60s));
    // RFC 4486 §4: AFI 1, SAFI 1, the limit (5) as four octets.
    for (const auto& e : at_c1)
        if (e.reason.notification && e.reason.notification->subcode == 1)
            CHECK(e.reason.notification->data == std::vector<std::uint8_t>{0, 1, 1, 0, 0, 0, 5});
    const auto held = *rr.core().peer(c1.address());
    CHECK(held.state != fsm::State::established);
    CHECK(held.routes_received == 0);  // its routes went with the session
    // The warning-only peer stays up with all 8.
    REQUIRE(net.run_until(
        [&] {
            auto st = rr.core().peer(c2.address());
            return st && st->routes_received == 8;
        },
        10s));
    CHECK(rr.core().peer(c2.address())->state == fsm::State::established);
    bool warned = false;
    for (const auto& l : rr.log_lines())
        warned = warned || l.find("warning only") != std::string::npos;
    CHECK(warned);

    // After the restart interval the session comes back (and goes again: c1
    // still sends 8).
    at_c1.clear();
    net.run_for(20s);
    CHECK(rr.core().peer(c1.address())->state != fsm::State::established);
    REQUIRE(net.run_until(down_for_max, 60s));
}
