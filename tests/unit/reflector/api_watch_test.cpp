// GET /api/v1/watch over a real WebSocket on 127.0.0.1 (ports 27200-27299): the
// snapshot (snapshot-begin, a route per best path, snapshot-end), then a live
// session event and live route events; a client too slow for its queue gets
// {"type":"resync"} (and is closed if it stays too slow), never unbounded memory.
#include <boost/asio/io_context.hpp>
#include <catch2/catch_test_macros.hpp>

#include "api/watch_queue.hpp"
#include "api_support.hpp"

using namespace api_test;

namespace {

bool of_type(const json::object& o, const char* type) {
    const auto* t = o.if_contains("type");
    return t != nullptr && t->is_string() && t->get_string() == type;
}

}  // namespace

TEST_CASE("api: watch sends a snapshot, then session and route events", "[reflector][api]") {
    asio::io_context io;
    constexpr std::uint16_t bgp_port = 27201, api_port = 27202;
    bgp::reflector::Daemon daemon(
        io, bgp::reflector::parse_config(
                reflector_yaml(bgp_port,
                               "api: { listen: 127.0.0.1:" + std::to_string(api_port) + " }\n"),
                "reflector.yaml"));
    daemon.start();
    auto server = bgp::reflector::api::start_server(io, daemon, "test");
    REQUIRE(server);
    auto a = client(io, "127.0.0.2", "10.0.0.2", bgp_port);
    REQUIRE(run_until(io, [&] { return established(daemon.speaker(), "127.0.0.2"); }));
    wire::PathAttributes attrs;
    attrs.next_hop = ip("198.18.0.2");
    a->announce(pfx("10.1.0.0/26"), attrs);
    REQUIRE(run_until(io, [&] { return daemon.speaker().rib(wire::ipv4_unicast).size() == 1; }));

    WatchClient w(io, api_port);
    REQUIRE(run_until(io, [&] {
        return w.closed() ||
               w.find([](const json::object& o) { return of_type(o, "snapshot-end"); });
    }));
    REQUIRE(w.messages().size() == 3);
    CHECK(of_type(w.messages()[0].as_object(), "snapshot-begin"));
    const auto& first = w.messages()[1].as_object();
    CHECK(of_type(first, "route"));
    CHECK(first.at("family") == "ipv4-unicast");
    CHECK(first.at("prefix") == "10.1.0.0/26");
    CHECK(first.at("route").at("neighbor") == "127.0.0.2");
    CHECK(first.at("route").at("best") == true);
    CHECK(first.at("route").at("attributes").at("next_hop") == "198.18.0.2");

    // A session event: B comes up.
    auto b = client(io, "127.0.0.3", "10.0.0.3", bgp_port);
    REQUIRE(run_until(io, [&] {
        return w
            .find([](const json::object& o) {
                return of_type(o, "session") && o.at("neighbor") == "127.0.0.3" &&
                       o.at("to") == "Established";
            })
            .has_value();
    }));
    const auto up = *w.find(
        [](const json::object& o) { return of_type(o, "session") && o.at("to") == "Established"; });
    CHECK(w.messages()[up].at("from") == "OpenConfirm");
    CHECK(w.messages()[up].at("asn") == 64512);
    CHECK(w.messages()[up].at("reason").is_string());

    SECTION("live route events: a new best path, then none") {
        const std::size_t mark = w.messages().size();
        a->announce(pfx("10.2.0.0/26"), attrs);
        REQUIRE(run_until(io, [&] {
            return w
                .find(
                    [](const json::object& o) {
                        return of_type(o, "route") && o.at("prefix") == "10.2.0.0/26" &&
                               o.at("route").is_object();
                    },
                    mark)
                .has_value();
        }));
        a->withdraw(pfx("10.2.0.0/26"));
        REQUIRE(run_until(io, [&] {
            return w
                .find(
                    [](const json::object& o) {
                        return of_type(o, "route") && o.at("prefix") == "10.2.0.0/26" &&
                               o.at("route").is_null();
                    },
                    mark)
                .has_value();
        }));
    }

    server.reset();
    CHECK(run_until(io, [&] { return w.closed(); }));
    finish(io, daemon, {a.get(), b.get()});
}

TEST_CASE("api: a watch client whose queue overflows is resynced", "[reflector][api]") {
    asio::io_context io;
    constexpr std::uint16_t bgp_port = 27211, api_port = 27212;
    bgp::reflector::Daemon daemon(
        io, bgp::reflector::parse_config(
                reflector_yaml(bgp_port,
                               "api: { listen: 127.0.0.1:" + std::to_string(api_port) + " }\n"),
                "reflector.yaml"));
    daemon.start();
    bgp::reflector::api::Limits limits;
    limits.watch_queue_bytes = 1;  // any event that has to wait overflows
    bgp::reflector::api::Server server(io, daemon, *daemon.config().api, "test", limits);
    server.start();

    WatchClient w(io, api_port);
    REQUIRE(run_until(io, [&] {
        return w.closed() ||
               w.find([](const json::object& o) { return of_type(o, "snapshot-end"); });
    }));
    REQUIRE_FALSE(w.closed());
    // A session coming up: its first event overflows the queue (resync and a new
    // snapshot; the next ones may close the client, see the WatchQueue test).
    auto a = client(io, "127.0.0.2", "10.0.0.2", bgp_port);
    REQUIRE(run_until(io, [&] {
        return w.find([](const json::object& o) { return of_type(o, "resync"); }).has_value();
    }));
    const auto resync = *w.find([](const json::object& o) { return of_type(o, "resync"); });
    REQUIRE(run_until(io, [&] { return w.messages().size() > resync + 1 || w.closed(); }));
    if (w.messages().size() > resync + 1)
        CHECK(of_type(w.messages()[resync + 1].as_object(), "snapshot-begin"));
    REQUIRE(run_until(io, [&] { return established(daemon.speaker(), "127.0.0.2"); }));

    server.stop();
    finish(io, daemon, {a.get()});
}

TEST_CASE("api: the watch queue is bounded: resync, then too slow", "[reflector][api]") {
    using bgp::reflector::api::WatchQueue;
    std::size_t snapshots = 0;
    const auto take = [&snapshots] {
        ++snapshots;
        WatchQueue::Snapshot s;
        bgp::RibRoute r;
        r.prefix = pfx("10.1.0.0/26");
        r.best = true;
        s.emplace_back(wire::ipv4_unicast, r);
        return s;
    };
    const auto type_of = [](const WatchQueue::Message& m) {
        REQUIRE(m);
        return str(json::parse(*m), "type");
    };
    const auto event = [](const std::string& text) {
        return std::make_shared<const std::string>(text);
    };
    WatchQueue q(100, take);
    CHECK(snapshots == 1);
    // Events pushed during the snapshot come after it, in order.
    CHECK(q.push(event(R"({"type":"session","n":1})")));
    CHECK(type_of(q.next()) == "snapshot-begin");
    CHECK(type_of(q.next()) == "route");
    CHECK(q.push(event(R"({"type":"session","n":2})")));
    CHECK(type_of(q.next()) == "snapshot-end");
    CHECK(*q.next() == R"({"type":"session","n":1})");
    CHECK(*q.next() == R"({"type":"session","n":2})");
    CHECK(q.next() == nullptr);
    CHECK(q.queued_bytes() == 0);

    // Over 100 bytes queued: dropped, a resync and a new snapshot.
    const std::string big(60, 'x');
    CHECK(q.push(event(big)));
    CHECK(q.push(event(big)));
    CHECK(snapshots == 2);
    CHECK(q.resyncs() == 1);
    CHECK(q.queued_bytes() == 0);
    CHECK(type_of(q.next()) == "resync");
    CHECK(type_of(q.next()) == "snapshot-begin");
    // Overflowing again before that snapshot is out: too slow.
    CHECK(q.push(event(big)));
    CHECK_FALSE(q.push(event(big)));
    CHECK(q.queued_bytes() <= 200);
}

TEST_CASE("api: a resync snapshot sent in full clears the too-slow state", "[reflector][api]") {
    using bgp::reflector::api::WatchQueue;
    WatchQueue q(10, [] { return WatchQueue::Snapshot{}; });
    const auto drain = [&q] {
        std::size_t n = 0;
        while (q.next() && n < 100) ++n;
        return n;
    };
    CHECK(drain() == 2);  // snapshot-begin, snapshot-end
    const auto big = std::make_shared<const std::string>(std::string(20, 'x'));
    CHECK(q.push(big));   // resync
    CHECK(drain() == 3);  // resync, snapshot-begin, snapshot-end
    CHECK_FALSE(q.in_snapshot());
    CHECK(q.push(big));  // a resync again, not a close
    CHECK(q.resyncs() == 2);
}
