// bgp-decode: settings shared by the inputs, and the JSON Lines output.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "decode_policy.hpp"
#include "json_format.hpp"

namespace bgp_decode {

struct Settings {
    Defaults defaults;
    bool pretty = false;
    bool stats = false;                ///< --stats: a summary on stderr at the end
    std::vector<std::uint16_t> ports;  ///< --pcap: TCP ports carrying BGP (179 + --port)
};

/// Exit statuses (README.md, --help).
inline constexpr int exit_ok = 0;             ///< the input was read to its end
inline constexpr int exit_input_damaged = 1;  ///< reading stopped early (corrupt container)
inline constexpr int exit_usage = 2;          ///< bad arguments, unreadable file

/// Writes one object as a line on stdout.
void emit(const json::object& o, const Settings& s);

/// The JSON of a decode: the message (plus "add_path" / "two_octet_as" when
/// those were not negotiated as usual) or, on failure, failed_json.
[[nodiscard]] json::object decoded_json(const Decoded& d, std::span<const std::uint8_t> raw);

/// `msg` with `context` inserted after its "type" member (context first otherwise).
[[nodiscard]] json::object with_context(json::object msg, const json::object& context);

}  // namespace bgp_decode
