// Helpers for the MRT reader tests: building records around golden bodies
// and reading a whole input.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <variant>
#include <vector>

#include "bgp/mrt/reader.hpp"

namespace mrt_test {

using Bytes = std::vector<std::uint8_t>;

inline void put16(Bytes& b, std::uint32_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(Bytes& b, std::uint32_t v) {
    put16(b, v >> 16);
    put16(b, v & 0xFFFF);
}

/// An MRT record: the 12-octet common header (RFC 6396 §2) then `body`.
/// `length` overrides the length field (to build damaged framing).
inline Bytes record(std::uint32_t timestamp, std::uint16_t type, std::uint16_t subtype,
                    const Bytes& body, std::int64_t length = -1) {
    Bytes b;
    put32(b, timestamp);
    put16(b, type);
    put16(b, subtype);
    put32(b, length < 0 ? static_cast<std::uint32_t>(body.size())
                        : static_cast<std::uint32_t>(length));
    b.insert(b.end(), body.begin(), body.end());
    return b;
}

inline Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

/// Every record of `data`.
inline std::vector<bgp::mrt::Record> read_all(const Bytes& data) {
    bgp::mrt::Reader r(data);
    std::vector<bgp::mrt::Record> out;
    while (auto rec = r.next()) out.push_back(std::move(*rec));
    return out;
}

/// What the reader makes of one record built from these fields.
inline std::vector<bgp::mrt::Record> read_one(std::uint32_t ts, std::uint16_t type,
                                              std::uint16_t subtype, const Bytes& body) {
    return read_all(record(ts, type, subtype, body));
}

inline Bytes bgp_header(std::uint16_t length, std::uint8_t type) {
    Bytes b(16, 0xFF);
    put16(b, length);
    b.push_back(type);
    return b;
}

}  // namespace mrt_test
