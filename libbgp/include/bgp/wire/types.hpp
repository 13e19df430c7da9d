// Value types shared by the whole wire layer: address families, IP addresses,
// prefixes and NLRI entries (RFC 4271 §4.3, RFC 4760, RFC 7911 path ids).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace bgp::wire {

/// Address Family Identifier (IANA "Address Family Numbers").
enum class Afi : std::uint16_t { ipv4 = 1, ipv6 = 2, l2vpn = 25, bgp_ls = 16388 };

/// Subsequent Address Family Identifier (IANA SAFI registry).
enum class Safi : std::uint8_t {
    unicast = 1,
    multicast = 2,
    mpls_label = 4,
    evpn = 70,
    bgp_ls = 71,
    sr_policy = 73,
    mpls_vpn = 128,
    route_target = 132,
    flowspec = 133,
    flowspec_vpn = 134,
};

struct Family {
    Afi afi = Afi::ipv4;
    Safi safi = Safi::unicast;

    friend constexpr bool operator==(Family, Family) = default;
    friend constexpr auto operator<=>(Family a, Family b) {
        return std::pair(static_cast<int>(a.afi), static_cast<int>(a.safi)) <=>
               std::pair(static_cast<int>(b.afi), static_cast<int>(b.safi));
    }

    /// "ipv4-unicast", "ipv6-unicast", ... or "afi-N-safi-M" for the rest.
    [[nodiscard]] std::string name() const;
    /// Families whose NLRI this codec decodes into prefixes (unicast and multicast, v4/v6).
    [[nodiscard]] constexpr bool is_prefix_family() const {
        return (afi == Afi::ipv4 || afi == Afi::ipv6) &&
               (safi == Safi::unicast || safi == Safi::multicast);
    }
    static std::optional<Family> parse(std::string_view name);
};

inline constexpr Family ipv4_unicast{Afi::ipv4, Safi::unicast};
inline constexpr Family ipv6_unicast{Afi::ipv6, Safi::unicast};

/// An IPv4 or IPv6 address, stored in network byte order.
class IpAddress {
  public:
    constexpr IpAddress() = default;
    static IpAddress v4(std::uint32_t host_order);
    static IpAddress v4_bytes(const std::uint8_t* p);
    static IpAddress v6_bytes(const std::uint8_t* p);
    static std::optional<IpAddress> parse(std::string_view text);

    [[nodiscard]] constexpr bool is_v4() const { return afi_ == Afi::ipv4; }
    [[nodiscard]] constexpr bool is_v6() const { return afi_ == Afi::ipv6; }
    [[nodiscard]] constexpr Afi afi() const { return afi_; }
    /// 4 or 16.
    [[nodiscard]] constexpr std::size_t size() const { return is_v4() ? 4 : 16; }
    [[nodiscard]] const std::uint8_t* data() const { return bytes_.data(); }
    [[nodiscard]] std::uint8_t* data() { return bytes_.data(); }
    /// The IPv4 address as a host-order integer (0 for IPv6).
    [[nodiscard]] std::uint32_t v4_value() const;
    [[nodiscard]] bool is_unspecified() const;
    /// IPv6 link-local (fe80::/10).
    [[nodiscard]] bool is_link_local() const;
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const IpAddress&, const IpAddress&) = default;
    friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

  private:
    std::array<std::uint8_t, 16> bytes_{};
    Afi afi_ = Afi::ipv4;
};

/// An IP prefix. Host bits beyond `length` are always zero.
class Prefix {
  public:
    constexpr Prefix() = default;
    /// Masks host bits. `length` must not exceed 32 / 128 (checked by assert).
    Prefix(const IpAddress& addr, std::uint8_t length);
    static std::optional<Prefix> parse(std::string_view text);  // "10.0.0.0/24"

    [[nodiscard]] const IpAddress& address() const { return addr_; }
    [[nodiscard]] std::uint8_t length() const { return length_; }
    [[nodiscard]] Afi afi() const { return addr_.afi(); }
    [[nodiscard]] bool contains(const IpAddress& a) const;
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const Prefix&, const Prefix&) = default;
    friend auto operator<=>(const Prefix&, const Prefix&) = default;

  private:
    IpAddress addr_;
    std::uint8_t length_ = 0;
};

/// One NLRI entry: a prefix and, when ADD-PATH (RFC 7911) is in use for the
/// family, its path identifier.
struct Nlri {
    Prefix prefix;
    std::optional<std::uint32_t> path_id;

    friend bool operator==(const Nlri&, const Nlri&) = default;
};

}  // namespace bgp::wire
