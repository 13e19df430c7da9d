// What a policy knows about the session a route is evaluated for.
#pragma once

#include <cstdint>
#include <optional>

#include "bgp/wire/types.hpp"

namespace bgp::policy {

/// Which side of the RIB the policy sits on. (Not `import`/`export`: `export`
/// is a C++20 keyword.)
enum class Direction : std::uint8_t {
    inbound,   ///< import: from the neighbour's Adj-RIB-In into the Loc-RIB
    outbound,  ///< export: from the Loc-RIB towards the neighbour
};

struct Context {
    Direction direction = Direction::inbound;
    /// The session the policy is applied for: the sender on import, the
    /// receiver on export.
    wire::IpAddress neighbor_address;
    std::uint32_t neighbor_as = 0;
    std::uint32_t local_as = 0;
    /// Our addresses on that session, for `next-hop: self`. Without the one of
    /// the route's family, next-hop self changes nothing.
    std::optional<wire::IpAddress> local_address_v4;
    std::optional<wire::IpAddress> local_address_v6;
    /// The SAFI of the route (the AFI comes from its prefix).
    wire::Safi safi = wire::Safi::unicast;
};

}  // namespace bgp::policy
