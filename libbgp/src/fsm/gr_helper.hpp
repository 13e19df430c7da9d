// Graceful restart, helper side (RFC 4724 §4.2, RFC 8538, RFC 9494 §4): which
// families of a peer's routes are stale, and the timers that end it. Private to
// the session; produces GrStaleAction values.
#pragma once

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "bgp/fsm/session.hpp"

namespace bgp::fsm::detail {

class GrHelper {
  public:
    using TimePoint = std::chrono::steady_clock::time_point;

    /// The Established session went down. `eligible`: the cause allows GR
    /// (TCP failure, hold timer, or a NOTIFICATION other than Hard Reset with
    /// the N bit exchanged). Emits mark_stale / llgr_stale / flush_all.
    void session_down(const Negotiated& neg, bool eligible, TimePoint now, Actions& out);
    /// A new session is Established: families without the F bit in the new
    /// OPEN are flushed; the rest wait for End-of-RIB for at most `stale_time`.
    void session_up(const Negotiated& neg, std::chrono::seconds stale_time, TimePoint now,
                    Actions& out);
    /// End-of-RIB for `f`: its stale routes are flushed.
    void end_of_rib(wire::Family f, Actions& out);
    /// The session is administratively taken down: every stale route goes.
    void abandon(Actions& out, std::string why);

    void poll(TimePoint now, Actions& out);
    [[nodiscard]] std::optional<TimePoint> deadline(TimerKind k) const;

    [[nodiscard]] const std::vector<wire::Family>& stale() const { return stale_; }

  private:
    void emit(GrStaleAction::What what, std::vector<wire::Family> fams, std::string why,
              Actions& out);
    void remove_stale(const std::vector<wire::Family>& fams);

    std::vector<wire::Family> stale_;  // routes kept but stale (GR or LLGR)
    std::optional<TimePoint> restart_deadline_;
    std::optional<TimePoint> stale_deadline_;
    std::vector<std::pair<wire::Family, TimePoint>> llgr_deadlines_;
    std::optional<wire::CapLongLivedGr> llgr_;  // the peer's LLGR capability, last session
};

}  // namespace bgp::fsm::detail
