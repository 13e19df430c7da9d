// bgp-decode: BGP messages, path attributes and decode errors rendered as JSON
// (Boost.JSON values), and the JSON Lines writer.
//
// The field names are a contract with scripts (issue 2); README.md lists them.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/error.hpp"
#include "bgp/wire/message.hpp"
#include "bgp/wire/types.hpp"

namespace bgp_decode {

namespace json = boost::json;

/// Lower-case hex of the octets, no separators.
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);

/// {"code", "subcode", "action", "reason", "code_name", "subcode_name"[, "attribute"][, "data"]}
[[nodiscard]] json::object error_json(const bgp::wire::DecodeError& e);

/// Path attributes keyed by lower-case name, in wire order (see README.md).
/// MP_REACH/MP_UNREACH appear as {"family", "next_hops"} / {"family"}; their
/// prefixes belong to the caller's `announced` / `withdrawn` lists.
[[nodiscard]] json::object attributes_json(const bgp::wire::PathAttributes& a);

/// {"prefix", "family"[, "path_id"]}.
[[nodiscard]] json::object nlri_json(const bgp::wire::Nlri& n, bgp::wire::Family f);

/// A decoded message: "type", "length" and the per-type fields.
[[nodiscard]] json::object message_json(const bgp::wire::Message& m, std::size_t length);

/// A message that failed to decode: "type" from the header octet when there is
/// one ("UNKNOWN" plus "type_code" for an unknown type), "length" from the
/// header, "error", and "hex" (the raw message, at most 4096 octets shown).
[[nodiscard]] json::object failed_json(std::span<const std::uint8_t> raw,
                                       const bgp::wire::DecodeError& e);
/// The same with an error object already built (e.g. input_error_json).
[[nodiscard]] json::object failed_json(std::span<const std::uint8_t> raw, json::object error);

/// The "error" object of a problem with the input that is no BGP error (a
/// message cut short by the end of the capture or a gap in it, a line that is
/// not hex): code 0, subcode 0, action "none", code_name "Input Error".
[[nodiscard]] json::object input_error_json(std::string reason);

/// A stream-level problem that is not one message (garbage skipped while
/// looking for a marker, a gap in a TCP stream, an unreadable hex line):
/// {"type": "ERROR", "error": {...}}; code 0 gives input_error_json.
[[nodiscard]] json::object stream_error_json(std::uint8_t code, std::uint8_t subcode,
                                             std::string reason);

/// Serialises one object: compact (JSON Lines) or indented, without a newline.
[[nodiscard]] std::string serialize(const json::value& v, bool pretty);

}  // namespace bgp_decode
