// libFuzzer target: the UPDATE decoder and its path attributes (RFC 4271 §4.3, §6.3;
// RFC 4760; RFC 7606 error handling; RFC 7911 ADD-PATH).
//
// Input: an option octet (fuzz_options.hpp) and then an UPDATE body (the octets after the
// 19-octet header).
//
// Properties checked besides "no crash, no sanitizer report":
// - a fatal error carries the session_reset or afi_safi_disable action, the non-fatal ones
//   kept in Update::errors carry attribute_discard or treat_as_withdraw (plus, in salvage
//   mode, the session-reset error of a malformed withdrawn-routes or NLRI field), and
//   treat_as_withdraw is set exactly when one of them asks for it (RFC 7606 §2);
// - an UPDATE that decoded with no error at all re-encodes (when its body fit in a
//   message), the re-encoded message decodes to an equal Update, and encoding that gives
//   the very same octets again. encode(decode(x)) == x itself is not asserted: host bits
//   are masked (RFC 7606 §5.1 / issue "nlri_mask_trailing_bits") and other documented
//   normalisations apply, so the fixed point is reached after one encode.
// An UPDATE with non-fatal errors is only re-encoded (no crash): what was discarded is no
// longer in it, so no equality can be stated.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "bgp/wire/message.hpp"
#include "fuzz_options.hpp"

using namespace bgp::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const CodecOptions opts = bgp::fuzz::options_from_byte(data[0]);
    const std::span<const std::uint8_t> body(data + 1, size - 1);

    auto u = decode_update(body, opts);
    if (!u) {
        const ErrorAction a = u.error().action;
        bgp::fuzz::check(a == ErrorAction::session_reset || a == ErrorAction::afi_safi_disable,
                         "a fatal UPDATE error resets the session or disables the family");
        bgp::fuzz::check(u.error().code == 3, "a fatal UPDATE error is an UPDATE Message Error");
        return 0;
    }
    bool withdraw = false;
    for (const auto& e : u->errors) {
        // Salvage mode (analysis tools) also keeps the session-reset error of a malformed
        // withdrawn-routes or NLRI field there.
        bgp::fuzz::check(e.action == ErrorAction::attribute_discard ||
                             e.action == ErrorAction::treat_as_withdraw ||
                             (opts.salvage && e.action == ErrorAction::session_reset &&
                              (e.subcode == update_subcode::malformed_attribute_list ||
                               e.subcode == update_subcode::invalid_network_field)),
                         "Update::errors holds only non-fatal errors (or salvaged ones)");
        withdraw = withdraw || e.action == ErrorAction::treat_as_withdraw;
    }
    bgp::fuzz::check(withdraw == u->treat_as_withdraw,
                     "treat_as_withdraw is set exactly when an error asks for it");

    const Message msg{*u};
    auto bytes = encode(msg, opts);
    if (!u->errors.empty()) return 0;
    if (!bytes) {
        bgp::fuzz::check(body.size() + header_size > opts.max_size(),
                         "an UPDATE that decoded without error from a message-sized body "
                         "re-encodes");
        return 0;
    }
    auto again = decode_message(*bytes, opts);
    bgp::fuzz::check(again.has_value(), "a re-encoded UPDATE decodes");
    bgp::fuzz::check(std::holds_alternative<Update>(*again), "a re-encoded UPDATE is an UPDATE");
    bgp::fuzz::check(std::get<Update>(*again) == *u, "decode(encode(update)) == update");
    auto bytes2 = encode(*again, opts);
    bgp::fuzz::check(bytes2.has_value() && *bytes2 == *bytes,
                     "encode(decode(encode(update))) == encode(update)");
    return 0;
}
