// The RFC 4271 §8.2.2 state machine, one instance per TCP connection, and the
// session around them: collision detection (§6.8), automatic restart with
// IdleHold back-off, timers (§10, RFC 9687), framing, and the graceful-restart
// helper. See docs/fsm.md for the event table and the deliberate deviations.
#include "fsm/machine.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "bgp/fsm/as4.hpp"
#include "bgp/fsm/role.hpp"

namespace bgp::fsm::detail {

namespace {

using std::chrono::seconds;

/// §8.2.2 OpenSent: "sets the HoldTimer to a large value (4 minutes suggested)".
constexpr seconds open_sent_hold{240};
constexpr std::uint8_t cease = static_cast<std::uint8_t>(wire::NotifCode::cease);

wire::Notification notif(wire::NotifCode code, std::uint8_t subcode,
                         std::vector<std::uint8_t> data = {}) {
    return wire::Notification{static_cast<std::uint8_t>(code), subcode, std::move(data)};
}

wire::Notification from_error(const wire::DecodeError& e) {
    return wire::Notification{e.code, e.subcode, e.data};
}

void validate(const SessionConfig& c) {
    auto fail = [](const std::string& why) { throw std::invalid_argument("bgp::fsm: " + why); };
    if (c.local_as == 0) fail("local_as must not be 0");
    if (c.router_id == 0) fail("router_id must not be 0 (RFC 6286)");
    if (c.local_as > 0xFFFF && !c.four_octet_as)
        fail("local_as " + std::to_string(c.local_as) + " needs four_octet_as");
    if (c.hold_time.count() < 0 || c.hold_time.count() > 0xFFFF)
        fail("hold_time out of range 0..65535");
    if (c.hold_time.count() == 1 || c.hold_time.count() == 2)
        fail("hold_time of 1 or 2 s is not allowed (RFC 4271 §4.2)");
    if (c.connect_retry_time.count() <= 0) fail("connect_retry_time must be positive");
    if (c.families.empty()) fail("no address family configured");
    if (c.graceful_restart.restart_time.count() > 4095)
        fail("graceful_restart.restart_time above 4095 s (12 bits, RFC 4724)");
    if (c.delay_open_time && c.delay_open_time->count() <= 0)
        fail("delay_open_time must be positive when set");
}

/// Settings carried in the OPEN (or naming the peer): changing one resets the session.
bool needs_reset(const SessionConfig& a, const SessionConfig& b) {
    auto ap = [](const std::vector<AddPathConfig>& v) {
        std::vector<std::tuple<wire::Family, bool, bool>> out;
        for (const auto& x : v) out.emplace_back(x.family, x.receive, x.send);
        return out;
    };
    const auto& ga = a.graceful_restart;
    const auto& gb = b.graceful_restart;
    return a.local_as != b.local_as || a.router_id != b.router_id || a.peer_as != b.peer_as ||
           a.peer_address != b.peer_address || a.families != b.families ||
           a.four_octet_as != b.four_octet_as || a.route_refresh != b.route_refresh ||
           a.enhanced_route_refresh != b.enhanced_route_refresh ||
           a.extended_message != b.extended_message || a.extended_next_hop != b.extended_next_hop ||
           ap(a.add_path) != ap(b.add_path) || a.role != b.role || a.strict_role != b.strict_role ||
           ga.enabled != gb.enabled || ga.restart_time != gb.restart_time ||
           ga.notification != gb.notification ||
           ga.long_lived_stale_time != gb.long_lived_stale_time || a.hostname != b.hostname ||
           a.min_hold_time != b.min_hold_time;
}

std::string secs(seconds s) { return std::to_string(s.count()) + " s"; }

std::uint8_t fsm_error_subcode(State s) {
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

bool is_start(Event e) {
    const auto n = static_cast<int>(e);
    return n == 1 || (n >= 3 && n <= 7);
}

}  // namespace

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

Machine::Machine(SessionConfig config) : config_(std::move(config)) {
    validate(config_);
    local_open_ = make_open(config_);
    conns_[0].id = ConnId::outgoing;
    conns_[1].id = ConnId::incoming;
}

// ---- state bookkeeping --------------------------------------------------------------

State Machine::state() const { return std::max(conns_[0].state, conns_[1].state); }

std::optional<ConnId> Machine::established_conn() const {
    for (const auto& x : conns_)
        if (x.state == State::established) return x.id;
    return std::nullopt;
}

const Negotiated* Machine::negotiated() const { return negotiated_ ? &*negotiated_ : nullptr; }

void Machine::sync(Actions& out) {
    const State now = state();
    if (now == reported_) return;
    out.emplace_back(StateChangeAction{reported_, now, pending_});
    reported_ = now;
}

void Machine::set_state(Conn& x, State s, Actions& out) {
    x.state = s;
    sync(out);
}

// ---- sending ------------------------------------------------------------------------

std::chrono::seconds Machine::send_hold_time(const Conn& x) const {
    if (config_.send_hold_time.count() > 0) return config_.send_hold_time;
    // RFC 9687 §3: the larger of 8 minutes and twice the hold time.
    const auto hold = x.neg ? x.neg->hold_time : config_.hold_time;
    return std::max(seconds(480), 2 * hold);
}

void Machine::send_bytes(Conn& x, std::shared_ptr<const std::vector<std::uint8_t>> bytes,
                         wire::MessageType type, TimePoint now, Actions& out) {
    out.emplace_back(SendAction{x.id, std::move(bytes), type});
    if (send_hold_tracking_ && x.state == State::established && !x.send_hold)
        x.send_hold = now + send_hold_time(x);
}

void Machine::send(Conn& x, const wire::Message& m, TimePoint now, Actions& out) {
    wire::CodecOptions opts;
    if (x.neg) opts = x.neg->send_options();
    auto bytes = wire::encode(m, opts);
    if (!bytes) return;  // OPEN / KEEPALIVE / NOTIFICATION / ROUTE-REFRESH always encode
    send_bytes(x, std::make_shared<const std::vector<std::uint8_t>>(std::move(*bytes)),
               wire::type_of(m), now, out);
}

void Machine::send_notification(Conn& x, wire::Notification n, TimePoint now, Actions& out) {
    send(x, wire::Message{std::move(n)}, now, out);
}

void Machine::send_open(Conn& x, TimePoint now, Actions& out) {
    send(x, wire::Message{local_open_}, now, out);
}

wire::Notification Machine::wrap_hard_reset(const Conn& x, wire::Notification n) const {
    // RFC 8538 §3 and §5: with the N bit exchanged, the Cease subcodes that
    // must not leave stale routes behind are sent as Hard Reset.
    if (n.code != cease || !x.neg) return n;
    const bool hard = n.subcode == wire::cease_subcode::maximum_prefixes_reached ||
                      n.subcode == wire::cease_subcode::administrative_shutdown ||
                      n.subcode == wire::cease_subcode::peer_deconfigured ||
                      n.subcode == wire::cease_subcode::administrative_reset;
    const auto* ours = x.neg->local_open.find<wire::CapGracefulRestart>();
    const auto& theirs = x.neg->peer_graceful_restart;
    if (!hard || !ours || !ours->notification || !theirs || !theirs->notification) return n;
    wire::Notification h{cease, wire::cease_subcode::hard_reset, {n.code, n.subcode}};
    h.data.insert(h.data.end(), n.data.begin(), n.data.end());
    return h;
}

// ---- connection life ----------------------------------------------------------------

void Machine::connect(Conn& x, TimePoint now, Actions& out) {
    x.connect_retry = now + config_.connect_retry_time;
    out.emplace_back(ConnectAction{});
    set_state(x, State::connect, out);
}

void Machine::drop(Conn& x, TimePoint now, Actions& out, Reason reason, bool error, State next,
                   bool flush) {
    const bool was_established = x.state == State::established;
    if (x.tcp_up || x.state == State::connect) out.emplace_back(CloseAction{x.id, flush});
    std::optional<Negotiated> neg = std::move(x.neg);
    const auto established_at = x.established_at;
    x.tcp_up = false;
    ++x.gen;
    x.connect_retry.reset();
    x.hold.reset();
    x.keepalive.reset();
    x.delay_open.reset();
    x.send_hold.reset();
    x.rx.clear();
    x.neg.reset();
    if (error) ++connect_retry_counter_;
    pending_ = reason;
    set_state(x, next, out);
    if (was_established && neg) {
        last_error_ = reason;
        // A session that stayed up for idle_hold_max forgets its earlier flaps.
        if (now - established_at >= config_.idle_hold_max) flap_count_ = 0;
        gr_.session_down(*neg, gr_eligible(*neg, reason), now, out);
    } else if (error && reason.kind != Reason::Kind::collision) {
        last_error_ = reason;
    }
    if (conns_[0].state == State::idle && conns_[1].state == State::idle && admin_up_ &&
        !idle_hold_) {
        // §8.1.1 DampPeerOscillations: automatic restart after IdleHoldTime,
        // doubled per consecutive flap up to idle_hold_max.
        if (error || was_established) ++flap_count_;
        const std::uint32_t n =
            std::min<std::uint32_t>(std::max<std::uint32_t>(flap_count_, 1), 20);
        auto delay = config_.idle_hold_time * (std::int64_t{1} << (n - 1));
        if (delay > config_.idle_hold_max)
            delay = std::max(config_.idle_hold_max, config_.idle_hold_time);
        idle_hold_ = now + delay;
    }
}

bool Machine::gr_eligible(const Negotiated& neg, const Reason& reason) const {
    switch (reason.kind) {
        case Reason::Kind::tcp_failed:
        case Reason::Kind::timer_expired:
        case Reason::Kind::collision:
            return true;
        case Reason::Kind::notification_sent:
        case Reason::Kind::notification_received: {
            // RFC 8538 §4: with the N bit exchanged, any NOTIFICATION but Hard Reset.
            if (!reason.notification) return true;
            const auto& n = *reason.notification;
            if (n.code == cease && n.subcode == wire::cease_subcode::hard_reset) return false;
            const auto* ours = neg.local_open.find<wire::CapGracefulRestart>();
            return ours && ours->notification && neg.peer_graceful_restart &&
                   neg.peer_graceful_restart->notification;
        }
        default:
            return false;
    }
}

void Machine::error_with_notification(Conn& x, const wire::Notification& n, TimePoint now,
                                      Actions& out, std::string text) {
    send_notification(x, n, now, out);
    drop(x, now, out, Reason{Reason::Kind::notification_sent, n, text + ": sent " + n.describe()},
         true);
}

void Machine::automatic_start(TimePoint now, Actions& out) {
    Conn& o = c(ConnId::outgoing);
    if (!admin_up_ || o.state != State::idle || c(ConnId::incoming).state != State::idle) return;
    if (config_.passive) {
        // ManualStart_with_PassiveTcpEstablishment: Active, waiting for the peer.
        set_state(o, State::active, out);
    } else {
        connect(o, now, out);
    }
}

// ---- administrative and TCP events --------------------------------------------------

void Machine::start(TimePoint now, Actions& out) {
    if (admin_up_) return;  // §8.2.2: start events are ignored outside Idle
    admin_up_ = true;
    connect_retry_counter_ = 0;
    flap_count_ = 0;
    idle_hold_.reset();
    pending_ = Reason{Reason::Kind::admin_start, std::nullopt,
                      config_.passive ? "ManualStart (passive)" : "ManualStart"};
    automatic_start(now, out);
}

void Machine::stop(TimePoint now, Actions& out, std::string_view message, std::uint8_t subcode) {
    admin_up_ = false;
    idle_hold_.reset();
    connect_retry_counter_ = 0;
    flap_count_ = 0;
    const auto n = wire::Notification::shutdown(subcode, message);
    // The established connection first, so that its state change is the one reported.
    for (ConnId id : {ConnId::incoming, ConnId::outgoing}) {
        Conn& x = c(id);
        if (x.state == State::idle) continue;
        Reason r{Reason::Kind::admin_stop, std::nullopt, "ManualStop"};
        if (x.tcp_up) {
            auto sent = wrap_hard_reset(x, n);
            r.text = "ManualStop: sent " + sent.describe();
            send_notification(x, sent, now, out);
            r.notification = std::move(sent);
        }
        drop(x, now, out, std::move(r), false);
    }
    gr_.abandon(out, "session administratively stopped");
}

bool Machine::reconfigure(SessionConfig config, TimePoint now, Actions& out) {
    validate(config);
    const bool reset = needs_reset(config_, config);
    const bool was_passive = config_.passive;
    config_ = std::move(config);
    local_open_ = make_open(config_);  // hold time, R and F bits: for the next OPEN
    Conn& o = c(ConnId::outgoing);
    if (admin_up_ && was_passive != config_.passive && !o.tcp_up) {
        // Passive <-> active applies at once to an outgoing FSM that is waiting.
        if (config_.passive && o.state == State::connect) {
            drop(o, now, out, Reason{Reason::Kind::none, std::nullopt, "now passive"}, false,
                 State::active);
        } else if (config_.passive && o.state == State::active) {
            o.connect_retry.reset();
        } else if (!config_.passive && o.state == State::active && !o.connect_retry) {
            pending_ = Reason{Reason::Kind::none, std::nullopt, "no longer passive"};
            connect(o, now, out);
        }
    }
    if (!reset) return false;
    bool any = false;
    for (auto& x : conns_) {
        if (x.state < State::open_sent) continue;  // our OPEN not sent yet: nothing to undo
        any = true;
        auto n = notif(wire::NotifCode::cease, wire::cease_subcode::other_configuration_change);
        send_notification(x, n, now, out);
        drop(x, now, out,
             Reason{Reason::Kind::notification_sent, n,
                    "configuration changed: sent " + n.describe()},
             false);
    }
    if (any && admin_up_ && conns_[0].state == State::idle && conns_[1].state == State::idle) {
        idle_hold_.reset();  // not a flap: come back at once
        pending_ = Reason{Reason::Kind::admin_start, std::nullopt, "restart after reconfiguration"};
        automatic_start(now, out);
    }
    return any;
}

void Machine::tcp_connected(TimePoint now, Actions& out) {
    Conn& o = c(ConnId::outgoing);
    if (o.state != State::connect || o.tcp_up) return;  // a late completion of a closed attempt
    handle(o, Event::tcp_cr_acked, now, out, {});
}

bool Machine::tcp_accepted(TimePoint now, Actions& out) {
    Conn& i = c(ConnId::incoming);
    // §8.2.2 Idle refuses connections; one incoming connection at a time.
    if (!admin_up_ || c(ConnId::outgoing).state == State::idle || i.state != State::idle)
        return false;
    i.state = State::active;  // the RFC FSM that accepts a connection is waiting in Active
    handle(i, Event::tcp_connection_confirmed, now, out, {});
    return true;
}

void Machine::tcp_failed(ConnId id, TimePoint now, Actions& out, std::string_view why) {
    Conn& x = c(id);
    if (x.state == State::idle) return;
    EventData d;
    d.text = why.empty() ? "connection closed" : std::string(why);
    handle(x, Event::tcp_connection_fails, now, out, d);
}

void Machine::inject(ConnId id, Event e, TimePoint now, Actions& out, EventData data) {
    Conn& x = c(id);
    if (e == Event::manual_stop) {
        stop(now, out, {}, wire::cease_subcode::administrative_shutdown);
    } else if (is_start(e)) {
        if (x.state == State::idle && id == ConnId::outgoing && !admin_up_) {
            const bool passive = config_.passive;
            const auto n = static_cast<int>(e);
            config_.passive = n == 4 || n == 5 || n == 7;
            start(now, out);
            config_.passive = passive;
        }
    } else if (e == Event::idle_hold_timer_expires && x.state == State::idle) {
        idle_hold_.reset();
        automatic_start(now, out);
    } else if (e == Event::tcp_connection_confirmed && id == ConnId::incoming &&
               x.state == State::idle) {
        (void)tcp_accepted(now, out);
    } else {
        handle(x, e, now, out, data);
    }
    sync(out);
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
            } else if (other(x).state >= State::open_sent || config_.passive) {
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
                        "hold timer expired in OpenSent (" + secs(open_sent_hold) + ")"},
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

// ---- OPEN, collision, Established ---------------------------------------------------

void Machine::open_received(Conn& x, const wire::Open& open, bool delay_open_running, TimePoint now,
                            Actions& out) {
    auto r = negotiate(config_, local_open_, open);
    if (!r) {
        // BGPOpenMsgErr (event 22).
        if (delay_open_running) x.delay_open.reset();
        error_with_notification(x, r.error(), now, out, "OPEN refused");
        return;
    }
    x.connect_retry.reset();
    if (delay_open_running) {
        x.delay_open.reset();
        send_open(x, now, out);
    }
    x.neg = std::move(*r);
    if (!resolve_collision(x, now, out)) return;
    send(x, wire::Message{wire::Keepalive{}}, now, out);
    const auto& n = *x.neg;
    x.hold.reset();
    x.keepalive.reset();
    if (n.hold_time.count() > 0) {
        x.hold = now + n.hold_time;
        x.keepalive = now + n.keepalive_time;
    }
    pending_ = Reason{
        Reason::Kind::open_received, std::nullopt,
        "OPEN received: AS " + std::to_string(n.peer_as) + ", hold time " + secs(n.hold_time)};
    set_state(x, State::open_confirm, out);
}

bool Machine::resolve_collision(Conn& x, TimePoint now, Actions& out) {
    Conn& y = other(x);
    if (y.state < State::open_sent) return true;
    if (y.state == State::established) {
        if (y.neg && y.neg->graceful_restart) {
            // RFC 4724 §4.2: a new connection from a peer that advertised GR
            // while the old one is Established means the peer restarted: the
            // old connection goes, its routes are kept stale.
            drop(y, now, out,
                 Reason{Reason::Kind::tcp_failed, std::nullopt,
                        "peer opened a new connection while Established: restarting (RFC 4724 "
                        "§4.2)"},
                 false, State::idle, false);
            return true;
        }
        EventData d;
        d.text = "a connection is already Established";
        handle(x, Event::open_collision_dump, now, out, d);
        return false;
    }
    // §6.8: keep the connection opened by the speaker with the higher BGP
    // identifier; on equal identifiers (RFC 6286 §2.3) the higher AS.
    const std::uint32_t peer_id = x.neg->peer_id;
    const bool keep_incoming = config_.router_id != peer_id ? config_.router_id < peer_id
                                                            : config_.local_as < x.neg->peer_as;
    Conn& loser = keep_incoming ? c(ConnId::outgoing) : c(ConnId::incoming);
    EventData d;
    d.text = keep_incoming ? "peer's identifier is higher: keeping the connection it opened"
                           : "our identifier is higher: keeping the connection we opened";
    handle(loser, Event::open_collision_dump, now, out, d);
    return loser.id != x.id;
}

void Machine::become_established(Conn& x, TimePoint now, Actions& out) {
    const auto& n = *x.neg;
    if (n.hold_time.count() > 0) x.hold = now + n.hold_time;
    x.established_at = now;
    negotiated_ = n;
    pending_ = Reason{Reason::Kind::keepalive_received, std::nullopt, "KEEPALIVE received"};
    set_state(x, State::established, out);
    Conn& y = other(x);
    if (y.state != State::idle) {
        Reason r{Reason::Kind::collision, std::nullopt, "the other connection reached Established"};
        if (y.tcp_up && y.state >= State::open_sent) {
            auto cn =
                notif(wire::NotifCode::cease, wire::cease_subcode::connection_collision_resolution);
            send_notification(y, cn, now, out);
            r.notification = cn;
        }
        drop(y, now, out, std::move(r), false);
        pending_ = Reason{Reason::Kind::keepalive_received, std::nullopt, "KEEPALIVE received"};
    }
    gr_.session_up(n, config_.graceful_restart.stale_path_time, now, out);
}

void Machine::established_message(Conn& x, wire::Message& m, TimePoint now, Actions& out) {
    const auto& n = *x.neg;
    if (auto* rr = std::get_if<wire::RouteRefresh>(&m)) {
        if (!n.route_refresh) {
            // Not negotiated: an unknown message type for this session (as FRR answers).
            auto e =
                notif(wire::NotifCode::message_header_error, wire::header_subcode::bad_message_type,
                      {static_cast<std::uint8_t>(wire::MessageType::route_refresh)});
            error_with_notification(x, e, now, out, "ROUTE-REFRESH without the capability");
            return;
        }
        const wire::Family f{static_cast<wire::Afi>(rr->afi), static_cast<wire::Safi>(rr->safi)};
        // RFC 2918 §4 / RFC 7313 §5: a family not negotiated, or an unknown
        // subtype, is ignored.
        if (!n.has_family(f) || rr->subtype > wire::route_refresh_subtype::eorr) return;
        out.emplace_back(RouteRefreshAction{std::move(*rr)});
        return;
    }
    auto* u = std::get_if<wire::Update>(&m);
    if (u == nullptr) return;
    auto& a = u->attributes;
    // RFC 4760 §7 in practice (BIRD, FRR): MP parts of families that were not
    // negotiated are dropped.
    if (a.mp_reach && !n.has_family(a.mp_reach->family))
        a.erase(static_cast<std::uint8_t>(wire::AttrType::mp_reach_nlri));
    if (a.mp_unreach && !n.has_family(a.mp_unreach->family))
        a.erase(static_cast<std::uint8_t>(wire::AttrType::mp_unreach_nlri));
    if (auto eor = u->end_of_rib()) {
        out.emplace_back(EndOfRibAction{*eor});
        gr_.end_of_rib(*eor, out);
        return;
    }
    // RFC 6793 §4.2.3 (2-octet peer) / §4.1 (4-octet peer).
    if (n.four_octet_as)
        discard_as4_attributes(a);
    else
        reconcile_as4(a);
    // RFC 9234 §5 ingress, on routes (not on withdrawals).
    const bool has_routes = !u->nlri.empty() || (a.mp_reach && !a.mp_reach->nlri.empty());
    if (has_routes && n.local_role && n.peer_role && !u->treat_as_withdraw) {
        if (otc_ingress(*n.local_role, n.peer_as, a) == OtcVerdict::route_leak) {
            u->treat_as_withdraw = true;
            u->errors.push_back(wire::make_error(
                static_cast<std::uint8_t>(wire::NotifCode::update_message_error),
                wire::update_subcode::optional_attribute_error,
                wire::ErrorAction::treat_as_withdraw,
                "route leak: OTC attribute from a " + std::string(n.peer_role == wire::BgpRole::peer
                                                                      ? "peer with another AS"
                                                                      : "customer")));
        }
    }
    if (!has_routes && u->withdrawn.empty() && !a.mp_unreach) return;  // nothing left
    out.emplace_back(UpdateAction{std::move(*u)});
    (void)now;
}

// ---- bytes in -----------------------------------------------------------------------

void Machine::receive(ConnId id, std::span<const std::uint8_t> bytes, TimePoint now, Actions& out) {
    Conn& x = c(id);
    if (x.state == State::idle || !x.tcp_up) return;
    x.rx.insert(x.rx.end(), bytes.begin(), bytes.end());
    process_frames(x, now, out);
    sync(out);
}

void Machine::process_frames(Conn& x, TimePoint now, Actions& out) {
    const std::uint32_t gen = x.gen;
    std::size_t pos = 0;
    // Bounded: every pass consumes one whole message or stops.
    while (x.gen == gen && x.rx.size() - pos >= wire::header_size) {
        wire::CodecOptions hopts;
        const bool negotiated_phase = x.neg && x.state >= State::open_confirm;
        if (negotiated_phase) hopts = x.neg->receive_options();
        const std::span<const std::uint8_t> avail(x.rx.data() + pos, x.rx.size() - pos);
        auto h = wire::decode_header(avail, hopts);
        if (!h) {
            const auto n = from_error(h.error());
            EventData d;
            d.notification = &n;
            d.text = h.error().reason;
            handle(x, Event::bgp_header_err, now, out, d);
            return;
        }
        if (avail.size() < h->length) break;
        const auto frame = avail.first(h->length);
        pos += h->length;
        const auto type = static_cast<wire::MessageType>(h->type);
        EventData d;
        if (type == wire::MessageType::keepalive) {
            handle(x, Event::keepalive_msg, now, out, d);
            continue;
        }
        if ((type == wire::MessageType::update || type == wire::MessageType::route_refresh) &&
            x.state != State::established) {
            d.text = wire::message_type_name(h->type) + " before Established";
            handle(x, Event::update_msg, now, out, d);
            continue;
        }
        auto msg = wire::decode_message(frame, hopts);
        if (!msg) {
            const auto n = from_error(msg.error());
            d.notification = &n;
            d.text = msg.error().reason;
            Event e = Event::update_msg_err;
            if (type == wire::MessageType::open)
                e = n.code == 1 ? Event::bgp_header_err : Event::bgp_open_msg_err;
            else if (type == wire::MessageType::notification) {
                // A NOTIFICATION we cannot read still ends the session.
                e = Event::notif_msg;
                d.notification = nullptr;
            } else if (n.code == 1)
                e = Event::bgp_header_err;
            handle(x, e, now, out, d);
            continue;
        }
        switch (type) {
            case wire::MessageType::open: {
                const auto& open = std::get<wire::Open>(*msg);
                d.open = &open;
                const bool delay = x.delay_open.has_value() &&
                                   (x.state == State::connect || x.state == State::active);
                handle(x, delay ? Event::bgp_open_with_delay_open_timer_running : Event::bgp_open,
                       now, out, d);
                break;
            }
            case wire::MessageType::notification: {
                const auto& n = std::get<wire::Notification>(*msg);
                d.notification = &n;
                const bool version =
                    n.code == static_cast<std::uint8_t>(wire::NotifCode::open_message_error) &&
                    n.subcode == wire::open_subcode::unsupported_version_number;
                handle(x, version ? Event::notif_msg_ver_err : Event::notif_msg, now, out, d);
                break;
            }
            default:
                d.message = &*msg;
                handle(x, Event::update_msg, now, out, d);
                break;
        }
    }
    if (x.gen == gen) x.rx.erase(x.rx.begin(), x.rx.begin() + static_cast<std::ptrdiff_t>(pos));
}

// ---- timers -------------------------------------------------------------------------

std::optional<Machine::TimePoint> Machine::timer(TimerKind k, std::optional<ConnId> id) const {
    auto pick = [&](auto member) {
        std::optional<TimePoint> t;
        for (const auto& x : conns_) {
            if (id && x.id != *id) continue;
            const auto& v = x.*member;
            if (v && (!t || *v < *t)) t = v;
        }
        return t;
    };
    switch (k) {
        case TimerKind::connect_retry:
            return pick(&Conn::connect_retry);
        case TimerKind::hold:
            return pick(&Conn::hold);
        case TimerKind::keepalive:
            return pick(&Conn::keepalive);
        case TimerKind::delay_open:
            return pick(&Conn::delay_open);
        case TimerKind::send_hold:
            return pick(&Conn::send_hold);
        case TimerKind::idle_hold:
            return idle_hold_;
        case TimerKind::gr_restart:
        case TimerKind::gr_stale:
        case TimerKind::llgr_stale:
            return gr_.deadline(k);
    }
    return std::nullopt;
}

std::optional<Machine::TimePoint> Machine::next_deadline() const {
    std::optional<TimePoint> t;
    for (auto k : {TimerKind::connect_retry, TimerKind::hold, TimerKind::keepalive,
                   TimerKind::delay_open, TimerKind::idle_hold, TimerKind::send_hold,
                   TimerKind::gr_restart, TimerKind::gr_stale, TimerKind::llgr_stale}) {
        auto v = timer(k);
        if (v && (!t || *v < *t)) t = v;
    }
    return t;
}

void Machine::poll(TimePoint now, Actions& out) {
    // Fire due timers earliest first. Each firing disarms or re-arms its timer
    // in the future, so the loop ends; the bound is a safeguard.
    for (int guard = 0; guard < 64; ++guard) {
        struct Due {
            TimePoint at;
            TimerKind kind;
            Conn* conn;
        };
        std::optional<Due> best;
        auto consider = [&](const std::optional<TimePoint>& t, TimerKind k, Conn* x) {
            if (t && *t <= now && (!best || *t < best->at)) best = Due{*t, k, x};
        };
        consider(idle_hold_, TimerKind::idle_hold, nullptr);
        for (auto& x : conns_) {
            consider(x.connect_retry, TimerKind::connect_retry, &x);
            consider(x.delay_open, TimerKind::delay_open, &x);
            consider(x.hold, TimerKind::hold, &x);
            consider(x.keepalive, TimerKind::keepalive, &x);
            consider(x.send_hold, TimerKind::send_hold, &x);
        }
        for (auto k : {TimerKind::gr_restart, TimerKind::gr_stale, TimerKind::llgr_stale})
            consider(gr_.deadline(k), k, nullptr);
        if (!best) break;
        Conn* x = best->conn;
        switch (best->kind) {
            case TimerKind::idle_hold:
                idle_hold_.reset();
                pending_ = Reason{Reason::Kind::timer_expired, std::nullopt,
                                  "idle hold timer expired: automatic start"};
                automatic_start(now, out);
                break;
            case TimerKind::connect_retry:
                x->connect_retry.reset();
                handle(*x, Event::connect_retry_timer_expires, now, out, {});
                break;
            case TimerKind::delay_open:
                x->delay_open.reset();
                handle(*x, Event::delay_open_timer_expires, now, out, {});
                break;
            case TimerKind::hold:
                x->hold.reset();
                handle(*x, Event::hold_timer_expires, now, out, {});
                break;
            case TimerKind::keepalive:
                x->keepalive.reset();
                handle(*x, Event::keepalive_timer_expires, now, out, {});
                break;
            case TimerKind::send_hold: {
                x->send_hold.reset();
                // RFC 9687 §4: the peer stopped reading. Try to say so, then close
                // without waiting for the queue.
                auto n = notif(wire::NotifCode::send_hold_timer_expired, 0);
                send_notification(*x, n, now, out);
                drop(*x, now, out,
                     Reason{Reason::Kind::timer_expired, n,
                            "send hold timer expired (" + secs(send_hold_time(*x)) +
                                " without the peer reading)"},
                     true, State::idle, false);
                break;
            }
            case TimerKind::gr_restart:
            case TimerKind::gr_stale:
            case TimerKind::llgr_stale:
                gr_.poll(now, out);
                break;
        }
    }
    sync(out);
}

// ---- sending in Established ---------------------------------------------------------

bool Machine::send_update(const wire::Update& update, TimePoint now, Actions& out) {
    auto id = established_conn();
    if (!id) return false;
    Conn& x = c(*id);
    auto bytes = wire::encode(wire::Message{update}, x.neg->send_options());
    if (!bytes) return false;
    return send_encoded(std::make_shared<const std::vector<std::uint8_t>>(std::move(*bytes)), now,
                        out);
}

bool Machine::send_encoded(std::shared_ptr<const std::vector<std::uint8_t>> bytes, TimePoint now,
                           Actions& out) {
    auto id = established_conn();
    if (!id || !bytes) return false;
    Conn& x = c(*id);
    send_bytes(x, std::move(bytes), wire::MessageType::update, now, out);
    // §8.2.2: sending an UPDATE restarts the KeepaliveTimer.
    if (x.neg->keepalive_time.count() > 0) x.keepalive = now + x.neg->keepalive_time;
    return true;
}

bool Machine::request_refresh(wire::Family family, TimePoint now, Actions& out) {
    auto id = established_conn();
    if (!id) return false;
    Conn& x = c(*id);
    if (!x.neg->route_refresh || !x.neg->has_family(family)) return false;
    wire::RouteRefresh rr;
    rr.afi = static_cast<std::uint16_t>(family.afi);
    rr.safi = static_cast<std::uint8_t>(family.safi);
    send(x, wire::Message{rr}, now, out);
    return true;
}

void Machine::write_progress(TimePoint now, bool drained) {
    send_hold_tracking_ = true;
    auto id = established_conn();
    if (!id) return;
    Conn& x = c(*id);
    if (drained)
        x.send_hold.reset();
    else
        x.send_hold = now + send_hold_time(x);
}

}  // namespace bgp::fsm::detail
