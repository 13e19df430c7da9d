// A prefix list compiled for lookup: a binary trie over the entries' prefixes,
// so a route is checked against the entries on its own path only (at most
// 33 / 129 nodes) instead of every entry. Same answer as PrefixList::matches:
// the covering entry with the lowest index decides.
#pragma once

#include <cstdint>
#include <vector>

#include "bgp/policy/prefix_list.hpp"

namespace bgp::policy::detail {

class PrefixTrie {
  public:
    /// Lists up to this many entries are scanned linearly (faster when short).
    static constexpr std::size_t linear_limit = 4;

    explicit PrefixTrie(const PrefixList& list);

    [[nodiscard]] bool matches(const wire::Prefix& p) const;
    [[nodiscard]] std::size_t node_count() const { return nodes_.size(); }

  private:
    struct Node {
        std::int32_t child[2] = {-1, -1};
        std::uint32_t first = 0;  // items_[first, first + count): entries ending here
        std::uint32_t count = 0;
    };
    struct Item {
        std::uint32_t index = 0;  // position in the list (lower wins)
        std::uint8_t min = 0;
        std::uint8_t max = 0;
        bool deny = false;
    };

    const PrefixList* list_;
    bool linear_;
    std::vector<Node> nodes_;  // [0]: IPv4 root, [1]: IPv6 root
    std::vector<Item> items_;  // grouped by node, each group by index
};

}  // namespace bgp::policy::detail
