// Small helpers shared by the state machine's source files (private).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "fsm/machine.hpp"

namespace bgp::fsm::detail {

/// §8.2.2 OpenSent: "sets the HoldTimer to a large value (4 minutes suggested)".
inline constexpr std::chrono::seconds open_sent_hold{240};
inline constexpr std::uint8_t cease = static_cast<std::uint8_t>(wire::NotifCode::cease);

inline wire::Notification notif(wire::NotifCode code, std::uint8_t subcode,
                                std::vector<std::uint8_t> data = {}) {
    return wire::Notification{static_cast<std::uint8_t>(code), subcode, std::move(data)};
}

inline wire::Notification from_error(const wire::DecodeError& e) {
    return wire::Notification{e.code, e.subcode, e.data};
}

inline std::string secs(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }

/// RFC 6608 FSM Error subcode for the state the unexpected event arrived in.
inline std::uint8_t fsm_error_subcode(State s) {
    switch (s) {
        case State::open_sent:
            return wire::fsm_subcode::unexpected_message_in_open_sent;
        case State::open_confirm:
            return wire::fsm_subcode::unexpected_message_in_open_confirm;
        case State::established:
            return wire::fsm_subcode::unexpected_message_in_established;
        default:
            return wire::fsm_subcode::unspecified;
    }
}

/// Events 1 and 3-7: the start events.
inline bool is_start(Event e) {
    const auto n = static_cast<int>(e);
    return n == 1 || (n >= 3 && n <= 7);
}

}  // namespace bgp::fsm::detail
