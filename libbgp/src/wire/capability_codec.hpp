// Capability codec (internal): the OPEN codec calls these for the value of
// each Capabilities Optional Parameter (RFC 5492 §4).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "bgp/wire/capability.hpp"
#include "bgp/wire/error.hpp"
#include "bgp/wire/message.hpp"
#include "wire/reader.hpp"

namespace bgp::wire::detail {

/// Decodes one capability value of the given code. A known capability whose
/// length is invalid for its code gives OPEN Message Error / Unspecific (2/0),
/// session reset (RFC 4271 §6.2; see capability.cpp). Unknown codes always
/// succeed, as CapUnknown.
[[nodiscard]] Result<Capability> decode_capability(std::uint8_t code,
                                                   std::span<const std::uint8_t> value);

/// Decodes every <code, length, value> triple of one Capabilities Optional
/// Parameter value and appends them to `out`. A triple that overruns the
/// parameter, or a malformed known capability, gives 2/0.
[[nodiscard]] std::optional<DecodeError> decode_capabilities(std::span<const std::uint8_t> bytes,
                                                             std::vector<Capability>& out);

/// Writes code, length and value. Fails, writing nothing, when the value does
/// not fit the 1-octet capability length or a field is out of range (e.g. a
/// graceful restart time above 4095 s).
[[nodiscard]] std::optional<EncodeError> encode_capability(const Capability& c, Writer& w);

}  // namespace bgp::wire::detail
