// The API calls that change state, over real HTTP on 127.0.0.1 (ports
// 27100-27199): POST /api/v1/neighbors (good, refused with the key named,
// duplicate), DELETE, POST /api/v1/reload with a good and a bad file, POST
// .../refresh; the bearer token (401 with WWW-Authenticate, constant-time
// compare); the unix socket (stale file removed, mode 0660, removed at stop).
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch_test_macros.hpp>
#include <cstdio>
#include <fstream>

#include "api/http.hpp"
#include "api_support.hpp"

using namespace api_test;

namespace {

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("api: add and delete a neighbour, reload, refresh", "[reflector][api]") {
    asio::io_context io;
    constexpr std::uint16_t bgp_port = 27101, api_port = 27102;
    const std::string path = "/tmp/bgp-reflector-api-test-27101.yaml";
    const std::string api = "api: { listen: 127.0.0.1:" + std::to_string(api_port) + " }\n";
    write_file(path, reflector_yaml(bgp_port, api));
    bgp::reflector::Daemon daemon(io, bgp::reflector::load_config(path));
    daemon.start();
    auto server = bgp::reflector::api::start_server(io, daemon, "test");
    REQUIRE(server);
    auto a = client(io, "127.0.0.2", "10.0.0.2", bgp_port);
    REQUIRE(run_until(io, [&] { return established(daemon.speaker(), "127.0.0.2"); }));
    const auto a_since = daemon.speaker().peer(ip("127.0.0.2"))->established_since;

    SECTION("POST a neighbour, then DELETE it") {
        auto r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors",
                           R"({"address":"127.0.0.4","asn":64512,"passive":true,)"
                           R"("route-reflector-client":true,"hold-time":30,)"
                           R"("families":["ipv4-unicast"],"description":"node \"d\""})");
        CHECK(r.status == 201);
        CHECK(str(r.json, "address") == "127.0.0.4");
        CHECK(str(r.json, "description") == "node \"d\"");
        CHECK(r.json.at("route_reflector_client") == true);
        REQUIRE(daemon.speaker().peer(ip("127.0.0.4")));
        CHECK(daemon.config().neighbors.size() == 3);
        r = get(io, api_port, "/api/v1/neighbors/127.0.0.4");
        CHECK(r.status == 200);

        // The same again: 409.
        r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors",
                      R"({"address":"127.0.0.4","asn":64512})");
        CHECK(r.status == 409);
        CHECK(str(r.json, "error") == "address: 127.0.0.4 is already a neighbour");

        r = http_call(io, api_port, http::verb::delete_, "/api/v1/neighbors/127.0.0.4");
        CHECK(r.status == 200);
        CHECK(str(r.json, "removed") == "127.0.0.4");
        CHECK_FALSE(daemon.speaker().peer(ip("127.0.0.4")));
        CHECK(daemon.config().neighbors.size() == 2);
        r = http_call(io, api_port, http::verb::delete_, "/api/v1/neighbors/127.0.0.4");
        CHECK(r.status == 404);
    }
    SECTION("a refused neighbour names the key") {
        auto r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors",
                           R"({"address":"127.0.0.4","asn":64512,"hold-time":2})");
        CHECK(r.status == 400);
        CHECK(str(r.json, "error") == "hold-time: expected 0 or 3..65535, got 2");
        CHECK(str(r.json, "key") == "hold-time");
        r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors",
                      R"({"address":"127.0.0.4","asn":64512,"hold-tme":90})");
        CHECK(r.status == 400);
        CHECK(str(r.json, "error").rfind("hold-tme: unknown key (expected one of: address", 0) ==
              0);
        r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors",
                      R"({"address":"127.0.0.4"})");
        CHECK(r.status == 400);
        CHECK(str(r.json, "error") == "asn: missing (required)");
        r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors",
                      R"({"address":"127.0.0.4","asn":64512,"import":"nope"})");
        CHECK(r.status == 400);
        CHECK(str(r.json, "error").rfind("import: unknown policy 'nope'", 0) == 0);
        r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors",
                      R"({"address":"127.0.0.4","asn":65001,"route-reflector-client":true})");
        CHECK(r.status == 400);
        CHECK(str(r.json, "key") == "route-reflector-client");
        r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors", "{not json");
        CHECK(r.status == 400);
        CHECK(str(r.json, "error").rfind("body: not JSON", 0) == 0);
        r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors", "[1,2]");
        CHECK(r.status == 400);
        CHECK_FALSE(daemon.speaker().peer(ip("127.0.0.4")));
        CHECK(daemon.config().neighbors.size() == 2);
    }
    SECTION("reload: a good file, then a bad one") {
        write_file(path, reflector_yaml(bgp_port) +
                             "  - { address: 127.0.0.5, asn: 64512, passive: true }\n" + api);
        auto r = http_call(io, api_port, http::verb::post, "/api/v1/reload");
        CHECK(r.status == 200);
        CHECK(r.json.at("applied") == true);
        CHECK(r.json.at("added") == 1);
        CHECK(r.json.at("removed") == 0);
        CHECK(r.json.at("changed") == 0);
        CHECK(r.json.at("unchanged") == 2);
        CHECK(r.json.at("policies_changed") == false);
        CHECK(daemon.speaker().peer(ip("127.0.0.5")));

        write_file(path, reflector_yaml(bgp_port) +
                             "  - { address: 127.0.0.5, asn: 64512, hold-time: 2 }\n" + api);
        r = http_call(io, api_port, http::verb::post, "/api/v1/reload");
        CHECK(r.status == 400);
        CHECK(r.json.at("applied") == false);
        CHECK(str(r.json, "error").find("neighbors[2].hold-time: expected 0 or 3..65535, got 2") !=
              std::string::npos);
        CHECK(daemon.speaker().peer(ip("127.0.0.5")));
        CHECK(daemon.speaker().peer(ip("127.0.0.2"))->established_since == a_since);
    }
    SECTION("refresh") {
        auto r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors/127.0.0.2/refresh");
        CHECK(r.status == 200);
        CHECK(str(r.json, "refreshed") == "127.0.0.2");
        CHECK(r.json.at("families").as_array() == json::array{"ipv4-unicast"});
        r = http_call(io, api_port, http::verb::post,
                      "/api/v1/neighbors/127.0.0.2/refresh?family=ipv6-unicast");
        CHECK(r.status == 409);
        r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors/127.0.0.3/refresh");
        CHECK(r.status == 409);
        CHECK(str(r.json, "error").find("not Established") != std::string::npos);
        r = http_call(io, api_port, http::verb::post, "/api/v1/neighbors/127.0.0.9/refresh");
        CHECK(r.status == 404);
        CHECK(daemon.speaker().peer(ip("127.0.0.2"))->established_since == a_since);
    }

    server.reset();
    finish(io, daemon, {a.get()});
    std::remove(path.c_str());
}

TEST_CASE("api: with a token file, changes need the bearer token", "[reflector][api]") {
    asio::io_context io;
    constexpr std::uint16_t bgp_port = 27111, api_port = 27112;
    const std::string token_path = "/tmp/bgp-reflector-api-test-27111.token";
    write_file(token_path, "s3cret-token\nsecond line ignored\n");
    bgp::reflector::Daemon daemon(
        io, bgp::reflector::parse_config(
                reflector_yaml(bgp_port, "api: { listen: 127.0.0.1:" + std::to_string(api_port) +
                                             ", token-file: " + token_path + " }\n"),
                "reflector.yaml"));
    daemon.start();
    auto server = bgp::reflector::api::start_server(io, daemon, "test");
    REQUIRE(server);

    auto r = get(io, api_port, "/api/v1/status");  // reads stay open on loopback
    CHECK(r.status == 200);
    r = http_call(io, api_port, http::verb::post, "/api/v1/reload");
    CHECK(r.status == 401);
    CHECK(r.response[http::field::www_authenticate] == "Bearer realm=\"bgp-reflector\"");
    CHECK(str(r.json, "error").find("Authorization: Bearer") != std::string::npos);
    r = http_call(io, api_port, http::verb::delete_, "/api/v1/neighbors/127.0.0.2", {}, "wrong");
    CHECK(r.status == 401);
    r = http_call(io, api_port, http::verb::delete_, "/api/v1/neighbors/127.0.0.2", {},
                  "s3cret-toke");
    CHECK(r.status == 401);
    CHECK(daemon.speaker().peer(ip("127.0.0.2")));
    r = http_call(io, api_port, http::verb::delete_, "/api/v1/neighbors/127.0.0.2", {},
                  "s3cret-token");
    CHECK(r.status == 200);
    CHECK_FALSE(daemon.speaker().peer(ip("127.0.0.2")));

    server.reset();
    finish(io, daemon, {});
    std::remove(token_path.c_str());
}

TEST_CASE("api: the token rules", "[reflector][api]") {
    using bgp::reflector::api::Auth;
    using bgp::reflector::api::constant_time_equal;
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
    CHECK_FALSE(constant_time_equal("", "a"));

    bgp::reflector::api::Request get{http::verb::get, "/api/v1/status", 11};
    bgp::reflector::api::Request post{http::verb::post, "/api/v1/reload", 11};
    Auth open;
    CHECK(open.allows(get));
    CHECK(open.allows(post));
    Auth writes{Auth::Mode::writes, "t0k"};
    CHECK(writes.allows(get));
    CHECK_FALSE(writes.allows(post));
    post.set(http::field::authorization, "bearer t0k");  // the scheme is case-insensitive
    CHECK(writes.allows(post));
    post.set(http::field::authorization, "Basic t0k");
    CHECK_FALSE(writes.allows(post));
    Auth all{Auth::Mode::all, "t0k"};
    CHECK_FALSE(all.allows(get));
    get.set(http::field::authorization, "Bearer t0k");
    CHECK(all.allows(get));

    // A non-loopback listener without a token file is refused by the file's reader.
    std::string error;
    try {
        (void)bgp::reflector::parse_config(reflector_yaml(179, "api: { listen: 192.0.2.1:8179 }\n"),
                                           "reflector.yaml");
    } catch (const bgp::reflector::ConfigError& e) {
        error = e.what();
    }
    CHECK(error.find("api.listen: a non-loopback address needs api.token-file") !=
          std::string::npos);
}

TEST_CASE("api: on a unix socket", "[reflector][api]") {
    asio::io_context io;
    constexpr std::uint16_t bgp_port = 27121;
    const std::string sock = "/tmp/bgp-reflector-api-test-27121.sock";
    // A stale socket file left by a daemon that is gone.
    {
        asio::local::stream_protocol::acceptor stale(io,
                                                     asio::local::stream_protocol::endpoint(sock));
    }
    struct stat st {};
    REQUIRE(::stat(sock.c_str(), &st) == 0);

    bgp::reflector::Daemon daemon(
        io, bgp::reflector::parse_config(
                reflector_yaml(bgp_port, "api: { listen: " + sock + " }\n"), "reflector.yaml"));
    daemon.start();
    auto server = bgp::reflector::api::start_server(io, daemon, "test");
    REQUIRE(server);
    CHECK(server->endpoint() == sock);
    REQUIRE(::stat(sock.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 0777) == 0660);

    // A second server on the same live socket is refused, and leaves it alone.
    bgp::reflector::api::Server second(io, daemon, *daemon.config().api, "test");
    CHECK_THROWS_AS(second.start(), std::system_error);

    // GET /api/v1/status over the socket.
    asio::local::stream_protocol::socket s(io);
    bool connected = false;
    s.async_connect(asio::local::stream_protocol::endpoint(sock),
                    [&](const boost::system::error_code& ec) { connected = !ec; });
    REQUIRE(run_until(io, [&] { return connected; }));
    const std::string request =
        "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    std::string response;
    bool done = false;
    asio::async_write(s, asio::buffer(request), [&](const boost::system::error_code&, std::size_t) {
        asio::async_read(s, asio::dynamic_buffer(response),
                         [&](const boost::system::error_code&, std::size_t) { done = true; });
    });
    REQUIRE(run_until(io, [&] { return done; }));
    CHECK(response.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(response.find("\"router_id\":\"10.0.0.1\"") != std::string::npos);

    server->stop();
    CHECK(::stat(sock.c_str(), &st) != 0);  // removed
    server.reset();
    finish(io, daemon, {});
}
