// Prefix-list trie: build once per PolicyTable, look up per route.
#include "policy/prefix_trie.hpp"

#include <limits>

namespace bgp::policy::detail {

namespace {

unsigned bit(const std::uint8_t* addr, unsigned i) { return (addr[i / 8] >> (7 - i % 8)) & 1u; }

}  // namespace

PrefixTrie::PrefixTrie(const PrefixList& list)
    : list_(&list), linear_(list.entries.size() <= linear_limit) {
    if (linear_) return;
    nodes_.resize(2);
    std::vector<std::vector<Item>> at(2);
    for (std::size_t i = 0; i < list.entries.size(); ++i) {
        const PrefixListEntry& e = list.entries[i];
        std::int32_t n = e.prefix.afi() == wire::Afi::ipv4 ? 0 : 1;
        const std::uint8_t* a = e.prefix.address().data();
        for (unsigned d = 0; d < e.prefix.length(); ++d) {
            const unsigned b = bit(a, d);
            if (nodes_[static_cast<std::size_t>(n)].child[b] < 0) {
                nodes_[static_cast<std::size_t>(n)].child[b] =
                    static_cast<std::int32_t>(nodes_.size());
                nodes_.emplace_back();
                at.emplace_back();
            }
            n = nodes_[static_cast<std::size_t>(n)].child[b];
        }
        at[static_cast<std::size_t>(n)].push_back(
            Item{static_cast<std::uint32_t>(i), e.min_length(), e.max_length(), e.deny});
    }
    for (std::size_t n = 0; n < nodes_.size(); ++n) {  // indices already ascending
        nodes_[n].first = static_cast<std::uint32_t>(items_.size());
        nodes_[n].count = static_cast<std::uint32_t>(at[n].size());
        items_.insert(items_.end(), at[n].begin(), at[n].end());
    }
}

bool PrefixTrie::matches(const wire::Prefix& p) const {
    if (linear_) return list_->matches(p);
    constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t best = none;
    bool best_deny = false;
    const std::uint8_t len = p.length();
    const std::uint8_t* a = p.address().data();
    std::int32_t n = p.afi() == wire::Afi::ipv4 ? 0 : 1;
    for (unsigned d = 0;; ++d) {
        const Node& node = nodes_[static_cast<std::size_t>(n)];
        for (std::uint32_t k = node.first; k < node.first + node.count; ++k) {
            const Item& it = items_[k];
            if (it.index >= best) break;  // sorted: nothing better at this node
            if (len >= it.min && len <= it.max) {
                best = it.index;
                best_deny = it.deny;
                break;
            }
        }
        if (d >= len) break;
        n = node.child[bit(a, d)];
        if (n < 0) break;
    }
    return best != none && !best_deny;
}

}  // namespace bgp::policy::detail
