// Patterns over the three kinds of communities, for policy matches and removals.
//
// Standard (RFC 1997), large (RFC 8092) and extended (RFC 4360, RFC 5668)
// communities, each field an exact value, a range or a wildcard, written the
// way operators already write them:
//   standard  "64512:100"  "64512:*"  "64512:100-199"  "no-export"  "blackhole"
//   large     "64512:1:*"  "64512:0-9:7"
//   extended  "rt:64512:100"  "soo:10.0.0.1:7"  "rt:64512:*"  "0x0002fc0000000064"
// (BIRD writes (64512,*) and [(64512,100..199)], FRR/GoBGP use regular
// expressions; these field patterns cover the cases regexps are used for in
// practice without a regex engine on the route path.)
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bgp/wire/attributes.hpp"

namespace bgp::policy {

/// An inclusive range of field values; `lo == hi` is an exact value.
template <class T>
struct FieldRange {
    T lo = 0;
    T hi = 0;
    [[nodiscard]] constexpr bool contains(T v) const { return lo <= v && v <= hi; }
    [[nodiscard]] constexpr bool exact() const { return lo == hi; }
    friend constexpr bool operator==(FieldRange, FieldRange) = default;
};

/// Standard community pattern: high 16 bits (usually an ASN) and low 16 bits.
struct CommunityPattern {
    FieldRange<std::uint16_t> high;
    FieldRange<std::uint16_t> low;

    static constexpr CommunityPattern exact(std::uint32_t value) {
        const auto h = static_cast<std::uint16_t>(value >> 16);
        const auto l = static_cast<std::uint16_t>(value & 0xFFFF);
        return CommunityPattern{{h, h}, {l, l}};
    }
    /// "64512:100", "64512:*", "*:100", "64512:100-199", or a well-known name
    /// ("no-export", "no-advertise", "no-export-subconfed", "no-peer",
    /// "blackhole", "graceful-shutdown", "llgr-stale", "no-llgr").
    static std::optional<CommunityPattern> parse(std::string_view text);

    [[nodiscard]] constexpr bool matches(std::uint32_t c) const {
        return high.contains(static_cast<std::uint16_t>(c >> 16)) &&
               low.contains(static_cast<std::uint16_t>(c & 0xFFFF));
    }
    [[nodiscard]] constexpr bool is_exact() const { return high.exact() && low.exact(); }
    /// The value of an exact pattern.
    [[nodiscard]] constexpr std::uint32_t value() const {
        return (std::uint32_t{high.lo} << 16) | low.lo;
    }
    [[nodiscard]] std::string to_string() const;
    friend constexpr bool operator==(const CommunityPattern&, const CommunityPattern&) = default;
};

/// Large community pattern: global administrator, local data 1, local data 2.
struct LargeCommunityPattern {
    FieldRange<std::uint32_t> global_admin;
    FieldRange<std::uint32_t> local_data1;
    FieldRange<std::uint32_t> local_data2;

    static constexpr LargeCommunityPattern exact(const wire::LargeCommunity& c) {
        return LargeCommunityPattern{{c.global_admin, c.global_admin},
                                     {c.local_data1, c.local_data1},
                                     {c.local_data2, c.local_data2}};
    }
    /// "64512:1:2", "64512:*:2", "64512:0-9:*".
    static std::optional<LargeCommunityPattern> parse(std::string_view text);

    [[nodiscard]] constexpr bool matches(const wire::LargeCommunity& c) const {
        return global_admin.contains(c.global_admin) && local_data1.contains(c.local_data1) &&
               local_data2.contains(c.local_data2);
    }
    [[nodiscard]] constexpr bool is_exact() const {
        return global_admin.exact() && local_data1.exact() && local_data2.exact();
    }
    [[nodiscard]] constexpr wire::LargeCommunity value() const {
        return {global_admin.lo, local_data1.lo, local_data2.lo};
    }
    [[nodiscard]] std::string to_string() const;
    friend constexpr bool operator==(const LargeCommunityPattern&,
                                     const LargeCommunityPattern&) = default;
};

/// Extended community pattern: the 8 octets under a mask (a 0 mask bit
/// matches anything), so a wildcard covers a whole field.
struct ExtCommunityPattern {
    std::array<std::uint8_t, 8> bytes{};
    std::array<std::uint8_t, 8> mask{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

    static ExtCommunityPattern exact(const wire::ExtCommunity& c) {
        ExtCommunityPattern p;
        p.bytes = c.bytes;
        return p;
    }
    /// "rt:64512:100" (2-octet AS, or 4-octet AS when the ASN exceeds 65535),
    /// "rt:10.0.0.1:100" (IPv4), "soo:..." likewise, "*" allowed as the local
    /// value; "rt 64512:100" (the form ExtCommunity::to_string prints) is read
    /// too; "0x" + 16 hex digits for any other type.
    static std::optional<ExtCommunityPattern> parse(std::string_view text);

    [[nodiscard]] bool matches(const wire::ExtCommunity& c) const {
        for (std::size_t i = 0; i < 8; ++i)
            if ((c.bytes[i] & mask[i]) != (bytes[i] & mask[i])) return false;
        return true;
    }
    [[nodiscard]] bool is_exact() const {
        for (std::uint8_t m : mask)
            if (m != 0xFF) return false;
        return true;
    }
    [[nodiscard]] wire::ExtCommunity value() const { return wire::ExtCommunity{bytes}; }
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const ExtCommunityPattern&, const ExtCommunityPattern&) = default;
};

}  // namespace bgp::policy
