#include "speaker/export.hpp"

#include <catch2/catch_test_macros.hpp>
#include <vector>

namespace {

namespace wire = bgp::wire;
using bgp::speaker_detail::ExportContext;

wire::Prefix pfx(const char* s) { return *wire::Prefix::parse(s); }
wire::IpAddress ip(const char* s) { return *wire::IpAddress::parse(s); }

ExportContext ebgp() {
    ExportContext c;
    c.ibgp = false;
    c.local_as = 64512;
    c.self_ipv4 = ip("127.0.0.1");
    return c;
}

}  // namespace

TEST_CASE("export to eBGP: our AS prepended, next hop self, no LOCAL_PREF", "[speaker]") {
    wire::PathAttributes route;
    route.local_pref = 300;
    route.med = 7;
    route.communities = std::vector<std::uint32_t>{0xFDE80001};
    auto a = bgp::speaker_detail::export_attributes(route, wire::ipv4_unicast, ebgp());
    REQUIRE(a);
    CHECK(a->origin == wire::Origin::igp);
    REQUIRE(a->as_path);
    CHECK(a->as_path->to_string() == "64512");
    CHECK(a->next_hop == ip("127.0.0.1"));
    CHECK_FALSE(a->local_pref.has_value());
    CHECK(a->med == 7u);
    CHECK(a->communities == route.communities);

    // A given next hop is kept; an existing path gets our AS in front.
    route.next_hop = ip("198.18.0.9");
    route.as_path = wire::AsPath{{{wire::AsSegmentType::as_sequence, {65001, 65002}}}};
    a = bgp::speaker_detail::export_attributes(route, wire::ipv4_unicast, ebgp());
    REQUIRE(a);
    CHECK(a->next_hop == ip("198.18.0.9"));
    CHECK(a->as_path->to_string() == "64512 65001 65002");
}

TEST_CASE("export to iBGP: LOCAL_PREF 100 by default, path unchanged", "[speaker]") {
    auto ctx = ebgp();
    ctx.ibgp = true;
    wire::PathAttributes route;
    auto a = bgp::speaker_detail::export_attributes(route, wire::ipv4_unicast, ctx);
    REQUIRE(a);
    CHECK(a->local_pref == 100u);
    CHECK(a->as_path->segments.empty());
    route.local_pref = 250;
    CHECK(bgp::speaker_detail::export_attributes(route, wire::ipv4_unicast, ctx)->local_pref ==
          250u);
}

TEST_CASE("export: an IPv6 route needs an IPv6 next hop", "[speaker]") {
    wire::PathAttributes route;
    CHECK_FALSE(bgp::speaker_detail::export_attributes(route, wire::ipv6_unicast, ebgp()));
    auto ctx = ebgp();
    ctx.self_ipv6 = ip("2001:db8::1");
    auto a = bgp::speaker_detail::export_attributes(route, wire::ipv6_unicast, ctx);
    REQUIRE(a);
    CHECK(a->next_hop == ip("2001:db8::1"));
}

TEST_CASE("export to a 2-octet peer carries AS4_PATH for large ASNs", "[speaker]") {
    auto ctx = ebgp();
    ctx.local_as = 4200000001u;
    ctx.four_octet_as = false;
    auto a = bgp::speaker_detail::export_attributes({}, wire::ipv4_unicast, ctx);
    REQUIRE(a);
    REQUIRE(a->as4_path);
    CHECK(a->as4_path->to_string() == "4200000001");
}

TEST_CASE("UPDATE packing stays within 4096 octets and loses no prefix", "[speaker]") {
    auto a = *bgp::speaker_detail::export_attributes({}, wire::ipv4_unicast, ebgp());
    std::vector<wire::Prefix> prefixes;
    for (std::uint32_t i = 0; i < 3000; ++i)
        prefixes.emplace_back(wire::IpAddress::v4(0x0A000000u + (i << 8)), std::uint8_t{24});
    wire::CodecOptions opts;
    auto updates = bgp::speaker_detail::build_announcements(wire::ipv4_unicast, a, prefixes, opts);
    REQUIRE(updates.size() > 1);
    std::size_t total = 0;
    for (const auto& u : updates) {
        auto bytes = wire::encode(wire::Message{u}, opts);
        REQUIRE(bytes);
        CHECK(bytes->size() <= wire::max_message_size);
        total += u.nlri.size();
    }
    CHECK(total == prefixes.size());
    // Nearly full messages, not one prefix each.
    CHECK(updates.size() < 20);

    auto withdrawals = bgp::speaker_detail::build_withdrawals(wire::ipv4_unicast, prefixes, opts);
    total = 0;
    for (const auto& u : withdrawals) {
        REQUIRE(wire::encode(wire::Message{u}, opts));
        total += u.withdrawn.size();
    }
    CHECK(total == prefixes.size());
}

TEST_CASE("IPv6 announcements and withdrawals use MP_REACH / MP_UNREACH", "[speaker]") {
    auto ctx = ebgp();
    ctx.self_ipv6 = ip("2001:db8::1");
    auto a = *bgp::speaker_detail::export_attributes({}, wire::ipv6_unicast, ctx);
    std::vector<wire::Prefix> prefixes{pfx("2001:db8:1::/48"), pfx("2001:db8:2::/48")};
    wire::CodecOptions opts;
    opts.add_path.insert(wire::ipv6_unicast);
    auto ups = bgp::speaker_detail::build_announcements(wire::ipv6_unicast, a, prefixes, opts);
    REQUIRE(ups.size() == 1);
    REQUIRE(ups[0].attributes.mp_reach);
    CHECK(ups[0].attributes.mp_reach->next_hops == std::vector<wire::IpAddress>{ip("2001:db8::1")});
    CHECK(ups[0].attributes.mp_reach->nlri.size() == 2);
    CHECK(ups[0].attributes.mp_reach->nlri[0].path_id == 1u);
    CHECK_FALSE(ups[0].attributes.next_hop.has_value());
    // Round trip through the codec.
    auto bytes = wire::encode(wire::Message{ups[0]}, opts);
    REQUIRE(bytes);
    auto back = wire::decode_message(*bytes, opts);
    REQUIRE(back);
    CHECK(std::get<wire::Update>(*back).attributes.mp_reach->nlri.size() == 2);

    auto wd = bgp::speaker_detail::build_withdrawals(wire::ipv6_unicast, prefixes, opts);
    REQUIRE(wd.size() == 1);
    REQUIRE(wd[0].attributes.mp_unreach);
    CHECK(wd[0].attributes.mp_unreach->nlri.size() == 2);
}
