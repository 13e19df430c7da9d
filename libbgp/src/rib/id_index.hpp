// A compact hash index of 32-bit ids (open addressing, linear probing,
// backward-shift deletion, no tombstones). The keys live elsewhere (in the
// pool or table the ids point into): the index stores 4 bytes per slot and asks
// callbacks for a key's hash and equality.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace bgp::rib::detail {

inline std::uint64_t hash_mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 32);
}

class IdIndex {
  public:
    static constexpr std::uint32_t empty = 0xFFFFFFFFu;

    /// The id whose key `eq(id)` accepts, probing from hash `h`.
    template <class Eq>
    [[nodiscard]] std::optional<std::uint32_t> find(std::uint64_t h, Eq&& eq) const {
        if (slots_.empty()) return std::nullopt;
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const std::uint32_t id = slots_[i];
            if (id == empty) return std::nullopt;
            if (eq(id)) return id;
        }
    }

    /// Adds `id` (not present yet) under hash `h`; `hash_of(id)` gives any
    /// stored id's hash when the table grows.
    template <class HashOf>
    void insert(std::uint64_t h, std::uint32_t id, HashOf&& hash_of) {
        if ((count_ + 1) * 4 > slots_.size() * 3) grow(hash_of);
        place(h, id);
        ++count_;
    }

    /// Removes `id`, stored under hash `h`.
    template <class HashOf>
    void erase(std::uint64_t h, std::uint32_t id, HashOf&& hash_of) {
        std::size_t i = h & mask_;
        while (slots_[i] != id) i = (i + 1) & mask_;
        // Backward shift: pull later members of the probe run into the hole.
        std::size_t hole = i;
        for (std::size_t j = (hole + 1) & mask_; slots_[j] != empty; j = (j + 1) & mask_) {
            const std::size_t home = hash_of(slots_[j]) & mask_;
            // Move j to the hole unless its home lies cyclically in (hole, j].
            const std::size_t dist_j = (j - home) & mask_;
            const std::size_t dist_hole = (j - hole) & mask_;
            if (dist_j >= dist_hole) {
                slots_[hole] = slots_[j];
                hole = j;
            }
        }
        slots_[hole] = empty;
        --count_;
    }

    [[nodiscard]] std::size_t size() const { return count_; }
    [[nodiscard]] std::size_t capacity() const { return slots_.size(); }
    [[nodiscard]] std::size_t bytes() const { return slots_.capacity() * sizeof(std::uint32_t); }

    void clear() {
        slots_.clear();
        slots_.shrink_to_fit();
        mask_ = 0;
        count_ = 0;
    }

  private:
    void place(std::uint64_t h, std::uint32_t id) {
        std::size_t i = h & mask_;
        while (slots_[i] != empty) i = (i + 1) & mask_;
        slots_[i] = id;
    }

    template <class HashOf>
    void grow(HashOf&& hash_of) {
        std::vector<std::uint32_t> old;
        old.swap(slots_);
        const std::size_t n = old.empty() ? 16 : old.size() * 2;
        slots_.assign(n, empty);
        mask_ = n - 1;
        for (std::uint32_t id : old)
            if (id != empty) place(hash_of(id), id);
    }

    std::vector<std::uint32_t> slots_;
    std::size_t mask_ = 0;
    std::size_t count_ = 0;
};

}  // namespace bgp::rib::detail
