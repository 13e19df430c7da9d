// A validated, immutable set of policies, and the evaluation of a chain of
// them for one route.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bgp/policy/config.hpp"
#include "bgp/policy/context.hpp"
#include "bgp/policy/result.hpp"
#include "bgp/wire/attributes.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::policy {

namespace detail {
struct TableData;
}

/// The policies applied to one neighbour in one direction, in order, and the
/// verdict when none of them decides (GoBGP's default-import-policy /
/// default-export-policy; "accept" like GoBGP's default). Indices are only
/// meaningful for the PolicyTable that made the chain.
struct PolicyChain {
    std::vector<std::uint16_t> policies;
    Verdict default_verdict = Verdict::accept;
    /// Equal chains of one table evaluate every route the same way (update
    /// groups may be formed on it).
    friend bool operator==(const PolicyChain&, const PolicyChain&) = default;
};

/// Compiled policies: set names resolved, every value checked. Copies share
/// the same immutable data (cheap to copy, safe to read from many places);
/// a reload builds a new table and new chains.
class PolicyTable {
  public:
    /// Only the built-in policies (accept-all / all, reject-all / none).
    PolicyTable();
    /// Validates and compiles. Throws ConfigError naming the offending key.
    explicit PolicyTable(PolicyConfig config);

    /// Resolves policy names (built-ins included). Throws ConfigError
    /// (path "policies[i]") for an unknown name.
    [[nodiscard]] PolicyChain chain(const std::vector<std::string>& names,
                                    Verdict default_verdict = Verdict::accept) const;
    [[nodiscard]] bool contains(std::string_view policy_name) const;

    /// Runs the chain over one route. No heap allocation unless an attribute
    /// changes (then exactly one copy of the attributes is made).
    [[nodiscard]] Result evaluate(const PolicyChain& chain, const wire::Prefix& prefix,
                                  const wire::PathAttributes& attributes,
                                  const Context& context) const;

    [[nodiscard]] std::string_view policy_name(std::uint16_t policy) const;
    [[nodiscard]] std::string_view term_name(std::uint16_t policy, std::uint16_t term) const;
    /// One line for `show route`: "accepted by import-pods/pools (matched:
    /// import-pods/tag modified, import-pods/pools)".
    [[nodiscard]] std::string explain(const Result& result) const;

    /// For a reload: the names of the policies that may decide differently in
    /// this table than in `previous` - added, removed, or changed in their terms,
    /// their default, or any set their terms name. Neighbours whose chains name
    /// none of these need no re-evaluation. Sorted, no duplicates.
    [[nodiscard]] std::vector<std::string> changed_since(const PolicyTable& previous) const;

    [[nodiscard]] const PolicyConfig& config() const;

  private:
    std::shared_ptr<const detail::TableData> data_;
};

}  // namespace bgp::policy
