// Prefix lists: FRR's ge/le rules, first matching entry decides.
#include "bgp/policy/prefix_list.hpp"

#include <fmt/format.h>

namespace bgp::policy {

namespace {

std::uint8_t family_max(const wire::Prefix& p) { return p.afi() == wire::Afi::ipv4 ? 32 : 128; }

/// Whether the first `bits` bits of two addresses agree (no masking copies).
bool same_leading_bits(const std::uint8_t* a, const std::uint8_t* b, unsigned bits) {
    const unsigned full = bits / 8;
    for (unsigned i = 0; i < full; ++i)
        if (a[i] != b[i]) return false;
    const unsigned rest = bits % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xFF00u >> rest);
    return ((a[full] ^ b[full]) & mask) == 0;
}

}  // namespace

std::uint8_t PrefixListEntry::min_length() const { return ge ? *ge : prefix.length(); }

std::uint8_t PrefixListEntry::max_length() const {
    if (le) return *le;
    return ge ? family_max(prefix) : prefix.length();
}

bool PrefixListEntry::covers(const wire::Prefix& p) const {
    const std::uint8_t len = p.length();
    return p.afi() == prefix.afi() && len >= prefix.length() && len >= min_length() &&
           len <= max_length() &&
           same_leading_bits(prefix.address().data(), p.address().data(), prefix.length());
}

std::string PrefixListEntry::validate() const {
    const std::uint8_t max = family_max(prefix);
    const std::uint8_t lo = min_length();
    const std::uint8_t hi = max_length();
    if (lo < prefix.length())
        return fmt::format("ge {} is shorter than the prefix length {}", lo, prefix.length());
    if (hi > max) return fmt::format("le {} exceeds {}", hi, max);
    if (lo > hi) return fmt::format("ge {} is greater than le {}", lo, hi);
    return {};
}

std::string PrefixListEntry::to_string() const {
    std::string s = prefix.to_string();
    if (ge) s += fmt::format(" ge {}", *ge);
    if (le) s += fmt::format(" le {}", *le);
    if (deny) s += " deny";
    return s;
}

std::optional<std::size_t> PrefixList::first_covering(const wire::Prefix& p) const {
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].covers(p)) return i;
    return std::nullopt;
}

bool PrefixList::matches(const wire::Prefix& p) const {
    for (const auto& e : entries)
        if (e.covers(p)) return !e.deny;
    return false;
}

}  // namespace bgp::policy
