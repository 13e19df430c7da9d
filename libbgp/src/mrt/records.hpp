// Decoders for the message field of each MRT record type (internal). The
// framing layer (reader.cpp) cuts records out of the input and calls these
// with the octets after the 12-octet common header (RFC 6396 §2) and, for
// BGP4MP_ET, after the microsecond timestamp (§3).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bgp/mrt/reader.hpp"

namespace bgp::mrt::detail {

/// Problems found in one record, in words; the reader joins them into
/// Record::error.
using Notes = std::vector<std::string>;

/// TABLE_DUMP (RFC 6396 §4.2). Also reads the non-standard batched form of
/// early RIPE dumps (several entries after one view/sequence pair).
Body decode_table_dump(std::uint16_t subtype, std::span<const std::uint8_t> body, Notes& notes);

/// TABLE_DUMP_V2 PEER_INDEX_TABLE (RFC 6396 §4.3.1).
PeerIndexTable decode_peer_index_table(std::span<const std::uint8_t> body, Notes& notes);

/// TABLE_DUMP_V2 RIB records (RFC 6396 §4.3.2, RFC 8050 §4.1); `peers` is the
/// last PEER_INDEX_TABLE read (nullptr if none), used to resolve peer indexes.
Body decode_table_dump_v2(std::uint16_t subtype, std::span<const std::uint8_t> body,
                          const PeerIndexTable* peers, Notes& notes);

/// BGP4MP / BGP4MP_ET (RFC 6396 §4.4, RFC 8050 §4.2), the microsecond field
/// already removed.
Body decode_bgp4mp(std::uint16_t subtype, std::span<const std::uint8_t> body, Notes& notes);

/// Deprecated BGP type 5 (RFC 6396 Appendix B; layout from draft-ietf-grow-mrt).
Body decode_bgp_deprecated(std::uint16_t subtype, std::span<const std::uint8_t> body, Notes& notes);

/// "BGP4MP MESSAGE_AS4", "TABLE_DUMP_V2 RIB_GENERIC", "BGP4MP subtype 99".
std::string kind_name(std::uint16_t type, std::uint16_t subtype);

/// Decodes a route's path attributes into `entry.attributes`, recording RFC
/// 7606 problems (and a fatal one, if any) in `entry.errors`.
void decode_rib_attributes(std::span<const std::uint8_t> bytes, bool four_octet_as,
                           RibEntry& entry);

}  // namespace bgp::mrt::detail
