// A vector of stable elements in fixed chunks of about 4 KiB, like std::deque
// (elements never move: references and ids stay valid as it grows; memory
// grows a chunk at a time, not by doubling) but with a power-of-two number of
// elements per chunk, so that indexing is a shift and a mask instead of
// std::deque's division. The tables of the RIB and of the update groups index
// their elements by 32-bit ids on every lookup: this is their hot path.
#pragma once

#include <bit>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace bgp::rib::detail {

template <class T>
class ChunkedVector {
  public:
    static constexpr std::size_t chunk_size =
        sizeof(T) >= 4096 ? 1 : std::bit_floor(4096 / sizeof(T));

    T& operator[](std::size_t i) { return chunks_[i / chunk_size][i % chunk_size]; }
    const T& operator[](std::size_t i) const { return chunks_[i / chunk_size][i % chunk_size]; }

    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }

    template <class... Args>
    T& emplace_back(Args&&... args) {
        if (size_ % chunk_size == 0) chunks_.push_back(std::make_unique<T[]>(chunk_size));
        T& slot = (*this)[size_];
        slot = T(std::forward<Args>(args)...);
        ++size_;
        return slot;
    }
    void push_back(const T& value) { emplace_back(value); }
    void clear() {
        chunks_.clear();
        size_ = 0;
    }

    template <class Self, class Elem>
    class Iter {
      public:
        Iter(Self* v, std::size_t i) : v_(v), i_(i) {}
        Elem& operator*() const { return (*v_)[i_]; }
        Iter& operator++() {
            ++i_;
            return *this;
        }
        bool operator!=(const Iter& o) const { return i_ != o.i_; }

      private:
        Self* v_;
        std::size_t i_;
    };
    auto begin() { return Iter<ChunkedVector, T>(this, 0); }
    auto end() { return Iter<ChunkedVector, T>(this, size_); }
    auto begin() const { return Iter<const ChunkedVector, const T>(this, 0); }
    auto end() const { return Iter<const ChunkedVector, const T>(this, size_); }

  private:
    std::vector<std::unique_ptr<T[]>> chunks_;
    std::size_t size_ = 0;
};

}  // namespace bgp::rib::detail
