// The HTTP API's JSON views (docs/api.md): the daemon's status, a neighbour, a
// route with its decoded attributes (field names as bgp-decode's), and the
// watch stream's events. Pure functions of the speaker's snapshots.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "bgp/speaker/events.hpp"
#include "bgp/wire/attributes.hpp"
#include "bgp/wire/types.hpp"
#include "daemon.hpp"

namespace bgp::reflector::api {

namespace json = boost::json;

/// Whole seconds from `since` to `now` (0 if `since` is later).
[[nodiscard]] std::int64_t seconds_since(std::chrono::steady_clock::time_point since,
                                         std::chrono::steady_clock::time_point now);

/// GET /api/v1/status.
[[nodiscard]] json::object status_json(const Daemon& daemon, const std::string& version);

/// NEIGHBOR: one peer's status with what the configuration says of it.
[[nodiscard]] json::object neighbor_json(const Daemon& daemon, const PeerStatus& peer,
                                         std::chrono::steady_clock::time_point now);

/// Attributes keyed by bgp-decode's names ("origin", "as_path", "next_hop", ...).
[[nodiscard]] json::object attributes_json(const wire::PathAttributes& a);

/// ROUTE: one path of the RIB.
[[nodiscard]] json::object route_json(const RibRoute& route);

/// Watch events: {"type":"route","family","prefix","route":ROUTE|null} and
/// {"type":"session","neighbor","asn","from","to","reason"}.
[[nodiscard]] json::object route_event_json(wire::Family family, const wire::Prefix& prefix,
                                            const RibRoute* best);
[[nodiscard]] json::object session_event_json(const PeerEvent& event);

}  // namespace bgp::reflector::api
