// `bgp-reflector inject`: a BGP speaker (bgp::Speaker) that connects to a
// reflector as a neighbour and announces the routes of an MRT file, for tests
// and demos (docs/mrt.md).
//
//   bgp-reflector inject --mrt FILE --neighbor ADDRESS[:PORT] --asn N
//       [--local-as N] [--local-address A] [--router-id A]
//       [--family ipv4-unicast|ipv6-unicast] [--next-hop-self] [--limit N]
//       [--peer-index N] [--peer-address A] [--hold-time S]
//       [--hold | --exit-after-eor]
//
// Routes taken from the file (RFC 6396), in file order, one per prefix (a
// Speaker announces one path per prefix):
//   - TABLE_DUMP_V2 RIB records (§4.3, RFC 8050 ADD-PATH too): the first entry
//     of each prefix (a dump writes the best path first), or the entry of
//     `--peer-index N` (index into the PEER_INDEX_TABLE);
//   - TABLE_DUMP records (§4.2): the first route of each prefix;
//   - BGP4MP / BGP4MP_ET MESSAGE* UPDATEs received by the collector (§4.4):
//     replayed in order as announce / withdraw into the table; the session
//     then sends the resulting table (not the history: a replay at the
//     original pace is not implemented).
// `--peer-address A` keeps only what the collector got from peer A.
// Attributes are sent as recorded, except: NEXT_HOP / MP_REACH_NLRI become the
// route's next hop (or next hop self), AS4_PATH / AS4_AGGREGATOR are merged
// into AS_PATH / AGGREGATOR (RFC 6793 §4.2.3), and ORIGINATOR_ID / CLUSTER_LIST
// of the collector's peer are dropped.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bgp/speaker/speaker.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::reflector {

struct InjectOptions {
    std::string mrt_file;
    wire::IpAddress neighbor;
    std::uint16_t port = 179;
    std::uint32_t asn = 0;                  ///< the neighbour's (the reflector's) AS
    std::optional<std::uint32_t> local_as;  ///< default: asn (an iBGP client)
    std::optional<wire::IpAddress> local_address;
    /// Default: local_address if IPv4, else 192.0.2.1 (RFC 5737 documentation address).
    std::optional<std::uint32_t> router_id;
    std::vector<wire::Family> families;  ///< empty: IPv4 and IPv6 unicast
    bool next_hop_self = false;
    std::optional<std::size_t> limit;  ///< at most this many prefixes
    std::optional<std::uint16_t> peer_index;
    std::optional<wire::IpAddress> peer_address;
    std::optional<std::uint16_t> hold_time;
    bool exit_after_eor = false;  ///< else stay up until SIGINT / SIGTERM (--hold)
    bool help = false;
};

/// Parses the arguments after "inject". On error: the message (without a prefix).
[[nodiscard]] std::variant<InjectOptions, std::string> parse_inject_args(
    std::span<const std::string_view> args);
[[nodiscard]] std::string_view inject_usage();

/// The routes of an MRT file, one per prefix, in the order first seen.
struct InjectTable {
    std::vector<Route> routes;
    std::size_t records = 0;      ///< MRT records read
    std::size_t rib_entries = 0;  ///< TABLE_DUMP(_V2) entries read
    std::size_t updates = 0;      ///< BGP4MP UPDATEs replayed
    std::size_t withdrawn = 0;    ///< prefixes withdrawn by those UPDATEs
    std::size_t filtered = 0;     ///< entries left out by family / peer / limit
    std::size_t unusable = 0;     ///< no usable next hop, or not decodable
    std::size_t damaged = 0;      ///< records the reader reported damaged
};

/// Reads the routes out of `data` (an MRT file's bytes, decompressed) with the
/// options' filters (families, peer_index, peer_address, limit, next_hop_self).
[[nodiscard]] InjectTable load_inject_table(std::span<const std::uint8_t> data,
                                            const InjectOptions& options);

/// The speaker of `inject` on the caller's io_context: announces `table`'s
/// routes to the neighbour and tells `progress` how it goes.
class Injector {
  public:
    /// Throws std::invalid_argument when the speaker refuses the options.
    Injector(boost::asio::io_context& io, const InjectOptions& options, InjectTable table,
             std::ostream& progress);
    ~Injector();
    Injector(const Injector&) = delete;
    Injector& operator=(const Injector&) = delete;

    /// Connects (throws std::system_error if a socket cannot be opened).
    /// `on_eor` runs once the whole table and End-of-RIB are sent.
    void start(std::function<void()> on_eor = {});
    /// Cease / Administrative Shutdown, then `done`.
    void stop(std::function<void()> done);
    [[nodiscard]] bool eor_sent() const;
    [[nodiscard]] std::size_t announced() const;
    [[nodiscard]] Speaker& speaker();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The subcommand: read the file, connect, announce, report; stay up until
/// SIGINT / SIGTERM or, with exit_after_eor, exit after End-of-RIB. Returns
/// the exit status (0 ok, 1 file or network error).
int run_inject(const InjectOptions& options);

/// `bgp-reflector inject ARGS...` as a whole: parses `args` (the words after
/// "inject"), prints the usage for --help (exit 0) or after an error (exit 2),
/// else run_inject. main.cpp's dispatch is one line:
///   if (args[1] == "inject") return bgp::reflector::inject_main(rest_of_args);
int inject_main(std::span<const std::string_view> args);

}  // namespace bgp::reflector
