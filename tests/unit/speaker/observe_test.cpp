// What an embedder (the reflector's API and metrics) observes of a speaker:
// best-path change events (Speaker::on_best_path) that mirror the Loc-RIB,
// per-family received / accepted / advertised counts (PeerStatus::families),
// and the speaker's counters (Speaker::stats(): best-path changes,
// NOTIFICATIONs by code, RIB sizes). In-process speakers, simulated clock.
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <map>
#include <optional>
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
namespace policy = bgp::policy;
using namespace std::chrono_literals;

constexpr std::uint32_t as_ibgp = 65000;

/// No definitions: only the built-in policies (accept-all, reject-all).
policy::PolicyTable reject_all_table() { return policy::PolicyTable(policy::PolicyConfig{}); }

const bgp::FamilyCounts* counts_of(const bgp::PeerStatus& s, wire::Family f) {
    for (const auto& c : s.families)
        if (c.family == f) return &c;
    return nullptr;
}

std::uint64_t notifications(const bgp::SpeakerStats& s, bool sent, int code, int subcode) {
    for (const auto& n : s.notifications)
        if (n.sent == sent && n.code == code && n.subcode == subcode) return n.count;
    return 0;
}

}  // namespace

TEST_CASE("observing: best-path events mirror the Loc-RIB; counts per family; stats", "[speaker]") {
    const auto table = reject_all_table();
    Network net;
    auto& rr = net.add("10.0.0.1", as_ibgp, [&](bgp::SpeakerConfig& c) {
        c.forward_routes = true;
        c.policies = table;
    });
    auto& c1 = net.add("10.0.0.11", as_ibgp);
    auto& c2 = net.add("10.0.0.12", as_ibgp);
    auto to_c1 = peer_to(c1, as_ibgp);
    to_c1.route_reflector_client = true;
    rr.core().add_peer(to_c1, {});
    c1.core().add_peer(peer_to(rr, as_ibgp), {});
    auto to_c2 = peer_to(c2, as_ibgp);
    to_c2.route_reflector_client = true;
    to_c2.import_policy = table.chain({"reject-all"});
    rr.core().add_peer(to_c2, {});
    c2.core().add_peer(peer_to(rr, as_ibgp), {});

    // The mirror: prefix -> best path's peer, kept from the events alone.
    std::map<wire::Prefix, std::optional<wire::IpAddress>> mirror;
    std::size_t events = 0;
    const auto sub = rr.core().on_best_path([&](const bgp::BestPathEvent& e) {
        ++events;
        CHECK(e.family == wire::ipv4_unicast);
        if (e.best) {
            CHECK(e.best->best);
            CHECK(e.best->prefix == e.prefix);
            CHECK(!e.best->reason.empty());
            mirror[e.prefix] = e.best->peer;
        } else {
            mirror.erase(e.prefix);
        }
    });

    wire::PathAttributes a;
    a.next_hop = ip("198.18.0.11");
    c1.core().announce({pfx("10.1.0.0/26"), a}, net.now());
    c1.core().announce({pfx("10.1.0.64/26"), a}, net.now());
    a.next_hop = ip("198.18.0.12");
    c2.core().announce({pfx("10.2.0.0/26"), a}, net.now());  // rejected by import policy
    rr.core().announce({pfx("10.3.0.0/26"), a}, net.now());  // local
    for (auto* n : {&rr, &c1, &c2}) n->core().start(net.now());

    REQUIRE(net.run_until(
        [&] {
            auto s = rr.core().peer(c2.address());
            return mirror.size() == 3 && s && s->routes_received == 1 &&
                   counts_of(*s, wire::ipv4_unicast)->advertised == 3;
        },
        60s));
    CHECK(mirror.at(pfx("10.1.0.0/26")) == ip("10.0.0.11"));
    CHECK(mirror.at(pfx("10.1.0.64/26")) == ip("10.0.0.11"));
    CHECK(!mirror.at(pfx("10.3.0.0/26")).has_value());  // ours
    CHECK(!mirror.contains(pfx("10.2.0.0/26")));        // rejected: no best path

    // The mirror equals best_routes().
    const auto best = rr.core().best_routes(wire::ipv4_unicast);
    REQUIRE(best.size() == mirror.size());
    for (const auto& r : best) {
        CHECK(r.best);
        CHECK(mirror.at(r.prefix) == r.peer);
    }
    CHECK(rr.core().best_routes(wire::ipv6_unicast).empty());

    const auto s1 = *rr.core().peer(c1.address());
    const auto* f1 = counts_of(s1, wire::ipv4_unicast);
    REQUIRE(f1);
    CHECK(f1->received == 2);
    CHECK(f1->accepted == 2);
    const auto s2 = *rr.core().peer(c2.address());
    const auto* f2 = counts_of(s2, wire::ipv4_unicast);
    REQUIRE(f2);
    CHECK(f2->received == 1);
    CHECK(f2->accepted == 0);
    CHECK(f2->advertised == 3);  // c1's two and ours

    auto st = rr.core().stats();
    CHECK(st.prefixes_ipv4 == 4);  // the rejected one has an entry (Adj-RIB-In)
    CHECK(st.paths_ipv4 == 4);
    CHECK(st.prefixes_ipv6 == 0);
    CHECK(st.best_path_changes >= 3);
    CHECK(st.notifications.empty());

    // A withdrawal: an event with no best path.
    const auto changes_before = st.best_path_changes;
    events = 0;
    REQUIRE(c1.core().withdraw(pfx("10.1.0.64/26"), net.now()));
    REQUIRE(net.run_until([&] { return !mirror.contains(pfx("10.1.0.64/26")); }, 10s));
    CHECK(events == 1);
    CHECK(rr.core().stats().best_path_changes == changes_before + 1);
    CHECK(counts_of(*rr.core().peer(c1.address()), wire::ipv4_unicast)->received == 1);

    // The import policy accepts c2's route after a policy change: counts follow.
    rr.core().set_policies(
        table, [](bgp::PeerConfig& c) { c.import_policy = {}; }, net.now());
    REQUIRE(net.run_until([&] { return mirror.contains(pfx("10.2.0.0/26")); }, 10s));
    CHECK(counts_of(*rr.core().peer(c2.address()), wire::ipv4_unicast)->accepted == 1);

    // An administrative shutdown: Cease / Administrative Shutdown counted on
    // both sides, and c1's route leaves the mirror.
    REQUIRE(rr.core().stop_peer(c1.address(), "maintenance", net.now()));
    REQUIRE(net.run_until([&] { return !mirror.contains(pfx("10.1.0.0/26")); }, 10s));
    net.run_for(1s);
    CHECK(notifications(rr.core().stats(), true, 6, 2) == 1);
    CHECK(notifications(c1.core().stats(), false, 6, 2) == 1);
    CHECK(rr.core().peer(c1.address())->notifications_sent == 1);
    CHECK(rr.core().peer(c1.address())->notifications_received == 0);
    CHECK(c1.core().peer(rr.address())->notifications_received == 1);
    // Not Established: the configured families, nothing advertised.
    const auto down = *rr.core().peer(c1.address());
    REQUIRE(down.families.size() == 1);
    CHECK(down.families[0].advertised == 0);

    // Unsubscribed: no more events.
    REQUIRE(rr.core().unsubscribe(sub));
    events = 0;
    c2.core().withdraw(pfx("10.2.0.0/26"), net.now());
    REQUIRE(net.run_until([&] { return rr.core().stats().paths_ipv4 == 2; }, 10s));
    CHECK(events == 0);
}

TEST_CASE("observing: with max_paths > 1 best-path events carry the ECMP set", "[speaker]") {
    Network net;
    auto& node =
        net.add("10.0.0.1", as_ibgp, [](bgp::SpeakerConfig& c) { c.decision.max_paths = 4; });
    auto& p1 = net.add("10.0.0.11", as_ibgp);
    auto& p2 = net.add("10.0.0.12", as_ibgp);
    for (auto* p : {&p1, &p2}) {
        node.core().add_peer(peer_to(*p, as_ibgp), {});
        p->core().add_peer(peer_to(node, as_ibgp), {});
    }
    std::map<wire::Prefix, std::vector<wire::IpAddress>> ecmp;  // prefix -> next hops
    node.core().on_best_path([&](const bgp::BestPathEvent& e) {
        if (!e.best) {
            CHECK(e.multipath.empty());
            ecmp.erase(e.prefix);
            return;
        }
        REQUIRE(!e.multipath.empty());
        CHECK(e.multipath.front().peer == e.best->peer);  // best first
        std::vector<wire::IpAddress> hops;
        for (const auto& r : e.multipath) {
            CHECK(r.multipath);
            hops.push_back(*r.attributes.next_hop);
        }
        ecmp[e.prefix] = hops;
    });
    wire::PathAttributes a;
    a.next_hop = ip("198.18.0.11");
    p1.core().announce({pfx("10.9.0.0/26"), a}, net.now());
    a.next_hop = ip("198.18.0.12");
    p2.core().announce({pfx("10.9.0.0/26"), a}, net.now());
    for (auto* n : {&node, &p1, &p2}) n->core().start(net.now());

    // The second equal path joins the set even though the best path stays.
    REQUIRE(net.run_until([&] { return ecmp[pfx("10.9.0.0/26")].size() == 2; }, 60s));
    auto hops = ecmp.at(pfx("10.9.0.0/26"));
    std::sort(hops.begin(), hops.end());
    CHECK(hops == std::vector<wire::IpAddress>{ip("198.18.0.11"), ip("198.18.0.12")});

    // One withdraws: the set shrinks to one; both: the prefix is gone.
    REQUIRE(p2.core().withdraw(pfx("10.9.0.0/26"), net.now()));
    REQUIRE(net.run_until([&] { return ecmp[pfx("10.9.0.0/26")].size() == 1; }, 10s));
    CHECK(ecmp.at(pfx("10.9.0.0/26")) == std::vector<wire::IpAddress>{ip("198.18.0.11")});
    REQUIRE(p1.core().withdraw(pfx("10.9.0.0/26"), net.now()));
    REQUIRE(net.run_until([&] { return !ecmp.contains(pfx("10.9.0.0/26")); }, 10s));
}
