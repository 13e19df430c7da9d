// Process limits the daemon adjusts at start: the open-files soft limit (RLIMIT_NOFILE) is
// raised to the hard limit, since every BGP session holds a socket and a reflector for a
// cluster has thousands (systemd's default soft limit is 1024).
#pragma once

#include <cstdint>
#include <string>

namespace bgp::reflector {

struct OpenFilesLimit {
    std::uint64_t before = 0;  ///< soft limit found at start
    std::uint64_t now = 0;     ///< soft limit in force afterwards
    std::uint64_t hard = 0;
    std::string error;  ///< why it could not be read or raised ("" when fine)
};

/// Raises the soft RLIMIT_NOFILE to the hard limit (RLIM_INFINITY is reported as
/// UINT64_MAX).
[[nodiscard]] OpenFilesLimit raise_open_files_limit();

/// Raises the limit and logs the outcome (info; warning when it failed).
void raise_and_log_open_files_limit();

}  // namespace bgp::reflector
