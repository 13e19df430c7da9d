// bgp::fib::Sink writes (libbgp/src/fib/sink.cpp, route_codec.cpp, netlink.cpp): add,
// replace, remove; multipath with weights and onlink; blackhole; IPv6; a table above 255;
// a NACK in a batch; no churn. Each test case runs in its own network namespace and reads
// the table back twice: with `ip -d route show` and with a second Sink's dump (adoption).
#include <linux/rtnetlink.h>
#include <catch2/catch_test_macros.hpp>

#include <string>
#include <vector>

#include "bgp/fib/sink.hpp"
#include "fib/netlink.hpp"
#include "sink_netns.hpp"

using namespace bgp::fib::test;

namespace {

std::string table_text(std::uint32_t table, const char* family = "-4") {
    return PrivateNetns::run(std::string("ip -d ") + family + " route show table " +
                             std::to_string(table) + " proto 201");
}

/// What a fresh sink adopts from the table: our own dump, independent of the writer.
std::vector<Route> dumped(boost::asio::io_context& io, std::uint32_t table) {
    Sink reader(io, SinkOptions{table, bgp::fib::default_protocol, std::chrono::seconds(3600)});
    reader.start();
    return reader.installed();
}

}  // namespace

TEST_CASE("Sink adds, replaces and removes an IPv4 route", "[fib]") {
    BGP_FIB_NETNS(ns);
    bgp::fib::test::add_link("veth0", "10.0.0.1/24");
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100});
    sink.start();

    sink.set(via("192.168.1.0/26", "10.0.0.2", "veth0"));
    io.poll();  // the write happens at the end of the handler that called set()
    auto text = table_text(100);
    CHECK(contains(text, "192.168.1.0/26 via 10.0.0.2 dev veth0"));
    CHECK(sink.stats().added == 1);
    auto back = dumped(io, 100);
    REQUIRE(back.size() == 1);
    CHECK(back[0] == via("192.168.1.0/26", "10.0.0.2", "veth0"));

    sink.set(via("192.168.1.0/26", "10.0.0.3"));  // device left to the kernel
    sink.flush();
    text = table_text(100);
    CHECK(contains(text, "192.168.1.0/26 via 10.0.0.3 dev veth0"));
    CHECK_FALSE(contains(text, "10.0.0.2"));
    CHECK(sink.stats().replaced == 1);
    CHECK(sink.installed() == std::vector<Route>{via("192.168.1.0/26", "10.0.0.3")});

    sink.remove(pfx("192.168.1.0/26"));
    sink.flush();
    CHECK(table_text(100).empty());
    CHECK(sink.stats().removed == 1);
    CHECK(sink.installed().empty());
    CHECK(dumped(io, 100).empty());
    CHECK(sink.stats().errors == 0);
}

TEST_CASE("Sink writes multipath routes with weights and onlink next hops", "[fib]") {
    BGP_FIB_NETNS(ns);
    bgp::fib::test::add_link("veth0", "10.0.0.1/24");
    bgp::fib::test::add_link("veth1", "10.1.0.1/24");
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{1000});  // above 255: RTA_TABLE
    sink.start();

    Route ecmp{pfx("192.168.2.0/26"),
               RouteType::unicast,
               {Nexthop{ip("10.0.0.2"), "veth0", false, 1},
                Nexthop{ip("172.16.199.114"), "veth1", true, 3}}};
    sink.set(ecmp);
    sink.set(via("192.168.3.0/26", "172.16.199.115", "veth1", true));
    sink.flush();
    const auto text = table_text(1000);
    INFO(text);
    CHECK(contains(text, "192.168.2.0/26"));
    CHECK(contains(text, "nexthop via 10.0.0.2 dev veth0 weight 1"));
    CHECK(contains(text, "nexthop via 172.16.199.114 dev veth1 weight 3 onlink"));
    CHECK(contains(text, "192.168.3.0/26 via 172.16.199.115 dev veth1 scope global onlink"));
    CHECK(sink.stats().added == 2);
    CHECK(sink.stats().errors == 0);

    const auto back = dumped(io, 1000);
    REQUIRE(back.size() == 2);
    CHECK(back[0] == ecmp);
    CHECK(back[1] == via("192.168.3.0/26", "172.16.199.115", "veth1", true));

    // Changing one weight is a change (NLM_F_REPLACE of the whole route).
    ecmp.nexthops[1].weight = 1;
    sink.set(ecmp);
    sink.flush();
    CHECK(sink.stats().replaced == 1);
    CHECK(contains(table_text(1000), "nexthop via 172.16.199.114 dev veth1 weight 1 onlink"));
}

TEST_CASE("Sink writes blackholes and IPv6 routes", "[fib]") {
    BGP_FIB_NETNS(ns);
    bgp::fib::test::add_link("veth0", "10.0.0.1/24", "2001:db8::1/64");
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100});
    sink.start();

    sink.set(Route{pfx("192.168.187.192/26"), RouteType::blackhole, {}});
    sink.set(Route{pfx("fd00:10::/122"), RouteType::blackhole, {}});
    sink.set(via("fd00:20::/122", "2001:db8::2", "veth0"));
    sink.set(Route{pfx("fd00:30::/122"),
                   RouteType::unicast,
                   {Nexthop{ip("2001:db8::2"), "veth0", false, 1},
                    Nexthop{ip("2001:db8::3"), "veth0", false, 2}}});
    sink.flush();
    CHECK(sink.stats().errors == 0);
    CHECK(sink.stats().added == 4);

    const auto v4 = table_text(100);
    CHECK(contains(v4, "blackhole 192.168.187.192/26"));
    const auto v6 = table_text(100, "-6");
    INFO(v6);
    CHECK(contains(v6, "blackhole fd00:10::/122"));
    CHECK(contains(v6, "fd00:20::/122 via 2001:db8::2 dev veth0"));
    CHECK(contains(v6, "nexthop via 2001:db8::2 dev veth0 weight 1"));
    CHECK(contains(v6, "nexthop via 2001:db8::3 dev veth0 weight 2"));
    CHECK(dumped(io, 100).size() == 4);

    // A blackhole replaced by a unicast route and back, then everything removed.
    sink.set(via("192.168.187.192/26", "10.0.0.2"));
    sink.flush();
    CHECK(contains(table_text(100), "192.168.187.192/26 via 10.0.0.2 dev veth0"));
    sink.set(Route{pfx("192.168.187.192/26"), RouteType::blackhole, {}});
    sink.flush();
    CHECK(contains(table_text(100), "blackhole 192.168.187.192/26"));
    CHECK(sink.stats().replaced == 2);
    // IPv6 multipath to a single next hop and back (NLM_F_REPLACE of the whole route).
    sink.set(via("fd00:30::/122", "2001:db8::4", "veth0"));
    sink.flush();
    auto v6_now = table_text(100, "-6");
    CHECK(contains(v6_now, "fd00:30::/122 via 2001:db8::4 dev veth0"));
    CHECK_FALSE(contains(v6_now, "2001:db8::3"));
    sink.set(Route{pfx("fd00:30::/122"),
                   RouteType::unicast,
                   {Nexthop{ip("2001:db8::2"), "veth0", false, 1},
                    Nexthop{ip("2001:db8::3"), "veth0", false, 1}}});
    sink.flush();
    v6_now = table_text(100, "-6");
    CHECK(contains(v6_now, "nexthop via 2001:db8::3 dev veth0 weight 1"));
    CHECK_FALSE(contains(v6_now, "2001:db8::4"));
    CHECK(sink.stats().replaced == 4);
    CHECK(sink.stats().errors == 0);
    for (const char* p :
         {"192.168.187.192/26", "fd00:10::/122", "fd00:20::/122", "fd00:30::/122"}) {
        sink.remove(pfx(p));
    }
    sink.flush();
    CHECK(sink.stats().removed == 4);
    CHECK(table_text(100).empty());
    CHECK(table_text(100, "-6").empty());
}

TEST_CASE("Sink reports a NACK and still installs the rest of the batch", "[fib]") {
    BGP_FIB_NETNS(ns);
    bgp::fib::test::add_link("veth0", "10.0.0.1/24");
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100});
    std::vector<std::pair<Route, std::string>> errors;
    sink.on_error([&](const Route& route, std::string_view what) {
        errors.emplace_back(route, std::string(what));
    });
    sink.start();

    sink.set(via("192.168.1.0/26", "10.0.0.2"));
    sink.set(via("192.168.2.0/26", "172.16.199.114", "veth0"));  // not on-link, no onlink flag
    sink.set(via("192.168.3.0/26", "10.0.0.3"));
    sink.set(via("192.168.4.0/26", "10.0.0.4", "nosuchdev"));  // refused before any request
    sink.flush();

    REQUIRE(errors.size() == 2);
    CHECK(errors[0].first.prefix == pfx("192.168.4.0/26"));
    CHECK(contains(errors[0].second, "no such device"));
    CHECK(errors[1].first.prefix == pfx("192.168.2.0/26"));
    INFO(errors[1].second);
    CHECK(contains(errors[1].second, "add: "));
    CHECK(sink.stats().errors == 2);
    CHECK(sink.stats().added == 2);
    CHECK(sink.stats().batches == 1);  // three requests, one sendmsg
    const auto text = table_text(100);
    CHECK(contains(text, "192.168.1.0/26 via 10.0.0.2"));
    CHECK(contains(text, "192.168.3.0/26 via 10.0.0.3"));
    CHECK_FALSE(contains(text, "192.168.2.0/26"));
    CHECK(sink.installed().size() == 2);

    // With onlink the same next hop is accepted.
    sink.set(via("192.168.2.0/26", "172.16.199.114", "veth0", true));
    sink.flush();
    CHECK(contains(table_text(100),
                   "192.168.2.0/26 via 172.16.199.114 dev veth0 scope global onlink"));
    CHECK(errors.size() == 2);
}

TEST_CASE("Sink writes nothing when the desired state equals the table (no churn)", "[fib]") {
    BGP_FIB_NETNS(ns);
    bgp::fib::test::add_link("veth0", "10.0.0.1/24", "2001:db8::1/64");
    boost::asio::io_context io;
    Sink sink(io, SinkOptions{100});
    int kernel_changes = 0;
    sink.on_kernel_change([&] { ++kernel_changes; });
    sink.start();

    std::vector<Route> routes;
    for (int i = 0; i < 50; ++i) {
        const std::string p = "192.168." + std::to_string(i) + ".0/24";
        routes.push_back(via(p.c_str(), "10.0.0.2", "veth0"));
    }
    routes.push_back(Route{pfx("192.169.0.0/26"), RouteType::blackhole, {}});
    routes.push_back(Route{
        pfx("fd00:30::/122"),
        RouteType::unicast,
        {Nexthop{ip("2001:db8::2"), "veth0", false, 1}, Nexthop{ip("2001:db8::3"), "", false, 1}}});
    for (const auto& r : routes) sink.set(r);
    sink.flush();
    REQUIRE(sink.stats().added == routes.size());
    io.restart();
    io.run_for(std::chrono::milliseconds(100));  // our own events: not a kernel change
    const auto before = sink.stats();

    // A watcher of the route groups sees whatever the second pass writes.
    const unsigned groups[] = {RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE};
    bgp::fib::detail::NetlinkSocket watcher(groups);
    for (const auto& r : routes) sink.set(r);
    sink.flush();
    io.restart();
    io.run_for(std::chrono::milliseconds(100));
    const auto after = sink.stats();
    CHECK(after.unchanged == before.unchanged + routes.size());
    CHECK(after.requests == before.requests);
    CHECK(after.added == before.added);
    CHECK(after.replaced == before.replaced);
    int events = 0;
    const int rc = watcher.receive_pending([&](const nlmsghdr*) { ++events; });
    CHECK(rc == EAGAIN);
    CHECK(events == 0);
    CHECK(kernel_changes == 0);
    CHECK(after.repaired == 0);
}
