// Parsing and printing of community patterns.
#include "bgp/policy/community_pattern.hpp"

#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace bgp::policy {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

template <class T>
std::optional<T> parse_number(std::string_view s) {
    std::uint64_t v = 0;
    if (s.empty()) return std::nullopt;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
    if (v > std::numeric_limits<T>::max()) return std::nullopt;
    return static_cast<T>(v);
}

/// "*", "N" or "N-M" (N <= M).
template <class T>
std::optional<FieldRange<T>> parse_field(std::string_view s) {
    s = trim(s);
    if (s == "*") return FieldRange<T>{0, std::numeric_limits<T>::max()};
    const auto dash = s.find('-');
    if (dash == std::string_view::npos) {
        auto v = parse_number<T>(s);
        if (!v) return std::nullopt;
        return FieldRange<T>{*v, *v};
    }
    auto lo = parse_number<T>(trim(s.substr(0, dash)));
    auto hi = parse_number<T>(trim(s.substr(dash + 1)));
    if (!lo || !hi || *lo > *hi) return std::nullopt;
    return FieldRange<T>{*lo, *hi};
}

template <class T>
std::string field_string(FieldRange<T> f) {
    if (f.lo == 0 && f.hi == std::numeric_limits<T>::max()) return "*";
    if (f.exact()) return std::to_string(f.lo);
    return fmt::format("{}-{}", f.lo, f.hi);
}

/// Splits on ':' into exactly `n` parts.
template <std::size_t N>
std::optional<std::array<std::string_view, N>> split_colon(std::string_view s) {
    std::array<std::string_view, N> out{};
    for (std::size_t i = 0; i < N; ++i) {
        const auto c = s.find(':');
        if (i + 1 == N) {
            if (c != std::string_view::npos) return std::nullopt;
            out[i] = s;
        } else {
            if (c == std::string_view::npos) return std::nullopt;
            out[i] = s.substr(0, c);
            s.remove_prefix(c + 1);
        }
    }
    return out;
}

struct WellKnown {
    std::string_view name;
    std::uint32_t value;
};

constexpr WellKnown well_known[] = {
    {"no-export", wire::community::no_export},
    {"no-advertise", wire::community::no_advertise},
    {"no-export-subconfed", wire::community::no_export_subconfed},
    {"no-peer", wire::community::no_peer},
    {"blackhole", 0xFFFF029A},  // RFC 7999
    {"graceful-shutdown", wire::community::graceful_shutdown},
    {"llgr-stale", wire::community::llgr_stale},
    {"no-llgr", wire::community::no_llgr},
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void put_u16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}

void put_u32(std::uint8_t* p, std::uint32_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

}  // namespace

std::optional<CommunityPattern> CommunityPattern::parse(std::string_view text) {
    text = trim(text);
    for (const auto& w : well_known)
        if (text == w.name) return exact(w.value);
    auto parts = split_colon<2>(text);
    if (!parts) return std::nullopt;
    auto hi = parse_field<std::uint16_t>((*parts)[0]);
    auto lo = parse_field<std::uint16_t>((*parts)[1]);
    if (!hi || !lo) return std::nullopt;
    return CommunityPattern{*hi, *lo};
}

std::string CommunityPattern::to_string() const {
    if (is_exact())
        for (const auto& w : well_known)
            if (value() == w.value) return std::string(w.name);
    return field_string(high) + ":" + field_string(low);
}

std::optional<LargeCommunityPattern> LargeCommunityPattern::parse(std::string_view text) {
    auto parts = split_colon<3>(trim(text));
    if (!parts) return std::nullopt;
    auto g = parse_field<std::uint32_t>((*parts)[0]);
    auto d1 = parse_field<std::uint32_t>((*parts)[1]);
    auto d2 = parse_field<std::uint32_t>((*parts)[2]);
    if (!g || !d1 || !d2) return std::nullopt;
    return LargeCommunityPattern{*g, *d1, *d2};
}

std::string LargeCommunityPattern::to_string() const {
    return field_string(global_admin) + ":" + field_string(local_data1) + ":" +
           field_string(local_data2);
}

std::optional<ExtCommunityPattern> ExtCommunityPattern::parse(std::string_view text) {
    text = trim(text);
    ExtCommunityPattern p;
    if (text.size() == 18 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        for (std::size_t i = 0; i < 8; ++i) {
            const int h = hex_digit(text[2 + 2 * i]);
            const int l = hex_digit(text[3 + 2 * i]);
            if (h < 0 || l < 0) return std::nullopt;
            p.bytes[i] = static_cast<std::uint8_t>(h * 16 + l);
        }
        return p;
    }
    // "rt:G:L", "rt G:L", "soo:G:L", "soo G:L".
    std::uint8_t subtype = 0;
    if (text.starts_with("rt")) {
        subtype = 0x02;
        text.remove_prefix(2);
    } else if (text.starts_with("soo")) {
        subtype = 0x03;
        text.remove_prefix(3);
    } else {
        return std::nullopt;
    }
    if (text.empty() || (text.front() != ':' && text.front() != ' ')) return std::nullopt;
    text = trim(text.substr(1));
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view global = trim(text.substr(0, colon));
    const std::string_view local = trim(text.substr(colon + 1));
    const bool wildcard = local == "*";
    p.bytes[1] = subtype;
    if (global.find('.') != std::string_view::npos) {
        // RFC 4360 §4: IPv4 address specific, 2-octet local administrator.
        auto addr = wire::IpAddress::parse(global);
        if (!addr || !addr->is_v4()) return std::nullopt;
        p.bytes[0] = 0x01;
        std::copy(addr->data(), addr->data() + 4, p.bytes.begin() + 2);
        if (wildcard) {
            p.mask[6] = p.mask[7] = 0;
        } else {
            auto l = parse_number<std::uint16_t>(local);
            if (!l) return std::nullopt;
            put_u16(p.bytes.data() + 6, *l);
        }
        return p;
    }
    auto g = parse_number<std::uint32_t>(global);
    if (!g) return std::nullopt;
    if (*g <= 0xFFFF) {
        // RFC 4360 §3.1: 2-octet AS specific, 4-octet local administrator.
        p.bytes[0] = 0x00;
        put_u16(p.bytes.data() + 2, static_cast<std::uint16_t>(*g));
        if (wildcard) {
            p.mask[4] = p.mask[5] = p.mask[6] = p.mask[7] = 0;
        } else {
            auto l = parse_number<std::uint32_t>(local);
            if (!l) return std::nullopt;
            put_u32(p.bytes.data() + 4, *l);
        }
    } else {
        // RFC 5668 §2: 4-octet AS specific, 2-octet local administrator.
        p.bytes[0] = 0x02;
        put_u32(p.bytes.data() + 2, *g);
        if (wildcard) {
            p.mask[6] = p.mask[7] = 0;
        } else {
            auto l = parse_number<std::uint16_t>(local);
            if (!l) return std::nullopt;
            put_u16(p.bytes.data() + 6, *l);
        }
    }
    return p;
}

std::string ExtCommunityPattern::to_string() const {
    if (is_exact()) return value().to_string();
    // An rt/soo pattern whose whole local administrator is a wildcard (what
    // parse makes of "rt:64512:*") prints that way; anything else as bytes/mask.
    const bool rt_soo = (bytes[1] == 0x02 || bytes[1] == 0x03) && bytes[0] <= 0x02;
    if (rt_soo) {
        const std::size_t local = bytes[0] == 0x00 ? 4 : 6;  // where the local field starts
        bool wildcard_local = true;
        for (std::size_t i = 0; i < 8; ++i)
            if (mask[i] != (i < local ? 0xFF : 0x00)) wildcard_local = false;
        if (wildcard_local) {
            const std::string s = value().to_string();  // "rt 64512:0"
            const auto colon = s.rfind(':');
            if (colon != std::string::npos) return s.substr(0, colon) + ":*";
        }
    }
    return fmt::format(
        "0x{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}/0x{:02x}{:02x}{:02x}{:02x}"
        "{:02x}{:02x}{:02x}{:02x}",
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], mask[0],
        mask[1], mask[2], mask[3], mask[4], mask[5], mask[6], mask[7]);
}

}  // namespace bgp::policy
