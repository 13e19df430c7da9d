// TABLE_DUMP (RFC 6396 §4.2) and TABLE_DUMP_V2 (RFC 6396 §4.3, RFC 8050 §4.1)
// record bodies.
#include <algorithm>
#include <string>
#include <utility>

#include "mrt/records.hpp"
#include "wire/attributes_codec.hpp"
#include "wire/reader.hpp"

namespace bgp::mrt::detail {

namespace {

using wire::detail::Reader;

constexpr std::size_t address_size(wire::Afi afi) { return afi == wire::Afi::ipv4 ? 4 : 16; }
constexpr std::uint8_t max_prefix_length(wire::Afi afi) {
    return afi == wire::Afi::ipv4 ? 32 : 128;
}

wire::IpAddress address_from(std::span<const std::uint8_t> bytes) {
    return bytes.size() == 4 ? wire::IpAddress::v4_bytes(bytes.data())
                             : wire::IpAddress::v6_bytes(bytes.data());
}

wire::DecodeError mrt_error(std::string reason) {
    wire::DecodeError e;
    e.reason = std::move(reason);
    return e;
}

// A prefix in NLRI encoding: length octet, then the significant octets
// (RFC 6396 §4.3.2 "Prefix Length" / "Prefix", as RFC 4271 §4.3).
std::optional<wire::Prefix> read_prefix(Reader& r, wire::Afi afi, Notes& notes) {
    std::uint8_t len = 0;
    if (!r.u8(len)) {
        notes.emplace_back("prefix length missing");
        return std::nullopt;
    }
    if (len > max_prefix_length(afi)) {
        notes.push_back("invalid prefix length " + std::to_string(len));
        return std::nullopt;
    }
    std::span<const std::uint8_t> bytes;
    if (!r.bytes((len + 7u) / 8u, bytes)) {
        notes.emplace_back("prefix truncated");
        return std::nullopt;
    }
    std::uint8_t full[16] = {};
    std::copy(bytes.begin(), bytes.end(), full);
    const auto addr =
        afi == wire::Afi::ipv4 ? wire::IpAddress::v4_bytes(full) : wire::IpAddress::v6_bytes(full);
    return wire::Prefix(addr, len);
}

// The attribute field of an entry: `declared` octets, or what is left.
std::span<const std::uint8_t> take_attributes(Reader& r, std::uint16_t declared, RibEntry& e,
                                              Notes& notes) {
    std::span<const std::uint8_t> attrs;
    if (r.bytes(declared, attrs)) return attrs;
    const std::string why = "attributes truncated: " + std::to_string(declared) +
                            " octets declared, " + std::to_string(r.remaining()) + " present";
    notes.push_back(why);
    e.errors.push_back(mrt_error(why));
    attrs = r.rest();
    (void)r.skip(r.remaining());
    return attrs;
}

// RFC 6396 §4.3.2: RIB_IPV4_UNICAST .. RIB_IPV6_MULTICAST and the RFC 8050
// §4.1 ADD-PATH forms (8..11), which add a Path Identifier to each entry.
struct RibSubtype {
    wire::Family family;
    bool add_path = false;
};

std::optional<RibSubtype> rib_subtype(std::uint16_t subtype) {
    namespace st = table_dump_v2_subtype;
    const wire::Family v4u{wire::Afi::ipv4, wire::Safi::unicast};
    const wire::Family v4m{wire::Afi::ipv4, wire::Safi::multicast};
    const wire::Family v6u{wire::Afi::ipv6, wire::Safi::unicast};
    const wire::Family v6m{wire::Afi::ipv6, wire::Safi::multicast};
    switch (subtype) {
        case st::rib_ipv4_unicast:
            return RibSubtype{v4u, false};
        case st::rib_ipv4_multicast:
            return RibSubtype{v4m, false};
        case st::rib_ipv6_unicast:
            return RibSubtype{v6u, false};
        case st::rib_ipv6_multicast:
            return RibSubtype{v6m, false};
        case st::rib_ipv4_unicast_addpath:
            return RibSubtype{v4u, true};
        case st::rib_ipv4_multicast_addpath:
            return RibSubtype{v4m, true};
        case st::rib_ipv6_unicast_addpath:
            return RibSubtype{v6u, true};
        case st::rib_ipv6_multicast_addpath:
            return RibSubtype{v6m, true};
        default:
            return std::nullopt;
    }
}

}  // namespace

void decode_rib_attributes(std::span<const std::uint8_t> bytes, bool four_octet_as,
                           RibEntry& entry) {
    wire::CodecOptions opts;
    opts.four_octet_as = four_octet_as;
    // RFC 6396 §4.3.4: MP_REACH_NLRI in a RIB entry may hold only the next hop.
    opts.mrt_rib_entry = true;
    opts.extended_message = true;
    // There is no NLRI field (the prefix is in the record); with mrt_rib_entry
    // the codec still takes the entry as a route, so missing ORIGIN, AS_PATH
    // (and NEXT_HOP without MP_REACH_NLRI) are noted (RFC 7606 §3 d).
    auto fatal =
        wire::detail::decode_attributes(bytes, opts, false, entry.attributes, entry.errors);
    if (fatal) entry.errors.push_back(std::move(*fatal));
}

// RFC 6396 §4.2: View Number (2), Sequence Number (2), Prefix (4 or 16),
// Prefix Length (1), Status (1), Originated Time (4), Peer IP Address (4 or
// 16), Peer AS (2), Attribute Length (2), BGP Attributes (2-octet AS numbers).
// Early RIPE dumps (rrc00, January 2000) batch several entries - from Prefix
// on - after one View/Sequence pair; they are read one after the other.
Body decode_table_dump(std::uint16_t subtype, std::span<const std::uint8_t> body, Notes& notes) {
    if (subtype != table_dump_subtype::afi_ipv4 && subtype != table_dump_subtype::afi_ipv6) {
        return Unsupported{kind_name(type::table_dump, subtype), {body.begin(), body.end()}};
    }
    const wire::Afi afi =
        subtype == table_dump_subtype::afi_ipv4 ? wire::Afi::ipv4 : wire::Afi::ipv6;
    const std::size_t alen = address_size(afi);
    Reader r(body);
    RibRecord rec;
    std::uint16_t view = 0;
    std::uint16_t sequence = 0;
    if (!r.u16(view) || !r.u16(sequence)) {
        notes.emplace_back("TABLE_DUMP record too short for view and sequence numbers");
        return rec;
    }
    const std::size_t fixed = alen + 1 + 1 + 4 + alen + 2 + 2;
    while (!r.empty()) {
        if (r.remaining() < fixed) {
            notes.push_back("TABLE_DUMP entry truncated: " + std::to_string(r.remaining()) +
                            " octets left, " + std::to_string(fixed) + " needed");
            break;
        }
        std::span<const std::uint8_t> prefix_bytes;
        std::span<const std::uint8_t> peer_bytes;
        std::uint8_t plen = 0;
        RibEntry e;
        std::uint16_t peer_as = 0;
        std::uint16_t attr_len = 0;
        // The size check above makes these reads succeed.
        (void)r.bytes(alen, prefix_bytes);
        (void)r.u8(plen);
        (void)r.u8(e.status);
        (void)r.u32(e.originated_time);
        (void)r.bytes(alen, peer_bytes);
        (void)r.u16(peer_as);
        (void)r.u16(attr_len);
        const auto attrs = take_attributes(r, attr_len, e, notes);
        if (plen > max_prefix_length(afi)) {
            notes.push_back("invalid prefix length " + std::to_string(plen) + ", entry skipped");
            continue;
        }
        e.family = wire::Family{afi, wire::Safi::unicast};
        e.prefix = wire::Prefix(address_from(prefix_bytes), plen);
        e.sequence = sequence;
        e.peer = Peer{address_from(peer_bytes), peer_as, 0};
        decode_rib_attributes(attrs, false, e);
        rec.entries.push_back(std::move(e));
    }
    if (rec.entries.size() > 1) {
        notes.push_back(std::to_string(rec.entries.size()) +
                        " entries in one TABLE_DUMP record (RFC 6396 §4.2 holds one)");
    }
    return rec;
}

// RFC 6396 §4.3.1: Collector BGP ID (4), View Name Length (2), View Name,
// Peer Count (2), then Peer Entries: Peer Type (1: bit 0 IPv6 address, bit 1
// 4-octet AS), Peer BGP ID (4), Peer IP Address (4/16), Peer AS (2/4).
PeerIndexTable decode_peer_index_table(std::span<const std::uint8_t> body, Notes& notes) {
    PeerIndexTable t;
    Reader r(body);
    std::uint16_t name_len = 0;
    std::span<const std::uint8_t> name;
    std::uint16_t count = 0;
    if (!r.u32(t.collector_id) || !r.u16(name_len) || !r.bytes(name_len, name) || !r.u16(count)) {
        notes.emplace_back("PEER_INDEX_TABLE header truncated");
        return t;
    }
    t.view_name.assign(name.begin(), name.end());
    t.peers.reserve(std::min<std::size_t>(count, r.remaining() / 7));
    for (std::size_t i = 0; i < count; ++i) {
        std::uint8_t peer_type = 0;
        Peer p;
        std::span<const std::uint8_t> addr;
        bool ok = r.u8(peer_type) && r.u32(p.bgp_id) && r.bytes((peer_type & 0x01) ? 16 : 4, addr);
        if (ok) {
            p.address = address_from(addr);
            if (peer_type & 0x02) {
                ok = r.u32(p.asn);
            } else {
                std::uint16_t as2 = 0;
                ok = r.u16(as2);
                p.asn = as2;
            }
        }
        if (!ok) {
            notes.push_back("PEER_INDEX_TABLE truncated: " + std::to_string(i) + " of " +
                            std::to_string(count) + " peers present");
            return t;
        }
        t.peers.push_back(p);
    }
    if (!r.empty()) {
        notes.push_back(std::to_string(r.remaining()) + " octets after the PEER_INDEX_TABLE");
    }
    return t;
}

// RFC 6396 §4.3.2: Sequence Number (4), Prefix Length (1), Prefix, Entry
// Count (2), RIB Entries: Peer Index (2), Originated Time (4), [Path
// Identifier (4), RFC 8050 §4.1], Attribute Length (2), BGP Attributes
// (always 4-octet AS numbers, RFC 6396 §4.3.4).
Body decode_table_dump_v2(std::uint16_t subtype, std::span<const std::uint8_t> body,
                          const PeerIndexTable* peers, Notes& notes) {
    if (subtype == table_dump_v2_subtype::peer_index_table) {
        return decode_peer_index_table(body, notes);
    }
    const auto kind = rib_subtype(subtype);
    if (!kind) {
        // RIB_GENERIC (§4.3.3) and its ADD-PATH form, and unknown subtypes.
        return Unsupported{kind_name(type::table_dump_v2, subtype), {body.begin(), body.end()}};
    }
    RibRecord rec;
    Reader r(body);
    std::uint32_t sequence = 0;
    if (!r.u32(sequence)) {
        notes.emplace_back("RIB record truncated before the sequence number");
        return rec;
    }
    const auto prefix = read_prefix(r, kind->family.afi, notes);
    std::uint16_t count = 0;
    if (!prefix || !r.u16(count)) {
        if (prefix) notes.emplace_back("RIB record truncated before the entry count");
        return rec;
    }
    rec.entries.reserve(std::min<std::size_t>(count, r.remaining() / 8));
    std::size_t unresolved = 0;
    for (std::size_t i = 0; i < count; ++i) {
        RibEntry e;
        e.family = kind->family;
        e.prefix = *prefix;
        e.sequence = sequence;
        std::uint16_t attr_len = 0;
        std::uint32_t path_id = 0;
        bool ok = r.u16(e.peer_index) && r.u32(e.originated_time);
        if (ok && kind->add_path) {
            ok = r.u32(path_id);
            e.path_id = path_id;
        }
        ok = ok && r.u16(attr_len);
        if (!ok) {
            notes.push_back("RIB record truncated: " + std::to_string(i) + " of " +
                            std::to_string(count) + " entries present");
            return rec;
        }
        const auto attrs = take_attributes(r, attr_len, e, notes);
        if (peers && e.peer_index < peers->peers.size()) {
            e.peer = peers->peers[e.peer_index];
        } else {
            ++unresolved;
            e.errors.push_back(mrt_error(
                peers
                    ? "peer index " + std::to_string(e.peer_index) + " not in the PEER_INDEX_TABLE"
                    : std::string("no PEER_INDEX_TABLE before this RIB record")));
        }
        decode_rib_attributes(attrs, true, e);
        rec.entries.push_back(std::move(e));
    }
    if (unresolved > 0) {
        notes.push_back(std::to_string(unresolved) + " RIB entries with an unknown peer index");
    }
    if (!r.empty()) {
        notes.push_back(std::to_string(r.remaining()) + " octets after the last RIB entry");
    }
    return rec;
}

}  // namespace bgp::mrt::detail
