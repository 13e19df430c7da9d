// libFuzzer target: message framing and the top-level decoder (RFC 4271 §4.1, §6.1;
// RFC 8654 §4).
//
// Input: an option octet (fuzz_options.hpp) and then a byte stream as a peer would send it.
// The stream is cut into messages with decode_header, as a session does, and each message
// is decoded with decode_message under the selected options and two variations of them
// (4-octet AS toggled, ADD-PATH toggled), so one input exercises both AS_PATH and NLRI
// layouts. A header error ends the stream (the session would be reset).
//
// Properties checked besides "no crash, no sanitizer report":
// - a message that decodes re-encodes without crashing;
// - KEEPALIVE, NOTIFICATION and ROUTE-REFRESH keep every octet raw, so for them
//   encode(decode(x)) == x exactly.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "bgp/wire/message.hpp"
#include "fuzz_options.hpp"

namespace {

using namespace bgp::wire;

void decode_one(std::span<const std::uint8_t> msg, const CodecOptions& opts, bool check_bytes) {
    auto m = decode_message(msg, opts);
    if (!m) {
        bgp::fuzz::check(!m.error().reason.empty(), "a decode error carries a reason");
        return;
    }
    bgp::fuzz::check(static_cast<std::uint8_t>(type_of(*m)) == msg[18],
                     "decoded message type equals the header type");
    std::vector<std::uint8_t> out;
    auto n = encode_message(*m, opts, out);
    if (!check_bytes || std::holds_alternative<Open>(*m) || std::holds_alternative<Update>(*m)) {
        return;
    }
    bgp::fuzz::check(n.has_value(), "KEEPALIVE/NOTIFICATION/ROUTE-REFRESH re-encode");
    bgp::fuzz::check(out.size() == msg.size() && std::equal(out.begin(), out.end(), msg.begin()),
                     "KEEPALIVE/NOTIFICATION/ROUTE-REFRESH re-encode to the same octets");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const CodecOptions opts = bgp::fuzz::options_from_byte(data[0]);
    CodecOptions other_as = opts;
    other_as.four_octet_as = !opts.four_octet_as;
    CodecOptions other_ap = opts;
    for (const Family f : {ipv4_unicast, ipv6_unicast}) {
        if (opts.add_path.contains(f)) {
            other_ap.add_path.erase(f);
        } else {
            other_ap.add_path.insert(f);
        }
    }

    std::span<const std::uint8_t> rest(data + 1, size - 1);
    while (rest.size() >= header_size) {
        auto h = decode_header(rest, opts);
        if (!h) break;  // RFC 4271 §6.1: NOTIFICATION and close; nothing more is read
        bgp::fuzz::check(h->length >= header_size && h->length <= opts.max_size(),
                         "decode_header enforces the length bounds");
        if (h->length > rest.size()) break;  // wait for more octets
        const auto msg = rest.first(h->length);
        decode_one(msg, opts, true);
        decode_one(msg, other_as, false);
        decode_one(msg, other_ap, false);
        rest = rest.subspan(h->length);
    }
    return 0;
}
