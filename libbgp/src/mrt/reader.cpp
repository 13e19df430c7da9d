// MRT framing (RFC 6396 §2, §3): cuts the input into records, checks that
// each record boundary is plausible, and resynchronises after damage.
//
// A boundary is trusted when the header found at the end of the previous
// record looks right: it fits in the input and its timestamp is within a day
// of the previous record's. When it does not, the reader searches forward
// (from just after the current header, since a damaged length can be too long
// as well as too short) for the first strictly plausible header: known type
// and subtype, a length that fits and is not below that record's minimum, a
// close timestamp, and a next header that also has a known type. The current
// record then extends to that header (or ends at its declared length, when
// the body decodes cleanly within it and the octets in between are junk), with
// Record::error saying so. Octets that belong to no record are returned as a
// type 0 record with an error. Searches are bounded (scan_window).
#include <algorithm>
#include <string>
#include <utility>

#include "bgp/mrt/reader.hpp"
#include "mrt/records.hpp"

namespace bgp::mrt {

namespace {

constexpr std::size_t common_header_size = 12;             // RFC 6396 §2
constexpr std::uint32_t time_window = 86400;               // seconds either side
constexpr std::size_t scan_window = std::size_t{1} << 20;  // octets searched past a record

struct Header {
    std::uint32_t timestamp = 0;
    std::uint16_t type = 0;
    std::uint16_t subtype = 0;
    std::uint32_t length = 0;
};

std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}
std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

// Requires at + 12 <= data.size().
Header header_at(std::span<const std::uint8_t> data, std::size_t at) {
    const std::uint8_t* p = data.data() + at;
    return Header{be32(p), be16(p + 4), be16(p + 6), be32(p + 8)};
}

bool close_in_time(std::uint32_t a, std::uint32_t b) {
    return (a > b ? a - b : b - a) <= time_window;
}

// Types and subtypes a record may have (RFC 6396 §4, RFC 8050, IANA "MRT").
bool known_kind(const Header& h) {
    switch (h.type) {
        case type::bgp:
            return h.subtype <= bgp_subtype::keepalive;
        case type::table_dump:
            return h.subtype == table_dump_subtype::afi_ipv4 ||
                   h.subtype == table_dump_subtype::afi_ipv6;
        case type::table_dump_v2:
            return h.subtype >= table_dump_v2_subtype::peer_index_table &&
                   h.subtype <= table_dump_v2_subtype::rib_generic_addpath;
        case type::bgp4mp:
        case type::bgp4mp_et:
            return h.subtype <= bgp4mp_subtype::message_as4_local_addpath;
        case 11:  // OSPFv2 (§4.1)
        case 32:  // ISIS (§4.6)
        case 33:  // ISIS_ET (§4.7)
        case 48:  // OSPFv3 (§4.8)
        case 49:  // OSPFv3_ET (§4.9)
            return h.subtype == 0;
        default:
            return false;
    }
}

// The least a record of this kind can hold; shorter lengths are taken as
// damage while resynchronising.
std::uint32_t minimum_length(const Header& h) {
    switch (h.type) {
        case type::bgp:
            return h.subtype == bgp_subtype::state_change ? 10 : 12;
        case type::table_dump:
            return h.subtype == table_dump_subtype::afi_ipv4 ? 22 : 46;
        case type::table_dump_v2:
            return h.subtype == table_dump_v2_subtype::peer_index_table ? 8 : 7;
        case type::bgp4mp:
            return 8;  // the shortened Zebra STATE_CHANGE
        case type::bgp4mp_et:
            return 12;  // microseconds + the above
        default:
            return 0;
    }
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += "; ";
        out += p;
    }
    return out;
}

}  // namespace

Reader::Reader(std::span<const std::uint8_t> data) : data_(data) {}

// Whether the header at `at` can start a record: it has a known kind, or it
// fits in the input and is followed by a record of a known kind (or by the
// end of the input). No timestamp check, so that a legitimate jump in time
// (concatenated dumps) is not taken as damage.
bool Reader::plausible_start(std::size_t at) const {
    const std::size_t size = data_.size();
    if (size - at < common_header_size) return false;
    const Header h = header_at(data_, at);
    if (known_kind(h)) return true;  // a wrong length is dealt with as damage
    if (h.length > size - at - common_header_size) return false;
    const std::size_t next = at + common_header_size + h.length;
    if (next == size) return true;
    return size - next >= common_header_size && known_kind(header_at(data_, next));
}

// Whether the header at `at` is a believable next record after one stamped
// `ref_time`: it fits and its timestamp is close.
bool Reader::plausible_next(std::size_t at, std::uint32_t ref_time) const {
    const std::size_t size = data_.size();
    if (size - at < common_header_size) return false;
    const Header h = header_at(data_, at);
    return close_in_time(h.timestamp, ref_time) && h.length <= size - at - common_header_size;
}

// The first offset in [from, limit] where a strictly plausible record starts:
// known kind, sane length that fits, timestamp close to `ref_time` (if any),
// and followed by the end of the input or by a header of a known kind with a
// close timestamp. That following header may be up to `chain_slack` octets
// away from where the length puts it: some writers got every length wrong by
// the same few octets (RIPE rrc00 dumps of January 2000: 4 short).
std::optional<std::size_t> Reader::scan(std::size_t from, std::size_t limit,
                                        std::optional<std::uint32_t> ref_time) const {
    constexpr std::size_t chain_slack = 8;
    const std::size_t size = data_.size();
    if (size < common_header_size) return std::nullopt;
    limit = std::min(limit, size - common_header_size);
    auto chained = [&](std::size_t next, std::uint32_t time) {
        if (size - next <= chain_slack) return true;
        const std::size_t lo = next > chain_slack ? next - chain_slack : 0;
        const std::size_t hi = std::min(next + chain_slack, size - common_header_size);
        for (std::size_t n = lo; n <= hi && n + common_header_size <= size; ++n) {
            const Header h = header_at(data_, n);
            if (known_kind(h) && close_in_time(h.timestamp, time)) return true;
        }
        return false;
    };
    for (std::size_t q = from; q <= limit; ++q) {
        const Header h = header_at(data_, q);
        if (ref_time && !close_in_time(h.timestamp, *ref_time)) continue;
        if (!known_kind(h) || h.length < minimum_length(h)) continue;
        if (h.length > size - q - common_header_size) continue;
        if (!chained(q + common_header_size + h.length, h.timestamp)) continue;
        return q;
    }
    return std::nullopt;
}

Record Reader::garbage(std::size_t from, std::size_t to, std::string why) {
    Record rec;
    rec.offset = from;
    rec.body = Unsupported{"octets outside any MRT record",
                           {data_.begin() + static_cast<std::ptrdiff_t>(from),
                            data_.begin() + static_cast<std::ptrdiff_t>(to)}};
    rec.error = std::move(why);
    ++stats_.resyncs;
    stats_.skipped_octets += to - from;
    return rec;
}

std::optional<Record> Reader::next() {
    const std::size_t size = data_.size();
    if (pos_ >= size) return std::nullopt;
    auto finish = [this](Record rec) {
        ++stats_.records;
        if (rec.error) ++stats_.damaged;
        return std::optional<Record>(std::move(rec));
    };

    const std::size_t start = pos_;
    if (garbage_until_) {
        // Octets between a sound record and the next header (see below).
        const std::size_t to = *garbage_until_;
        garbage_until_.reset();
        pos_ = to;
        trusted_ = true;
        return finish(
            garbage(start, to, std::to_string(to - start) + " octets between records skipped"));
    }
    if (size - start < common_header_size) {
        stats_.truncated_tail = true;
        pos_ = size;
        return finish(garbage(start, size,
                              std::to_string(size - start) +
                                  " octets at the end of the input, too few for an MRT header"));
    }
    const Header h = header_at(data_, start);
    const std::size_t available = size - start - common_header_size;
    if (!trusted_ && !plausible_start(start)) {
        // Skip to the next plausible header; if there is none within the
        // window, skip the window and look again from there on the next call.
        const auto q = scan(start + 1, start + scan_window, last_timestamp_);
        pos_ = q ? *q : std::min(size, start + scan_window + 1);
        trusted_ = q.has_value();
        return finish(garbage(start, pos_,
                              std::to_string(pos_ - start) + " octets at offset " +
                                  std::to_string(start) + " skipped: no MRT record header there"));
    }

    // Where the record ends: `end`, or - when the octets after the declared
    // end do not start a record - `later`, chosen below.
    std::vector<std::string> notes;
    std::size_t end = 0;
    std::optional<std::size_t> later;
    if (h.length > available) {
        const auto q = scan(start + 1, start + scan_window, h.timestamp);
        if (q) {
            end = *q;
            ++stats_.resyncs;
            notes.push_back("length field says " + std::to_string(h.length) +
                            " octets, past the end of the input; next record found at offset " +
                            std::to_string(*q));
        } else {
            end = size;
            stats_.truncated_tail = true;
            notes.push_back("truncated: length field says " + std::to_string(h.length) +
                            " octets, " + std::to_string(available) + " remain");
        }
        trusted_ = true;
    } else {
        end = start + common_header_size + h.length;
        trusted_ = true;
        if (end == size || plausible_next(end, h.timestamp)) {
            // the usual case
        } else if (size - end < common_header_size) {
            later = size;  // too few octets follow to be a record
        } else if (const auto q = scan(start + 1, end + scan_window, h.timestamp)) {
            if (*q > end) {
                later = *q;
            } else {
                ++stats_.resyncs;
                notes.push_back("length field says " + std::to_string(h.length) +
                                " octets but the next record starts at offset " +
                                std::to_string(*q) + ", " + std::to_string(*q - start) +
                                " octets after this one");
                end = *q;
            }
        } else {
            trusted_ = false;  // the next call checks what follows
        }
    }

    Record rec;
    rec.offset = start;
    rec.timestamp = h.timestamp;
    rec.type = h.type;
    rec.subtype = h.subtype;
    rec.length = h.length;
    if (end < start + common_header_size) {
        pos_ = end;
        notes.push_back("record header cut short after " + std::to_string(end - start) + " octets");
        rec.body = Unsupported{"damaged record header", {}};
        rec.error = join(notes);
        return finish(std::move(rec));
    }
    last_timestamp_ = h.timestamp;
    auto body_to = [&](std::size_t to) {
        return data_.subspan(start + common_header_size, to - start - common_header_size);
    };
    if (later) {
        // Either the length is right and junk follows the record, or the
        // length is short (RIPE rrc00, January 2000: 4 octets short). A body
        // that decodes cleanly within its length says the former.
        std::vector<std::string> trial;
        decode_body(rec, body_to(end), trial);
        if (trial.empty()) {
            pos_ = end;
            if (*later < size) garbage_until_ = *later;  // else: a short tail, see above
            return finish(std::move(rec));
        }
        ++stats_.resyncs;
        notes.push_back("length field says " + std::to_string(h.length) + " octets but the " +
                        (*later < size ? "next record starts at offset " + std::to_string(*later)
                                       : std::string("input ends")) +
                        ", " + std::to_string(*later - start) + " octets after this one");
        end = *later;
    }
    pos_ = end;
    decode_body(rec, body_to(end), notes);
    if (!notes.empty()) rec.error = join(notes);
    return finish(std::move(rec));
}

void Reader::decode_body(Record& rec, std::span<const std::uint8_t> body,
                         std::vector<std::string>& notes) {
    switch (rec.type) {
        case type::bgp:
            rec.body = detail::decode_bgp_deprecated(rec.subtype, body, notes);
            return;
        case type::table_dump:
            rec.body = detail::decode_table_dump(rec.subtype, body, notes);
            return;
        case type::table_dump_v2:
            rec.body = detail::decode_table_dump_v2(
                rec.subtype, body, have_peer_index_ ? &peer_index_ : nullptr, notes);
            if (const auto* t = std::get_if<PeerIndexTable>(&rec.body)) {
                peer_index_ = *t;
                have_peer_index_ = true;
            }
            return;
        case type::bgp4mp:
            rec.body = detail::decode_bgp4mp(rec.subtype, body, notes);
            return;
        case type::bgp4mp_et:
            // RFC 6396 §3: the Microsecond Timestamp is the first field of the
            // message and is counted in the length.
            if (body.size() < 4) {
                notes.emplace_back("BGP4MP_ET record too short for the microsecond timestamp");
                rec.body = Unsupported{"truncated BGP4MP_ET record", {body.begin(), body.end()}};
                return;
            }
            rec.microseconds = be32(body.data());
            rec.body = detail::decode_bgp4mp(rec.subtype, body.subspan(4), notes);
            return;
        default:
            // OSPFv2, IS-IS, OSPFv3 and unknown types: reported, not decoded.
            rec.body =
                Unsupported{detail::kind_name(rec.type, rec.subtype), {body.begin(), body.end()}};
            return;
    }
}

}  // namespace bgp::mrt
