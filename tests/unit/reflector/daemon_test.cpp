// The reflector daemon in-process over real TCP on loopback (127.0.0.x, ports
// 26000-26999): a configuration file's text -> Daemon -> a route from client A
// reaches client B with ORIGINATOR_ID and CLUSTER_LIST; reload adds, changes and
// removes neighbours without touching the others, re-applies policies in place,
// and a bad or restart-only file changes nothing; shutdown sends Cease.
#include "daemon.hpp"
#include "daemon_support.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <string>

#include "bgp/speaker/speaker.hpp"
#include "bgp/wire/error.hpp"
#include "config.hpp"

namespace {

namespace asio = boost::asio;
namespace wire = bgp::wire;
using namespace std::chrono_literals;
using bgp::reflector::Daemon;
using bgp::reflector::parse_config;

using reflector_test::client;
using reflector_test::established;
using reflector_test::ip;
using reflector_test::pfx;
using reflector_test::run_until;

std::optional<bgp::ReceivedRoute> route_at(const bgp::Speaker& s, const char* prefix) {
    for (const auto& r : s.received_routes(ip("127.0.0.1")))
        if (r.prefix == pfx(prefix)) return r;
    return std::nullopt;
}

std::string reflector_yaml(std::uint16_t port, const std::string& extra_neighbors = {},
                           const std::string& b_export = "all", const std::string& policies = {}) {
    return "router-id: 10.0.0.1\n"
           "asn: 64512\n"
           "cluster-id: 10.255.0.1\n"
           "log-level: warning\n"
           "listen: { address: 127.0.0.1, port: " +
           std::to_string(port) +
           " }\n"
           "neighbors:\n"
           "  - { address: 127.0.0.2, asn: 64512, passive: true, route-reflector-client: true, "
           "hold-time: 9 }\n"
           "  - { address: 127.0.0.3, asn: 64512, passive: true, route-reflector-client: true, "
           "hold-time: 9, export: " +
           b_export + " }\n" + extra_neighbors + policies;
}

const std::string block_pods =
    "policies:\n"
    "  prefix-lists:\n"
    "    blocked: [ 192.168.1.0/26 ]\n"
    "  definitions:\n"
    "    to-b:\n"
    "      terms:\n"
    "        - { match: { prefix-list: blocked }, action: reject }\n";

}  // namespace

TEST_CASE("a route from client A reaches client B reflected (ORIGINATOR_ID, CLUSTER_LIST)",
          "[reflector]") {
    asio::io_context io;
    constexpr std::uint16_t port = 26101;
    Daemon daemon(io, parse_config(reflector_yaml(port), "reflector.yaml"));
    daemon.start();
    auto a = client(io, "127.0.0.2", "10.0.0.2", port);
    auto b = client(io, "127.0.0.3", "10.0.0.3", port);
    REQUIRE(run_until(io, [&] {
        return established(daemon.speaker(), "127.0.0.2") &&
               established(daemon.speaker(), "127.0.0.3");
    }));

    wire::PathAttributes attrs;
    attrs.next_hop = ip("198.18.0.2");
    a->announce(pfx("192.168.1.0/26"), attrs);
    REQUIRE(run_until(io, [&] { return route_at(*b, "192.168.1.0/26").has_value(); }));
    const auto r = *route_at(*b, "192.168.1.0/26");
    REQUIRE(r.attributes);
    CHECK(r.attributes->originator_id == ip("10.0.0.2"));
    REQUIRE(r.attributes->cluster_list);
    CHECK(*r.attributes->cluster_list == std::vector<std::uint32_t>{ip("10.255.0.1").v4_value()});
    CHECK(r.attributes->next_hop == ip("198.18.0.2"));  // a reflector leaves the next hop
    CHECK_FALSE(route_at(*a, "192.168.1.0/26"));        // not back to its originator

    // Withdrawn at A -> withdrawn at B.
    a->withdraw(pfx("192.168.1.0/26"));
    REQUIRE(run_until(io, [&] { return !route_at(*b, "192.168.1.0/26"); }));

    bool done = false;
    daemon.shutdown("test over", [&] { done = true; });
    REQUIRE(run_until(io, [&] { return done; }));
    REQUIRE(run_until(io, [&] { return !established(*a, "127.0.0.1"); }));
    const auto st = a->peer(ip("127.0.0.1"));
    REQUIRE(st);
    REQUIRE(st->last_error.notification);
    CHECK(st->last_error.notification->code ==
          static_cast<std::uint8_t>(bgp::wire::NotifCode::cease));
    CHECK(st->last_error.notification->shutdown_communication() == "test over");
    bool a_done = false, b_done = false;
    a->shutdown({}, [&] { a_done = true; });
    b->shutdown({}, [&] { b_done = true; });
    CHECK(run_until(io, [&] { return a_done && b_done; }));
}

TEST_CASE("reload touches only changed neighbours and re-applies policies in place",
          "[reflector]") {
    asio::io_context io;
    constexpr std::uint16_t port = 26111;
    const std::string path = "/tmp/bgp-reflector-daemon-test-26111.yaml";
    const auto write = [&](const std::string& text) {
        std::ofstream(path, std::ios::trunc) << text;
    };
    write(reflector_yaml(port));
    Daemon daemon(io, bgp::reflector::load_config(path));
    daemon.start();
    auto a = client(io, "127.0.0.2", "10.0.0.2", port);
    auto b = client(io, "127.0.0.3", "10.0.0.3", port);
    wire::PathAttributes attrs;
    attrs.next_hop = ip("198.18.0.2");
    a->announce(pfx("192.168.1.0/26"), attrs);
    a->announce(pfx("192.168.2.0/26"), attrs);
    REQUIRE(run_until(
        io, [&] { return route_at(*b, "192.168.1.0/26") && route_at(*b, "192.168.2.0/26"); }));
    const auto a_since = daemon.speaker().peer(ip("127.0.0.2"))->established_since;
    const auto b_since = daemon.speaker().peer(ip("127.0.0.3"))->established_since;
    REQUIRE(a_since);
    REQUIRE(b_since);

    SECTION("a bad file changes nothing") {
        write(reflector_yaml(port) + "  - { address: 127.0.0.4, asn: 64512, hold-time: 2 }\n");
        const auto r = daemon.reload();
        CHECK_FALSE(r.applied);
        CHECK(r.error.find(":9: neighbors[2].hold-time: expected 0 or 3..65535, got 2") !=
              std::string::npos);
        CHECK(daemon.speaker().peers().size() == 2);
    }
    SECTION("a restart-only change is refused") {
        std::string text = reflector_yaml(port);
        text.replace(text.find("10.255.0.1"), 10, "10.255.0.2");
        write(text);
        const auto r = daemon.reload();
        CHECK_FALSE(r.applied);
        CHECK(r.error.find("cluster-id changed") != std::string::npos);
        CHECK(daemon.config().cluster_id == ip("10.255.0.1").v4_value());
    }
    SECTION("add, change and remove; unchanged sessions keep their uptime") {
        write(reflector_yaml(port, "  - { address: 127.0.0.4, asn: 64512, passive: true }\n"));
        auto r = daemon.reload();
        REQUIRE(r.applied);
        CHECK(r.added == 1);
        CHECK(r.unchanged == 2);
        CHECK(r.changed == 0);
        CHECK(daemon.speaker().peer(ip("127.0.0.4")));

        write(reflector_yaml(port,
                             "  - { address: 127.0.0.4, asn: 64512, passive: true, "
                             "description: node-4 }\n"));
        r = daemon.reload();
        REQUIRE(r.applied);
        CHECK(r.changed == 1);
        CHECK(r.unchanged == 2);
        CHECK(daemon.speaker().peer(ip("127.0.0.4"))->description == "node-4");

        write(reflector_yaml(port));
        r = daemon.reload();
        REQUIRE(r.applied);
        CHECK(r.removed == 1);
        CHECK_FALSE(daemon.speaker().peer(ip("127.0.0.4")));
        CHECK(daemon.speaker().peer(ip("127.0.0.2"))->established_since == a_since);
        CHECK(daemon.speaker().peer(ip("127.0.0.3"))->established_since == b_since);
    }
    SECTION("an export policy added to B withdraws only the blocked route, no reset") {
        write(reflector_yaml(port, {}, "to-b", block_pods));
        const auto r = daemon.reload();
        REQUIRE(r.applied);
        CHECK(r.changed == 1);  // B's export names changed
        REQUIRE(run_until(io, [&] { return !route_at(*b, "192.168.1.0/26"); }));
        CHECK(route_at(*b, "192.168.2.0/26"));

        // The policy itself changes (another prefix blocked): set_policies, in place.
        std::string text = reflector_yaml(port, {}, "to-b", block_pods);
        text.replace(text.find("192.168.1.0/26"), 14, "192.168.2.0/26");
        write(text);
        const auto r2 = daemon.reload();
        REQUIRE(r2.applied);
        CHECK(r2.policies_changed);
        CHECK(r2.changed == 0);
        REQUIRE(run_until(
            io, [&] { return route_at(*b, "192.168.1.0/26") && !route_at(*b, "192.168.2.0/26"); }));
        CHECK(daemon.speaker().peer(ip("127.0.0.2"))->established_since == a_since);
        CHECK(daemon.speaker().peer(ip("127.0.0.3"))->established_since == b_since);
    }

    bool done = false;
    daemon.shutdown("test over", [&] { done = true; });
    CHECK(run_until(io, [&] { return done; }));
    bool a_done = false, b_done = false;
    a->shutdown({}, [&] { a_done = true; });
    b->shutdown({}, [&] { b_done = true; });
    CHECK(run_until(io, [&] { return a_done && b_done; }));
    std::remove(path.c_str());
}

TEST_CASE("a dynamic neighbour from a range is a full reflector client; policy reload in place",
          "[reflector]") {
    asio::io_context io;
    constexpr std::uint16_t port = 26121;
    const auto with_range = [&](const std::string& blocked) {
        return reflector_yaml(port) +
               "dynamic-neighbors:\n"
               "  - { prefix: 127.0.1.0/24, asn: 64512, route-reflector-client: true, "
               "max-sessions: 2, hold-time: 9, import: from-nodes }\n"
               "policies:\n"
               "  prefix-lists:\n"
               "    blocked: [ " +
               blocked +
               " ]\n"
               "  definitions:\n"
               "    from-nodes:\n"
               "      terms:\n"
               "        - { match: { prefix-list: blocked }, action: reject }\n"
               "        - { action: accept }\n";
    };
    Daemon daemon(io, parse_config(with_range("10.99.0.0/26"), "reflector.yaml"));
    daemon.start();
    auto a = client(io, "127.0.0.2", "10.0.0.2", port);
    auto d = client(io, "127.0.1.5", "10.0.1.5", port);
    REQUIRE(run_until(io, [&] {
        return established(daemon.speaker(), "127.0.0.2") &&
               established(daemon.speaker(), "127.0.1.5");
    }));
    const auto st = daemon.speaker().peer(ip("127.0.1.5"));
    REQUIRE(st);
    CHECK(st->dynamic);

    wire::PathAttributes attrs;
    attrs.next_hop = ip("198.18.0.5");
    d->announce(pfx("192.168.5.0/26"), attrs);
    d->announce(pfx("192.168.1.0/26"), attrs);
    REQUIRE(run_until(io, [&] {
        return route_at(*a, "192.168.5.0/26").has_value() &&
               route_at(*a, "192.168.1.0/26").has_value();
    }));
    CHECK(route_at(*a, "192.168.5.0/26")->attributes->originator_id == ip("10.0.1.5"));

    // The range's import policy changes (same name, new definition): applied in
    // place to the session from the range (it stays up) and to the next one.
    const auto since = st->established_since;
    const auto r =
        daemon.reload(parse_config(with_range("192.168.1.0/26, 192.168.2.0/26"), "reflector.yaml"));
    REQUIRE(r.applied);
    CHECK(r.policies_changed);
    CHECK(r.removed == 0);
    REQUIRE(run_until(io, [&] { return !route_at(*a, "192.168.1.0/26").has_value(); }));
    CHECK(route_at(*a, "192.168.5.0/26").has_value());
    const auto after = daemon.speaker().peer(ip("127.0.1.5"));
    REQUIRE(after);
    CHECK(after->established_since == since);
    CHECK(after->flap_count == 0);
    auto d2 = client(io, "127.0.1.6", "10.0.1.6", port);
    d2->announce(pfx("192.168.2.0/26"), attrs);
    d2->announce(pfx("192.168.7.0/26"), attrs);
    REQUIRE(run_until(io, [&] { return route_at(*a, "192.168.7.0/26").has_value(); }));
    io.run_for(200ms);
    CHECK_FALSE(route_at(*a, "192.168.2.0/26").has_value());

    bool done = false;
    daemon.shutdown("test over", [&] { done = true; });
    CHECK(run_until(io, [&] { return done; }));
    bool a_done = false, d_done = false, d2_done = false;
    a->shutdown({}, [&] { a_done = true; });
    d->shutdown({}, [&] { d_done = true; });
    d2->shutdown({}, [&] { d2_done = true; });
    CHECK(run_until(io, [&] { return a_done && d_done && d2_done; }));
}
