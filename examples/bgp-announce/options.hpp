// bgp-announce: the command line, parsed into one Options value.
//
//   bgp-announce --local-as 64512 --router-id 10.0.0.1 --peer 127.0.0.2[:PORT]
//                --peer-as 64513 [--listen ADDR:PORT] [--passive] [--password KEY]
//                [--hold-time S] [--next-hop NH] PREFIX...
//
// plus the options listed by usage(). Parsing never throws and never exits: it
// returns the options, or a message for stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/types.hpp"

namespace bgp_announce {

/// An address with a port ("127.0.0.2:1179", "[::1]:1179"; the port may be optional).
struct Endpoint {
    bgp::wire::IpAddress address;
    std::uint16_t port = 179;
};

/// One route to announce: the prefix and the attributes given for it.
struct RouteSpec {
    bgp::wire::Prefix prefix;
    std::optional<bgp::wire::IpAddress> next_hop;
    std::optional<std::uint32_t> med;
    std::optional<std::uint32_t> local_pref;  ///< iBGP only (default 100)
    std::vector<std::uint32_t> communities;
    std::vector<bgp::wire::LargeCommunity> large_communities;
};

struct Options {
    std::uint32_t local_as = 0;
    std::uint32_t router_id = 0;  ///< host order
    Endpoint peer;
    std::uint32_t peer_as = 0;
    std::optional<Endpoint> listen;
    bool passive = false;
    std::string password;
    std::optional<std::uint16_t> hold_time;
    std::optional<bgp::wire::IpAddress> next_hop;  ///< for routes of its family
    std::vector<RouteSpec> routes;                 ///< PREFIX... and --route, in order

    // Around the required ones.
    std::optional<bgp::wire::IpAddress> local_address;
    std::vector<bgp::wire::Family> families;  ///< empty: peer's family + the routes'
    std::optional<std::uint32_t> med;         ///< on every route without its own
    std::vector<std::uint32_t> communities;   ///< added to every route
    std::vector<bgp::wire::LargeCommunity> large_communities;
    std::optional<std::uint16_t> graceful_restart;  ///< restart time; unset: no GR
    std::optional<std::uint16_t> connect_retry;
    std::optional<std::uint16_t> idle_hold;
    std::uint8_t multihop = 0;
    bool ttl_security = false;
    std::string shutdown_message = "bgp-announce: interrupted";
    std::string log_level = "info";
    std::optional<double> exit_after;  ///< seconds
    bool help = false;
};

/// Parses argv[1..]. On error: the message (without "bgp-announce: ").
[[nodiscard]] std::variant<Options, std::string> parse_options(
    const std::vector<std::string>& args);

/// Every option, for --help and after a usage error.
[[nodiscard]] std::string_view usage();

/// "A:B" (each 0..65535) -> the 32-bit community.
[[nodiscard]] std::optional<std::uint32_t> parse_community(std::string_view text);
/// "A:B:C" (each 32 bits).
[[nodiscard]] std::optional<bgp::wire::LargeCommunity> parse_large_community(std::string_view text);
/// "ADDR:PORT", "[V6]:PORT", or without port when `port_optional` (then 179).
[[nodiscard]] std::optional<Endpoint> parse_endpoint(std::string_view text, bool port_optional);

}  // namespace bgp_announce
