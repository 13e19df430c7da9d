// Route text, RFC 9012 tunnel type of a path, and the in-memory sink.
#include "fib_port.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bgp::node_agent {

namespace {

/// A whole decimal number in [lo, hi], or nullopt.
std::optional<std::uint64_t> decimal(const std::string& text, std::uint64_t lo, std::uint64_t hi) {
    if (text.empty() || text.size() > 10 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const std::uint64_t v = std::strtoull(text.c_str(), nullptr, 10);
    if (v < lo || v > hi) return std::nullopt;
    return v;
}

}  // namespace

std::vector<std::string> rt_protos_files() {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    std::error_code ec;
    if (fs::exists("/etc/iproute2/rt_protos", ec)) out.emplace_back("/etc/iproute2/rt_protos");
    std::vector<std::string> confs;
    for (const auto& e : fs::directory_iterator("/etc/iproute2/rt_protos.d", ec))
        if (e.path().extension() == ".conf") confs.push_back(e.path().string());
    std::sort(confs.begin(), confs.end());
    out.insert(out.end(), confs.begin(), confs.end());
    if (fs::exists("/usr/share/iproute2/rt_protos", ec))
        out.emplace_back("/usr/share/iproute2/rt_protos");
    return out;
}

std::uint8_t parse_route_protocol(const std::string& text, const std::vector<std::string>& files) {
    std::optional<std::uint64_t> number = decimal(text, 0, 255);
    if (!number) {
        for (const auto& file : files) {
            std::ifstream in(file);
            std::string line;
            while (!number && std::getline(in, line)) {
                std::istringstream words(line.substr(0, line.find('#')));
                std::string n, name;
                if (words >> n >> name && name == text) number = decimal(n, 0, 255);
            }
            if (number) break;
        }
    }
    if (!number)
        throw std::invalid_argument(fmt::format(
            "--route-protocol: \"{}\" is neither a number 5-255 nor a name in iproute2's "
            "rt_protos files",
            text));
    if (*number <= 4)
        throw std::invalid_argument(fmt::format(
            "--route-protocol: {} is reserved (0-3 the kernel's own, 4 static routes): the "
            "agent adopts and removes routes of its protocol, so it must be one no one else uses",
            *number));
    return static_cast<std::uint8_t>(*number);
}

std::uint32_t parse_route_table(const std::string& text) {
    const auto v = decimal(text, 1, 4294967295ULL);
    if (!v || *v == 253 || *v == 255)
        throw std::invalid_argument(fmt::format(
            "--table: expected a routing table number 1-4294967295 other than 253 (default) "
            "and 255 (local), got \"{}\"",
            text));
    return static_cast<std::uint32_t>(*v);
}

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
