// MRT reader: route collector dumps (RFC 6396, with the ADD-PATH extension of
// RFC 8050) read into records.
//
// Record types (RFC 6396 §4):
//   5  BGP (deprecated, RFC 6396 Appendix B): subtypes 1 UPDATE, 3 STATE_CHANGE,
//      5 OPEN, 6 NOTIFY, 7 KEEPALIVE - still found in the oldest RIS archives;
//   12 TABLE_DUMP (§4.2): subtypes 1 AFI_IPv4, 2 AFI_IPv6, one route a record;
//   13 TABLE_DUMP_V2 (§4.3): 1 PEER_INDEX_TABLE, 2..5 RIB_IPV4/IPV6_UNICAST/
//      MULTICAST, 6 RIB_GENERIC (reported, kept unsupported), and the RFC 8050
//      §4.1 ADD-PATH subtypes 8..12;
//   16 BGP4MP and 17 BGP4MP_ET (§4.4, §4.5): 0 STATE_CHANGE, 1 MESSAGE,
//      2 ENTRY (reported, unsupported), 3 SNAPSHOT (unsupported),
//      4 MESSAGE_AS4, 5 STATE_CHANGE_AS4, 6 MESSAGE_LOCAL, 7 MESSAGE_AS4_LOCAL,
//      and RFC 8050 §4.2: 8 MESSAGE_ADDPATH, 9 MESSAGE_AS4_ADDPATH,
//      10 MESSAGE_LOCAL_ADDPATH, 11 MESSAGE_AS4_LOCAL_ADDPATH.
// Other types are reported as Unsupported and skipped.
//
// The reader never throws and never reads past its input. Damaged framing (a
// record length that does not match what follows, garbage between records, a
// truncated tail) is reported in Record::error and in Reader::stats(), and the
// reader resynchronises on the next plausible record header and goes on.
// Octets that frame as no record come back as a record of type 0 with an
// Unsupported body and an error, so the records returned tile the input.
// Known historical damage is read too: TABLE_DUMP records batching several
// entries with lengths 4 octets short (RIPE rrc00, January 2000), and BGP4MP
// records without interface index, address family and addresses (Zebra,
// RIPE rrc01, November 2000) - both reported in Record::error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/error.hpp"
#include "bgp/wire/message.hpp"
#include "bgp/wire/result.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::mrt {

/// MRT record types (RFC 6396 §4, IANA "MRT Types").
namespace type {
inline constexpr std::uint16_t bgp = 5;  // deprecated (RFC 6396 Appendix B)
inline constexpr std::uint16_t table_dump = 12;
inline constexpr std::uint16_t table_dump_v2 = 13;
inline constexpr std::uint16_t bgp4mp = 16;
inline constexpr std::uint16_t bgp4mp_et = 17;
}  // namespace type

/// Subtypes of the deprecated BGP type 5 (RFC 6396 Appendix B).
namespace bgp_subtype {
inline constexpr std::uint16_t null = 0;
inline constexpr std::uint16_t update = 1;
inline constexpr std::uint16_t pref_update = 2;
inline constexpr std::uint16_t state_change = 3;
inline constexpr std::uint16_t sync = 4;
inline constexpr std::uint16_t open = 5;
inline constexpr std::uint16_t notify = 6;
inline constexpr std::uint16_t keepalive = 7;
}  // namespace bgp_subtype

/// TABLE_DUMP subtypes (RFC 6396 §4.2).
namespace table_dump_subtype {
inline constexpr std::uint16_t afi_ipv4 = 1;
inline constexpr std::uint16_t afi_ipv6 = 2;
}  // namespace table_dump_subtype

/// TABLE_DUMP_V2 subtypes (RFC 6396 §4.3, RFC 8050 §4.1).
namespace table_dump_v2_subtype {
inline constexpr std::uint16_t peer_index_table = 1;
inline constexpr std::uint16_t rib_ipv4_unicast = 2;
inline constexpr std::uint16_t rib_ipv4_multicast = 3;
inline constexpr std::uint16_t rib_ipv6_unicast = 4;
inline constexpr std::uint16_t rib_ipv6_multicast = 5;
inline constexpr std::uint16_t rib_generic = 6;
inline constexpr std::uint16_t rib_ipv4_unicast_addpath = 8;
inline constexpr std::uint16_t rib_ipv4_multicast_addpath = 9;
inline constexpr std::uint16_t rib_ipv6_unicast_addpath = 10;
inline constexpr std::uint16_t rib_ipv6_multicast_addpath = 11;
inline constexpr std::uint16_t rib_generic_addpath = 12;
}  // namespace table_dump_v2_subtype

/// BGP4MP / BGP4MP_ET subtypes (RFC 6396 §4.4, RFC 8050 §4.2).
namespace bgp4mp_subtype {
inline constexpr std::uint16_t state_change = 0;
inline constexpr std::uint16_t message = 1;
inline constexpr std::uint16_t entry = 2;
inline constexpr std::uint16_t snapshot = 3;
inline constexpr std::uint16_t message_as4 = 4;
inline constexpr std::uint16_t state_change_as4 = 5;
inline constexpr std::uint16_t message_local = 6;
inline constexpr std::uint16_t message_as4_local = 7;
inline constexpr std::uint16_t message_addpath = 8;
inline constexpr std::uint16_t message_as4_addpath = 9;
inline constexpr std::uint16_t message_local_addpath = 10;
inline constexpr std::uint16_t message_as4_local_addpath = 11;
}  // namespace bgp4mp_subtype

/// "BGP4MP", "TABLE_DUMP_V2", ... or "type N".
[[nodiscard]] std::string type_name(std::uint16_t type);
/// "MESSAGE_AS4", "RIB_IPV4_UNICAST_ADDPATH", ... or "subtype N".
[[nodiscard]] std::string subtype_name(std::uint16_t type, std::uint16_t subtype);

/// A peer as a collector knows it (PEER_INDEX_TABLE entry, RFC 6396 §4.3.1;
/// or the peer fields of a TABLE_DUMP record, §4.2).
struct Peer {
    wire::IpAddress address;
    std::uint32_t asn = 0;
    std::uint32_t bgp_id = 0;  ///< host order (0 where the record has none)
    friend bool operator==(const Peer&, const Peer&) = default;
};

/// TABLE_DUMP_V2 PEER_INDEX_TABLE (RFC 6396 §4.3.1).
struct PeerIndexTable {
    std::uint32_t collector_id = 0;  ///< host order
    std::string view_name;
    std::vector<Peer> peers;
};

/// One route of a table dump: a TABLE_DUMP record (RFC 6396 §4.2), or one RIB
/// Entry of a TABLE_DUMP_V2 RIB record (§4.3.2, RFC 8050 §4.1).
struct RibEntry {
    wire::Family family;
    wire::Prefix prefix;
    std::optional<std::uint32_t> path_id;  ///< RFC 8050 ADD-PATH subtypes only
    std::uint32_t sequence = 0;            ///< TABLE_DUMP: view/sequence; V2: sequence number
    std::uint16_t peer_index = 0;          ///< TABLE_DUMP_V2: index into the PEER_INDEX_TABLE
    Peer peer;  ///< resolved through the last PEER_INDEX_TABLE (V2), or from the record (v1)
    std::uint32_t originated_time = 0;
    std::uint8_t status = 0;  ///< TABLE_DUMP only (RFC 6396 §4.2: normally 1)
    wire::PathAttributes attributes;
    /// RFC 7606 problems and MRT-level problems in this entry; attributes may be partial.
    std::vector<wire::DecodeError> errors;
};

/// TABLE_DUMP record or TABLE_DUMP_V2 RIB_* record.
struct RibRecord {
    std::vector<RibEntry> entries;
};

/// A BGP message as seen by the collector (BGP4MP(_ET) MESSAGE*, RFC 6396
/// §4.4.2-4.4.6 and RFC 8050 §4.2; deprecated BGP type 5, RFC 6396 Appendix B).
struct BgpMessage {
    wire::IpAddress peer_address;
    wire::IpAddress local_address;
    std::uint32_t peer_as = 0;
    std::uint32_t local_as = 0;
    std::uint16_t interface_index = 0;
    bool as4 = false;       ///< from the subtype: AS numbers in AS_PATH are 4 octets
    bool add_path = false;  ///< from the subtype: NLRI carry path ids (RFC 8050)
    bool local = false;     ///< from the subtype: sent by the collector, not received
    /// The whole BGP message, marker included. For deprecated type 5 records,
    /// which hold no BGP header, the 19-octet header is synthesized.
    std::vector<std::uint8_t> message;

    /// Options to decode `message` with wire::decode_message: four_octet_as =
    /// as4; ADD-PATH on for every prefix family if add_path; extended_message
    /// on (MRT records are not bound by the 4096-octet limit).
    [[nodiscard]] wire::CodecOptions codec_options() const;
};

/// BGP4MP STATE_CHANGE(_AS4) (RFC 6396 §4.4.1, §4.4.4) or deprecated BGP
/// STATE_CHANGE (RFC 6396 Appendix B, peer fields only).
struct StateChange {
    wire::IpAddress peer_address;
    wire::IpAddress local_address;
    std::uint32_t peer_as = 0;
    std::uint32_t local_as = 0;
    std::uint16_t interface_index = 0;
    std::uint16_t old_state = 0;
    std::uint16_t new_state = 0;
};

/// A record this reader does not decode (unknown type or subtype, RIB_GENERIC,
/// BGP4MP_ENTRY, ...; `what` says which), or octets that frame as no record
/// (type 0, with Record::error set). `raw` is the record's message field.
struct Unsupported {
    std::string what;
    std::vector<std::uint8_t> raw;
};

using Body = std::variant<PeerIndexTable, RibRecord, BgpMessage, StateChange, Unsupported>;

struct Record {
    std::uint64_t offset = 0;  ///< of the record's header in the input
    std::uint32_t timestamp = 0;
    std::uint32_t microseconds = 0;  ///< BGP4MP_ET only (RFC 6396 §3)
    std::uint16_t type = 0;
    std::uint16_t subtype = 0;
    std::uint32_t length = 0;  ///< the length field as written
    Body body;
    /// Set when the record is damaged (framing or body); body holds what could be read.
    std::optional<std::string> error;
};

/// Framing problems seen so far.
struct ReaderStats {
    std::uint64_t records = 0;         ///< records returned
    std::uint64_t damaged = 0;         ///< records returned with an error
    std::uint64_t resyncs = 0;         ///< record boundaries found by searching, not by length
    std::uint64_t skipped_octets = 0;  ///< octets returned as type 0 (no record) records
    bool truncated_tail = false;       ///< the input ended inside a record
};

class Reader {
  public:
    /// `data` must outlive the reader.
    explicit Reader(std::span<const std::uint8_t> data);

    /// The next record; nullopt at the end of the input. Never throws.
    std::optional<Record> next();

    [[nodiscard]] const ReaderStats& stats() const { return stats_; }
    /// Offset of the next octet to read.
    [[nodiscard]] std::uint64_t offset() const { return pos_; }

  private:
    [[nodiscard]] bool plausible_start(std::size_t at) const;
    [[nodiscard]] bool plausible_next(std::size_t at, std::uint32_t ref_time) const;
    [[nodiscard]] std::optional<std::size_t> scan(std::size_t from, std::size_t limit,
                                                  std::optional<std::uint32_t> ref_time) const;
    Record garbage(std::size_t from, std::size_t to, std::string why);
    void decode_body(Record& rec, std::span<const std::uint8_t> body,
                     std::vector<std::string>& notes);

    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
    bool trusted_ = false;                      // pos_ was checked as the start of a record
    std::optional<std::size_t> garbage_until_;  // octets [pos_, this) belong to no record
    ReaderStats stats_;
    std::optional<std::uint32_t> last_timestamp_;
    PeerIndexTable peer_index_;  // last PEER_INDEX_TABLE, to resolve RIB entries
    bool have_peer_index_ = false;
};

/// Reads a whole file, decompressing gzip (zlib) or bzip2 (libbz2) by magic
/// number, else returns the bytes as they are. The error says what failed.
[[nodiscard]] Expected<std::vector<std::uint8_t>, std::string> read_file(const std::string& path);

/// Decompresses an in-memory gzip or bzip2 stream (by magic number); other
/// input is returned unchanged.
[[nodiscard]] Expected<std::vector<std::uint8_t>, std::string> decompress(
    std::span<const std::uint8_t> data);

/// BGP FSM state names as MRT writes them (RFC 6396 §4.4.1): 1 Idle, 2 Connect,
/// 3 Active, 4 OpenSent, 5 OpenConfirm, 6 Established; Quagga also writes
/// 7 Clearing and 8 Deleted. Others: "state N".
[[nodiscard]] std::string state_name(std::uint16_t state);

}  // namespace bgp::mrt
