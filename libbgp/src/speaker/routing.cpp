// The speaker's RIB side (SpeakerConfig::forward_routes, Speaker::rib()): every
// received UPDATE goes through the peer's import policy into bgp::rib (Adj-RIB-In
// before and after policy, Loc-RIB, RFC 4271 §9.1 decision); with forward_routes,
// each Established peer has an Adj-RIB-Out per family fed from the Loc-RIB through
// the RFC 4271 §9.2 / RFC 4456 export rules and its export policy. Route changes
// reach the peers through the RIB's change feed, paced by pump() like the
// announcer's export.
#include <functional>
#include <limits>
#include <memory>
#include <utility>

#include "bgp/rib/apply_update.hpp"
#include "bgp/rib/export.hpp"
#include "speaker/core.hpp"
#include "speaker/core_peer.hpp"
#include "speaker/export.hpp"

namespace bgp::speaker_detail {

namespace {

rib::RibConfig rib_config(const SpeakerConfig& c) {
    rib::RibConfig r;
    r.local_as = c.local_as;
    r.router_id = c.router_id;
    r.cluster_id = c.cluster_id;
    r.decision = c.decision;
    return r;
}

}  // namespace

Routing::Routing(const SpeakerConfig& config)
    : rib4(store, rib_config(config)), rib6(store, rib_config(config)) {
    if (config.forward_routes) {
        rib::FeedOptions o;
        o.max_pending = std::numeric_limits<std::size_t>::max();  // polled after every change
        o.all_paths = true;                                       // ADD-PATH peers see every path
        feed4 = rib4.subscribe(o);
        feed6 = rib6.subscribe(o);
    }
}

std::string Core::peer_label(const Peer& peer) const {
    std::string s = peer.config.address.to_string();
    if (peer.peer_as() != 0) s += " AS" + std::to_string(peer.peer_as());
    return s;
}

rib::PeerInfo Core::peer_info(const Peer& peer, wire::Family family) const {
    rib::PeerInfo info;
    info.address = peer.config.address;
    info.asn = peer.peer_as();
    info.rr_client = peer.config.route_reflector_client;
    info.allow_own_as = peer.config.allow_own_as;
    info.next_hop_self = peer.config.next_hop_self;
    if (const auto* n = peer.session.negotiated()) {
        info.router_id = n->peer_id;
        if (n->add_path_send.contains(family)) info.add_path_send = peer.config.add_path_send;
        info.llgr_capable = n->peer_long_lived_gr.has_value();
    }
    if (auto conn = peer.session.established_conn())
        info.local_address = transport_.local_address(peer.config.address, *conn);
    if (!info.local_address) info.local_address = peer.config.local_address;
    const auto& nh =
        family == wire::ipv6_unicast ? peer.config.next_hop_ipv6 : peer.config.next_hop_ipv4;
    if (nh) info.local_address = nh;
    return info;
}

void Core::rib_up(const PeerPtr& peer) {
    auto& r = *routing_;
    export_caches_clear();  // its id may be new, or its description changed
    auto reg = [&](auto& rib, std::optional<rib::PeerId>& id, wire::Family f) {
        const auto info = peer_info(*peer, f);
        if (id)
            rib.set_peer(*id, info);  // graceful restart: its stale paths are still there
        else
            id = rib.add_peer(info);
    };
    reg(r.rib4, peer->rib4, wire::ipv4_unicast);
    reg(r.rib6, peer->rib6, wire::ipv6_unicast);
}

void Core::rib_drop(const PeerPtr& peer, std::span<const wire::Family> families) {
    auto& r = *routing_;
    auto in = [&](wire::Family f) {
        if (families.empty()) return true;
        for (auto x : families)
            if (x == f) return true;
        return false;
    };
    export_caches_clear();  // its ids will be reused
    if (peer->rib4 && in(wire::ipv4_unicast)) r.rib4.remove_peer(*std::exchange(peer->rib4, {}));
    if (peer->rib6 && in(wire::ipv6_unicast)) r.rib6.remove_peer(*std::exchange(peer->rib6, {}));
}

void Core::rib_session_down(const PeerPtr& peer) {
    if (config_.forward_routes) groups_leave(peer);
}

namespace {

/// The import policy of a peer as the RIB calls it. The policy sees each
/// distinct received attribute set materialised once while consecutive
/// prefixes share it (every NLRI of an UPDATE does).
class Importer {
  public:
    Importer(rib::AttrStore& store, const policy::PolicyTable& table, policy::PolicyChain chain,
             policy::Context ctx)
        : store_(store), table_(table), chain_(std::move(chain)), ctx_(std::move(ctx)) {}

    rib::AttrRef operator()(const wire::Prefix& prefix, rib::AttrId in) {
        if (accepts_all(chain_)) {
            store_.ref(in);
            return rib::AttrRef(store_, in);
        }
        if (in != cached_in_) {
            cached_ = store_.materialize(in);
            cached_in_ = in;
        }
        const auto result = table_.evaluate(chain_, prefix, cached_, ctx_);
        if (!result.accepted()) return {};
        if (result.modified()) return rib::intern(store_, *result.attributes);
        store_.ref(in);
        return rib::AttrRef(store_, in);
    }

  private:
    rib::AttrStore& store_;
    const policy::PolicyTable& table_;
    policy::PolicyChain chain_;
    policy::Context ctx_;
    rib::AttrId cached_in_ = rib::no_attrs;
    wire::PathAttributes cached_;
};

}  // namespace

policy::Context Core::import_context(const Peer& peer) const {
    policy::Context ctx;
    ctx.direction = policy::Direction::inbound;
    ctx.neighbor_address = peer.config.address;
    ctx.neighbor_as = peer.peer_as();
    ctx.local_as = config_.local_as;
    return ctx;
}

void Core::rib_update(const PeerPtr& peer, const wire::Update& update) {
    auto& r = *routing_;
    rib::ImportPolicy policy_fn;
    if (!accepts_all(peer->config.import_policy)) {
        auto importer = std::make_shared<Importer>(
            r.store, config_.policies, peer->config.import_policy, import_context(*peer));
        policy_fn = [importer](const wire::Prefix& p, rib::AttrId in) {
            return (*importer)(p, in);
        };
    }
    if (peer->rib4) (void)rib::apply_update(r.rib4, *peer->rib4, update, policy_fn);
    if (peer->rib6) (void)rib::apply_update(r.rib6, *peer->rib6, update, policy_fn);
}

void Core::rib_reimport(const PeerPtr& peer) {
    auto& r = *routing_;
    auto importer = std::make_shared<Importer>(r.store, config_.policies,
                                               peer->config.import_policy, import_context(*peer));
    const rib::ImportPolicy policy_fn = [importer](const wire::Prefix& p, rib::AttrId in) {
        return (*importer)(p, in);
    };
    std::size_t changed = 0;
    if (peer->rib4) changed += r.rib4.reimport(*peer->rib4, policy_fn);
    if (peer->rib6) changed += r.rib6.reimport(*peer->rib6, policy_fn);
    log_.log(LogLevel::info, "peer {}: import policy re-applied: {} path(s) changed",
             peer->config.address.to_string(), changed);
}

void Core::rib_reexport(const PeerPtr& peer, TimePoint now) {
    auto& r = *routing_;
    export_caches_clear();
    if (peer->rib4) r.rib4.set_peer(*peer->rib4, peer_info(*peer, wire::ipv4_unicast));
    if (peer->rib6) r.rib6.set_peer(*peer->rib6, peer_info(*peer, wire::ipv6_unicast));
    if (!config_.forward_routes || peer->session.state() != fsm::State::established) return;
    groups_regroup(peer, now);
    pump(peer, now);
}

void Core::set_policies(policy::PolicyTable table, const std::function<void(PeerConfig&)>& rechain,
                        TimePoint now) {
    config_.policies = std::move(table);
    auto snapshot = peers_;
    for (const auto& [addr, peer] : snapshot) {
        if (peer->removed) continue;
        if (rechain) rechain(peer->config);
        rib_reimport(peer);
    }
    rib_changed(now);
    // The same chains may decide differently with the new table: every group
    // re-syncs every prefix (only differences go out).
    if (config_.forward_routes) groups_resync_all();
    for (const auto& [addr, peer] : snapshot) {
        if (peer->removed) continue;
        rib_reexport(peer, now);
        if (!peer->removed) transport_.set_deadline(addr, peer->session.next_deadline());
    }
}

void Core::rib_stale(const PeerPtr& peer, const fsm::GrStaleAction& action) {
    using What = fsm::GrStaleAction::What;
    auto& r = *routing_;
    auto in = [&](wire::Family f) {
        if (action.families.empty()) return true;
        for (auto x : action.families)
            if (x == f) return true;
        return false;
    };
    auto one = [&](auto& rib, const std::optional<rib::PeerId>& id, wire::Family f) {
        if (!id || !in(f)) return;
        switch (action.what) {
            case What::mark_stale:
                rib.mark_stale(*id);
                break;
            case What::llgr_stale:
                rib.mark_llgr_stale(*id);
                break;
            case What::flush_stale:
                rib.sweep_stale(*id);
                break;
            case What::flush_all:
                break;
        }
    };
    if (action.what == What::flush_all) {
        rib_drop(peer, action.families);
        return;
    }
    one(r.rib4, peer->rib4, wire::ipv4_unicast);
    one(r.rib6, peer->rib6, wire::ipv6_unicast);
}

void Core::rib_local(const wire::Prefix& prefix, const wire::PathAttributes* attributes) {
    auto& r = *routing_;
    if (prefix.afi() == wire::Afi::ipv4) {
        if (attributes != nullptr)
            r.rib4.announce(rib::local_peer, prefix, 0, rib::intern(r.store, *attributes).id());
        else
            r.rib4.withdraw(rib::local_peer, prefix);
    } else {
        if (attributes != nullptr)
            r.rib6.announce(rib::local_peer, prefix, 0, rib::intern(r.store, *attributes).id());
        else
            r.rib6.withdraw(rib::local_peer, prefix);
    }
}

void Core::rib_changed(TimePoint now) {
    if (best_feed4_) best_changed();
    if (!config_.forward_routes) return;
    auto& r = *routing_;
    // Groups that send the best path only with no export policy take the
    // change at once (their UpdateGroup coalesces queued changes per prefix
    // and paces the sending); the others re-sync the prefix when they pump.
    auto take = [&](auto& rib, rib::FeedId feed, const auto& groups) {
        rib.poll(feed, std::numeric_limits<std::size_t>::max(),
                 [&](const wire::Prefix& prefix, const std::optional<rib::Route>& best) {
                     for (const auto& g : groups) {
                         if (group_fast(*g))
                             group_sync_best(*g, prefix, best);
                         else
                             g->dirty.insert(prefix);
                     }
                 });
    };
    take(r.rib4, r.feed4, groups4_);
    take(r.rib6, r.feed6, groups6_);
    groups_pump_all(now);
}

void Core::max_prefix_setup(Peer& peer) {
    peer.max4.reset();
    peer.max6.reset();
    if (peer.config.max_prefix_ipv4)
        peer.max4.emplace(wire::ipv4_unicast, *peer.config.max_prefix_ipv4);
    if (peer.config.max_prefix_ipv6)
        peer.max6.emplace(wire::ipv6_unicast, *peer.config.max_prefix_ipv6);
}

bool Core::max_prefix_check(const PeerPtr& peer, TimePoint now) {
    auto& r = *routing_;
    auto one = [&](std::optional<policy::MaxPrefixState>& st, const std::optional<rib::PeerId>& id,
                   std::size_t count) {
        if (!st || !id) return false;
        const auto& cfg = st->config();
        const auto name = peer_label(*peer);
        switch (st->update(count)) {
            case policy::MaxPrefixEvent::none:
                return false;
            case policy::MaxPrefixEvent::threshold_reached:
                log_.log(LogLevel::warning,
                         "peer {}: {} {} prefixes received, {}% of the maximum of {}", name, count,
                         st->family().name(), cfg.warning_threshold_percent, cfg.limit);
                return false;
            case policy::MaxPrefixEvent::limit_exceeded:
                log_.log(LogLevel::warning,
                         "peer {}: {} {} prefixes received, over the maximum of {} "
                         "(warning only: session kept)",
                         name, count, st->family().name(), cfg.limit);
                return false;
            case policy::MaxPrefixEvent::tear_down:
                break;
        }
        const auto data = st->cease_data();
        wire::Notification n;
        n.code = static_cast<std::uint8_t>(wire::NotifCode::cease);
        n.subcode = wire::cease_subcode::maximum_prefixes_reached;
        n.data.assign(data.begin(), data.end());
        peer->held_until = st->torn_down(now);
        peer->admin_down = true;  // until the restart interval is over, or start_peer()
        log_.log(LogLevel::error,
                 "peer {}: {} {} prefixes received, over the maximum of {}: session torn "
                 "down ({})",
                 name, count, st->family().name(), cfg.limit,
                 peer->held_until
                     ? "restart in " + std::to_string(cfg.restart_interval.count()) + " s"
                     : std::string("held down until started again"));
        run(peer, now, [&](fsm::Session& s, fsm::Actions& out) { s.stop(now, out, n); });
        return true;
    };
    if (peer->rib4 && one(peer->max4, peer->rib4, r.rib4.peer_path_count(*peer->rib4))) return true;
    return peer->rib6 && one(peer->max6, peer->rib6, r.rib6.peer_path_count(*peer->rib6));
}

std::vector<ReceivedRoute> Core::rib_received(const Peer& peer) const {
    std::vector<ReceivedRoute> out;
    const auto& r = *routing_;
    const auto* n = peer.session.negotiated();
    auto walk = [&](const auto& rib, const std::optional<rib::PeerId>& id, wire::Family f) {
        if (!id) return;
        const bool path_ids = n != nullptr && n->add_path_receive.contains(f);
        rib.for_each_adj_in(*id, [&](const rib::Route& route) {
            ReceivedRoute x;
            x.family = f;
            x.prefix = route.prefix;
            if (path_ids) x.path_id = route.path_id;
            auto attrs =
                std::make_shared<wire::PathAttributes>(r.store.materialize(route.attrs_in));
            if (attrs->mp_reach && !attrs->mp_reach->next_hops.empty() && !attrs->next_hop)
                attrs->next_hop = attrs->mp_reach->next_hops.front();
            attrs->mp_reach.reset();
            x.attributes = std::move(attrs);
            x.stale = route.stale;
            out.push_back(std::move(x));
        });
    };
    walk(r.rib4, peer.rib4, wire::ipv4_unicast);
    walk(r.rib6, peer.rib6, wire::ipv6_unicast);
    return out;
}

std::pair<std::size_t, std::size_t> Core::rib_counts(const Peer& peer) const {
    const auto& r = *routing_;
    std::size_t routes = 0;
    std::size_t stale = 0;
    if (peer.rib4) {
        routes += r.rib4.peer_path_count(*peer.rib4);
        stale += r.rib4.peer_stale_count(*peer.rib4);
    }
    if (peer.rib6) {
        routes += r.rib6.peer_path_count(*peer.rib6);
        stale += r.rib6.peer_stale_count(*peer.rib6);
    }
    return {routes, stale};
}

template <class F>
RibRoute Core::rib_route(const rib::Rib<F>& rib, const rib::Route& route) const {
    const auto& store = routing_->store;
    RibRoute x;
    x.prefix = route.prefix;
    if (route.peer != rib::local_peer) {
        const auto& info = rib.peer(route.peer);
        x.peer = info.address;
        x.peer_as = info.asn;
    }
    x.path_id = route.path_id;
    if (route.attrs != rib::no_attrs) x.attributes = store.materialize(route.attrs);
    x.attributes.mp_reach.reset();
    if (!x.attributes.next_hop && route.attrs != rib::no_attrs) {
        const auto& nh = store.next_hop(store.get(route.attrs));
        if (!nh.is_unspecified()) x.attributes.next_hop = nh;
    }
    x.best = route.best;
    x.multipath = route.multipath;
    x.stale = route.stale;
    if (route.best)
        x.reason = std::string(rib::reason_name(route.reason));
    else if (route.ineligible != rib::Ineligible::none)
        x.reason = std::string(rib::ineligible_name(route.ineligible));
    return x;
}

std::vector<RibRoute> Core::rib(wire::Family family, std::optional<wire::Prefix> prefix) const {
    std::vector<RibRoute> out;
    auto walk = [&](const auto& rib) {
        if (prefix) {
            for (const auto& route : rib.paths(*prefix)) out.push_back(rib_route(rib, route));
            return;
        }
        std::vector<wire::Prefix> prefixes;
        rib.for_each_best([&](const rib::Route& route) { prefixes.push_back(route.prefix); });
        for (const auto& p : prefixes)
            for (const auto& route : rib.paths(p)) out.push_back(rib_route(rib, route));
    };
    const auto& r = *routing_;
    if (family == wire::ipv4_unicast && (!prefix || prefix->afi() == wire::Afi::ipv4)) walk(r.rib4);
    if (family == wire::ipv6_unicast && (!prefix || prefix->afi() == wire::Afi::ipv6)) walk(r.rib6);
    return out;
}

std::vector<RibRoute> Core::best_routes(wire::Family family) const {
    std::vector<RibRoute> out;
    auto walk = [&](const auto& rib) {
        rib.for_each_best([&](const rib::Route& route) { out.push_back(rib_route(rib, route)); });
    };
    if (family == wire::ipv4_unicast) walk(routing_->rib4);
    if (family == wire::ipv6_unicast) walk(routing_->rib6);
    return out;
}

void Core::best_changed() {
    std::vector<BestPathEvent> events;
    auto drain = [&](auto& rib, rib::FeedId feed, wire::Family family) {
        rib.poll(feed, std::numeric_limits<std::size_t>::max(),
                 [&](const wire::Prefix& prefix, const std::optional<rib::Route>& best) {
                     BestPathEvent ev;
                     ev.family = family;
                     ev.prefix = prefix;
                     if (best) ev.best = rib_route(rib, *best);
                     if (best && config_.decision.max_paths > 1)
                         for (const auto& route : rib.multipath(prefix))
                             ev.multipath.push_back(rib_route(rib, route));
                     events.push_back(std::move(ev));
                 });
    };
    drain(routing_->rib4, *best_feed4_, wire::ipv4_unicast);
    drain(routing_->rib6, *best_feed6_, wire::ipv6_unicast);
    for (const auto& ev : events) notify(best_subs_, log_, ev);
}

SpeakerStats Core::stats() const {
    const auto& r = *routing_;
    SpeakerStats s;
    s.best_path_changes = r.rib4.best_path_changes() + r.rib6.best_path_changes();
    for (const auto& [key, count] : notifications_)
        s.notifications.push_back(
            NotificationCount{std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
    s.prefixes_ipv4 = r.rib4.prefix_count();
    s.paths_ipv4 = r.rib4.path_count();
    s.prefixes_ipv6 = r.rib6.prefix_count();
    s.paths_ipv6 = r.rib6.path_count();
    return s;
}

std::vector<FamilyCounts> Core::family_counts(const Peer& peer) const {
    const auto* n = peer.session.negotiated();
    const bool up = n != nullptr && peer.session.state() == fsm::State::established;
    const auto& families = up ? n->families : peer.config.session.families;
    std::vector<FamilyCounts> out;
    for (const auto& family : families) {
        FamilyCounts c;
        c.family = family;
        auto count = [&](const auto& rib, const std::optional<rib::PeerId>& id, const auto& group) {
            if (id && rib.has_peer(*id)) {
                c.received = rib.peer_path_count(*id);
                c.accepted = rib.peer_accepted_count(*id);
            }
            if (!up || !peer.config.export_routes) return;
            if (config_.forward_routes) {
                if (group) c.advertised = group->ug.size();
            } else {
                for (const auto& [prefix, attrs] : announced_)
                    if (family_of(prefix) == family) ++c.advertised;
            }
        };
        if (family == wire::ipv4_unicast) count(routing_->rib4, peer.rib4, peer.g4);
        if (family == wire::ipv6_unicast) count(routing_->rib6, peer.rib6, peer.g6);
        out.push_back(c);
    }
    return out;
}

}  // namespace bgp::speaker_detail
