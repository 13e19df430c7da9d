// The daemon's log: one line per event on stderr, with a UTC timestamp and the
// severity ("2026-11-26T19:20:00.123Z info    peer 10.0.0.2 established").
#pragma once

#include <string_view>

#include "bgp/speaker/config.hpp"

namespace bgp::reflector {

void set_log_threshold(LogLevel level);
/// Writes the line if `level` is at or above the threshold.
void log_line(LogLevel level, std::string_view line);

}  // namespace bgp::reflector
