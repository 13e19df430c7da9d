// Prefix lists with ge/le length ranges (FRR `ip prefix-list ... ge N le M`,
// GoBGP prefix-set `masklength-range`, BIRD `10.0.0.0/8{16,24}`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bgp/wire/types.hpp"

namespace bgp::policy {

/// One entry: routes inside `prefix` whose length lies in [ge, le].
///
/// Lengths follow FRR: neither given = exactly the prefix length; only `ge` =
/// up to the family maximum; only `le` = from the prefix length.
struct PrefixListEntry {
    wire::Prefix prefix;
    std::optional<std::uint8_t> ge;
    std::optional<std::uint8_t> le;
    /// FRR's `deny` entry: a route it matches is *not* in the list, and later
    /// entries are not consulted (first match wins).
    bool deny = false;

    /// Effective bounds after the defaults above.
    [[nodiscard]] std::uint8_t min_length() const;
    [[nodiscard]] std::uint8_t max_length() const;
    [[nodiscard]] bool covers(const wire::Prefix& p) const;
    /// "" when valid, else why not (length ≤ ge ≤ le ≤ 32/128).
    [[nodiscard]] std::string validate() const;
    /// "10.0.0.0/8 ge 16 le 24" (and " deny").
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const PrefixListEntry&, const PrefixListEntry&) = default;
};

struct PrefixList {
    std::string name;
    std::vector<PrefixListEntry> entries;

    /// True if the first entry covering `p` permits it; false if that entry
    /// denies it or no entry covers it.
    [[nodiscard]] bool matches(const wire::Prefix& p) const;
    /// Index of the first entry covering `p`, if any (for traces).
    [[nodiscard]] std::optional<std::size_t> first_covering(const wire::Prefix& p) const;

    friend bool operator==(const PrefixList&, const PrefixList&) = default;
};

}  // namespace bgp::policy
