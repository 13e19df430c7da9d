// Graceful restart, restarting side (RFC 4724 §4.1): after we restart with the
// R bit set, best-path selection is deferred until every GR-capable peer has
// sent End-of-RIB for each family, or the selection deferral timer expires.
// A small pure object the speaker / RIB consult; no I/O, the caller's clock.
#pragma once

#include <chrono>
#include <utility>
#include <vector>

#include "bgp/wire/types.hpp"

namespace bgp::fsm {

class SelectionDeferral {
  public:
    using TimePoint = std::chrono::steady_clock::time_point;

    /// `limit`: the Selection_Deferral_Timer (RFC 4724 §4.1; FRR's default
    /// select-defer-time is 360 s).
    explicit SelectionDeferral(TimePoint start,
                               std::chrono::seconds limit = std::chrono::seconds(360));

    /// Wait for End-of-RIB from `peer` in these families (call when its session
    /// is Established with GR negotiated, or at start for every GR peer).
    void expect(const wire::IpAddress& peer, const std::vector<wire::Family>& families);
    /// End-of-RIB received (EndOfRibAction of that peer's session).
    void end_of_rib(const wire::IpAddress& peer, wire::Family family);
    /// Stop waiting for a peer (session went down, or GR not negotiated after all).
    void forget(const wire::IpAddress& peer);

    /// Every expected End-of-RIB has arrived.
    [[nodiscard]] bool all_received() const { return pending_.empty(); }
    /// No End-of-RIB is pending for this family any more.
    [[nodiscard]] bool family_complete(wire::Family family) const;
    /// Selection may run: everything arrived, or the timer expired.
    [[nodiscard]] bool complete(TimePoint now) const { return all_received() || now >= deadline_; }
    [[nodiscard]] TimePoint deadline() const { return deadline_; }
    /// What is still awaited.
    [[nodiscard]] const std::vector<std::pair<wire::IpAddress, wire::Family>>& pending() const {
        return pending_;
    }

  private:
    TimePoint deadline_;
    std::vector<std::pair<wire::IpAddress, wire::Family>> pending_;
};

}  // namespace bgp::fsm
