// bgp-announce: what the speaker reports, as JSON Lines objects with bgp-decode's
// field names (examples/bgp-decode/json_format.hpp renders messages and attributes).
#pragma once

#include <boost/json.hpp>
#include <vector>

#include "bgp/speaker/events.hpp"

namespace bgp_announce {

/// The lines for one state change, in order: a STATE object; a NOTIFICATION
/// object when the reason carries one ("direction": "received" when the peer
/// sent it, else "sent": an error or timer we detected, a stop); an
/// OPEN object ("direction": "received", the peer's OPEN) when the session
/// became Established.
[[nodiscard]] std::vector<boost::json::object> state_json(const bgp::PeerEvent& e);

/// One ROUTE object ("event": announced, withdrawn, stale) or END_OF_RIB object.
[[nodiscard]] boost::json::object route_json(const bgp::RouteEvent& e);

}  // namespace bgp_announce
