// Shared by the fuzz targets: the codec options a fuzz input selects with its first octet,
// and a checked-assertion helper that aborts (so libFuzzer and the replay driver see it).
//
// Option octet:
//   bit 0  four_octet_as (RFC 6793)
//   bit 1  extended_message (RFC 8654)
//   bit 2  ADD-PATH for IPv4 unicast (RFC 7911)
//   bit 3  ADD-PATH for IPv6 unicast
//   bits 4-5  ibgp: 0 unknown, 1 internal, 2 external, 3 unknown
//   bit 6  mrt_rib_entry (RFC 6396 §4.3.4 abbreviated MP_REACH_NLRI)
//   bit 7  salvage (analysis tools: keep the prefixes before a malformed NLRI tail)
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "bgp/wire/message.hpp"

namespace bgp::fuzz {

inline wire::CodecOptions options_from_byte(std::uint8_t b) {
    wire::CodecOptions o;
    o.four_octet_as = (b & 0x01) != 0;
    o.extended_message = (b & 0x02) != 0;
    if ((b & 0x04) != 0) o.add_path.insert(wire::ipv4_unicast);
    if ((b & 0x08) != 0) o.add_path.insert(wire::ipv6_unicast);
    switch ((b >> 4) & 0x03) {
        case 1:
            o.ibgp = true;
            break;
        case 2:
            o.ibgp = false;
            break;
        default:
            break;
    }
    o.mrt_rib_entry = (b & 0x40) != 0;
    o.salvage = (b & 0x80) != 0;
    return o;
}

/// Aborts with a message when a property the target checks does not hold.
inline void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz property violated: %s\n", what);
        std::abort();
    }
}

}  // namespace bgp::fuzz
