// Bad configuration files: each error names the file, the line and the key,
// and what was expected; nothing is guessed.
#include <catch2/catch_test_macros.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "config.hpp"

namespace {

using bgp::reflector::ConfigError;
using bgp::reflector::parse_config;

/// The full message of the error `text` raises (fails the test if none).
std::string error_of(const std::string& text) {
    try {
        (void)parse_config(text, "reflector.yaml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL("no error for:\n" << text);
    return {};
}

const std::string head = "router-id: 10.0.0.1\nasn: 64512\n";  // lines 1-2

}  // namespace

TEST_CASE("hold time 1 or 2 is refused with file, line and key", "[reflector]") {
    const std::string text = head +
                             "neighbors:\n"             // 3
                             "  - address: 10.0.0.2\n"  // 4
                             "    asn: 64512\n"         // 5
                             "  - address: 10.0.0.3\n"  // 6
                             "    asn: 64512\n"         // 7
                             "    hold-time: 2\n";      // 8
    CHECK(error_of(text) ==
          "reflector.yaml:8: neighbors[1].hold-time: expected 0 or 3..65535, got 2");
    try {
        (void)parse_config(text, "reflector.yaml");
    } catch (const ConfigError& e) {
        CHECK(e.file() == "reflector.yaml");
        CHECK(e.line() == 8);
        CHECK(e.key() == "neighbors[1].hold-time");
        CHECK(e.message() == "expected 0 or 3..65535, got 2");
    }
}

TEST_CASE("unknown keys are errors with their key path", "[reflector]") {
    CHECK(error_of(head + "router_id: 1.2.3.4\n")
              .rfind("reflector.yaml:3: router_id: unknown key (expected one of: router-id, asn,",
                     0) == 0);
    const std::string nb = head +
                           "neighbors:\n"
                           "  - address: 10.0.0.2\n"
                           "    asn: 64512\n"
                           "    hold-tme: 90\n";  // 6
    CHECK(error_of(nb).rfind("reflector.yaml:6: neighbors[0].hold-tme: unknown key", 0) == 0);
    const std::string pol = head +
                            "policies:\n"               // 3
                            "  definitions:\n"          // 4
                            "    p:\n"                  // 5
                            "      terms:\n"            // 6
                            "        - match:\n"        // 7
                            "            prefix: x\n";  // 8
    CHECK(error_of(pol).rfind(
              "reflector.yaml:8: policies.definitions.p.terms[0].match.prefix: unknown key", 0) ==
          0);
}

TEST_CASE("required keys and value types", "[reflector]") {
    CHECK(error_of("asn: 64512\n") == "reflector.yaml:1: router-id: missing (required)");
    CHECK(error_of("router-id: 10.0.0.1\n") == "reflector.yaml:1: asn: missing (required)");
    CHECK(error_of("router-id: 0.0.0.0\nasn: 1\n") ==
          "reflector.yaml:1: router-id: expected a non-zero IPv4 address, got 0.0.0.0");
    CHECK(error_of("router-id: 10.0.0.1\nasn: 0\n") ==
          "reflector.yaml:2: asn: expected an AS number in 1..4294967295, got 0");
    CHECK(error_of("router-id: 10.0.0.1\nasn: 4294967296\n") ==
          "reflector.yaml:2: asn: expected an AS number in 1..4294967295, got 4294967296");
    CHECK(error_of(head + "neighbors:\n  - asn: 64512\n") ==
          "reflector.yaml:4: neighbors[0].address: missing (required)");
    CHECK(error_of(head + "neighbors:\n  - address: 10.0.0.300\n    asn: 1\n") ==
          "reflector.yaml:4: neighbors[0].address: expected an IPv4 or IPv6 address, got "
          "10.0.0.300");
    CHECK(error_of(head + "neighbors:\n  - address: 10.0.0.2\n    asn: 64512\n    passive: "
                          "maybe\n") ==
          "reflector.yaml:6: neighbors[0].passive: expected true or false, got maybe");
    CHECK(error_of(head + "neighbors: 10.0.0.2\n") ==
          "reflector.yaml:3: neighbors: expected a list, got '10.0.0.2'");
    CHECK(error_of(head + "log-level: loud\n") ==
          "reflector.yaml:3: log-level: expected trace, debug, info, warning, error or off, got "
          "loud");
}

TEST_CASE("families, ports, passwords, listen and api", "[reflector]") {
    const std::string nb = head + "neighbors:\n  - address: 10.0.0.2\n    asn: 64512\n";  // 4-5
    CHECK(error_of(nb + "    families: [ipv4-unicast, l2vpn-evpn]\n") ==
          "reflector.yaml:6: neighbors[0].families[1]: expected ipv4-unicast or ipv6-unicast, got "
          "l2vpn-evpn");
    CHECK(error_of(nb + "    families: [ipv4-unicast, ipv4-unicast]\n") ==
          "reflector.yaml:6: neighbors[0].families[1]: family ipv4-unicast is listed twice");
    CHECK(error_of(nb + "    port: 0\n") ==
          "reflector.yaml:6: neighbors[0].port: expected an integer in 1..65535, got 0");
    CHECK(error_of(nb + "    password: " + std::string(81, 'k') + "\n") ==
          "reflector.yaml:6: neighbors[0].password: expected at most 80 octets (RFC 2385 key), "
          "got 81");
    CHECK(error_of(nb + "    multihop: 256\n") ==
          "reflector.yaml:6: neighbors[0].multihop: expected hops in 1..255, got 256");
    CHECK(error_of(nb + "    hold-time: 9\n    keepalive-time: 9\n") ==
          "reflector.yaml:7: neighbors[0].keepalive-time: expected less than hold-time 9, got 9");
    CHECK(error_of(head + "listen: { address: 0.0.0.0, port: 70000 }\n") ==
          "reflector.yaml:3: listen.port: expected an integer in 0..65535, got 70000");
    CHECK(error_of(head + "listen:\n  - { address: 0.0.0.0 }\n  - { address: 0.0.0.0 }\n") ==
          "reflector.yaml:5: listen[1]: the same address and port twice");
    CHECK(error_of(head + "api: { listen: localhost:8179 }\n")
              .rfind("reflector.yaml:3: api.listen: expected ADDRESS:PORT", 0) == 0);
    CHECK(error_of(head + "api: { listen: \"::1:8179\" }\n")
              .rfind("reflector.yaml:3: api.listen: expected ADDRESS:PORT", 0) == 0);
}

TEST_CASE("whole-file checks point at the offending line", "[reflector]") {
    const std::string dup = head +
                            "neighbors:\n"             // 3
                            "  - address: 10.0.0.2\n"  // 4
                            "    asn: 64512\n"         // 5
                            "  - address: 10.0.0.2\n"  // 6
                            "    asn: 64512\n";        // 7
    CHECK(error_of(dup) ==
          "reflector.yaml:6: neighbors[1].address: 10.0.0.2 is already neighbors[0]");

    const std::string ebgp_client = head +
                                    "neighbors:\n"
                                    "  - address: 10.0.0.2\n"
                                    "    asn: 65001\n"
                                    "    route-reflector-client: true\n";  // 6
    CHECK(error_of(ebgp_client) ==
          "reflector.yaml:6: neighbors[0].route-reflector-client: a route-reflector client must "
          "be an iBGP neighbour (asn 64512), got asn 65001");

    const std::string unknown_policy = head +
                                       "neighbors:\n"
                                       "  - address: 10.0.0.2\n"
                                       "    asn: 64512\n"
                                       "    import: [ all, accept-pods ]\n";  // 6
    CHECK(error_of(unknown_policy) ==
          "reflector.yaml:6: neighbors[0].import[1]: unknown policy 'accept-pods' (define it "
          "under policies.definitions, or use all / none)");
    const std::string unknown_export = head +
                                       "neighbors:\n"
                                       "  - address: 10.0.0.2\n"
                                       "    asn: 64512\n"
                                       "    export: to-tor\n";  // 6
    CHECK(error_of(unknown_export)
              .rfind("reflector.yaml:6: neighbors[0].export: unknown policy 'to-tor'", 0) == 0);

    const std::string overlap = head +
                                "dynamic-neighbors:\n"
                                "  - prefix: 10.0.0.0/16\n"
                                "  - prefix: 10.0.1.0/24\n";  // 5
    CHECK(error_of(overlap) ==
          "reflector.yaml:5: dynamic-neighbors[1].prefix: 10.0.1.0/24 overlaps "
          "dynamic-neighbors[0] (10.0.0.0/16)");
    CHECK(error_of(head + "dynamic-neighbors:\n  - prefix: 10.0.0.1/16\n") ==
          "reflector.yaml:4: dynamic-neighbors[0].prefix: host bits set in 10.0.0.1/16 (did you "
          "mean 10.0.0.0/16?)");
    CHECK(error_of(head + "dynamic-neighbors:\n  - prefix: 10.0.0.0/16\n    max-sessions: 0\n") ==
          "reflector.yaml:5: dynamic-neighbors[0].max-sessions: expected an integer in "
          "1..4294967295, got 0");
}

TEST_CASE("policy errors found by PolicyTable are mapped back to their line", "[reflector]") {
    const std::string unknown_list = head +
                                     "policies:\n"                           // 3
                                     "  definitions:\n"                      // 4
                                     "    accept-pods:\n"                    // 5
                                     "      terms:\n"                        // 6
                                     "        - match:\n"                    // 7
                                     "            family: ipv4-unicast\n"    // 8
                                     "            prefix-list: pod-pool\n";  // 9
    CHECK(error_of(unknown_list) ==
          "reflector.yaml:9: policies.definitions.accept-pods.terms[0].match.prefix-list: unknown "
          "prefix list 'pod-pool'");

    const std::string bad_bounds = head +
                                   "policies:\n"                  // 3
                                   "  prefix-lists:\n"            // 4
                                   "    pools:\n"                 // 5
                                   "      - 10.0.0.0/8\n"         // 6
                                   "      - 10.0.0.0/16 ge 8\n";  // 7
    const std::string e = error_of(bad_bounds);
    CHECK(e.rfind("reflector.yaml:7: policies.prefix-lists.pools[1]: ", 0) == 0);

    const std::string builtin = head +
                                "policies:\n"
                                "  definitions:\n"
                                "    all:\n"  // 5
                                "      default-action: accept\n";
    CHECK(error_of(builtin) ==
          "reflector.yaml:5: policies.definitions.all: this name is built in "
          "(accept-all, all, reject-all, none)");

    const std::string syntax = head +
                               "policies:\n"
                               "  definitions:\n"
                               "    p:\n"
                               "      terms:\n"
                               "        - modify: { med: \"*10\" }\n";  // 7
    CHECK(error_of(syntax) ==
          "reflector.yaml:7: policies.definitions.p.terms[0].modify.med: "
          "expected N, +N, -N or remove, got *10");
    const std::string pattern = head +
                                "policies:\n"
                                "  community-lists:\n"
                                "    tags: [ \"64512:*\", \"70000:1\" ]\n";  // 5
    CHECK(error_of(pattern) ==
          "reflector.yaml:5: policies.community-lists.tags[1]: expected a "
          "pattern such as 64512:100 or 64512:*, got 70000:1");
    const std::string inexact = head +
                                "policies:\n"
                                "  definitions:\n"
                                "    p:\n"
                                "      terms:\n"
                                "        - modify:\n"
                                "            communities: { add: [ \"64512:*\" ] }\n";  // 8
    CHECK(error_of(inexact) ==
          "reflector.yaml:8: policies.definitions.p.terms[0].modify.communities.add[0]: expected "
          "one exact value (no * or ranges), got 64512:*");
}

TEST_CASE("syntax errors, duplicate keys, empty and missing files", "[reflector]") {
    CHECK(error_of(head + "neighbors: [\n").rfind("reflector.yaml:4: not valid YAML: ", 0) == 0);
    CHECK(error_of(head + "asn: 64513\n") == "reflector.yaml:3: asn: given more than once");
    CHECK(error_of("") == "reflector.yaml: the file is empty (router-id, asn needed)");
    CHECK(error_of("- 1\n- 2\n") == "reflector.yaml:1: expected a mapping of keys at the top");
    const std::string dup_name = head +
                                 "policies:\n"
                                 "  definitions:\n"
                                 "    p: {}\n"
                                 "    p: {}\n";  // 6
    CHECK(error_of(dup_name) == "reflector.yaml:6: policies.definitions.p: defined more than once");

    try {
        (void)bgp::reflector::load_config("/nonexistent/reflector.yaml");
        FAIL("no error for a missing file");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()) == "/nonexistent/reflector.yaml: cannot open the file");
        CHECK(e.line() == 0);
    }
}
