// The CLI's command line (reflector/src/cli/args.cpp): commands, options before
// or after the words, the family inferred from a prefix, `neighbor add`'s body,
// the endpoint forms of --api, and a usage error for each kind of mistake.
#include "cli/args.hpp"

#include <boost/json.hpp>
#include <catch2/catch_test_macros.hpp>
#include <string>
#include <vector>

#include "cli/api_client.hpp"
#include "cli/cli.hpp"

namespace {

using bgp::reflector::cli::ApiEndpoint;
using bgp::reflector::cli::Command;
using bgp::reflector::cli::Invocation;
using bgp::reflector::cli::parse_arguments;
using bgp::reflector::cli::UsageError;

Invocation parse(std::vector<std::string> args) { return parse_arguments(args); }

/// The UsageError's text, or "" if the arguments parse.
std::string usage_error(std::vector<std::string> args) {
    try {
        parse_arguments(args);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

bool cli_command(std::vector<std::string> args) {
    std::vector<char*> argv;
    static char program[] = "bgp-reflector";
    argv.push_back(program);
    for (auto& a : args) argv.push_back(a.data());
    return bgp::reflector::cli::is_cli_command(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("cli: show commands and their options", "[reflector][cli]") {
    auto inv = parse({"show", "neighbors", "--json"});
    CHECK(inv.command == Command::show_neighbors);
    CHECK(inv.json);

    inv = parse({"--api", "127.0.0.1:27501", "show", "neighbor", "10.0.0.2"});
    CHECK(inv.command == Command::show_neighbor);
    CHECK(inv.address == "10.0.0.2");
    CHECK(inv.api == "127.0.0.1:27501");
    CHECK_FALSE(inv.json);

    inv = parse({"show", "rib"});
    CHECK(inv.command == Command::show_rib);
    CHECK(inv.family.empty());
    CHECK(inv.prefix.empty());

    inv = parse({"show", "rib", "--family=ipv6", "--neighbor", "local", "-j"});
    CHECK(inv.family == "ipv6-unicast");
    CHECK(inv.neighbor == "local");
    CHECK(inv.json);

    inv = parse({"show", "rib", "2001:db8::/48", "--neighbor=fd00::2"});
    CHECK(inv.prefix == "2001:db8::/48");
    CHECK(inv.family == "ipv6-unicast");  // inferred from the prefix
    CHECK(inv.neighbor == "fd00::2");

    inv = parse({"show", "route", "10.1.0.0/26", "--config", "/etc/r.yaml", "--timeout", "3"});
    CHECK(inv.command == Command::show_route);
    CHECK(inv.family == "ipv4-unicast");
    CHECK(inv.config == "/etc/r.yaml");
    CHECK(inv.timeout == std::chrono::seconds(3));

    CHECK(parse({"show", "status"}).command == Command::show_status);
    CHECK(parse({"-c", "x.yaml", "reload"}).command == Command::reload);
    inv = parse({"watch", "--json", "--count", "5", "--token-file", "/t"});
    CHECK(inv.command == Command::watch);
    CHECK(inv.count == std::size_t{5});
    CHECK(inv.token_file == "/t");
    CHECK(parse({"show", "--help"}).command == Command::help);
}

TEST_CASE("cli: neighbor add builds the body in the YAML's keys", "[reflector][cli]") {
    auto inv = parse({"neighbor", "add", "10.0.0.9", "as", "64512", "rr-client", "passive", "false",
                      "hold-time", "30", "families", "ipv4-unicast,ipv6", "import", "a,b",
                      "description", "node 9"});
    CHECK(inv.command == Command::neighbor_add);
    CHECK(boost::json::serialize(inv.neighbor_body) ==
          R"({"address":"10.0.0.9","asn":64512,"route-reflector-client":true,"passive":false,)"
          R"("hold-time":30,"families":["ipv4-unicast","ipv6-unicast"],"import":["a","b"],)"
          R"("description":"node 9"})");

    inv = parse({"neighbor", "delete", "10.0.0.9"});
    CHECK(inv.command == Command::neighbor_delete);
    CHECK(inv.address == "10.0.0.9");
    inv = parse({"neighbor", "refresh", "fd00::2", "--family", "ipv6-unicast"});
    CHECK(inv.command == Command::neighbor_refresh);
    CHECK(inv.family == "ipv6-unicast");
}

TEST_CASE("cli: usage errors say what was wrong", "[reflector][cli]") {
    CHECK(usage_error({}) == "a command is needed (show, watch, reload, neighbor)");
    CHECK(usage_error({"show"}) ==
          "show what? (neighbors, neighbor ADDRESS, rib, route PREFIX, status)");
    CHECK(usage_error({"show", "neighbor", "10.0.0"}) == "not an IP address: '10.0.0'");
    CHECK(usage_error({"show", "route"}) == "usage: bgp-reflector show route PREFIX [--family F]");
    CHECK(usage_error({"show", "route", "10.1.0.1"}) ==
          "not a prefix: '10.1.0.1' (expected like 10.1.0.0/24 or 2001:db8::/48)");
    CHECK(usage_error({"show", "route", "10.1.0.0/24", "--family", "ipv6-unicast"}) ==
          "prefix 10.1.0.0/24 is not of family ipv6-unicast");
    CHECK(usage_error({"show", "rib", "--family", "l2vpn"}) ==
          "unknown family 'l2vpn' (ipv4-unicast or ipv6-unicast)");
    CHECK(usage_error({"show", "status", "--verbose"}) == "unknown option '--verbose'");
    CHECK(usage_error({"show", "status", "--api"}) == "--api needs a value");
    CHECK(usage_error({"watch", "--count", "x"}) ==
          "--count: expected a number up to 1000000000, got 'x'");
    CHECK(usage_error({"show", "status", "--count", "1"}) == "--count is for watch only");
    CHECK(usage_error({"show", "status", "--timeout", "0"}) ==
          "--timeout: expected 1..3600 seconds");
    CHECK(usage_error({"frobnicate"}) ==
          "unknown command 'frobnicate' (show, watch, reload, neighbor, dump)");
    CHECK(usage_error({"dump"}) == "dump needs --mrt FILE");
    CHECK(usage_error({"dump", "now", "--mrt", "x"}) == "usage: bgp-reflector dump --mrt FILE");
    CHECK(usage_error({"neighbor", "add", "10.0.0.9"}) == "neighbor add: 'as ASN' is required");
    CHECK(usage_error({"neighbor", "add", "10.0.0.9", "as", "1", "colour", "red"}) ==
          "neighbor add: unknown setting 'colour'");
    CHECK(usage_error({"neighbor", "add", "10.0.0.9", "as"}) == "neighbor add: as needs a value");
    CHECK(usage_error({"neighbor", "add", "10.0.0.9", "as", "-1"}) == "unknown option '-1'");
    CHECK(usage_error({"neighbor", "frob", "10.0.0.9"}) == "neighbor what? (add, delete, refresh)");
    CHECK(usage_error({"reload", "now"}) == "usage: bgp-reflector reload");
}

TEST_CASE("cli: main hands a command line to the CLI only when it names a command",
          "[reflector][cli]") {
    CHECK(cli_command({"show", "neighbors"}));
    CHECK(cli_command({"--config", "r.yaml", "reload"}));
    CHECK(cli_command({"-c", "show", "show", "status"}));  // "-c show": the file is named show
    CHECK(cli_command({"--api", "127.0.0.1:1", "watch"}));
    CHECK_FALSE(cli_command({"--config", "r.yaml"}));
    CHECK_FALSE(cli_command({"--config", "r.yaml", "--check"}));
    CHECK_FALSE(cli_command({"--config", "show"}));  // a file named show
    CHECK_FALSE(cli_command({"--version"}));
    CHECK_FALSE(cli_command({"stray"}));
}

TEST_CASE("cli: --api endpoints", "[reflector][cli]") {
    auto e = ApiEndpoint::parse("127.0.0.1:8179");
    CHECK(e.host == "127.0.0.1");
    CHECK(e.port == 8179);
    CHECK(e.unix_path.empty());
    e = ApiEndpoint::parse("[::1]:27500");
    CHECK(e.host == "::1");
    CHECK(e.port == 27500);
    e = ApiEndpoint::parse("localhost:80");
    CHECK(e.host == "localhost");
    e = ApiEndpoint::parse("/run/bgp-reflector.sock");
    CHECK(e.unix_path == "/run/bgp-reflector.sock");
    CHECK(e.text == "/run/bgp-reflector.sock");

    CHECK_THROWS_AS(ApiEndpoint::parse("127.0.0.1"), UsageError);
    CHECK_THROWS_AS(ApiEndpoint::parse("127.0.0.1:0"), UsageError);
    CHECK_THROWS_AS(ApiEndpoint::parse("127.0.0.1:65536"), UsageError);
    CHECK_THROWS_AS(ApiEndpoint::parse("::1:80"), UsageError);
    CHECK_THROWS_AS(ApiEndpoint::parse("[::1:80"), UsageError);
    CHECK_THROWS_AS(ApiEndpoint::parse(":80"), UsageError);

    // Without --api: the default, or api.listen of --config.
    Invocation inv;
    CHECK(bgp::reflector::cli::resolve_endpoint(inv).text == "127.0.0.1:8179");
    inv.api = "/tmp/x.sock";
    CHECK(bgp::reflector::cli::resolve_endpoint(inv).unix_path == "/tmp/x.sock");
}

TEST_CASE("cli: dump --mrt FILE", "[reflector][cli]") {
    const auto inv = parse({"dump", "--mrt", "/tmp/rib.mrt", "--api", "127.0.0.1:8179"});
    CHECK(inv.command == bgp::reflector::cli::Command::dump);
    CHECK(inv.mrt_file == "/tmp/rib.mrt");
    CHECK(inv.api == "127.0.0.1:8179");
}
