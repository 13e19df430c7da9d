// The sink's route codec (libbgp/src/fib/route_codec.cpp) without a kernel: Route ->
// RTM_NEWROUTE -> Route round trips (single and multipath next hops with weights and
// onlink, blackhole, IPv6, a table above 255), the RTM_DELROUTE header, and the
// comparison that decides "no write" (same_route).
#include <linux/rtnetlink.h>
#include <catch2/catch_test_macros.hpp>

#include "fib/route_codec.hpp"

namespace {

using bgp::fib::Nexthop;
using bgp::fib::Route;
using bgp::fib::RouteType;
using bgp::fib::detail::Links;
using bgp::fib::detail::MessageBuffer;
using bgp::fib::detail::RouteKey;
using bgp::wire::IpAddress;
using bgp::wire::Prefix;

Prefix pfx(const char* text) { return *Prefix::parse(text); }
IpAddress ip(const char* text) { return *IpAddress::parse(text); }

Route round_trip(const Route& route, const RouteKey& key, std::uint8_t* type = nullptr) {
    MessageBuffer buffer;
    Links links;
    REQUIRE(bgp::fib::detail::encode_new(buffer, 7, route, key, NLM_F_EXCL, links).empty());
    REQUIRE(buffer.count() == 1);
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer.bytes().data());
    CHECK(nlh->nlmsg_seq == 7);
    CHECK((nlh->nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)) ==
          (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL));
    const auto decoded = bgp::fib::detail::decode_route(nlh, links);
    REQUIRE(decoded);
    CHECK(decoded->key.table == key.table);
    CHECK(decoded->key.protocol == key.protocol);
    if (type != nullptr) *type = decoded->type;
    return decoded->route;
}

}  // namespace

TEST_CASE("Sink codec: routes survive encode and decode", "[fib]") {
    const RouteKey key{100, 201};
    const Route single{
        pfx("192.168.1.0/26"), RouteType::unicast, {Nexthop{ip("10.0.0.2"), "", false, 1}}};
    CHECK(round_trip(single, key) == single);

    const Route onlink{
        pfx("192.168.2.0/26"), RouteType::unicast, {Nexthop{ip("172.16.199.114"), "", true, 1}}};
    CHECK(round_trip(onlink, key) == onlink);

    const Route ecmp{
        pfx("192.168.3.0/26"),
        RouteType::unicast,
        {Nexthop{ip("10.0.0.2"), "", false, 1}, Nexthop{ip("172.16.199.114"), "", true, 5}}};
    CHECK(round_trip(ecmp, RouteKey{1000, 201}) == ecmp);

    std::uint8_t type = 0;
    const Route hole{pfx("192.168.187.192/26"), RouteType::blackhole, {}};
    CHECK(round_trip(hole, key, &type) == hole);
    CHECK(type == RTN_BLACKHOLE);

    const Route v6{
        pfx("fd00:30::/122"),
        RouteType::unicast,
        {Nexthop{ip("2001:db8::2"), "", false, 2}, Nexthop{ip("2001:db8::3"), "", false, 1}}};
    CHECK(round_trip(v6, RouteKey{254, 42}) == v6);

    const Route whole{
        pfx("0.0.0.0/0"), RouteType::unicast, {Nexthop{ip("10.0.0.1"), "", false, 1}}};
    CHECK(round_trip(whole, key) == whole);
}

TEST_CASE("Sink codec: what cannot be encoded is refused with a reason", "[fib]") {
    MessageBuffer buffer;
    Links links;
    const RouteKey key{};
    using bgp::fib::detail::encode_new;
    CHECK_FALSE(
        encode_new(buffer, 1, Route{pfx("10.1.0.0/16"), RouteType::unicast, {}}, key, 0, links)
            .empty());
    CHECK_FALSE(encode_new(buffer, 1,
                           Route{pfx("10.1.0.0/16"),
                                 RouteType::unicast,
                                 {Nexthop{ip("2001:db8::1"), "", false, 1}}},
                           key, 0, links)
                    .empty());
    CHECK_FALSE(encode_new(buffer, 1,
                           Route{pfx("10.1.0.0/16"),
                                 RouteType::unicast,
                                 {Nexthop{ip("10.0.0.1"), "no-such-device-x", false, 1}}},
                           key, 0, links)
                    .empty());
    CHECK(buffer.empty());
}

TEST_CASE("Sink codec: a delete names our protocol and table only", "[fib]") {
    MessageBuffer buffer;
    bgp::fib::detail::encode_delete(buffer, 9, pfx("192.168.1.0/26"), RouteKey{1000, 201});
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer.bytes().data());
    CHECK(nlh->nlmsg_type == RTM_DELROUTE);
    const auto* rtm = static_cast<const rtmsg*>(NLMSG_DATA(nlh));
    CHECK(rtm->rtm_protocol == 201);
    CHECK(rtm->rtm_table == RT_TABLE_UNSPEC);  // 1000 travels in RTA_TABLE
    CHECK(rtm->rtm_type == RTN_UNSPEC);
    CHECK(rtm->rtm_scope == RT_SCOPE_NOWHERE);
    CHECK(rtm->rtm_dst_len == 26);
}

TEST_CASE("Sink codec: same_route decides when nothing is written", "[fib]") {
    using bgp::fib::detail::same_route;
    const Route a{
        pfx("192.168.3.0/26"),
        RouteType::unicast,
        {Nexthop{ip("10.0.0.2"), "", false, 1}, Nexthop{ip("10.0.0.3"), "eth0", true, 2}}};
    Route kernel = a;  // as a dump returns it: devices filled in, order may differ
    kernel.nexthops[0].device = "eth0";
    std::swap(kernel.nexthops[0], kernel.nexthops[1]);
    CHECK(same_route(a, kernel));

    Route other_weight = kernel;
    other_weight.nexthops[0].weight = 3;
    CHECK_FALSE(same_route(a, other_weight));
    Route other_device = kernel;
    other_device.nexthops[0].device = "eth1";
    CHECK_FALSE(same_route(a, other_device));
    Route no_onlink = kernel;
    no_onlink.nexthops[0].onlink = false;
    CHECK_FALSE(same_route(a, no_onlink));
    Route fewer = kernel;
    fewer.nexthops.pop_back();
    CHECK_FALSE(same_route(a, fewer));

    // A single next hop's weight is not kept by the kernel; weight 0 is written as 1.
    const Route one{
        pfx("192.168.4.0/26"), RouteType::unicast, {Nexthop{ip("10.0.0.2"), "", false, 9}}};
    Route one_back = one;
    one_back.nexthops[0].weight = 1;
    CHECK(same_route(one, one_back));
    Route zero = a;
    zero.nexthops[0].weight = 0;
    Route zero_back = a;
    CHECK(same_route(zero, zero_back));

    const Route hole{pfx("192.168.4.0/26"), RouteType::blackhole, {}};
    CHECK_FALSE(same_route(one, hole));
    CHECK(same_route(hole, hole));
}
