// The attribute changes a matching policy term makes.
//
// Applied in the order of the members below. A change that leaves a value as
// it was (LOCAL_PREF set to its current value, a community added that is
// already there) is no change: the route keeps sharing the original
// attributes.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "bgp/policy/community_pattern.hpp"
#include "bgp/wire/attributes.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::policy {

/// Changes to one kind of community: `replace` first (an empty list removes
/// the attribute; FRR `set community none`), then `remove` (every community a
/// pattern matches), then `add` (values not yet present, appended in order).
template <class Value, class Pattern>
struct CommunityEdit {
    std::optional<std::vector<Value>> replace;
    std::vector<Pattern> remove;
    std::vector<Value> add;

    [[nodiscard]] bool empty() const { return !replace && remove.empty() && add.empty(); }
    friend bool operator==(const CommunityEdit&, const CommunityEdit&) = default;
};

using CommunityChange = CommunityEdit<std::uint32_t, CommunityPattern>;
using LargeCommunityChange = CommunityEdit<wire::LargeCommunity, LargeCommunityPattern>;
using ExtCommunityChange = CommunityEdit<wire::ExtCommunity, ExtCommunityPattern>;

struct MedChange {
    enum class Op : std::uint8_t {
        set,       ///< MED = value
        add,       ///< MED += value, saturating at 2^32-1 (GoBGP "+N"); absent MED counts as 0
        subtract,  ///< MED -= value, saturating at 0 (GoBGP "-N"); absent MED counts as 0
        remove,    ///< delete the attribute
    };
    Op op = Op::set;
    std::uint32_t value = 0;
    friend bool operator==(const MedChange&, const MedChange&) = default;
};

struct NextHopChange {
    enum class Kind : std::uint8_t {
        self,          ///< the local address of the session (Context::local_address_*)
        unchanged,     ///< keep it, and tell the export path not to rewrite it on eBGP
        peer_address,  ///< the neighbour's address (FRR `set ip next-hop peer-address`)
        address,       ///< `address`
    };
    Kind kind = Kind::self;
    wire::IpAddress address;
    friend bool operator==(const NextHopChange&, const NextHopChange&) = default;
};

/// AS_PATH prepend (FRR `set as-path prepend`, GoBGP `set-as-path-prepend`).
struct Prepend {
    /// The ASN to prepend; nullopt = the local AS, or with `last_as` the path's
    /// current first ASN (GoBGP "last-as"; nothing happens on an empty path).
    std::optional<std::uint32_t> asn;
    bool last_as = false;
    std::uint8_t count = 1;  ///< 1..32
    friend bool operator==(const Prepend&, const Prepend&) = default;
};

struct Modify {
    std::optional<wire::Origin> origin;  ///< FRR `set origin`
    std::optional<std::uint32_t> local_pref;
    std::optional<MedChange> med;
    std::optional<NextHopChange> next_hop;
    std::optional<Prepend> prepend;
    CommunityChange communities;
    LargeCommunityChange large_communities;
    ExtCommunityChange ext_communities;

    [[nodiscard]] bool empty() const {
        return !origin && !local_pref && !med && !next_hop && !prepend && communities.empty() &&
               large_communities.empty() && ext_communities.empty();
    }
    friend bool operator==(const Modify&, const Modify&) = default;
};

}  // namespace bgp::policy
