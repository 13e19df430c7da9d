// Helpers for the RIB tests: attribute sets and peers built in one line.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "bgp/rib/rib.hpp"

namespace bgp::rib::test {

inline wire::IpAddress ip(const char* s) { return *wire::IpAddress::parse(s); }
inline wire::Prefix pfx(const char* s) { return *wire::Prefix::parse(s); }

inline wire::AsPath seq(std::initializer_list<std::uint32_t> asns) {
    wire::AsPath p;
    if (asns.size() != 0)
        p.segments.push_back(wire::AsSegment{wire::AsSegmentType::as_sequence, asns});
    return p;
}

/// A plain path: ORIGIN IGP, AS_PATH, NEXT_HOP.
inline wire::PathAttributes attrs(std::initializer_list<std::uint32_t> path,
                                  const char* next_hop = "192.0.2.1") {
    wire::PathAttributes a;
    a.origin = wire::Origin::igp;
    a.as_path = seq(path);
    a.next_hop = ip(next_hop);
    return a;
}

inline PeerInfo ebgp(const char* addr, std::uint32_t asn, std::uint32_t router_id) {
    PeerInfo p;
    p.address = ip(addr);
    p.asn = asn;
    p.router_id = router_id;
    return p;
}

inline PeerInfo ibgp(const char* addr, std::uint32_t router_id, bool client = false) {
    PeerInfo p;
    p.address = ip(addr);
    p.asn = 65000;
    p.router_id = router_id;
    p.rr_client = client;
    return p;
}

inline RibConfig local_config() {
    RibConfig c;
    c.local_as = 65000;
    c.router_id = 0x0A000001;  // 10.0.0.1
    return c;
}

}  // namespace bgp::rib::test
