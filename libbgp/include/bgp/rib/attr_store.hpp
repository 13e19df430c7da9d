// Interned, reference-counted path attribute sets (the OpenBGPD
// `path_lookup`/`attr_optadd` and BIRD `rta_lookup` idea).
//
// A stored route holds a 32-bit AttrId; every route with the same attributes
// shares one AttrSet. An AttrSet keeps what the decision process reads
// (RFC 4271 §9.1, RFC 4456 §9) as plain fields and the variable-length parts
// (AS_PATH, COMMUNITIES, CLUSTER_LIST, LARGE_COMMUNITY, EXTENDED COMMUNITIES and
// everything else) as handles to parts that are themselves interned, so sets
// that differ only in communities share their AS_PATH.
//
// Canonical form: the wire layout (attribute order and flags) is not kept, and
// MP_REACH_NLRI keeps only its family and next hops (the NLRI live in the RIB);
// MP_UNREACH_NLRI is dropped. materialize() gives the attributes back in that
// form. Not thread-safe: one executor owns the store and the RIBs using it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::rib {

/// Handle to an interned AttrSet; 0 is "no attributes" (a rejected route).
using AttrId = std::uint32_t;
inline constexpr AttrId no_attrs = 0;

/// Handle to an interned part (AS path, community list, ...); 0 is "absent".
using PartId = std::uint32_t;

/// Well-known facts about a set, computed once when it is interned.
namespace attr_bit {
inline constexpr std::uint16_t has_origin = 1u << 0;
inline constexpr std::uint16_t has_as_path = 1u << 1;
inline constexpr std::uint16_t has_next_hop = 1u << 2;  ///< classic NEXT_HOP attribute
inline constexpr std::uint16_t has_med = 1u << 3;
inline constexpr std::uint16_t has_local_pref = 1u << 4;
inline constexpr std::uint16_t atomic_aggregate = 1u << 5;
inline constexpr std::uint16_t has_originator_id = 1u << 6;
inline constexpr std::uint16_t has_cluster_list = 1u << 7;
inline constexpr std::uint16_t no_export = 1u << 8;             ///< RFC 1997
inline constexpr std::uint16_t no_advertise = 1u << 9;          ///< RFC 1997
inline constexpr std::uint16_t no_export_subconfed = 1u << 10;  ///< RFC 1997
inline constexpr std::uint16_t llgr_stale = 1u << 11;           ///< RFC 9494
inline constexpr std::uint16_t has_mp_next_hop = 1u << 12;      ///< next hop from MP_REACH_NLRI
inline constexpr std::uint16_t no_llgr = 1u << 13;              ///< RFC 9494 NO_LLGR
}  // namespace attr_bit

/// One interned attribute set (60 bytes). Immutable once interned.
struct AttrSet {
    std::uint32_t local_pref = 0;      ///< valid with has_local_pref
    std::uint32_t med = 0;             ///< valid with has_med
    std::uint32_t originator_id = 0;   ///< host order, valid with has_originator_id
    std::uint32_t neighbor_as = 0;     ///< first AS of the leading AS_SEQUENCE (0: none)
    std::uint16_t as_path_length = 0;  ///< RFC 4271 §9.1.2.2 a counting
    std::uint16_t cluster_list_length = 0;
    wire::Origin origin = wire::Origin::igp;
    std::uint8_t reserved = 0;
    std::uint16_t flags = 0;  ///< attr_bit::*
    PartId next_hop = 0;      ///< NEXT_HOP, or the first MP_REACH_NLRI next hop
    PartId as_path = 0;
    PartId communities = 0;
    PartId cluster_list = 0;
    PartId large_communities = 0;
    PartId ext_communities = 0;
    PartId rest = 0;  ///< every other attribute, as a PathAttributes
    std::uint32_t refs = 0;
    std::uint32_t hash = 0;

    [[nodiscard]] bool has(std::uint16_t bit) const { return (flags & bit) != 0; }
};

struct AttrStoreStats {
    std::size_t sets = 0;
    std::size_t as_paths = 0;
    std::size_t community_lists = 0;  ///< communities and cluster lists
    std::size_t large_community_lists = 0;
    std::size_t ext_community_lists = 0;
    std::size_t rests = 0;
    std::size_t next_hops = 0;
};

class AttrStore {
  public:
    AttrStore();
    ~AttrStore();
    AttrStore(const AttrStore&) = delete;
    AttrStore& operator=(const AttrStore&) = delete;

    /// Interns `attrs` and returns its id holding one new reference (release it
    /// with unref, or hold it in an AttrRef).
    [[nodiscard]] AttrId intern(const wire::PathAttributes& attrs);
    void ref(AttrId id);
    void unref(AttrId id);

    /// The set; `id` must be live.
    [[nodiscard]] const AttrSet& get(AttrId id) const;
    /// The attributes back in canonical form (see the file comment).
    [[nodiscard]] wire::PathAttributes materialize(AttrId id) const;

    /// Parts of a set (empty when absent). The AS path is stored flat and
    /// decoded on each call; count_as and the decision fields avoid that.
    [[nodiscard]] const wire::IpAddress& next_hop(const AttrSet& s) const;
    [[nodiscard]] wire::AsPath as_path(const AttrSet& s) const;
    /// How many times `asn` appears in the AS path (any segment type).
    [[nodiscard]] std::size_t count_as(const AttrSet& s, std::uint32_t asn) const;
    [[nodiscard]] std::span<const std::uint32_t> communities(const AttrSet& s) const;
    [[nodiscard]] std::span<const std::uint32_t> cluster_list(const AttrSet& s) const;
    [[nodiscard]] std::span<const wire::LargeCommunity> large_communities(const AttrSet& s) const;
    [[nodiscard]] std::span<const wire::ExtCommunity> ext_communities(const AttrSet& s) const;

    /// Number of live sets.
    [[nodiscard]] std::size_t size() const;
    [[nodiscard]] AttrStoreStats stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Owning handle: one reference to an interned set, released on destruction.
class AttrRef {
  public:
    AttrRef() = default;
    /// Adopts a reference the caller already holds (as returned by intern).
    AttrRef(AttrStore& store, AttrId id) : store_(&store), id_(id) {}
    AttrRef(const AttrRef& o) : store_(o.store_), id_(o.id_) {
        if (store_ && id_ != no_attrs) store_->ref(id_);
    }
    AttrRef(AttrRef&& o) noexcept
        : store_(std::exchange(o.store_, nullptr)), id_(std::exchange(o.id_, no_attrs)) {}
    AttrRef& operator=(AttrRef o) noexcept {
        std::swap(store_, o.store_);
        std::swap(id_, o.id_);
        return *this;
    }
    ~AttrRef() {
        if (store_ && id_ != no_attrs) store_->unref(id_);
    }
    [[nodiscard]] AttrId id() const { return id_; }
    [[nodiscard]] const AttrSet& operator*() const { return store_->get(id_); }
    [[nodiscard]] const AttrSet* operator->() const { return &store_->get(id_); }
    explicit operator bool() const { return id_ != no_attrs; }

  private:
    AttrStore* store_ = nullptr;
    AttrId id_ = no_attrs;
};

/// Interns and wraps in one step.
[[nodiscard]] inline AttrRef intern(AttrStore& store, const wire::PathAttributes& attrs) {
    return AttrRef(store, store.intern(attrs));
}

}  // namespace bgp::rib
