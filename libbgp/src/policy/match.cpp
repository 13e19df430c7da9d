// Term conditions: all given conditions must hold.
#include "policy/match.hpp"

#include <algorithm>

namespace bgp::policy::detail {

namespace {

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

/// Any / all / none of a community list against the route's values.
template <class Value, class Pattern>
bool set_matches(const std::optional<std::vector<Value>>& values,
                 const std::vector<Pattern>& members, MatchSet mode) {
    const auto route_has = [&](const Pattern& p) {
        if (!values) return false;
        return std::any_of(values->begin(), values->end(),
                           [&](const Value& v) { return p.matches(v); });
    };
    switch (mode) {
        case MatchSet::any:
            return std::any_of(members.begin(), members.end(), route_has);
        case MatchSet::all:
            return !members.empty() && std::all_of(members.begin(), members.end(), route_has);
        case MatchSet::none:
            return std::none_of(members.begin(), members.end(), route_has);
    }
    return false;
}

bool in_any_prefix(const std::vector<wire::Prefix>& prefixes, const wire::IpAddress& a) {
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const wire::Prefix& p) { return p.contains(a); });
}

bool as_path_matches(const AsPathMatch& m, const wire::PathAttributes& attrs) {
    static const wire::AsPath empty_path;
    const wire::AsPath& path = attrs.as_path ? *attrs.as_path : empty_path;
    if (m.min_length || m.max_length) {
        const std::size_t len = path.path_length();
        if (m.min_length && len < *m.min_length) return false;
        if (m.max_length && len > *m.max_length) return false;
    }
    if (!m.contains.empty()) {
        const bool found =
            std::any_of(path.segments.begin(), path.segments.end(), [&](const wire::AsSegment& s) {
                return std::any_of(s.asns.begin(), s.asns.end(),
                                   [&](std::uint32_t asn) { return contains(m.contains, asn); });
            });
        if (!found) return false;
    }
    if (!m.originates_from.empty()) {
        // The origin AS is the last ASN of a final sequence (RFC 4271 §5.1.2: the
        // originating AS is the rightmost); a final AS_SET names no single origin.
        if (path.segments.empty()) return false;
        const wire::AsSegment& last = path.segments.back();
        const bool sequence = last.type == wire::AsSegmentType::as_sequence ||
                              last.type == wire::AsSegmentType::as_confed_sequence;
        if (!sequence || last.asns.empty() || !contains(m.originates_from, last.asns.back()))
            return false;
    }
    if (!m.first_as.empty()) {
        if (path.segments.empty()) return false;
        const wire::AsSegment& first = path.segments.front();
        if (first.type != wire::AsSegmentType::as_sequence || first.asns.empty() ||
            !contains(m.first_as, first.asns.front()))
            return false;
    }
    return true;
}

}  // namespace

std::optional<wire::IpAddress> route_next_hop(const wire::Prefix& prefix,
                                              const wire::PathAttributes& attrs) {
    if (attrs.mp_reach && attrs.mp_reach->family.afi == prefix.afi() &&
        !attrs.mp_reach->next_hops.empty())
        return attrs.mp_reach->next_hops.front();
    return attrs.next_hop;
}

bool term_matches(const CompiledTerm& term, const wire::Prefix& prefix,
                  const wire::PathAttributes& attrs, const Context& context) {
    const Match& m = term.term->match;
    if (!m.families.empty() && !contains(m.families, wire::Family{prefix.afi(), context.safi}))
        return false;
    if (term.prefix_list) {
        const bool in = term.prefix_list->matches(prefix);
        if (in != (m.prefix_list->mode != MatchSet::none)) return false;
    }
    if (!m.neighbor.empty() && !in_any_prefix(m.neighbor, context.neighbor_address)) return false;
    if (!m.neighbor_as.empty() && !contains(m.neighbor_as, context.neighbor_as)) return false;
    if (!m.next_hop.empty()) {
        const auto nh = route_next_hop(prefix, attrs);
        if (!nh || !in_any_prefix(m.next_hop, *nh)) return false;
    }
    if (term.communities &&
        !set_matches(attrs.communities, term.communities->members, m.communities->mode))
        return false;
    if (term.large_communities &&
        !set_matches(attrs.large_communities, term.large_communities->members,
                     m.large_communities->mode))
        return false;
    if (term.ext_communities &&
        !set_matches(attrs.ext_communities, term.ext_communities->members, m.ext_communities->mode))
        return false;
    if (!m.as_path.empty() && !as_path_matches(m.as_path, attrs)) return false;
    if (!m.origin.empty() && (!attrs.origin || !contains(m.origin, *attrs.origin))) return false;
    return true;
}

}  // namespace bgp::policy::detail
