#include "bgp/speaker/events.hpp"

namespace bgp {

std::string_view to_string(RouteEvent::Kind kind) {
    switch (kind) {
        case RouteEvent::Kind::announced:
            return "announced";
        case RouteEvent::Kind::withdrawn:
            return "withdrawn";
        case RouteEvent::Kind::stale:
            return "stale";
        case RouteEvent::Kind::end_of_rib:
            return "end-of-rib";
    }
    return "unknown";
}

}  // namespace bgp
