// Prefix encoding (RFC 4271 §4.3, RFC 4760 §5, RFC 7911 §3).
#include "wire/nlri.hpp"

#include <cstring>
#include <string>

namespace bgp::wire::detail {

namespace {

/// How many well-formed entries `bytes` starts with (stops at the first bad one). Only
/// used to size `out` once: a full UPDATE holds about a thousand prefixes, and growing
/// the vector one doubling at a time cost more than this scan.
std::size_t count_prefixes(const std::uint8_t* p, const std::uint8_t* const end,
                           std::size_t max_bits, bool add_path) {
    std::size_t count = 0;
    const std::size_t head = add_path ? 5 : 1;
    while (static_cast<std::size_t>(end - p) >= head) {
        const std::uint8_t len = p[head - 1];
        if (len > max_bits) break;
        const std::size_t n = head + (len + 7u) / 8u;
        if (static_cast<std::size_t>(end - p) < n) break;
        p += n;
        ++count;
    }
    return count;
}

}  // namespace

std::optional<DecodeError> decode_prefixes(std::span<const std::uint8_t> bytes, Afi afi,
                                           bool add_path, std::vector<Nlri>& out,
                                           std::uint8_t subcode_on_error) {
    const std::size_t max_bits = afi == Afi::ipv4 ? 32 : 128;
    const std::uint8_t* p = bytes.data();
    const std::uint8_t* const end = p + bytes.size();
    const char* fam = afi == Afi::ipv4 ? "IPv4" : "IPv6";
    // On an error the entries read before it stay in `out` (CodecOptions::salvage relies
    // on that).
    out.reserve(out.size() + count_prefixes(p, end, max_bits, add_path));
    // One address of the family, overwritten for each prefix.
    static constexpr std::uint8_t zeros[16] = {};
    IpAddress a = afi == Afi::ipv4 ? IpAddress::v4_bytes(zeros) : IpAddress::v6_bytes(zeros);
    std::uint8_t* const addr = a.data();
    const std::size_t addr_size = a.size();
    while (p < end) {
        std::optional<std::uint32_t> path_id;
        if (add_path) {
            if (end - p < 5) {
                return make_error(3, subcode_on_error, ErrorAction::session_reset,
                                  std::string(fam) + " NLRI: truncated ADD-PATH path identifier");
            }
            path_id = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                      (std::uint32_t{p[2]} << 8) | p[3];
            p += 4;
        }
        const std::uint8_t len = *p++;
        if (len > max_bits) {
            return make_error(3, subcode_on_error, ErrorAction::session_reset,
                              std::string(fam) + " NLRI: prefix length " + std::to_string(len) +
                                  " exceeds " + std::to_string(max_bits));
        }
        const std::size_t n = (len + 7u) / 8u;
        if (static_cast<std::size_t>(end - p) < n) {
            return make_error(3, subcode_on_error, ErrorAction::session_reset,
                              std::string(fam) + " NLRI: prefix /" + std::to_string(len) +
                                  " needs " + std::to_string(n) + " octets, " +
                                  std::to_string(end - p) + " left");
        }
        // Copy a whole address when the input holds that many octets (one fixed-size move;
        // the octets past the prefix are cleared by the Prefix constructor, which masks
        // every bit beyond `len`), else just the prefix's octets.
        if (static_cast<std::size_t>(end - p) >= addr_size) {
            if (addr_size == 4) {
                std::memcpy(addr, p, 4);
            } else {
                std::memcpy(addr, p, 16);
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) addr[i] = p[i];
        }
        p += n;
        out.push_back(Nlri{Prefix(a, len), path_id});
    }
    return std::nullopt;
}

std::size_t encoded_size(const Nlri& n, bool add_path) {
    return (add_path ? 4u : 0u) + 1u + (n.prefix.length() + 7u) / 8u;
}

void encode_prefix(Writer& w, const Nlri& n, bool add_path) {
    if (add_path) w.u32(n.path_id.value_or(0));
    w.u8(n.prefix.length());
    w.bytes(n.prefix.address().data(), (n.prefix.length() + 7u) / 8u);
}

}  // namespace bgp::wire::detail
