// Address-family traits for the RIB: one compact prefix key per family, so that
// one template (Rib<F>) serves IPv4 and IPv6 unicast without twin copies.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bgp/wire/types.hpp"

namespace bgp::rib {

/// IPv4 unicast: the key is the address as a host-order integer and the length
/// (8 bytes instead of wire::Prefix's 20).
struct Ipv4 {
    static constexpr wire::Family family = wire::ipv4_unicast;
    static constexpr std::uint8_t max_length = 32;

    struct Key {
        std::uint32_t addr = 0;
        std::uint8_t length = 0;
        friend constexpr bool operator==(const Key&, const Key&) = default;
    };

    static Key key(const wire::Prefix& p) { return Key{p.address().v4_value(), p.length()}; }
    static wire::Prefix prefix(const Key& k) {
        return wire::Prefix(wire::IpAddress::v4(k.addr), k.length);
    }
    static bool matches(const wire::Prefix& p) { return p.afi() == wire::Afi::ipv4; }
    static std::uint64_t hash(const Key& k) {
        std::uint64_t h = (std::uint64_t{k.addr} << 8) | k.length;
        h *= 0x9E3779B97F4A7C15ull;
        return h ^ (h >> 29);
    }
};

/// IPv6 unicast: the 16 address octets and the length.
struct Ipv6 {
    static constexpr wire::Family family = wire::ipv6_unicast;
    static constexpr std::uint8_t max_length = 128;

    struct Key {
        std::array<std::uint8_t, 16> addr{};
        std::uint8_t length = 0;
        friend constexpr bool operator==(const Key&, const Key&) = default;
    };

    static Key key(const wire::Prefix& p) {
        Key k;
        std::memcpy(k.addr.data(), p.address().data(), 16);
        k.length = p.length();
        return k;
    }
    static wire::Prefix prefix(const Key& k) {
        return wire::Prefix(wire::IpAddress::v6_bytes(k.addr.data()), k.length);
    }
    static bool matches(const wire::Prefix& p) { return p.afi() == wire::Afi::ipv6; }
    static std::uint64_t hash(const Key& k) {
        std::uint64_t a = 0, b = 0;
        std::memcpy(&a, k.addr.data(), 8);
        std::memcpy(&b, k.addr.data() + 8, 8);
        std::uint64_t h = (a ^ (b * 0xC2B2AE3D27D4EB4Full) ^ k.length) * 0x9E3779B97F4A7C15ull;
        return h ^ (h >> 31);
    }
};

}  // namespace bgp::rib
