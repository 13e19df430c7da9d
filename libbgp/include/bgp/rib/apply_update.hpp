// Feeding a decoded UPDATE into a Rib: the glue between bgp::wire and
// bgp::rib, with no session in between (the caller says which peer it came
// from).
//
// - Withdrawn routes and MP_UNREACH_NLRI of the Rib's family are withdrawn;
//   NLRI and MP_REACH_NLRI of the family are announced (RFC 4271 §3.1: an
//   announcement replaces the peer's previous path for the prefix).
// - RFC 7606 treat-as-withdraw: every NLRI of the UPDATE is withdrawn.
// - LOCAL_PREF from an external peer is ignored (RFC 4271 §5.1.5), and so are
//   ORIGINATOR_ID and CLUSTER_LIST (RFC 4456 §8 attributes are iBGP-only).
// - End-of-RIB of the family (RFC 4724 §2) sweeps the peer's stale paths
//   (RFC 4724 §4.2).
// - The import policy, if any, maps each prefix's received attributes to the
//   post-policy ones (an empty AttrRef rejects); the Adj-RIB-In keeps both.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

#include "bgp/rib/rib.hpp"
#include "bgp/wire/message.hpp"

namespace bgp::rib {

struct UpdateResult {
    std::size_t announced = 0;     ///< prefixes announced (accepted or not)
    std::size_t withdrawn = 0;     ///< prefixes withdrawn that were present
    std::size_t rejected = 0;      ///< announced but rejected by policy or looped
    std::size_t best_changes = 0;  ///< prefixes whose best path changed
    bool end_of_rib = false;       ///< this UPDATE was the family's End-of-RIB
    std::size_t swept = 0;         ///< stale paths dropped by that End-of-RIB
};

/// Import policy: post-policy attributes for a prefix (empty AttrRef: reject).
using ImportPolicy = std::function<AttrRef(const wire::Prefix&, AttrId in)>;

/// Applies `update` from `peer` to `rib` (only the Rib's family is looked at).
template <class F>
UpdateResult apply_update(Rib<F>& rib, PeerId peer, const wire::Update& update,
                          const ImportPolicy& policy = {});

/// The received attributes as the RIB stores them: LOCAL_PREF dropped from an
/// external peer (RFC 4271 §5.1.5), ORIGINATOR_ID / CLUSTER_LIST dropped from
/// an external peer (RFC 4456 §8).
[[nodiscard]] wire::PathAttributes received_attributes(const wire::PathAttributes& a,
                                                       const RibConfig& local,
                                                       const PeerInfo& from);

extern template UpdateResult apply_update<Ipv4>(Rib<Ipv4>&, PeerId, const wire::Update&,
                                                const ImportPolicy&);
extern template UpdateResult apply_update<Ipv6>(Rib<Ipv6>&, PeerId, const wire::Update&,
                                                const ImportPolicy&);

}  // namespace bgp::rib
