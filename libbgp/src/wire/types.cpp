// Families, addresses and prefixes.
#include "bgp/wire/types.hpp"

#include <arpa/inet.h>

#include <cassert>
#include <charconv>
#include <cstring>

namespace bgp::wire {

std::string Family::name() const {
    if (afi == Afi::ipv4 && safi == Safi::unicast) return "ipv4-unicast";
    if (afi == Afi::ipv6 && safi == Safi::unicast) return "ipv6-unicast";
    if (afi == Afi::ipv4 && safi == Safi::multicast) return "ipv4-multicast";
    if (afi == Afi::ipv6 && safi == Safi::multicast) return "ipv6-multicast";
    if (afi == Afi::ipv4 && safi == Safi::mpls_label) return "ipv4-labeled-unicast";
    if (afi == Afi::ipv6 && safi == Safi::mpls_label) return "ipv6-labeled-unicast";
    if (afi == Afi::ipv4 && safi == Safi::mpls_vpn) return "ipv4-vpn";
    if (afi == Afi::ipv6 && safi == Safi::mpls_vpn) return "ipv6-vpn";
    if (afi == Afi::ipv4 && safi == Safi::flowspec) return "ipv4-flowspec";
    if (afi == Afi::ipv6 && safi == Safi::flowspec) return "ipv6-flowspec";
    if (afi == Afi::l2vpn && safi == Safi::evpn) return "l2vpn-evpn";
    if (afi == Afi::ipv4 && safi == Safi::route_target) return "ipv4-rtc";
    if (afi == Afi::bgp_ls && safi == Safi::bgp_ls) return "bgp-ls";
    return "afi-" + std::to_string(static_cast<unsigned>(afi)) + "-safi-" +
           std::to_string(static_cast<unsigned>(safi));
}

std::optional<Family> Family::parse(std::string_view name) {
    static constexpr std::pair<std::string_view, Family> known[] = {
        {"ipv4-unicast", {Afi::ipv4, Safi::unicast}},
        {"ipv6-unicast", {Afi::ipv6, Safi::unicast}},
        {"ipv4-multicast", {Afi::ipv4, Safi::multicast}},
        {"ipv6-multicast", {Afi::ipv6, Safi::multicast}},
        {"ipv4-labeled-unicast", {Afi::ipv4, Safi::mpls_label}},
        {"ipv6-labeled-unicast", {Afi::ipv6, Safi::mpls_label}},
        {"ipv4-vpn", {Afi::ipv4, Safi::mpls_vpn}},
        {"ipv6-vpn", {Afi::ipv6, Safi::mpls_vpn}},
        {"ipv4-flowspec", {Afi::ipv4, Safi::flowspec}},
        {"ipv6-flowspec", {Afi::ipv6, Safi::flowspec}},
        {"l2vpn-evpn", {Afi::l2vpn, Safi::evpn}},
        {"ipv4-rtc", {Afi::ipv4, Safi::route_target}},
        {"bgp-ls", {Afi::bgp_ls, Safi::bgp_ls}},
    };
    for (const auto& [n, f] : known)
        if (n == name) return f;
    // afi-N-safi-M
    unsigned afi = 0, safi = 0;
    if (name.starts_with("afi-")) {
        const char* p = name.data() + 4;
        const char* end = name.data() + name.size();
        auto r = std::from_chars(p, end, afi);
        if (r.ec != std::errc{} || afi > 0xFFFF) return std::nullopt;
        std::string_view rest(r.ptr, static_cast<std::size_t>(end - r.ptr));
        if (!rest.starts_with("-safi-")) return std::nullopt;
        auto r2 = std::from_chars(r.ptr + 6, end, safi);
        if (r2.ec != std::errc{} || r2.ptr != end || safi > 0xFF) return std::nullopt;
        return Family{static_cast<Afi>(afi), static_cast<Safi>(safi)};
    }
    return std::nullopt;
}

IpAddress IpAddress::v4(std::uint32_t host_order) {
    IpAddress a;
    a.afi_ = Afi::ipv4;
    a.bytes_[0] = static_cast<std::uint8_t>(host_order >> 24);
    a.bytes_[1] = static_cast<std::uint8_t>(host_order >> 16);
    a.bytes_[2] = static_cast<std::uint8_t>(host_order >> 8);
    a.bytes_[3] = static_cast<std::uint8_t>(host_order);
    return a;
}

IpAddress IpAddress::v4_bytes(const std::uint8_t* p) {
    IpAddress a;
    a.afi_ = Afi::ipv4;
    std::memcpy(a.bytes_.data(), p, 4);
    return a;
}

IpAddress IpAddress::v6_bytes(const std::uint8_t* p) {
    IpAddress a;
    a.afi_ = Afi::ipv6;
    std::memcpy(a.bytes_.data(), p, 16);
    return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.size() > 64) return std::nullopt;
    char buf[65];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    IpAddress a;
    if (inet_pton(AF_INET, buf, a.bytes_.data()) == 1) {
        a.afi_ = Afi::ipv4;
        return a;
    }
    if (inet_pton(AF_INET6, buf, a.bytes_.data()) == 1) {
        a.afi_ = Afi::ipv6;
        return a;
    }
    return std::nullopt;
}

std::uint32_t IpAddress::v4_value() const {
    if (!is_v4()) return 0;
    return (std::uint32_t{bytes_[0]} << 24) | (std::uint32_t{bytes_[1]} << 16) |
           (std::uint32_t{bytes_[2]} << 8) | bytes_[3];
}

bool IpAddress::is_unspecified() const {
    for (std::size_t i = 0; i < size(); ++i)
        if (bytes_[i] != 0) return false;
    return true;
}

bool IpAddress::is_link_local() const {
    return is_v6() && bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    const char* r = inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
    return r ? std::string(r) : std::string("?");
}

Prefix::Prefix(const IpAddress& addr, std::uint8_t length) : addr_(addr), length_(length) {
    const std::size_t bits = addr.size() * 8;
    assert(length <= bits);
    if (length_ > bits) length_ = static_cast<std::uint8_t>(bits);
    std::uint8_t* p = addr_.data();
    std::size_t full = length_ / 8;
    if (full < addr.size()) {
        const unsigned rem = length_ % 8u;
        p[full] = static_cast<std::uint8_t>(p[full] & (0xFFu << (8u - rem)));
        for (std::size_t i = full + 1; i < addr.size(); ++i) p[i] = 0;
    }
}

std::optional<Prefix> Prefix::parse(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto addr = IpAddress::parse(text.substr(0, slash));
    if (!addr) return std::nullopt;
    unsigned len = 0;
    const auto lt = text.substr(slash + 1);
    auto r = std::from_chars(lt.data(), lt.data() + lt.size(), len);
    if (r.ec != std::errc{} || r.ptr != lt.data() + lt.size() || lt.empty()) return std::nullopt;
    if (len > addr->size() * 8) return std::nullopt;
    return Prefix(*addr, static_cast<std::uint8_t>(len));
}

bool Prefix::contains(const IpAddress& a) const {
    if (a.afi() != afi()) return false;
    return Prefix(a, length_).address() == addr_;
}

std::string Prefix::to_string() const { return addr_.to_string() + "/" + std::to_string(length_); }

}  // namespace bgp::wire
