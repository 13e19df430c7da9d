// The declarative policy model: named sets and named policies, each policy an
// ordered list of terms (match → modify → action). This is what a
// configuration file maps onto, one key per member; docs/policy.md gives the
// YAML form (`policies:` in the reflector's file).
//
//   FRR          route-map NAME permit 10 / match / set / on-match next
//   GoBGP        policy-definitions / statements / conditions / actions
//   BIRD         filter NAME { if ... then { ...; accept; } }
//   here         definitions / terms / match / modify / action
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bgp/policy/community_pattern.hpp"
#include "bgp/policy/match.hpp"
#include "bgp/policy/modify.hpp"
#include "bgp/policy/prefix_list.hpp"

namespace bgp::policy {

/// What happens after a term matched and its changes were made.
enum class TermAction : std::uint8_t {
    next,    ///< go on with the next term (FRR `on-match next`, GoBGP no disposition)
    accept,  ///< stop: the route is accepted with the changes so far
    reject,  ///< stop: the route is rejected
};

struct Term {
    std::string name;  ///< for traces; defaults to "term-<index>" when empty
    Match match;
    Modify modify;
    TermAction action = TermAction::next;
    friend bool operator==(const Term&, const Term&) = default;
};

struct PolicyDefinition {
    std::string name;
    std::vector<Term> terms;
    /// When no term accepted or rejected: `next` hands the route (with any
    /// changes) to the next policy of the chain, or to the chain's default.
    TermAction default_action = TermAction::next;
    friend bool operator==(const PolicyDefinition&, const PolicyDefinition&) = default;
};

template <class Pattern>
struct PatternList {
    std::string name;
    std::vector<Pattern> members;
    friend bool operator==(const PatternList&, const PatternList&) = default;
};

using CommunityList = PatternList<CommunityPattern>;
using LargeCommunityList = PatternList<LargeCommunityPattern>;
using ExtCommunityList = PatternList<ExtCommunityPattern>;

struct PolicyConfig {
    std::vector<PrefixList> prefix_lists;
    std::vector<CommunityList> community_lists;
    std::vector<LargeCommunityList> large_community_lists;
    std::vector<ExtCommunityList> ext_community_lists;
    std::vector<PolicyDefinition> definitions;
    friend bool operator==(const PolicyConfig&, const PolicyConfig&) = default;
};

/// Names that always exist and cannot be defined: "accept-all" (alias "all")
/// accepts every route unchanged, "reject-all" (alias "none") rejects every route.
inline constexpr const char* builtin_accept_all = "accept-all";
inline constexpr const char* builtin_reject_all = "reject-all";

/// Invalid policy configuration, thrown at the API boundary (PolicyTable's
/// constructor, PolicyTable::chain). `path()` names the offending key in the
/// YAML form's words, e.g. "definitions.import-pods.terms[1].match.prefix-list".
class ConfigError : public std::invalid_argument {
  public:
    ConfigError(std::string path, const std::string& what)
        : std::invalid_argument(path + ": " + what), path_(std::move(path)) {}
    [[nodiscard]] const std::string& path() const { return path_; }

  private:
    std::string path_;
};

}  // namespace bgp::policy
