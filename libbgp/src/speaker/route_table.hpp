// A peer's received-route table: prefix (+ path id) -> attributes, with
// graceful-restart stale marking and sweeping (RFC 4724 §4.2) as the session
// reports it (fsm::GrStaleAction). Minimal by design: the real Adj-RIB-In is
// bgp::rib's.
#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "bgp/fsm/session.hpp"
#include "bgp/speaker/events.hpp"
#include "bgp/wire/message.hpp"

namespace bgp::speaker_detail {

class RouteTable {
  public:
    using Emit = std::function<void(RouteEvent::Kind, const ReceivedRoute&)>;

    /// Applies an UPDATE: withdrawals first (classic and MP_UNREACH_NLRI), then
    /// announcements (classic and MP_REACH_NLRI). RFC 7606 treat-as-withdraw
    /// turns every NLRI into a withdrawal. End-of-RIB markers change nothing.
    void apply(const wire::Update& update, const Emit& emit);
    /// GR helper actions: mark_stale / llgr_stale mark, flush_stale sweeps the
    /// stale routes, flush_all drops them all (empty `families`: every family).
    void apply(const fsm::GrStaleAction& action, const Emit& emit);
    /// Drops every route (peer removed).
    void clear(const Emit& emit);

    [[nodiscard]] std::size_t size() const { return routes_.size(); }
    [[nodiscard]] std::size_t stale_count() const;
    [[nodiscard]] std::vector<ReceivedRoute> routes() const;

  private:
    struct Key {
        wire::Family family;
        wire::Prefix prefix;
        std::optional<std::uint32_t> path_id;
        friend auto operator<=>(const Key&, const Key&) = default;
        friend bool operator==(const Key&, const Key&) = default;
    };
    void withdraw(wire::Family family, const wire::Nlri& nlri, const Emit& emit);
    void announce(wire::Family family, const wire::Nlri& nlri,
                  const std::shared_ptr<const wire::PathAttributes>& attributes, const Emit& emit);
    static bool in(std::span<const wire::Family> families, wire::Family f) {
        if (families.empty()) return true;
        for (auto x : families)
            if (x == f) return true;
        return false;
    }

    std::map<Key, ReceivedRoute> routes_;
};

}  // namespace bgp::speaker_detail
