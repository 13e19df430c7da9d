// The CLI against a stand-in API (cli_fake_api.hpp) over real HTTP and
// WebSocket on 127.0.0.1 (ports 27500-27599) and a unix socket: the request each
// command sends, the table or JSON it prints, the error text and exit status for
// a refused connection, an HTTP error, a refused reload, a silent server.
#include <unistd.h>
#include <boost/json.hpp>
#include <catch2/catch_test_macros.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/cli.hpp"
#include "cli_fake_api.hpp"

namespace {

using bgp::reflector::cli::parse_arguments;
using cli_test::Canned;
using cli_test::loopback;
using cli_test::TcpFakeApi;

struct Result {
    int status = -1;
    std::string out, err;
};

Result run(std::vector<std::string> args) {
    std::ostringstream out, err;
    Result r;
    r.status = bgp::reflector::cli::run(parse_arguments(args), out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

const char* const neighbors = R"({"neighbors":[{"address":"10.0.0.2","asn":64512,
  "state":"Established","uptime_seconds":5,"families":{"ipv4-unicast":{"received":1,
  "accepted":1,"advertised":0}}}]})";

}  // namespace

TEST_CASE("cli client: show neighbors as a table and as JSON", "[reflector][cli]") {
    TcpFakeApi api(loopback(27510), {{"GET /api/v1/neighbors", {200, neighbors}}});
    auto r = run({"show", "neighbors", "--api", "127.0.0.1:27510"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "Neighbor  AS     State        Up/Down   ipv4 Rcv/Acc/Adv\n"
          "10.0.0.2  64512  Established  00:00:05  1/1/0\n");

    r = run({"show", "neighbors", "--api", "127.0.0.1:27510", "--json"});
    CHECK(r.status == 0);
    CHECK(boost::json::parse(r.out) == boost::json::parse(neighbors));  // unchanged
    CHECK(r.out.substr(0, 17) == "{\n  \"neighbors\": ");               // pretty-printed

    const auto seen = api.seen();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].method == "GET");
    CHECK(seen[0].target == "/api/v1/neighbors");
    CHECK(seen[0].authorization.empty());
}

TEST_CASE("cli client: the API is not there", "[reflector][cli]") {
    // Nothing listens on 127.0.0.1:27599 (the CLI's range: no other test binds it).
    const auto r = run({"show", "neighbors", "--api", "127.0.0.1:27599"});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "bgp-reflector: cannot connect to the API at 127.0.0.1:27599: Connection refused "
          "(is bgp-reflector running? is api.listen set?)\n");

    const auto u = run({"show", "status", "--api", "/nonexistent/bgp-reflector.sock"});
    CHECK(u.status == 1);
    CHECK(u.err ==
          "bgp-reflector: cannot connect to the API at /nonexistent/bgp-reflector.sock: No such "
          "file or directory (is bgp-reflector running? is api.listen set?)\n");

    const auto bad = run({"show", "status", "--api", "nowhere"});
    CHECK(bad.status == 2);
    CHECK(bad.err ==
          "bgp-reflector: --api: expected ADDRESS:PORT or a unix socket path, got 'nowhere'\n");
}

TEST_CASE("cli client: HTTP errors print the server's error field", "[reflector][cli]") {
    TcpFakeApi api(loopback(27511), {{"GET /api/v1/neighbors/10.0.0.9",
                                      {404, R"({"error":"no neighbor 10.0.0.9"})"}},
                                     {"GET /api/v1/status", {500, "oops"}},
                                     {"POST /api/v1/neighbors/10.0.0.2/refresh",
                                      {409, R"({"error":"10.0.0.2 is not Established"})"}}});
    auto r = run({"show", "neighbor", "10.0.0.9", "--api", "127.0.0.1:27511"});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "bgp-reflector: no neighbor 10.0.0.9 (HTTP 404 Not Found)\n");

    r = run({"show", "status", "--api", "127.0.0.1:27511"});
    CHECK(r.status == 1);
    CHECK(r.err == "bgp-reflector: oops (HTTP 500 Internal Server Error)\n");

    r = run({"neighbor", "refresh", "10.0.0.2", "--api", "127.0.0.1:27511"});
    CHECK(r.status == 1);
    CHECK(r.err == "bgp-reflector: 10.0.0.2 is not Established (HTTP 409 Conflict)\n");
}

TEST_CASE("cli client: rib queries, show route's exit status", "[reflector][cli]") {
    const std::string route = R"({"family":"ipv6-unicast","routes":[{"prefix":"2001:db8::/48",
      "neighbor":"fd00::2","neighbor_asn":64512,"path_id":0,"best":true,"reason":"only path",
      "attributes":{"origin":"igp","as_path":[],"next_hop":"fd00::2","local_pref":100}}]})";
    TcpFakeApi api(loopback(27512),
                   {{"GET /api/v1/rib?family=ipv6-unicast&prefix=2001:db8::/48&neighbor=fd00::2",
                     {200, route}},
                    {"GET /api/v1/rib?family=ipv6-unicast&prefix=2001:db8::/48", {200, route}},
                    {"GET /api/v1/rib?family=ipv4-unicast&prefix=10.9.0.0/16",
                     {200, R"({"family":"ipv4-unicast","routes":[]})"}}});
    auto r =
        run({"show", "rib", "2001:db8::/48", "--neighbor", "fd00::2", "--api", "127.0.0.1:27512"});
    CHECK(r.status == 0);
    CHECK(r.out ==
          "    Network        Next Hop  AS Path  LocPrf  MED  From\n"
          "*>  2001:db8::/48  fd00::2   i        100     -    fd00::2\n");

    r = run({"show", "route", "2001:db8::/48", "--api", "127.0.0.1:27512"});
    CHECK(r.status == 0);
    CHECK(r.out ==
          "2001:db8::/48 (ipv6-unicast): 1 path\n"
          "*>  from fd00::2, AS 64512 (best: only path)\n"
          "    AS path     (empty)\n"
          "    Origin      IGP\n"
          "    Next hop    fd00::2\n"
          "    Local pref  100\n");

    r = run({"show", "route", "10.9.0.0/16", "--api", "127.0.0.1:27512"});
    CHECK(r.status == 1);
    CHECK(r.out == "10.9.0.0/16 (ipv4-unicast): not in the RIB\n");
}

TEST_CASE("cli client: reload, neighbor add/delete/refresh with a token", "[reflector][cli]") {
    const std::string token_file = "/tmp/bgp-cli-test-token-" + std::to_string(::getpid());
    std::ofstream(token_file) << "  s3cret-token \nsecond line\n";
    TcpFakeApi api(
        loopback(27513),
        {{"POST /api/v1/reload", {200, R"({"applied":true,"added":1,"removed":0,"changed":0,
            "unchanged":2,"policies_changed":false})"}},
         {"POST /api/v1/neighbors", {201, R"({"address":"10.0.0.9","asn":64512})"}},
         {"DELETE /api/v1/neighbors/10.0.0.9", {200, R"({"removed":"10.0.0.9"})"}},
         {"POST /api/v1/neighbors/10.0.0.2/refresh?family=ipv4-unicast",
          {200, R"({"refreshed":"10.0.0.2","families":["ipv4-unicast"]})"}}});
    const std::string a = "127.0.0.1:27513";
    auto r = run({"reload", "--api", a, "--token-file", token_file});
    CHECK(r.status == 0);
    CHECK(r.out ==
          "reload applied: 1 added, 0 removed, 0 changed, 2 unchanged; policies unchanged\n");

    r = run({"neighbor", "add", "10.0.0.9", "as", "64512", "rr-client", "--api", a, "--token-file",
             token_file});
    CHECK(r.status == 0);
    CHECK(r.out == "neighbor 10.0.0.9 added (AS 64512)\n");
    r = run({"neighbor", "delete", "10.0.0.9", "--api", a, "--token-file", token_file});
    CHECK(r.out == "neighbor 10.0.0.9 removed\n");
    r = run({"neighbor", "refresh", "10.0.0.2", "--family", "ipv4", "--api", a});
    CHECK(r.out == "route refresh sent to 10.0.0.2 (ipv4-unicast)\n");

    const auto seen = api.seen();
    REQUIRE(seen.size() == 4);
    CHECK(seen[0].authorization == "Bearer s3cret-token");
    CHECK(seen[1].method == "POST");
    CHECK(
        boost::json::parse(seen[1].body) ==
        boost::json::parse(R"({"address":"10.0.0.9","asn":64512,"route-reflector-client":true})"));
    CHECK(seen[2].method == "DELETE");
    CHECK(seen[3].authorization.empty());  // no --token-file

    r = run({"reload", "--api", a, "--token-file", "/nonexistent/token"});
    CHECK(r.status == 1);
    CHECK(r.err == "bgp-reflector: cannot read the token file /nonexistent/token\n");
    std::remove(token_file.c_str());
}

TEST_CASE("cli client: a refused reload says why and exits 1", "[reflector][cli]") {
    TcpFakeApi api(
        loopback(27514),
        {{"POST /api/v1/reload",
          {400, R"({"applied":false,"error":"r.yaml:3: asn: expected 1..4294967295"})"}}});
    auto r = run({"reload", "--api", "127.0.0.1:27514"});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(
        r.err ==
        "bgp-reflector: reload refused, nothing changed: r.yaml:3: asn: expected 1..4294967295\n");
    r = run({"reload", "--api", "127.0.0.1:27514", "--json"});
    CHECK(r.status == 1);
    CHECK(boost::json::parse(r.out).at("applied") == false);
}

TEST_CASE("cli client: watch prints the snapshot then live events", "[reflector][cli]") {
    TcpFakeApi api(loopback(27515), {});
    const std::vector<std::string> events = {
        R"({"type":"snapshot-begin"})",
        R"({"type":"route","family":"ipv4-unicast","prefix":"10.1.0.0/26","route":{"prefix":"10.1.0.0/26","neighbor":"10.0.0.2","best":true,"attributes":{"origin":"igp","as_path":[],"next_hop":"10.0.0.2","local_pref":100}}})",
        R"({"type":"snapshot-end"})",
        R"({"type":"route","family":"ipv4-unicast","prefix":"10.1.0.0/26","route":null})"};
    api.set_watch(events, "shutting down");
    auto r = run({"watch", "--api", "127.0.0.1:27515"});
    CHECK(r.status == 0);
    CHECK(r.err == "bgp-reflector: the server closed the watch stream: shutting down\n");
    // Live events (after snapshot-end) get a UTC time stamp "HH:MM:SS ".
    const auto first = std::string(
        "snapshot begin\n"
        "route 10.1.0.0/26 ipv4-unicast: next hop 10.0.0.2, from 10.0.0.2, AS path i, local pref "
        "100\n"
        "snapshot end\n");
    REQUIRE(r.out.size() > first.size());
    CHECK(r.out.substr(0, first.size()) == first);
    const auto last = r.out.substr(first.size());
    CHECK(last.size() == 9 + std::string("route 10.1.0.0/26 ipv4-unicast: withdrawn\n").size());
    CHECK(last.substr(2, 1) == ":");
    CHECK(last.substr(9) == "route 10.1.0.0/26 ipv4-unicast: withdrawn\n");

    // --json: the raw lines; --count: this side closes after N.
    api.set_watch(events, "");
    r = run({"watch", "--api", "127.0.0.1:27515", "--json", "--count", "2"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out == events[0] + "\n" + events[1] + "\n");
    REQUIRE(api.seen().size() == 2);
    CHECK(api.seen()[0].target == "/api/v1/watch");
}

TEST_CASE("cli client: a unix socket, and a server that never answers", "[reflector][cli]") {
    const std::string path = "/tmp/bgp-cli-test-" + std::to_string(::getpid()) + ".sock";
    ::unlink(path.c_str());
    {
        cli_test::UnixFakeApi api(cli_test::asio::local::stream_protocol::endpoint(path),
                                  {{"GET /api/v1/status", {200, R"({"router_id":"10.0.0.1"})"}}});
        const auto r = run({"show", "status", "--api", path, "--json"});
        CHECK(r.status == 0);
        CHECK(r.out == "{\n  \"router_id\": \"10.0.0.1\"\n}\n");
    }
    ::unlink(path.c_str());

    TcpFakeApi silent(loopback(27516), {});
    silent.set_silent();
    const auto r = run({"show", "status", "--api", "127.0.0.1:27516", "--timeout", "1"});
    CHECK(r.status == 1);
    CHECK(r.err ==
          "bgp-reflector: no answer from the API at 127.0.0.1:27516 within 1 s (reading the "
          "reply)\n");
}
