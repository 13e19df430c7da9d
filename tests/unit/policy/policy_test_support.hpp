// Helpers shared by the policy tests: routes, attributes and one-term tables.
#pragma once

#include <string>
#include <vector>

#include "bgp/policy/policy.hpp"

namespace bgp::policy::test {

inline wire::Prefix pfx(const char* text) { return *wire::Prefix::parse(text); }
inline wire::IpAddress ip(const char* text) { return *wire::IpAddress::parse(text); }

inline wire::AsPath seq(std::vector<std::uint32_t> asns) {
    wire::AsPath p;
    p.segments.push_back({wire::AsSegmentType::as_sequence, std::move(asns)});
    return p;
}

/// An iBGP-learned IPv4 route as a reflector sees it: ORIGIN, AS_PATH 64513 64514,
/// NEXT_HOP 198.18.0.2, LOCAL_PREF 100, MED 10, communities 64512:1 and 64512:2.
inline wire::PathAttributes v4_attrs() {
    wire::PathAttributes a;
    a.origin = wire::Origin::igp;
    a.as_path = seq({64513, 64514});
    a.next_hop = ip("198.18.0.2");
    a.local_pref = 100;
    a.med = 10;
    a.communities = std::vector<std::uint32_t>{(64512u << 16) | 1, (64512u << 16) | 2};
    return a;
}

/// An IPv6 route: next hop in MP_REACH_NLRI (global + link-local).
inline wire::PathAttributes v6_attrs() {
    wire::PathAttributes a;
    a.origin = wire::Origin::igp;
    a.as_path = seq({64513});
    a.mp_reach.emplace();
    a.mp_reach->family = wire::ipv6_unicast;
    a.mp_reach->next_hops = {ip("2001:db8::2"), ip("fe80::2")};
    return a;
}

inline Context ctx_in() {
    Context c;
    c.direction = Direction::inbound;
    c.neighbor_address = ip("198.18.0.2");
    c.neighbor_as = 64513;
    c.local_as = 64512;
    c.local_address_v4 = ip("198.18.0.1");
    c.local_address_v6 = ip("2001:db8::1");
    return c;
}

inline std::uint32_t comm(std::uint16_t hi, std::uint16_t lo) {
    return (std::uint32_t{hi} << 16) | lo;
}

/// A table with one policy "p" holding `terms`, default `dflt`, plus `sets`.
inline PolicyTable one_policy(std::vector<Term> terms, TermAction dflt = TermAction::reject,
                              PolicyConfig sets = {}) {
    sets.definitions.push_back(PolicyDefinition{"p", std::move(terms), dflt});
    return PolicyTable(std::move(sets));
}

/// A term that accepts what `m` matches.
inline Term accept_if(Match m) {
    return Term{std::string("t"), std::move(m), Modify{}, TermAction::accept};
}

/// A term with no conditions that makes `m` and accepts.
inline Term modify_then_accept(Modify m) {
    return Term{std::string("t"), Match{}, std::move(m), TermAction::accept};
}

}  // namespace bgp::policy::test
