// libFuzzer target: the OPEN decoder (RFC 4271 §4.2, RFC 5492 capabilities, RFC 9072
// extended optional parameters length).
//
// Input: an OPEN body (the octets after the 19-octet header).
// Round-trip property: an OPEN that decodes and fits in a message re-encodes, and the
// re-encoded message decodes to an equal Open and re-encodes to the very same octets.
// encode(decode(x)) == x itself is not asserted: open.cpp documents normalisations (the
// RFC 9072 Non-Ext OP Len octet, parameter interleaving, a reserved octet), so the fixed
// point is reached after one encode.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "bgp/wire/message.hpp"
#include "fuzz_options.hpp"

using namespace bgp::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> body(data, size);
    auto open = decode_open(body);
    if (!open) {
        bgp::fuzz::check(open.error().code == 2 || open.error().code == 1,
                         "an OPEN decode error is an OPEN Message Error or a header error");
        return 0;
    }
    const CodecOptions opts;
    const Message msg{*open};
    auto bytes = encode(msg, opts);
    if (!bytes) {
        bgp::fuzz::check(size + header_size > max_message_size,
                         "an OPEN that decoded from a message-sized body re-encodes");
        return 0;
    }
    auto again = decode_message(*bytes, opts);
    bgp::fuzz::check(again.has_value(), "a re-encoded OPEN decodes");
    bgp::fuzz::check(std::holds_alternative<Open>(*again), "a re-encoded OPEN is an OPEN");
    bgp::fuzz::check(std::get<Open>(*again) == *open, "decode(encode(open)) == open");
    auto bytes2 = encode(*again, opts);
    bgp::fuzz::check(bytes2.has_value() && *bytes2 == *bytes,
                     "encode(decode(encode(open))) == encode(open)");
    return 0;
}
