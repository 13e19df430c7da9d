// A hash set of small keys stored inline (open addressing, linear probing,
// backward-shift deletion, no tombstones): no allocation per element, unlike
// std::unordered_set. Capacity is a power of two, at most 75 % full; an
// emptied set that had grown large gives its memory back. For the change
// queue's pending keys (change_queue.hpp), which are inserted and erased once
// per route change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bgp::rib::detail {

template <class Key, class Hash>
class FlatSet {
  public:
    /// False if `k` was there already.
    bool insert(const Key& k) {
        if ((size_ + 1) * 4 > keys_.size() * 3) grow();
        std::size_t i = home(k);
        for (; used_[i] != 0; i = next(i))
            if (keys_[i] == k) return false;
        keys_[i] = k;
        used_[i] = 1;
        ++size_;
        return true;
    }

    /// Removes `k` (no-op when absent).
    void erase(const Key& k) {
        if (size_ == 0) return;
        std::size_t i = home(k);
        while (true) {
            if (used_[i] == 0) return;
            if (keys_[i] == k) break;
            i = next(i);
        }
        // Backward shift: pull later members of the probe run into the hole.
        std::size_t hole = i;
        for (std::size_t j = next(hole); used_[j] != 0; j = next(j)) {
            const std::size_t h = home(keys_[j]);
            // j may move to the hole unless its home lies cyclically in (hole, j].
            if (((j - h) & mask_) >= ((j - hole) & mask_)) {
                keys_[hole] = keys_[j];
                hole = j;
            }
        }
        used_[hole] = 0;
        if (--size_ == 0 && keys_.size() > shrink_above) clear();
    }

    [[nodiscard]] bool contains(const Key& k) const {
        if (size_ == 0) return false;
        for (std::size_t i = home(k); used_[i] != 0; i = next(i))
            if (keys_[i] == k) return true;
        return false;
    }

    void clear() {
        keys_ = {};
        used_ = {};
        size_ = 0;
        mask_ = 0;
        shift_ = 64;
    }

    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }

  private:
    static constexpr std::size_t shrink_above = 4096;

    [[nodiscard]] std::size_t home(const Key& k) const {
        const std::uint64_t h = static_cast<std::uint64_t>(Hash{}(k)) * 0x9E3779B97F4A7C15ull;
        return static_cast<std::size_t>(h >> shift_);
    }
    [[nodiscard]] std::size_t next(std::size_t i) const { return (i + 1) & mask_; }

    void grow() {
        std::vector<Key> old_keys;
        std::vector<std::uint8_t> old_used;
        old_keys.swap(keys_);
        old_used.swap(used_);
        const std::size_t n = old_keys.empty() ? 16 : old_keys.size() * 2;
        keys_.assign(n, Key{});
        used_.assign(n, 0);
        mask_ = n - 1;
        shift_ = 64;
        for (std::size_t c = n; c > 1; c >>= 1) --shift_;
        for (std::size_t i = 0; i < old_keys.size(); ++i) {
            if (old_used[i] == 0) continue;
            std::size_t j = home(old_keys[i]);
            while (used_[j] != 0) j = next(j);
            keys_[j] = old_keys[i];
            used_[j] = 1;
        }
    }

    std::vector<Key> keys_;
    std::vector<std::uint8_t> used_;
    std::size_t size_ = 0;
    std::size_t mask_ = 0;
    int shift_ = 64;
};

}  // namespace bgp::rib::detail
