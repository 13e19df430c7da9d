// Update groups (SpeakerConfig::forward_routes): peers that get the same
// UPDATEs of a family share one rib::UpdateGroup - one Adj-RIB-Out, each UPDATE
// encoded once and its bytes put in every member's write queue.
//
// - Membership: GroupKey (iBGP peers with the same reflector-client flag, next
//   hop self, ADD-PATH mode and codec options share a group; an eBGP peer, or
//   one with an export policy, has a group of its own).
// - What a group advertises is computed by the RIB's export rules for a
//   representative peer (a virtual RIB peer with the members' settings; an
//   own group uses the member itself). Split horizon in a shared iBGP group:
//   every route reflected to iBGP carries ORIGINATOR_ID naming the client it
//   came from (RFC 4456 §8), so each encoded UPDATE says whose routes it holds
//   and that member gets the same NLRI withdrawn instead (rib::Encoded).
// - Pacing: the group moves while one of its members' write queue is below a
//   quarter of the limit; a member more than half the limit behind re-joins
//   through a snapshot of the group's routes, read at its own pace, so one
//   slow peer never holds up the others nor is dropped for being slow.
// - A joining member gets the group's routes through a snapshot cursor, then
//   every later batch; End-of-RIB (RFC 4724) / EoRR (RFC 7313) once it has the
//   whole table and the group has nothing queued.
#include <type_traits>
#include <utility>

#include "bgp/rib/export.hpp"
#include "speaker/core.hpp"
#include "speaker/core_peer.hpp"
#include "speaker/export.hpp"

namespace bgp::speaker_detail {

namespace {

template <class F>
constexpr bool is_v4 = std::is_same_v<F, rib::Ipv4>;

constexpr std::size_t chunk_bytes = 64 * 1024;  ///< encoded per step
constexpr std::size_t sync_batch = 256;         ///< prefixes re-synced per step

}  // namespace

template <class F>
rib::Rib<F>& Core::rib_of() {
    if constexpr (is_v4<F>)
        return routing_->rib4;
    else
        return routing_->rib6;
}

template <class F>
std::vector<std::shared_ptr<Core::Group<F>>>& Core::groups_of() {
    if constexpr (is_v4<F>)
        return groups4_;
    else
        return groups6_;
}

template <class F>
std::shared_ptr<Core::Group<F>>& Core::group_slot(Peer& peer) {
    if constexpr (is_v4<F>)
        return peer.g4;
    else
        return peer.g6;
}

template <class F>
Core::GroupKey Core::group_key(const Peer& peer) const {
    GroupKey k;
    const auto* n = peer.session.negotiated();
    const auto info = peer_info(peer, F::family);
    const bool ibgp = n != nullptr && n->ibgp;
    if (!ibgp || !accepts_all(peer.config.export_policy)) k.own = peer.config.address;
    k.peer_as = peer.peer_as();
    k.rr_client = peer.config.route_reflector_client;
    k.next_hop_self = peer.config.next_hop_self;
    k.export_routes = peer.config.export_routes;
    k.llgr_capable = info.llgr_capable;
    k.local_address = info.local_address;
    k.add_path = info.add_path_send;
    if (n != nullptr) {
        k.four_octet_as = n->four_octet_as;
        k.extended_message = n->extended_message;
        k.add_path_send = n->add_path_send;
        k.extended_next_hop = n->extended_next_hop;
    }
    k.export_policy = peer.config.export_policy;
    return k;
}

template <class F>
void Core::group_join(const PeerPtr& peer, bool eor) {
    const auto* n = peer->session.negotiated();
    if (n == nullptr || !n->has_family(F::family)) return;
    auto& r = *routing_;
    auto& rib = rib_of<F>();
    auto& list = groups_of<F>();
    auto& slot = group_slot<F>(*peer);
    const auto& own_id = is_v4<F> ? peer->rib4 : peer->rib6;
    if (!own_id) return;

    auto key = group_key<F>(*peer);
    std::shared_ptr<Group<F>> g;
    for (const auto& x : list)
        if (x->key == key) g = x;
    typename Group<F>::Member m;
    m.peer = peer;
    m.eor_due = eor;
    if (!g) {
        g = std::make_shared<Group<F>>(r.store, std::move(key),
                                       n->add_path_send.contains(F::family), n->send_options());
        if (g->key.own) {
            g->rep = *own_id;
        } else {
            auto info = peer_info(*peer, F::family);
            info.address = wire::IpAddress{};
            info.router_id = 0;
            export_caches_clear();
            g->rep = rib.add_peer(info);
            g->own_rep = true;
        }
        rib.for_each_best([&](const rib::Route& route) { g->dirty.insert(route.prefix); });
        list.push_back(g);
        log_.log(LogLevel::debug, "update group {} {}: created for {}", F::family.name(),
                 static_cast<const void*>(g.get()), peer->config.address.to_string());
    } else {
        m.joining = true;
        m.snap = g->ug.begin_snapshot();
    }
    g->members.push_back(std::move(m));
    slot = g;
}

template <class F>
void Core::group_leave(const PeerPtr& peer) {
    auto g = std::exchange(group_slot<F>(*peer), nullptr);
    if (!g) return;
    std::erase_if(g->members, [&](const auto& m) {
        auto p = m.peer.lock();
        return !p || p == peer;
    });
    if (!g->members.empty()) return;
    if (g->own_rep) {
        export_caches_clear();
        rib_of<F>().remove_peer(g->rep);
    }
    std::erase(groups_of<F>(), g);
}

template <class F>
std::vector<rib::Advertisement> Core::group_ads(const Group<F>& g, const wire::Prefix& prefix) {
    auto& rib = rib_of<F>();
    if (!g.key.export_routes) return {};
    rib::ExportPolicy policy;
    policy::Context ctx;
    if (!accepts_all(g.key.export_policy)) {
        ctx.direction = policy::Direction::outbound;
        if (g.key.own) ctx.neighbor_address = *g.key.own;
        ctx.neighbor_as = g.key.peer_as;
        ctx.local_as = config_.local_as;
        const auto& local = g.key.local_address;
        if (local && local->is_v4()) ctx.local_address_v4 = local;
        if (local && local->is_v6()) ctx.local_address_v6 = local;
        policy = [&](const rib::Route& route, wire::PathAttributes& attrs) {
            auto result = config_.policies.evaluate(g.key.export_policy, route.prefix, attrs, ctx);
            if (!result.accepted()) return false;
            if (result.modified()) attrs = std::move(*result.attributes);
            return true;
        };
    }
    return rib::advertisements(rib, prefix, g.rep, policy);
}

template <class F>
bool Core::group_fast(const Group<F>& g) {
    return !g.add_path && g.key.add_path.mode == rib::AddPathSend::Mode::best_only &&
           g.key.export_routes && accepts_all(g.key.export_policy);
}

template <class F>
void Core::group_sync(Group<F>& g, const wire::Prefix& prefix) {
    if (group_fast(g)) {
        group_sync_best(g, prefix, rib_of<F>().best(prefix));
        return;
    }
    const auto ads = group_ads(g, prefix);
    g.ug.sync(prefix, ads);
}

template <class F>
void Core::group_sync_best(Group<F>& g, const wire::Prefix& prefix,
                           const std::optional<rib::Route>& best) {
    // Best path only, no export policy: the exported attributes depend on the
    // source peer and the attribute set alone (rib::advertisements' rules).
    if (!best || best->ineligible != rib::Ineligible::none || best->attrs == rib::no_attrs) {
        g.ug.sync_best(prefix, rib::no_attrs);
        return;
    }
    const auto cache_key = (std::uint64_t{best->peer} << 32) | best->attrs;
    auto it = g.export_cache.find(cache_key);
    if (it == g.export_cache.end()) {
        auto& rib = rib_of<F>();
        if (g.export_cache.size() >= max_export_cache) g.clear_export_cache();
        const auto& store = rib.store();
        const auto& local = rib.config();
        const auto& target = rib.peer(g.rep);
        const auto& from = rib.peer(best->peer);
        rib::AttrId out = rib::no_attrs;
        if (rib::export_check(local, best->peer, from, g.rep, target, store.get(best->attrs)) ==
            rib::ExportBlock::none)
            out = rib.store().intern(rib::export_attributes(local, best->peer == rib::local_peer,
                                                            from, target, store, best->attrs));
        rib.store().ref(best->attrs);
        it = g.export_cache.emplace(cache_key, out).first;
    }
    g.ug.sync_best(prefix, it->second);
}

template void Core::group_sync_best<rib::Ipv4>(Group<rib::Ipv4>&, const wire::Prefix&,
                                               const std::optional<rib::Route>&);
template void Core::group_sync_best<rib::Ipv6>(Group<rib::Ipv6>&, const wire::Prefix&,
                                               const std::optional<rib::Route>&);
template bool Core::group_fast<rib::Ipv4>(const Group<rib::Ipv4>&);
template bool Core::group_fast<rib::Ipv6>(const Group<rib::Ipv6>&);

void Core::export_caches_clear() {
    for (const auto& g : groups4_) g->clear_export_cache();
    for (const auto& g : groups6_) g->clear_export_cache();
}

template <class F>
void Core::send_items(const PeerPtr& peer, const std::vector<rib::Encoded>& items, TimePoint now) {
    const auto* n = peer->session.negotiated();
    if (n == nullptr || items.empty()) return;
    fsm::Actions out;
    for (const auto& item : items) {
        // Split horizon (RFC 4456 §8): never its own routes back.
        const auto& bytes =
            item.originator != 0 && item.originator == n->peer_id ? item.withdrawal : item.bytes;
        if (bytes) peer->session.send_encoded(bytes, now, out);
    }
    perform(peer, out, now);
}

template <class F>
void Core::group_pump(const std::shared_ptr<Group<F>>& g, TimePoint now) {
    const std::size_t low_water = config_.write_queue_limit / 4;
    const std::size_t high_water = config_.write_queue_limit / 2;
    auto alive = [&](const typename Group<F>::Member& m) -> PeerPtr {
        auto p = m.peer.lock();
        if (!p || p->removed || p->session.state() != fsm::State::established) return nullptr;
        return p;
    };
    auto queued = [&](const PeerPtr& p) { return transport_.queued_bytes(p->config.address); };

    // Joining members: the group's routes through their snapshot, at their pace.
    for (std::size_t i = 0; i < g->members.size(); ++i) {
        if (!g->members[i].joining) continue;
        auto p = alive(g->members[i]);
        if (!p) continue;
        while (!g->ug.snapshot_done(g->members[i].snap) && queued(p) < low_water) {
            const auto items = g->ug.snapshot_take(g->members[i].snap, chunk_bytes);
            send_items<F>(p, items, now);
            if (items.empty() || i >= g->members.size()) break;
        }
        if (i < g->members.size() && g->ug.snapshot_done(g->members[i].snap)) {
            g->members[i].joining = false;
            g->members[i].snap = {};
        }
    }

    // The group's changes, encoded once for every full member.
    while (!g->dirty.empty() || g->ug.pending() > 0) {
        bool any_full = false;
        bool ready = false;
        for (const auto& m : g->members) {
            if (m.joining) continue;
            if (auto p = alive(m)) {
                any_full = true;
                ready = ready || queued(p) < low_water;
            }
        }
        if (any_full && !ready) break;
        for (std::size_t k = 0; k < sync_batch && !g->dirty.empty(); ++k) {
            auto node = g->dirty.extract(g->dirty.begin());
            group_sync(*g, node.value());
        }
        const auto items = g->ug.take(chunk_bytes);
        std::vector<PeerPtr> targets;
        for (auto& m : g->members) {
            if (m.joining) continue;
            auto p = alive(m);
            if (!p) continue;
            if (queued(p) > high_water) {
                // Far behind the others: it gets this batch (one chunk), then
                // re-joins through a snapshot at its own pace; the snapshot
                // knows it holds the group's table (withdrawals ahead of the
                // cursor reach it too).
                send_items<F>(p, items, now);
                m.joining = true;
                m.snap = g->ug.begin_snapshot(true);
                log_.log(LogLevel::info,
                         "peer {}: {} behind its update group ({} octets queued): "
                         "re-sending its table at its own pace",
                         p->config.address.to_string(), F::family.name(), queued(p));
                continue;
            }
            targets.push_back(std::move(p));
        }
        for (const auto& p : targets) send_items<F>(p, items, now);
        if (items.empty() && g->dirty.empty()) break;  // nothing more can be sent
    }

    // End-of-RIB / EoRR once a member has the whole table and nothing is queued.
    if (!g->dirty.empty() || g->ug.pending() > 0) return;
    for (std::size_t i = 0; i < g->members.size(); ++i) {
        auto& m = g->members[i];
        if (m.joining || (!m.eor_due && !m.eorr_due)) continue;
        auto p = alive(m);
        if (!p) continue;
        fsm::Actions out;
        if (std::exchange(m.eor_due, false))
            p->session.send_update(wire::make_end_of_rib(F::family), now, out);
        if (std::exchange(m.eorr_due, false))
            (void)p->session.send_refresh_marker(F::family, wire::route_refresh_subtype::eorr, now,
                                                 out);
        perform(p, out, now);
    }
}

// ---- the non-template entry points ----------------------------------------------------

void Core::groups_join(const PeerPtr& peer) {
    group_join<rib::Ipv4>(peer, true);
    group_join<rib::Ipv6>(peer, true);
}

void Core::groups_leave(const PeerPtr& peer) {
    group_leave<rib::Ipv4>(peer);
    group_leave<rib::Ipv6>(peer);
}

void Core::groups_refresh(const PeerPtr& peer, wire::Family family) {
    auto again = [&](auto& g) {
        if (!g) return;
        for (auto& m : g->members)
            if (m.peer.lock() == peer) {
                m.joining = true;
                m.snap = g->ug.begin_snapshot(true);  // it has the group's table
                m.eorr_due = true;
            }
    };
    if (family == wire::ipv4_unicast) again(peer->g4);
    if (family == wire::ipv6_unicast) again(peer->g6);
}

void Core::groups_regroup(const PeerPtr& peer, TimePoint now) {
    auto one = [&](auto tag, auto& slot, auto& rib) {
        using F = decltype(tag);
        if (!slot) return;
        if (slot->key == group_key<F>(*peer)) return;
        auto old = slot;
        bool eor = false;
        for (const auto& m : old->members)
            if (m.peer.lock() == peer) eor = m.eor_due;
        group_leave<F>(peer);
        group_join<F>(peer, eor);
        if (!slot) return;
        // What the old group advertised and the new one will not: withdrawn
        // now; the rest is replaced in place by the new group's routes, so no
        // route flaps. (With ADD-PATH only the best path's id is checked.)
        std::vector<wire::Prefix> gone;
        rib.for_each_best([&](const rib::Route& route) {
            if (old->ug.advertised(route.prefix) && group_ads(*slot, route.prefix).empty())
                gone.push_back(route.prefix);
        });
        const auto* n = peer->session.negotiated();
        if (gone.empty() || n == nullptr) return;
        log_.log(LogLevel::info, "peer {}: export changed: {} route(s) of {} withdrawn",
                 peer->config.address.to_string(), gone.size(), F::family.name());
        fsm::Actions out;
        for (const auto& u : build_withdrawals(F::family, gone, n->send_options()))
            peer->session.send_update(u, now, out);
        perform(peer, out, now);
    };
    one(rib::Ipv4{}, peer->g4, routing_->rib4);
    if (peer->removed) return;
    one(rib::Ipv6{}, peer->g6, routing_->rib6);
}

void Core::groups_resync_all() {
    export_caches_clear();
    for (const auto& g : groups4_)
        routing_->rib4.for_each_best([&](const rib::Route& r) { g->dirty.insert(r.prefix); });
    for (const auto& g : groups6_)
        routing_->rib6.for_each_best([&](const rib::Route& r) { g->dirty.insert(r.prefix); });
}

void Core::groups_pump(const PeerPtr& peer, TimePoint now) {
    if (auto g = peer->g4) group_pump(g, now);
    if (peer->removed) return;
    if (auto g = peer->g6) group_pump(g, now);
}

void Core::groups_pump_all(TimePoint now) {
    auto four = groups4_;
    for (const auto& g : four) group_pump(g, now);
    auto six = groups6_;
    for (const auto& g : six) group_pump(g, now);
}

}  // namespace bgp::speaker_detail
