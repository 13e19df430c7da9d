// Route text, RFC 9012 tunnel type of a path, and the in-memory sink.
#include "fib_port.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace bgp::node_agent {

std::string_view to_string(Encap encap) {
    switch (encap) {
        case Encap::none:
            return "none";
        case Encap::ipip:
            return "ipip";
        case Encap::vxlan:
            return "vxlan";
    }
    return "?";
}

std::vector<wire::IpAddress> vxlan_vteps(std::span<const fib::Route> planned,
                                         std::span<const fib::Route> installed, bool synced,
                                         std::string_view device) {
    std::vector<wire::IpAddress> out;
    auto add = [&](std::span<const fib::Route> routes) {
        for (const auto& r : routes)
            for (const auto& hop : r.nexthops)
                if (hop.gateway && hop.device == device) out.push_back(*hop.gateway);
    };
    add(planned);
    if (!synced) add(installed);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string route_text(const fib::Route& route) {
    if (route.type == fib::RouteType::blackhole)
        return fmt::format("blackhole {}", route.prefix.to_string());
    std::string out = route.prefix.to_string();
    auto hop = [](const fib::Nexthop& nh) {
        std::string s;
        if (nh.gateway) s += fmt::format(" via {}", nh.gateway->to_string());
        if (!nh.device.empty()) s += fmt::format(" dev {}", nh.device);
        if (nh.onlink) s += " onlink";
        return s;
    };
    if (route.nexthops.size() == 1) return out + hop(route.nexthops.front());
    for (const auto& nh : route.nexthops)
        out += fmt::format(" nexthop{} weight {}", hop(nh), nh.weight);
    return out;
}

std::vector<fib::Route> MemorySink::installed() const {
    std::vector<fib::Route> out;
    for (const auto& [key, r] : routes_) out.push_back(r);
    return out;
}

std::optional<fib::Nexthop> MemorySink::lookup(const wire::IpAddress& dst) const {
    if (fake_lookup) return fake_lookup(dst);
    return fib::Nexthop{};  // no kernel to ask: the next hop as given, direct
}

#ifndef BGP_NODE_AGENT_KERNEL
std::unique_ptr<RouteSink> make_kernel_sink(void* /*io_context*/,
                                            const KernelOptions& /*options*/) {
    return nullptr;
}
#endif

}  // namespace bgp::node_agent
