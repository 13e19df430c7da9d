// Tolerant reads of the API's JSON for the CLI's tables: a missing or null field,
// or one of an unexpected type, reads as "absent" instead of throwing, so a
// newer or older server still gives a table (with "-" where a value is missing).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bgp::reflector::cli {

/// `v[key]` if `v` is an object holding `key` (null included), else nullptr.
const boost::json::value* field(const boost::json::value& v, std::string_view key);
/// `v[key]` as an object, or nullptr.
const boost::json::object* object_field(const boost::json::value& v, std::string_view key);
/// `v[key]` as an array, or nullptr.
const boost::json::array* array_field(const boost::json::value& v, std::string_view key);
/// `v[key]` as text; `fallback` when missing, null or not a string.
std::string text_field(const boost::json::value& v, std::string_view key,
                       std::string_view fallback = "");
/// `v[key]` as an integer (int64 or uint64 that fits); nullopt otherwise.
std::optional<std::int64_t> int_field(const boost::json::value& v, std::string_view key);
/// `v[key]` as a bool; `fallback` when missing or not a bool.
bool bool_field(const boost::json::value& v, std::string_view key, bool fallback = false);

/// An integer field as text, or `absent` ("-").
std::string int_text(const boost::json::value& v, std::string_view key,
                     std::string_view absent = "-");
/// A scalar as text: strings as they are, numbers in decimal, true/false, null as "".
std::string scalar_text(const boost::json::value& v);

}  // namespace bgp::reflector::cli

namespace bgp::reflector::cli {

/// `v` as indented JSON (two spaces, keys in the server's order), ending in '\n':
/// what `--json` prints.
std::string pretty_json(const boost::json::value& v);

}  // namespace bgp::reflector::cli
