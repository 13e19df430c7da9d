// Interned attribute sets: canonical form, hashing, parts pools.
#include "bgp/rib/attr_store.hpp"

#include <algorithm>
#include <cassert>
#include <deque>
#include <vector>

#include "rib/blob_pool.hpp"
#include "rib/chunked_vector.hpp"
#include "rib/id_index.hpp"
#include "rib/part_pool.hpp"

namespace bgp::rib {

using detail::hash_mix;

static_assert(sizeof(AttrSet) == 60, "AttrSet is part of the memory budget (docs/rib.md)");

namespace {

std::uint64_t hash_as_path(const wire::AsPath& p) {
    std::uint64_t h = 0x1234;
    for (const auto& s : p.segments) {
        h = hash_mix(h, static_cast<std::uint64_t>(s.type) << 32 | s.asns.size());
        for (std::uint32_t a : s.asns) h = hash_mix(h, a);
    }
    return h;
}

// AS_PATH stored flat: per segment one word (type << 24 | count), then the ASNs.
std::vector<std::uint32_t> flatten(const wire::AsPath& p) {
    std::vector<std::uint32_t> w;
    for (const auto& s : p.segments) {
        w.push_back((static_cast<std::uint32_t>(s.type) << 24) |
                    static_cast<std::uint32_t>(std::min<std::size_t>(s.asns.size(), 0xFFFFFF)));
        w.insert(w.end(), s.asns.begin(),
                 s.asns.begin() +
                     static_cast<std::ptrdiff_t>(std::min<std::size_t>(s.asns.size(), 0xFFFFFF)));
    }
    return w;
}

wire::AsPath unflatten(std::span<const std::uint32_t> w) {
    wire::AsPath p;
    for (std::size_t i = 0; i < w.size();) {
        wire::AsSegment s;
        s.type = static_cast<wire::AsSegmentType>(w[i] >> 24);
        const std::size_t n = w[i] & 0xFFFFFF;
        ++i;
        s.asns.assign(w.begin() + static_cast<std::ptrdiff_t>(i),
                      w.begin() + static_cast<std::ptrdiff_t>(std::min(w.size(), i + n)));
        i += n;
        p.segments.push_back(std::move(s));
    }
    return p;
}

constexpr std::uint64_t seed_as_path = 0xA5;
constexpr std::uint64_t seed_u32_list = 0xC7;

std::uint64_t hash_large(const std::vector<wire::LargeCommunity>& v) {
    std::uint64_t h = v.size() + 7;
    for (const auto& c : v) {
        h = hash_mix(h, c.global_admin);
        h = hash_mix(h, (std::uint64_t{c.local_data1} << 32) | c.local_data2);
    }
    return h;
}

std::uint64_t hash_bytes(std::uint64_t h, const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) h = hash_mix(h, p[i]);
    return h;
}

std::uint64_t hash_ext(const std::vector<wire::ExtCommunity>& v) {
    std::uint64_t h = v.size() + 11;
    for (const auto& c : v) h = hash_bytes(h, c.bytes.data(), c.bytes.size());
    return h;
}

std::uint64_t hash_addr(std::uint64_t h, const wire::IpAddress& a) {
    h = hash_mix(h, static_cast<std::uint64_t>(a.afi()));
    return hash_bytes(h, a.data(), a.size());
}

// The attributes that have no field of their own in AttrSet.
std::uint64_t hash_rest(const wire::PathAttributes& r) {
    std::uint64_t h = 0x5157;
    if (r.aggregator) h = hash_addr(hash_mix(h, r.aggregator->asn), r.aggregator->address);
    if (r.as4_path) h = hash_mix(h, hash_as_path(*r.as4_path));
    if (r.as4_aggregator)
        h = hash_addr(hash_mix(h, r.as4_aggregator->asn), r.as4_aggregator->address);
    if (r.otc) h = hash_mix(h, *r.otc);
    if (r.tunnel_encapsulation) {
        for (const auto& t : r.tunnel_encapsulation->tunnels) {
            h = hash_mix(h, t.tunnel_type);
            for (const auto& s : t.sub_tlvs)
                h = hash_bytes(hash_mix(h, s.type), s.value.data(), s.value.size());
        }
    }
    if (r.mp_reach) {
        h = hash_mix(h, static_cast<std::uint64_t>(r.mp_reach->family.afi));
        for (const auto& a : r.mp_reach->next_hops) h = hash_addr(h, a);
        h = hash_bytes(h, r.mp_reach->raw_next_hop.data(), r.mp_reach->raw_next_hop.size());
    }
    for (const auto& u : r.unknown)
        h = hash_bytes(hash_mix(h, (std::uint64_t{u.flags} << 8) | u.type), u.value.data(),
                       u.value.size());
    return h;
}

bool has_rest(const wire::PathAttributes& r) {
    return r.aggregator || r.as4_path || r.as4_aggregator || r.otc || r.tunnel_encapsulation ||
           r.mp_reach || !r.unknown.empty();
}

}  // namespace

struct AttrStore::Impl {
    detail::ChunkedVector<AttrSet> sets;  // slot i holds AttrId i + 1
    std::vector<std::uint32_t> free;
    detail::IdIndex index;
    std::size_t live = 0;

    detail::PartPool<wire::IpAddress> next_hops;
    detail::BlobPool as_paths;   // flat encoding
    detail::BlobPool u32_lists;  // communities, cluster lists
    detail::PartPool<std::vector<wire::LargeCommunity>> large;
    detail::PartPool<std::vector<wire::ExtCommunity>> ext;
    detail::PartPool<wire::PathAttributes> rest;

    static const wire::IpAddress no_next_hop;

    void release_parts(const AttrSet& s) {
        next_hops.unref(s.next_hop);
        as_paths.unref(s.as_path);
        u32_lists.unref(s.communities);
        u32_lists.unref(s.cluster_list);
        large.unref(s.large_communities);
        ext.unref(s.ext_communities);
        rest.unref(s.rest);
    }
};

const wire::IpAddress AttrStore::Impl::no_next_hop{};

AttrStore::AttrStore() : impl_(std::make_unique<Impl>()) {}
AttrStore::~AttrStore() = default;

AttrId AttrStore::intern(const wire::PathAttributes& a) {
    Impl& m = *impl_;
    AttrSet s;
    // Scalars read by the decision process.
    if (a.origin) {
        s.flags |= attr_bit::has_origin;
        s.origin = *a.origin;
    }
    if (a.as_path) {
        s.flags |= attr_bit::has_as_path;
        const auto len = a.as_path->path_length();
        s.as_path_length = static_cast<std::uint16_t>(std::min<std::size_t>(len, 0xFFFF));
        // RFC 4271 §9.1.2.2 c: the neighbouring AS is the first AS of the path
        // (confederation segments skipped, RFC 5065 §5.3).
        for (const auto& seg : a.as_path->segments) {
            if (seg.type == wire::AsSegmentType::as_confed_sequence ||
                seg.type == wire::AsSegmentType::as_confed_set)
                continue;
            if (seg.type == wire::AsSegmentType::as_sequence && !seg.asns.empty())
                s.neighbor_as = seg.asns.front();
            break;
        }
        if (!a.as_path->segments.empty()) {
            const auto flat = flatten(*a.as_path);
            s.as_path = m.as_paths.intern(flat, detail::BlobPool::hash(flat, seed_as_path));
        }
    }
    if (a.next_hop) {
        s.flags |= attr_bit::has_next_hop;
        s.next_hop = m.next_hops.intern(*a.next_hop, hash_addr(0, *a.next_hop));
    } else if (a.mp_reach && !a.mp_reach->next_hops.empty()) {
        s.flags |= attr_bit::has_mp_next_hop;
        const auto& nh = a.mp_reach->next_hops.front();
        s.next_hop = m.next_hops.intern(nh, hash_addr(0, nh));
    }
    if (a.med) {
        s.flags |= attr_bit::has_med;
        s.med = *a.med;
    }
    if (a.local_pref) {
        s.flags |= attr_bit::has_local_pref;
        s.local_pref = *a.local_pref;
    }
    if (a.atomic_aggregate) s.flags |= attr_bit::atomic_aggregate;
    if (a.originator_id) {
        s.flags |= attr_bit::has_originator_id;
        s.originator_id = a.originator_id->v4_value();
    }
    if (a.cluster_list) {
        s.flags |= attr_bit::has_cluster_list;
        s.cluster_list_length =
            static_cast<std::uint16_t>(std::min<std::size_t>(a.cluster_list->size(), 0xFFFF));
        if (!a.cluster_list->empty())
            s.cluster_list = m.u32_lists.intern(
                *a.cluster_list, detail::BlobPool::hash(*a.cluster_list, seed_u32_list));
    }
    if (a.communities) {
        for (std::uint32_t c : *a.communities) {
            if (c == wire::community::no_export) s.flags |= attr_bit::no_export;
            if (c == wire::community::no_advertise) s.flags |= attr_bit::no_advertise;
            if (c == wire::community::no_export_subconfed) s.flags |= attr_bit::no_export_subconfed;
            if (c == wire::community::llgr_stale) s.flags |= attr_bit::llgr_stale;
            if (c == wire::community::no_llgr) s.flags |= attr_bit::no_llgr;
        }
        // An empty COMMUNITIES attribute is kept as absent.
        if (!a.communities->empty())
            s.communities = m.u32_lists.intern(
                *a.communities, detail::BlobPool::hash(*a.communities, seed_u32_list));
    }
    if (a.large_communities && !a.large_communities->empty())
        s.large_communities =
            m.large.intern(*a.large_communities, hash_large(*a.large_communities));
    if (a.ext_communities && !a.ext_communities->empty())
        s.ext_communities = m.ext.intern(*a.ext_communities, hash_ext(*a.ext_communities));

    if (has_rest(a)) {
        wire::PathAttributes r;
        r.aggregator = a.aggregator;
        r.as4_path = a.as4_path;
        r.as4_aggregator = a.as4_aggregator;
        r.otc = a.otc;
        r.tunnel_encapsulation = a.tunnel_encapsulation;
        if (a.mp_reach) {
            wire::MpReach mp;
            mp.family = a.mp_reach->family;
            mp.next_hops = a.mp_reach->next_hops;
            mp.raw_next_hop = a.mp_reach->raw_next_hop;
            r.mp_reach = std::move(mp);
        }
        r.unknown = a.unknown;
        const auto h = hash_rest(r);
        s.rest = m.rest.intern(std::move(r), h);
    }

    std::uint64_t h = hash_mix(s.flags, static_cast<std::uint64_t>(s.origin));
    h = hash_mix(h, s.next_hop);
    h = hash_mix(h, (std::uint64_t{s.local_pref} << 32) | s.med);
    h = hash_mix(h, s.originator_id);
    h = hash_mix(h, (std::uint64_t{s.as_path} << 32) | s.communities);
    h = hash_mix(h, (std::uint64_t{s.cluster_list} << 32) | s.large_communities);
    h = hash_mix(h, (std::uint64_t{s.ext_communities} << 32) | s.rest);
    s.hash = static_cast<std::uint32_t>(h);

    auto same = [&](const AttrSet& o) {
        return o.hash == s.hash && o.flags == s.flags && o.origin == s.origin &&
               o.next_hop == s.next_hop && o.local_pref == s.local_pref && o.med == s.med &&
               o.originator_id == s.originator_id && o.as_path == s.as_path &&
               o.communities == s.communities && o.cluster_list == s.cluster_list &&
               o.large_communities == s.large_communities &&
               o.ext_communities == s.ext_communities && o.rest == s.rest &&
               o.cluster_list_length == s.cluster_list_length;
    };
    auto found = m.index.find(s.hash, [&](std::uint32_t slot) { return same(m.sets[slot]); });
    if (found) {
        // The parts were referenced once more by the lookup above: give them back.
        m.release_parts(s);
        ++m.sets[*found].refs;
        return *found + 1;
    }
    s.refs = 1;
    std::uint32_t slot;
    if (!m.free.empty()) {
        slot = m.free.back();
        m.free.pop_back();
        m.sets[slot] = s;
    } else {
        slot = static_cast<std::uint32_t>(m.sets.size());
        m.sets.push_back(s);
    }
    m.index.insert(s.hash, slot, [&m](std::uint32_t i) { return m.sets[i].hash; });
    ++m.live;
    return slot + 1;
}

void AttrStore::ref(AttrId id) {
    if (id == no_attrs) return;
    ++impl_->sets[id - 1].refs;
}

void AttrStore::unref(AttrId id) {
    if (id == no_attrs) return;
    Impl& m = *impl_;
    AttrSet& s = m.sets[id - 1];
    assert(s.refs > 0);
    if (--s.refs != 0) return;
    m.index.erase(s.hash, id - 1, [&m](std::uint32_t i) { return m.sets[i].hash; });
    m.release_parts(s);
    s = AttrSet{};
    m.free.push_back(id - 1);
    --m.live;
}

const AttrSet& AttrStore::get(AttrId id) const {
    assert(id != no_attrs);
    return impl_->sets[id - 1];
}

const wire::IpAddress& AttrStore::next_hop(const AttrSet& s) const {
    return s.next_hop ? impl_->next_hops.get(s.next_hop) : Impl::no_next_hop;
}

wire::AsPath AttrStore::as_path(const AttrSet& s) const {
    return unflatten(impl_->as_paths.get(s.as_path));
}

std::size_t AttrStore::count_as(const AttrSet& s, std::uint32_t asn) const {
    const auto w = impl_->as_paths.get(s.as_path);
    std::size_t n = 0;
    for (std::size_t i = 0; i < w.size();) {
        const std::size_t len = w[i] & 0xFFFFFF;
        for (std::size_t k = i + 1; k < std::min(w.size(), i + 1 + len); ++k) n += w[k] == asn;
        i += 1 + len;
    }
    return n;
}

std::span<const std::uint32_t> AttrStore::communities(const AttrSet& s) const {
    if (!s.communities) return {};
    return impl_->u32_lists.get(s.communities);
}

std::span<const std::uint32_t> AttrStore::cluster_list(const AttrSet& s) const {
    if (!s.cluster_list) return {};
    return impl_->u32_lists.get(s.cluster_list);
}

std::span<const wire::LargeCommunity> AttrStore::large_communities(const AttrSet& s) const {
    if (!s.large_communities) return {};
    return impl_->large.get(s.large_communities);
}

std::span<const wire::ExtCommunity> AttrStore::ext_communities(const AttrSet& s) const {
    if (!s.ext_communities) return {};
    return impl_->ext.get(s.ext_communities);
}

wire::PathAttributes AttrStore::materialize(AttrId id) const {
    const Impl& m = *impl_;
    const AttrSet& s = get(id);
    wire::PathAttributes a;
    if (s.rest) a = m.rest.get(s.rest);
    if (s.has(attr_bit::has_origin)) a.origin = s.origin;
    if (s.has(attr_bit::has_as_path)) a.as_path = as_path(s);
    if (s.has(attr_bit::has_next_hop)) a.next_hop = next_hop(s);
    if (s.has(attr_bit::has_med)) a.med = s.med;
    if (s.has(attr_bit::has_local_pref)) a.local_pref = s.local_pref;
    a.atomic_aggregate = s.has(attr_bit::atomic_aggregate);
    if (s.has(attr_bit::has_originator_id)) a.originator_id = wire::IpAddress::v4(s.originator_id);
    if (s.has(attr_bit::has_cluster_list)) {
        auto cl = cluster_list(s);
        a.cluster_list = std::vector<std::uint32_t>(cl.begin(), cl.end());
    }
    if (s.communities) {
        auto c = communities(s);
        a.communities = std::vector<std::uint32_t>(c.begin(), c.end());
    }
    if (s.large_communities) {
        auto c = large_communities(s);
        a.large_communities = std::vector<wire::LargeCommunity>(c.begin(), c.end());
    }
    if (s.ext_communities) {
        auto c = ext_communities(s);
        a.ext_communities = std::vector<wire::ExtCommunity>(c.begin(), c.end());
    }
    return a;
}

std::size_t AttrStore::size() const { return impl_->live; }

AttrStoreStats AttrStore::stats() const {
    const Impl& m = *impl_;
    return AttrStoreStats{m.live,         m.as_paths.size(), m.u32_lists.size(),
                          m.large.size(), m.ext.size(),      m.rest.size()};
}

}  // namespace bgp::rib
