// bgp::fib::Sink repairs and lookups (libbgp/src/fib/sink_monitor.cpp,
// sink_reconcile.cpp, sink.cpp lookup): a route deleted behind our back is reinstalled;
// a link going down (the kernel drops the routes through it) and up again brings them
// back; foreign changes reach on_kernel_change; lookup() resolves a destination like
// `ip route get`. Each test case runs in its own network namespace.
#include <catch2/catch_test_macros.hpp>

#include <string>

#include "bgp/fib/sink.hpp"
#include "sink_netns.hpp"

using namespace bgp::fib::test;

namespace {

void setup() { bgp::fib::test::add_link("veth0", "10.0.0.1/24", "2001:db8::1/64"); }

}  // namespace

TEST_CASE("Sink reinstalls a route deleted behind its back", "[fib]") {
    BGP_FIB_NETNS(ns);
    setup();
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100});
    sink.start();
    sink.set(via("192.168.1.0/26", "10.0.0.2"));
    sink.set(via("192.168.2.0/26", "10.0.0.2"));
    sink.set(via("fd00:20::/122", "2001:db8::2"));
    sink.flush();
    REQUIRE(sink.stats().added == 3);

    sh("ip route del 192.168.1.0/26 table 100");
    sh("ip -6 route del fd00:20::/122 table 100");
    CHECK(run_until(io, [&] { return sink.stats().repaired >= 2; }));
    CHECK(sink.stats().repaired == 2);
    CHECK(contains(sh("ip route show table 100 proto 201"), "192.168.1.0/26 via 10.0.0.2"));
    CHECK(contains(sh("ip -6 route show table 100 proto 201"), "fd00:20::/122 via 2001:db8::2"));

    // Our own removal is not "repaired".
    sink.remove(pfx("192.168.2.0/26"));
    sink.flush();
    io.restart();
    io.run_for(std::chrono::milliseconds(200));
    CHECK(sink.stats().repaired == 2);
    CHECK_FALSE(contains(sh("ip route show table 100 proto 201"), "192.168.2.0/26"));
}

TEST_CASE("Sink repairs its routes after a link goes down and up", "[fib]") {
    BGP_FIB_NETNS(ns);
    setup();
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100});
    int kernel_changes = 0;
    sink.on_kernel_change([&] { ++kernel_changes; });
    std::string errors;  // while the link is down, repairs may fail (ENETDOWN): reported
    sink.on_error([&](const Route& r, std::string_view what) {
        errors += r.prefix.to_string() + " " + std::string(what) + "\n";
    });
    sink.start();
    sink.set(via("192.168.1.0/26", "10.0.0.2", "veth0"));
    sink.set(Route{pfx("192.168.2.0/26"),
                   RouteType::unicast,
                   {Nexthop{ip("172.16.199.114"), "veth0", true, 1}}});
    // IPv6 keeps its address over a link flap only with keep_addr_on_down.
    sh("sysctl -qw net.ipv6.conf.veth0.keep_addr_on_down=1");
    sink.set(via("fd00:20::/122", "2001:db8::2", "veth0"));
    sink.flush();
    REQUIRE(sink.stats().added == 3);

    sh("ip link set veth0 down");
    CHECK(run_until(io, [&] { return kernel_changes > 0; }));
    CHECK(sh("ip route show table 100 proto 201").empty());  // the kernel dropped them
    sh("ip link set veth0 up");
    CHECK(run_until(io, [&] { return sink.stats().repaired >= 2; }));
    const auto text = sh("ip route show table 100 proto 201");
    INFO(text);
    CHECK(contains(text, "192.168.1.0/26 via 10.0.0.2 dev veth0"));
    CHECK(contains(text, "192.168.2.0/26 via 172.16.199.114 dev veth0 onlink"));
    CHECK(run_until(io, [&] {
        return contains(sh("ip -6 route show table 100 proto 201"),
                        "fd00:20::/122 via 2001:db8::2");
    }));
    INFO(errors);
    CHECK(sink.installed().size() == 3);
}

TEST_CASE("Sink reports foreign changes and retries failed routes when an address appears",
          "[fib]") {
    BGP_FIB_NETNS(ns);
    setup();
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100});
    int kernel_changes = 0;
    int errors = 0;
    sink.on_kernel_change([&] { ++kernel_changes; });
    sink.on_error([&](const Route&, std::string_view) { ++errors; });
    sink.start();

    sh("ip route add 172.16.0.0/16 via 10.0.0.254 proto static");
    CHECK(run_until(io, [&] { return kernel_changes > 0; }));

    sink.set(via("192.168.1.0/26", "10.5.0.2"));  // unreachable for now
    sink.flush();
    CHECK(errors == 1);
    sh("ip addr add 10.5.0.1/24 dev veth0");
    CHECK(run_until(io, [&] { return sink.stats().repaired >= 1; }));
    CHECK(contains(sh("ip route show table 100 proto 201"), "192.168.1.0/26 via 10.5.0.2"));
}

TEST_CASE("Sink lookup resolves direct and gatewayed destinations", "[fib]") {
    BGP_FIB_NETNS(ns);
    setup();
    sh("ip route add 172.16.0.0/16 via 10.0.0.254");
    sh("ip -6 route add fd00:99::/64 via 2001:db8::fe");
    boost::asio::io_context io;
    Sink sink(io);

    const auto direct = sink.lookup(ip("10.0.0.7"));
    REQUIRE(direct);
    CHECK_FALSE(direct->gateway);
    CHECK(direct->device == "veth0");

    const auto recursive = sink.lookup(ip("172.16.199.114"));
    REQUIRE(recursive);
    REQUIRE(recursive->gateway);
    CHECK(*recursive->gateway == ip("10.0.0.254"));
    CHECK(recursive->device == "veth0");

    const auto v6 = sink.lookup(ip("fd00:99::1"));
    REQUIRE(v6);
    REQUIRE(v6->gateway);
    CHECK(*v6->gateway == ip("2001:db8::fe"));
    CHECK(v6->device == "veth0");

    CHECK_FALSE(sink.lookup(ip("203.0.113.1")));  // no default route in this namespace
    sh("ip route add blackhole 198.51.100.0/24");
    CHECK_FALSE(sink.lookup(ip("198.51.100.1")));
}
