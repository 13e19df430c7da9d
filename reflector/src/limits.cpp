// The open-files limit at start (see limits.hpp).
#include "limits.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "log.hpp"

namespace bgp::reflector {

namespace {

std::uint64_t value(rlim_t v) {
    return v == RLIM_INFINITY ? std::numeric_limits<std::uint64_t>::max()
                              : static_cast<std::uint64_t>(v);
}

std::string text(std::uint64_t v) {
    return v == std::numeric_limits<std::uint64_t>::max() ? "unlimited" : std::to_string(v);
}

}  // namespace

OpenFilesLimit raise_open_files_limit() {
    OpenFilesLimit r;
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        r.error = std::string("getrlimit: ") + std::strerror(errno);
        return r;
    }
    r.before = r.now = value(rl.rlim_cur);
    r.hard = value(rl.rlim_max);
    if (rl.rlim_cur == rl.rlim_max) return r;
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
        r.error = std::string("setrlimit: ") + std::strerror(errno);
        return r;
    }
    r.now = r.hard;
    return r;
}

void raise_and_log_open_files_limit() {
    const auto r = raise_open_files_limit();
    if (!r.error.empty()) {
        log_line(LogLevel::warning, fmt::format("open files limit: {} (soft {}, hard {})", r.error,
                                                text(r.now), text(r.hard)));
    } else if (r.before != r.now) {
        log_line(LogLevel::info,
                 fmt::format("open files limit: soft {} raised to the hard limit {}",
                             text(r.before), text(r.now)));
    } else {
        log_line(LogLevel::info,
                 fmt::format("open files limit: {} (already the hard limit)", text(r.now)));
    }
}

}  // namespace bgp::reflector
