// Receipt-side loop checks, applied by the Rib to every received path before
// it becomes a candidate (the path stays in the Adj-RIB-In, ineligible):
// AS loops (RFC 4271 §9.1.2: a route whose AS_PATH holds our AS is not
// eligible), with an allow-own-AS count; cluster loops and our own
// ORIGINATOR_ID (RFC 4456 §8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bgp/rib/attr_store.hpp"
#include "bgp/rib/peer.hpp"

namespace bgp::rib {

/// Why a path in the Adj-RIB-In is not a candidate for the decision process.
enum class Ineligible : std::uint8_t {
    none = 0,
    rejected_by_policy,     ///< import policy said no (post-policy attributes absent)
    as_loop,                ///< our AS in AS_PATH (RFC 4271 §9.1.2)
    cluster_loop,           ///< our cluster id in CLUSTER_LIST (RFC 4456 §8)
    originator_loop,        ///< ORIGINATOR_ID is our router id (RFC 4456 §8)
    next_hop_unresolvable,  ///< RFC 4271 §9.1.2.1
};

[[nodiscard]] std::string_view ineligible_name(Ineligible i);

/// How many times `asn` appears in the path (every segment type).
[[nodiscard]] std::size_t count_as(const wire::AsPath& path, std::uint32_t asn);

/// Ineligible::none when the path may be used; otherwise the loop found.
[[nodiscard]] Ineligible check_loops(const RibConfig& local, const PeerInfo& from,
                                     const AttrStore& store, AttrId attrs);

}  // namespace bgp::rib
