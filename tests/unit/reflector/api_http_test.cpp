// The HTTP API over real HTTP on 127.0.0.1 (ports 27000-27099): a Daemon with
// two reflector clients, one announcing routes; GET status, neighbors,
// neighbors/{address}, rib with its filters; the errors (404, 400 for a bad
// prefix, family or parameter, 405, a malformed request, 413 for a big body);
// keep-alive; and /metrics checked line by line against the text format 0.0.4.
#include <boost/asio/io_context.hpp>
#include <catch2/catch_test_macros.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "api/metrics.hpp"
#include "api_support.hpp"

using namespace api_test;

namespace {

/// The daemon on `bgp_port`, its API on `api_port`, clients A (announcing two
/// routes) and B, both Established, B holding the routes.
struct Fixture {
    asio::io_context io;
    std::unique_ptr<bgp::reflector::Daemon> daemon;
    std::unique_ptr<bgp::reflector::api::Server> server;
    std::unique_ptr<bgp::Speaker> a, b;
    std::uint16_t api_port;

    Fixture(std::uint16_t bgp_port, std::uint16_t port) : api_port(port) {
        daemon = std::make_unique<bgp::reflector::Daemon>(
            io, bgp::reflector::parse_config(
                    reflector_yaml(bgp_port,
                                   "api: { listen: 127.0.0.1:" + std::to_string(port) + " }\n"),
                    "reflector.yaml"));
        daemon->start();
        server = bgp::reflector::api::start_server(io, *daemon, "9.9.9");
        REQUIRE(server);
        a = client(io, "127.0.0.2", "10.0.0.2", bgp_port);
        b = client(io, "127.0.0.3", "10.0.0.3", bgp_port);
        REQUIRE(run_until(io, [&] {
            return established(daemon->speaker(), "127.0.0.2") &&
                   established(daemon->speaker(), "127.0.0.3");
        }));
        wire::PathAttributes attrs;
        attrs.next_hop = ip("198.18.0.2");
        attrs.communities = std::vector<std::uint32_t>{(65000U << 16) | 1U};
        a->announce(pfx("10.1.0.0/26"), attrs);
        a->announce(pfx("10.1.0.64/26"), attrs);
        REQUIRE(run_until(io, [&] { return b->received_routes(ip("127.0.0.1")).size() == 2; }));
    }
    ~Fixture() {
        server.reset();
        finish(io, *daemon, {a.get(), b.get()});
    }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;
};

const json::object& obj(const json::value& v) {
    REQUIRE(v.is_object());
    return v.as_object();
}

}  // namespace

TEST_CASE("api: status, neighbors and rib as the contract says", "[reflector][api]") {
    Fixture f(27001, 27002);
    auto& io = f.io;

    SECTION("status") {
        const auto r = get(io, f.api_port, "/api/v1/status");
        CHECK(r.status == 200);
        CHECK(r.response[http::field::content_type] == "application/json");
        const auto& s = obj(r.json);
        CHECK(s.at("router_id") == "10.0.0.1");
        CHECK(s.at("asn") == 64512);
        CHECK(s.at("cluster_id") == "10.255.0.1");
        CHECK(s.at("version") == "9.9.9");
        CHECK(s.at("uptime_seconds").is_int64());
        CHECK(s.at("neighbors").at("configured") == 2);
        CHECK(s.at("neighbors").at("dynamic") == 0);
        CHECK(s.at("neighbors").at("established") == 2);
        CHECK(s.at("routes").at("ipv4-unicast").at("prefixes") == 2);
        CHECK(s.at("routes").at("ipv4-unicast").at("paths") == 2);
        CHECK(s.at("routes").at("ipv6-unicast").at("prefixes") == 0);
        CHECK(s.at("best_path_changes").is_number());
    }
    SECTION("neighbors and one neighbour") {
        const auto r = get(io, f.api_port, "/api/v1/neighbors");
        CHECK(r.status == 200);
        const auto& list = obj(r.json).at("neighbors").as_array();
        REQUIRE(list.size() == 2);
        std::set<std::string> addresses;
        for (const auto& n : list) addresses.insert(str(n, "address"));
        CHECK(addresses == std::set<std::string>{"127.0.0.2", "127.0.0.3"});

        const auto one = get(io, f.api_port, "/api/v1/neighbors/127.0.0.2");
        CHECK(one.status == 200);
        const auto& n = obj(one.json);
        CHECK(n.at("address") == "127.0.0.2");
        CHECK(n.at("asn") == 64512);
        CHECK(n.at("description") == "node-a");
        CHECK(n.at("dynamic") == false);
        CHECK(n.at("route_reflector_client") == true);
        CHECK(n.at("admin_down") == false);
        CHECK(n.at("state") == "Established");
        CHECK(n.at("uptime_seconds").is_int64());
        CHECK(n.at("flap_count") == 0);
        CHECK(n.at("last_error").is_string());
        CHECK(str(one.json, "local").rfind("127.0.0.1:", 0) == 0);
        CHECK(str(one.json, "remote").rfind("127.0.0.2:", 0) == 0);
        const auto& caps = n.at("capabilities").as_object();
        CHECK(caps.at("families").as_array() == json::array{"ipv4-unicast"});
        CHECK(caps.at("four_octet_as") == true);
        CHECK(caps.at("route_refresh") == true);
        CHECK(caps.at("hold_time") == 9);
        CHECK(caps.at("keepalive") == 3);
        CHECK(caps.at("add_path").as_object().empty());
        const auto& fam = n.at("families").at("ipv4-unicast").as_object();
        CHECK(fam.at("received") == 2);
        CHECK(fam.contains("accepted"));
        CHECK(fam.contains("advertised"));
        CHECK(n.at("updates").at("received").as_int64() >= 1);
        CHECK(n.at("notifications").at("sent") == 0);
        CHECK(n.at("write_queue_bytes").is_number());
    }
    SECTION("rib, with its filters") {
        auto r = get(io, f.api_port, "/api/v1/rib");
        CHECK(r.status == 200);
        CHECK(obj(r.json).at("family") == "ipv4-unicast");
        const auto& routes = obj(r.json).at("routes").as_array();
        REQUIRE(routes.size() == 2);
        const auto& route = routes[0].as_object();
        CHECK(route.at("prefix") == "10.1.0.0/26");
        CHECK(route.at("neighbor") == "127.0.0.2");
        CHECK(route.at("neighbor_asn") == 64512);
        CHECK(route.at("path_id") == 0);
        CHECK(route.at("best") == true);
        CHECK(route.at("multipath").is_bool());
        CHECK(route.at("stale") == false);
        CHECK(route.at("reason").is_string());
        const auto& attrs = route.at("attributes").as_object();
        CHECK(attrs.at("origin") == "igp");
        CHECK(attrs.at("next_hop") == "198.18.0.2");
        CHECK(attrs.at("local_pref") == 100);
        CHECK(attrs.at("communities").as_array() == json::array{"65000:1"});
        CHECK(attrs.at("as_path").is_array());

        r = get(io, f.api_port, "/api/v1/rib?family=ipv4-unicast&prefix=10.1.0.64/26");
        REQUIRE(obj(r.json).at("routes").as_array().size() == 1);
        CHECK(obj(r.json).at("routes").as_array()[0].at("prefix") == "10.1.0.64/26");
        r = get(io, f.api_port, "/api/v1/rib?prefix=10.1.0.64%2F26&best=true");
        CHECK(obj(r.json).at("routes").as_array().size() == 1);
        r = get(io, f.api_port, "/api/v1/rib?neighbor=127.0.0.2");
        CHECK(obj(r.json).at("routes").as_array().size() == 2);
        r = get(io, f.api_port, "/api/v1/rib?neighbor=127.0.0.3");
        CHECK(obj(r.json).at("routes").as_array().empty());
        r = get(io, f.api_port, "/api/v1/rib?neighbor=local");
        CHECK(obj(r.json).at("routes").as_array().empty());
        r = get(io, f.api_port, "/api/v1/rib?family=ipv6-unicast");
        CHECK(obj(r.json).at("family") == "ipv6-unicast");
        CHECK(obj(r.json).at("routes").as_array().empty());
    }
}

TEST_CASE("api: errors are JSON with the right status", "[reflector][api]") {
    Fixture f(27011, 27012);
    auto& io = f.io;
    const auto error_of = [&](const HttpResult& r) { return str(r.json, "error"); };

    auto r = get(io, f.api_port, "/api/v1/neighbors/127.0.0.9");
    CHECK(r.status == 404);
    CHECK(error_of(r) == "no neighbour 127.0.0.9");
    r = get(io, f.api_port, "/api/v1/nothing");
    CHECK(r.status == 404);
    CHECK(error_of(r) == "no such endpoint: /api/v1/nothing");
    r = get(io, f.api_port, "/api/v1/neighbors/not-an-address");
    CHECK(r.status == 400);
    r = get(io, f.api_port, "/api/v1/rib?prefix=10.1.0.0/33");
    CHECK(r.status == 400);
    CHECK(error_of(r).rfind("prefix: expected a prefix", 0) == 0);
    r = get(io, f.api_port, "/api/v1/rib?prefix=10.1.0.1/26");
    CHECK(r.status == 400);
    CHECK(error_of(r) == "prefix: host bits set in 10.1.0.1/26 (did you mean 10.1.0.0/26?)");
    r = get(io, f.api_port, "/api/v1/rib?family=ipv4-flowspec");
    CHECK(r.status == 400);
    CHECK(error_of(r) == "family: expected ipv4-unicast or ipv6-unicast, got 'ipv4-flowspec'");
    r = get(io, f.api_port, "/api/v1/rib?family=ipv6-unicast&prefix=10.1.0.0/26");
    CHECK(r.status == 400);
    r = get(io, f.api_port, "/api/v1/rib?prefx=10.1.0.0/26");
    CHECK(r.status == 400);
    CHECK(error_of(r) == "unknown parameter 'prefx' (expected family, prefix, neighbor, best)");
    r = get(io, f.api_port, "/api/v1/rib?best=maybe");
    CHECK(r.status == 400);
    r = http_call(io, f.api_port, http::verb::delete_, "/api/v1/status");
    CHECK(r.status == 405);
    CHECK(r.response[http::field::allow] == "GET");
    r = get(io, f.api_port, "/api/v1/watch");  // no Upgrade
    CHECK(r.status == 426);

    // Not HTTP at all: 400 with a JSON error, then the connection is closed.
    std::string raw = raw_exchange(io, f.api_port, "HELLO THERE\r\n\r\n");
    CHECK(raw.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
    CHECK(raw.find("{\"error\":\"malformed HTTP request: ") != std::string::npos);
    // A body over 1 MiB: 413 as soon as the headers say so.
    raw = raw_exchange(io, f.api_port,
                       "POST /api/v1/neighbors HTTP/1.1\r\nHost: x\r\nContent-Type: "
                       "application/json\r\nContent-Length: 2000000\r\n\r\n{");
    CHECK(raw.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0) == 0);
    CHECK(raw.find("request body larger than 1048576 bytes") != std::string::npos);
    // Headers over 16 KiB: 431.
    raw = raw_exchange(
        io, f.api_port,
        "GET /api/v1/status HTTP/1.1\r\nX-Big: " + std::string(20000, 'x') + "\r\n\r\n");
    CHECK(raw.rfind("HTTP/1.1 431 ", 0) == 0);

    // The sessions did not notice.
    CHECK(established(f.daemon->speaker(), "127.0.0.2"));
    CHECK(established(f.daemon->speaker(), "127.0.0.3"));
    CHECK(f.daemon->speaker().peer(ip("127.0.0.2"))->flap_count == 0);
}

TEST_CASE("api: keep-alive serves several requests on one connection", "[reflector][api]") {
    Fixture f(27021, 27022);
    const std::string one = "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string last =
        "GET /api/v1/neighbors HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    const std::string raw = raw_exchange(f.io, f.api_port, one + one + last);
    std::size_t responses = 0;
    for (auto at = raw.find("HTTP/1.1 200 OK"); at != std::string::npos;
         at = raw.find("HTTP/1.1 200 OK", at + 1))
        ++responses;
    CHECK(responses == 3);
    CHECK(raw.find("\"neighbors\":[") != std::string::npos);
}

TEST_CASE("api: /metrics follows the Prometheus text format 0.0.4", "[reflector][api]") {
    Fixture f(27031, 27032);
    const auto r = get(f.io, f.api_port, "/metrics");
    REQUIRE(r.status == 200);
    CHECK(r.response[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
    const std::string& text = r.body;
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');

    // Line by line: HELP, then TYPE, then the family's samples, each family once.
    const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)");
    const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|untyped))");
    const std::regex sample(
        R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? -?[0-9]+(\.[0-9]+)?)");
    std::istringstream in(text);
    std::string line, family, family_type;
    std::set<std::string> families;
    std::size_t samples = 0;
    while (std::getline(in, line)) {
        INFO(line);
        std::smatch m;
        if (std::regex_match(line, m, help)) {
            family = m[1];
            CHECK(families.insert(family).second);
            family_type.clear();
        } else if (std::regex_match(line, m, type)) {
            CHECK(m[1] == family);
            CHECK(family_type.empty());
            family_type = m[2];
        } else {
            REQUIRE(std::regex_match(line, m, sample));
            CHECK(m[1] == family);
            CHECK(!family_type.empty());
            ++samples;
        }
    }
    CHECK(samples > 20);
    for (const char* name :
         {"bgp_reflector_sessions", "bgp_reflector_uptime_seconds",
          "bgp_reflector_neighbor_prefixes_received", "bgp_reflector_neighbor_prefixes_accepted",
          "bgp_reflector_neighbor_prefixes_advertised",
          "bgp_reflector_neighbor_updates_received_total",
          "bgp_reflector_neighbor_updates_sent_total", "bgp_reflector_notifications_total",
          "bgp_reflector_best_path_changes_total", "bgp_reflector_neighbor_write_queue_bytes"})
        CHECK(families.contains(name));
    CHECK(text.find("bgp_reflector_sessions{state=\"Established\"} 2\n") != std::string::npos);
    CHECK(text.find("bgp_reflector_sessions{state=\"Idle\"} 0\n") != std::string::npos);
    CHECK(text.find("bgp_reflector_neighbor_prefixes_received{neighbor=\"127.0.0.2\",family="
                    "\"ipv4-unicast\"} 2\n") != std::string::npos);
    CHECK(text.find("bgp_reflector_neighbor_info{neighbor=\"127.0.0.2\",asn=\"64512\","
                    "description=\"node-a\",dynamic=\"false\"} 1\n") != std::string::npos);
}

TEST_CASE("api: metric label values are escaped", "[reflector][api]") {
    CHECK(bgp::reflector::api::escape_label_value("plain") == "plain");
    CHECK(bgp::reflector::api::escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}
