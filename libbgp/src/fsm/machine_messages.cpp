// Messages on a connection: framing and dispatch of received bytes, the OPEN
// exchange, collision detection (RFC 4271 §6.8), reaching Established, and
// what is done with UPDATEs and ROUTE-REFRESHes there.
#include <string>

#include "bgp/fsm/as4.hpp"
#include "bgp/fsm/role.hpp"
#include "fsm/machine.hpp"
#include "fsm/machine_util.hpp"

namespace bgp::fsm::detail {

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
    if (auto eor = u->end_of_rib()) {
        if (!n.has_family(*eor)) return;  // End-of-RIB of a family we do not speak
        out.emplace_back(EndOfRibAction{*eor});
        gr_.end_of_rib(*eor, out);
        return;
    }
    // RFC 4760 §7 in practice (BIRD, FRR): MP parts of families that were not
    // negotiated are dropped.
    if (a.mp_reach && !n.has_family(a.mp_reach->family))
        a.erase(static_cast<std::uint8_t>(wire::AttrType::mp_reach_nlri));
    if (a.mp_unreach && !n.has_family(a.mp_unreach->family))
        a.erase(static_cast<std::uint8_t>(wire::AttrType::mp_unreach_nlri));
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
    if (x.gen != gen) return;
    x.rx.erase(x.rx.begin(), x.rx.begin() + static_cast<std::ptrdiff_t>(pos));
    // After a burst (an initial table), do not keep its buffer for the life of
    // an idle session: thousands of sessions would each pin it.
    if (x.rx.empty() && x.rx.capacity() > 16 * 1024) std::vector<std::uint8_t>().swap(x.rx);
}

}  // namespace bgp::fsm::detail
