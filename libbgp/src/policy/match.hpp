// Whether a compiled term's conditions hold for a route.
#pragma once

#include <optional>

#include "bgp/policy/context.hpp"
#include "bgp/wire/attributes.hpp"
#include "policy/table_data.hpp"

namespace bgp::policy::detail {

/// The route's next hop: from MP_REACH_NLRI when it carries the prefix's
/// family, else NEXT_HOP.
std::optional<wire::IpAddress> route_next_hop(const wire::Prefix& prefix,
                                              const wire::PathAttributes& attrs);

bool term_matches(const CompiledTerm& term, const wire::Prefix& prefix,
                  const wire::PathAttributes& attrs, const Context& context);

}  // namespace bgp::policy::detail
