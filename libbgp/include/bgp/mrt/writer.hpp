// MRT writer: a routing table as TABLE_DUMP_V2 records (RFC 6396 §4.3, with the
// ADD-PATH subtypes of RFC 8050 §4.1), the format route collectors publish
// (RIPE RIS "bview", RouteViews "rib") and `bgpdump`, BIRD, GoBGP, bgpkit read.
//
// What is written, in order:
//   - one PEER_INDEX_TABLE (§4.3.1): collector BGP ID, view name, the peers
//     (Peer Type bit 0 for an IPv6 address, bit 1 for an AS number that needs
//     4 octets; 2-octet AS otherwise);
//   - per prefix, RIB records (§4.3.2): RIB_IPV4_UNICAST / RIB_IPV6_UNICAST
//     (and the multicast subtypes), each entry with its peer index, originated
//     time and path attributes. Entries that carry a path identifier go into a
//     separate record of the RFC 8050 subtype (RIB_IPV4_UNICAST_ADDPATH, ...),
//     so a reader gets back exactly which entries had one.
//
// Attributes (§4.3.4) are encoded by the wire codec with 4-octet AS numbers in
// AS_PATH and AGGREGATOR (AS4_PATH / AS4_AGGREGATOR, if present, are kept as
// given). The next hop of a non-IPv4 prefix goes into an MP_REACH_NLRI that
// holds only the next hop (the abbreviated form of §4.3.4): give it as
// `attributes.next_hop` or as `attributes.mp_reach` (its NLRI are dropped).
// MP_UNREACH_NLRI is dropped.
//
// Size bound: a RIB record's message field is kept within
// WriterOptions::max_record_size (65535 octets by default, what the 16-bit
// lengths inside a record suggest and what every reader handles). A prefix
// whose entries do not fit is split into several consecutive RIB records for
// the same prefix, each with its own sequence number; readers (bgpdump
// included) print each record's entries, so no route is lost. An entry whose
// attributes alone exceed 65535 octets cannot be written (the Attribute Length
// field is 16 bits): it is skipped and counted in WriterStats. An entry larger
// than max_record_size but within that limit goes alone in its record.
//
// The writer never throws after construction; it appends to an in-memory
// buffer (take() hands it over), so a caller may flush it to a file between
// prefixes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bgp/mrt/reader.hpp"
#include "bgp/wire/attributes.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::mrt {

/// One RIB Entry to write (RFC 6396 §4.3.4).
struct WriteEntry {
    std::uint16_t peer_index = 0;  ///< index into the writer's peer list
    std::uint32_t originated_time = 0;
    /// Set: the entry goes into an RFC 8050 ADD-PATH record with this Path
    /// Identifier (0 included). Unset: a plain RFC 6396 record.
    std::optional<std::uint32_t> path_id;
    wire::PathAttributes attributes;
};

struct WriterOptions {
    /// Timestamp of every record's common header (RFC 6396 §2): the time of the dump.
    std::uint32_t timestamp = 0;
    std::uint32_t collector_id = 0;  ///< Collector BGP ID (host order)
    std::string view_name;           ///< at most 65535 octets
    /// Soft bound on a RIB record's message field (see the file comment).
    std::size_t max_record_size = 65535;
};

struct WriterStats {
    std::uint64_t records = 0;          ///< records written, PEER_INDEX_TABLE included
    std::uint64_t prefixes = 0;         ///< prefixes given to add() with at least one entry written
    std::uint64_t entries = 0;          ///< RIB entries written
    std::uint64_t split = 0;            ///< extra records because entries did not fit in one
    std::uint64_t skipped = 0;          ///< entries not written (see `problems`)
    std::vector<std::string> problems;  ///< why entries were skipped (the first 100)
};

/// Writes one table dump. The constructor writes the PEER_INDEX_TABLE; add()
/// appends each prefix's RIB records.
class TableDumpWriter {
  public:
    /// Throws std::invalid_argument for more than 65535 peers or a view name
    /// longer than 65535 octets.
    TableDumpWriter(WriterOptions options, std::span<const Peer> peers);

    /// Appends the RIB record(s) of `prefix` (family: IPv4 or IPv6, unicast or
    /// multicast; entries in the order given, best first by convention).
    /// Entries naming an unknown peer index, of an unsupported family, or
    /// that cannot be encoded are skipped (WriterStats). Returns the number of
    /// entries written.
    std::size_t add(wire::Family family, const wire::Prefix& prefix,
                    std::span<const WriteEntry> entries);

    /// Header timestamp of the records written from now on (a dump written
    /// over time, or records copied with their original times).
    void set_timestamp(std::uint32_t timestamp) { options_.timestamp = timestamp; }

    [[nodiscard]] const std::vector<std::uint8_t>& bytes() const { return out_; }
    /// Hands over what was written so far and empties the buffer (the next
    /// add() goes on with the same peer table and sequence numbers).
    std::vector<std::uint8_t> take();
    [[nodiscard]] const WriterStats& stats() const { return stats_; }
    [[nodiscard]] std::size_t peer_count() const { return peer_count_; }

  private:
    struct Encoded {
        std::uint16_t peer_index = 0;
        std::uint32_t originated_time = 0;
        std::optional<std::uint32_t> path_id;
        std::vector<std::uint8_t> attributes;
    };
    void skip(std::string why);
    void write_records(wire::Family family, const wire::Prefix& prefix, bool add_path,
                       const std::vector<Encoded>& entries);
    void write_record(std::uint16_t subtype, std::span<const std::uint8_t> body);

    WriterOptions options_;
    std::size_t peer_count_ = 0;
    std::uint32_t sequence_ = 0;
    std::vector<std::uint8_t> out_;
    WriterStats stats_;
};

/// A whole table, for write_table_dump_v2.
struct TableDump {
    struct PrefixEntries {
        wire::Family family = wire::ipv4_unicast;
        wire::Prefix prefix;
        std::vector<WriteEntry> entries;
    };
    WriterOptions options;
    std::vector<Peer> peers;
    std::vector<PrefixEntries> prefixes;  ///< written in this order
};

/// The whole dump as bytes; the error when the peer table is invalid (see
/// TableDumpWriter). Skipped entries are reported through `stats` if given.
[[nodiscard]] Expected<std::vector<std::uint8_t>, std::string> write_table_dump_v2(
    const TableDump& table, WriterStats* stats = nullptr);

/// The attributes as they go into a RIB entry of `family` (RFC 6396 §4.3.4):
/// for a non-IPv4 prefix the next hop moved into an MP_REACH_NLRI holding
/// only it; MP_REACH NLRI and MP_UNREACH_NLRI dropped.
[[nodiscard]] wire::PathAttributes rib_entry_attributes(wire::Family family,
                                                        wire::PathAttributes attributes);

}  // namespace bgp::mrt
