// Interned, reference-counted arrays of 32-bit words (AS paths in a flat
// encoding, community lists, cluster lists), kept in 256 KiB slabs: a value
// is three header words (hash, references, length) and its words, with no
// malloc header, no rounding and no pointer table - the 32-bit id is the
// slab number and the word offset. Freed blocks go to a free list per size
// and are reused by values of the same size. Ids start at 1; 0 is "absent".
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "rib/id_index.hpp"

namespace bgp::rib::detail {

class BlobPool {
  public:
    static constexpr std::uint32_t slab_words = 1u << 16;
    static constexpr std::uint32_t header_words = 3;
    /// The longest value that fits (longer ones are cut, which cannot happen
    /// with BGP messages of at most 65535 octets).
    static constexpr std::uint32_t max_words = slab_words - header_words;

    BlobPool() = default;
    BlobPool(const BlobPool&) = delete;
    BlobPool& operator=(const BlobPool&) = delete;

    static std::uint64_t hash(std::span<const std::uint32_t> v, std::uint64_t seed) {
        std::uint64_t h = hash_mix(seed, v.size());
        for (std::uint32_t x : v) h = hash_mix(h, x);
        return h;
    }

    /// The id of an array equal to `v` (interned if new), with one new reference.
    std::uint32_t intern(std::span<const std::uint32_t> v, std::uint64_t h) {
        if (v.size() > max_words) v = v.first(max_words);
        const auto h32 = static_cast<std::uint32_t>(h);
        auto found = index_.find(h32, [&](std::uint32_t id) {
            const std::uint32_t* b = at(id);
            return b[0] == h32 && b[2] == v.size() && std::equal(v.begin(), v.end(), b + 3);
        });
        if (found) {
            ++at(*found)[1];
            return *found;
        }
        const auto words = static_cast<std::uint32_t>(header_words + v.size());
        const std::uint32_t id = allocate(words);
        std::uint32_t* b = at(id);
        b[0] = h32;
        b[1] = 1;
        b[2] = static_cast<std::uint32_t>(v.size());
        std::copy(v.begin(), v.end(), b + 3);
        index_.insert(h32, id, [this](std::uint32_t i) { return at(i)[0]; });
        ++live_;
        return id;
    }

    void ref(std::uint32_t id) {
        if (id != 0) ++at(id)[1];
    }

    void unref(std::uint32_t id) {
        if (id == 0) return;
        std::uint32_t* b = at(id);
        assert(b[1] > 0);
        if (--b[1] != 0) return;
        index_.erase(b[0], id, [this](std::uint32_t i) { return at(i)[0]; });
        const std::uint32_t words = header_words + b[2];
        if (free_.size() <= words) free_.resize(words + 1);
        free_[words].push_back(id);
        --live_;
    }

    [[nodiscard]] std::span<const std::uint32_t> get(std::uint32_t id) const {
        if (id == 0) return {};
        const std::uint32_t* b = at(id);
        return {b + 3, b[2]};
    }

    [[nodiscard]] std::size_t size() const { return live_; }

  private:
    [[nodiscard]] std::uint32_t* at(std::uint32_t id) const {
        return slabs_[id >> 16].get() + (id & 0xFFFFu);
    }

    std::uint32_t allocate(std::uint32_t words) {
        if (words < free_.size() && !free_[words].empty()) {
            const std::uint32_t id = free_[words].back();
            free_[words].pop_back();
            return id;
        }
        while (slabs_.empty() || used_ + words > slab_words) {
            assert(slabs_.size() < 0x10000);
            // Not value-initialised: pages become resident only when used.
            slabs_.push_back(std::unique_ptr<std::uint32_t[]>(new std::uint32_t[slab_words]));
            used_ = slabs_.size() == 1 ? 1 : 0;  // word 0 of slab 0 would be id 0
        }
        const auto id = static_cast<std::uint32_t>(((slabs_.size() - 1) << 16) | used_);
        used_ += words;
        return id;
    }

    std::vector<std::unique_ptr<std::uint32_t[]>> slabs_;
    std::uint32_t used_ = 0;
    std::vector<std::vector<std::uint32_t>> free_;  // by block size in words
    IdIndex index_;
    std::size_t live_ = 0;
};

}  // namespace bgp::rib::detail
