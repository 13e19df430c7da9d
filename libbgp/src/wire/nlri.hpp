// Prefix encoding shared by the NLRI and withdrawn-routes fields and by
// MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4271 §4.3, RFC 4760 §5, RFC 7911 §3).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "bgp/wire/error.hpp"
#include "bgp/wire/types.hpp"
#include "wire/reader.hpp"

namespace bgp::wire::detail {

/// Decodes every prefix in `bytes` and appends them to `out`. Host bits
/// beyond the prefix length are cleared. On a length that overruns the input
/// or exceeds 32/128, returns an error (code 3 UPDATE Message Error, subcode
/// `subcode_on_error`, action session_reset; callers adjust the action).
std::optional<DecodeError> decode_prefixes(std::span<const std::uint8_t> bytes, Afi afi,
                                           bool add_path, std::vector<Nlri>& out,
                                           std::uint8_t subcode_on_error);

/// Octets one NLRI entry takes on the wire.
std::size_t encoded_size(const Nlri& n, bool add_path);

/// Writes one NLRI entry. If add_path, a missing path id is written as 0.
void encode_prefix(Writer& w, const Nlri& n, bool add_path);

}  // namespace bgp::wire::detail
