// MRT TABLE_DUMP_V2 writer (RFC 6396 §2, §4.3.1, §4.3.2, §4.3.4; RFC 8050 §4.1).
// See bgp/mrt/writer.hpp for what is written and how records are bounded.
#include "bgp/mrt/writer.hpp"

#include <limits>
#include <stdexcept>
#include <utility>

#include "wire/attributes_codec.hpp"
#include "wire/reader.hpp"

namespace bgp::mrt {

namespace {

using wire::detail::Writer;

constexpr std::size_t max_problems = 100;
constexpr std::size_t u16_max = std::numeric_limits<std::uint16_t>::max();

// RIB subtype for a family, plain (RFC 6396 §4.3) or ADD-PATH (RFC 8050 §4.1).
std::optional<std::uint16_t> rib_subtype(wire::Family f, bool add_path) {
    namespace st = table_dump_v2_subtype;
    const bool v4 = f.afi == wire::Afi::ipv4;
    if (f.afi != wire::Afi::ipv4 && f.afi != wire::Afi::ipv6) return std::nullopt;
    if (f.safi == wire::Safi::unicast) {
        if (add_path) return v4 ? st::rib_ipv4_unicast_addpath : st::rib_ipv6_unicast_addpath;
        return v4 ? st::rib_ipv4_unicast : st::rib_ipv6_unicast;
    }
    if (f.safi == wire::Safi::multicast) {
        if (add_path) return v4 ? st::rib_ipv4_multicast_addpath : st::rib_ipv6_multicast_addpath;
        return v4 ? st::rib_ipv4_multicast : st::rib_ipv6_multicast;
    }
    return std::nullopt;
}

// Prefix Length, then the significant octets (RFC 6396 §4.3.2, as RFC 4271 §4.3).
void write_prefix(const wire::Prefix& p, Writer& w) {
    w.u8(p.length());
    w.bytes(p.address().data(), (std::size_t{p.length()} + 7) / 8);
}

// RIB entry header: Peer Index (2), Originated Time (4), [Path Identifier (4)],
// Attribute Length (2).
std::size_t entry_size(std::size_t attributes, bool add_path) {
    return 2 + 4 + (add_path ? 4 : 0) + 2 + attributes;
}

}  // namespace

wire::PathAttributes rib_entry_attributes(wire::Family family, wire::PathAttributes a) {
    using wire::AttrType;
    a.erase(static_cast<std::uint8_t>(AttrType::mp_unreach_nlri));
    if (a.mp_reach) {
        a.mp_reach->nlri.clear();
        a.mp_reach->raw_nlri.clear();
    }
    // §4.3.4: the next hop of a non-IPv4 prefix (or an IPv6 next hop of an
    // IPv4 prefix, RFC 8950) travels in MP_REACH_NLRI, holding only it.
    if (a.next_hop && (a.next_hop->is_v6() || family.afi != wire::Afi::ipv4)) {
        const wire::IpAddress nh = *a.next_hop;
        if (!a.mp_reach) {
            wire::MpReach mp;
            // The abbreviated form implies IPv6 unicast from a 16-octet next hop.
            mp.family = nh.is_v6() && family.afi == wire::Afi::ipv6 ? wire::ipv6_unicast : family;
            mp.next_hops.push_back(nh);
            a.erase(static_cast<std::uint8_t>(AttrType::next_hop));
            a.mp_reach = std::move(mp);
        } else if (nh.is_v6()) {
            a.erase(static_cast<std::uint8_t>(AttrType::next_hop));  // already in MP_REACH
        }
    }
    return a;
}

TableDumpWriter::TableDumpWriter(WriterOptions options, std::span<const Peer> peers)
    : options_(std::move(options)), peer_count_(peers.size()) {
    if (peers.size() > u16_max) {
        throw std::invalid_argument("MRT PEER_INDEX_TABLE: " + std::to_string(peers.size()) +
                                    " peers, at most 65535 (RFC 6396 §4.3.1)");
    }
    if (options_.view_name.size() > u16_max) {
        throw std::invalid_argument("MRT PEER_INDEX_TABLE: view name longer than 65535 octets");
    }
    // RFC 6396 §4.3.1: Collector BGP ID (4), View Name Length (2), View Name,
    // Peer Count (2), then per peer: Peer Type (1), Peer BGP ID (4), Peer IP
    // Address (4/16), Peer AS (2/4).
    std::vector<std::uint8_t> body;
    Writer w(body);
    w.u32(options_.collector_id);
    w.u16(static_cast<std::uint16_t>(options_.view_name.size()));
    w.bytes(reinterpret_cast<const std::uint8_t*>(options_.view_name.data()),
            options_.view_name.size());
    w.u16(static_cast<std::uint16_t>(peers.size()));
    for (const auto& p : peers) {
        const bool as4 = p.asn > u16_max;
        w.u8(static_cast<std::uint8_t>((p.address.is_v6() ? 0x01 : 0) | (as4 ? 0x02 : 0)));
        w.u32(p.bgp_id);
        w.bytes(p.address.data(), p.address.size());
        if (as4) {
            w.u32(p.asn);
        } else {
            w.u16(static_cast<std::uint16_t>(p.asn));
        }
    }
    write_record(table_dump_v2_subtype::peer_index_table, body);
}

void TableDumpWriter::skip(std::string why) {
    ++stats_.skipped;
    if (stats_.problems.size() < max_problems) stats_.problems.push_back(std::move(why));
}

std::size_t TableDumpWriter::add(wire::Family family, const wire::Prefix& prefix,
                                 std::span<const WriteEntry> entries) {
    if (!rib_subtype(family, false) || prefix.afi() != family.afi) {
        for (std::size_t i = 0; i < entries.size(); ++i)
            skip(prefix.to_string() + ": family " + family.name() + " not written");
        return 0;
    }
    wire::CodecOptions opts;
    opts.four_octet_as = true;  // §4.3.4: AS_PATH with 4-octet AS numbers
    opts.extended_message = true;
    opts.mrt_rib_entry = true;  // MP_REACH_NLRI with the next hop only
    std::vector<Encoded> plain;
    std::vector<Encoded> add_path;
    for (const auto& e : entries) {
        if (e.peer_index >= peer_count_) {
            skip(prefix.to_string() + ": peer index " + std::to_string(e.peer_index) +
                 " not in the peer table of " + std::to_string(peer_count_));
            continue;
        }
        Encoded enc{e.peer_index, e.originated_time, e.path_id, {}};
        Writer w(enc.attributes);
        const auto attrs = rib_entry_attributes(family, e.attributes);
        if (auto err = wire::detail::encode_attributes(attrs, opts, w)) {
            skip(prefix.to_string() + ": " + err->reason);
            continue;
        }
        if (enc.attributes.size() > u16_max) {
            skip(prefix.to_string() + ": attributes of " + std::to_string(enc.attributes.size()) +
                 " octets, at most 65535 fit in a RIB entry");
            continue;
        }
        (e.path_id ? add_path : plain).push_back(std::move(enc));
    }
    if (!plain.empty()) write_records(family, prefix, false, plain);
    if (!add_path.empty()) write_records(family, prefix, true, add_path);
    const std::size_t written = plain.size() + add_path.size();
    if (written > 0) ++stats_.prefixes;
    stats_.entries += written;
    return written;
}

// RFC 6396 §4.3.2: Sequence Number (4), Prefix Length (1), Prefix, Entry
// Count (2), RIB Entries. Entries are packed while the body stays within
// max_record_size and the count within 65535; the rest go on in further
// records for the same prefix.
void TableDumpWriter::write_records(wire::Family family, const wire::Prefix& prefix, bool add_path,
                                    const std::vector<Encoded>& entries) {
    const std::uint16_t subtype = *rib_subtype(family, add_path);
    const std::size_t head = 4 + 1 + (std::size_t{prefix.length()} + 7) / 8 + 2;
    std::size_t next = 0;
    bool first = true;
    while (next < entries.size()) {
        std::size_t end = next;
        std::size_t size = head;
        while (end < entries.size() && end - next < u16_max) {
            const std::size_t add = entry_size(entries[end].attributes.size(), add_path);
            if (end > next && size + add > options_.max_record_size) break;
            size += add;
            ++end;
        }
        std::vector<std::uint8_t> body;
        body.reserve(size);
        Writer w(body);
        w.u32(sequence_++);
        write_prefix(prefix, w);
        w.u16(static_cast<std::uint16_t>(end - next));
        for (std::size_t i = next; i < end; ++i) {
            const auto& e = entries[i];
            w.u16(e.peer_index);
            w.u32(e.originated_time);
            if (add_path) w.u32(e.path_id.value_or(0));
            w.u16(static_cast<std::uint16_t>(e.attributes.size()));
            w.bytes(e.attributes);
        }
        write_record(subtype, body);
        if (!first) ++stats_.split;
        first = false;
        next = end;
    }
}

// RFC 6396 §2: Timestamp (4), Type (2), Subtype (2), Length (4), Message.
void TableDumpWriter::write_record(std::uint16_t subtype, std::span<const std::uint8_t> body) {
    Writer w(out_);
    w.u32(options_.timestamp);
    w.u16(type::table_dump_v2);
    w.u16(subtype);
    w.u32(static_cast<std::uint32_t>(body.size()));
    w.bytes(body);
    ++stats_.records;
}

std::vector<std::uint8_t> TableDumpWriter::take() {
    std::vector<std::uint8_t> out;
    out.swap(out_);
    return out;
}

Expected<std::vector<std::uint8_t>, std::string> write_table_dump_v2(const TableDump& table,
                                                                     WriterStats* stats) {
    if (table.peers.size() > u16_max || table.options.view_name.size() > u16_max) {
        return unexpected(std::string(table.peers.size() > u16_max
                                          ? "more than 65535 peers (RFC 6396 §4.3.1)"
                                          : "view name longer than 65535 octets"));
    }
    TableDumpWriter w(table.options, table.peers);
    for (const auto& p : table.prefixes) w.add(p.family, p.prefix, p.entries);
    if (stats) *stats = w.stats();
    return w.take();
}

}  // namespace bgp::mrt
