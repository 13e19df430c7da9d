// The per-state event tables of RFC 4271 §8.2.2 (one FSM per connection).
#include <string>

#include "fsm/machine.hpp"
#include "fsm/machine_util.hpp"

namespace bgp::fsm::detail {

std::string_view to_string(Event e) {
    switch (e) {
        case Event::manual_start:
            return "ManualStart";
        case Event::manual_stop:
            return "ManualStop";
        case Event::automatic_start:
            return "AutomaticStart";
        case Event::manual_start_with_passive_tcp_establishment:
            return "ManualStart_with_PassiveTcpEstablishment";
        case Event::automatic_start_with_passive_tcp_establishment:
            return "AutomaticStart_with_PassiveTcpEstablishment";
        case Event::automatic_start_with_damp_peer_oscillations:
            return "AutomaticStart_with_DampPeerOscillations";
        case Event::automatic_start_with_damp_peer_oscillations_and_passive_tcp_establishment:
            return "AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment";
        case Event::automatic_stop:
            return "AutomaticStop";
        case Event::connect_retry_timer_expires:
            return "ConnectRetryTimer_Expires";
        case Event::hold_timer_expires:
            return "HoldTimer_Expires";
        case Event::keepalive_timer_expires:
            return "KeepaliveTimer_Expires";
        case Event::delay_open_timer_expires:
            return "DelayOpenTimer_Expires";
        case Event::idle_hold_timer_expires:
            return "IdleHoldTimer_Expires";
        case Event::tcp_connection_valid:
            return "TcpConnection_Valid";
        case Event::tcp_cr_invalid:
            return "Tcp_CR_Invalid";
        case Event::tcp_cr_acked:
            return "Tcp_CR_Acked";
        case Event::tcp_connection_confirmed:
            return "TcpConnectionConfirmed";
        case Event::tcp_connection_fails:
            return "TcpConnectionFails";
        case Event::bgp_open:
            return "BGPOpen";
        case Event::bgp_open_with_delay_open_timer_running:
            return "BGPOpen with DelayOpenTimer running";
        case Event::bgp_header_err:
            return "BGPHeaderErr";
        case Event::bgp_open_msg_err:
            return "BGPOpenMsgErr";
        case Event::open_collision_dump:
            return "OpenCollisionDump";
        case Event::notif_msg_ver_err:
            return "NotifMsgVerErr";
        case Event::notif_msg:
            return "NotifMsg";
        case Event::keepalive_msg:
            return "KeepAliveMsg";
        case Event::update_msg:
            return "UpdateMsg";
        case Event::update_msg_err:
            return "UpdateMsgErr";
    }
    return "?";
}

// ---- the per-state tables -----------------------------------------------------------

void Machine::handle(Conn& x, Event e, TimePoint now, Actions& out, const EventData& d) {
    switch (x.state) {
        case State::idle:
            return;  // §8.2.2 Idle: every other event is ignored (start: see start())
        case State::connect:
        case State::active:
            return in_connect_or_active(x, e, now, out, d);
        case State::open_sent:
            return in_open_sent(x, e, now, out, d);
        case State::open_confirm:
            return in_open_confirm(x, e, now, out, d);
        case State::established:
            return in_established(x, e, now, out, d);
    }
}

void Machine::in_connect_or_active(Conn& x, Event e, TimePoint now, Actions& out,
                                   const EventData& d) {
    const bool in_connect = x.state == State::connect;
    const bool delay_running = x.delay_open.has_value();
    const std::string where = in_connect ? "Connect" : "Active";
    auto unexpected_event = [&] {
        drop(x, now, out,
             Reason{Reason::Kind::none, std::nullopt, std::string(to_string(e)) + " in " + where},
             true);
    };
    switch (e) {
        case Event::manual_stop:
            if (x.tcp_up && delay_running) {
                send_notification(
                    x, notif(wire::NotifCode::cease, wire::cease_subcode::administrative_shutdown),
                    now, out);
            }
            connect_retry_counter_ = 0;
            drop(x, now, out, Reason{Reason::Kind::admin_stop, std::nullopt, "ManualStop"}, false);
            return;
        case Event::connect_retry_timer_expires:
            if (x.id == ConnId::incoming) return;  // only the outgoing FSM connects
            if (in_connect) {
                // Drop the attempt, restart the timer, try again.
                if (x.tcp_up || x.state == State::connect)
                    out.emplace_back(CloseAction{x.id, false});
                x.tcp_up = false;
                ++x.gen;
                x.delay_open.reset();
                x.rx.clear();
                pending_ = Reason{
                    Reason::Kind::timer_expired, std::nullopt,
                    "connect retry timer expired (" + secs(config_.connect_retry_time) + ")"};
                connect(x, now, out);
            } else if (config_.passive) {
                return;  // passive: never connect
            } else if (other(x).state >= State::open_sent) {
                // Deviation: a connection from the peer is making progress; a
                // second one would only collide. Wait another round.
                x.connect_retry = now + config_.connect_retry_time;
            } else {
                pending_ = Reason{
                    Reason::Kind::timer_expired, std::nullopt,
                    "connect retry timer expired (" + secs(config_.connect_retry_time) + ")"};
                connect(x, now, out);
            }
            return;
        case Event::delay_open_timer_expires:
            if (!x.tcp_up) return unexpected_event();
            x.delay_open.reset();
            send_open(x, now, out);
            x.hold = now + open_sent_hold;
            pending_ = Reason{Reason::Kind::timer_expired, std::nullopt,
                              "delay open timer expired: OPEN sent"};
            set_state(x, State::open_sent, out);
            return;
        case Event::tcp_connection_valid:
        case Event::tcp_cr_invalid:
            return;  // the driver validates sources; nothing changes here
        case Event::tcp_cr_acked:
        case Event::tcp_connection_confirmed:
            x.tcp_up = true;
            x.connect_retry.reset();
            if (config_.delay_open_time) {
                x.delay_open = now + *config_.delay_open_time;
                return;
            }
            send_open(x, now, out);
            x.hold = now + open_sent_hold;
            pending_ = Reason{Reason::Kind::none, std::nullopt,
                              x.id == ConnId::outgoing ? "connected: OPEN sent"
                                                       : "accepted connection: OPEN sent"};
            set_state(x, State::open_sent, out);
            return;
        case Event::tcp_connection_fails: {
            Reason r{Reason::Kind::tcp_failed, std::nullopt,
                     "TCP connection failed" + (d.text.empty() ? "" : ": " + d.text)};
            if (in_connect && x.id == ConnId::outgoing) {
                // RFC: Active when DelayOpen was running, Idle otherwise. We go to
                // Active with the ConnectRetryTimer either way (as BIRD and FRR):
                // the peer may connect to us meanwhile.
                drop(x, now, out, std::move(r), false, State::active);
                x.connect_retry = now + config_.connect_retry_time;
            } else {
                drop(x, now, out, std::move(r), true);
            }
            return;
        }
        case Event::bgp_open_with_delay_open_timer_running:
            if (d.open == nullptr || !delay_running || !x.tcp_up) return unexpected_event();
            open_received(x, *d.open, true, now, out);
            return;
        case Event::bgp_header_err:
        case Event::bgp_open_msg_err:
            if (d.notification && x.tcp_up) {
                error_with_notification(x, *d.notification, now, out, d.text);
            } else {
                unexpected_event();
            }
            return;
        case Event::notif_msg_ver_err:
            drop(x, now, out,
                 Reason{Reason::Kind::notification_received,
                        d.notification ? std::optional(*d.notification) : std::nullopt,
                        "received NOTIFICATION (version)"},
                 !delay_running);
            return;
        default:
            if (is_start(e)) return;  // ignored outside Idle
            // 8, 10, 11, 13, 19, 23, 25-28.
            return unexpected_event();
    }
}

void Machine::in_open_sent(Conn& x, Event e, TimePoint now, Actions& out, const EventData& d) {
    switch (e) {
        case Event::manual_stop:
        case Event::automatic_stop: {
            auto n = d.notification ? *d.notification
                                    : notif(wire::NotifCode::cease,
                                            wire::cease_subcode::administrative_shutdown);
            send_notification(x, n, now, out);
            const bool manual = e == Event::manual_stop;
            if (manual) connect_retry_counter_ = 0;
            drop(x, now, out,
                 Reason{manual ? Reason::Kind::admin_stop : Reason::Kind::notification_sent, n,
                        std::string(to_string(e)) + ": sent " + n.describe()},
                 !manual);
            return;
        }
        case Event::hold_timer_expires: {
            auto n = notif(wire::NotifCode::hold_timer_expired, 0);
            send_notification(x, n, now, out);
            drop(x, now, out,
                 Reason{Reason::Kind::timer_expired, n,
                        x.state == State::open_sent || !x.neg
                            ? "hold timer expired in OpenSent (" + secs(open_sent_hold) + ")"
                            : "hold timer expired in OpenConfirm (" + secs(x.neg->hold_time) + ")"},
                 true);
            return;
        }
        case Event::tcp_connection_valid:
        case Event::tcp_cr_invalid:
        case Event::tcp_cr_acked:
        case Event::tcp_connection_confirmed:
            return;  // a second connection runs its own FSM (collision tracking)
        case Event::tcp_connection_fails: {
            Reason r{Reason::Kind::tcp_failed, std::nullopt,
                     "TCP connection failed in OpenSent" + (d.text.empty() ? "" : ": " + d.text)};
            if (x.id == ConnId::outgoing) {
                // §8.2.2: close, restart the ConnectRetryTimer, continue to listen: Active.
                drop(x, now, out, std::move(r), false, State::active);
                if (!config_.passive) x.connect_retry = now + config_.connect_retry_time;
            } else {
                drop(x, now, out, std::move(r), false);
            }
            return;
        }
        case Event::bgp_open:
            if (d.open == nullptr) break;
            open_received(x, *d.open, false, now, out);
            return;
        case Event::bgp_header_err:
        case Event::bgp_open_msg_err:
            if (!d.notification) break;
            error_with_notification(x, *d.notification, now, out, d.text);
            return;
        case Event::open_collision_dump: {
            auto n =
                notif(wire::NotifCode::cease, wire::cease_subcode::connection_collision_resolution);
            send_notification(x, n, now, out);
            drop(x, now, out,
                 Reason{Reason::Kind::collision, n,
                        "connection collision (RFC 4271 §6.8): " + d.text},
                 true);
            return;
        }
        case Event::notif_msg_ver_err:
            drop(x, now, out,
                 Reason{Reason::Kind::notification_received,
                        d.notification ? std::optional(*d.notification) : std::nullopt,
                        "received NOTIFICATION in OpenSent"},
                 false);
            return;
        case Event::notif_msg: {
            // RFC: "any other event" (FSM Error). A NOTIFICATION is not answered
            // with one: the peer has already closed.
            Reason r{Reason::Kind::notification_received,
                     d.notification ? std::optional(*d.notification) : std::nullopt,
                     "received " + (d.notification ? d.notification->describe() : "NOTIFICATION")};
            drop(x, now, out, std::move(r), true);
            return;
        }
        default:
            if (is_start(e)) return;
            break;
    }
    // 9, 11, 12, 13, 20, 26, 27, 28: FSM Error (RFC 6608 subcode 1).
    auto n = notif(wire::NotifCode::fsm_error, fsm_error_subcode(x.state));
    error_with_notification(x, n, now, out, std::string(to_string(e)) + " in OpenSent");
}

void Machine::in_open_confirm(Conn& x, Event e, TimePoint now, Actions& out, const EventData& d) {
    switch (e) {
        case Event::manual_stop:
        case Event::automatic_stop:
        case Event::hold_timer_expires:
        case Event::tcp_connection_valid:
        case Event::tcp_cr_invalid:
        case Event::tcp_cr_acked:
        case Event::tcp_connection_confirmed:
        case Event::bgp_header_err:
        case Event::bgp_open_msg_err:
        case Event::open_collision_dump:
        case Event::notif_msg_ver_err:
        case Event::notif_msg:
            // Same actions as in OpenSent (§8.2.2 lists them alike).
            return in_open_sent(x, e, now, out, d);
        case Event::keepalive_timer_expires:
            send(x, wire::Message{wire::Keepalive{}}, now, out);
            if (x.neg && x.neg->keepalive_time.count() > 0)
                x.keepalive = now + x.neg->keepalive_time;
            return;
        case Event::tcp_connection_fails:
            drop(x, now, out,
                 Reason{Reason::Kind::tcp_failed, std::nullopt,
                        "TCP connection failed in OpenConfirm" +
                            (d.text.empty() ? "" : ": " + d.text)},
                 true);
            return;
        case Event::keepalive_msg:
            become_established(x, now, out);
            return;
        default:
            if (is_start(e)) return;
            break;
    }
    // 9, 12, 13, 19 (a second OPEN on this connection), 20, 27, 28: FSM Error.
    auto n = notif(wire::NotifCode::fsm_error, fsm_error_subcode(x.state));
    error_with_notification(x, n, now, out, std::string(to_string(e)) + " in OpenConfirm");
}

void Machine::in_established(Conn& x, Event e, TimePoint now, Actions& out, const EventData& d) {
    switch (e) {
        case Event::manual_stop:
        case Event::automatic_stop:
        case Event::tcp_connection_valid:
        case Event::tcp_cr_invalid:
        case Event::tcp_cr_acked:
        case Event::tcp_connection_confirmed:
        case Event::bgp_header_err:
        case Event::bgp_open_msg_err:
        case Event::open_collision_dump:
            return in_open_sent(x, e, now, out, d);
        case Event::hold_timer_expires: {
            auto n = notif(wire::NotifCode::hold_timer_expired, 0);
            send_notification(x, n, now, out);
            const auto hold = x.neg ? x.neg->hold_time : config_.hold_time;
            drop(x, now, out,
                 Reason{Reason::Kind::timer_expired, n, "hold timer expired (" + secs(hold) + ")"},
                 true);
            return;
        }
        case Event::keepalive_timer_expires:
            send(x, wire::Message{wire::Keepalive{}}, now, out);
            if (x.neg && x.neg->keepalive_time.count() > 0)
                x.keepalive = now + x.neg->keepalive_time;
            return;
        case Event::tcp_connection_fails:
            drop(x, now, out,
                 Reason{Reason::Kind::tcp_failed, std::nullopt,
                        "TCP connection failed" + (d.text.empty() ? "" : ": " + d.text)},
                 true);
            return;
        case Event::notif_msg_ver_err:
        case Event::notif_msg:
            drop(x, now, out,
                 Reason{
                     Reason::Kind::notification_received,
                     d.notification ? std::optional(*d.notification) : std::nullopt,
                     "received " + (d.notification ? d.notification->describe() : "NOTIFICATION")},
                 true);
            return;
        case Event::keepalive_msg:
            if (x.neg && x.neg->hold_time.count() > 0) x.hold = now + x.neg->hold_time;
            return;
        case Event::update_msg:
            if (x.neg && x.neg->hold_time.count() > 0) x.hold = now + x.neg->hold_time;
            if (d.message) established_message(x, *d.message, now, out);
            return;
        case Event::update_msg_err:
            if (!d.notification) break;
            error_with_notification(x, *d.notification, now, out, d.text);
            return;
        default:
            if (is_start(e)) return;
            break;
    }
    // 9, 12, 13, 19, 20: FSM Error (RFC 6608 subcode 3).
    auto n = notif(wire::NotifCode::fsm_error, fsm_error_subcode(x.state));
    error_with_notification(x, n, now, out, std::string(to_string(e)) + " in Established");
}

}  // namespace bgp::fsm::detail
