// Interned, reference-counted arrays of 32-bit words (AS paths in a flat
// encoding, community lists, cluster lists). One allocation per value: three
// header words (hash, references, length) and the words themselves, so a
// typical AS path costs one small heap block plus an 8-byte pointer and its
// index slot. Ids are 1-based; 0 is "absent".
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <span>
#include <vector>

#include "rib/id_index.hpp"

namespace bgp::rib::detail {

class BlobPool {
  public:
    BlobPool() = default;
    BlobPool(const BlobPool&) = delete;
    BlobPool& operator=(const BlobPool&) = delete;
    ~BlobPool() {
        for (std::uint32_t* b : blobs_) delete[] b;
    }

    static std::uint64_t hash(std::span<const std::uint32_t> v, std::uint64_t seed) {
        std::uint64_t h = hash_mix(seed, v.size());
        for (std::uint32_t x : v) h = hash_mix(h, x);
        return h;
    }

    /// The id of an array equal to `v` (interned if new), with one new reference.
    std::uint32_t intern(std::span<const std::uint32_t> v, std::uint64_t h) {
        const auto h32 = static_cast<std::uint32_t>(h);
        auto found = index_.find(h32, [&](std::uint32_t slot) {
            const std::uint32_t* b = blobs_[slot];
            return b[0] == h32 && b[2] == v.size() && std::equal(v.begin(), v.end(), b + 3);
        });
        if (found) {
            ++blobs_[*found][1];
            return *found + 1;
        }
        auto* b = new std::uint32_t[3 + v.size()];
        b[0] = h32;
        b[1] = 1;
        b[2] = static_cast<std::uint32_t>(v.size());
        std::copy(v.begin(), v.end(), b + 3);
        std::uint32_t slot;
        if (!free_.empty()) {
            slot = free_.back();
            free_.pop_back();
            blobs_[slot] = b;
        } else {
            slot = static_cast<std::uint32_t>(blobs_.size());
            blobs_.push_back(b);
        }
        index_.insert(h32, slot, [this](std::uint32_t i) { return blobs_[i][0]; });
        ++live_;
        return slot + 1;
    }

    void ref(std::uint32_t id) {
        if (id != 0) ++blobs_[id - 1][1];
    }

    void unref(std::uint32_t id) {
        if (id == 0) return;
        std::uint32_t*& b = blobs_[id - 1];
        assert(b[1] > 0);
        if (--b[1] != 0) return;
        index_.erase(b[0], id - 1, [this](std::uint32_t i) { return blobs_[i][0]; });
        delete[] b;
        b = nullptr;
        free_.push_back(id - 1);
        --live_;
    }

    [[nodiscard]] std::span<const std::uint32_t> get(std::uint32_t id) const {
        if (id == 0) return {};
        const std::uint32_t* b = blobs_[id - 1];
        return {b + 3, b[2]};
    }

    [[nodiscard]] std::size_t size() const { return live_; }

  private:
    std::vector<std::uint32_t*> blobs_;
    std::vector<std::uint32_t> free_;
    IdIndex index_;
    std::size_t live_ = 0;
};

}  // namespace bgp::rib::detail
