// Term changes. Each step first checks whether it changes anything, so a route
// whose attributes already have the wanted values is never copied.
#include "policy/modify.hpp"

#include <algorithm>
#include <limits>
#include <memory>

#include "policy/match.hpp"

namespace bgp::policy::detail {

namespace {

using wire::AttrType;
using wire::PathAttributes;

constexpr std::uint8_t type_code(AttrType t) { return static_cast<std::uint8_t>(t); }

/// The copy to change, made on first use.
PathAttributes& writable(const PathAttributes& original, std::unique_ptr<PathAttributes>& work) {
    if (!work) work = std::make_unique<PathAttributes>(original);
    return *work;
}

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

/// Whether `edit` would change `current` (conservative only for `replace`
/// combined with remove/add, where the list is rebuilt anyway).
template <class Value, class Pattern>
bool edit_changes(const std::optional<std::vector<Value>>& current,
                  const CommunityEdit<Value, Pattern>& edit) {
    static const std::vector<Value> none;
    const std::vector<Value>& cur = current ? *current : none;
    const std::vector<Value>& base = edit.replace ? *edit.replace : cur;
    if (edit.replace && base != cur) return true;
    for (const Value& v : base)
        for (const Pattern& p : edit.remove)
            if (p.matches(v)) return true;
    for (const Value& v : edit.add)
        if (!contains(base, v)) return true;
    return false;
}

template <class Value, class Pattern>
void edit_apply(std::optional<std::vector<Value>>& slot, const CommunityEdit<Value, Pattern>& edit,
                PathAttributes& attrs, AttrType type) {
    std::vector<Value> values = edit.replace ? *edit.replace : slot.value_or(std::vector<Value>{});
    if (!edit.remove.empty()) {
        std::erase_if(values, [&](const Value& v) {
            return std::any_of(edit.remove.begin(), edit.remove.end(),
                               [&](const Pattern& p) { return p.matches(v); });
        });
    }
    for (const Value& v : edit.add)
        if (!contains(values, v)) values.push_back(v);
    if (values.empty()) {
        attrs.erase(type_code(type));  // also drops its layout slot
        slot.reset();
    } else {
        slot = std::move(values);
    }
}

template <class Value, class Pattern>
bool apply_edit(const CommunityEdit<Value, Pattern>& edit,
                std::optional<std::vector<Value>> PathAttributes::*member, AttrType type,
                const PathAttributes& original, std::unique_ptr<PathAttributes>& work) {
    if (edit.empty()) return false;
    const PathAttributes& cur = work ? *work : original;
    if (!edit_changes(cur.*member, edit)) return false;
    PathAttributes& w = writable(original, work);
    edit_apply(w.*member, edit, w, type);
    return true;
}

bool apply_med(const MedChange& c, const PathAttributes& original,
               std::unique_ptr<PathAttributes>& work) {
    const PathAttributes& cur = work ? *work : original;
    std::optional<std::uint32_t> next;
    const std::uint64_t base = cur.med.value_or(0);
    switch (c.op) {
        case MedChange::Op::set:
            next = c.value;
            break;
        case MedChange::Op::add:
            next = static_cast<std::uint32_t>(
                std::min<std::uint64_t>(base + c.value, std::numeric_limits<std::uint32_t>::max()));
            break;
        case MedChange::Op::subtract:
            next = static_cast<std::uint32_t>(base > c.value ? base - c.value : 0);
            break;
        case MedChange::Op::remove:
            break;
    }
    if (next == cur.med) return false;
    PathAttributes& w = writable(original, work);
    if (next)
        w.med = next;
    else
        w.erase(type_code(AttrType::multi_exit_disc));
    return true;
}

bool apply_next_hop(const NextHopChange& c, const wire::Prefix& prefix, const Context& ctx,
                    const PathAttributes& original, std::unique_ptr<PathAttributes>& work,
                    bool& next_hop_unchanged) {
    std::optional<wire::IpAddress> target;
    switch (c.kind) {
        case NextHopChange::Kind::unchanged:
            next_hop_unchanged = true;
            return false;
        case NextHopChange::Kind::self:
            target = prefix.afi() == wire::Afi::ipv4 ? ctx.local_address_v4 : ctx.local_address_v6;
            break;
        case NextHopChange::Kind::peer_address:
            target = ctx.neighbor_address;
            break;
        case NextHopChange::Kind::address:
            target = c.address;
            break;
    }
    // Only a next hop of the prefix's own family (no RFC 8950 mixing here).
    if (!target || target->afi() != prefix.afi() || target->is_unspecified()) return false;
    next_hop_unchanged = false;
    const PathAttributes& cur = work ? *work : original;
    const bool via_mp = cur.mp_reach && cur.mp_reach->family.afi == prefix.afi();
    if (via_mp) {
        if (cur.mp_reach->next_hops.size() == 1 && cur.mp_reach->next_hops.front() == *target)
            return false;
        writable(original, work).mp_reach->next_hops.assign(1, *target);
        return true;
    }
    if (prefix.afi() == wire::Afi::ipv4) {
        if (cur.next_hop == target) return false;
        writable(original, work).next_hop = target;
        return true;
    }
    // IPv6 without MP_REACH_NLRI in the stored attributes: carry the next hop
    // in an MP_REACH_NLRI with no NLRI, as the RIB stores IPv6 routes.
    PathAttributes& w = writable(original, work);
    w.mp_reach.emplace();
    w.mp_reach->family = wire::Family{prefix.afi(), ctx.safi};
    w.mp_reach->next_hops.assign(1, *target);
    return true;
}

bool apply_prepend(const Prepend& p, const Context& ctx, const PathAttributes& original,
                   std::unique_ptr<PathAttributes>& work) {
    const PathAttributes& cur = work ? *work : original;
    std::uint32_t asn = 0;
    if (p.asn) {
        asn = *p.asn;
    } else if (p.last_as) {
        if (!cur.as_path || cur.as_path->segments.empty() ||
            cur.as_path->segments.front().asns.empty())
            return false;
        asn = cur.as_path->segments.front().asns.front();
    } else {
        asn = ctx.local_as;
    }
    if (asn == 0 || p.count == 0) return false;
    PathAttributes& w = writable(original, work);
    if (!w.as_path) w.as_path.emplace();
    auto& segs = w.as_path->segments;
    // RFC 4271 §5.1.2: prepend to a leading AS_SEQUENCE while it has room
    // (255 ASNs per segment), else start a new one.
    if (segs.empty() || segs.front().type != wire::AsSegmentType::as_sequence ||
        segs.front().asns.size() + p.count > 255) {
        segs.insert(segs.begin(), wire::AsSegment{wire::AsSegmentType::as_sequence, {}});
    }
    auto& asns = segs.front().asns;
    asns.insert(asns.begin(), p.count, asn);
    return true;
}

}  // namespace

bool apply_modify(const Modify& m, const wire::Prefix& prefix, const PathAttributes& original,
                  std::unique_ptr<PathAttributes>& work, const Context& ctx,
                  bool& next_hop_unchanged) {
    bool changed = false;
    if (m.origin) {
        const PathAttributes& cur = work ? *work : original;
        if (cur.origin != m.origin) {
            writable(original, work).origin = m.origin;
            changed = true;
        }
    }
    if (m.local_pref) {
        const PathAttributes& cur = work ? *work : original;
        if (cur.local_pref != m.local_pref) {
            writable(original, work).local_pref = m.local_pref;
            changed = true;
        }
    }
    if (m.med) changed |= apply_med(*m.med, original, work);
    if (m.next_hop)
        changed |= apply_next_hop(*m.next_hop, prefix, ctx, original, work, next_hop_unchanged);
    if (m.prepend) changed |= apply_prepend(*m.prepend, ctx, original, work);
    changed |= apply_edit(m.communities, &PathAttributes::communities, AttrType::communities,
                          original, work);
    changed |= apply_edit(m.large_communities, &PathAttributes::large_communities,
                          AttrType::large_community, original, work);
    changed |= apply_edit(m.ext_communities, &PathAttributes::ext_communities,
                          AttrType::extended_communities, original, work);
    return changed;
}

}  // namespace bgp::policy::detail
