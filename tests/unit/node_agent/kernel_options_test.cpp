// bgp-node-agent's --route-protocol and --table values (examples/node-agent/fib_port.cpp):
// numbers, names from iproute2's rt_protos files, and the refusals.
#include <unistd.h>
#include <catch2/catch_test_macros.hpp>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include "node-agent/fib_port.hpp"

using bgp::node_agent::parse_route_protocol;
using bgp::node_agent::parse_route_table;

TEST_CASE("--route-protocol: numbers and iproute2 names", "[node-agent]") {
    const std::string dir = "/tmp/lbk-" + std::to_string(::getpid());
    (void)std::system(("mkdir -p " + dir).c_str());
    const std::string base = dir + "/rt_protos", extra = dir + "/libbgp.conf";
    std::ofstream(base) << "#\n# Reserved\n#\n0\tunspec\n2\tkernel\n4\tstatic\n12\tbird\n";
    std::ofstream(extra) << "201 libbgp  # bgp-node-agent\n202\tpods\n";
    const std::vector<std::string> files{base, extra};

    CHECK(parse_route_protocol("201", files) == 201);
    CHECK(parse_route_protocol("5", files) == 5);
    CHECK(parse_route_protocol("255", files) == 255);
    CHECK(parse_route_protocol("libbgp", files) == 201);
    CHECK(parse_route_protocol("pods", files) == 202);
    CHECK(parse_route_protocol("bird", files) == 12);  // allowed: the operator chose it
    CHECK_THROWS_AS(parse_route_protocol("256", files), std::invalid_argument);
    CHECK_THROWS_AS(parse_route_protocol("-1", files), std::invalid_argument);
    CHECK_THROWS_AS(parse_route_protocol("nope", files), std::invalid_argument);
    CHECK_THROWS_AS(parse_route_protocol("", files), std::invalid_argument);
    CHECK_THROWS_AS(parse_route_protocol("Reserved", files), std::invalid_argument);  // a comment
    for (const char* reserved : {"0", "2", "4", "kernel", "static"}) {
        try {
            (void)parse_route_protocol(reserved, files);
            FAIL("accepted " << reserved);
        } catch (const std::invalid_argument& e) {
            CHECK(std::string(e.what()).find("is reserved") != std::string::npos);
        }
    }
    (void)std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("--table: a table number, not default or local", "[node-agent]") {
    CHECK(parse_route_table("254") == 254);
    CHECK(parse_route_table("100") == 100);
    CHECK(parse_route_table("1") == 1);
    CHECK(parse_route_table("4294967295") == 4294967295U);
    for (const char* bad : {"0", "253", "255", "4294967296", "main", "", "12a"})
        CHECK_THROWS_AS(parse_route_table(bad), std::invalid_argument);
}
