// bgp::policy - import and export policies for BGP routes.
//
// A small declarative model (config.hpp) that configuration files map onto
// one to one: named prefix lists (ge/le) and community lists (standard
// RFC 1997, large RFC 8092, extended RFC 4360 / RFC 5668), and named policies
// made of ordered terms. A term matches on prefix list, address family
// (RFC 4760), communities of each kind, AS_PATH (contains / originates from /
// first AS / length as RFC 4271 §9.1.2.2 a counts it), ORIGIN, next hop and
// neighbour; it modifies ORIGIN, LOCAL_PREF, MED, NEXT_HOP (self, unchanged,
// peer address, address), AS_PATH (prepend) and communities of each kind (replace,
// remove by pattern, add); then it accepts, rejects or goes on.
//
// PolicyTable validates a PolicyConfig once (ConfigError names the key) and
// evaluates a chain of policies over a wire::Prefix and wire::PathAttributes,
// returning the verdict, the changed attributes only if something changed
// (no allocation otherwise) and a trace of the terms that matched.
//
// MaxPrefixState (max_prefix.hpp) is the per-neighbour, per-family limit
// with warn-only or tear-down (RFC 4486 Cease subcode 1) and restart.
//
// text.hpp reads the scalar values as the YAML form writes them; the YAML
// form of the model is in docs/policy.md.
#pragma once

#include "bgp/policy/community_pattern.hpp"
#include "bgp/policy/config.hpp"
#include "bgp/policy/context.hpp"
#include "bgp/policy/match.hpp"
#include "bgp/policy/max_prefix.hpp"
#include "bgp/policy/modify.hpp"
#include "bgp/policy/prefix_list.hpp"
#include "bgp/policy/result.hpp"
#include "bgp/policy/table.hpp"
#include "bgp/policy/text.hpp"
