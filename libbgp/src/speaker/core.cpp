#include "speaker/core.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "speaker/core_peer.hpp"
#include "speaker/export.hpp"

namespace bgp::speaker_detail {

namespace {

bool transport_differs(const PeerConfig& a, const PeerConfig& b) {
    return a.port != b.port || a.local_address != b.local_address || a.password != b.password ||
           a.ttl_security != b.ttl_security || a.multihop != b.multihop;
}

std::string peer_name(const PeerConfig& c, std::uint32_t as) {
    std::string s = c.address.to_string();
    if (as != 0) s += " AS" + std::to_string(as);
    if (!c.description.empty()) s += " (" + c.description + ")";
    return s;
}

}  // namespace

void validate(const PeerConfig& c) {
    if (c.password.size() > 80)
        throw std::invalid_argument("TCP MD5 password longer than 80 octets");
    const auto hold = c.session.hold_time.count();
    if (hold == 1 || hold == 2 || hold < 0 || hold > 65535)
        throw std::invalid_argument("hold time must be 0 or 3..65535 seconds (RFC 4271 §4.2)");
    if (c.session.families.empty()) throw std::invalid_argument("peer has no address family");
    if (c.local_address && c.local_address->afi() != c.address.afi())
        throw std::invalid_argument("local address and peer address of different families");
    // The limits' own checks (limit > 0, threshold <= 100).
    if (c.max_prefix_ipv4) (void)policy::MaxPrefixState(wire::ipv4_unicast, *c.max_prefix_ipv4);
    if (c.max_prefix_ipv6) (void)policy::MaxPrefixState(wire::ipv6_unicast, *c.max_prefix_ipv6);
}

fsm::SessionConfig session_config(const PeerConfig& peer, const SpeakerConfig& speaker) {
    fsm::SessionConfig s = peer.session;
    if (s.local_as == 0) s.local_as = speaker.local_as;
    if (s.router_id == 0) s.router_id = speaker.router_id;
    s.peer_as = peer.peer_as;
    s.peer_address = peer.address;
    s.passive = peer.passive;
    if (speaker.restarting && s.graceful_restart.enabled) {
        s.graceful_restart.restarting = true;
        s.graceful_restart.forwarding_preserved = true;
    }
    return s;
}

Core::Core(SpeakerConfig config, Transport& transport, Logger& log)
    : config_(std::move(config)),
      transport_(transport),
      log_(log),
      routing_(std::make_unique<Routing>(config_)) {}

Core::~Core() = default;

Core::PeerPtr Core::find(const wire::IpAddress& address) const {
    auto it = peers_.find(address);
    return it == peers_.end() ? nullptr : it->second;
}

void Core::run(const PeerPtr& peer, TimePoint now,
               const std::function<void(fsm::Session&, fsm::Actions&)>& call) {
    fsm::Actions out;
    call(peer->session, out);
    perform(peer, out, now);
    if (peer->removed) return;
    if (peer->remove_when_idle && peer->session.state() == fsm::State::idle) {
        log_.log(LogLevel::info, "peer {}: dynamic peer removed (session down)",
                 peer_name(peer->config, peer->peer_as()));
        erase_peer(peer, now);
        return;
    }
    auto deadline = peer->session.next_deadline();
    if (peer->held_until && (!deadline || *peer->held_until < *deadline))
        deadline = peer->held_until;
    if (deferral_until_ && (!deadline || *deferral_until_ < *deadline)) deadline = deferral_until_;
    transport_.set_deadline(peer->config.address, deadline);
    if (deferral_until_) deferral_check(now);
}

void Core::deferral_check(TimePoint now) {
    // RFC 4724 §4.1: after our restart, selection waits for End-of-RIB from
    // every peer that kept our routes (or the Selection_Deferral_Timer).
    if (!deferral_until_ || stopping_all_ || !running_) return;
    if (now < *deferral_until_) {
        // What the peer still owes, or "" when it owes nothing.
        auto owes = [](const Peer& p) -> std::string {
            if (p.removed || p.admin_down) return {};
            if (p.session.state() == fsm::State::established) {
                const auto* n = p.session.negotiated();
                if (n == nullptr || !n->graceful_restart) return {};
                for (auto f : n->families)
                    if (std::find(p.eor_received.begin(), p.eor_received.end(), f) ==
                        p.eor_received.end())
                        return "End-of-RIB " + f.name();
                return {};
            }
            if (!p.dynamic && p.config.session.graceful_restart.enabled) return "Established";
            return {};
        };
        // Start at the peer the last check waited for: one step per event while it
        // still owes, and a single pass over the peers as they catch up in turn.
        auto it = peers_.lower_bound(deferral_cursor_);
        for (std::size_t i = 0; i < peers_.size(); ++i, ++it) {
            if (it == peers_.end()) it = peers_.begin();
            if (std::string owed = owes(*it->second); !owed.empty()) {
                if (it->first != deferral_cursor_)
                    log_.log(LogLevel::debug,
                             "graceful restart: selection deferred: waiting for {} ({})",
                             it->first.to_string(), owed);
                deferral_cursor_ = it->first;
                return;
            }
        }
    }
    log_.log(LogLevel::info, "graceful restart: selection deferral over ({}): advertising",
             now >= *deferral_until_ ? "deferral time passed" : "every End-of-RIB received");
    deferral_until_.reset();
    auto snapshot = peers_;
    for (const auto& entry : snapshot) {  // (no structured binding: clang 14 cannot capture one)
        const PeerPtr& p = entry.second;
        if (!p->removed && p->session.state() == fsm::State::established)
            run(p, now, [&](fsm::Session&, fsm::Actions&) { send_initial_table(p, now); });
    }
}

void Core::perform(const PeerPtr& peer, fsm::Actions& actions, TimePoint now) {
    const auto& addr = peer->config.address;
    for (auto& action : actions) {
        if (peer->removed) return;
        if (auto* send = std::get_if<fsm::SendAction>(&action)) {
            if (send->type == wire::MessageType::update) ++peer->updates_sent;
            if (log_.enabled(LogLevel::trace))
                log_.log(LogLevel::trace, "peer {}: send {} ({} octets)", addr.to_string(),
                         wire::message_type_name(static_cast<std::uint8_t>(send->type)),
                         send->bytes ? send->bytes->size() : 0);
            transport_.send(addr, send->conn, std::move(send->bytes));
        } else if (std::holds_alternative<fsm::ConnectAction>(action)) {
            if (running_ && !peer->admin_down) transport_.connect(peer->config);
        } else if (auto* close = std::get_if<fsm::CloseAction>(&action)) {
            transport_.close(addr, close->conn, close->flush);
        } else if (auto* change = std::get_if<fsm::StateChangeAction>(&action)) {
            on_state(peer, *change, now);
        } else if (auto* upd = std::get_if<fsm::UpdateAction>(&action)) {
            ++peer->updates_received;
            notify(update_subs_, log_, addr, upd->update);
            if (peer->removed) return;
            if (config_.keep_received_routes)
                peer->table.apply(upd->update, [&](RouteEvent::Kind k, const ReceivedRoute& r) {
                    emit_route(*peer, k, r);
                });
            rib_update(peer, upd->update);
            const bool torn_down = max_prefix_check(peer, now);
            rib_changed(now);
            if (peer->removed || torn_down) return;
        } else if (auto* rr = std::get_if<fsm::RouteRefreshAction>(&action)) {
            const wire::Family f{static_cast<wire::Afi>(rr->refresh.afi),
                                 static_cast<wire::Safi>(rr->refresh.safi)};
            // Only a plain request (RFC 2918) asks for our routes again. BoRR / EoRR
            // (RFC 7313 §4) frame the peer's own re-advertisement: the routes it
            // does not re-send between them are withdrawn, as after a graceful
            // restart (mark stale at BoRR, sweep at EoRR).
            if (rr->refresh.subtype != wire::route_refresh_subtype::normal) {
                const bool borr = rr->refresh.subtype == wire::route_refresh_subtype::borr;
                log_.log(LogLevel::debug, "peer {}: enhanced route refresh {} for {}",
                         addr.to_string(), borr ? "BoRR" : "EoRR", f.name());
                fsm::GrStaleAction mark;
                mark.what = borr ? fsm::GrStaleAction::What::mark_stale
                                 : fsm::GrStaleAction::What::flush_stale;
                mark.families = {f};
                mark.why = borr ? "enhanced route refresh: BoRR" : "enhanced route refresh: EoRR";
                if (config_.keep_received_routes)
                    peer->table.apply(mark, [&](RouteEvent::Kind k, const ReceivedRoute& r) {
                        emit_route(*peer, k, r);
                    });
                rib_stale(peer, mark);
                rib_changed(now);
                if (peer->removed) return;
                continue;
            }
            log_.log(LogLevel::info, "peer {}: route refresh requested for {}", addr.to_string(),
                     f.name());
            if (peer->config.export_routes) {
                // RFC 7313 §4: with enhanced route refresh, the re-advertisement is
                // framed by BoRR and EoRR (send_refresh_marker does nothing otherwise);
                // EoRR goes once the queued routes are sent (pump).
                fsm::Actions more;
                (void)peer->session.send_refresh_marker(f, wire::route_refresh_subtype::borr, now,
                                                        more);
                perform(peer, more, now);
                if (peer->removed) return;
                if (config_.forward_routes) {
                    groups_refresh(peer, f);
                } else {
                    queue_family(peer, f);
                    peer->eorr_due.push_back(f);
                }
                pump(peer, now);
                if (peer->removed) return;
            }
        } else if (auto* gr = std::get_if<fsm::GrStaleAction>(&action)) {
            log_.log(LogLevel::info, "peer {}: graceful restart: {} ({})", addr.to_string(),
                     gr->what == fsm::GrStaleAction::What::mark_stale    ? "routes marked stale"
                     : gr->what == fsm::GrStaleAction::What::llgr_stale  ? "routes long-lived stale"
                     : gr->what == fsm::GrStaleAction::What::flush_stale ? "stale routes swept"
                                                                         : "routes dropped",
                     gr->why);
            if (config_.keep_received_routes)
                peer->table.apply(*gr, [&](RouteEvent::Kind k, const ReceivedRoute& r) {
                    emit_route(*peer, k, r);
                });
            rib_stale(peer, *gr);
            rib_changed(now);
            if (peer->removed) return;
        } else if (auto* eor = std::get_if<fsm::EndOfRibAction>(&action)) {
            log_.log(LogLevel::debug, "peer {}: End-of-RIB {}", addr.to_string(),
                     eor->family.name());
            ReceivedRoute r;
            r.family = eor->family;
            peer->eor_received.push_back(eor->family);
            emit_route(*peer, RouteEvent::Kind::end_of_rib, r);
        }
    }
}

void Core::on_state(const PeerPtr& peer, const fsm::StateChangeAction& change, TimePoint now) {
    const auto& reason = change.reason;
    std::string why = reason.text;
    if (reason.notification) {
        const auto described = reason.notification->describe();
        if (why.find(described) == std::string::npos) why += (why.empty() ? "" : ": ") + described;
    }
    if (reason.notification && (change.to == fsm::State::idle || change.to == fsm::State::active)) {
        const bool sent = reason.kind != fsm::Reason::Kind::notification_received;
        ++(sent ? peer->notifications_sent : peer->notifications_received);
        ++notifications_[{sent, reason.notification->code, reason.notification->subcode}];
    }
    if (change.to == fsm::State::established) {
        peer->established_since = now;
        if (const auto* n = peer->session.negotiated()) peer->learnt_as = n->peer_as;
    }
    const bool down = change.from == fsm::State::established;
    log_.log(down ? LogLevel::warning : LogLevel::info, "peer {}: {} -> {}{}{}",
             peer_name(peer->config, peer->peer_as()), fsm::to_string(change.from),
             fsm::to_string(change.to), why.empty() ? "" : ": ", why);

    if (down && change.to != fsm::State::established) {
        peer->established_since.reset();
        const auto* n = peer->session.negotiated();
        rib_session_down(peer);
        if (n == nullptr || !n->graceful_restart) {
            if (config_.keep_received_routes)
                peer->table.apply(
                    fsm::GrStaleAction{fsm::GrStaleAction::What::flush_all, {}, "session down"},
                    [&](RouteEvent::Kind k, const ReceivedRoute& r) { emit_route(*peer, k, r); });
            rib_drop(peer, {});
        }
        rib_changed(now);
        if (peer->removed) return;
    }
    if (peer->dynamic && change.to == fsm::State::idle) peer->remove_when_idle = true;

    if (change.from == fsm::State::established || change.to == fsm::State::established) {
        peer->dirty.clear();
        peer->eor_due.clear();
        peer->eorr_due.clear();
        peer->eor_received.clear();
    }
    if (change.to == fsm::State::established) {
        if (peer->max4) peer->max4->reset();
        if (peer->max6) peer->max6->reset();
        rib_up(peer);
        if (!deferral_until_) send_initial_table(peer, now);  // else when the deferral ends
        if (peer->removed) return;
    }

    PeerEvent ev;
    ev.peer = peer->config.address;
    ev.peer_as = peer->peer_as();
    ev.from = change.from;
    ev.to = change.to;
    ev.reason = change.reason;
    if (change.to == fsm::State::established)
        if (const auto* n = peer->session.negotiated()) ev.negotiated = *n;
    notify(state_subs_, log_, ev);
}

namespace {

ExportContext export_context(const PeerConfig& config, const fsm::Session& session,
                             const Transport& transport) {
    ExportContext ctx;
    const auto* n = session.negotiated();
    ctx.ibgp = n != nullptr && n->ibgp;
    ctx.four_octet_as = n == nullptr || n->four_octet_as;
    ctx.local_as = session.config().local_as;
    std::optional<wire::IpAddress> local;
    if (auto conn = session.established_conn())
        local = transport.local_address(config.address, *conn);
    if (!local) local = config.local_address;
    ctx.self_ipv4 = config.next_hop_ipv4;
    ctx.self_ipv6 = config.next_hop_ipv6;
    if (local && local->is_v4() && !ctx.self_ipv4) ctx.self_ipv4 = local;
    if (local && local->is_v6() && !ctx.self_ipv6) ctx.self_ipv6 = local;
    return ctx;
}

}  // namespace

void Core::queue_family(const PeerPtr& peer, wire::Family family) {
    for (const auto& [prefix, attrs] : announced_)
        if (family_of(prefix) == family) peer->dirty.insert(prefix);
}

void Core::send_initial_table(const PeerPtr& peer, TimePoint now) {
    const auto* n = peer->session.negotiated();
    if (n == nullptr) return;
    // RFC 4724 §2: End-of-RIB after the initial table, for every family.
    if (config_.forward_routes) {
        groups_join(peer);  // IPv4 / IPv6 unicast: End-of-RIB from the group
        for (auto f : n->families)
            if (f != wire::ipv4_unicast && f != wire::ipv6_unicast) peer->eor_due.push_back(f);
    } else {
        if (peer->config.export_routes)
            for (auto f : n->families)
                if (f == wire::ipv4_unicast || f == wire::ipv6_unicast) queue_family(peer, f);
        peer->eor_due = n->families;
    }
    pump(peer, now);
}

void Core::pump(const PeerPtr& peer, TimePoint now) {
    if (peer->removed || peer->session.state() != fsm::State::established) return;
    const auto* n = peer->session.negotiated();
    if (n == nullptr) return;
    const auto& addr = peer->config.address;
    // Keep the peer's queue short: a table larger than the write-queue limit
    // goes out as the peer reads, and a peer that stops reading holds only
    // this much (its send hold timer, RFC 9687, then ends the session).
    const std::size_t low_water = config_.write_queue_limit / 4;
    constexpr std::size_t batch = 1024;
    const auto opts = n->send_options();
    bool warned = false;
    if (config_.forward_routes) {
        groups_pump(peer, now);
        if (peer->removed || peer->session.state() != fsm::State::established) return;
    }
    while (!config_.forward_routes && !peer->dirty.empty() &&
           transport_.queued_bytes(addr) < low_water) {
        // The next batch, grouped by family and attribute set (nullptr:
        // withdrawn, or no longer exported to this peer), so that each UPDATE
        // carries many prefixes.
        std::map<std::pair<wire::Family, const wire::PathAttributes*>, std::vector<wire::Prefix>>
            groups;
        for (std::size_t i = 0; i < batch && !peer->dirty.empty(); ++i) {
            auto node = peer->dirty.extract(peer->dirty.begin());
            const wire::Prefix& prefix = node.value();
            const auto family = family_of(prefix);
            if (!n->has_family(family)) continue;
            const wire::PathAttributes* attrs = nullptr;
            if (peer->config.export_routes)
                if (auto it = announced_.find(prefix); it != announced_.end())
                    attrs = it->second.get();
            groups[{family, attrs}].push_back(prefix);
        }
        const auto ctx = export_context(peer->config, peer->session, transport_);
        for (auto& [key, prefixes] : groups) {
            if (peer->removed || peer->session.state() != fsm::State::established) return;
            if (transport_.queued_bytes(addr) >= low_water) {
                // Full again: the rest waits for the next write progress.
                peer->dirty.insert(prefixes.begin(), prefixes.end());
                continue;
            }
            const auto family = key.first;
            std::optional<wire::PathAttributes> exported;
            if (key.second != nullptr) {
                exported = export_attributes(*key.second, family, ctx);
                if (!exported) {
                    if (!warned)
                        log_.log(LogLevel::warning,
                                 "peer {}: route(s) of {} not sent: no next hop of that family "
                                 "(set PeerConfig::next_hop_{})",
                                 addr.to_string(), family.name(),
                                 family.afi == wire::Afi::ipv6 ? "ipv6" : "ipv4");
                    warned = true;
                    continue;
                }
            }
            const auto updates = exported ? build_announcements(family, *exported, prefixes, opts)
                                          : build_withdrawals(family, prefixes, opts);
            fsm::Actions out;
            for (const auto& u : updates)
                if (!peer->session.send_update(u, now, out))
                    log_.log(LogLevel::warning, "peer {}: an UPDATE of {} could not be sent",
                             addr.to_string(), family.name());
            perform(peer, out, now);
        }
        if (peer->removed || peer->session.state() != fsm::State::established) return;
    }
    if (!peer->dirty.empty()) return;
    fsm::Actions out;
    for (auto f : std::exchange(peer->eor_due, {}))
        peer->session.send_update(wire::make_end_of_rib(f), now, out);
    for (auto f : std::exchange(peer->eorr_due, {}))
        (void)peer->session.send_refresh_marker(f, wire::route_refresh_subtype::eorr, now, out);
    if (!out.empty()) perform(peer, out, now);
}

void Core::export_change(const wire::Prefix& prefix, TimePoint now) {
    rib_changed(now);  // with forward_routes, local routes reach the peers through the RIB
    if (config_.forward_routes) return;
    const auto family = family_of(prefix);
    auto snapshot = peers_;  // handlers may add or remove peers
    for (const auto& [addr, peer] : snapshot) {
        if (peer->removed || !peer->config.export_routes) continue;
        if (peer->session.state() != fsm::State::established) continue;
        const auto* n = peer->session.negotiated();
        if (n == nullptr || !n->has_family(family)) continue;
        peer->dirty.insert(prefix);
        pump(peer, now);
        if (!peer->removed) transport_.set_deadline(addr, peer->session.next_deadline());
    }
}

void Core::emit_route(const Peer& peer, RouteEvent::Kind kind, const ReceivedRoute& route) {
    if (log_.enabled(LogLevel::debug) && kind != RouteEvent::Kind::end_of_rib)
        log_.log(LogLevel::debug, "peer {}: {} {}", peer.config.address.to_string(),
                 to_string(kind), route.prefix.to_string());
    RouteEvent ev;
    ev.kind = kind;
    ev.peer = peer.config.address;
    ev.peer_as = peer.peer_as();
    ev.route = route;
    notify(route_subs_, log_, ev);
}

void Core::erase_peer(const PeerPtr& peer, TimePoint now) {
    peer->removed = true;
    peer->table.clear([&](RouteEvent::Kind k, const ReceivedRoute& r) { emit_route(*peer, k, r); });
    rib_session_down(peer);
    rib_drop(peer, {});
    peers_.erase(peer->config.address);
    transport_.forget(peer->config.address);
    rib_changed(now);
}

// ---- lifecycle and peers -------------------------------------------------------------

void Core::start(TimePoint now) {
    running_ = true;
    stopping_all_ = false;
    if (config_.restarting && !started_once_) {
        deferral_until_ = now + config_.selection_deferral;
        log_.log(LogLevel::info,
                 "graceful restart: restarting (R bit); advertising nothing until every peer "
                 "has sent End-of-RIB, at most {} s",
                 config_.selection_deferral.count());
    }
    started_once_ = true;
    auto snapshot = peers_;
    for (const auto& [addr, peer] : snapshot)
        if (!peer->admin_down && !peer->removed)
            run(peer, now, [&](fsm::Session& s, fsm::Actions& out) { s.start(now, out); });
}

void Core::stop_all(std::string_view message, TimePoint now, bool for_restart) {
    stopping_all_ = true;  // reset by start()
    auto snapshot = peers_;
    for (const auto& [addr, peer] : snapshot) {
        if (peer->removed) continue;
        run(peer, now, [&](fsm::Session& s, fsm::Actions& out) {
            if (for_restart)
                s.stop_for_restart(now, out, message);
            else
                s.stop(now, out, message);
        });
    }
    running_ = false;
    for (const auto& [addr, peer] : peers_) transport_.set_deadline(addr, std::nullopt);
}

void Core::add_peer(PeerConfig config, TimePoint now, bool dynamic) {
    validate(config);
    if (config.address.is_unspecified()) throw std::invalid_argument("peer address missing");
    if (peers_.count(config.address) != 0)
        throw std::invalid_argument("peer " + config.address.to_string() + " exists already");
    auto sc = session_config(config, config_);
    auto peer = std::make_shared<Peer>(std::move(config), std::move(sc));
    peer->dynamic = dynamic;
    max_prefix_setup(*peer);
    peers_.emplace(peer->config.address, peer);
    log_.log(LogLevel::info, "peer {}: added{}{}", peer_name(peer->config, peer->config.peer_as),
             dynamic ? " (dynamic)" : "", peer->config.passive ? " (passive)" : "");
    if (running_) run(peer, now, [&](fsm::Session& s, fsm::Actions& out) { s.start(now, out); });
}

void Core::change_peer(PeerConfig config, TimePoint now) {
    validate(config);
    auto peer = find(config.address);
    if (!peer) throw std::invalid_argument("no peer " + config.address.to_string());
    const bool reset_transport = transport_differs(peer->config, config);
    const bool export_on = !peer->config.export_routes && config.export_routes;
    const bool export_off = peer->config.export_routes && !config.export_routes;
    const bool import_changed = peer->config.import_policy != config.import_policy ||
                                peer->config.allow_own_as != config.allow_own_as;
    const bool export_changed =
        peer->config.export_policy != config.export_policy ||
        peer->config.route_reflector_client != config.route_reflector_client ||
        peer->config.next_hop_self != config.next_hop_self ||
        peer->config.add_path_send != config.add_path_send ||
        peer->config.next_hop_ipv4 != config.next_hop_ipv4 ||
        peer->config.next_hop_ipv6 != config.next_hop_ipv6;
    auto sc = session_config(config, config_);
    const bool limits_changed = peer->config.max_prefix_ipv4 != config.max_prefix_ipv4 ||
                                peer->config.max_prefix_ipv6 != config.max_prefix_ipv6;
    peer->config = std::move(config);
    if (limits_changed) max_prefix_setup(*peer);
    log_.log(LogLevel::info, "peer {}: configuration changed{}",
             peer_name(peer->config, peer->peer_as()),
             reset_transport ? " (transport: session reset)" : "");
    if (reset_transport) {
        run(peer, now, [&](fsm::Session& s, fsm::Actions& out) {
            s.stop(now, out, "configuration changed",
                   wire::cease_subcode::other_configuration_change);
        });
        if (peer->removed) return;
    }
    bool was_reset = false;
    run(peer, now, [&](fsm::Session& s, fsm::Actions& out) {
        was_reset = s.reconfigure(std::move(sc), now, out);
    });
    if (peer->removed) return;
    if (reset_transport && running_ && !peer->admin_down)
        run(peer, now, [&](fsm::Session& s, fsm::Actions& out) { s.start(now, out); });
    if (!reset_transport && !was_reset && peer->session.state() == fsm::State::established &&
        (export_on || export_off)) {
        // Export switched on: send every route; off: withdraw them (pump
        // looks at export_routes for each queued prefix).
        if (config_.forward_routes) {
            groups_regroup(peer, now);
        } else if (const auto* n = peer->session.negotiated()) {
            for (auto f : n->families)
                if (f == wire::ipv4_unicast || f == wire::ipv6_unicast) queue_family(peer, f);
        }
        run(peer, now, [&](fsm::Session&, fsm::Actions&) { pump(peer, now); });
    }
    // Policies and routing settings apply in place (the RIB keeps the
    // routes as received): no session reset.
    if (import_changed && !peer->removed) {
        auto& r = *routing_;
        export_caches_clear();
        if (peer->rib4) r.rib4.set_peer(*peer->rib4, peer_info(*peer, wire::ipv4_unicast));
        if (peer->rib6) r.rib6.set_peer(*peer->rib6, peer_info(*peer, wire::ipv6_unicast));
        rib_reimport(peer);
        rib_changed(now);
    }
    if (export_changed && !peer->removed)
        run(peer, now, [&](fsm::Session&, fsm::Actions&) { rib_reexport(peer, now); });
}

bool Core::remove_peer(const wire::IpAddress& address, std::string_view message, TimePoint now) {
    auto peer = find(address);
    if (!peer) return false;
    log_.log(LogLevel::info, "peer {}: removed", peer_name(peer->config, peer->peer_as()));
    run(peer, now, [&](fsm::Session& s, fsm::Actions& out) {
        s.stop(now, out, message, wire::cease_subcode::peer_deconfigured);
    });
    if (!peer->removed) erase_peer(peer, now);
    return true;
}

bool Core::stop_peer(const wire::IpAddress& address, std::string_view message, TimePoint now) {
    auto peer = find(address);
    if (!peer) return false;
    peer->admin_down = true;
    run(peer, now, [&](fsm::Session& s, fsm::Actions& out) { s.stop(now, out, message); });
    return true;
}

bool Core::start_peer(const wire::IpAddress& address, TimePoint now) {
    auto peer = find(address);
    if (!peer) return false;
    peer->admin_down = false;
    peer->held_until.reset();
    if (running_) run(peer, now, [&](fsm::Session& s, fsm::Actions& out) { s.start(now, out); });
    return true;
}

bool Core::reset_peer(const wire::IpAddress& address, std::string_view message, TimePoint now) {
    auto peer = find(address);
    if (!peer) return false;
    run(peer, now, [&](fsm::Session& s, fsm::Actions& out) {
        s.stop(now, out, message, wire::cease_subcode::administrative_reset);
    });
    if (!peer->removed && running_ && !peer->admin_down)
        run(peer, now, [&](fsm::Session& s, fsm::Actions& out) { s.start(now, out); });
    return true;
}

bool Core::refresh_peer(const wire::IpAddress& address, wire::Family family, TimePoint now) {
    auto peer = find(address);
    if (!peer) return false;
    bool sent = false;
    run(peer, now,
        [&](fsm::Session& s, fsm::Actions& out) { sent = s.request_refresh(family, now, out); });
    return sent;
}

bool Core::has_peer(const wire::IpAddress& address) const { return peers_.count(address) != 0; }

const PeerConfig* Core::peer_config(const wire::IpAddress& address) const {
    auto p = find(address);
    return p ? &p->config : nullptr;
}

std::vector<wire::IpAddress> Core::peer_addresses() const {
    std::vector<wire::IpAddress> out;
    for (const auto& [a, p] : peers_) out.push_back(a);
    return out;
}

std::optional<PeerStatus> Core::peer(const wire::IpAddress& address) const {
    auto p = find(address);
    if (!p) return std::nullopt;
    PeerStatus s;
    s.address = address;
    s.peer_as = p->peer_as();
    s.description = p->config.description;
    s.dynamic = p->dynamic;
    s.admin_down = p->admin_down;
    s.state = p->session.state();
    s.established_since = p->established_since;
    if (const auto* n = p->session.negotiated()) s.negotiated = *n;
    s.last_error = p->session.last_error();
    s.flap_count = p->session.flap_count();
    if (config_.keep_received_routes) {
        s.routes_received = p->table.size();
        s.routes_stale = p->table.stale_count();
    } else {
        const auto [received, stale] = rib_counts(*p);
        s.routes_received = received;
        s.routes_stale = stale;
    }
    s.updates_received = p->updates_received;
    s.updates_sent = p->updates_sent;
    s.families = family_counts(*p);
    s.notifications_sent = p->notifications_sent;
    s.notifications_received = p->notifications_received;
    auto info = transport_.info(address);
    s.write_queue_bytes = info.write_queue_bytes;
    s.local_endpoint = std::move(info.local_endpoint);
    s.remote_endpoint = std::move(info.remote_endpoint);
    return s;
}

std::vector<PeerStatus> Core::peers() const {
    std::vector<PeerStatus> out;
    for (const auto& [a, p] : peers_) out.push_back(*peer(a));
    return out;
}

std::vector<ReceivedRoute> Core::received_routes(const wire::IpAddress& address) const {
    auto p = find(address);
    if (!p) return {};
    return config_.keep_received_routes ? p->table.routes() : rib_received(*p);
}

// ---- transport events ----------------------------------------------------------------

void Core::tcp_connected(const wire::IpAddress& address, TimePoint now) {
    if (auto p = find(address))
        run(p, now, [&](fsm::Session& s, fsm::Actions& out) { s.tcp_connected(now, out); });
}

bool Core::tcp_accepted(const wire::IpAddress& address, TimePoint now) {
    auto p = find(address);
    if (!p || p->admin_down || !running_) return false;
    bool ok = false;
    run(p, now, [&](fsm::Session& s, fsm::Actions& out) { ok = s.tcp_accepted(now, out); });
    return ok && !p->removed;
}

void Core::tcp_failed(const wire::IpAddress& address, fsm::ConnId conn, TimePoint now,
                      std::string_view why) {
    if (auto p = find(address))
        run(p, now, [&](fsm::Session& s, fsm::Actions& out) { s.tcp_failed(conn, now, out, why); });
}

void Core::receive(const wire::IpAddress& address, fsm::ConnId conn,
                   std::span<const std::uint8_t> bytes, TimePoint now) {
    if (auto p = find(address))
        run(p, now, [&](fsm::Session& s, fsm::Actions& out) { s.receive(conn, bytes, now, out); });
}

void Core::poll(const wire::IpAddress& address, TimePoint now) {
    auto p = find(address);
    if (!p) return;
    if (p->held_until && now >= *p->held_until) {
        // The maximum-prefix hold-down is over: start again.
        log_.log(LogLevel::info, "peer {}: maximum-prefix restart interval over: starting",
                 peer_name(p->config, p->peer_as()));
        p->held_until.reset();
        p->admin_down = false;
        if (running_) {
            run(p, now, [&](fsm::Session& s, fsm::Actions& out) { s.start(now, out); });
            return;
        }
    }
    run(p, now, [&](fsm::Session& s, fsm::Actions& out) { s.poll(now, out); });
}

void Core::write_progress(const wire::IpAddress& address, TimePoint now, bool drained) {
    auto p = find(address);
    if (!p) return;
    p->session.write_progress(now, drained);
    run(p, now, [&](fsm::Session&, fsm::Actions&) { pump(p, now); });
}

// ---- routes --------------------------------------------------------------------------

void Core::announce(Route route, TimePoint now) {
    const auto& nh = route.attributes.next_hop;
    if (nh && nh->afi() != route.prefix.afi())
        throw std::invalid_argument("next hop " + nh->to_string() + " not of the family of " +
                                    route.prefix.to_string());
    route.attributes.mp_reach.reset();
    route.attributes.mp_unreach.reset();
    route.attributes.layout.clear();
    auto& slot = announced_[route.prefix];
    if (slot && *slot == route.attributes) return;  // unchanged
    auto attrs = intern(std::move(route.attributes));
    slot = attrs;
    log_.log(LogLevel::debug, "announce {}", route.prefix.to_string());
    rib_local(route.prefix, attrs.get());
    export_change(route.prefix, now);
}

std::shared_ptr<const wire::PathAttributes> Core::intern(wire::PathAttributes attributes) {
    // One shared attribute set per distinct value (keyed by its encoding), so
    // that many prefixes with the same attributes cost one copy and the
    // initial table packs them into the same UPDATEs.
    wire::Update probe;
    probe.attributes = attributes;
    auto key = wire::encode(wire::Message{std::move(probe)}, wire::CodecOptions{});
    if (!key) return std::make_shared<const wire::PathAttributes>(std::move(attributes));
    auto it = interned_.find(*key);
    if (it != interned_.end())
        if (auto shared = it->second.lock()) return shared;
    auto shared = std::make_shared<const wire::PathAttributes>(std::move(attributes));
    interned_[std::move(*key)] = shared;
    if (interned_.size() > 2 * announced_.size() + 64)
        std::erase_if(interned_, [](const auto& kv) { return kv.second.expired(); });
    return shared;
}

bool Core::withdraw(const wire::Prefix& prefix, TimePoint now) {
    auto it = announced_.find(prefix);
    if (it == announced_.end()) return false;
    announced_.erase(it);
    log_.log(LogLevel::debug, "withdraw {}", prefix.to_string());
    rib_local(prefix, nullptr);
    export_change(prefix, now);
    return true;
}

std::vector<Route> Core::announced() const {
    std::vector<Route> out;
    for (const auto& [p, a] : announced_) out.push_back(Route{p, *a});
    return out;
}

// ---- subscriptions -------------------------------------------------------------------

SubscriptionId Core::on_state_change(Speaker::StateHandler handler) {
    const auto id = next_subscription_++;
    state_subs_.list.emplace_back(id, std::make_shared<Speaker::StateHandler>(std::move(handler)));
    return id;
}

SubscriptionId Core::on_route(Speaker::RouteHandler handler) {
    const auto id = next_subscription_++;
    route_subs_.list.emplace_back(id, std::make_shared<Speaker::RouteHandler>(std::move(handler)));
    return id;
}

SubscriptionId Core::on_update(Speaker::UpdateHandler handler) {
    const auto id = next_subscription_++;
    update_subs_.list.emplace_back(id,
                                   std::make_shared<Speaker::UpdateHandler>(std::move(handler)));
    return id;
}

SubscriptionId Core::on_best_path(Speaker::BestPathHandler handler) {
    const auto id = next_subscription_++;
    best_subs_.list.emplace_back(id,
                                 std::make_shared<Speaker::BestPathHandler>(std::move(handler)));
    if (!best_feed4_) {
        rib::FeedOptions o;
        o.max_pending = std::numeric_limits<std::size_t>::max();  // polled after every change
        // With ECMP the event carries the multipath set, which can change without the
        // best path changing: report every path change of a prefix then.
        o.all_paths = config_.decision.max_paths > 1;
        best_feed4_ = routing_->rib4.subscribe(o);
        best_feed6_ = routing_->rib6.subscribe(o);
    }
    return id;
}

bool Core::unsubscribe(SubscriptionId id) {
    auto drop = [id](auto& subs) {
        for (auto it = subs.list.begin(); it != subs.list.end(); ++it)
            if (it->first == id) {
                subs.list.erase(it);
                return true;
            }
        return false;
    };
    if (drop(best_subs_)) {
        if (best_subs_.list.empty() && best_feed4_) {
            routing_->rib4.unsubscribe(*best_feed4_);
            routing_->rib6.unsubscribe(*best_feed6_);
            best_feed4_.reset();
            best_feed6_.reset();
        }
        return true;
    }
    return drop(state_subs_) || drop(route_subs_) || drop(update_subs_);
}

}  // namespace bgp::speaker_detail
