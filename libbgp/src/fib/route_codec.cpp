// Route <-> RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE (see route_codec.hpp).
// Kernel interfaces: rtnetlink(7), linux/rtnetlink.h (struct rtmsg, struct rtnexthop,
// RTA_*, RTN_*, RTNH_F_ONLINK, RTPROT_*), net/if.h.
#include "fib/route_codec.hpp"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace bgp::fib::detail {

namespace {

std::uint8_t family_of(wire::Afi afi) { return afi == wire::Afi::ipv6 ? AF_INET6 : AF_INET; }

void put_header(nlmsghdr* nlh, const wire::Prefix& prefix, const RouteKey& key) {
    auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
    rtm->rtm_family = family_of(prefix.afi());
    rtm->rtm_dst_len = prefix.length();
    rtm->rtm_table =
        key.table < 256 ? static_cast<std::uint8_t>(key.table) : std::uint8_t{RT_TABLE_UNSPEC};
    rtm->rtm_protocol = key.protocol;
    mnl_attr_put_u32(nlh, RTA_TABLE, key.table);
    if (prefix.length() > 0) {
        mnl_attr_put(nlh, RTA_DST, prefix.address().size(), prefix.address().data());
    }
}

std::optional<wire::IpAddress> address_attr(const nlattr* attr, std::uint8_t family) {
    const auto len = mnl_attr_get_payload_len(attr);
    const auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr));
    if (family == AF_INET && len == 4) return wire::IpAddress::v4_bytes(p);
    if (family == AF_INET6 && len == 16) return wire::IpAddress::v6_bytes(p);
    return std::nullopt;
}

using AttrTable = std::array<const nlattr*, RTA_MAX + 1>;

int collect_attr(const nlattr* attr, void* data) {
    auto& table = *static_cast<AttrTable*>(data);
    const auto type = mnl_attr_get_type(attr);
    if (type <= RTA_MAX) table[type] = attr;
    return MNL_CB_OK;
}

bool hop_matches(const Nexthop& want, const Nexthop& have, bool compare_weight) {
    return want.gateway == have.gateway && want.onlink == have.onlink &&
           (want.device.empty() || want.device == have.device) &&
           (!compare_weight || std::max<int>(want.weight, 1) == std::max<int>(have.weight, 1));
}

}  // namespace

std::optional<std::uint32_t> Links::index(const std::string& name) {
    if (const auto it = by_name_.find(name); it != by_name_.end()) return it->second;
    const unsigned index = if_nametoindex(name.c_str());
    if (index == 0) return std::nullopt;
    by_name_.emplace(name, index);
    return index;
}

std::string Links::name(std::uint32_t index) {
    if (const auto it = by_index_.find(index); it != by_index_.end()) return it->second;
    std::array<char, IF_NAMESIZE> buffer{};
    if (if_indextoname(index, buffer.data()) == nullptr) return "if" + std::to_string(index);
    std::string name = buffer.data();
    by_index_.emplace(index, name);
    return name;
}

void Links::clear() {
    by_name_.clear();
    by_index_.clear();
}

std::string encode_new(MessageBuffer& out, std::uint32_t seq, const Route& route,
                       const RouteKey& key, std::uint16_t extra_flags, Links& links) {
    const bool blackhole = route.type == RouteType::blackhole;
    if (!blackhole && route.nexthops.empty()) return "a unicast route needs a next hop";
    std::vector<std::uint32_t> oifs;
    bool any_gateway = false;
    for (const auto& hop : route.nexthops) {
        if (blackhole) break;
        if (hop.gateway && hop.gateway->afi() != route.prefix.afi()) {
            return "next hop " + hop.gateway->to_string() + " is not in the prefix's family";
        }
        if (!hop.gateway && hop.device.empty()) return "a next hop needs a gateway or a device";
        any_gateway = any_gateway || hop.gateway.has_value();
        std::uint32_t oif = 0;
        if (!hop.device.empty()) {
            const auto index = links.index(hop.device);
            if (!index) return "no such device " + hop.device;
            oif = *index;
        }
        oifs.push_back(oif);
    }

    nlmsghdr* nlh = out.begin_message(
        RTM_NEWROUTE, static_cast<std::uint16_t>(NLM_F_ACK | NLM_F_CREATE | extra_flags), seq,
        256 + route.nexthops.size() * 64);
    put_header(nlh, route.prefix, key);
    auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_get_payload(nlh));
    rtm->rtm_type = blackhole ? RTN_BLACKHOLE : RTN_UNICAST;
    // A device-only IPv4 route is link-scoped (as `ip route add P dev X`), the rest global.
    rtm->rtm_scope = (!blackhole && !any_gateway && route.prefix.afi() == wire::Afi::ipv4)
                         ? RT_SCOPE_LINK
                         : RT_SCOPE_UNIVERSE;
    if (blackhole) {
        out.end_message();
        return {};
    }
    if (route.nexthops.size() == 1) {
        const auto& hop = route.nexthops.front();
        if (hop.gateway) mnl_attr_put(nlh, RTA_GATEWAY, hop.gateway->size(), hop.gateway->data());
        if (oifs.front() != 0) mnl_attr_put_u32(nlh, RTA_OIF, oifs.front());
        if (hop.onlink) rtm->rtm_flags |= RTNH_F_ONLINK;
        out.end_message();
        return {};
    }
    nlattr* nest = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
    for (std::size_t i = 0; i < route.nexthops.size(); ++i) {
        const auto& hop = route.nexthops[i];
        auto* rtnh = static_cast<rtnexthop*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtnexthop)));
        const auto* begin = reinterpret_cast<const std::uint8_t*>(rtnh);
        rtnh->rtnh_flags = hop.onlink ? RTNH_F_ONLINK : 0;
        rtnh->rtnh_hops = static_cast<std::uint8_t>(hop.weight > 0 ? hop.weight - 1 : 0);
        rtnh->rtnh_ifindex = static_cast<int>(oifs[i]);
        if (hop.gateway) mnl_attr_put(nlh, RTA_GATEWAY, hop.gateway->size(), hop.gateway->data());
        const auto* end = static_cast<const std::uint8_t*>(mnl_nlmsg_get_payload_tail(nlh));
        rtnh->rtnh_len = static_cast<unsigned short>(end - begin);
    }
    mnl_attr_nest_end(nlh, nest);
    out.end_message();
    return {};
}

void encode_delete(MessageBuffer& out, std::uint32_t seq, const wire::Prefix& prefix,
                   const RouteKey& key) {
    nlmsghdr* nlh = out.begin_message(RTM_DELROUTE, NLM_F_ACK, seq, 256);
    put_header(nlh, prefix, key);
    auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_get_payload(nlh));
    // Type 0 and scope "nowhere" match our route whatever its type and scope; the kernel
    // still matches the protocol, so a foreign route to the same prefix is never deleted.
    rtm->rtm_type = RTN_UNSPEC;
    rtm->rtm_scope = prefix.afi() == wire::Afi::ipv4 ? RT_SCOPE_NOWHERE : RT_SCOPE_UNIVERSE;
    out.end_message();
}

void encode_dump(MessageBuffer& out, std::uint32_t seq, wire::Afi afi, const RouteKey& key) {
    nlmsghdr* nlh = out.begin_message(RTM_GETROUTE, NLM_F_DUMP, seq, 256);
    auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
    rtm->rtm_family = family_of(afi);
    // With NETLINK_GET_STRICT_CHK the kernel filters on these; without it, we do.
    rtm->rtm_table =
        key.table < 256 ? static_cast<std::uint8_t>(key.table) : std::uint8_t{RT_TABLE_UNSPEC};
    rtm->rtm_protocol = key.protocol;
    mnl_attr_put_u32(nlh, RTA_TABLE, key.table);
    out.end_message();
}

void encode_lookup(MessageBuffer& out, std::uint32_t seq, const wire::IpAddress& destination) {
    nlmsghdr* nlh = out.begin_message(RTM_GETROUTE, NLM_F_ACK, seq, 256);
    auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
    rtm->rtm_family = family_of(destination.afi());
    rtm->rtm_dst_len = static_cast<std::uint8_t>(destination.size() * 8);
    mnl_attr_put(nlh, RTA_DST, destination.size(), destination.data());
    out.end_message();
}

std::optional<DecodedRoute> decode_route(const nlmsghdr* nlh, Links& links) {
    if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE) return std::nullopt;
    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(rtmsg))) return std::nullopt;
    const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
    if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) return std::nullopt;
    const std::uint8_t family = rtm->rtm_family;
    const unsigned max_len = family == AF_INET ? 32 : 128;
    if (rtm->rtm_dst_len > max_len) return std::nullopt;
    AttrTable tb{};
    if (mnl_attr_parse(nlh, sizeof(rtmsg), collect_attr, &tb) < 0) return std::nullopt;

    DecodedRoute out;
    out.key.table = tb[RTA_TABLE] != nullptr ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
    out.key.protocol = rtm->rtm_protocol;
    out.type = rtm->rtm_type;
    out.cloned = (rtm->rtm_flags & RTM_F_CLONED) != 0;
    if (tb[RTA_PRIORITY] != nullptr) out.priority = mnl_attr_get_u32(tb[RTA_PRIORITY]);
    wire::IpAddress dst = family == AF_INET ? wire::IpAddress::v4(0) : wire::IpAddress{};
    if (family == AF_INET6) {
        const std::array<std::uint8_t, 16> zero{};
        dst = wire::IpAddress::v6_bytes(zero.data());
    }
    if (tb[RTA_DST] != nullptr) {
        const auto parsed = address_attr(tb[RTA_DST], family);
        if (!parsed) return std::nullopt;
        dst = *parsed;
    }
    out.route.prefix = wire::Prefix(dst, rtm->rtm_dst_len);
    if (rtm->rtm_type == RTN_BLACKHOLE) {
        out.route.type = RouteType::blackhole;
        return out;
    }
    if (tb[RTA_MULTIPATH] != nullptr) {
        const auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(tb[RTA_MULTIPATH]));
        std::size_t left = mnl_attr_get_payload_len(tb[RTA_MULTIPATH]);
        while (left >= sizeof(rtnexthop)) {
            rtnexthop rtnh{};
            std::memcpy(&rtnh, p, sizeof rtnh);
            if (rtnh.rtnh_len < sizeof(rtnexthop) || rtnh.rtnh_len > left) return std::nullopt;
            Nexthop hop;
            hop.onlink = (rtnh.rtnh_flags & RTNH_F_ONLINK) != 0;
            hop.weight = static_cast<std::uint8_t>(rtnh.rtnh_hops + 1);
            if (rtnh.rtnh_ifindex > 0)
                hop.device = links.name(static_cast<std::uint32_t>(rtnh.rtnh_ifindex));
            // The next hop's own attributes follow its header.
            std::size_t attr_off = sizeof(rtnexthop);
            while (attr_off + sizeof(nlattr) <= rtnh.rtnh_len) {
                const auto* attr = reinterpret_cast<const nlattr*>(p + attr_off);
                if (attr->nla_len < sizeof(nlattr) || attr_off + attr->nla_len > rtnh.rtnh_len)
                    break;
                if (mnl_attr_get_type(attr) == RTA_GATEWAY)
                    hop.gateway = address_attr(attr, family);
                attr_off += ((attr->nla_len + 3U) & ~3U);
            }
            out.route.nexthops.push_back(std::move(hop));
            const std::size_t step = ((rtnh.rtnh_len + 3U) & ~std::size_t{3U});
            if (step >= left) break;
            p += step;
            left -= step;
        }
        return out;
    }
    Nexthop hop;
    if (tb[RTA_GATEWAY] != nullptr) hop.gateway = address_attr(tb[RTA_GATEWAY], family);
    if (tb[RTA_OIF] != nullptr) hop.device = links.name(mnl_attr_get_u32(tb[RTA_OIF]));
    hop.onlink = (rtm->rtm_flags & RTNH_F_ONLINK) != 0;
    if (hop.gateway || !hop.device.empty()) out.route.nexthops.push_back(std::move(hop));
    return out;
}

bool same_route(const Route& desired, const Route& installed) {
    if (desired.prefix != installed.prefix || desired.type != installed.type) return false;
    if (desired.type == RouteType::blackhole) return true;
    if (desired.nexthops.size() != installed.nexthops.size()) return false;
    const bool multipath = desired.nexthops.size() > 1;
    std::vector<bool> used(installed.nexthops.size(), false);
    for (const auto& want : desired.nexthops) {
        bool found = false;
        for (std::size_t i = 0; i < installed.nexthops.size() && !found; ++i) {
            if (!used[i] && hop_matches(want, installed.nexthops[i], multipath)) {
                used[i] = true;
                found = true;
            }
        }
        if (!found) return false;
    }
    return true;
}

}  // namespace bgp::fib::detail
