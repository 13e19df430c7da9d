// Graceful restart helper timeline (RFC 4724 §4.2, RFC 9494 §4.2-4.3).
#include "fsm/gr_helper.hpp"

#include <algorithm>
#include <string>

namespace bgp::fsm::detail {

namespace {

bool contains(const std::vector<wire::Family>& v, wire::Family f) {
    return std::find(v.begin(), v.end(), f) != v.end();
}

std::optional<std::uint32_t> llgr_time(const std::optional<wire::CapLongLivedGr>& cap,
                                       wire::Family f) {
    if (!cap) return std::nullopt;
    for (const auto& e : cap->entries)
        if (e.family == f && e.stale_time > 0) return e.stale_time;
    return std::nullopt;
}

}  // namespace

void GrHelper::emit(GrStaleAction::What what, std::vector<wire::Family> fams, std::string why,
                    Actions& out) {
    if (fams.empty()) return;
    out.emplace_back(GrStaleAction{what, std::move(fams), std::move(why)});
}

void GrHelper::remove_stale(const std::vector<wire::Family>& fams) {
    std::erase_if(stale_, [&](wire::Family f) { return contains(fams, f); });
    std::erase_if(llgr_deadlines_, [&](const auto& p) { return contains(fams, p.first); });
    if (stale_.empty()) {
        restart_deadline_.reset();
        stale_deadline_.reset();
        llgr_deadlines_.clear();
    }
}

void GrHelper::session_down(const Negotiated& neg, bool eligible, TimePoint now, Actions& out) {
    std::vector<wire::Family> all = neg.families;
    for (auto f : stale_)
        if (!contains(all, f)) all.push_back(f);
    const auto& cap = neg.peer_graceful_restart;
    llgr_ = neg.graceful_restart ? neg.peer_long_lived_gr : std::nullopt;
    if (!eligible || !neg.graceful_restart) {
        stale_.clear();
        restart_deadline_.reset();
        stale_deadline_.reset();
        llgr_deadlines_.clear();
        emit(GrStaleAction::What::flush_all, std::move(all),
             eligible ? "peer did not negotiate graceful restart"
                      : "session closed without graceful restart",
             out);
        return;
    }
    // RFC 4724 §4.2: keep the routes of every family in the peer's capability.
    // RFC 9494 §4.2: LLGR families too; with a Restart Time of 0 (or a family
    // only in LLGR) the long-lived phase starts at once.
    std::vector<wire::Family> gr_fams, llgr_now, flush;
    const std::uint16_t restart_time = cap->restart_time;
    for (auto f : all) {
        bool in_gr = false;
        for (const auto& e : cap->families) in_gr = in_gr || e.family == f;
        const bool in_llgr = llgr_time(llgr_, f).has_value();
        if (in_gr && restart_time > 0)
            gr_fams.push_back(f);
        else if (in_llgr)
            llgr_now.push_back(f);
        else
            flush.push_back(f);
    }
    emit(GrStaleAction::What::flush_all, flush, "family not covered by graceful restart", out);
    stale_.clear();
    stale_deadline_.reset();
    llgr_deadlines_.clear();
    stale_ = gr_fams;
    stale_.insert(stale_.end(), llgr_now.begin(), llgr_now.end());
    emit(GrStaleAction::What::mark_stale, stale_,
         "peer restarting: routes kept for " + std::to_string(restart_time) + " s (RFC 4724)", out);
    if (!gr_fams.empty()) restart_deadline_ = now + std::chrono::seconds(restart_time);
    for (auto f : llgr_now)
        llgr_deadlines_.emplace_back(f, now + std::chrono::seconds(*llgr_time(llgr_, f)));
    emit(GrStaleAction::What::llgr_stale, llgr_now, "long-lived stale (RFC 9494)", out);
}

void GrHelper::session_up(const Negotiated& neg, std::chrono::seconds stale_time, TimePoint now,
                          Actions& out) {
    restart_deadline_.reset();
    llgr_deadlines_.clear();
    if (stale_.empty()) return;
    // RFC 4724 §4.2: stale routes of a family the new OPEN does not list with
    // the F bit set are deleted at once; RFC 9494 §4.3 likewise for LLGR.
    std::vector<wire::Family> flush;
    for (auto f : stale_) {
        bool kept = false;
        if (neg.peer_graceful_restart)
            for (const auto& e : neg.peer_graceful_restart->families)
                kept = kept || (e.family == f && e.forwarding_state);
        if (neg.peer_long_lived_gr)
            for (const auto& e : neg.peer_long_lived_gr->entries)
                kept = kept || (e.family == f && (e.flags & 0x80) != 0);
        if (!kept || !neg.has_family(f)) flush.push_back(f);
    }
    remove_stale(flush);
    emit(GrStaleAction::What::flush_stale, flush,
         "peer re-established without preserved forwarding state (F bit clear)", out);
    if (!stale_.empty()) stale_deadline_ = now + stale_time;
}

void GrHelper::end_of_rib(wire::Family f, Actions& out) {
    if (!contains(stale_, f)) return;
    remove_stale({f});
    emit(GrStaleAction::What::flush_stale, {f}, "End-of-RIB received", out);
}

void GrHelper::abandon(Actions& out, std::string why) {
    auto fams = stale_;
    remove_stale(fams);
    emit(GrStaleAction::What::flush_all, std::move(fams), std::move(why), out);
}

void GrHelper::poll(TimePoint now, Actions& out) {
    if (restart_deadline_ && *restart_deadline_ <= now) {
        restart_deadline_.reset();
        // RFC 9494 §4.2: families with LLGR move to the long-lived phase, the rest go.
        std::vector<wire::Family> to_llgr, flush;
        for (auto f : stale_) {
            bool pending = false;
            for (const auto& p : llgr_deadlines_) pending = pending || p.first == f;
            if (pending) continue;
            if (llgr_time(llgr_, f))
                to_llgr.push_back(f);
            else
                flush.push_back(f);
        }
        remove_stale(flush);
        emit(GrStaleAction::What::flush_stale, flush, "graceful restart timer expired", out);
        for (auto f : to_llgr) {
            llgr_deadlines_.emplace_back(f, now + std::chrono::seconds(*llgr_time(llgr_, f)));
            if (!contains(stale_, f)) stale_.push_back(f);
        }
        emit(GrStaleAction::What::llgr_stale, to_llgr,
             "restart timer expired: long-lived stale (RFC 9494)", out);
    }
    if (stale_deadline_ && *stale_deadline_ <= now) {
        stale_deadline_.reset();
        auto fams = stale_;
        remove_stale(fams);
        emit(GrStaleAction::What::flush_stale, std::move(fams),
             "no End-of-RIB before the stale-path timer expired", out);
    }
    std::vector<wire::Family> due;
    for (const auto& [f, t] : llgr_deadlines_)
        if (t <= now) due.push_back(f);
    if (!due.empty()) {
        remove_stale(due);
        emit(GrStaleAction::What::flush_stale, std::move(due), "long-lived stale time expired",
             out);
    }
}

std::optional<GrHelper::TimePoint> GrHelper::deadline(TimerKind k) const {
    switch (k) {
        case TimerKind::gr_restart:
            return restart_deadline_;
        case TimerKind::gr_stale:
            return stale_deadline_;
        case TimerKind::llgr_stale: {
            std::optional<TimePoint> t;
            for (const auto& p : llgr_deadlines_)
                if (!t || p.second < *t) t = p.second;
            return t;
        }
        default:
            return std::nullopt;
    }
}

}  // namespace bgp::fsm::detail
