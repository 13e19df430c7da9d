// 4-octet AS number support for sessions with 2-octet speakers (RFC 6793 §4.2.3):
// merging AS_PATH with AS4_PATH and AGGREGATOR with AS4_AGGREGATOR on receipt.
#pragma once

#include <cstdint>

#include "bgp/wire/attributes.hpp"

namespace bgp::fsm {

inline constexpr std::uint16_t as_trans = 23456;  ///< RFC 6793 §9

/// Number of AS numbers in a path as RFC 6793 §4.2.3 counts them: an AS_SET
/// counts 1, confederation segments count 0.
[[nodiscard]] std::size_t as4_count(const wire::AsPath& path);

/// RFC 6793 §4.2.3: the path to use when a 2-octet speaker sent AS_PATH and
/// AS4_PATH. If AS_PATH holds fewer AS numbers than AS4_PATH, AS4_PATH is
/// ignored; otherwise the leading AS numbers of AS_PATH (as many as it has
/// more) are prepended to AS4_PATH. Confederation segments in AS4_PATH are
/// dropped first (RFC 6793 §6).
[[nodiscard]] wire::AsPath reconcile_as4_path(const wire::AsPath& as_path,
                                              const wire::AsPath& as4_path);

/// Applies RFC 6793 §4.2.3 to the attributes of an UPDATE received from a
/// 2-octet speaker: AGGREGATOR other than AS_TRANS makes AS4_AGGREGATOR and
/// AS4_PATH ignored; otherwise AS4_AGGREGATOR replaces AGGREGATOR and AS_PATH
/// is reconciled with AS4_PATH. AS4_PATH and AS4_AGGREGATOR are removed.
void reconcile_as4(wire::PathAttributes& attrs);

/// RFC 6793 §4.2.2, sending to a 2-octet speaker: when AS_PATH holds an AS
/// number above 65535, AS4_PATH carries the real path (without confederation
/// segments; the encoder writes AS_TRANS in AS_PATH); when the AGGREGATOR's AS
/// is above 65535, AS4_AGGREGATOR carries it. Otherwise neither is sent.
void add_as4_attributes(wire::PathAttributes& attrs);

/// RFC 6793 §4.1: between two 4-octet speakers AS4_PATH and AS4_AGGREGATOR
/// are not used; when received they are discarded. Returns true if one was.
bool discard_as4_attributes(wire::PathAttributes& attrs);

}  // namespace bgp::fsm
