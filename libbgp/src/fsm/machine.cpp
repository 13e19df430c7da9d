// The session around the per-connection RFC 4271 §8 state machines: state
// reporting, sending, dropping a connection (automatic restart with IdleHold
// back-off, graceful-restart hand-off), administrative and TCP events, timers
// (§10, RFC 9687). The event tables are in machine_events.cpp, messages and
// collision detection in machine_messages.cpp; docs/fsm.md has the overview.
#include "fsm/machine.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "bgp/fsm/as4.hpp"
#include "fsm/machine_util.hpp"

namespace bgp::fsm::detail {

namespace {

using std::chrono::seconds;

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
           ga.long_lived_stale_time != gb.long_lived_stale_time || a.hostname != b.hostname;
}

}  // namespace

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
    stop_with(now, out, wire::Notification::shutdown(subcode, message));
}

void Machine::stop_with(TimePoint now, Actions& out, const wire::Notification& n) {
    admin_up_ = false;
    idle_hold_.reset();
    connect_retry_counter_ = 0;
    flap_count_ = 0;
    // The less advanced connection first, so that the session reports one
    // change, from its real state to Idle.
    const bool out_first = c(ConnId::outgoing).state <= c(ConnId::incoming).state;
    for (ConnId id : {out_first ? ConnId::outgoing : ConnId::incoming,
                      out_first ? ConnId::incoming : ConnId::outgoing}) {
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

void Machine::stop_for_restart(TimePoint now, Actions& out, std::string_view message) {
    // RFC 4724 §4.2: a peer that negotiated graceful restart with us keeps our
    // routes (marked stale) when the session ends without a NOTIFICATION. With
    // the N bit (RFC 8538 §4) a NOTIFICATION other than Hard Reset would do as
    // well, but which Cease subcodes count as hard is partly left to each
    // implementation's settings (FRR treats Administrative Reset as hard by
    // default, `bgp hard-administrative-reset`): a bare close works with all.
    // Peers without graceful restart get the usual stop.
    Conn* up = nullptr;
    for (auto& x : conns_)
        if (x.state == State::established && x.tcp_up && x.neg) up = &x;
    const bool gr = up != nullptr && up->neg->graceful_restart;
    if (!gr) {
        stop(now, out, message, wire::cease_subcode::administrative_shutdown);
        return;
    }
    admin_up_ = false;
    idle_hold_.reset();
    connect_retry_counter_ = 0;
    for (auto& x : conns_) {
        if (x.state == State::idle || &x == up) continue;
        drop(x, now, out, Reason{Reason::Kind::admin_stop, std::nullopt, "ManualStop"}, false);
    }
    std::string why = "ManualStop for a graceful restart: connection closed without NOTIFICATION";
    if (!message.empty()) why += " (" + std::string(message) + ")";
    drop(*up, now, out, Reason{Reason::Kind::admin_stop, std::nullopt, std::move(why)}, false);
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
    if (admin_up_ && i.state == State::established && i.neg && i.neg->graceful_restart) {
        // RFC 4724 §4.2 (as FRR does on accept): the peer, which advertised GR,
        // connects again while its connection is Established: it restarted. The
        // old connection goes without a NOTIFICATION, its routes stay (stale),
        // and the new one takes the slot.
        drop(i, now, out,
             Reason{Reason::Kind::tcp_failed, std::nullopt,
                    "peer connected again while Established: restarting (RFC 4724 §4.2)"},
             false, State::idle, false);
        idle_hold_.reset();
        Conn& o = c(ConnId::outgoing);
        if (o.state == State::idle) {
            set_state(o, State::active, out);
            if (!config_.passive) o.connect_retry = now + config_.connect_retry_time;
        }
    }
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
    auto opts = x.neg->send_options();
    Expected<std::vector<std::uint8_t>, wire::EncodeError> bytes = std::vector<std::uint8_t>{};
    if (x.neg->four_octet_as) {
        bytes = wire::encode(wire::Message{update}, opts);
    } else {
        // RFC 6793 §4.2.2: a 2-octet peer gets AS_TRANS plus AS4_PATH / AS4_AGGREGATOR.
        wire::Update old = update;
        add_as4_attributes(old.attributes);
        bytes = wire::encode(wire::Message{std::move(old)}, opts);
    }
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

bool Machine::send_refresh_marker(wire::Family family, std::uint8_t subtype, TimePoint now,
                                  Actions& out) {
    auto id = established_conn();
    if (!id) return false;
    Conn& x = c(*id);
    if (!x.neg->enhanced_route_refresh || !x.neg->has_family(family)) return false;
    if (subtype != wire::route_refresh_subtype::borr &&
        subtype != wire::route_refresh_subtype::eorr)
        return false;
    wire::RouteRefresh rr;
    rr.afi = static_cast<std::uint16_t>(family.afi);
    rr.subtype = subtype;
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
