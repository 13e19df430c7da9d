// Tests for libbgp/src/fsm/negotiate.cpp: our OPEN, OPEN validation with the
// exact NOTIFICATION of RFC 4271 §6.2 / RFC 5492 / RFC 9234, and capability
// negotiation (hold time, families, ADD-PATH, AS4, GR, roles).
#include "bgp/fsm/negotiate.hpp"

#include <catch2/catch_test_macros.hpp>

#include "fsm_test_support.hpp"

using namespace bgp;
using namespace bgp::fsm;
using namespace std::chrono_literals;

namespace {

Expected<Negotiated, wire::Notification> run(const SessionConfig& ours, const wire::Open& peer) {
    return negotiate(ours, make_open(ours), peer);
}

void require_error(const Expected<Negotiated, wire::Notification>& r, std::uint8_t subcode) {
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == 2);
    CHECK(r.error().subcode == subcode);
}

}  // namespace

TEST_CASE("make_open carries the configuration", "[fsm]") {
    auto c = fsmtest::config(64512);
    c.families = {wire::ipv4_unicast, wire::ipv6_unicast};
    c.add_path = {{wire::ipv4_unicast, true, true}};
    c.role = wire::BgpRole::customer;
    c.graceful_restart.enabled = true;
    c.graceful_restart.restart_time = 90s;
    c.hostname = "node-1";
    const auto o = make_open(c);
    CHECK(o.version == 4);
    CHECK(o.my_as == 64512);
    CHECK(o.hold_time == 90);
    CHECK(o.bgp_identifier == 0x0A000001);
    int mp = 0;
    for (const auto& cap : o.capabilities)
        mp += std::holds_alternative<wire::CapMultiprotocol>(cap);
    CHECK(mp == 2);
    REQUIRE(o.find<wire::CapFourOctetAs>());
    CHECK(o.find<wire::CapFourOctetAs>()->asn == 64512);
    CHECK(o.find<wire::CapRouteRefresh>());
    CHECK(o.find<wire::CapEnhancedRouteRefresh>());
    CHECK(o.find<wire::CapExtendedMessage>());
    REQUIRE(o.find<wire::CapAddPath>());
    CHECK(o.find<wire::CapAddPath>()->entries[0].mode == wire::add_path_mode::both);
    REQUIRE(o.find<wire::CapRole>());
    CHECK(o.find<wire::CapRole>()->role == 3);
    REQUIRE(o.find<wire::CapGracefulRestart>());
    const auto& gr = *o.find<wire::CapGracefulRestart>();
    CHECK(gr.restart_time == 90);
    CHECK_FALSE(gr.restart_state);
    CHECK(gr.notification);
    CHECK(gr.families.size() == 2);
    CHECK_FALSE(gr.families[0].forwarding_state);
    REQUIRE(o.find<wire::CapFqdn>());
    CHECK(o.find<wire::CapFqdn>()->hostname == "node-1");
    CHECK_FALSE(o.find<wire::CapLongLivedGr>());
    // The OPEN encodes.
    CHECK(wire::encode(wire::Message{o}, {}).has_value());
}

TEST_CASE("make_open: AS_TRANS for a 4-octet AS, R and F bits when restarting", "[fsm]") {
    auto c = fsmtest::config(4200000001u);
    c.graceful_restart.enabled = true;
    c.graceful_restart.restarting = true;
    c.graceful_restart.forwarding_preserved = true;
    c.graceful_restart.long_lived_stale_time = 3600s;
    const auto o = make_open(c);
    CHECK(o.my_as == 23456);
    CHECK(o.asn() == 4200000001u);
    const auto& gr = *o.find<wire::CapGracefulRestart>();
    CHECK(gr.restart_state);
    CHECK(gr.families[0].forwarding_state);
    REQUIRE(o.find<wire::CapLongLivedGr>());
    CHECK(o.find<wire::CapLongLivedGr>()->entries[0].stale_time == 3600);
    CHECK(o.find<wire::CapLongLivedGr>()->entries[0].flags == 0x80);
}

TEST_CASE("make_open: no role on an internal session", "[fsm]") {
    auto c = fsmtest::config(64512, 1, 64512);
    c.role = wire::BgpRole::peer;
    CHECK_FALSE(make_open(c).find<wire::CapRole>());
}

TEST_CASE("negotiate: hold time is the minimum, keepalive a third", "[fsm]") {
    auto ours = fsmtest::config();
    auto peer = fsmtest::peer_of(ours);
    SECTION("peer lower") {
        peer.hold_time = 30s;
        auto r = run(ours, make_open(peer));
        REQUIRE(r.has_value());
        CHECK(r->hold_time == 30s);
        CHECK(r->keepalive_time == 10s);
    }
    SECTION("ours lower") {
        ours.hold_time = 9s;
        auto r = run(ours, make_open(peer));
        REQUIRE(r.has_value());
        CHECK(r->hold_time == 9s);
        CHECK(r->keepalive_time == 3s);
    }
    SECTION("configured keepalive below hold/3 wins") {
        ours.keepalive_time = 5s;
        auto r = run(ours, make_open(peer));
        REQUIRE(r.has_value());
        CHECK(r->keepalive_time == 5s);
    }
    SECTION("zero on either side: no keepalives") {
        peer.hold_time = 0s;
        auto r = run(ours, make_open(peer));
        REQUIRE(r.has_value());
        CHECK(r->hold_time == 0s);
        CHECK(r->keepalive_time == 0s);
        ours.hold_time = 0s;
        peer.hold_time = 90s;
        r = run(ours, make_open(peer));
        REQUIRE(r.has_value());
        CHECK(r->hold_time == 0s);
    }
    SECTION("3 s is the smallest accepted") {
        auto o = make_open(peer);
        o.hold_time = 3;
        auto r = run(ours, o);
        REQUIRE(r.has_value());
        CHECK(r->hold_time == 3s);
        CHECK(r->keepalive_time == 1s);
    }
}

TEST_CASE("negotiate: hold time 1 or 2 is Unacceptable Hold Time", "[fsm]") {
    auto ours = fsmtest::config();
    auto o = make_open(fsmtest::peer_of(ours));
    for (int h : {1, 2}) {
        o.hold_time = static_cast<std::uint16_t>(h);
        auto r = run(ours, o);
        require_error(r, wire::open_subcode::unacceptable_hold_time);
        CHECK(r.error().data == std::vector<std::uint8_t>{0, static_cast<std::uint8_t>(h)});
    }
    // A configured minimum above 3 s refuses more.
    ours.min_hold_time = 10s;
    o.hold_time = 9;
    require_error(run(ours, o), wire::open_subcode::unacceptable_hold_time);
    o.hold_time = 10;
    CHECK(run(ours, o).has_value());
}

TEST_CASE("negotiate: Bad Peer AS", "[fsm]") {
    auto ours = fsmtest::config(64512, 1, 64513);
    auto peer = fsmtest::peer_of(ours);
    peer.local_as = 64999;
    auto r = run(ours, make_open(peer));
    require_error(r, wire::open_subcode::bad_peer_as);
    CHECK(r.error().data == std::vector<std::uint8_t>{0, 0, 0xFD, 0xE7});  // AS4 capability value
    // Without the 4-octet capability: the 2-octet field.
    peer.four_octet_as = false;
    r = run(ours, make_open(peer));
    require_error(r, wire::open_subcode::bad_peer_as);
    CHECK(r.error().data == std::vector<std::uint8_t>{0xFD, 0xE7});
    // peer_as 0 accepts any AS (dynamic neighbours).
    ours.peer_as = 0;
    r = run(ours, make_open(peer));
    REQUIRE(r.has_value());
    CHECK(r->peer_as == 64999);
    CHECK_FALSE(r->ibgp);
}

TEST_CASE("negotiate: AS_TRANS without the capability is Bad Peer AS", "[fsm]") {
    auto ours = fsmtest::config(64512, 1, 4200000000u);
    auto peer = fsmtest::peer_of(ours);
    auto o = make_open(peer);
    REQUIRE(o.my_as == 23456);
    CHECK(run(ours, o).has_value());  // with the capability: fine
    std::erase_if(o.capabilities,
                  [](const wire::Capability& c) { return wire::capability_code(c) == 65; });
    require_error(run(ours, o), wire::open_subcode::bad_peer_as);
}

TEST_CASE("negotiate: Bad BGP Identifier", "[fsm]") {
    SECTION("internal peer with our identifier") {
        auto ours = fsmtest::config(64512, 7, 64512);
        auto peer = fsmtest::peer_of(ours, 7);
        auto r = run(ours, make_open(peer));
        require_error(r, wire::open_subcode::bad_bgp_identifier);
        CHECK(r.error().data == std::vector<std::uint8_t>{0, 0, 0, 7});
    }
    SECTION("external peer may share our identifier (RFC 6286 §2.2)") {
        auto ours = fsmtest::config(64512, 7, 64513);
        CHECK(run(ours, make_open(fsmtest::peer_of(ours, 7))).has_value());
    }
    SECTION("zero") {
        auto ours = fsmtest::config();
        auto o = make_open(fsmtest::peer_of(ours));
        o.bgp_identifier = 0;
        require_error(run(ours, o), wire::open_subcode::bad_bgp_identifier);
    }
}

TEST_CASE("negotiate: version and optional parameters", "[fsm]") {
    auto ours = fsmtest::config();
    auto o = make_open(fsmtest::peer_of(ours));
    auto v = o;
    v.version = 3;
    auto r = run(ours, v);
    require_error(r, wire::open_subcode::unsupported_version_number);
    CHECK(r.error().data == std::vector<std::uint8_t>{0, 4});
    auto p = o;
    p.other_parameters.push_back({1, {1, 2}});
    require_error(run(ours, p), wire::open_subcode::unsupported_optional_parameter);
}

TEST_CASE("negotiate: families are the intersection", "[fsm]") {
    auto ours = fsmtest::config();
    ours.families = {wire::ipv4_unicast, wire::ipv6_unicast};
    auto peer = fsmtest::peer_of(ours);
    peer.families = {wire::ipv6_unicast, wire::Family{wire::Afi::l2vpn, wire::Safi::evpn}};
    auto r = run(ours, make_open(peer));
    REQUIRE(r.has_value());
    CHECK(r->families == std::vector<wire::Family>{wire::ipv6_unicast});
    CHECK(r->has_family(wire::ipv6_unicast));
    CHECK_FALSE(r->has_family(wire::ipv4_unicast));

    SECTION("no Multiprotocol capability at all means IPv4 unicast") {
        auto o = make_open(peer);
        std::erase_if(o.capabilities,
                      [](const wire::Capability& c) { return wire::capability_code(c) == 1; });
        auto r2 = run(ours, o);
        REQUIRE(r2.has_value());
        CHECK(r2->families == std::vector<wire::Family>{wire::ipv4_unicast});
    }
    SECTION("nothing in common: Unsupported Capability with our MP capabilities") {
        ours.families = {wire::ipv4_unicast};
        auto r2 = run(ours, make_open(peer));
        require_error(r2, wire::open_subcode::unsupported_capability);
        CHECK(r2.error().data == std::vector<std::uint8_t>{1, 4, 0, 1, 0, 1});
    }
}

TEST_CASE("negotiate: optional capabilities need both sides", "[fsm]") {
    auto ours = fsmtest::config();
    auto peer = fsmtest::peer_of(ours);
    auto r = run(ours, make_open(peer));
    REQUIRE(r.has_value());
    CHECK(r->four_octet_as);
    CHECK(r->extended_message);
    CHECK(r->route_refresh);
    CHECK(r->enhanced_route_refresh);
    CHECK_FALSE(r->graceful_restart);

    peer.four_octet_as = false;
    peer.extended_message = false;
    peer.route_refresh = false;
    r = run(ours, make_open(peer));
    REQUIRE(r.has_value());
    CHECK_FALSE(r->four_octet_as);
    CHECK_FALSE(r->extended_message);
    CHECK_FALSE(r->route_refresh);
    CHECK_FALSE(r->enhanced_route_refresh);  // needs route refresh
    CHECK_FALSE(r->receive_options().four_octet_as);
    CHECK(r->receive_options().max_size() == 4096);

    SECTION("Cisco's pre-standard route refresh code 128 counts") {
        auto o = make_open(peer);
        o.capabilities.push_back(wire::CapUnknown{128, {}});
        auto r2 = run(ours, o);
        REQUIRE(r2.has_value());
        CHECK(r2->route_refresh);
    }
}

TEST_CASE("negotiate: ADD-PATH directions per family", "[fsm]") {
    auto ours = fsmtest::config();
    ours.families = {wire::ipv4_unicast, wire::ipv6_unicast};
    ours.add_path = {{wire::ipv4_unicast, true, true}, {wire::ipv6_unicast, true, false}};
    auto peer = fsmtest::peer_of(ours);
    peer.add_path = {{wire::ipv4_unicast, true, false}, {wire::ipv6_unicast, false, true}};
    auto r = run(ours, make_open(peer));
    REQUIRE(r.has_value());
    CHECK(r->add_path_send.contains(wire::ipv4_unicast));           // we send, peer receives
    CHECK_FALSE(r->add_path_receive.contains(wire::ipv4_unicast));  // peer does not send
    CHECK(r->add_path_receive.contains(wire::ipv6_unicast));        // peer sends, we receive
    CHECK_FALSE(r->add_path_send.contains(wire::ipv6_unicast));
    CHECK(r->send_options().add_path.contains(wire::ipv4_unicast));
    CHECK(r->receive_options().add_path.contains(wire::ipv6_unicast));
}

TEST_CASE("negotiate: extended next hop entries both advertised", "[fsm]") {
    auto ours = fsmtest::config();
    ours.extended_next_hop = true;
    auto peer = fsmtest::peer_of(ours);
    auto r = run(ours, make_open(peer));
    REQUIRE(r.has_value());
    CHECK(r->extended_next_hop == std::vector<wire::Family>{wire::ipv4_unicast});
    peer.extended_next_hop = false;
    r = run(ours, make_open(peer));
    REQUIRE(r.has_value());
    CHECK(r->extended_next_hop.empty());
}

TEST_CASE("negotiate: graceful restart and LLGR capabilities", "[fsm]") {
    auto ours = fsmtest::config();
    auto peer = fsmtest::peer_of(ours);
    peer.graceful_restart.enabled = true;
    peer.graceful_restart.restart_time = 77s;
    peer.graceful_restart.long_lived_stale_time = 1000s;
    auto r = run(ours, make_open(peer));
    REQUIRE(r.has_value());
    REQUIRE(r->peer_graceful_restart);
    CHECK(r->peer_graceful_restart->restart_time == 77);
    CHECK_FALSE(r->graceful_restart);  // we did not advertise it
    ours.graceful_restart.enabled = true;
    r = run(ours, make_open(peer));
    REQUIRE(r.has_value());
    CHECK(r->graceful_restart);
    REQUIRE(r->peer_long_lived_gr);
    CHECK(r->peer_long_lived_gr->entries[0].stale_time == 1000);
}

TEST_CASE("negotiate: BGP role pairs (RFC 9234 §4.2)", "[fsm]") {
    using R = wire::BgpRole;
    struct Row {
        R local;
        R remote;
        bool ok;
    };
    const Row rows[] = {
        {R::provider, R::customer, true},
        {R::customer, R::provider, true},
        {R::rs, R::rs_client, true},
        {R::rs_client, R::rs, true},
        {R::peer, R::peer, true},
        {R::provider, R::provider, false},
        {R::customer, R::customer, false},
        {R::peer, R::customer, false},
        {R::rs, R::rs, false},
        {R::rs_client, R::peer, false},
    };
    for (const auto& row : rows) {
        auto ours = fsmtest::config();
        ours.role = row.local;
        auto peer = fsmtest::peer_of(ours);
        peer.role = row.remote;
        auto r = run(ours, make_open(peer));
        CAPTURE(static_cast<int>(row.local), static_cast<int>(row.remote));
        if (row.ok) {
            REQUIRE(r.has_value());
            CHECK(r->local_role == row.local);
            CHECK(r->peer_role == row.remote);
        } else {
            require_error(r, wire::open_subcode::role_mismatch);
        }
    }
}

TEST_CASE("negotiate: role strict mode, conflicting and unknown roles", "[fsm]") {
    auto ours = fsmtest::config();
    ours.role = wire::BgpRole::customer;
    auto peer = fsmtest::peer_of(ours);
    peer.role.reset();
    auto o = make_open(peer);  // peer sends no role
    CHECK(run(ours, o).has_value());
    ours.strict_role = true;
    require_error(run(ours, o), wire::open_subcode::role_mismatch);

    ours.strict_role = false;
    auto two = o;
    two.capabilities.push_back(wire::CapRole{0});
    two.capabilities.push_back(wire::CapRole{4});
    require_error(run(ours, two), wire::open_subcode::role_mismatch);
    auto unknown = o;
    unknown.capabilities.push_back(wire::CapRole{9});
    require_error(run(ours, unknown), wire::open_subcode::role_mismatch);
    auto same_twice = o;
    same_twice.capabilities.push_back(wire::CapRole{0});
    same_twice.capabilities.push_back(wire::CapRole{0});
    CHECK(run(ours, same_twice).has_value());
}
