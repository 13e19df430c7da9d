// Update groups: one shared Adj-RIB-Out, UPDATEs encoded once, paced output
// and snapshot cursors for joining members (RFC 4271 §3.2, §4.3, §9.2;
// RFC 4760; RFC 7911).
//
// State, per group:
// - advertised: one slot per (prefix, path id) as in AdjRibOut (20 bytes for
//   IPv4), the slots of a prefix chained, the first found through a 4-byte
//   index slot. A slot is changed in place when its attributes change, so a
//   route keeps its slot index while it is advertised (the snapshot cursor
//   relies on it).
// - queued: one Change per (prefix, path id) whose wanted state differs from
//   the advertised one: its target attributes (no_attrs: withdraw), chained
//   per prefix and linked in the bucket of its target. Buckets are ordered by
//   AttrId with withdrawals (AttrId 0) first, so take_encoded() walks them and
//   fills each UPDATE from one bucket. A later sync() of the prefix replaces
//   its Changes (coalescing), whatever was queued before.
// - snapshots: each live cursor's position (a slot index) and the routes
//   changed behind it since it started, to be sent again.
#include "bgp/rib/update_group.hpp"

#include "rib/chunked_vector.hpp"
#include "rib/id_index.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>
#include <utility>

namespace bgp::rib {

template <class F>
struct UpdateGroup<F>::SnapshotState {
    struct PathKey {
        typename F::Key key;
        std::uint32_t path_id = 0;
        friend bool operator==(const PathKey&, const PathKey&) = default;
    };
    struct PathKeyHash {
        std::size_t operator()(const PathKey& k) const {
            return static_cast<std::size_t>(detail::hash_mix(F::hash(k.key), k.path_id));
        }
    };
    /// Slots below this index have been read.
    std::size_t cursor = 0;
    /// Routes changed behind the cursor: send their latest state again. The
    /// value: the member had the route (so a withdrawal is due if it is gone).
    std::unordered_map<PathKey, bool, PathKeyHash> resend;
    /// snapshot_done() said so: the member is a full member, nothing is
    /// tracked any more (however long the Snapshot object is kept).
    bool finished = false;
    /// begin_snapshot(true): the member holds the group's routes as they were
    /// when the snapshot began, so a route withdrawn or changed anywhere since
    /// is sent again (a withdrawal if gone), not only behind the cursor.
    bool has_table = false;
};

template <class F>
struct UpdateGroup<F>::Impl {
    using Key = typename F::Key;
    using Addr = decltype(Key::addr);
    using PathKey = typename SnapshotState::PathKey;
    static constexpr std::uint32_t end = 0xFFFFFFFFu;
    static constexpr bool classic = F::family == wire::ipv4_unicast;

    struct Slot {  // an advertised (prefix, path id)
        Addr addr{};
        std::uint8_t length = 0;
        std::uint32_t path_id = 0;
        AttrId attrs = no_attrs;  // no_attrs: a free slot
        std::uint32_t next = end;
        [[nodiscard]] Key key() const { return Key{addr, length}; }
    };
    struct Change {  // a queued (prefix, path id)
        Addr addr{};
        std::uint8_t length = 0;
        std::uint32_t path_id = 0;
        AttrId target = no_attrs;  // no_attrs: withdraw
        std::uint32_t key_next = end;
        std::uint32_t prev = end;  // in the bucket of `target`
        std::uint32_t next = end;
        [[nodiscard]] Key key() const { return Key{addr, length}; }
    };
    struct Bucket {
        std::uint32_t head = end;
        std::uint32_t tail = end;
    };

    AttrStore& store;
    bool add_path;
    wire::CodecOptions opts;  // with the family in add_path when add_path
    detail::ChunkedVector<Slot> slots;
    std::vector<std::uint32_t> free_slots;
    detail::IdIndex heads;
    std::size_t sent_paths = 0;
    detail::ChunkedVector<Change> changes;
    std::vector<std::uint32_t> free_changes;
    detail::IdIndex change_heads;
    std::map<AttrId, Bucket> buckets;
    mutable std::vector<std::weak_ptr<SnapshotState>> snaps;
    mutable Bytes eor;  // End-of-RIB, encoded on first use

    Impl(AttrStore& s, bool ap, wire::CodecOptions o) : store(s), add_path(ap), opts(std::move(o)) {
        if (add_path) opts.add_path.insert(F::family);
    }
    ~Impl() {
        for (const Slot& sl : slots) store.unref(sl.attrs);
        for (const Change& c : changes) store.unref(c.target);  // freed ones hold no_attrs
    }

    // ---- advertised state ----------------------------------------------------
    [[nodiscard]] std::optional<std::uint32_t> head(const Key& k) const {
        return heads.find(F::hash(k), [&](std::uint32_t id) { return slots[id].key() == k; });
    }
    [[nodiscard]] std::uint32_t find_slot(const Key& k, std::uint32_t path_id) const {
        if (auto h = head(k))
            for (std::uint32_t i = *h; i != end; i = slots[i].next)
                if (slots[i].path_id == path_id) return i;
        return end;
    }
    void add_slot(const Key& k, std::uint32_t path_id, AttrId attrs) {
        std::uint32_t id;
        if (!free_slots.empty()) {
            id = free_slots.back();
            free_slots.pop_back();
        } else {
            id = static_cast<std::uint32_t>(slots.size());
            slots.emplace_back();
        }
        slots[id] = Slot{k.addr, k.length, path_id, attrs, end};
        if (auto h = head(k)) {  // after the head: the index stays as it is
            slots[id].next = slots[*h].next;
            slots[*h].next = id;
        } else {
            heads.insert(F::hash(k), id,
                         [this](std::uint32_t i) { return F::hash(slots[i].key()); });
        }
        ++sent_paths;
        note_change(id, PathKey{k, path_id}, false);
    }
    void remove_slot(std::uint32_t s) {
        const Key k = slots[s].key();
        note_change(s, PathKey{k, slots[s].path_id}, true);
        auto hash_of = [this](std::uint32_t i) { return F::hash(slots[i].key()); };
        const std::uint32_t h = *head(k);
        if (h == s) {
            heads.erase(F::hash(k), s, hash_of);
            if (slots[s].next != end) heads.insert(F::hash(k), slots[s].next, hash_of);
        } else {
            std::uint32_t p = h;
            while (slots[p].next != s) p = slots[p].next;
            slots[p].next = slots[s].next;
        }
        store.unref(slots[s].attrs);
        slots[s] = Slot{};
        free_slots.push_back(s);
        --sent_paths;
    }
    // A route at slot `s` changes: snapshots that have read slot `s` send it again.
    void note_change(std::uint32_t s, const PathKey& pk, bool had) {
        for (const auto& w : snaps)
            if (auto st = w.lock();
                st && !st->finished && (s < st->cursor || (had && st->has_table)))
                st->resend.emplace(pk, had);
    }

    // ---- queued changes ------------------------------------------------------
    [[nodiscard]] std::optional<std::uint32_t> change_head(const Key& k) const {
        return change_heads.find(F::hash(k),
                                 [&](std::uint32_t id) { return changes[id].key() == k; });
    }
    void link(std::uint32_t c) {
        Bucket& b = buckets[changes[c].target];
        changes[c].prev = b.tail;
        changes[c].next = end;
        if (b.tail != end)
            changes[b.tail].next = c;
        else
            b.head = c;
        b.tail = c;
    }
    void unlink(std::uint32_t c) {
        Change& ch = changes[c];
        const auto it = buckets.find(ch.target);
        Bucket& b = it->second;
        if (ch.prev != end)
            changes[ch.prev].next = ch.next;
        else
            b.head = ch.next;
        if (ch.next != end)
            changes[ch.next].prev = ch.prev;
        else
            b.tail = ch.prev;
        if (b.head == end) buckets.erase(it);
        ch.prev = ch.next = end;
    }
    void add_change(const Key& k, std::uint32_t path_id, AttrId target) {
        std::uint32_t id;
        if (!free_changes.empty()) {
            id = free_changes.back();
            free_changes.pop_back();
        } else {
            id = static_cast<std::uint32_t>(changes.size());
            changes.emplace_back();
        }
        changes[id] = Change{k.addr, k.length, path_id, target, end, end, end};
        if (auto h = change_head(k)) {
            changes[id].key_next = changes[*h].key_next;
            changes[*h].key_next = id;
        } else {
            change_heads.insert(F::hash(k), id,
                                [this](std::uint32_t i) { return F::hash(changes[i].key()); });
        }
        link(id);
    }
    void free_change(std::uint32_t c) {
        changes[c] = Change{};
        free_changes.push_back(c);
    }
    // Drops every queued change of `k` (their references released).
    void drop_changes(const Key& k) {
        const auto h = change_head(k);
        if (!h) return;
        change_heads.erase(F::hash(k), *h,
                           [this](std::uint32_t i) { return F::hash(changes[i].key()); });
        for (std::uint32_t c = *h; c != end;) {
            const std::uint32_t n = changes[c].key_next;
            unlink(c);
            store.unref(changes[c].target);
            free_change(c);
            c = n;
        }
    }
    // Takes change `c` (already unlinked from its bucket) out of its prefix's
    // chain and applies it to the advertised state (its reference moves there).
    void apply(std::uint32_t c) {
        const Change ch = changes[c];
        const Key k = ch.key();
        auto hash_of = [this](std::uint32_t i) { return F::hash(changes[i].key()); };
        const std::uint32_t h = *change_head(k);
        if (h == c) {
            change_heads.erase(F::hash(k), c, hash_of);
            if (ch.key_next != end) change_heads.insert(F::hash(k), ch.key_next, hash_of);
        } else {
            std::uint32_t p = h;
            while (changes[p].key_next != c) p = changes[p].key_next;
            changes[p].key_next = ch.key_next;
        }
        free_change(c);
        const std::uint32_t s = find_slot(k, ch.path_id);
        if (ch.target == no_attrs) {
            if (s != end) remove_slot(s);
        } else if (s != end) {
            note_change(s, PathKey{k, ch.path_id}, true);
            store.unref(slots[s].attrs);
            slots[s].attrs = ch.target;
        } else {
            add_slot(k, ch.path_id, ch.target);
        }
    }

    // ---- encoding ------------------------------------------------------------
    [[nodiscard]] std::size_t nlri_size(std::uint8_t length) const {
        return (add_path ? 4u : 0u) + 1u + (length + 7u) / 8u;
    }
    [[nodiscard]] wire::Nlri nlri(const Key& k, std::uint32_t path_id) const {
        return wire::Nlri{F::prefix(k),
                          add_path ? std::optional<std::uint32_t>(path_id) : std::nullopt};
    }

    // One UPDATE being filled: withdrawals (attrs == no_attrs) or the NLRI of
    // one exported attribute set.
    struct Message {
        wire::Update u;
        AttrId attrs = no_attrs;
        std::vector<wire::Nlri>* list = nullptr;
        std::size_t size = 0;
        std::size_t count = 0;
    };
    // Starts an empty UPDATE for `attrs`; false when even that does not fit.
    bool start(Message& msg, AttrId attrs) const {
        msg = Message{};
        msg.attrs = attrs;
        if (attrs == no_attrs) {
            if (!classic) msg.u.attributes.mp_unreach = wire::MpUnreach{F::family, {}, {}};
            msg.list = classic ? &msg.u.withdrawn : &msg.u.attributes.mp_unreach->nlri;
        } else {
            msg.u.attributes = store.materialize(attrs);
            if (!classic) {
                if (!msg.u.attributes.mp_reach) msg.u.attributes.mp_reach = wire::MpReach{};
                msg.u.attributes.mp_reach->family = F::family;
                msg.u.attributes.mp_reach->nlri.clear();
            }
            msg.list = classic ? &msg.u.nlri : &msg.u.attributes.mp_reach->nlri;
        }
        auto e = wire::encode(wire::Message{msg.u}, opts);
        if (!e) return false;
        msg.size = e->size() + 1;  // +1: a 2-octet attribute length may appear
        return msg.size < opts.max_size();
    }
    [[nodiscard]] bool fits(const Message& msg, std::uint8_t length) const {
        return msg.size + nlri_size(length) <= opts.max_size();
    }
    void add(Message& msg, const Key& k, std::uint32_t path_id) const {
        msg.list->push_back(nlri(k, path_id));
        msg.size += nlri_size(k.length);
        ++msg.count;
    }
    // The bytes of a filled UPDATE (null if it does not encode: cannot happen
    // with the sizes checked above), with the originator of its routes and,
    // for the originator, the same NLRI withdrawn.
    [[nodiscard]] Encoded finish(const Message& msg) const {
        Encoded out;
        auto e = wire::encode(wire::Message{msg.u}, opts);
        if (!e) return out;
        out.bytes = std::make_shared<const std::vector<std::uint8_t>>(std::move(*e));
        if (msg.attrs == no_attrs) return out;
        const AttrSet& set = store.get(msg.attrs);
        if (!set.has(attr_bit::has_originator_id)) return out;
        out.originator = set.originator_id;
        Message w;
        if (!start(w, no_attrs)) return out;
        for (const auto& n : *msg.list) w.list->push_back(n);
        if (auto we = wire::encode(wire::Message{w.u}, opts))
            out.withdrawal = std::make_shared<const std::vector<std::uint8_t>>(std::move(*we));
        return out;
    }

    // UPDATEs for lists of routes (the snapshot): withdrawals, then each set.
    void encode_all(const std::vector<PathKey>& withdrawn,
                    const std::map<AttrId, std::vector<PathKey>>& announced,
                    std::vector<Encoded>& out) const {
        auto run = [&](AttrId attrs, const std::vector<PathKey>& list) {
            Message msg;
            for (std::size_t i = 0; i < list.size();) {
                if (!start(msg, attrs)) return;  // attributes alone exceed the limit
                while (i < list.size() && fits(msg, list[i].key.length)) {
                    add(msg, list[i].key, list[i].path_id);
                    ++i;
                }
                if (msg.count == 0) return;
                if (auto b = finish(msg); b.bytes) out.push_back(std::move(b));
            }
        };
        if (!withdrawn.empty()) run(no_attrs, withdrawn);
        for (const auto& [attrs, list] : announced) run(attrs, list);
    }
};

template <class F>
UpdateGroup<F>::UpdateGroup(AttrStore& store, bool add_path, wire::CodecOptions opts)
    : impl_(std::make_unique<Impl>(store, add_path, std::move(opts))) {}

template <class F>
UpdateGroup<F>::~UpdateGroup() = default;

template <class F>
void UpdateGroup<F>::sync(const wire::Prefix& prefix, std::span<const Advertisement> ads) {
    Impl& m = *impl_;
    if (!F::matches(prefix)) return;
    const auto key = F::key(prefix);
    m.drop_changes(key);  // whatever was queued, the new state replaces it
    std::vector<std::uint32_t> ids;
    for (const auto& ad : ads) {
        const std::uint32_t id = m.add_path ? ad.route.tx_path_id : 0;
        if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;  // one state per id
        ids.push_back(id);
        const AttrId a = m.store.intern(ad.attrs);
        const std::uint32_t s = m.find_slot(key, id);
        if (s != Impl::end && m.slots[s].attrs == a) {
            m.store.unref(a);  // the members have exactly this already
        } else {
            m.add_change(key, id, a);
        }
        if (!m.add_path) break;
    }
    // Advertised paths that are no longer wanted: withdrawn.
    if (auto h = m.head(key))
        for (std::uint32_t i = *h; i != Impl::end; i = m.slots[i].next)
            if (std::find(ids.begin(), ids.end(), m.slots[i].path_id) == ids.end())
                m.add_change(key, m.slots[i].path_id, no_attrs);
}

template <class F>
void UpdateGroup<F>::sync_best(const wire::Prefix& prefix, AttrId attrs) {
    Impl& m = *impl_;
    if (!F::matches(prefix) || m.add_path) return;
    const auto key = F::key(prefix);
    m.drop_changes(key);  // whatever was queued, the new state replaces it
    const std::uint32_t s = m.find_slot(key, 0);
    if (attrs == no_attrs) {
        if (s != Impl::end) m.add_change(key, 0, no_attrs);
        return;
    }
    if (s != Impl::end && m.slots[s].attrs == attrs) return;  // the members have it already
    m.store.ref(attrs);
    m.add_change(key, 0, attrs);
}

namespace {

std::vector<Bytes> bytes_of(std::vector<Encoded> items) {
    std::vector<Bytes> out;
    out.reserve(items.size());
    for (auto& e : items) out.push_back(std::move(e.bytes));
    return out;
}

}  // namespace

template <class F>
std::vector<Bytes> UpdateGroup<F>::take_encoded(std::size_t max_bytes) {
    return bytes_of(take(max_bytes));
}

template <class F>
std::vector<Bytes> UpdateGroup<F>::snapshot_next(Snapshot& s, std::size_t max_bytes) const {
    return bytes_of(snapshot_take(s, max_bytes));
}

template <class F>
std::vector<Encoded> UpdateGroup<F>::take(std::size_t max_bytes) {
    Impl& m = *impl_;
    std::erase_if(m.snaps, [](const auto& w) {
        const auto st = w.lock();
        return !st || st->finished;
    });
    std::vector<Encoded> out;
    std::size_t total = 0;
    const std::size_t max_msg = m.opts.max_size();
    typename Impl::Message msg;
    while (!m.buckets.empty() && (out.empty() || total + max_msg <= max_bytes)) {
        const AttrId attrs = m.buckets.begin()->first;
        // Attributes too large for any UPDATE: these routes cannot be sent; they
        // stay unadvertised (so no withdrawal is sent for them later).
        const auto drop_bucket = [&] {
            for (auto it = m.buckets.find(attrs); it != m.buckets.end(); it = m.buckets.find(attrs))
                m.drop_changes(m.changes[it->second.head].key());  // with its other paths
        };
        if (!m.start(msg, attrs)) {
            drop_bucket();
            continue;
        }
        while (true) {
            const auto it = m.buckets.find(attrs);
            if (it == m.buckets.end()) break;
            const std::uint32_t c = it->second.head;
            const auto k = m.changes[c].key();
            if (!m.fits(msg, k.length)) break;
            m.add(msg, k, m.changes[c].path_id);
            m.unlink(c);
            m.apply(c);
        }
        if (msg.count == 0) {
            drop_bucket();
            continue;
        }
        if (auto b = m.finish(msg); b.bytes) {
            total += b.bytes->size();
            out.push_back(std::move(b));
        }
    }
    if (m.change_heads.size() == 0 && m.changes.size() > 4096) {
        // Queue drained after a burst (an initial table: it held every
        // route): give its memory back. Small queues keep theirs, or every
        // paced batch would grow the index again from nothing.
        m.changes = detail::ChunkedVector<typename Impl::Change>();
        m.free_changes = std::vector<std::uint32_t>();
        m.change_heads = detail::IdIndex{};
    }
    return out;
}

template <class F>
typename UpdateGroup<F>::Snapshot UpdateGroup<F>::begin_snapshot(bool member_has_table) const {
    Snapshot s;
    s.state_ = std::make_shared<SnapshotState>();
    s.state_->has_table = member_has_table;
    std::erase_if(impl_->snaps, [](const auto& w) { return w.expired(); });
    impl_->snaps.push_back(s.state_);
    return s;
}

template <class F>
std::vector<Encoded> UpdateGroup<F>::snapshot_take(Snapshot& s, std::size_t max_bytes) const {
    const Impl& m = *impl_;
    std::vector<Encoded> out;
    if (!s.state_ || s.state_->finished) return out;
    SnapshotState& st = *s.state_;
    using PathKey = typename SnapshotState::PathKey;
    std::vector<PathKey> withdrawn;
    std::map<AttrId, std::vector<PathKey>> announced;
    std::size_t budget = 0;  // estimated octets (NLRI, plus ~64 per attribute set)
    const auto announce = [&](AttrId a, const PathKey& pk) {
        auto [it, fresh] = announced.try_emplace(a);
        if (fresh) budget += 64;
        it->second.push_back(pk);
        budget += m.nlri_size(pk.key.length);
    };
    // The advertised slots, in index order, read as they are now.
    while (st.cursor < m.slots.size() && budget < max_bytes) {
        const auto& sl = m.slots[st.cursor++];
        if (sl.attrs == no_attrs) continue;  // free
        const PathKey pk{sl.key(), sl.path_id};
        if (!st.resend.empty() && st.resend.count(pk)) continue;  // goes with the resends
        announce(sl.attrs, pk);
    }
    // Then the routes changed behind the cursor meanwhile, as they are now.
    while (st.cursor >= m.slots.size() && !st.resend.empty() && budget < max_bytes) {
        const auto it = st.resend.begin();
        const PathKey pk = it->first;
        const bool had = it->second;
        st.resend.erase(it);
        const std::uint32_t slot = m.find_slot(pk.key, pk.path_id);
        if (slot != Impl::end) {
            announce(m.slots[slot].attrs, pk);
        } else if (had) {
            withdrawn.push_back(pk);
            budget += m.nlri_size(pk.key.length);
        }
    }
    m.encode_all(withdrawn, announced, out);
    return out;
}

template <class F>
bool UpdateGroup<F>::snapshot_done(const Snapshot& s) const {
    if (!s.state_ || s.state_->finished) return true;
    if (s.state_->cursor < impl_->slots.size() || !s.state_->resend.empty()) return false;
    s.state_->finished = true;  // the member is now a full member (see the header)
    return true;
}

template <class F>
Bytes UpdateGroup<F>::end_of_rib() const {
    const Impl& m = *impl_;
    if (!m.eor)
        if (auto e = wire::encode(wire::Message{wire::make_end_of_rib(F::family)}, m.opts))
            m.eor = std::make_shared<const std::vector<std::uint8_t>>(std::move(*e));
    return m.eor;
}

template <class F>
std::optional<AttrId> UpdateGroup<F>::advertised(const wire::Prefix& prefix,
                                                 std::uint32_t path_id) const {
    if (!F::matches(prefix)) return std::nullopt;
    const std::uint32_t s = impl_->find_slot(F::key(prefix), path_id);
    if (s == Impl::end) return std::nullopt;
    return impl_->slots[s].attrs;
}

template <class F>
std::size_t UpdateGroup<F>::size() const {
    return impl_->sent_paths;
}

template <class F>
std::size_t UpdateGroup<F>::pending() const {
    return impl_->change_heads.size();
}

template <class F>
std::size_t UpdateGroup<F>::memory_bytes() const {
    const Impl& m = *impl_;
    std::size_t n = m.slots.size() * sizeof(typename Impl::Slot) +
                    m.free_slots.capacity() * sizeof(std::uint32_t) + m.heads.bytes() +
                    m.changes.size() * sizeof(typename Impl::Change) +
                    m.free_changes.capacity() * sizeof(std::uint32_t) + m.change_heads.bytes();
    n += m.buckets.size() * 48;  // a map node: 3 pointers, colour, key, value
    for (const auto& w : m.snaps)
        if (auto st = w.lock())
            n += st->resend.size() * (sizeof(std::pair<typename Impl::PathKey, bool>) + 16);
    return n;
}

template <class F>
bool UpdateGroup<F>::add_path() const {
    return impl_->add_path;
}

template <class F>
const wire::CodecOptions& UpdateGroup<F>::codec_options() const {
    return impl_->opts;
}

template class UpdateGroup<Ipv4>;
template class UpdateGroup<Ipv6>;

}  // namespace bgp::rib
