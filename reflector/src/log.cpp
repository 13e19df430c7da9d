#include "log.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace bgp::reflector {

namespace {
LogLevel threshold = LogLevel::info;
}

void set_log_threshold(LogLevel level) { threshold = level; }

void log_line(LogLevel level, std::string_view line) {
    if (level < threshold || level == LogLevel::off) return;
    const auto now = std::chrono::system_clock::now();
    const std::time_t secs = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    const std::string out =
        fmt::format("{}.{:03}Z {:<7} {}\n", stamp, millis, to_string(level), line);
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
}

}  // namespace bgp::reflector
