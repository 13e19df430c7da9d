// The open-files limit the daemon raises at start (reflector/src/limits.cpp).
#include <sys/resource.h>

#include <catch2/catch_test_macros.hpp>
#include <limits>

#include "limits.hpp"

namespace {

std::uint64_t as_u64(rlim_t v) {
    return v == RLIM_INFINITY ? std::numeric_limits<std::uint64_t>::max()
                              : static_cast<std::uint64_t>(v);
}

}  // namespace

TEST_CASE("the soft open-files limit is raised to the hard limit", "[reflector][scale]") {
    rlimit rl{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    // Lower the soft limit (always allowed), unless it cannot go lower than what is open.
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max > 512) {
        rlimit lowered = rl;
        lowered.rlim_cur = 256;
        REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
        const auto r = bgp::reflector::raise_open_files_limit();
        CHECK(r.error.empty());
        CHECK(r.before == 256);
        CHECK(r.hard == as_u64(rl.rlim_max));
        CHECK(r.now == r.hard);
    }
    // Already at the hard limit: nothing to change, and no error.
    const auto again = bgp::reflector::raise_open_files_limit();
    CHECK(again.error.empty());
    CHECK(again.before == again.now);
    rlimit after{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &after) == 0);
    CHECK(after.rlim_cur == after.rlim_max);
    CHECK(again.now == as_u64(after.rlim_cur));
}
