#include "speaker/route_table.hpp"

#include <algorithm>
#include <memory>
#include <utility>

namespace bgp::speaker_detail {

void RouteTable::withdraw(wire::Family family, const wire::Nlri& nlri, const Emit& emit) {
    auto it = routes_.find(Key{family, nlri.prefix, nlri.path_id});
    if (it == routes_.end()) return;
    ReceivedRoute gone = std::move(it->second);
    routes_.erase(it);
    emit(RouteEvent::Kind::withdrawn, gone);
}

void RouteTable::announce(wire::Family family, const wire::Nlri& nlri,
                          const std::shared_ptr<const wire::PathAttributes>& attributes,
                          const Emit& emit) {
    auto& r = routes_[Key{family, nlri.prefix, nlri.path_id}];
    r.family = family;
    r.prefix = nlri.prefix;
    r.path_id = nlri.path_id;
    r.attributes = attributes;
    r.stale = false;
    emit(RouteEvent::Kind::announced, r);
}

void RouteTable::apply(const wire::Update& update, const Emit& emit) {
    if (update.end_of_rib()) return;
    const auto& a = update.attributes;
    for (const auto& n : update.withdrawn) withdraw(wire::ipv4_unicast, n, emit);
    if (a.mp_unreach && a.mp_unreach->family.is_prefix_family())
        for (const auto& n : a.mp_unreach->nlri) withdraw(a.mp_unreach->family, n, emit);

    const bool has_mp = a.mp_reach && a.mp_reach->family.is_prefix_family();
    if (update.treat_as_withdraw) {
        for (const auto& n : update.nlri) withdraw(wire::ipv4_unicast, n, emit);
        if (has_mp)
            for (const auto& n : a.mp_reach->nlri) withdraw(a.mp_reach->family, n, emit);
        return;
    }
    if (!update.nlri.empty()) {
        auto attrs = std::make_shared<wire::PathAttributes>(a);
        attrs->mp_reach.reset();
        attrs->mp_unreach.reset();
        std::shared_ptr<const wire::PathAttributes> shared = std::move(attrs);
        for (const auto& n : update.nlri) announce(wire::ipv4_unicast, n, shared, emit);
    }
    if (has_mp && !a.mp_reach->nlri.empty()) {
        auto attrs = std::make_shared<wire::PathAttributes>(a);
        attrs->mp_reach.reset();
        attrs->mp_unreach.reset();
        if (!a.mp_reach->next_hops.empty()) attrs->next_hop = a.mp_reach->next_hops.front();
        std::shared_ptr<const wire::PathAttributes> shared = std::move(attrs);
        for (const auto& n : a.mp_reach->nlri) announce(a.mp_reach->family, n, shared, emit);
    }
}

void RouteTable::apply(const fsm::GrStaleAction& action, const Emit& emit) {
    using What = fsm::GrStaleAction::What;
    switch (action.what) {
        case What::mark_stale:
            for (auto& [key, r] : routes_) {
                if (!in(action.families, key.family) || r.stale) continue;
                r.stale = true;
                emit(RouteEvent::Kind::stale, r);
            }
            break;
        case What::llgr_stale:
            // RFC 9494 §4.3: routes tagged NO_LLGR go; the others stay, tagged
            // LLGR_STALE (and reported stale again with the new attributes).
            for (auto it = routes_.begin(); it != routes_.end();) {
                auto& r = it->second;
                if (!in(action.families, it->first.family)) {
                    ++it;
                    continue;
                }
                const auto& comms = r.attributes ? r.attributes->communities : std::nullopt;
                const auto has = [&](std::uint32_t c) {
                    return comms && std::find(comms->begin(), comms->end(), c) != comms->end();
                };
                if (has(wire::community::no_llgr)) {
                    ReceivedRoute gone = std::move(r);
                    it = routes_.erase(it);
                    emit(RouteEvent::Kind::withdrawn, gone);
                    continue;
                }
                if (!has(wire::community::llgr_stale)) {
                    auto tagged = r.attributes
                                      ? std::make_shared<wire::PathAttributes>(*r.attributes)
                                      : std::make_shared<wire::PathAttributes>();
                    if (!tagged->communities) tagged->communities.emplace();
                    tagged->communities->push_back(wire::community::llgr_stale);
                    r.attributes = std::move(tagged);
                }
                r.stale = true;
                emit(RouteEvent::Kind::stale, r);
                ++it;
            }
            break;
        case What::flush_stale:
        case What::flush_all:
            for (auto it = routes_.begin(); it != routes_.end();) {
                const bool drop = in(action.families, it->first.family) &&
                                  (action.what == What::flush_all || it->second.stale);
                if (!drop) {
                    ++it;
                    continue;
                }
                ReceivedRoute gone = std::move(it->second);
                it = routes_.erase(it);
                emit(RouteEvent::Kind::withdrawn, gone);
            }
            break;
    }
}

void RouteTable::clear(const Emit& emit) {
    apply(fsm::GrStaleAction{fsm::GrStaleAction::What::flush_all, {}, "peer removed"}, emit);
}

std::size_t RouteTable::stale_count() const {
    std::size_t n = 0;
    for (const auto& [key, r] : routes_) n += r.stale ? 1 : 0;
    return n;
}

std::vector<ReceivedRoute> RouteTable::routes() const {
    std::vector<ReceivedRoute> out;
    out.reserve(routes_.size());
    for (const auto& [key, r] : routes_) out.push_back(r);
    return out;
}

}  // namespace bgp::speaker_detail
