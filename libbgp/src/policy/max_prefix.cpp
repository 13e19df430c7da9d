// Maximum-prefix state: threshold warning, limit, tear-down and restart time.
#include "bgp/policy/max_prefix.hpp"

#include <fmt/format.h>

#include "bgp/policy/config.hpp"

namespace bgp::policy {

MaxPrefixState::MaxPrefixState(wire::Family family, MaxPrefixConfig config)
    : family_(family), config_(config) {
    if (config_.limit == 0) throw ConfigError("max-prefix.limit", "must be greater than 0");
    if (config_.warning_threshold_percent > 100)
        throw ConfigError(
            "max-prefix.warning-threshold",
            fmt::format("{} is not a percentage (0..100)", config_.warning_threshold_percent));
    if (config_.restart_interval.count() < 0)
        throw ConfigError("max-prefix.restart-interval", "must not be negative");
    if (config_.warning_threshold_percent > 0) {
        // Round up, at least 1: 75% of 10 is 8 (FRR: count >= limit * pct / 100).
        const std::uint64_t num = std::uint64_t{config_.limit} * config_.warning_threshold_percent;
        threshold_ = (num + 99) / 100;
        if (threshold_ == 0) threshold_ = 1;
    }
}

MaxPrefixEvent MaxPrefixState::update(std::uint64_t count) {
    if (count > config_.limit) {
        if (over_limit_) return MaxPrefixEvent::none;
        over_limit_ = true;
        warned_ = true;
        return config_.warning_only ? MaxPrefixEvent::limit_exceeded : MaxPrefixEvent::tear_down;
    }
    over_limit_ = false;
    if (threshold_ != 0 && count >= threshold_) {
        if (warned_) return MaxPrefixEvent::none;
        warned_ = true;
        return MaxPrefixEvent::threshold_reached;
    }
    warned_ = false;
    return MaxPrefixEvent::none;
}

std::optional<MaxPrefixState::Clock::time_point> MaxPrefixState::torn_down(Clock::time_point now) {
    down_ = true;
    if (config_.restart_interval.count() == 0) {
        restart_at_.reset();
    } else {
        restart_at_ = now + config_.restart_interval;
    }
    return restart_at_;
}

bool MaxPrefixState::holds_down(Clock::time_point now) const {
    if (!down_) return false;
    if (!restart_at_) return true;
    return now < *restart_at_;
}

void MaxPrefixState::reset() {
    warned_ = false;
    over_limit_ = false;
    down_ = false;
    restart_at_.reset();
}

std::array<std::uint8_t, 7> MaxPrefixState::cease_data() const {
    const auto afi = static_cast<std::uint16_t>(family_.afi);
    const std::uint32_t l = config_.limit;
    return {static_cast<std::uint8_t>(afi >> 8),
            static_cast<std::uint8_t>(afi),
            static_cast<std::uint8_t>(family_.safi),
            static_cast<std::uint8_t>(l >> 24),
            static_cast<std::uint8_t>(l >> 16),
            static_cast<std::uint8_t>(l >> 8),
            static_cast<std::uint8_t>(l)};
}

}  // namespace bgp::policy
