// Path attribute block codec (internal). The UPDATE codec calls these.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/error.hpp"
#include "bgp/wire/message.hpp"
#include "wire/reader.hpp"

namespace bgp::wire::detail {

/// Decodes the Path Attributes field of an UPDATE into `out`, applying
/// RFC 7606:
/// - problems that allow the session to continue are appended to `errors`
///   with action attribute_discard or treat_as_withdraw (the attribute is
///   then absent from `out`; for treat-as-withdraw the caller sets
///   Update::treat_as_withdraw);
/// - a fatal problem (session_reset, afi_safi_disable) is returned.
/// `has_nlri_field` tells whether the UPDATE's classic NLRI field is non-empty
/// (RFC 7606 §3 d: missing ORIGIN/AS_PATH/NEXT_HOP only matters then, and
/// only with NLRI present in any form).
std::optional<DecodeError> decode_attributes(std::span<const std::uint8_t> bytes,
                                             const CodecOptions& opts, bool has_nlri_field,
                                             PathAttributes& out, std::vector<DecodeError>& errors);

/// Appends the encoded Path Attributes field (without its 2-octet length).
/// Follows `attrs.layout` for order and flags where present.
/// Returns an error text when a value cannot be encoded.
std::optional<EncodeError> encode_attributes(const PathAttributes& attrs, const CodecOptions& opts,
                                             Writer& w);

}  // namespace bgp::wire::detail
