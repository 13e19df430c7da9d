// What the RIB knows about a peer and about the local speaker. These are plain
// descriptors filled in by whoever runs the sessions; the RIB never sees a
// session or a socket.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "bgp/wire/types.hpp"

namespace bgp::rib {

/// Index of a peer in a Rib. 0 is the local speaker (locally originated routes).
using PeerId = std::uint16_t;
inline constexpr PeerId local_peer = 0;

/// ADD-PATH send behaviour towards one peer (RFC 7911; best-N as in
/// draft-ietf-idr-add-paths-guidelines §3).
struct AddPathSend {
    enum class Mode : std::uint8_t { best_only, all, best_n };
    Mode mode = Mode::best_only;
    std::uint16_t n = 1;  ///< for best_n
    friend bool operator==(const AddPathSend&, const AddPathSend&) = default;
};

struct PeerInfo {
    wire::IpAddress address;        ///< the peer's address (last tie-breaker, §9.1.2.2 g)
    std::uint32_t asn = 0;          ///< the peer's AS
    std::uint32_t router_id = 0;    ///< its BGP Identifier, host order (0 until OPEN)
    bool rr_client = false;         ///< RFC 4456: a route-reflection client of ours
    bool confed_member = false;     ///< RFC 5065: external peer inside our confederation
    std::uint8_t allow_own_as = 0;  ///< accept paths with our AS up to this many times
    AddPathSend add_path_send;      ///< what to send this peer (needs the capability)
    bool next_hop_self = false;     ///< export: set next hop to ours even on iBGP
    bool propagate_med = false;     ///< export: pass a learned MED on to this eBGP peer
    bool llgr_capable = false;      ///< advertised the LLGR capability (RFC 9494)
    std::optional<wire::IpAddress> local_address;  ///< our address on this session (next hop self)
};

/// Options of the decision process (RFC 4271 §9.1.2.2 and common extensions).
struct DecisionOptions {
    /// Compare MED between paths from different neighbouring ASes (§9.1.2.2 c
    /// compares only within the same neighbouring AS).
    bool always_compare_med = false;
    /// Group paths by neighbouring AS, pick the best of each group, then
    /// compare the group winners (RFC 4271 §9.1.2.2 c done order-independently).
    bool deterministic_med = false;
    /// A missing MED counts as the worst value (4294967295) instead of 0
    /// (RFC 4271 §9.1.2.2 c says 0).
    bool missing_med_worst = false;
    /// Skip the AS_PATH length step (§9.1.2.2 a) - an operator knob.
    bool ignore_as_path_length = false;
    /// Multipath: how many equal paths make the ECMP set (1: best only).
    std::uint16_t max_paths = 1;
    /// Multipath across different neighbouring ASes (eBGP) too.
    bool multipath_relax = false;
};

/// IGP cost to a next hop (§9.1.2.2 e), or nullopt when the next hop is not
/// resolvable (§9.1.2.1: such a route is not a candidate).
using IgpCostFn = std::function<std::optional<std::uint32_t>(const wire::IpAddress&)>;

struct RibConfig {
    std::uint32_t local_as = 0;
    std::uint32_t router_id = 0;              ///< our BGP Identifier, host order
    std::optional<std::uint32_t> cluster_id;  ///< RFC 4456 §7; defaults to router_id
    std::optional<std::uint32_t> confed_id;   ///< RFC 5065 confederation identifier
    std::uint32_t default_local_pref = 100;   ///< for paths without LOCAL_PREF (§9.1.1)
    DecisionOptions decision;
    IgpCostFn igp_cost;  ///< empty: every next hop resolves at cost 0

    [[nodiscard]] std::uint32_t effective_cluster_id() const {
        return cluster_id.value_or(router_id);
    }
};

/// Whether a peer is internal (same AS, or a confederation member peer).
[[nodiscard]] inline bool is_internal(const RibConfig& local, const PeerInfo& p) {
    return p.asn == local.local_as;
}

}  // namespace bgp::rib
