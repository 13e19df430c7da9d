// Receipt-side loop checks (RFC 4271 §9.1.2, RFC 4456 §8).
#include "bgp/rib/import.hpp"

#include <algorithm>

#include "bgp/rib/rib.hpp"

namespace bgp::rib {

std::size_t count_as(const wire::AsPath& path, std::uint32_t asn) {
    std::size_t n = 0;
    for (const auto& seg : path.segments)
        n += static_cast<std::size_t>(std::count(seg.asns.begin(), seg.asns.end(), asn));
    return n;
}

Ineligible check_loops(const RibConfig& local, const PeerInfo& from, const AttrStore& store,
                       AttrId attrs) {
    if (attrs == no_attrs) return Ineligible::none;
    const AttrSet& s = store.get(attrs);
    // RFC 4271 §9.1.2: our own AS in the AS_PATH is a loop (allow-own-as
    // tolerates a few, for hub-and-spoke designs). In a confederation the
    // confederation identifier counts as well (RFC 5065 §6).
    if (s.as_path) {
        std::size_t own = store.count_as(s, local.local_as);
        if (local.confed_id && *local.confed_id != local.local_as)
            own += store.count_as(s, *local.confed_id);
        if (own > from.allow_own_as) return Ineligible::as_loop;
    }
    // RFC 4456 §8: our BGP Identifier as ORIGINATOR_ID, or our CLUSTER_ID in
    // the CLUSTER_LIST: the route went round; ignore it.
    if (s.has(attr_bit::has_originator_id) && s.originator_id == local.router_id)
        return Ineligible::originator_loop;
    if (s.cluster_list) {
        const auto cl = store.cluster_list(s);
        if (std::find(cl.begin(), cl.end(), local.effective_cluster_id()) != cl.end())
            return Ineligible::cluster_loop;
    }
    return Ineligible::none;
}

}  // namespace bgp::rib

namespace bgp::rib {

std::string_view ineligible_name(Ineligible i) {
    switch (i) {
        case Ineligible::none:
            return "none";
        case Ineligible::rejected_by_policy:
            return "rejected-by-policy";
        case Ineligible::as_loop:
            return "as-loop";
        case Ineligible::cluster_loop:
            return "cluster-loop";
        case Ineligible::originator_loop:
            return "originator-loop";
        case Ineligible::next_hop_unresolvable:
            return "next-hop-unresolvable";
    }
    return "unknown";
}

}  // namespace bgp::rib
