// bgp::fib::Sink reconciliation: the table dump (RTM_GETROUTE NLM_F_DUMP per family,
// filtered by table and protocol in the kernel with NETLINK_GET_STRICT_CHK and again
// here), adoption at start(), the sweep of adopted routes (sync_done() or adopt_grace),
// and the repair pass that makes the kernel equal to the desired state again after a
// change behind our back (a deleted route, a link that went down and up).
#include <linux/rtnetlink.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <exception>

#include "fib/sink_impl.hpp"

namespace bgp::fib {

std::optional<std::map<wire::Prefix, Route>> Sink::Impl::dump() {
    ++stats_.dumps;
    // A dump interrupted by a concurrent change (EINTR) is retried a few times.
    for (int attempt = 0; attempt < 4; ++attempt) {
        std::map<wire::Prefix, Route> kernel;
        bool complete = true;
        for (const auto afi : {wire::Afi::ipv4, wire::Afi::ipv6}) {
            detail::MessageBuffer request;
            detail::encode_dump(request, requests_.next_seq(), afi, key_);
            const auto ack = requests_.transact(request, [&](const nlmsghdr* nlh) {
                const auto decoded = detail::decode_route(nlh, links_);
                if (!decoded || decoded->cloned) return;
                if (decoded->key.table != key_.table || decoded->key.protocol != key_.protocol)
                    return;
                if (decoded->type != RTN_UNICAST && decoded->type != RTN_BLACKHOLE) return;
                kernel[decoded->route.prefix] = decoded->route;
            });
            if (ack.error == EINTR) {
                complete = false;
                break;
            }
            // With NETLINK_GET_STRICT_CHK a table the family has never used is ENOENT.
            if (ack.error != 0 && ack.error != ENOENT) return std::nullopt;
        }
        if (complete) return kernel;
    }
    return std::nullopt;
}

void Sink::Impl::start() {
    if (started_) return;
    started_ = true;
    links_.clear();
    auto kernel = dump();
    if (!kernel) {
        report_error(Route{}, "dump", "the table dump failed");
        kernel.emplace();
    }
    for (auto& [prefix, route] : *kernel) {
        ++stats_.adopted;
        if (!desired_.contains(prefix)) adopted_.insert(prefix);
        installed_[prefix] = std::move(route);
    }
    arm_grace();
    wait_for_events();
    if (!dirty_.empty()) schedule_flush();
}

void Sink::Impl::arm_grace() {
    grace_timer_.expires_after(options_.adopt_grace);
    grace_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (ec) return;
        const auto self = weak.lock();
        if (!self) return;
        try {
            self->sweep_adopted();
            self->flush();
        } catch (const std::exception&) {
            ++self->stats_.errors;
        }
    });
}

void Sink::Impl::sweep_adopted() {
    for (const auto& prefix : adopted_) dirty_[prefix] = Reason::sweep;
    adopted_.clear();
}

void Sink::Impl::sync_done() {
    grace_timer_.cancel();
    sweep_adopted();
    schedule_flush();
}

void Sink::Impl::schedule_reconcile() {
    if (reconcile_posted_) return;
    reconcile_posted_ = true;
    boost::asio::post(io_, [weak = weak_from_this()] {
        const auto self = weak.lock();
        if (!self) return;
        self->reconcile_posted_ = false;
        try {
            self->reconcile();
        } catch (const std::exception&) {
            ++self->stats_.errors;
        }
    });
}

void Sink::Impl::reconcile() {
    links_.clear();
    auto kernel = dump();
    if (!kernel) return;  // the next event retries
    installed_ = std::move(*kernel);
    for (auto it = adopted_.begin(); it != adopted_.end();) {
        it = installed_.contains(*it) ? std::next(it) : adopted_.erase(it);
    }
    for (const auto& [prefix, want] : desired_) {
        const auto have = installed_.find(prefix);
        if (have == installed_.end() || !detail::same_route(want, have->second)) {
            dirty_.try_emplace(prefix, Reason::repair);
        }
    }
    for (const auto& [prefix, have] : installed_) {
        if (!desired_.contains(prefix) && !adopted_.contains(prefix)) {
            dirty_.try_emplace(prefix, Reason::repair);
        }
    }
    flush();
}

}  // namespace bgp::fib
