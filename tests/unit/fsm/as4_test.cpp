// Tests for libbgp/src/fsm/as4.cpp: RFC 6793 §4.2.3 AS_PATH / AS4_PATH and
// AGGREGATOR / AS4_AGGREGATOR reconciliation.
#include "bgp/fsm/as4.hpp"

#include <catch2/catch_test_macros.hpp>

#include "bgp/wire/message.hpp"

using namespace bgp;
using namespace bgp::fsm;
using wire::AsPath;
using wire::AsSegment;
using wire::AsSegmentType;

namespace {

AsSegment seq(std::vector<std::uint32_t> v) { return {AsSegmentType::as_sequence, std::move(v)}; }
AsSegment set(std::vector<std::uint32_t> v) { return {AsSegmentType::as_set, std::move(v)}; }
AsSegment confed(std::vector<std::uint32_t> v) {
    return {AsSegmentType::as_confed_sequence, std::move(v)};
}

}  // namespace

TEST_CASE("as4_count: AS_SET counts one, confederation segments none", "[fsm]") {
    CHECK(as4_count(AsPath{{seq({1, 2, 3}), set({4, 5, 6})}}) == 4);
    CHECK(as4_count(AsPath{{confed({7, 8}), seq({1})}}) == 1);
    CHECK(as4_count(AsPath{}) == 0);
}

TEST_CASE("reconcile_as4_path: the RFC 6793 example shape", "[fsm]") {
    // A 2-octet speaker (65001) prepended itself; the 4-octet ASNs behind it
    // show as AS_TRANS in AS_PATH and for real in AS4_PATH.
    const AsPath as_path{{seq({65001, 23456, 23456, 65002})}};
    const AsPath as4_path{{seq({4200000001u, 4200000002u, 65002})}};
    const auto r = reconcile_as4_path(as_path, as4_path);
    CHECK(r == AsPath{{seq({65001, 4200000001u, 4200000002u, 65002})}});
}

TEST_CASE("reconcile_as4_path: AS4_PATH longer than AS_PATH is ignored", "[fsm]") {
    const AsPath as_path{{seq({65001, 23456})}};
    const AsPath as4_path{{seq({1, 2, 3})}};
    CHECK(reconcile_as4_path(as_path, as4_path) == as_path);
}

TEST_CASE("reconcile_as4_path: equal lengths take AS4_PATH whole", "[fsm]") {
    const AsPath as_path{{seq({23456, 23456})}};
    const AsPath as4_path{{seq({4200000001u, 4200000002u})}};
    CHECK(reconcile_as4_path(as_path, as4_path) == as4_path);
}

TEST_CASE("reconcile_as4_path: sets and confederation segments", "[fsm]") {
    SECTION("an AS_SET in the leading part is kept whole") {
        const AsPath as_path{{seq({65001}), set({65010, 65011}), seq({23456})}};
        const AsPath as4_path{{seq({4200000001u})}};
        const auto r = reconcile_as4_path(as_path, as4_path);
        CHECK(r == AsPath{{seq({65001}), set({65010, 65011}), seq({4200000001u})}});
    }
    SECTION("leading confederation segments stay, AS4_PATH's are dropped") {
        const AsPath as_path{{confed({65100}), seq({65001, 23456})}};
        const AsPath as4_path{{confed({9}), seq({4200000001u})}};
        const auto r = reconcile_as4_path(as_path, as4_path);
        CHECK(r == AsPath{{confed({65100}), seq({65001, 4200000001u})}});
    }
    SECTION("a sequence split in the middle") {
        const AsPath as_path{{seq({1, 2, 23456, 23456})}};
        const AsPath as4_path{{seq({4200000001u}), set({4200000002u, 4200000003u})}};
        const auto r = reconcile_as4_path(as_path, as4_path);
        CHECK(r == AsPath{{seq({1, 2, 4200000001u}), set({4200000002u, 4200000003u})}});
    }
}

TEST_CASE("reconcile_as4: AGGREGATOR rules", "[fsm]") {
    wire::PathAttributes a;
    a.as_path = AsPath{{seq({65001, 23456})}};
    a.as4_path = AsPath{{seq({4200000001u})}};
    a.aggregator = wire::Aggregator{23456, wire::IpAddress::v4(0x01020304)};
    a.as4_aggregator = wire::Aggregator{4200000001u, wire::IpAddress::v4(0x01020304)};
    SECTION("AGGREGATOR is AS_TRANS: AS4_AGGREGATOR and AS4_PATH apply") {
        reconcile_as4(a);
        CHECK(a.aggregator->asn == 4200000001u);
        CHECK(a.as_path == AsPath{{seq({65001, 4200000001u})}});
        CHECK_FALSE(a.as4_path);
        CHECK_FALSE(a.as4_aggregator);
    }
    SECTION("AGGREGATOR with a real AS: AS4_AGGREGATOR and AS4_PATH ignored") {
        a.aggregator->asn = 65001;
        reconcile_as4(a);
        CHECK(a.aggregator->asn == 65001);
        CHECK(a.as_path == AsPath{{seq({65001, 23456})}});
        CHECK_FALSE(a.as4_path);
        CHECK_FALSE(a.as4_aggregator);
    }
    SECTION("no AGGREGATOR: AS4_PATH applies") {
        a.aggregator.reset();
        a.as4_aggregator.reset();
        reconcile_as4(a);
        CHECK(a.as_path == AsPath{{seq({65001, 4200000001u})}});
    }
}

TEST_CASE("discard_as4_attributes between 4-octet speakers", "[fsm]") {
    wire::PathAttributes a;
    a.as_path = AsPath{{seq({4200000001u})}};
    CHECK_FALSE(discard_as4_attributes(a));
    a.as4_path = AsPath{{seq({1})}};
    CHECK(discard_as4_attributes(a));
    CHECK_FALSE(a.as4_path);
    CHECK(a.as_path == AsPath{{seq({4200000001u})}});
}

TEST_CASE("add_as4_attributes: towards a 2-octet speaker (RFC 6793 §4.2.2)", "[fsm]") {
    wire::PathAttributes a;
    a.as_path = AsPath{{confed({65100}), seq({4200000001u, 65001})}};
    a.aggregator = wire::Aggregator{4200000001u, wire::IpAddress::v4(0x01020304)};
    add_as4_attributes(a);
    REQUIRE(a.as4_path);
    CHECK(*a.as4_path == AsPath{{seq({4200000001u, 65001})}});  // no confederation segments
    REQUIRE(a.as4_aggregator);
    CHECK(a.as4_aggregator->asn == 4200000001u);
    // Only 2-octet numbers: neither attribute (and stale ones are removed).
    wire::PathAttributes b;
    b.as_path = AsPath{{seq({65001, 65002})}};
    b.aggregator = wire::Aggregator{65001, wire::IpAddress::v4(0x01020304)};
    b.as4_path = AsPath{{seq({1})}};
    add_as4_attributes(b);
    CHECK_FALSE(b.as4_path);
    CHECK_FALSE(b.as4_aggregator);
}

TEST_CASE("add_as4_attributes then 2-octet encode and reconcile give the path back", "[fsm]") {
    wire::Update u;
    u.attributes.origin = wire::Origin::igp;
    u.attributes.as_path = AsPath{{seq({4200000001u, 65001, 4200000002u})}};
    u.attributes.next_hop = wire::IpAddress::v4(0xC6120001);
    u.nlri.push_back({*wire::Prefix::parse("10.0.0.0/8"), std::nullopt});
    auto sent = u;
    add_as4_attributes(sent.attributes);
    wire::CodecOptions two;
    two.four_octet_as = false;
    auto bytes = wire::encode(wire::Message{sent}, two);
    REQUIRE(bytes.has_value());
    auto back = wire::decode_message(*bytes, two);
    REQUIRE(back.has_value());
    auto got = std::get<wire::Update>(*back);
    CHECK(got.attributes.as_path == AsPath{{seq({23456, 65001, 23456})}});
    reconcile_as4(got.attributes);
    CHECK(got.attributes.as_path == u.attributes.as_path);
}
