// A compact hash index of 32-bit ids (open addressing, linear probing,
// backward-shift deletion, no tombstones). The keys live elsewhere (in the
// pool or table the ids point into): the index stores 4 bytes per slot and asks
// callbacks for a key's hash and equality. Capacities step by 1.5x and 4/3x
// (16, 24, 32, 48, 64, ...) so that a large table is not left at 2x its size;
// the home slot is found by multiply-shift (no power-of-two mask needed).
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
        for (std::size_t i = home(h);; i = next(i)) {
            const std::uint32_t id = slots_[i];
            if (id == empty) return std::nullopt;
            if (eq(id)) return id;
        }
    }

    /// Adds `id` (not present yet) under hash `h`; `hash_of(id)` gives any
    /// stored id's hash when the table grows.
    template <class HashOf>
    void insert(std::uint64_t h, std::uint32_t id, HashOf&& hash_of) {
        // At most 80 % full.
        if ((count_ + 1) * 5 > slots_.size() * 4) grow(hash_of);
        place(h, id);
        ++count_;
    }

    /// Removes `id`, stored under hash `h` (no-op when it is not there).
    template <class HashOf>
    void erase(std::uint64_t h, std::uint32_t id, HashOf&& hash_of) {
        if (slots_.empty()) return;
        std::size_t i = home(h);
        while (slots_[i] != id) {
            if (slots_[i] == empty) return;
            i = next(i);
        }
        // Backward shift: pull later members of the probe run into the hole.
        const std::size_t cap = slots_.size();
        std::size_t hole = i;
        for (std::size_t j = next(hole); slots_[j] != empty; j = next(j)) {
            const std::size_t h_j = home(hash_of(slots_[j]));
            // Move j to the hole unless its home lies cyclically in (hole, j].
            const std::size_t dist_j = (j + cap - h_j) % cap;
            const std::size_t dist_hole = (j + cap - hole) % cap;
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

  private:
    [[nodiscard]] std::size_t home(std::uint64_t h) const {
        const std::uint64_t m = h * 0x9E3779B97F4A7C15ull;  // spread 32-bit hashes too
        // (m * capacity) >> 64 without 128-bit arithmetic; capacity < 2^32.
        const std::uint64_t cap = slots_.size();
        return static_cast<std::size_t>(((m >> 32) * cap + (((m & 0xFFFFFFFFu) * cap) >> 32)) >>
                                        32);
    }
    [[nodiscard]] std::size_t next(std::size_t i) const {
        return i + 1 == slots_.size() ? 0 : i + 1;
    }

    void place(std::uint64_t h, std::uint32_t id) {
        std::size_t i = home(h);
        while (slots_[i] != empty) i = next(i);
        slots_[i] = id;
    }

    template <class HashOf>
    void grow(HashOf&& hash_of) {
        std::vector<std::uint32_t> old;
        old.swap(slots_);
        std::size_t n = 16;
        if (!old.empty()) {
            // 16, 24, 32, 48, 64, 96, ...: alternately x1.5 and x4/3.
            const bool pow2 = (old.size() & (old.size() - 1)) == 0;
            n = pow2 ? old.size() / 2 * 3 : old.size() / 3 * 4;
        }
        slots_.assign(n, empty);
        for (std::uint32_t id : old)
            if (id != empty) place(hash_of(id), id);
    }

    std::vector<std::uint32_t> slots_;
    std::size_t count_ = 0;
};

}  // namespace bgp::rib::detail
