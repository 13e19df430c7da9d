// bgp::fib::Route <-> rtnetlink route messages (rtnetlink(7), linux/rtnetlink.h):
// RTM_NEWROUTE / RTM_DELROUTE requests (rtmsg + RTA_DST, RTA_TABLE, RTA_GATEWAY,
// RTA_OIF, RTNH_F_ONLINK, RTA_MULTIPATH of rtnexthop with weights, RTN_BLACKHOLE), the
// RTM_GETROUTE dump and single-destination lookup requests, and the decoding of the
// kernel's RTM_NEWROUTE / RTM_DELROUTE messages back into Routes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "bgp/fib/route.hpp"
#include "fib/netlink.hpp"

namespace bgp::fib::detail {

/// Interface names <-> indexes in the current network namespace (if_nametoindex), cached
/// until clear() (call it on every RTM_NEWLINK / RTM_DELLINK).
class Links {
  public:
    [[nodiscard]] std::optional<std::uint32_t> index(const std::string& name);
    [[nodiscard]] std::string name(std::uint32_t index);
    void clear();

  private:
    std::unordered_map<std::string, std::uint32_t> by_name_;
    std::unordered_map<std::uint32_t, std::string> by_index_;
};

/// Where a route lives and who owns it.
struct RouteKey {
    std::uint32_t table = 254;
    std::uint8_t protocol = default_protocol;
};

/// Appends RTM_NEWROUTE (flags NLM_F_CREATE | `extra_flags`, NLM_F_ACK). Returns "" or why
/// the route cannot be encoded (then nothing is appended).
[[nodiscard]] std::string encode_new(MessageBuffer& out, std::uint32_t seq, const Route& route,
                                     const RouteKey& key, std::uint16_t extra_flags, Links& links);
/// Appends RTM_DELROUTE for our route to `prefix` (matches protocol and table only).
void encode_delete(MessageBuffer& out, std::uint32_t seq, const wire::Prefix& prefix,
                   const RouteKey& key);
/// Appends RTM_GETROUTE NLM_F_DUMP for one family, filtered by table and protocol.
void encode_dump(MessageBuffer& out, std::uint32_t seq, wire::Afi afi, const RouteKey& key);
/// Appends RTM_GETROUTE for one destination (a FIB lookup).
void encode_lookup(MessageBuffer& out, std::uint32_t seq, const wire::IpAddress& destination);

/// A route message decoded: the route and where it lives.
struct DecodedRoute {
    Route route;
    RouteKey key;
    std::uint32_t priority = 0;  ///< RTA_PRIORITY (metric)
    std::uint8_t type = 0;       ///< RTN_*
    bool cloned = false;         ///< RTM_F_CLONED (a cache entry, never ours)
};
/// Decodes RTM_NEWROUTE / RTM_DELROUTE (IPv4 / IPv6). nullopt for other families or
/// malformed messages. Kernel-only next-hop flags (RTNH_F_DEAD, RTNH_F_LINKDOWN) are
/// ignored; a route type other than unicast / blackhole decodes as unicast with `type` set.
[[nodiscard]] std::optional<DecodedRoute> decode_route(const nlmsghdr* nlh, Links& links);

/// Whether the kernel's route `installed` is what `desired` asks for: a desired device ""
/// accepts any device, a single next hop's weight is not compared (the kernel keeps
/// weights only in multipath routes) and weight 0 counts as 1 (as written), next hops are
/// compared as sets.
[[nodiscard]] bool same_route(const Route& desired, const Route& installed);

}  // namespace bgp::fib::detail
