// Rib<F>: Adj-RIB-In and Loc-RIB of one family in one table of prefix entries.
//
// Layout (this is where memory per route is won): an Entry is the prefix key,
// the best-path reason and a path count, then either one Path inline or a
// pointer to an array of Paths (capacity: the next power of two). A Path is 16
// bytes. Entries live in a deque (stable, no reallocation copies) and are found
// through a 4-byte-per-slot hash index. Paths of an entry are kept ranked:
// candidates best first, then the ineligible ones.
#include "bgp/rib/rib.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <deque>
#include <stdexcept>

#include "rib/change_queue.hpp"
#include "rib/chunked_vector.hpp"
#include "rib/id_index.hpp"

namespace bgp::rib {

namespace {

struct Path {
    std::uint32_t path_id = 0;
    std::uint32_t in_ = 0;  // pre-policy AttrId; bit 31: stale
    AttrId out = no_attrs;  // post-policy (no_attrs: rejected or looped)
    PeerId peer = 0;
    std::uint16_t tx_id = 0;

    static constexpr std::uint32_t stale_bit = 0x80000000u;
    [[nodiscard]] AttrId in() const { return in_ & ~stale_bit; }
    [[nodiscard]] bool stale() const { return (in_ & stale_bit) != 0; }
    void set_stale(bool s) { in_ = s ? (in_ | stale_bit) : (in_ & ~stale_bit); }
};
static_assert(sizeof(Path) == 16);

struct BestId {
    bool has = false;
    PeerId peer = 0;
    std::uint32_t path_id = 0;
    AttrId out = no_attrs;
    std::uint32_t in = 0;
    friend bool operator==(const BestId&, const BestId&) = default;
};

}  // namespace

template <class F>
struct Rib<F>::Impl {
    using Key = typename F::Key;
    using Addr = decltype(Key::addr);

    struct Entry {
        Addr addr{};
        std::uint8_t length = 0;
        std::uint8_t reason = 0;  // BestPathReason of paths()[0]; none: no best path
        std::uint16_t n = 0;      // number of paths; 0: free slot
        union {
            Path one;
            Path* many;
        };
        Entry() : one() {}

        [[nodiscard]] Key key() const { return Key{addr, length}; }
        [[nodiscard]] Path* begin() { return n <= 1 ? &one : many; }
        [[nodiscard]] const Path* begin() const { return n <= 1 ? &one : many; }
        [[nodiscard]] Path* end() { return begin() + n; }
        [[nodiscard]] const Path* end() const { return begin() + n; }
        [[nodiscard]] bool has_best() const {
            return n > 0 && static_cast<BestPathReason>(reason) != BestPathReason::none;
        }
    };

    struct PeerSlot {
        PeerInfo info;
        bool live = false;
        std::size_t paths = 0;
        std::size_t stale = 0;
        std::size_t rejected = 0;  ///< paths import policy (or a loop) rejected
    };

    struct KeyHash {
        std::size_t operator()(const Key& k) const { return static_cast<std::size_t>(F::hash(k)); }
    };

    struct Feed {
        bool live = false;
        bool all_paths = false;
        detail::ChangeQueue<Key, KeyHash> queue;
    };

    AttrStore& store;
    RibConfig config;
    detail::ChunkedVector<Entry> entries;
    std::vector<std::uint32_t> free_entries;
    detail::IdIndex index;
    std::size_t live_entries = 0;
    std::size_t total_paths = 0;
    std::size_t heap_path_bytes = 0;
    std::vector<PeerSlot> peers;
    std::uint64_t best_changes = 0;
    std::vector<Feed> feeds;

    // Scratch space for the decision (one executor: no sharing).
    std::vector<Candidate> cands;
    std::vector<std::size_t> cand_path;
    std::vector<Path> reordered;

    Impl(AttrStore& s, RibConfig c) : store(s), config(std::move(c)) {
        PeerSlot local;
        local.live = true;
        local.info.asn = config.local_as;
        local.info.router_id = config.router_id;
        local.info.address = F::prefix(Key{}).address();  // 0.0.0.0 or ::
        peers.push_back(std::move(local));
    }

    ~Impl() {
        for (Entry& e : entries) {
            for (Path& p : e) release(p);
            if (e.n >= 2) delete[] e.many;
        }
    }

    // ---- path references ----
    void release(const Path& p) {
        store.unref(p.in());
        store.unref(p.out);
    }

    // ---- entries ----
    std::optional<std::uint32_t> find(const Key& k) const {
        return index.find(F::hash(k), [&](std::uint32_t id) { return entries[id].key() == k; });
    }

    std::uint32_t find_or_add(const Key& k) {
        if (auto id = find(k)) return *id;
        std::uint32_t id;
        if (!free_entries.empty()) {
            id = free_entries.back();
            free_entries.pop_back();
        } else {
            id = static_cast<std::uint32_t>(entries.size());
            entries.emplace_back();
        }
        Entry& e = entries[id];
        e.addr = k.addr;
        e.length = k.length;
        e.reason = 0;
        e.n = 0;
        index.insert(F::hash(k), id, [this](std::uint32_t i) { return F::hash(entries[i].key()); });
        ++live_entries;
        return id;
    }

    void free_entry(std::uint32_t id) {
        Entry& e = entries[id];
        assert(e.n == 0);
        index.erase(F::hash(e.key()), id,
                    [this](std::uint32_t i) { return F::hash(entries[i].key()); });
        e.reason = 0;
        free_entries.push_back(id);
        --live_entries;
    }

    static std::size_t capacity(std::size_t n) { return std::bit_ceil(n); }

    void add_path(Entry& e, const Path& p) {
        if (e.n == 0) {
            e.one = p;
        } else if (e.n == 1) {
            Path* a = new Path[2];
            a[0] = e.one;
            a[1] = p;
            e.many = a;
            heap_path_bytes += 2 * sizeof(Path);
        } else {
            if (e.n == capacity(e.n)) {
                Path* a = new Path[2u * e.n];
                std::copy(e.many, e.many + e.n, a);
                delete[] e.many;
                heap_path_bytes += e.n * sizeof(Path);
                e.many = a;
            }
            e.many[e.n] = p;
        }
        ++e.n;
        ++total_paths;
    }

    void remove_path(Entry& e, std::size_t i) {
        assert(i < e.n);
        if (e.n == 1) {
            e.one = Path{};
        } else if (e.n == 2) {
            const Path keep = e.many[1 - i];
            delete[] e.many;
            heap_path_bytes -= 2 * sizeof(Path);
            e.one = keep;
        } else {
            std::copy(e.many + i + 1, e.many + e.n, e.many + i);
            const std::size_t m = e.n - 1u;
            if (capacity(m) < capacity(e.n)) {
                Path* a = new Path[capacity(m)];
                std::copy(e.many, e.many + m, a);
                delete[] e.many;
                heap_path_bytes -= (capacity(e.n) - capacity(m)) * sizeof(Path);
                e.many = a;
            }
        }
        --e.n;
        --total_paths;
    }

    static std::uint16_t next_tx_id(const Entry& e) {
        std::uint32_t max = 0;
        for (const Path& p : e) max = std::max<std::uint32_t>(max, p.tx_id);
        if (max < 0xFFFF) return static_cast<std::uint16_t>(max + 1);
        for (std::uint32_t id = 1; id <= 0xFFFF; ++id) {
            bool used = false;
            for (const Path& p : e) used = used || p.tx_id == id;
            if (!used) return static_cast<std::uint16_t>(id);
        }
        return 0;
    }

    // ---- decision ----
    bool internal(const PeerInfo& p, PeerId id) const {
        return id != local_peer && (p.asn == config.local_as || p.confed_member);
    }

    // Fills `c` for path p; false if p is not a candidate.
    bool candidate(const Path& p, Candidate& c, Ineligible* why = nullptr) const {
        if (p.out == no_attrs) {
            if (why) {
                const auto loop = p.peer == local_peer
                                      ? Ineligible::none
                                      : check_loops(config, peers[p.peer].info, store, p.in());
                *why = loop != Ineligible::none ? loop : Ineligible::rejected_by_policy;
            }
            return false;
        }
        const PeerSlot& ps = peers[p.peer];
        c.attrs = &store.get(p.out);
        c.peer = &ps.info;
        c.path_id = p.path_id;
        c.stale = p.stale();
        c.local = p.peer == local_peer;
        c.internal = internal(ps.info, p.peer);
        c.igp_cost = 0;
        if (config.igp_cost && !c.local) {
            // RFC 4271 §9.1.2.1: an unresolvable NEXT_HOP excludes the route.
            auto cost = config.igp_cost(store.next_hop(*c.attrs));
            if (!cost) {
                if (why) *why = Ineligible::next_hop_unresolvable;
                return false;
            }
            c.igp_cost = *cost;
        }
        if (why) *why = Ineligible::none;
        return true;
    }

    BestId best_id(const Entry& e) const {
        if (!e.has_best()) return {};
        const Path& p = *e.begin();
        return BestId{true, p.peer, p.path_id, p.out, p.in_};
    }

    // Re-ranks the paths of `e` in place.
    void decide(Entry& e) {
        if (e.n == 0) {
            e.reason = 0;
            return;
        }
        if (e.n == 1) {
            Candidate c;
            e.reason = static_cast<std::uint8_t>(candidate(e.one, c) ? BestPathReason::only_path
                                                                     : BestPathReason::none);
            return;
        }
        cands.clear();
        cand_path.clear();
        Path* paths = e.begin();
        for (std::size_t i = 0; i < e.n; ++i) {
            Candidate c;
            if (candidate(paths[i], c)) {
                cands.push_back(c);
                cand_path.push_back(i);
            }
        }
        if (cands.empty()) {
            e.reason = 0;
            return;
        }
        const Ranking r = rank(cands, config.decision, config.default_local_pref);
        reordered.clear();
        for (std::size_t k : r.order) reordered.push_back(paths[cand_path[k]]);
        std::vector<bool> used(e.n, false);
        for (std::size_t k : cand_path) used[k] = true;
        for (std::size_t i = 0; i < e.n; ++i)
            if (!used[i]) reordered.push_back(paths[i]);
        std::copy(reordered.begin(), reordered.end(), paths);
        e.reason = static_cast<std::uint8_t>(r.reason);
    }

    std::size_t multipath_count(const Entry& e) const {
        if (!e.has_best()) return 0;
        const Path* paths = e.begin();
        Candidate best;
        candidate(paths[0], best);
        const std::size_t max = std::max<std::size_t>(1, config.decision.max_paths);
        std::size_t k = 1;
        while (k < e.n && k < max) {
            Candidate c;
            if (!candidate(paths[k], c)) break;
            if (!multipath_equal(best, c, config.decision, config.default_local_pref)) break;
            ++k;
        }
        return k;
    }

    Route make_route(const Entry& e, std::size_t i, std::size_t multipath) const {
        const Path& p = e.begin()[i];
        Route r;
        r.prefix = F::prefix(e.key());
        r.peer = p.peer;
        r.path_id = p.path_id;
        r.tx_path_id = p.tx_id;
        r.attrs = p.out;
        r.attrs_in = p.in();
        r.stale = p.stale();
        Candidate c;
        candidate(p, c, &r.ineligible);
        r.best = i == 0 && e.has_best();
        r.multipath = i < multipath;
        if (r.best) r.reason = static_cast<BestPathReason>(e.reason);
        return r;
    }

    // ---- feeds ----
    void notify(const Key& k, const Change& c) {
        if (!c.paths_changed && !c.best_changed) return;
        for (Feed& f : feeds)
            if (f.live && (c.best_changed || f.all_paths)) f.queue.mark(k);
    }

    // Re-decides entry `id` after its paths changed; frees it when empty.
    Change finish(std::uint32_t id, const BestId& before, bool paths_changed) {
        Entry& e = entries[id];
        const Key k = e.key();
        decide(e);
        Change c;
        c.paths_changed = paths_changed;
        c.best_changed = best_id(e) != before;
        if (c.best_changed) ++best_changes;
        if (e.n == 0) free_entry(id);
        notify(k, c);
        return c;
    }

    PeerSlot& live_peer(PeerId id) {
        if (id >= peers.size() || !peers[id].live)
            throw std::out_of_range("bgp::rib: no such peer");
        return peers[id];
    }
    const PeerSlot& live_peer(PeerId id) const {
        if (id >= peers.size() || !peers[id].live)
            throw std::out_of_range("bgp::rib: no such peer");
        return peers[id];
    }

    // Applies `fn(entry, path index) -> action` to every path of `peer`;
    // actions: 0 keep, 1 changed in place, 2 remove.
    template <class Fn>
    std::size_t for_peer_paths(PeerId peer, Fn&& fn) {
        // A scan of the whole table: skipped for a peer without paths (a
        // reflector client that only receives, a session that never sent).
        if (live_peer(peer).paths == 0) return 0;
        std::size_t touched = 0;
        for (std::uint32_t id = 0; id < entries.size(); ++id) {
            Entry& e = entries[id];
            if (e.n == 0) continue;
            const BestId before = best_id(e);
            bool changed = false;
            for (std::size_t i = 0; i < e.n;) {
                if (e.begin()[i].peer != peer) {
                    ++i;
                    continue;
                }
                const int action = fn(e, i);
                if (action == 2) {
                    if (e.begin()[i].out == no_attrs) --live_peer(peer).rejected;
                    release(e.begin()[i]);
                    remove_path(e, i);
                    changed = true;
                    ++touched;
                    continue;
                }
                if (action == 1) {
                    changed = true;
                    ++touched;
                }
                ++i;
            }
            if (changed) finish(id, before, true);
        }
        return touched;
    }
};

template <class F>
Rib<F>::Rib(AttrStore& store, RibConfig config) {
    // Part of the memory budget (docs/rib.md): 24 bytes per IPv4 entry, 40 per IPv6.
    static_assert(sizeof(typename Impl::Entry) == (F::family == wire::ipv4_unicast ? 24 : 40));
    if (config.local_as == 0) throw std::invalid_argument("bgp::rib: local AS must not be 0");
    impl_ = std::make_unique<Impl>(store, std::move(config));
}

template <class F>
Rib<F>::~Rib() = default;

template <class F>
const RibConfig& Rib<F>::config() const {
    return impl_->config;
}

template <class F>
AttrStore& Rib<F>::store() const {
    return impl_->store;
}

template <class F>
PeerId Rib<F>::add_peer(const PeerInfo& info) {
    auto& peers = impl_->peers;
    for (std::size_t i = 1; i < peers.size(); ++i) {
        if (!peers[i].live) {
            peers[i] = typename Impl::PeerSlot{info, true, 0, 0, 0};
            return static_cast<PeerId>(i);
        }
    }
    if (peers.size() > 0xFFFF) throw std::length_error("bgp::rib: more than 65535 peers");
    peers.push_back(typename Impl::PeerSlot{info, true, 0, 0, 0});
    return static_cast<PeerId>(peers.size() - 1);
}

template <class F>
void Rib<F>::set_peer(PeerId id, const PeerInfo& info) {
    if (id == local_peer) throw std::invalid_argument("bgp::rib: the local peer is fixed");
    impl_->live_peer(id).info = info;
    impl_->for_peer_paths(id, [](auto&, std::size_t) { return 1; });
}

template <class F>
std::size_t Rib<F>::remove_peer(PeerId id) {
    if (id == local_peer) throw std::invalid_argument("bgp::rib: the local peer is fixed");
    auto& slot = impl_->live_peer(id);
    const std::size_t n = impl_->for_peer_paths(id, [](auto&, std::size_t) { return 2; });
    slot = typename Impl::PeerSlot{};
    return n;
}

template <class F>
const PeerInfo& Rib<F>::peer(PeerId id) const {
    return impl_->live_peer(id).info;
}

template <class F>
bool Rib<F>::has_peer(PeerId id) const {
    return id < impl_->peers.size() && impl_->peers[id].live;
}

template <class F>
Change Rib<F>::announce(PeerId peer, const wire::Prefix& prefix, std::uint32_t path_id, AttrId in,
                        AttrId out) {
    Impl& m = *impl_;
    if (!F::matches(prefix)) throw std::invalid_argument("bgp::rib: prefix of another family");
    auto& slot = m.live_peer(peer);
    // RFC 4271 §9.1.2 / RFC 4456 §8: a looped path stays in the Adj-RIB-In but
    // is not a candidate.
    if (out != no_attrs && peer != local_peer &&
        check_loops(m.config, slot.info, m.store, in) != Ineligible::none)
        out = no_attrs;

    const auto key = F::key(prefix);
    const std::uint32_t id = m.find_or_add(key);
    auto& e = m.entries[id];
    const BestId before = m.best_id(e);
    for (Path& p : e) {
        if (p.peer != peer || p.path_id != path_id) continue;
        if (p.in() == in && p.out == out && !p.stale()) return Change{};
        m.store.ref(in);
        m.store.ref(out);
        m.release(p);
        if (p.stale()) --slot.stale;
        if (p.out == no_attrs) --slot.rejected;
        if (out == no_attrs) ++slot.rejected;
        p.in_ = in;
        p.out = out;
        return m.finish(id, before, true);
    }
    Path p;
    p.path_id = path_id;
    p.in_ = in;
    p.out = out;
    p.peer = peer;
    p.tx_id = Impl::next_tx_id(e);
    m.store.ref(in);
    m.store.ref(out);
    m.add_path(e, p);
    ++slot.paths;
    if (out == no_attrs) ++slot.rejected;
    return m.finish(id, before, true);
}

template <class F>
Change Rib<F>::withdraw(PeerId peer, const wire::Prefix& prefix, std::uint32_t path_id) {
    Impl& m = *impl_;
    if (!F::matches(prefix)) return Change{};
    auto& slot = m.live_peer(peer);
    const auto id = m.find(F::key(prefix));
    if (!id) return Change{};
    auto& e = m.entries[*id];
    const BestId before = m.best_id(e);
    for (std::size_t i = 0; i < e.n; ++i) {
        const Path p = e.begin()[i];
        if (p.peer != peer || p.path_id != path_id) continue;
        if (p.stale()) --slot.stale;
        if (p.out == no_attrs) --slot.rejected;
        --slot.paths;
        m.release(p);
        m.remove_path(e, i);
        return m.finish(*id, before, true);
    }
    return Change{};
}

template <class F>
std::size_t Rib<F>::mark_stale(PeerId peer) {
    Impl& m = *impl_;
    auto& slot = m.live_peer(peer);
    const std::size_t n = m.for_peer_paths(peer, [](auto& e, std::size_t i) {
        Path& p = e.begin()[i];
        if (p.stale()) return 0;
        p.set_stale(true);
        return 1;
    });
    slot.stale += n;
    return n;
}

template <class F>
std::size_t Rib<F>::sweep_stale(PeerId peer) {
    Impl& m = *impl_;
    auto& slot = m.live_peer(peer);
    const std::size_t n =
        m.for_peer_paths(peer, [](auto& e, std::size_t i) { return e.begin()[i].stale() ? 2 : 0; });
    slot.stale -= n;
    slot.paths -= n;
    return n;
}

template <class F>
std::size_t Rib<F>::mark_llgr_stale(PeerId peer) {
    Impl& m = *impl_;
    auto& slot = m.live_peer(peer);
    std::size_t kept = 0, removed = 0;
    // The same set with LLGR_STALE added, interned (one new reference).
    auto with_llgr_stale = [&](AttrId id) -> AttrId {
        if (id == no_attrs) return no_attrs;
        if (m.store.get(id).has(attr_bit::llgr_stale)) {
            m.store.ref(id);
            return id;
        }
        auto a = m.store.materialize(id);
        auto c = a.communities.value_or(std::vector<std::uint32_t>{});
        c.push_back(wire::community::llgr_stale);
        a.communities = std::move(c);
        return m.store.intern(a);
    };
    m.for_peer_paths(peer, [&](auto& e, std::size_t i) {
        Path& p = e.begin()[i];
        if (!p.stale()) return 0;
        if (m.store.get(p.in()).has(attr_bit::no_llgr)) {
            ++removed;
            return 2;  // RFC 9494 §4.3: NO_LLGR routes are not retained
        }
        const AttrId in = with_llgr_stale(p.in());
        const AttrId out = with_llgr_stale(p.out);
        m.release(p);
        p.in_ = in;
        p.set_stale(true);
        p.out = out;
        ++kept;
        return 1;
    });
    slot.stale -= removed;
    slot.paths -= removed;
    return kept;
}

template <class F>
std::size_t Rib<F>::reimport(PeerId peer, const ImportFn& import) {
    Impl& m = *impl_;
    auto& slot = m.live_peer(peer);
    return m.for_peer_paths(peer, [&](auto& e, std::size_t i) {
        Path& p = e.begin()[i];
        AttrRef result = import(F::prefix(e.key()), p.in());
        AttrId out = result.id();
        if (out != no_attrs && peer != local_peer &&
            check_loops(m.config, slot.info, m.store, p.in()) != Ineligible::none)
            out = no_attrs;
        if (out == p.out) return 0;
        if (p.out == no_attrs) --slot.rejected;
        if (out == no_attrs) ++slot.rejected;
        m.store.ref(out);
        m.store.unref(p.out);
        p.out = out;
        return 1;
    });
}

template <class F>
void Rib<F>::redecide_all() {
    Impl& m = *impl_;
    for (std::uint32_t id = 0; id < m.entries.size(); ++id) {
        auto& e = m.entries[id];
        if (e.n == 0) continue;
        const BestId before = m.best_id(e);
        m.finish(id, before, false);
    }
}

template <class F>
void Rib<F>::set_decision_options(const DecisionOptions& options) {
    impl_->config.decision = options;
    redecide_all();
}

template <class F>
std::optional<Route> Rib<F>::best(const wire::Prefix& prefix) const {
    const Impl& m = *impl_;
    if (!F::matches(prefix)) return std::nullopt;
    const auto id = m.find(F::key(prefix));
    if (!id) return std::nullopt;
    const auto& e = m.entries[*id];
    if (!e.has_best()) return std::nullopt;
    return m.make_route(e, 0, m.multipath_count(e));
}

template <class F>
std::vector<Route> Rib<F>::paths(const wire::Prefix& prefix) const {
    const Impl& m = *impl_;
    std::vector<Route> out;
    if (!F::matches(prefix)) return out;
    const auto id = m.find(F::key(prefix));
    if (!id) return out;
    const auto& e = m.entries[*id];
    const std::size_t mp = m.multipath_count(e);
    for (std::size_t i = 0; i < e.n; ++i) out.push_back(m.make_route(e, i, mp));
    return out;
}

template <class F>
std::vector<Route> Rib<F>::multipath(const wire::Prefix& prefix) const {
    auto all = paths(prefix);
    std::erase_if(all, [](const Route& r) { return !r.multipath; });
    return all;
}

template <class F>
std::optional<Route> Rib<F>::adj_rib_in(PeerId peer, const wire::Prefix& prefix,
                                        std::uint32_t path_id) const {
    const Impl& m = *impl_;
    if (!F::matches(prefix)) return std::nullopt;
    const auto id = m.find(F::key(prefix));
    if (!id) return std::nullopt;
    const auto& e = m.entries[*id];
    for (std::size_t i = 0; i < e.n; ++i) {
        const Path& p = e.begin()[i];
        if (p.peer == peer && p.path_id == path_id) return m.make_route(e, i, m.multipath_count(e));
    }
    return std::nullopt;
}

template <class F>
void Rib<F>::for_each_best(const std::function<void(const Route&)>& fn) const {
    const Impl& m = *impl_;
    for (const auto& e : m.entries)
        if (e.has_best()) fn(m.make_route(e, 0, m.multipath_count(e)));
}

template <class F>
void Rib<F>::for_each_adj_in(PeerId peer, const std::function<void(const Route&)>& fn) const {
    const Impl& m = *impl_;
    m.live_peer(peer);
    for (const auto& e : m.entries) {
        for (std::size_t i = 0; i < e.n; ++i) {
            if (e.begin()[i].peer != peer) continue;
            fn(m.make_route(e, i, m.multipath_count(e)));
        }
    }
}

template <class F>
std::size_t Rib<F>::prefix_count() const {
    return impl_->live_entries;
}

template <class F>
std::size_t Rib<F>::path_count() const {
    return impl_->total_paths;
}

template <class F>
std::size_t Rib<F>::peer_path_count(PeerId peer) const {
    return impl_->live_peer(peer).paths;
}

template <class F>
std::size_t Rib<F>::peer_stale_count(PeerId peer) const {
    return impl_->live_peer(peer).stale;
}

template <class F>
std::uint64_t Rib<F>::best_path_changes() const {
    return impl_->best_changes;
}

template <class F>
std::size_t Rib<F>::peer_accepted_count(PeerId peer) const {
    const auto& slot = impl_->live_peer(peer);
    return slot.paths - slot.rejected;
}

template <class F>
RibMemory Rib<F>::memory() const {
    const Impl& m = *impl_;
    RibMemory r;
    r.entries = m.live_entries;
    r.paths = m.total_paths;
    r.entry_bytes = m.entries.size() * sizeof(typename Impl::Entry);
    r.path_bytes = m.heap_path_bytes;
    r.index_bytes = m.index.bytes();
    return r;
}

template <class F>
FeedId Rib<F>::subscribe(FeedOptions options) {
    Impl& m = *impl_;
    typename Impl::Feed f{true, options.all_paths,
                          detail::ChangeQueue<typename Impl::Key, typename Impl::KeyHash>(
                              options.max_pending, std::move(options.wakeup))};
    for (std::size_t i = 0; i < m.feeds.size(); ++i) {
        if (!m.feeds[i].live) {
            m.feeds[i] = std::move(f);
            return static_cast<FeedId>(i);
        }
    }
    m.feeds.push_back(std::move(f));
    return static_cast<FeedId>(m.feeds.size() - 1);
}

template <class F>
void Rib<F>::unsubscribe(FeedId id) {
    if (id < impl_->feeds.size()) impl_->feeds[id] = typename Impl::Feed{};
}

template <class F>
FeedPoll Rib<F>::poll(
    FeedId id, std::size_t max,
    const std::function<void(const wire::Prefix&, const std::optional<Route>&)>& fn) {
    Impl& m = *impl_;
    if (id >= m.feeds.size() || !m.feeds[id].live)
        throw std::out_of_range("bgp::rib: no such feed");
    FeedPoll r;
    if (m.feeds[id].queue.take_overflow()) {
        r.resync = true;
        return r;
    }
    while (r.delivered < max) {
        // fn may subscribe and grow `feeds`: index again each time.
        const auto key = m.feeds[id].queue.pop();
        if (!key) break;
        ++r.delivered;
        const auto prefix = F::prefix(*key);
        fn(prefix, best(prefix));
    }
    r.pending = m.feeds[id].queue.size();
    return r;
}

template <class F>
std::size_t Rib<F>::pending(FeedId id) const {
    if (id >= impl_->feeds.size()) return 0;
    return impl_->feeds[id].queue.size();
}

template class Rib<Ipv4>;
template class Rib<Ipv6>;

}  // namespace bgp::rib
