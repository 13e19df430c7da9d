// The CLI's output for people: the API's JSON (docs/cli.md, the contract in the
// API's documentation) as aligned tables and short reports, in the spirit of
// birdc and gobgp. Pure functions of the JSON, so tests compare exact text.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace bgp::reflector::cli {

/// GET /api/v1/neighbors: one line per neighbour with its state, uptime and
/// received/accepted/advertised per family.
std::string format_neighbors(const boost::json::value& body);
/// GET /api/v1/neighbors/{address}: every field of one neighbour.
std::string format_neighbor(const boost::json::value& neighbor);
/// GET /api/v1/status.
std::string format_status(const boost::json::value& body);
/// POST /api/v1/reload (applied or not).
std::string format_reload(const boost::json::value& body);

/// GET /api/v1/rib: one line per path, `*>` on the best.
std::string format_rib(const boost::json::value& body);
/// GET /api/v1/rib?prefix=P: every path of one prefix in full, the best first
/// with the reason it won.
std::string format_route(const boost::json::value& body, const std::string& prefix);
/// One line for one watch event (`{"type":...}`), without a time stamp.
std::string format_event(const boost::json::value& event);

/// The AS_PATH of an attributes object as text: "64513 64514 {1,2}" (sets in
/// braces, confederation segments in parentheses / brackets); "" when empty.
std::string format_as_path(const boost::json::value& attributes);
/// The route's marker: '*' valid, '>' best, '=' multipath, 'S' stale ("*>", "*= S").
std::string route_marker(const boost::json::value& route);

}  // namespace bgp::reflector::cli
