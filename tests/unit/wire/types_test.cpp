#include "bgp/wire/types.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace bgp::wire;

TEST_CASE("Family names round trip", "[wire][types]") {
    CHECK(ipv4_unicast.name() == "ipv4-unicast");
    CHECK(ipv6_unicast.name() == "ipv6-unicast");
    CHECK(Family{Afi::l2vpn, Safi::evpn}.name() == "l2vpn-evpn");
    CHECK(Family{static_cast<Afi>(3), static_cast<Safi>(9)}.name() == "afi-3-safi-9");
    for (auto f : {ipv4_unicast, ipv6_unicast, Family{Afi::ipv4, Safi::mpls_vpn},
                   Family{static_cast<Afi>(3), static_cast<Safi>(9)}}) {
        auto p = Family::parse(f.name());
        REQUIRE(p);
        CHECK(*p == f);
    }
    CHECK_FALSE(Family::parse("ipv5-unicast"));
    CHECK_FALSE(Family::parse("afi-1-safi-"));
    CHECK_FALSE(Family::parse("afi-70000-safi-1"));
    CHECK(ipv4_unicast.is_prefix_family());
    CHECK_FALSE(Family{Afi::ipv4, Safi::mpls_vpn}.is_prefix_family());
}

TEST_CASE("IpAddress parse, print and classify", "[wire][types]") {
    auto a = IpAddress::parse("192.0.2.1");
    REQUIRE(a);
    CHECK(a->is_v4());
    CHECK(a->v4_value() == 0xC0000201u);
    CHECK(a->to_string() == "192.0.2.1");
    CHECK(*a == IpAddress::v4(0xC0000201u));
    auto b = IpAddress::parse("fe80::1");
    REQUIRE(b);
    CHECK(b->is_v6());
    CHECK(b->is_link_local());
    CHECK(b->to_string() == "fe80::1");
    CHECK(b->v4_value() == 0);
    CHECK_FALSE(IpAddress::parse("300.1.1.1"));
    CHECK_FALSE(IpAddress::parse(""));
    CHECK(IpAddress::parse("::")->is_unspecified());
    CHECK(*a < *b);  // IPv4 sorts before IPv6 with these bytes
}

TEST_CASE("Prefix masks host bits", "[wire][types]") {
    Prefix p(IpAddress::v4(0x0A0102FFu), 24);
    CHECK(p.to_string() == "10.1.2.0/24");
    Prefix q(*IpAddress::parse("2001:db8::ffff"), 33);
    CHECK(q.to_string() == "2001:db8::/33");
    Prefix r(IpAddress::v4(0xFFFFFFFFu), 0);
    CHECK(r.to_string() == "0.0.0.0/0");
    Prefix s(IpAddress::v4(0xC0A887C1u), 26);  // 192.168.135.193/26
    CHECK(s.to_string() == "192.168.135.192/26");
    CHECK(s.contains(*IpAddress::parse("192.168.135.250")));
    CHECK_FALSE(s.contains(*IpAddress::parse("192.168.135.1")));
    CHECK_FALSE(s.contains(*IpAddress::parse("::1")));
    auto t = Prefix::parse("10.9.8.7/8");
    REQUIRE(t);
    CHECK(t->to_string() == "10.0.0.0/8");
    CHECK_FALSE(Prefix::parse("10.0.0.0/33"));
    CHECK_FALSE(Prefix::parse("10.0.0.0"));
    CHECK_FALSE(Prefix::parse("10.0.0.0/"));
    CHECK(Prefix::parse("::/128"));
}
