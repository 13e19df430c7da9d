// The daemon's Loc-RIB as an MRT table dump (TABLE_DUMP_V2, RFC 6396 §4.3; RFC
// 8050 ADD-PATH records for paths received with a nonzero path identifier),
// for `bgp-reflector dump --mrt FILE` and the API. Built on bgp::mrt's writer.
//
// The peer table holds the speaker itself first (index 0: address and BGP ID =
// router id, our AS; the routes of Speaker::announce(), with ORIGIN IGP and an
// empty AS_PATH where they give none, as the speaker sends them), then every peer of
// Speaker::peers() (BGP ID from its OPEN when a session came up, else 0), then
// any peer a path names that is no longer configured. Every path of every
// prefix of both families is written, best path first (Speaker::rib() order),
// with its post-import-policy attributes. The speaker keeps no per-path time:
// a path's Originated Time is when its peer's session came up (the dump time
// when unknown, and for our own routes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bgp/mrt/writer.hpp"
#include "bgp/speaker/speaker.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::reflector {

struct MrtDumpOptions {
    /// Families to dump, in this order.
    std::vector<wire::Family> families{wire::ipv4_unicast, wire::ipv6_unicast};
    /// Only the best path of each prefix (Loc-RIB proper); default: every path.
    bool best_only = false;
    /// Record timestamp (seconds since the epoch); default: now.
    std::optional<std::uint32_t> timestamp;
    std::string view_name = "bgp-reflector";
};

/// The dump as bytes. Call on the speaker's io_context thread (like every
/// Speaker call). `stats`, if given, receives the writer's counts (entries,
/// records, skipped entries and why).
[[nodiscard]] std::vector<std::uint8_t> dump_mrt(const Speaker& speaker,
                                                 const MrtDumpOptions& options = {},
                                                 mrt::WriterStats* stats = nullptr);

}  // namespace bgp::reflector
