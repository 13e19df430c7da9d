// Aligned text tables and durations for the CLI (table.hpp).
#include "cli/table.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace bgp::reflector::cli {

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {}

void Table::add_row(std::vector<std::string> row) {
    row.resize(std::max(row.size(), header_.size()));
    rows_.push_back(std::move(row));
}

std::string Table::render() const {
    std::vector<std::size_t> width(header_.size(), 0);
    const auto measure = [&](const std::vector<std::string>& row) {
        if (width.size() < row.size()) width.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    };
    measure(header_);
    for (const auto& r : rows_) measure(r);

    std::string out;
    const auto emit = [&](const std::vector<std::string>& row) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0) line.append(2, ' ');
            line += row[i];
            if (i + 1 < row.size()) line.append(width[i] - row[i].size(), ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line;
        out += '\n';
    };
    emit(header_);
    for (const auto& r : rows_) emit(r);
    return out;
}

std::string format_duration(std::int64_t seconds) {
    if (seconds < 0) return "-";
    const auto days = seconds / 86400;
    const auto hours = (seconds % 86400) / 3600;
    const auto minutes = (seconds % 3600) / 60;
    const auto secs = seconds % 60;
    char buf[64];
    if (days > 0) {
        std::snprintf(buf, sizeof buf, "%lldd%02lldh%02lldm", static_cast<long long>(days),
                      static_cast<long long>(hours), static_cast<long long>(minutes));
    } else {
        std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(hours),
                      static_cast<long long>(minutes), static_cast<long long>(secs));
    }
    return buf;
}

}  // namespace bgp::reflector::cli
