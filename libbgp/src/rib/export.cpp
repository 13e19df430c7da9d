// Export rules (RFC 4271 §5.1, §9.2; RFC 4456 §6, §8; RFC 1997; RFC 5065 §5;
// RFC 7911).
#include "bgp/rib/export.hpp"

#include <algorithm>

namespace bgp::rib {

std::string_view export_block_name(ExportBlock b) {
    switch (b) {
        case ExportBlock::none:
            return "none";
        case ExportBlock::to_source:
            return "to-source";
        case ExportBlock::to_originator:
            return "to-originator";
        case ExportBlock::no_advertise:
            return "no-advertise";
        case ExportBlock::no_export:
            return "no-export";
        case ExportBlock::no_export_subconfed:
            return "no-export-subconfed";
        case ExportBlock::ibgp_to_ibgp:
            return "ibgp-to-ibgp";
        case ExportBlock::not_a_candidate:
            return "not-a-candidate";
        case ExportBlock::llgr_stale:
            return "llgr-stale";
    }
    return "unknown";
}

namespace {

bool internal(const RibConfig& local, const PeerInfo& p) { return p.asn == local.local_as; }

// An external peer inside our confederation (RFC 5065).
bool confed_peer(const RibConfig& local, const PeerInfo& p) {
    return !internal(local, p) && p.confed_member;
}

}  // namespace

ExportBlock export_check(const RibConfig& local, PeerId from_id, const PeerInfo& from, PeerId to_id,
                         const PeerInfo& to, const AttrSet& attrs) {
    // Split horizon: never back to the peer the path came from.
    if (from_id == to_id) return ExportBlock::to_source;
    // RFC 1997 well-known communities.
    if (attrs.has(attr_bit::no_advertise)) return ExportBlock::no_advertise;
    const bool to_internal = internal(local, to);
    const bool to_confed = confed_peer(local, to);
    if (!to_internal && !to_confed && attrs.has(attr_bit::no_export)) return ExportBlock::no_export;
    if (!to_internal && attrs.has(attr_bit::no_export_subconfed))
        return ExportBlock::no_export_subconfed;
    // RFC 9494 §4.5: long-lived stale paths only to peers that know LLGR.
    if (attrs.has(attr_bit::llgr_stale) && !to.llgr_capable) return ExportBlock::llgr_stale;
    // RFC 4456 §8: not back to the router that originated it into the AS.
    if (attrs.has(attr_bit::has_originator_id) && to.router_id != 0 &&
        attrs.originator_id == to.router_id)
        return ExportBlock::to_originator;
    // RFC 4271 §9.2: iBGP-learned routes are not sent to iBGP peers - unless
    // we reflect (RFC 4456 §6): from a client to everyone, from a non-client
    // to clients only.
    const bool from_internal = from_id != local_peer && internal(local, from);
    if (from_internal && to_internal && !from.rr_client && !to.rr_client)
        return ExportBlock::ibgp_to_ibgp;
    return ExportBlock::none;
}

namespace {

// RFC 4271 §5.1.2 / RFC 5065 §5: put `asn` in front, in a segment of `type`.
void prepend(wire::AsPath& path, std::uint32_t asn, wire::AsSegmentType type) {
    if (!path.segments.empty() && path.segments.front().type == type &&
        path.segments.front().asns.size() < 255) {
        auto& asns = path.segments.front().asns;
        asns.insert(asns.begin(), asn);
        return;
    }
    path.segments.insert(path.segments.begin(), wire::AsSegment{type, {asn}});
}

void set_next_hop(wire::PathAttributes& a, const wire::IpAddress& nh) {
    if (a.mp_reach) {
        a.mp_reach->next_hops = {nh};
        if (nh.is_v4() && a.mp_reach->family.afi == wire::Afi::ipv4) {
            a.mp_reach.reset();
            a.next_hop = nh;
        }
    } else if (nh.is_v4()) {
        a.next_hop = nh;
    } else {
        // An IPv6 next hop (RFC 8950 for IPv4 NLRI) goes in MP_REACH_NLRI.
        wire::MpReach mp;
        mp.family = wire::ipv4_unicast;
        mp.next_hops = {nh};
        a.mp_reach = std::move(mp);
        a.next_hop.reset();
    }
}

}  // namespace

wire::PathAttributes export_attributes(const RibConfig& local, bool from_local,
                                       const PeerInfo& from, const PeerInfo& to,
                                       const AttrStore& store, AttrId id) {
    wire::PathAttributes a = store.materialize(id);
    if (!a.origin) a.origin = wire::Origin::igp;
    if (!a.as_path) a.as_path = wire::AsPath{};
    const bool to_internal = internal(local, to);
    const bool to_confed = confed_peer(local, to);
    const bool from_internal = !from_local && internal(local, from);

    if (to_internal || to_confed) {
        // Inside the AS or the confederation: LOCAL_PREF always (§5.1.5).
        if (!a.local_pref) a.local_pref = local.default_local_pref;
        if (to_confed) {
            // RFC 5065 §5.3: our member AS in an AS_CONFED_SEQUENCE.
            prepend(*a.as_path, local.local_as, wire::AsSegmentType::as_confed_sequence);
            a.originator_id.reset();
            a.cluster_list.reset();
        } else if (from_internal) {
            // Reflection (RFC 4456 §8): ORIGINATOR_ID once, our CLUSTER_ID first.
            if (!a.originator_id) a.originator_id = wire::IpAddress::v4(from.router_id);
            auto cl = a.cluster_list.value_or(std::vector<std::uint32_t>{});
            cl.insert(cl.begin(), local.effective_cluster_id());
            a.cluster_list = std::move(cl);
        }
        // §5.1.3: NEXT_HOP unchanged inside the AS, unless asked (or ours has none).
        const bool no_next_hop = !a.next_hop && !(a.mp_reach && !a.mp_reach->next_hops.empty());
        if ((to.next_hop_self || no_next_hop) && to.local_address)
            set_next_hop(a, *to.local_address);
        return a;
    }

    // To an external peer.
    wire::AsPath& path = *a.as_path;
    if (local.confed_id) {
        // RFC 5065 §5.3: leave the confederation: drop its segments, prepend its id.
        std::erase_if(path.segments, [](const wire::AsSegment& s) {
            return s.type == wire::AsSegmentType::as_confed_sequence ||
                   s.type == wire::AsSegmentType::as_confed_set;
        });
        prepend(path, *local.confed_id, wire::AsSegmentType::as_sequence);
    } else {
        prepend(path, local.local_as, wire::AsSegmentType::as_sequence);  // §5.1.2
    }
    if (to.local_address) set_next_hop(a, *to.local_address);  // §5.1.3
    a.local_pref.reset();                                      // §5.1.5
    // §5.1.4: a MED received from a neighbouring AS is not passed to another.
    if (!from_local && !to.propagate_med) a.med.reset();
    // RFC 4456 §8: ORIGINATOR_ID and CLUSTER_LIST are for inside the AS.
    a.originator_id.reset();
    a.cluster_list.reset();
    return a;
}

std::vector<Route> select_for_peer(std::span<const Route> ranked, AddPathSend mode,
                                   const std::function<bool(const Route&)>& allowed) {
    std::vector<Route> out;
    if (ranked.empty()) return out;
    if (mode.mode == AddPathSend::Mode::best_only) {
        // Only the best, or nothing (no fallback to the second best).
        if (ranked.front().best && allowed(ranked.front())) out.push_back(ranked.front());
        return out;
    }
    const std::size_t limit =
        mode.mode == AddPathSend::Mode::all ? ranked.size() : std::max<std::size_t>(1, mode.n);
    for (const Route& r : ranked) {
        if (out.size() >= limit) break;
        if (r.ineligible != Ineligible::none || r.attrs == no_attrs) break;  // ranked: the rest too
        if (allowed(r)) out.push_back(r);
    }
    return out;
}

}  // namespace bgp::rib
