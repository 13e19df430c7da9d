// Reference-counted pool of interned values of one type (the parts of an
// attribute set: AS paths, community lists, ...). Ids are 1-based; 0 is
// "absent". Storage is a deque, so values never move.
#pragma once

#include <cassert>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "rib/id_index.hpp"

namespace bgp::rib::detail {

template <class T>
class PartPool {
  public:
    /// Returns the id of a value equal to `v` (interning it if new), with one
    /// new reference.
    template <class U>
    std::uint32_t intern(U&& v, std::uint64_t h) {
        const auto h32 = static_cast<std::uint32_t>(h);
        auto found = index_.find(h32, [&](std::uint32_t id) {
            const Node& n = nodes_[id];
            return n.hash == h32 && n.value == v;
        });
        if (found) {
            ++nodes_[*found].refs;
            return *found + 1;
        }
        std::uint32_t slot;
        if (!free_.empty()) {
            slot = free_.back();
            free_.pop_back();
            nodes_[slot].value = std::forward<U>(v);
        } else {
            slot = static_cast<std::uint32_t>(nodes_.size());
            nodes_.push_back(Node{std::forward<U>(v), 0, 0});
        }
        nodes_[slot].refs = 1;
        nodes_[slot].hash = h32;
        index_.insert(h32, slot, [this](std::uint32_t id) { return nodes_[id].hash; });
        ++live_;
        return slot + 1;
    }

    void ref(std::uint32_t id) {
        if (id != 0) ++nodes_[id - 1].refs;
    }

    void unref(std::uint32_t id) {
        if (id == 0) return;
        Node& n = nodes_[id - 1];
        assert(n.refs > 0);
        if (--n.refs != 0) return;
        index_.erase(n.hash, id - 1, [this](std::uint32_t i) { return nodes_[i].hash; });
        n.value = T{};
        free_.push_back(id - 1);
        --live_;
    }

    [[nodiscard]] const T& get(std::uint32_t id) const { return nodes_[id - 1].value; }
    [[nodiscard]] std::size_t size() const { return live_; }

  private:
    struct Node {
        T value;
        std::uint32_t refs;
        std::uint32_t hash;
    };
    std::deque<Node> nodes_;
    std::vector<std::uint32_t> free_;
    IdIndex index_;
    std::size_t live_ = 0;
};

}  // namespace bgp::rib::detail
