// Node address autodetection (see autodetect.hpp): getifaddrs(3) for the list,
// a connected UDP socket for can-reach.
#include "autodetect.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bit>
#include <cstring>
#include <stdexcept>

namespace bgp::node_agent {

namespace {

std::uint8_t mask_length(const sockaddr* mask) {
    if (mask == nullptr) return 0;
    int bits = 0;
    if (mask->sa_family == AF_INET) {
        const auto* m = reinterpret_cast<const sockaddr_in*>(mask);
        bits = std::popcount(ntohl(m->sin_addr.s_addr));
    } else if (mask->sa_family == AF_INET6) {
        const auto* m = reinterpret_cast<const sockaddr_in6*>(mask);
        for (unsigned char byte : m->sin6_addr.s6_addr) bits += std::popcount(byte);
    }
    return static_cast<std::uint8_t>(bits);
}

std::optional<wire::IpAddress> to_address(const sockaddr* sa) {
    if (sa == nullptr) return std::nullopt;
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        return wire::IpAddress::v4(ntohl(in->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        return wire::IpAddress::v6_bytes(in6->sin6_addr.s6_addr);
    }
    return std::nullopt;
}

bool usable(const HostAddress& a, bool v4) {
    if (a.address.is_v4() != v4) return false;
    if (a.address.is_unspecified() || a.address.is_link_local()) return false;
    if (v4 && (a.address.v4_value() >> 24) == 127) return false;
    if (!v4 && a.address == *wire::IpAddress::parse("::1")) return false;
    return true;
}

std::vector<std::regex> regex_list(std::string_view list, std::string_view method) {
    std::vector<std::regex> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        const std::string item(list.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (item.empty()) throw std::invalid_argument(fmt::format("{}: an empty regex", method));
        try {
            out.emplace_back(item, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            throw std::invalid_argument(
                fmt::format("{}: bad regex \"{}\": {}", method, item, e.what()));
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

}  // namespace

std::vector<InterfaceAddress> system_interfaces() {
    std::vector<InterfaceAddress> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if ((i->ifa_flags & IFF_UP) == 0) continue;
        auto a = to_address(i->ifa_addr);
        if (!a) continue;
        out.push_back({i->ifa_name, HostAddress{*a, mask_length(i->ifa_netmask)}});
    }
    freeifaddrs(list);
    return out;
}

std::optional<wire::IpAddress> route_source(const wire::IpAddress& destination) {
    const int family = destination.is_v4() ? AF_INET : AF_INET6;
    const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::nullopt;
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (destination.is_v4()) {
        auto* in = reinterpret_cast<sockaddr_in*>(&ss);
        in->sin_family = AF_INET;
        in->sin_port = htons(9);
        in->sin_addr.s_addr = htonl(destination.v4_value());
        len = sizeof(sockaddr_in);
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(9);
        std::memcpy(in6->sin6_addr.s6_addr, destination.data(), 16);
        len = sizeof(sockaddr_in6);
    }
    std::optional<wire::IpAddress> out;
    // connect() on a UDP socket only selects the route and source address.
    if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) {
        sockaddr_storage local{};
        socklen_t local_len = sizeof(local);
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0)
            out = to_address(reinterpret_cast<sockaddr*>(&local));
    }
    ::close(fd);
    return out;
}

const std::vector<std::string>& calico_skip_list() {
    static const std::vector<std::string> list = {"^docker.*",
                                                  "^cbr.*",
                                                  "^dummy.*",
                                                  "^virbr.*",
                                                  "^lxcbr.*",
                                                  "^veth.*",
                                                  "^lo",
                                                  "^cali.*",
                                                  "^tunl.*",
                                                  "^flannel.*",
                                                  "^kube-ipvs.*",
                                                  "^cni.*",
                                                  "^vxlan\\.calico.*",
                                                  "^vxlan-v6\\.calico.*",
                                                  "^wireguard\\.cali.*",
                                                  "^wg-v6\\.cali.*",
                                                  "^nodelocaldns.*"};
    return list;
}

AutodetectMethod AutodetectMethod::parse(std::string_view text) {
    AutodetectMethod m;
    m.text_ = std::string(text);
    const auto eq = text.find('=');
    const std::string_view name = text.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : text.substr(eq + 1);
    if (name == "first-found" && eq == std::string_view::npos) {
        m.kind_ = Kind::first_found;
    } else if (name == "interface" && !value.empty()) {
        m.kind_ = Kind::interface;
        m.regexes_ = regex_list(value, name);
    } else if (name == "skip-interface" && !value.empty()) {
        m.kind_ = Kind::skip_interface;
        m.regexes_ = regex_list(value, name);
    } else if (name == "cidr" && !value.empty()) {
        m.kind_ = Kind::cidr;
        std::size_t start = 0;
        while (start <= value.size()) {
            const auto comma = value.find(',', start);
            const auto item = value.substr(
                start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
            auto p = wire::Prefix::parse(item);
            if (!p)
                throw std::invalid_argument(
                    fmt::format("cidr: expected a CIDR such as 172.16.6.0/24, got \"{}\"", item));
            m.cidrs_.push_back(*p);
            if (comma == std::string_view::npos) break;
            start = comma + 1;
        }
    } else if (name == "can-reach" && !value.empty()) {
        m.kind_ = Kind::can_reach;
        m.target_ = wire::IpAddress::parse(value);
        if (!m.target_)
            throw std::invalid_argument(
                fmt::format("can-reach: expected an IP address, got \"{}\"", value));
    } else {
        throw std::invalid_argument(
            fmt::format("autodetection method \"{}\": expected first-found, interface=REGEX, "
                        "skip-interface=REGEX, cidr=CIDR or can-reach=ADDRESS",
                        text));
    }
    return m;
}

std::optional<InterfaceAddress> AutodetectMethod::detect(const std::vector<InterfaceAddress>& list,
                                                         bool v4, const Reach& reach,
                                                         std::string* how) const {
    auto say = [how](std::string text) {
        if (how != nullptr) *how = std::move(text);
    };
    static const std::vector<std::regex> skip = [] {
        std::vector<std::regex> out;
        for (const auto& s : calico_skip_list()) out.emplace_back(s, std::regex::ECMAScript);
        return out;
    }();
    auto matches = [](const std::vector<std::regex>& rs, const std::string& name) {
        for (const auto& r : rs)
            if (std::regex_search(name, r)) return true;
        return false;
    };
    for (const auto& ia : list) {
        if (!usable(ia.address, v4)) continue;
        switch (kind_) {
            case Kind::first_found:
            case Kind::skip_interface:
                if (matches(skip, ia.interface)) continue;
                if (kind_ == Kind::skip_interface && matches(regexes_, ia.interface)) continue;
                say(fmt::format("{}: first usable address of {} (not in the skip list)", text_,
                                ia.interface));
                return ia;
            case Kind::interface:
                if (!matches(regexes_, ia.interface)) continue;
                say(fmt::format("{}: first address of {}", text_, ia.interface));
                return ia;
            case Kind::cidr:
                for (const auto& c : cidrs_) {
                    if (c.address().is_v4() == v4 && c.contains(ia.address.address)) {
                        say(fmt::format("{}: {} on {} is inside {}", text_, ia.address.to_string(),
                                        ia.interface, c.to_string()));
                        return ia;
                    }
                }
                continue;
            case Kind::can_reach:
                break;
        }
        break;
    }
    if (kind_ == Kind::can_reach) {
        if (target_->is_v4() != v4 || !reach) return std::nullopt;
        auto source = reach(*target_);
        if (!source) {
            say(fmt::format("{}: no route", text_));
            return std::nullopt;
        }
        for (const auto& ia : list) {
            if (ia.address.address == *source) {
                say(fmt::format("{}: the kernel routes from {} on {}", text_,
                                ia.address.to_string(), ia.interface));
                return ia;
            }
        }
        say(fmt::format("{}: source {} is on no interface", text_, source->to_string()));
    }
    return std::nullopt;
}

}  // namespace bgp::node_agent
