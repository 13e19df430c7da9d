// Adj-RIB-Out and UPDATE packing (RFC 4271 §3.2, §4.3, §9.2; RFC 4760;
// RFC 7911).
#include "bgp/rib/adj_rib_out.hpp"

#include <algorithm>
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
    struct KeyHash {
        std::size_t operator()(const Key& k) const { return static_cast<std::size_t>(F::hash(k)); }
    };

    AttrStore& store;
    bool add_path;
    std::unordered_map<Key, PathList, KeyHash> sent;     // what the peer has
    std::unordered_map<Key, PathList, KeyHash> desired;  // queued: the new full state
    std::size_t sent_paths = 0;

    Impl(AttrStore& s, bool ap) : store(s), add_path(ap) {}
    ~Impl() {
        for (auto& [k, l] : sent) release(l);
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
    const auto s = m.sent.find(key);
    const PathList& current = s == m.sent.end() ? PathList{} : s->second;
    if (Impl::same(current, next)) {
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
        PathList& cur = m.sent[key];
        auto nlri = [&](std::uint32_t id) {
            return wire::Nlri{prefix, m.add_path ? std::optional<std::uint32_t>(id) : std::nullopt};
        };
        for (const auto& [id, a] : next) {
            const auto it =
                std::find_if(cur.begin(), cur.end(), [&](const auto& p) { return p.first == id; });
            if (it == cur.end() || it->second != a) announced[a].push_back(nlri(id));
        }
        for (const auto& [id, a] : cur) {
            const bool kept =
                std::any_of(next.begin(), next.end(), [&](const auto& p) { return p.first == id; });
            // Without ADD-PATH a new announcement replaces the old one implicitly.
            if (!kept && (m.add_path || next.empty())) withdrawn.push_back(nlri(id));
        }
        m.sent_paths -= cur.size();
        m.sent_paths += next.size();
        m.release(cur);
        cur = std::move(next);
        if (cur.empty()) m.sent.erase(key);
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
    for (auto& [k, l] : m.sent) m.release(l);
    for (auto& [k, l] : m.desired) m.release(l);
    m.sent.clear();
    m.desired.clear();
    m.sent_paths = 0;
}

template <class F>
std::optional<AttrId> AdjRibOut<F>::advertised(const wire::Prefix& prefix,
                                               std::uint32_t path_id) const {
    if (!F::matches(prefix)) return std::nullopt;
    const auto it = impl_->sent.find(F::key(prefix));
    if (it == impl_->sent.end()) return std::nullopt;
    for (const auto& [id, a] : it->second)
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

template class AdjRibOut<Ipv4>;
template class AdjRibOut<Ipv6>;

}  // namespace bgp::rib
