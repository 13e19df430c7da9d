// bgp-decode: TCP reassembly per direction and BGP message framing on top.
//
// Each direction of a connection is put back in sequence-number order:
// retransmitted octets are dropped, out-of-order segments wait until the hole
// before them is filled, and a hole that is never filled (the capture missed
// it) is reported as a gap, after which framing resumes at the next marker. A
// hole is known to be missed for good when the other side acknowledges data
// beyond it, when too much data waits behind it, or at the end of the capture.
// A SYN starts a new connection on the same addresses and ports: the
// direction's buffers and the OPEN it sent are forgotten.
//
// Framing follows RFC 4271 §4.1: a message starts with the 16-octet all-ones
// marker, and its length is checked by wire::decode_header against the
// session's limit (4096, or 65535 once both OPENs carried RFC 8654's
// capability). Octets that do not start with a marker are skipped up to the
// next marker and reported once (Connection Not Synchronized, RFC 4271 §6.1).
// The OPENs seen set the decoding options of each direction (decode_policy.hpp).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "bgp/wire/message.hpp"
#include "bgp/wire/types.hpp"
#include "decode_policy.hpp"
#include "output.hpp"

namespace bgp_decode {

struct Endpoint {
    bgp::wire::IpAddress address;
    std::uint16_t port = 0;

    /// "192.0.2.1:179", "[2001:db8::1]:179".
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const Endpoint&, const Endpoint&) = default;
    friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

/// One TCP segment as read from a frame.
struct Segment {
    Endpoint src;
    Endpoint dst;
    std::uint32_t seq = 0;
    std::optional<std::uint32_t> ack;  ///< acknowledgment number, when the ACK flag is set
    bool syn = false;
    std::span<const std::uint8_t> payload;  ///< the captured part
    std::size_t missing = 0;                ///< payload octets not captured (snap length)
};

/// Where a frame sits in the capture.
struct FrameInfo {
    std::uint64_t number = 0;  ///< 1-based, as tshark counts
    std::int64_t seconds = 0;
    std::uint32_t microseconds = 0;
};

class StreamTable {
  public:
    explicit StreamTable(const Settings& s) : settings_(s) {}

    /// Feeds one segment of a connection on a BGP port.
    void add(const Segment& seg, const FrameInfo& frame);
    /// End of the capture: fills nothing more, reports holes, leftovers.
    void finish();

    [[nodiscard]] std::size_t connections() const { return sessions_.size(); }
    [[nodiscard]] std::uint64_t messages() const { return messages_; }
    [[nodiscard]] std::uint64_t gaps() const { return gaps_; }

  private:
    struct Pending {
        std::uint32_t seq = 0;
        std::vector<std::uint8_t> data;
    };

    struct Direction {
        Endpoint src;
        Endpoint dst;
        bool have_next = false;
        std::uint32_t next = 0;  ///< sequence number of the next octet expected
        std::vector<Pending> pending;
        std::size_t pending_bytes = 0;
        std::vector<std::uint8_t> buf;  ///< reassembled octets not yet framed
        std::size_t pos = 0;            ///< first unframed octet in buf
        std::uint64_t junk = 0;         ///< octets skipped looking for a marker
        bool quiet_junk = false;        ///< the skip follows an error already reported
        FrameInfo last;                 ///< frame that delivered the latest octets
    };

    struct Session {
        Direction dir[2];
        std::optional<bgp::wire::Open> open[2];  ///< the OPEN each direction sent
        Knowledge knowledge[2];                  ///< decoding options per direction

        void relearn();
    };

    using Key = std::pair<Endpoint, Endpoint>;  ///< lower endpoint first

    void deliver(Session& s, int d, std::span<const std::uint8_t> bytes);
    void drain_pending(Session& s, int d);
    void skip_hole(Session& s, int d);
    void gap(Session& s, int d, std::uint64_t missing);
    void frame_messages(Session& s, int d, bool at_end);
    void report_junk(Direction& dir);
    void emit_in(const Direction& dir, json::object o);

    const Settings& settings_;
    std::map<Key, Session> sessions_;
    std::uint64_t messages_ = 0;
    std::uint64_t gaps_ = 0;
};

}  // namespace bgp_decode
