// bgp::fib::Sink at scale (libbgp/src/fib/sink.cpp, netlink.cpp): 10,000 routes written
// in batches (many requests per sendmsg, every ack matched), read back, set again without
// a single write, removed. The hidden case [fib-scale] also times batched against one
// request per sendmsg and prints the rates (docs/fib.md quotes them); no timing asserts.
#include <catch2/catch_test_macros.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bgp/fib/sink.hpp"
#include "sink_netns.hpp"

using namespace bgp::fib::test;

namespace {

/// `count` /26 routes in 10.128.0.0/9 via 10.0.0.2 (every fourth one a blackhole).
std::vector<Route> many_routes(std::uint32_t count) {
    std::vector<Route> routes;
    routes.reserve(count);
    const auto gateway = *IpAddress::parse("10.0.0.2");
    for (std::uint32_t i = 0; i < count; ++i) {
        const Prefix prefix(IpAddress::v4((10U << 24) | (128U << 16) | (i << 6)), 26);
        if (i % 4 == 3) {
            routes.push_back(Route{prefix, RouteType::blackhole, {}});
        } else {
            routes.push_back(
                Route{prefix, RouteType::unicast, {Nexthop{gateway, "veth0", false, 1}}});
        }
    }
    return routes;
}

std::size_t kernel_count(std::uint32_t table) {
    const auto text =
        PrivateNetns::run("ip route show table " + std::to_string(table) + " proto 201 | wc -l");
    return static_cast<std::size_t>(std::stoul(text));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("Sink installs, keeps and removes 10,000 routes in batches", "[fib]") {
    BGP_FIB_NETNS(ns);
    bgp::fib::test::add_link("veth0", "10.0.0.1/24");
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100});
    sink.start();
    const auto routes = many_routes(10000);

    for (const auto& r : routes) sink.set(r);
    sink.flush();
    CHECK(sink.stats().added == routes.size());
    CHECK(sink.stats().errors == 0);
    CHECK(sink.stats().batches < routes.size() / 100);  // many requests per sendmsg
    CHECK(kernel_count(100) == routes.size());

    for (const auto& r : routes) sink.set(r);
    sink.flush();
    CHECK(sink.stats().unchanged == routes.size());
    CHECK(sink.stats().requests == routes.size());

    io.restart();
    io.run_for(std::chrono::milliseconds(200));  // our own 10,000 events: nothing to repair
    CHECK(sink.stats().repaired == 0);
    CHECK(sink.stats().dumps == 1);  // the events all fitted: no ENOBUFS, no re-dump

    for (const auto& r : routes) sink.remove(r.prefix);
    sink.flush();
    CHECK(sink.stats().removed == routes.size());
    CHECK(kernel_count(100) == 0);
}

TEST_CASE("Sink write rates: batched against one request per sendmsg", "[.][fib-scale]") {
    BGP_FIB_NETNS(ns);
    bgp::fib::test::add_link("veth0", "10.0.0.1/24");
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100});
    sink.start();
    const auto routes = many_routes(10000);
    const double n = static_cast<double>(routes.size());

    auto start = std::chrono::steady_clock::now();
    for (const auto& r : routes) sink.set(r);
    sink.flush();
    const double batched_add = seconds_since(start);
    start = std::chrono::steady_clock::now();
    for (const auto& r : routes) sink.set(r);
    sink.flush();
    const double unchanged = seconds_since(start);
    start = std::chrono::steady_clock::now();
    for (const auto& r : routes) sink.remove(r.prefix);
    sink.flush();
    const double batched_remove = seconds_since(start);
    const auto batches = sink.stats().batches;

    start = std::chrono::steady_clock::now();
    for (const auto& r : routes) {
        sink.set(r);
        sink.flush();
    }
    const double single_add = seconds_since(start);
    start = std::chrono::steady_clock::now();
    for (const auto& r : routes) {
        sink.remove(r.prefix);
        sink.flush();
    }
    const double single_remove = seconds_since(start);
    CHECK(sink.stats().errors == 0);
    CHECK(kernel_count(100) == 0);

    std::printf(
        "fib-scale: %zu routes (3/4 via a gateway, 1/4 blackhole), table 100\n"
        "  batched add      %7.3f s  %9.0f routes/s  (%llu sendmsg for add+remove)\n"
        "  set again        %7.3f s  %9.0f routes/s  (no write)\n"
        "  batched remove   %7.3f s  %9.0f routes/s\n"
        "  one-by-one add   %7.3f s  %9.0f routes/s\n"
        "  one-by-one remove%7.3f s  %9.0f routes/s\n",
        routes.size(), batched_add, n / batched_add, static_cast<unsigned long long>(batches),
        unchanged, n / unchanged, batched_remove, n / batched_remove, single_add, n / single_add,
        single_remove, n / single_remove);
}
