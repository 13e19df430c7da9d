// A kernel route as the FIB sink installs it (Linux rtnetlink, RTM_NEWROUTE):
// a unicast route with one or more next hops (more than one = a multipath
// route, RTA_MULTIPATH), or a blackhole for a node's own pod blocks.
//
// These are plain values: bgp::fib::Planner produces them from BGP best paths
// and the pool's encapsulation mode, bgp::fib::Sink makes the kernel's table
// equal to them. Two routes that compare equal are never rewritten (no churn).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bgp/wire/types.hpp"

namespace bgp::fib {

/// The default route protocol number of routes the sink installs
/// (`ip route ... proto libbgp`; registered in /etc/iproute2/rt_protos.d/ by
/// the installer). Linux gives no meaning to values above RTPROT_STATIC;
/// 201 is unused by iproute2's table and by BIRD (12), FRR (186-196), Calico.
inline constexpr std::uint8_t default_protocol = 201;

/// One next hop. `gateway` unset means a device route (`dev X` only).
struct Nexthop {
    std::optional<wire::IpAddress> gateway;
    std::string device;       ///< "" = the kernel picks the device from `gateway`
    bool onlink = false;      ///< RTNH_F_ONLINK: gateway not checked against the device's subnets
    std::uint8_t weight = 1;  ///< multipath weight (rtnh_hops + 1)
    friend bool operator==(const Nexthop&, const Nexthop&) = default;
};

enum class RouteType : std::uint8_t { unicast, blackhole };

struct Route {
    wire::Prefix prefix;
    RouteType type = RouteType::unicast;
    /// Empty for a blackhole; more than one for a multipath (ECMP) route,
    /// kept sorted so that equal sets compare equal.
    std::vector<Nexthop> nexthops;
    friend bool operator==(const Route&, const Route&) = default;
};

}  // namespace bgp::fib
