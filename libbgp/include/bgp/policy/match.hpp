// The conditions of a policy term. Every condition given must hold (AND);
// a term with no conditions matches every route. Lists inside one condition
// are alternatives (OR), as in GoBGP's `match-set-options: any` and FRR's
// prefix lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::policy {

/// How a route's values are compared with a named set (GoBGP's
/// match-set-options; `none` is its `invert`).
enum class MatchSet : std::uint8_t {
    any,   ///< at least one value of the route is in the set
    all,   ///< every member of the set is present on the route (community sets only)
    none,  ///< no value of the route is in the set
};

/// A reference to a named set defined in PolicyConfig.
struct SetRef {
    std::string name;
    MatchSet mode = MatchSet::any;
    friend bool operator==(const SetRef&, const SetRef&) = default;
};

/// AS_PATH conditions (each optional, all must hold).
struct AsPathMatch {
    /// Some ASN of the path (any segment type) is one of these (BIRD `N ~ bgp_path`).
    std::vector<std::uint32_t> contains;
    /// The origin AS - the last ASN of a path ending in an AS_SEQUENCE - is one of
    /// these (BIRD `bgp_path.last`, FRR `_N$`). A path that is empty or ends in an
    /// AS_SET has no origin AS and does not match.
    std::vector<std::uint32_t> originates_from;
    /// The neighbour AS - the first ASN of a path starting with an AS_SEQUENCE - is
    /// one of these (BIRD `bgp_path.first`, FRR `^N_`).
    std::vector<std::uint32_t> first_as;
    /// Path length as the decision process counts it (RFC 4271 §9.1.2.2 a).
    std::optional<std::uint32_t> min_length;
    std::optional<std::uint32_t> max_length;

    [[nodiscard]] bool empty() const {
        return contains.empty() && originates_from.empty() && first_as.empty() && !min_length &&
               !max_length;
    }
    friend bool operator==(const AsPathMatch&, const AsPathMatch&) = default;
};

struct Match {
    /// Address families (empty = any).
    std::vector<wire::Family> families;
    /// The route's prefix against a prefix list (`any` or `none`).
    std::optional<SetRef> prefix_list;
    std::optional<SetRef> communities;        ///< a community list
    std::optional<SetRef> large_communities;  ///< a large-community list
    std::optional<SetRef> ext_communities;    ///< an extended-community list
    AsPathMatch as_path;
    /// ORIGIN is one of these (FRR `match origin`, BIRD `bgp_origin`); a route
    /// without ORIGIN never matches.
    std::vector<wire::Origin> origin;
    /// The route's next hop lies in one of these (addresses are /32 or /128).
    std::vector<wire::Prefix> next_hop;
    /// The neighbour (the session the policy is applied to: the sender on
    /// import, the receiver on export) has an address in one of these ...
    std::vector<wire::Prefix> neighbor;
    /// ... and/or one of these AS numbers.
    std::vector<std::uint32_t> neighbor_as;

    [[nodiscard]] bool empty() const {
        return families.empty() && !prefix_list && !communities && !large_communities &&
               !ext_communities && as_path.empty() && origin.empty() && next_hop.empty() &&
               neighbor.empty() && neighbor_as.empty();
    }
    friend bool operator==(const Match&, const Match&) = default;
};

}  // namespace bgp::policy
