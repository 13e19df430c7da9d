// Text forms of the policy model's scalar values.
#include "bgp/policy/text.hpp"

#include <charconv>
#include <limits>
#include <string>

namespace bgp::policy {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<std::uint32_t> parse_u32(std::string_view s) {
    std::uint64_t v = 0;
    if (s.empty()) return std::nullopt;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
    if (v > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
    return static_cast<std::uint32_t>(v);
}

std::optional<std::uint8_t> parse_length(std::string_view s) {
    auto v = parse_u32(s);
    if (!v || *v > 128) return std::nullopt;
    return static_cast<std::uint8_t>(*v);
}

/// Next whitespace-separated word of `s` (advancing it).
std::string_view next_word(std::string_view& s) {
    s = trim(s);
    const auto end = s.find_first_of(" \t");
    const std::string_view w = s.substr(0, end);
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
    return w;
}

}  // namespace

std::optional<TermAction> parse_term_action(std::string_view text) {
    text = trim(text);
    if (text == "accept" || text == "accept-route") return TermAction::accept;
    if (text == "reject" || text == "reject-route") return TermAction::reject;
    if (text == "next") return TermAction::next;
    return std::nullopt;
}

std::optional<Verdict> parse_verdict(std::string_view text) {
    text = trim(text);
    if (text == "accept" || text == "accept-route") return Verdict::accept;
    if (text == "reject" || text == "reject-route") return Verdict::reject;
    return std::nullopt;
}

std::optional<MatchSet> parse_match_set(std::string_view text) {
    text = trim(text);
    if (text == "any") return MatchSet::any;
    if (text == "all") return MatchSet::all;
    if (text == "none" || text == "invert") return MatchSet::none;
    return std::nullopt;
}

std::optional<MedChange> parse_med_change(std::string_view text) {
    text = trim(text);
    if (text == "remove") return MedChange{MedChange::Op::remove, 0};
    MedChange::Op op = MedChange::Op::set;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        op = text.front() == '+' ? MedChange::Op::add : MedChange::Op::subtract;
        text.remove_prefix(1);
    }
    auto v = parse_u32(text);
    if (!v) return std::nullopt;
    return MedChange{op, *v};
}

std::optional<NextHopChange> parse_next_hop_change(std::string_view text) {
    text = trim(text);
    if (text == "self") return NextHopChange{NextHopChange::Kind::self, {}};
    if (text == "unchanged") return NextHopChange{NextHopChange::Kind::unchanged, {}};
    if (text == "peer-address") return NextHopChange{NextHopChange::Kind::peer_address, {}};
    auto a = wire::IpAddress::parse(text);
    if (!a || a->is_unspecified()) return std::nullopt;
    return NextHopChange{NextHopChange::Kind::address, *a};
}

std::optional<wire::Origin> parse_origin(std::string_view text) {
    text = trim(text);
    if (text == "igp") return wire::Origin::igp;
    if (text == "egp") return wire::Origin::egp;
    if (text == "incomplete") return wire::Origin::incomplete;
    return std::nullopt;
}

std::optional<wire::Prefix> parse_address_or_prefix(std::string_view text) {
    text = trim(text);
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
        // Host bits set ("10.0.0.1/8") is almost always a typo: refuse it.
        auto p = wire::Prefix::parse(text);
        const auto addr = wire::IpAddress::parse(text.substr(0, slash));
        if (!p || !addr || p->address() != *addr) return std::nullopt;
        return p;
    }
    auto a = wire::IpAddress::parse(text);
    if (!a) return std::nullopt;
    return wire::Prefix(*a, static_cast<std::uint8_t>(a->size() * 8));
}

std::optional<PrefixListEntry> parse_prefix_list_entry(std::string_view text) {
    PrefixListEntry e;
    auto p = parse_address_or_prefix(next_word(text));
    if (!p) return std::nullopt;
    e.prefix = *p;
    for (std::string_view w = next_word(text); !w.empty(); w = next_word(text)) {
        if (w == "ge" || w == "le") {
            auto len = parse_length(next_word(text));
            if (!len) return std::nullopt;
            (w == "ge" ? e.ge : e.le) = *len;
        } else if (w == "deny") {
            e.deny = true;
        } else if (w == "permit") {
            e.deny = false;
        } else {
            return std::nullopt;
        }
    }
    return e;
}

std::string_view to_string(TermAction a) {
    switch (a) {
        case TermAction::accept:
            return "accept";
        case TermAction::reject:
            return "reject";
        case TermAction::next:
            return "next";
    }
    return "?";
}

std::string_view to_string(Verdict v) { return v == Verdict::accept ? "accept" : "reject"; }

std::string_view to_string(MatchSet m) {
    switch (m) {
        case MatchSet::any:
            return "any";
        case MatchSet::all:
            return "all";
        case MatchSet::none:
            return "none";
    }
    return "?";
}

}  // namespace bgp::policy
