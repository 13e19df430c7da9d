// Names of states and timers, as RFC 4271 writes them.
#include "bgp/fsm/session.hpp"

namespace bgp::fsm {

std::string_view to_string(State s) {
    switch (s) {
        case State::idle:
            return "Idle";
        case State::connect:
            return "Connect";
        case State::active:
            return "Active";
        case State::open_sent:
            return "OpenSent";
        case State::open_confirm:
            return "OpenConfirm";
        case State::established:
            return "Established";
    }
    return "?";
}

std::string_view to_string(TimerKind t) {
    switch (t) {
        case TimerKind::connect_retry:
            return "ConnectRetryTimer";
        case TimerKind::hold:
            return "HoldTimer";
        case TimerKind::keepalive:
            return "KeepaliveTimer";
        case TimerKind::delay_open:
            return "DelayOpenTimer";
        case TimerKind::idle_hold:
            return "IdleHoldTimer";
        case TimerKind::send_hold:
            return "SendHoldTimer";
        case TimerKind::gr_restart:
            return "GracefulRestartTimer";
        case TimerKind::gr_stale:
            return "StalePathTimer";
        case TimerKind::llgr_stale:
            return "LongLivedStaleTimer";
    }
    return "?";
}

}  // namespace bgp::fsm
