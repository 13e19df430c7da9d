// The scalar values of the policy model written as text, the way the YAML form
// (docs/policy.md) writes them, so that a configuration loader maps each key
// with one call. Each parser returns nullopt for text it does not accept; the
// loader reports file, line and key.
#pragma once

#include <optional>
#include <string_view>

#include "bgp/policy/config.hpp"
#include "bgp/policy/modify.hpp"
#include "bgp/policy/result.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::policy {

/// "accept", "reject", "next" (also GoBGP's "accept-route", "reject-route").
std::optional<TermAction> parse_term_action(std::string_view text);
/// "accept", "reject" (and the GoBGP spellings): a chain's default.
std::optional<Verdict> parse_verdict(std::string_view text);
/// "any", "all", "none" ("invert" is read as none, as in GoBGP).
std::optional<MatchSet> parse_match_set(std::string_view text);
/// "100" (set), "+10" (add), "-10" (subtract), "remove".
std::optional<MedChange> parse_med_change(std::string_view text);
/// "self", "unchanged", "peer-address", or an address.
std::optional<NextHopChange> parse_next_hop_change(std::string_view text);
/// "igp", "egp", "incomplete" (RFC 4271 §5.1.1).
std::optional<wire::Origin> parse_origin(std::string_view text);
/// "10.0.0.1" (as /32), "2001:db8::1" (as /128), or a prefix "10.0.0.0/8".
std::optional<wire::Prefix> parse_address_or_prefix(std::string_view text);
/// A prefix-list entry: "10.0.0.0/8", "10.0.0.0/8 ge 16 le 24", "... deny" (FRR's
/// word order; the YAML mapping form {prefix, ge, le, action} needs no parser).
/// Bounds are not validated here: PolicyTable does that with the key's path.
std::optional<PrefixListEntry> parse_prefix_list_entry(std::string_view text);

[[nodiscard]] std::string_view to_string(TermAction a);
[[nodiscard]] std::string_view to_string(Verdict v);
[[nodiscard]] std::string_view to_string(MatchSet m);

}  // namespace bgp::policy
