// A bounded, coalescing queue of keys: the core of the Rib's change feeds.
// Each key is queued at most once (a later change of a queued key does not
// queue it again: the consumer reads the latest state when it pops it).
// Beyond `max_pending` distinct keys the queue drops everything and raises an
// overflow flag instead (the consumer re-reads the whole table), so memory
// stays bounded however slow the consumer is.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <utility>

#include "rib/flat_set.hpp"

namespace bgp::rib::detail {

template <class Key, class Hash>
class ChangeQueue {
  public:
    ChangeQueue() = default;
    explicit ChangeQueue(std::size_t max_pending, std::function<void()> wakeup = {})
        : max_pending_(max_pending), wakeup_(std::move(wakeup)) {}

    /// Records a change of `k`. Calls the wake-up when the queue was empty.
    void mark(const Key& k) {
        if (overflow_) return;
        const bool was_empty = queue_.empty();
        if (!pending_.insert(k)) return;
        if (pending_.size() > max_pending_) {
            overflow_ = true;
            pending_.clear();
            queue_ = {};
        } else {
            queue_.push_back(k);
        }
        if (was_empty && wakeup_) wakeup_();
    }

    /// The oldest queued key, removed; nullopt when empty.
    std::optional<Key> pop() {
        if (queue_.empty()) return std::nullopt;
        Key k = queue_.front();
        queue_.pop_front();
        pending_.erase(k);
        return k;
    }

    /// True once after an overflow (and the queue starts afresh).
    bool take_overflow() { return std::exchange(overflow_, false); }

    [[nodiscard]] std::size_t size() const { return queue_.size(); }
    [[nodiscard]] bool overflowed() const { return overflow_; }

  private:
    std::size_t max_pending_ = 1u << 20;
    std::function<void()> wakeup_;
    std::deque<Key> queue_;
    FlatSet<Key, Hash> pending_;
    bool overflow_ = false;
};

}  // namespace bgp::rib::detail
