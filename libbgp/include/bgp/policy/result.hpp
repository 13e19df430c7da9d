// The outcome of evaluating policies for one route: the verdict, the changed
// attributes (only when something changed), and which terms matched.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "bgp/policy/config.hpp"
#include "bgp/wire/attributes.hpp"

namespace bgp::policy {

enum class Verdict : std::uint8_t { accept, reject };

/// One matched term: indices into the PolicyTable that produced the result
/// (PolicyTable::policy_name / term_name turn them into names).
/// Trivial on purpose (no member initializers): Trace's buffer is left
/// uninitialized, so a Result costs no memset on the per-route path.
struct TraceStep {
    std::uint16_t policy;
    std::uint16_t term;
    TermAction action;
    bool modified;  ///< the term changed at least one attribute
    friend bool operator==(const TraceStep&, const TraceStep&) = default;
};

/// The matched terms in evaluation order, in a fixed buffer (no allocation).
/// Past `capacity` steps only the count grows and `truncated()` is true; the
/// deciding step is always kept as the last one.
class Trace {
  public:
    static constexpr std::size_t capacity = 16;

    void push(const TraceStep& s) {
        if (size_ < capacity) {
            steps_[size_++] = s;
        } else {
            steps_[capacity - 1] = s;
            truncated_ = true;
        }
    }
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }
    [[nodiscard]] bool truncated() const { return truncated_; }
    [[nodiscard]] const TraceStep& operator[](std::size_t i) const { return steps_[i]; }
    [[nodiscard]] const TraceStep* begin() const { return steps_.data(); }
    [[nodiscard]] const TraceStep* end() const { return steps_.data() + size_; }
    [[nodiscard]] const TraceStep& back() const { return steps_[size_ - 1]; }

  private:
    std::array<TraceStep, capacity> steps_;  // only [0, size_) is ever read
    std::uint8_t size_ = 0;
    bool truncated_ = false;
};

/// Who decided the verdict.
enum class DecidedBy : std::uint8_t {
    term,            ///< the last trace step (its action is accept or reject)
    policy_default,  ///< a policy's default_action; `policy` says which
    chain_default,   ///< no policy decided: the chain's default verdict
};

struct Result {
    Verdict verdict = Verdict::reject;
    DecidedBy decided_by = DecidedBy::chain_default;
    std::uint16_t policy = 0;  ///< the deciding policy (term or policy_default)
    /// Set only when the route is accepted and an attribute differs from the
    /// input; otherwise the input attributes stand (and can stay shared).
    /// A pointer rather than an optional: a Result is cheap to create and move
    /// on the common path (GCC zeroes a whole std::optional<PathAttributes>).
    std::unique_ptr<wire::PathAttributes> attributes;
    /// A term said `next-hop: unchanged`: the export path must not apply its
    /// own next-hop-self rule (eBGP) to this route.
    bool next_hop_unchanged = false;
    Trace trace;

    [[nodiscard]] bool accepted() const { return verdict == Verdict::accept; }
    [[nodiscard]] bool modified() const { return attributes != nullptr; }
    /// The attributes to store or send: the changed ones, else `original`.
    [[nodiscard]] const wire::PathAttributes& attributes_or(
        const wire::PathAttributes& original) const {
        return attributes ? *attributes : original;
    }
};

}  // namespace bgp::policy
