// bgp-decode: TCP reassembly and BGP framing. See tcp_stream.hpp.
#include "tcp_stream.hpp"

#include <algorithm>

namespace bgp_decode {

namespace w = bgp::wire;

namespace {

constexpr std::size_t marker_size = 16;
/// Out-of-order data held back before the oldest hole is declared a gap.
constexpr std::size_t max_pending_segments = 1024;
constexpr std::size_t max_pending_bytes = 8u << 20;

/// Signed distance from b to a in sequence space (RFC 9293 §3.4 arithmetic).
std::int64_t seq_diff(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b); }

bool marker_at(const std::vector<std::uint8_t>& buf, std::size_t pos) {
    if (buf.size() - pos < marker_size) return false;
    for (std::size_t i = 0; i < marker_size; ++i)
        if (buf[pos + i] != 0xff) return false;
    return true;
}

/// Start of the first complete marker at or after `from`, or npos.
std::size_t find_marker(const std::vector<std::uint8_t>& buf, std::size_t from) {
    std::size_t run = 0;
    for (std::size_t i = from; i < buf.size(); ++i) {
        run = buf[i] == 0xff ? run + 1 : 0;
        if (run == marker_size) return i + 1 - marker_size;
    }
    return std::string::npos;
}

/// Trailing 0xff octets (at most 15) that may be the start of a marker.
std::size_t trailing_marker_prefix(const std::vector<std::uint8_t>& buf, std::size_t from) {
    std::size_t n = 0;
    while (n < marker_size - 1 && buf.size() - n > from && buf[buf.size() - n - 1] == 0xff) ++n;
    return n;
}

}  // namespace

std::string Endpoint::to_string() const {
    if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port);
    return address.to_string() + ":" + std::to_string(port);
}

void StreamTable::Session::relearn() {
    const w::Open* o0 = open[0] ? &*open[0] : nullptr;
    const w::Open* o1 = open[1] ? &*open[1] : nullptr;
    knowledge[0] = knowledge_from_opens(o0, o1);
    knowledge[1] = knowledge_from_opens(o1, o0);
}

void StreamTable::add(const Segment& seg, const FrameInfo& frame) {
    const bool forward = seg.src < seg.dst;
    const Key key = forward ? Key{seg.src, seg.dst} : Key{seg.dst, seg.src};
    auto [it, inserted] = sessions_.try_emplace(key);
    Session& s = it->second;
    const int d = forward ? 0 : 1;
    Direction& dir = s.dir[d];
    if (inserted || dir.src.port == 0) {
        dir.src = seg.src;
        dir.dst = seg.dst;
    }
    dir.last = frame;

    if (seg.syn) {
        // A new connection on this address pair (or the first we see): forget
        // what the previous one left (RFC 9293 §3.4: the SYN's sequence number
        // is the ISN; data starts at ISN + 1).
        frame_messages(s, d, true);
        report_junk(dir);
        const Endpoint src = dir.src;
        const Endpoint dst = dir.dst;
        dir = Direction{};
        dir.src = src;
        dir.dst = dst;
        dir.last = frame;
        dir.have_next = true;
        dir.next = seg.seq + 1;
        if (s.open[d]) {
            s.open[d].reset();
            s.relearn();
        }
    }
    if (seg.ack) {
        // The other direction's octets below the acknowledgment number reached
        // the peer: a hole there that the capture did not fill never will be.
        Direction& other = s.dir[1 - d];
        while (other.have_next && !other.pending.empty()) {
            const auto oldest = std::min_element(other.pending.begin(), other.pending.end(),
                                                 [&](const Pending& a, const Pending& b) {
                                                     return seq_diff(a.seq, other.next) <
                                                            seq_diff(b.seq, other.next);
                                                 });
            if (seq_diff(*seg.ack, oldest->seq) < 0) break;  // the hole is not all acknowledged
            skip_hole(s, 1 - d);
        }
    }
    if (seg.payload.empty() && seg.missing == 0) return;

    std::uint32_t seq = seg.syn ? seg.seq + 1 : seg.seq;
    if (!dir.have_next) {
        dir.have_next = true;  // joined mid-stream: start at the first octet seen
        dir.next = seq;
    }
    std::span<const std::uint8_t> data = seg.payload;
    const std::int64_t diff = seq_diff(seq, dir.next);
    const auto len = static_cast<std::int64_t>(data.size() + seg.missing);
    if (diff + len <= 0) return;  // all seen already (retransmission)
    if (diff > 0) {
        // Ahead of a hole: hold it back until the hole is filled.
        if (!data.empty()) {
            dir.pending.push_back(
                Pending{seq, std::vector<std::uint8_t>(data.begin(), data.end())});
            dir.pending_bytes += data.size();
        }
        if (dir.pending.size() > max_pending_segments || dir.pending_bytes > max_pending_bytes)
            skip_hole(s, d);  // the hole will not be filled
        return;
    }
    // Overlaps what was seen: keep only the new octets.
    const auto seen = static_cast<std::size_t>(-diff);
    if (seen < data.size()) {
        data = data.subspan(seen);
        dir.next += static_cast<std::uint32_t>(data.size());
        deliver(s, d, data);
        if (seg.missing > 0) {
            gap(s, d, seg.missing);
            dir.next += static_cast<std::uint32_t>(seg.missing);
        }
    } else {
        // The captured part was seen; only the uncaptured tail is new.
        const std::size_t new_missing = static_cast<std::size_t>(len) - seen;
        gap(s, d, new_missing);
        dir.next += static_cast<std::uint32_t>(new_missing);
    }
    drain_pending(s, d);
}

void StreamTable::skip_hole(Session& s, int d) {
    Direction& dir = s.dir[d];
    if (dir.pending.empty()) return;
    auto oldest = std::min_element(dir.pending.begin(), dir.pending.end(),
                                   [&](const Pending& a, const Pending& b) {
                                       return seq_diff(a.seq, dir.next) < seq_diff(b.seq, dir.next);
                                   });
    const std::int64_t hole = seq_diff(oldest->seq, dir.next);
    if (hole > 0) {
        gap(s, d, static_cast<std::uint64_t>(hole));
        dir.next = oldest->seq;
    }
    drain_pending(s, d);
}

void StreamTable::drain_pending(Session& s, int d) {
    Direction& dir = s.dir[d];
    bool progress = true;
    while (progress && !dir.pending.empty()) {
        progress = false;
        for (std::size_t i = 0; i < dir.pending.size(); ++i) {
            const std::int64_t diff = seq_diff(dir.pending[i].seq, dir.next);
            if (diff > 0) continue;
            Pending p = std::move(dir.pending[i]);
            dir.pending.erase(dir.pending.begin() + static_cast<std::ptrdiff_t>(i));
            dir.pending_bytes -= p.data.size();
            const auto seen = static_cast<std::size_t>(-diff);
            if (seen < p.data.size()) {
                std::span<const std::uint8_t> data(p.data);
                data = data.subspan(seen);
                dir.next += static_cast<std::uint32_t>(data.size());
                deliver(s, d, data);
            }
            progress = true;
            break;
        }
    }
}

void StreamTable::deliver(Session& s, int d, std::span<const std::uint8_t> bytes) {
    Direction& dir = s.dir[d];
    dir.buf.insert(dir.buf.end(), bytes.begin(), bytes.end());
    frame_messages(s, d, false);
}

void StreamTable::gap(Session& s, int d, std::uint64_t missing) {
    Direction& dir = s.dir[d];
    ++gaps_;
    const std::size_t avail = dir.buf.size() - dir.pos;
    const std::string what =
        std::to_string(missing) + " octets of the TCP stream are missing " + "from the capture";
    if (avail > 0 && marker_at(dir.buf, dir.pos)) {
        // A message cut by the hole.
        report_junk(dir);
        std::span<const std::uint8_t> raw(dir.buf.data() + dir.pos, avail);
        emit_in(dir, failed_json(raw, input_error_json("message cut short: " + what)));
    } else {
        dir.junk += avail;
        report_junk(dir);
        emit_in(dir, stream_error_json(0, 0, "gap: " + what));
    }
    dir.buf.clear();
    dir.pos = 0;
    dir.quiet_junk = true;  // octets up to the next marker belong to this gap
}

void StreamTable::report_junk(Direction& dir) {
    if (dir.junk > 0 && !dir.quiet_junk) {
        json::object o = stream_error_json(
            1, w::header_subcode::connection_not_synchronized,
            "no BGP marker: skipped " + std::to_string(dir.junk) + " octets to the next marker");
        o["skipped"] = dir.junk;
        emit_in(dir, std::move(o));
    }
    dir.junk = 0;
    dir.quiet_junk = false;
}

void StreamTable::emit_in(const Direction& dir, json::object o) {
    json::object context{{"src", dir.src.to_string()},
                         {"dst", dir.dst.to_string()},
                         {"frame", dir.last.number},
                         {"timestamp", dir.last.seconds},
                         {"microseconds", dir.last.microseconds}};
    emit(with_context(std::move(o), context), settings_);
}

void StreamTable::frame_messages(Session& s, int d, bool at_end) {
    Direction& dir = s.dir[d];
    for (;;) {
        const std::size_t avail = dir.buf.size() - dir.pos;
        if (avail == 0) break;
        if (!marker_at(dir.buf, dir.pos)) {
            if (avail < marker_size && !at_end && trailing_marker_prefix(dir.buf, dir.pos) == avail)
                break;  // maybe the start of a marker: wait for more
            const std::size_t next = find_marker(dir.buf, dir.pos + 1);
            if (next == std::string::npos) {
                const std::size_t keep = at_end ? 0 : trailing_marker_prefix(dir.buf, dir.pos);
                dir.junk += avail - keep;
                dir.pos = dir.buf.size() - keep;
                break;
            }
            dir.junk += next - dir.pos;
            dir.pos = next;
            continue;
        }
        report_junk(dir);
        if (avail < w::header_size) {
            if (at_end) {
                std::span<const std::uint8_t> raw(dir.buf.data() + dir.pos, avail);
                emit_in(dir,
                        failed_json(raw, input_error_json("capture ends inside a message header (" +
                                                          std::to_string(avail) + " octets)")));
                dir.pos = dir.buf.size();
            }
            break;
        }
        const Knowledge& k = s.knowledge[d];
        std::span<const std::uint8_t> head(dir.buf.data() + dir.pos, w::header_size);
        auto header = w::decode_header(head, framing_options(k));
        if (!header) {
            // The length cannot be trusted: report what the header claims, then
            // resynchronise on the next marker.
            const std::size_t declared = (std::size_t{head[16]} << 8) | head[17];
            const std::size_t shown =
                std::clamp(declared, w::header_size, std::max(avail, w::header_size));
            std::span<const std::uint8_t> raw(dir.buf.data() + dir.pos, std::min(shown, avail));
            ++messages_;
            emit_in(dir, failed_json(raw, header.error()));
            dir.pos += 1;
            dir.quiet_junk = true;
            continue;
        }
        const std::size_t length = header->length;
        if (avail < length) {
            if (at_end) {
                std::span<const std::uint8_t> raw(dir.buf.data() + dir.pos, avail);
                ++messages_;
                emit_in(
                    dir,
                    failed_json(raw, input_error_json("capture ends after " +
                                                      std::to_string(avail) + " of the message's " +
                                                      std::to_string(length) + " octets")));
                dir.pos = dir.buf.size();
            }
            break;
        }
        std::span<const std::uint8_t> raw(dir.buf.data() + dir.pos, length);
        Decoded decoded = decode_message(raw, k, settings_.defaults);
        ++messages_;
        emit_in(dir, decoded_json(decoded, raw));
        if (decoded.result)
            if (const auto* open = std::get_if<w::Open>(&*decoded.result)) {
                s.open[d] = *open;
                s.relearn();
            }
        dir.pos += length;
    }
    if (at_end) report_junk(dir);
    // Drop what has been framed.
    if (dir.pos > 0 && (dir.pos == dir.buf.size() || dir.pos > 65536)) {
        dir.buf.erase(dir.buf.begin(), dir.buf.begin() + static_cast<std::ptrdiff_t>(dir.pos));
        dir.pos = 0;
    }
}

void StreamTable::finish() {
    for (auto& [key, s] : sessions_) {
        for (int d = 0; d < 2; ++d) {
            // Holes never filled: skip each, oldest first.
            while (!s.dir[d].pending.empty()) skip_hole(s, d);
            frame_messages(s, d, true);
        }
    }
}

}  // namespace bgp_decode
