// The speaker's logger: a level threshold and the embedder's handler, with
// fmt formatting (private header: fmt stays out of the public API).
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include "bgp/speaker/config.hpp"

namespace bgp::speaker_detail {

class Logger {
  public:
    Logger(LogLevel level, LogHandler handler);

    [[nodiscard]] bool enabled(LogLevel level) const {
        return level != LogLevel::off && level >= level_;
    }
    void set_level(LogLevel level) { level_ = level; }
    [[nodiscard]] LogLevel level() const { return level_; }

    template <class... Args>
    void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) const {
        if (!enabled(level)) return;
        write(level, fmt::format(format, std::forward<Args>(args)...));
    }

  private:
    void write(LogLevel level, const std::string& line) const;

    LogLevel level_;
    LogHandler handler_;
};

}  // namespace bgp::speaker_detail
