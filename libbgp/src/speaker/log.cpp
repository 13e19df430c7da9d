#include "speaker/log.hpp"

#include <cstdio>

namespace bgp {

std::string_view to_string(LogLevel level) {
    switch (level) {
        case LogLevel::trace:
            return "trace";
        case LogLevel::debug:
            return "debug";
        case LogLevel::info:
            return "info";
        case LogLevel::warning:
            return "warning";
        case LogLevel::error:
            return "error";
        case LogLevel::off:
            return "off";
    }
    return "unknown";
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
    for (auto l : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warning,
                   LogLevel::error, LogLevel::off})
        if (text == to_string(l)) return l;
    if (text == "warn") return LogLevel::warning;
    return std::nullopt;
}

namespace speaker_detail {

Logger::Logger(LogLevel level, LogHandler handler) : level_(level), handler_(std::move(handler)) {}

void Logger::write(LogLevel level, const std::string& line) const {
    if (handler_) {
        // A throwing log handler must not take a session (or an Asio handler) down.
        try {
            handler_(level, line);
        } catch (...) {
        }
        return;
    }
    std::fprintf(stderr, "bgp %s: %s\n", std::string(to_string(level)).c_str(), line.c_str());
}

}  // namespace speaker_detail
}  // namespace bgp
