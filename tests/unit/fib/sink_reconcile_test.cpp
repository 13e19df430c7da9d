// bgp::fib::Sink reconciliation (libbgp/src/fib/sink_reconcile.cpp): routes of our
// protocol already in the table at start() are adopted, kept or refreshed when set(),
// swept by sync_done() or when adopt_grace expires; other protocols' routes are never
// touched. Each test case runs in its own network namespace.
#include <catch2/catch_test_macros.hpp>

#include <string>

#include "bgp/fib/sink.hpp"
#include "sink_netns.hpp"

using namespace bgp::fib::test;

namespace {

void setup() {
    bgp::fib::test::add_link("veth0", "10.0.0.1/24");
    // Left by a previous agent: three of ours, and one of another protocol.
    sh("ip route add 192.168.1.0/26 via 10.0.0.2 table 100 proto 201");
    sh("ip route add 192.168.2.0/26 via 10.0.0.2 table 100 proto 201");
    sh("ip route add 192.168.3.0/26 via 10.0.0.2 table 100 proto 201");
    sh("ip route add blackhole 192.168.4.0/26 table 100 proto 201");
    sh("ip route add 192.168.9.0/26 via 10.0.0.2 table 100 proto static");
}

}  // namespace

TEST_CASE("Sink adopts its routes at start and sweeps the ones not set after sync_done", "[fib]") {
    BGP_FIB_NETNS(ns);
    setup();
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100, bgp::fib::default_protocol, std::chrono::seconds(3600)});
    sink.start();
    CHECK(sink.stats().adopted == 4);
    REQUIRE(sink.installed().size() == 4);
    CHECK(sink.installed()[0] == via("192.168.1.0/26", "10.0.0.2", "veth0"));

    sink.set(via("192.168.1.0/26", "10.0.0.2"));  // same: kept, nothing written
    sink.set(via("192.168.2.0/26", "10.0.0.3"));  // refreshed: replaced
    sink.set(Route{pfx("192.168.4.0/26"), RouteType::blackhole, {}});
    sink.flush();
    CHECK(sink.stats().unchanged == 2);
    CHECK(sink.stats().replaced == 1);
    CHECK(sink.stats().requests == 1);
    // Not swept yet: the caller has not said it is done.
    CHECK(contains(sh("ip route show table 100 proto 201"), "192.168.3.0/26"));

    sink.sync_done();
    io.poll();
    const auto text = sh("ip route show table 100 proto 201");
    INFO(text);
    CHECK(contains(text, "192.168.1.0/26 via 10.0.0.2"));
    CHECK(contains(text, "192.168.2.0/26 via 10.0.0.3"));
    CHECK(contains(text, "blackhole 192.168.4.0/26"));
    CHECK_FALSE(contains(text, "192.168.3.0/26"));
    CHECK(sink.stats().swept == 1);
    CHECK(sink.installed().size() == 3);
    // The other protocol's route is untouched.
    CHECK(contains(sh("ip route show table 100 proto static"), "192.168.9.0/26 via 10.0.0.2"));
}

TEST_CASE("Sink sweeps adopted routes when the grace period ends", "[fib]") {
    BGP_FIB_NETNS(ns);
    setup();
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100, bgp::fib::default_protocol, std::chrono::seconds(1)});
    sink.start();
    sink.set(via("192.168.1.0/26", "10.0.0.2"));
    io.poll();
    CHECK(sink.stats().swept == 0);
    CHECK(bgp::fib::test::run_until(io, [&] { return sink.stats().swept == 3; }));
    const auto text = sh("ip route show table 100 proto 201");
    INFO(text);
    CHECK(text == "192.168.1.0/26 via 10.0.0.2 dev veth0 \n");
    CHECK(contains(sh("ip route show table 100"), "192.168.9.0/26 via 10.0.0.2"));
}

TEST_CASE("Sink removes an adopted route on remove() and keeps routes on destruction", "[fib]") {
    BGP_FIB_NETNS(ns);
    setup();
    boost::asio::io_context io;
    {
        Sink sink(io, SinkOptions{100, bgp::fib::default_protocol, std::chrono::seconds(3600)});
        sink.start();
        sink.remove(pfx("192.168.3.0/26"));
        sink.set(via("192.168.5.0/26", "10.0.0.5"));
        sink.flush();
        CHECK(sink.stats().removed == 1);
        CHECK(sink.stats().added == 1);
    }
    const auto text = sh("ip route show table 100 proto 201");
    INFO(text);
    CHECK_FALSE(contains(text, "192.168.3.0/26"));
    CHECK(contains(text, "192.168.1.0/26"));  // adopted, never swept: still there
    CHECK(contains(text, "192.168.5.0/26 via 10.0.0.5"));
}

TEST_CASE("Sink never overwrites another protocol's route to the same prefix", "[fib]") {
    BGP_FIB_NETNS(ns);
    setup();
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100, bgp::fib::default_protocol, std::chrono::seconds(3600)});
    std::string error;
    sink.on_error([&](const Route&, std::string_view what) { error = what; });
    sink.start();
    sink.set(via("192.168.9.0/26", "10.0.0.7"));  // held by a proto static route
    sink.flush();
    INFO(error);
    CHECK(contains(error, "add: File exists"));
    CHECK(sink.stats().errors == 1);
    CHECK(contains(sh("ip route show table 100"),
                   "192.168.9.0/26 via 10.0.0.2 dev veth0 proto static"));
    CHECK_FALSE(contains(sh("ip route show table 100"), "10.0.0.7"));
}
