// bgp-swarm's command line: where to connect, how many sessions, which prefixes, what to
// expect (docs/scale.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgp::swarm {

struct Options {
    std::uint32_t target_address = 0;  ///< IPv4, host order
    std::uint16_t target_port = 179;
    std::uint32_t first_source = 0;  ///< session i binds first_source + i (host order)
    std::uint32_t count = 0;
    std::uint32_t asn = 64512;
    std::uint32_t prefix_base = 0;  ///< session i announces prefix_base + i * block size
    std::uint8_t prefix_length = 26;
    /// Session i's NEXT_HOP is next_hop_base + i; unset: its source address.
    std::optional<std::uint32_t> next_hop_base;
    std::uint16_t hold_time = 90;
    unsigned timeout_seconds = 60;
    /// Distinct prefixes every session must hold; unset: count - 1 (every other session's).
    std::optional<std::uint32_t> expect_routes;
    unsigned max_connecting = 0;  ///< connection attempts in flight at once; 0: all at once
    bool stay = false;            ///< after convergence, keep the sessions until the peer ends them
    std::string ready_file;       ///< written once every session has every route
    bool json = false;

    [[nodiscard]] std::uint32_t expected() const { return expect_routes.value_or(count - 1); }
};

/// Parses argv; on failure `error` says why (usage errors exit 2).
struct ParseResult {
    std::optional<Options> options;
    std::string error;
    bool help = false;
};
[[nodiscard]] ParseResult parse_options(const std::vector<std::string_view>& args);

extern const std::string_view usage_text;

}  // namespace bgp::swarm
