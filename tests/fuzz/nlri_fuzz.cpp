// libFuzzer target: the prefix codec shared by the NLRI and Withdrawn Routes fields and by
// MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4271 §4.3, RFC 4760 §5, RFC 7911 §3).
//
// Input: a flag octet (bit 0: IPv6, else IPv4; bit 1: ADD-PATH path identifiers) and then
// the NLRI octets.
//
// Properties checked besides "no crash, no sanitizer report":
// - every decoded prefix has the family asked for, a length within 32/128 and no host bit
//   set beyond its length, and a path id exactly when ADD-PATH is on;
// - re-encoding the decoded prefixes takes as many octets as the input (only host bits
//   may differ), encoded_size() agrees with what encode_prefix() writes, and decoding the
//   re-encoded octets gives the same prefixes again.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_options.hpp"
#include "wire/nlri.hpp"
#include "wire/reader.hpp"

using namespace bgp::wire;

namespace {

bool host_bits_clear(const Prefix& p) {
    const std::uint8_t* a = p.address().data();
    const std::size_t octets = p.address().size();
    for (std::size_t i = 0; i < octets; ++i) {
        const std::size_t bit = i * 8;
        std::uint8_t mask = 0;  // bits of octet i that lie beyond the prefix length
        if (bit >= p.length()) {
            mask = 0xFF;
        } else if (bit + 8 > p.length()) {
            mask = static_cast<std::uint8_t>(0xFF >> (p.length() - bit));
        }
        if ((a[i] & mask) != 0) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const Afi afi = (data[0] & 0x01) != 0 ? Afi::ipv6 : Afi::ipv4;
    const bool add_path = (data[0] & 0x02) != 0;
    const std::span<const std::uint8_t> in(data + 1, size - 1);

    std::vector<Nlri> out;
    if (auto e = detail::decode_prefixes(in, afi, add_path, out, 10)) {
        bgp::fuzz::check(e->code == 3 && e->subcode == 10, "the error uses the subcode given");
        return 0;
    }
    std::vector<std::uint8_t> bytes;
    detail::Writer w(bytes);
    for (const Nlri& n : out) {
        bgp::fuzz::check(n.prefix.afi() == afi, "prefix family as asked");
        bgp::fuzz::check(n.prefix.length() <= (afi == Afi::ipv4 ? 32 : 128), "length in range");
        bgp::fuzz::check(host_bits_clear(n.prefix), "host bits are masked");
        bgp::fuzz::check(n.path_id.has_value() == add_path, "path id exactly with ADD-PATH");
        const std::size_t before = bytes.size();
        detail::encode_prefix(w, n, add_path);
        bgp::fuzz::check(bytes.size() - before == detail::encoded_size(n, add_path),
                         "encoded_size matches encode_prefix");
    }
    bgp::fuzz::check(bytes.size() == in.size(), "re-encoding takes as many octets as the input");
    std::vector<Nlri> again;
    bgp::fuzz::check(!detail::decode_prefixes(bytes, afi, add_path, again, 10),
                     "re-encoded prefixes decode");
    bgp::fuzz::check(again == out, "decode(encode(prefixes)) == prefixes");
    return 0;
}
