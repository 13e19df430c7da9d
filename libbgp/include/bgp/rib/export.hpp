// Export rules: which paths go to which peer, and with which attributes.
//
// - RFC 4271 §9.2: an iBGP-learned route is not sent to another iBGP peer,
//   except by a route reflector (RFC 4456 §6): a route from a client goes to
//   every client and non-client, one from a non-client only to clients; a
//   route never goes back to the peer it came from, nor to the router whose
//   BGP Identifier is its ORIGINATOR_ID (RFC 4456 §8).
// - RFC 1997: NO_ADVERTISE (no peer), NO_EXPORT (no external peer; members of
//   our confederation are fine), NO_EXPORT_SUBCONFED (no external peer at all).
// - RFC 4271 §5.1: towards eBGP our AS is prepended (§5.1.2), NEXT_HOP is set
//   to our address (§5.1.3), LOCAL_PREF is not sent (§5.1.5) and a MED learned
//   from another AS is not passed on (§5.1.4) unless the peer says so;
//   ORIGINATOR_ID and CLUSTER_LIST stay inside the AS (RFC 4456 §8). Towards
//   iBGP LOCAL_PREF is always sent (default if missing) and the path is left as
//   is; a reflected route gets ORIGINATOR_ID (if absent) and our CLUSTER_ID
//   prepended to CLUSTER_LIST (RFC 4456 §8). Confederations (RFC 5065 §5):
//   member peers get our member AS in an AS_CONFED_SEQUENCE; true external
//   peers get the confederation identifier with confederation segments removed.
// - RFC 7911 ADD-PATH send: best only, all, or the best N of the candidates a
//   peer may receive.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "bgp/rib/attr_store.hpp"
#include "bgp/rib/peer.hpp"
#include "bgp/rib/rib.hpp"

namespace bgp::rib {

/// Why a path is not sent to a peer (none: it is sent).
enum class ExportBlock : std::uint8_t {
    none = 0,
    to_source,            ///< the peer it was learned from
    to_originator,        ///< RFC 4456 §8: its ORIGINATOR_ID is the peer's BGP Identifier
    no_advertise,         ///< RFC 1997 NO_ADVERTISE
    no_export,            ///< RFC 1997 NO_EXPORT, peer outside the AS/confederation
    no_export_subconfed,  ///< RFC 1997 NO_EXPORT_SUBCONFED, peer is external
    ibgp_to_ibgp,         ///< RFC 4271 §9.2 / RFC 4456 §6: iBGP route to a non-client
    not_a_candidate,      ///< the path is ineligible (rejected, looped, unresolvable)
    llgr_stale,           ///< RFC 9494 §4.5: LLGR_STALE path, peer without LLGR
};

[[nodiscard]] std::string_view export_block_name(ExportBlock b);

/// May the path learned from `from` (local_peer: ours) be sent to `to`?
[[nodiscard]] ExportBlock export_check(const RibConfig& local, PeerId from_id, const PeerInfo& from,
                                       PeerId to_id, const PeerInfo& to, const AttrSet& attrs);

/// The attributes to send to `to` for a path learned from `from`, once
/// export_check allowed it. `from_local`: a locally originated path.
[[nodiscard]] wire::PathAttributes export_attributes(const RibConfig& local, bool from_local,
                                                     const PeerInfo& from, const PeerInfo& to,
                                                     const AttrStore& store, AttrId attrs);

/// The paths of one prefix to advertise to a peer (ranked, from Rib::paths):
/// with best_only, the best path if it may be sent (never a fallback: RFC 4271
/// §9.1.3 advertises the best route or nothing); with all / best_n (RFC 7911),
/// the candidates that may be sent, best first, at most n for best_n.
/// `allowed(route)` is the export check.
[[nodiscard]] std::vector<Route> select_for_peer(std::span<const Route> ranked, AddPathSend mode,
                                                 const std::function<bool(const Route&)>& allowed);

/// One path to send, with the attributes as they go on the wire.
struct Advertisement {
    Route route;
    wire::PathAttributes attrs;
};

/// A peer's export policy (the policy layer provides it): may change the
/// attributes about to be sent; false rejects the path for this peer.
using ExportPolicy = std::function<bool(const Route&, wire::PathAttributes&)>;

/// What to send `to` for `prefix`: export_check, export_attributes, then
/// `policy`, then the peer's ADD-PATH mode as in select_for_peer (with
/// best_only, a best path rejected by policy means nothing is sent). Each
/// Route's tx_path_id is its ADD-PATH path identifier.
template <class F>
[[nodiscard]] std::vector<Advertisement> advertisements(const Rib<F>& rib,
                                                        const wire::Prefix& prefix, PeerId to,
                                                        const ExportPolicy& policy = {}) {
    const RibConfig& local = rib.config();
    const PeerInfo& target = rib.peer(to);
    const auto ranked = rib.paths(prefix);
    const AddPathSend mode = target.add_path_send;
    std::size_t limit = ranked.size();
    if (mode.mode == AddPathSend::Mode::best_only) limit = 1;
    if (mode.mode == AddPathSend::Mode::best_n) limit = std::max<std::size_t>(1, mode.n);
    std::vector<Advertisement> out;
    for (const Route& r : ranked) {
        if (out.size() >= limit) break;
        // Ranked: candidates first; the first ineligible path ends them.
        if (r.ineligible != Ineligible::none || r.attrs == no_attrs) break;
        bool ok = export_check(local, r.peer, rib.peer(r.peer), to, target,
                               rib.store().get(r.attrs)) == ExportBlock::none;
        Advertisement ad{r, {}};
        if (ok) {
            ad.attrs = export_attributes(local, r.peer == local_peer, rib.peer(r.peer), target,
                                         rib.store(), r.attrs);
            ok = !policy || policy(r, ad.attrs);
        }
        if (ok) {
            out.push_back(std::move(ad));
        } else if (mode.mode == AddPathSend::Mode::best_only) {
            break;  // the best may not go: nothing goes (no fallback)
        }
    }
    return out;
}

}  // namespace bgp::rib
