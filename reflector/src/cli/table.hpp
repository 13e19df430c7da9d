// Aligned text tables for the CLI (birdc / gobgp style): columns left-aligned,
// two spaces apart, no trailing blanks; and durations as people read them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bgp::reflector::cli {

class Table {
  public:
    explicit Table(std::vector<std::string> header);
    void add_row(std::vector<std::string> row);
    [[nodiscard]] std::size_t rows() const { return rows_.size(); }
    /// Header then rows, each line ending in '\n'. A row shorter than the header
    /// leaves its last cells empty.
    [[nodiscard]] std::string render() const;

  private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

/// Uptime as birdc/gobgp show it: "00:12:34" below a day, "1d02h03m" from one
/// day on; "-" for a negative value.
std::string format_duration(std::int64_t seconds);

}  // namespace bgp::reflector::cli
