// Applying a term's Modify to a route, copying the attributes only when a
// value really changes.
#pragma once

#include <memory>

#include "bgp/policy/context.hpp"
#include "bgp/policy/modify.hpp"
#include "bgp/wire/attributes.hpp"

namespace bgp::policy::detail {

/// Applies `modify`. `work` is the changed copy (engaged on the first real
/// change, copied from `original`); the current attributes are `*work` if
/// engaged, else `original`. Returns whether anything changed.
/// `next_hop_unchanged` is set by `next-hop: unchanged`.
bool apply_modify(const Modify& modify, const wire::Prefix& prefix,
                  const wire::PathAttributes& original, std::unique_ptr<wire::PathAttributes>& work,
                  const Context& context, bool& next_hop_unchanged);

}  // namespace bgp::policy::detail
