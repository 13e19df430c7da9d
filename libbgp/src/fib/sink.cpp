// bgp::fib::Sink: the public API and the batched writes. Desired state is compared with
// what the kernel holds of ours; only the differences become requests (RTM_NEWROUTE with
// NLM_F_CREATE | NLM_F_EXCL for a new route, NLM_F_REPLACE for a changed one,
// RTM_DELROUTE for a removed one), packed many per sendmsg, each with NLM_F_ACK, and every
// acknowledgement is matched to its request by sequence number (fib/netlink.cpp).
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <array>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <exception>
#include <string>
#include <utility>

#include "fib/sink_impl.hpp"

namespace bgp::fib {

namespace {

constexpr std::array<unsigned, 5> event_groups{
    RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE};

}  // namespace

Sink::Impl::Impl(boost::asio::io_context& io, SinkOptions options)
    : io_(io),
      options_(options),
      key_{options.table, options.protocol},
      events_(event_groups),
      events_descriptor_(io, events_.fd()),
      grace_timer_(io) {}

Sink::Impl::~Impl() {
    boost::system::error_code ignored;
    grace_timer_.cancel();
    events_descriptor_.cancel(ignored);
    (void)events_descriptor_.release();  // the NetlinkSocket closes the descriptor
}

void Sink::Impl::schedule_flush() {
    if (flush_posted_) return;
    flush_posted_ = true;
    boost::asio::post(io_, [weak = weak_from_this()] {
        const auto self = weak.lock();
        if (!self) return;
        self->flush_posted_ = false;
        try {
            self->flush();
        } catch (const std::exception&) {
            ++self->stats_.errors;  // flush reports per-route failures itself; never escape
        }
    });
}

void Sink::Impl::set(const Route& route) {
    adopted_.erase(route.prefix);
    desired_[route.prefix] = route;
    dirty_[route.prefix] = Reason::caller;
    schedule_flush();
}

void Sink::Impl::remove(const wire::Prefix& prefix) {
    adopted_.erase(prefix);
    desired_.erase(prefix);
    failed_.erase(prefix);
    dirty_[prefix] = Reason::caller;
    schedule_flush();
}

void Sink::Impl::report_error(const Route& route, std::string_view op, const std::string& why) {
    ++stats_.errors;
    if (on_error_) on_error_(route, std::string(op) + ": " + why);
}

void Sink::Impl::flush() {
    if (dirty_.empty()) return;
    enum class Op : std::uint8_t { add, replace, remove };
    struct Pending {
        wire::Prefix prefix;
        Op op;
        Reason reason;
        Route route;  // the desired route (add / replace) or the installed one (remove)
    };
    std::vector<Pending> pending;
    std::vector<std::pair<Route, std::string>> rejected;  // could not even be encoded
    auto work = std::exchange(dirty_, {});
    detail::MessageBuffer buffer;
    std::uint32_t seq = requests_.next_seq(static_cast<std::uint32_t>(work.size()));
    const std::uint32_t first_seq = seq;

    for (const auto& [prefix, reason] : work) {
        const auto want = desired_.find(prefix);
        const auto have = installed_.find(prefix);
        if (want != desired_.end()) {
            if (have != installed_.end() && detail::same_route(want->second, have->second)) {
                if (reason == Reason::caller) ++stats_.unchanged;
                have->second = want->second;
                failed_.erase(prefix);
                continue;
            }
            const Op op = have == installed_.end() ? Op::add : Op::replace;
            const auto flags =
                static_cast<std::uint16_t>(op == Op::add ? NLM_F_EXCL : NLM_F_REPLACE);
            auto why = detail::encode_new(buffer, seq, want->second, key_, flags, links_);
            if (!why.empty()) {
                failed_.insert(prefix);
                rejected.emplace_back(want->second, std::move(why));
                continue;
            }
            pending.push_back({prefix, op, reason, want->second});
        } else {
            if (have == installed_.end() || adopted_.contains(prefix)) {
                if (reason == Reason::caller) ++stats_.unchanged;
                continue;
            }
            detail::encode_delete(buffer, seq, prefix, key_);
            pending.push_back({prefix, Op::remove, reason, have->second});
        }
        ++seq;
    }

    std::vector<std::pair<Route, std::string>> nacked;
    bool lost = false;
    if (!buffer.empty()) {
        stats_.requests += buffer.count();
        stats_.batches += requests_.send_batch(buffer, [&](const detail::Ack& ack) {
            if (ack.seq < first_seq || ack.seq - first_seq >= pending.size()) return;
            const auto& p = pending[ack.seq - first_seq];
            lost = lost || ack.lost;
            if (p.op == Op::remove) {
                if (ack.error != 0 && ack.error != ESRCH) {
                    nacked.emplace_back(p.route, "delete: " + detail::describe(ack));
                    return;
                }
                installed_.erase(p.prefix);
                if (ack.error == 0) ++own_deletes_[p.prefix];
                if (p.reason == Reason::sweep) {
                    ++stats_.swept;
                } else if (p.reason == Reason::repair) {
                    ++stats_.repaired;
                } else {
                    ++stats_.removed;
                }
                return;
            }
            if (ack.error != 0) {
                failed_.insert(p.prefix);
                nacked.emplace_back(
                    p.route, (p.op == Op::add ? "add: " : "replace: ") + detail::describe(ack));
                return;
            }
            installed_[p.prefix] = p.route;
            failed_.erase(p.prefix);
            if (p.reason == Reason::repair) {
                ++stats_.repaired;
            } else if (p.op == Op::add) {
                ++stats_.added;
            } else {
                ++stats_.replaced;
            }
        });
    }
    // Requests whose fate is unknown: the kernel's table tells (a dump, then repairs).
    if (lost && started_) schedule_reconcile();
    // Callbacks last: a handler may call set() / remove() again.
    for (const auto& [route, why] : rejected) report_error(route, "encode", why);
    for (const auto& [route, why] : nacked) {
        ++stats_.errors;
        if (on_error_) on_error_(route, why);
    }
}

std::vector<Route> Sink::Impl::installed() const {
    std::vector<Route> out;
    out.reserve(installed_.size());
    for (const auto& [prefix, route] : installed_) out.push_back(route);
    return out;
}

std::optional<Nexthop> Sink::Impl::lookup(const wire::IpAddress& destination) const {
    detail::MessageBuffer request;
    detail::encode_lookup(request, requests_.next_seq(), destination);
    std::optional<Nexthop> result;
    const auto ack = requests_.transact(request, [&](const nlmsghdr* nlh) {
        const auto decoded = detail::decode_route(nlh, links_);
        if (!decoded || decoded->route.nexthops.empty()) return;
        if (decoded->type != RTN_UNICAST && decoded->type != RTN_LOCAL) return;
        result = decoded->route.nexthops.front();
        result->onlink = false;
        result->weight = 1;
    });
    if (ack.error != 0) return std::nullopt;
    return result;
}

// ---- the public face ----------------------------------------------------------------

Sink::Sink(boost::asio::io_context& io, SinkOptions options)
    : impl_(std::make_shared<Impl>(io, options)) {}

Sink::~Sink() = default;

void Sink::start() { impl_->start(); }
void Sink::set(const Route& route) { impl_->set(route); }
void Sink::remove(const wire::Prefix& prefix) { impl_->remove(prefix); }
void Sink::sync_done() { impl_->sync_done(); }
void Sink::flush() { impl_->flush(); }
std::vector<Route> Sink::installed() const { return impl_->installed(); }
void Sink::on_error(std::function<void(const Route&, std::string_view)> handler) {
    impl_->on_error_ = std::move(handler);
}
void Sink::on_kernel_change(std::function<void()> handler) {
    impl_->on_kernel_change_ = std::move(handler);
}
std::optional<Nexthop> Sink::lookup(const wire::IpAddress& destination) const {
    return impl_->lookup(destination);
}
SinkStats Sink::stats() const { return impl_->stats(); }

}  // namespace bgp::fib
