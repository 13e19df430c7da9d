// Maximum-prefix limit for one neighbour and address family, as a pure state
// object (no clock, no I/O): the caller reports the prefix count, the object
// says what to do. FRR `neighbor X maximum-prefix N [THRESHOLD] [warning-only]
// [restart MINUTES]`, BIRD `import limit N action warn|restart|disable`,
// GoBGP `max-prefixes` / `shutdown-threshold-pct`.
//
// Tear-down sends NOTIFICATION Cease / Maximum Number of Prefixes Reached
// (RFC 4486 §4) whose data is AFI, SAFI and the limit (cease_data()).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

#include "bgp/wire/types.hpp"

namespace bgp::policy {

struct MaxPrefixConfig {
    std::uint32_t limit = 0;  ///< > 0
    /// Warn once when the count reaches this percentage of the limit (1..100;
    /// 0 = no early warning). FRR's default is 75.
    std::uint8_t warning_threshold_percent = 75;
    /// Only log when the limit is exceeded; keep the session.
    bool warning_only = false;
    /// After a tear-down, when the session may be started again; zero = stays
    /// down until an operator clears it (FRR without `restart`).
    std::chrono::seconds restart_interval{0};
    friend bool operator==(const MaxPrefixConfig&, const MaxPrefixConfig&) = default;
};

enum class MaxPrefixEvent : std::uint8_t {
    none,               ///< nothing new to report
    threshold_reached,  ///< count crossed the warning threshold (reported once per crossing)
    limit_exceeded,     ///< count went over the limit with warning_only (reported once)
    tear_down,          ///< count went over the limit: send the Cease and close
};

/// Counts are the caller's (FRR and BIRD's `import limit` count accepted
/// prefixes; BIRD's `receive limit` counts received ones). Events fire on
/// crossings only; dropping back below the threshold re-arms them.
class MaxPrefixState {
  public:
    using Clock = std::chrono::steady_clock;

    /// Throws ConfigError for limit 0 or a threshold above 100.
    MaxPrefixState(wire::Family family, MaxPrefixConfig config);

    /// Reports the current prefix count.
    MaxPrefixEvent update(std::uint64_t count);

    /// Records the tear-down time; returns when the session may restart
    /// (nullopt = never automatically).
    std::optional<Clock::time_point> torn_down(Clock::time_point now);
    /// True while a tear-down holds the session down and `now` is before the
    /// restart time (always true without a restart interval).
    [[nodiscard]] bool holds_down(Clock::time_point now) const;
    /// The session came up again (or an operator cleared it): count from zero.
    void reset();

    [[nodiscard]] bool over_limit() const { return over_limit_; }
    [[nodiscard]] const MaxPrefixConfig& config() const { return config_; }
    [[nodiscard]] wire::Family family() const { return family_; }
    /// RFC 4486 §4 NOTIFICATION data: AFI (2), SAFI (1), limit (4).
    [[nodiscard]] std::array<std::uint8_t, 7> cease_data() const;

  private:
    wire::Family family_;
    MaxPrefixConfig config_;
    std::uint64_t threshold_ = 0;  // 0 = no early warning
    bool warned_ = false;
    bool over_limit_ = false;
    bool down_ = false;
    std::optional<Clock::time_point> restart_at_;
};

}  // namespace bgp::policy
