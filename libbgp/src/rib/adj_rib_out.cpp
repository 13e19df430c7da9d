// Adj-RIB-Out and UPDATE packing (RFC 4271 §3.2, §4.3, §9.2; RFC 4760;
// RFC 7911).
#include "bgp/rib/adj_rib_out.hpp"

#include "rib/chunked_vector.hpp"
#include "rib/id_index.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>
#include <utility>

namespace bgp::rib {

namespace {
using PathList = std::vector<std::pair<std::uint32_t, AttrId>>;  // path id, exported attrs
}

template <class F>
struct AdjRibOut<F>::Impl {
    using Key = typename F::Key;
    using Addr = decltype(Key::addr);
    struct KeyHash {
        std::size_t operator()(const Key& k) const { return static_cast<std::size_t>(F::hash(k)); }
    };
    static constexpr std::uint32_t end = 0xFFFFFFFFu;

    // What the peer has: one 20-byte slot (IPv4) per (prefix, path id), the
    // slots of one prefix chained, the first found through a 4-byte index.
    struct Slot {
        Addr addr{};
        std::uint8_t length = 0;
        std::uint32_t path_id = 0;
        AttrId attrs = no_attrs;
        std::uint32_t next = end;
        [[nodiscard]] Key key() const { return Key{addr, length}; }
    };

    AttrStore& store;
    bool add_path;
    detail::ChunkedVector<Slot> slots;
    std::vector<std::uint32_t> free_slots;
    detail::IdIndex heads;
    std::unordered_map<Key, PathList, KeyHash> desired;  // queued: the new full state
    std::size_t sent_paths = 0;

    Impl(AttrStore& s, bool ap) : store(s), add_path(ap) {}
    ~Impl() {
        for (const Slot& sl : slots) store.unref(sl.attrs);  // freed slots hold no_attrs
        for (auto& [k, l] : desired) release(l);
    }
    void release(const PathList& l) {
        for (const auto& [id, a] : l) store.unref(a);
    }
    static bool same(PathList a, PathList b) {
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        return a == b;
    }

    std::optional<std::uint32_t> head(const Key& k) const {
        return heads.find(F::hash(k), [&](std::uint32_t id) { return slots[id].key() == k; });
    }
    PathList sent(const Key& k) const {
        PathList l;
        if (auto h = head(k))
            for (std::uint32_t i = *h; i != end; i = slots[i].next)
                l.emplace_back(slots[i].path_id, slots[i].attrs);
        return l;
    }
    // Replaces what the peer has for `k` by `next` (whose references it takes).
    void set_sent(const Key& k, PathList next) {
        auto hash_of = [this](std::uint32_t id) { return F::hash(slots[id].key()); };
        if (auto h = head(k)) {
            heads.erase(F::hash(k), *h, hash_of);
            for (std::uint32_t i = *h; i != end;) {
                const std::uint32_t n = slots[i].next;
                store.unref(slots[i].attrs);
                slots[i] = Slot{};
                free_slots.push_back(i);
                --sent_paths;
                i = n;
            }
        }
        std::uint32_t first = end;
        for (auto it = next.rbegin(); it != next.rend(); ++it) {
            std::uint32_t id;
            if (!free_slots.empty()) {
                id = free_slots.back();
                free_slots.pop_back();
            } else {
                id = static_cast<std::uint32_t>(slots.size());
                slots.emplace_back();
            }
            slots[id] = Slot{k.addr, k.length, it->first, it->second, first};
            first = id;
            ++sent_paths;
        }
        if (first != end) heads.insert(F::hash(k), first, hash_of);
    }
};

template <class F>
AdjRibOut<F>::AdjRibOut(AttrStore& store, bool add_path)
    : impl_(std::make_unique<Impl>(store, add_path)) {}

template <class F>
AdjRibOut<F>::~AdjRibOut() = default;

template <class F>
void AdjRibOut<F>::sync(const wire::Prefix& prefix, std::span<const Advertisement> ads) {
    Impl& m = *impl_;
    if (!F::matches(prefix)) return;
    const auto key = F::key(prefix);
    PathList next;
    for (const auto& ad : ads) {
        const std::uint32_t id = m.add_path ? ad.route.tx_path_id : 0;
        next.emplace_back(id, m.store.intern(ad.attrs));
        if (!m.add_path) break;
    }
    // Drop an older queued state for the prefix.
    if (auto it = m.desired.find(key); it != m.desired.end()) {
        m.release(it->second);
        m.desired.erase(it);
    }
    if (Impl::same(m.sent(key), next)) {
        m.release(next);  // the peer has exactly this already
        return;
    }
    m.desired.emplace(key, std::move(next));
}

template <class F>
std::vector<wire::Update> AdjRibOut<F>::take_updates(const wire::CodecOptions& opts) {
    Impl& m = *impl_;
    constexpr bool classic = F::family == wire::ipv4_unicast;
    std::vector<wire::Nlri> withdrawn;
    std::map<AttrId, std::vector<wire::Nlri>> announced;  // ordered: deterministic output

    for (auto& [key, next] : m.desired) {
        const auto prefix = F::prefix(key);
        const PathList cur = m.sent(key);
        auto nlri = [&](std::uint32_t id) {
            return wire::Nlri{prefix, m.add_path ? std::optional<std::uint32_t>(id) : std::nullopt};
        };
        // (structured bindings copied to plain variables: clang 14 cannot capture them)
        for (const auto& [next_id, a] : next) {
            const std::uint32_t id = next_id;
            const auto it =
                std::find_if(cur.begin(), cur.end(), [&](const auto& p) { return p.first == id; });
            if (it == cur.end() || it->second != a) announced[a].push_back(nlri(id));
        }
        for (const auto& [cur_id, a] : cur) {
            const std::uint32_t id = cur_id;
            const bool kept =
                std::any_of(next.begin(), next.end(), [&](const auto& p) { return p.first == id; });
            // Without ADD-PATH a new announcement replaces the old one implicitly.
            if (!kept && (m.add_path || next.empty())) withdrawn.push_back(nlri(id));
        }
        m.set_sent(key, std::move(next));
    }
    m.desired.clear();

    std::vector<wire::Update> out;
    const std::size_t max = opts.max_size();
    const auto nlri_size = [&](const wire::Nlri& n) {
        return (m.add_path ? 4u : 0u) + 1u + (n.prefix.length() + 7u) / 8u;
    };
    const auto encoded_size = [&](const wire::Update& u) -> std::size_t {
        auto e = wire::encode(wire::Message{u}, opts);
        return e ? e->size() : max;
    };
    wire::CodecOptions o = opts;
    if (m.add_path) o.add_path.insert(F::family);

    // Withdrawals, as many per UPDATE as fit.
    for (std::size_t i = 0; i < withdrawn.size();) {
        wire::Update u;
        if (!classic) u.attributes.mp_unreach = wire::MpUnreach{F::family, {}, {}};
        std::size_t size = encoded_size(u) + 1;  // +1: a 2-octet attribute length may appear
        auto& list = classic ? u.withdrawn : u.attributes.mp_unreach->nlri;
        while (i < withdrawn.size() && size + nlri_size(withdrawn[i]) <= max) {
            size += nlri_size(withdrawn[i]);
            list.push_back(withdrawn[i++]);
        }
        if (list.empty()) break;  // cannot happen with sane limits
        out.push_back(std::move(u));
    }
    // Announcements, one run of UPDATEs per exported attribute set.
    for (auto& [attrs, nlri] : announced) {
        wire::PathAttributes a = m.store.materialize(attrs);
        if (!classic) {
            if (!a.mp_reach) a.mp_reach = wire::MpReach{};
            a.mp_reach->family = F::family;
            a.mp_reach->nlri.clear();
        }
        for (std::size_t i = 0; i < nlri.size();) {
            wire::Update u;
            u.attributes = a;
            std::size_t size = encoded_size(u) + 1;
            auto& list = classic ? u.nlri : u.attributes.mp_reach->nlri;
            while (i < nlri.size() && size + nlri_size(nlri[i]) <= max) {
                size += nlri_size(nlri[i]);
                list.push_back(nlri[i++]);
            }
            if (list.empty()) break;  // attributes alone exceed the limit
            out.push_back(std::move(u));
        }
    }
    return out;
}

template <class F>
void AdjRibOut<F>::clear() {
    Impl& m = *impl_;
    for (const auto& sl : m.slots) m.store.unref(sl.attrs);
    for (auto& [k, l] : m.desired) m.release(l);
    m.slots.clear();
    m.free_slots.clear();
    m.heads = detail::IdIndex{};
    m.desired.clear();
    m.sent_paths = 0;
}

template <class F>
std::optional<AttrId> AdjRibOut<F>::advertised(const wire::Prefix& prefix,
                                               std::uint32_t path_id) const {
    if (!F::matches(prefix)) return std::nullopt;
    for (const auto& [id, a] : impl_->sent(F::key(prefix)))
        if (id == path_id) return a;
    return std::nullopt;
}

template <class F>
std::size_t AdjRibOut<F>::size() const {
    return impl_->sent_paths;
}

template <class F>
std::size_t AdjRibOut<F>::pending() const {
    return impl_->desired.size();
}

template <class F>
std::size_t AdjRibOut<F>::memory_bytes() const {
    const Impl& m = *impl_;
    return m.slots.size() * sizeof(typename Impl::Slot) +
           m.free_slots.capacity() * sizeof(std::uint32_t) + m.heads.bytes();
}

template class AdjRibOut<Ipv4>;
template class AdjRibOut<Ipv6>;

}  // namespace bgp::rib
