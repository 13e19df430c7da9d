// Tests for libbgp/src/fsm/selection_deferral.cpp: RFC 4724 §4.1 deferral of
// best-path selection on the restarting speaker.
#include "bgp/fsm/selection_deferral.hpp"

#include <catch2/catch_test_macros.hpp>

#include "fsm_test_support.hpp"

using namespace bgp;
using namespace bgp::fsm;

TEST_CASE("SelectionDeferral: complete when every peer sent End-of-RIB", "[fsm]") {
    fsmtest::Clock clock;
    SelectionDeferral d(clock.now, std::chrono::seconds(120));
    const auto p1 = *wire::IpAddress::parse("192.0.2.1");
    const auto p2 = *wire::IpAddress::parse("2001:db8::2");
    CHECK(d.complete(clock.now));  // nobody to wait for
    d.expect(p1, {wire::ipv4_unicast, wire::ipv6_unicast});
    d.expect(p2, {wire::ipv4_unicast});
    d.expect(p2, {wire::ipv4_unicast});  // twice is once
    CHECK(d.pending().size() == 3);
    CHECK_FALSE(d.complete(clock.now));
    d.end_of_rib(p1, wire::ipv4_unicast);
    CHECK_FALSE(d.family_complete(wire::ipv4_unicast));
    CHECK_FALSE(d.family_complete(wire::ipv6_unicast));
    d.end_of_rib(p2, wire::ipv4_unicast);
    CHECK(d.family_complete(wire::ipv4_unicast));
    CHECK_FALSE(d.complete(clock.now));
    d.end_of_rib(p2, wire::ipv6_unicast);  // not expected: no effect
    CHECK_FALSE(d.all_received());
    d.end_of_rib(p1, wire::ipv6_unicast);
    CHECK(d.all_received());
    CHECK(d.complete(clock.now));
}

TEST_CASE("SelectionDeferral: the timer bounds the wait; forgotten peers do not count", "[fsm]") {
    fsmtest::Clock clock;
    SelectionDeferral d(clock.now, std::chrono::seconds(120));
    const auto p1 = *wire::IpAddress::parse("192.0.2.1");
    const auto p2 = *wire::IpAddress::parse("192.0.2.2");
    d.expect(p1, {wire::ipv4_unicast});
    d.expect(p2, {wire::ipv4_unicast});
    CHECK(d.deadline() == clock.now + std::chrono::seconds(120));
    CHECK_FALSE(d.complete(clock.now + std::chrono::seconds(119)));
    CHECK(d.complete(clock.now + std::chrono::seconds(120)));
    d.forget(p1);
    d.end_of_rib(p2, wire::ipv4_unicast);
    CHECK(d.complete(clock.now));
}
