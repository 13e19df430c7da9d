// UPDATE -> Rib (RFC 4271 §3.1, §5.1.5; RFC 4456 §8; RFC 4724 §2, §4.2;
// RFC 4760; RFC 7606 treat-as-withdraw).
#include "bgp/rib/apply_update.hpp"

namespace bgp::rib {

wire::PathAttributes received_attributes(const wire::PathAttributes& a, const RibConfig& local,
                                         const PeerInfo& from) {
    wire::PathAttributes r = a;
    const bool external = from.asn != local.local_as && !from.confed_member;
    if (external) {
        r.local_pref.reset();
        r.originator_id.reset();
        r.cluster_list.reset();
    }
    // The NLRI live in the RIB; keep the next hops only.
    if (r.mp_reach) r.mp_reach->nlri.clear();
    r.mp_unreach.reset();
    return r;
}

template <class F>
UpdateResult apply_update(Rib<F>& rib, PeerId peer, const wire::Update& u,
                          const ImportPolicy& policy) {
    UpdateResult res;
    if (const auto eor = u.end_of_rib()) {
        if (*eor == F::family) {
            res.end_of_rib = true;
            res.swept = rib.sweep_stale(peer);
        }
        return res;
    }
    auto withdraw = [&](const wire::Nlri& n) {
        if (!F::matches(n.prefix)) return;
        const auto c = rib.withdraw(peer, n.prefix, n.path_id.value_or(0));
        res.withdrawn += c.paths_changed;
        res.best_changes += c.best_changed;
    };
    const bool classic = F::family == wire::ipv4_unicast;
    if (classic)
        for (const auto& n : u.withdrawn) withdraw(n);
    if (u.attributes.mp_unreach && u.attributes.mp_unreach->family == F::family)
        for (const auto& n : u.attributes.mp_unreach->nlri) withdraw(n);

    // The NLRI announced for this family.
    std::vector<const wire::Nlri*> nlri;
    if (classic)
        for (const auto& n : u.nlri) nlri.push_back(&n);
    if (u.attributes.mp_reach && u.attributes.mp_reach->family == F::family)
        for (const auto& n : u.attributes.mp_reach->nlri) nlri.push_back(&n);
    if (nlri.empty()) return res;

    if (u.treat_as_withdraw) {
        for (const auto* n : nlri) withdraw(*n);
        return res;
    }

    AttrStore& store = rib.store();
    const AttrRef in =
        intern(store, received_attributes(u.attributes, rib.config(), rib.peer(peer)));
    const bool looped = peer != local_peer && check_loops(rib.config(), rib.peer(peer), store,
                                                          in.id()) != Ineligible::none;
    for (const auto* n : nlri) {
        if (!F::matches(n->prefix)) continue;
        AttrRef out = policy ? policy(n->prefix, in.id()) : in;
        const auto c = rib.announce(peer, n->prefix, n->path_id.value_or(0), in.id(), out.id());
        ++res.announced;
        res.best_changes += c.best_changed;
        if (!out || looped) ++res.rejected;
    }
    return res;
}

template UpdateResult apply_update<Ipv4>(Rib<Ipv4>&, PeerId, const wire::Update&,
                                         const ImportPolicy&);
template UpdateResult apply_update<Ipv6>(Rib<Ipv6>&, PeerId, const wire::Update&,
                                         const ImportPolicy&);

}  // namespace bgp::rib
