// GET /metrics: the daemon's state in the Prometheus text exposition format
// 0.0.4 (one HELP and TYPE line per family, samples of a family together,
// label values escaped). The metric names are listed in docs/api.md.
#pragma once

#include <string>
#include <string_view>

#include "daemon.hpp"

namespace bgp::reflector::api {

inline constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// The exposition text.
[[nodiscard]] std::string metrics_text(const Daemon& daemon, const std::string& version);

/// A label value escaped for the text format: backslash, double quote and line
/// feed as \\, \" and \n.
[[nodiscard]] std::string escape_label_value(std::string_view value);

}  // namespace bgp::reflector::api
