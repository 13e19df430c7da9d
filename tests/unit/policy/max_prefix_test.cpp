// Maximum-prefix state (libbgp/src/policy/max_prefix.cpp): threshold warning,
// warn-only, tear-down, restart interval, re-arming, RFC 4486 data. The clock
// is simulated (time points made by hand).
#include <catch2/catch_test_macros.hpp>

#include "policy_test_support.hpp"

using namespace bgp;
using namespace bgp::policy;
using namespace std::chrono_literals;

namespace {
const MaxPrefixState::Clock::time_point t0{std::chrono::hours(1000)};
}

TEST_CASE("Max-prefix: threshold warning once, then tear-down over the limit",
          "[policy][max-prefix]") {
    MaxPrefixState s(wire::ipv4_unicast, MaxPrefixConfig{100, 75, false, 0s});
    CHECK(s.update(0) == MaxPrefixEvent::none);
    CHECK(s.update(74) == MaxPrefixEvent::none);
    CHECK(s.update(75) == MaxPrefixEvent::threshold_reached);
    CHECK(s.update(80) == MaxPrefixEvent::none);   // reported once
    CHECK(s.update(100) == MaxPrefixEvent::none);  // the limit itself is allowed
    CHECK_FALSE(s.over_limit());
    CHECK(s.update(101) == MaxPrefixEvent::tear_down);
    CHECK(s.over_limit());
    CHECK(s.update(150) == MaxPrefixEvent::none);  // already reported
}

TEST_CASE("Max-prefix: warning only keeps the session and re-arms", "[policy][max-prefix]") {
    MaxPrefixState s(wire::ipv6_unicast, MaxPrefixConfig{10, 0, true, 0s});
    CHECK(s.update(9) == MaxPrefixEvent::none);  // no early warning configured
    CHECK(s.update(11) == MaxPrefixEvent::limit_exceeded);
    CHECK(s.update(12) == MaxPrefixEvent::none);
    CHECK(s.update(10) == MaxPrefixEvent::none);  // back under: re-armed
    CHECK(s.update(11) == MaxPrefixEvent::limit_exceeded);
}

TEST_CASE("Max-prefix: dropping below the threshold re-arms the warning", "[policy][max-prefix]") {
    MaxPrefixState s(wire::ipv4_unicast, MaxPrefixConfig{10, 50, false, 0s});
    CHECK(s.update(5) == MaxPrefixEvent::threshold_reached);
    CHECK(s.update(4) == MaxPrefixEvent::none);
    CHECK(s.update(6) == MaxPrefixEvent::threshold_reached);
    // Jumping straight over the limit reports the limit, not the threshold.
    MaxPrefixState j(wire::ipv4_unicast, MaxPrefixConfig{10, 50, false, 0s});
    CHECK(j.update(1000) == MaxPrefixEvent::tear_down);
}

TEST_CASE("Max-prefix: threshold rounds up and is at least one", "[policy][max-prefix]") {
    MaxPrefixState s(wire::ipv4_unicast, MaxPrefixConfig{10, 75, false, 0s});
    CHECK(s.update(7) == MaxPrefixEvent::none);
    CHECK(s.update(8) == MaxPrefixEvent::threshold_reached);
    MaxPrefixState one(wire::ipv4_unicast, MaxPrefixConfig{1, 1, false, 0s});
    CHECK(one.update(0) == MaxPrefixEvent::none);
    CHECK(one.update(1) == MaxPrefixEvent::threshold_reached);
    CHECK(one.update(2) == MaxPrefixEvent::tear_down);
}

TEST_CASE("Max-prefix: restart interval after a tear-down", "[policy][max-prefix]") {
    MaxPrefixState s(wire::ipv4_unicast, MaxPrefixConfig{5, 75, false, 30s});
    CHECK_FALSE(s.holds_down(t0));
    REQUIRE(s.update(6) == MaxPrefixEvent::tear_down);
    const auto restart = s.torn_down(t0);
    REQUIRE(restart);
    CHECK(*restart == t0 + 30s);
    CHECK(s.holds_down(t0));
    CHECK(s.holds_down(t0 + 29s));
    CHECK_FALSE(s.holds_down(t0 + 30s));
    s.reset();  // the session is up again
    CHECK_FALSE(s.over_limit());
    CHECK(s.update(4) == MaxPrefixEvent::threshold_reached);
    CHECK(s.update(6) == MaxPrefixEvent::tear_down);
}

TEST_CASE("Max-prefix: without a restart interval the session stays down", "[policy][max-prefix]") {
    MaxPrefixState s(wire::ipv4_unicast, MaxPrefixConfig{5, 75, false, 0s});
    REQUIRE(s.update(6) == MaxPrefixEvent::tear_down);
    CHECK_FALSE(s.torn_down(t0));
    CHECK(s.holds_down(t0 + std::chrono::hours(24 * 365)));
    s.reset();  // operator cleared it
    CHECK_FALSE(s.holds_down(t0));
}

TEST_CASE("Max-prefix: RFC 4486 NOTIFICATION data and config checks", "[policy][max-prefix]") {
    MaxPrefixState v6(wire::ipv6_unicast, MaxPrefixConfig{0x01020304, 75, false, 0s});
    CHECK(v6.cease_data() == std::array<std::uint8_t, 7>{0, 2, 1, 1, 2, 3, 4});
    CHECK(v6.family() == wire::ipv6_unicast);
    CHECK_THROWS_AS(MaxPrefixState(wire::ipv4_unicast, MaxPrefixConfig{0, 75, false, 0s}),
                    ConfigError);
    CHECK_THROWS_AS(MaxPrefixState(wire::ipv4_unicast, MaxPrefixConfig{10, 101, false, 0s}),
                    ConfigError);
    CHECK_THROWS_AS(MaxPrefixState(wire::ipv4_unicast, MaxPrefixConfig{10, 75, false, -1s}),
                    ConfigError);
}
