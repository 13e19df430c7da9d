// bgp::fib::Sink netlink event monitor: a second NETLINK_ROUTE socket joined to
// RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and
// RTNLGRP_IPV6_IFADDR, read through a boost::asio::posix::stream_descriptor. Each burst
// of events is handled at once:
// - RTM_DELROUTE of one of our routes that we did not delete ourselves, or a foreign
//   route taking the place of one of ours -> re-dump and repair (a dump, not a blind
//   rewrite: IPv6 may report a replace as deletions, and a rewrite must never loop);
// - RTM_NEWLINK of a link coming up (IFF_UP set after being clear; the kernel flushed
//   the routes through it when it went down, without RTM_DELROUTE), RTM_NEWADDR while some
//   route failed, RTM_DELADDR, or lost events (ENOBUFS) -> re-dump and repair;
// - anything else but our own routes -> on_kernel_change (once per burst).
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cerrno>
#include <exception>

#include "fib/sink_impl.hpp"

namespace bgp::fib {

void Sink::Impl::wait_for_events() {
    events_descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                  [weak = weak_from_this()](const boost::system::error_code& ec) {
                                      if (ec) return;
                                      const auto self = weak.lock();
                                      if (!self) return;
                                      try {
                                          self->read_events();
                                      } catch (const std::exception&) {
                                          ++self->stats_.errors;
                                      }
                                      self->wait_for_events();
                                  });
}

void Sink::Impl::read_events() {
    bool need_reconcile = false;
    bool changed = false;
    const int error = events_.receive_pending(
        [&](const nlmsghdr* nlh) { handle_event(nlh, need_reconcile, changed); });
    if (error == ENOBUFS) {  // events were lost: the table may be anything now
        need_reconcile = true;
        changed = true;
    }
    if (need_reconcile) schedule_reconcile();
    if (changed && on_kernel_change_) on_kernel_change_();
}

void Sink::Impl::handle_event(const nlmsghdr* nlh, bool& need_reconcile, bool& changed) {
    switch (nlh->nlmsg_type) {
        case RTM_NEWROUTE:
        case RTM_DELROUTE: {
            const auto decoded = detail::decode_route(nlh, links_);
            if (!decoded || decoded->cloned) return;
            const auto& prefix = decoded->route.prefix;
            const bool our_table = decoded->key.table == key_.table;
            if (our_table && decoded->key.protocol == key_.protocol) {
                if (nlh->nlmsg_type == RTM_NEWROUTE) return;  // ours: written by us
                if (const auto it = own_deletes_.find(prefix); it != own_deletes_.end()) {
                    if (--it->second <= 0) own_deletes_.erase(it);
                    return;
                }
                if (installed_.contains(prefix)) need_reconcile = true;  // deleted behind our back
                return;
            }
            if (our_table && nlh->nlmsg_type == RTM_NEWROUTE && installed_.contains(prefix)) {
                need_reconcile = true;  // a foreign route may have replaced ours
            }
            changed = true;
            return;
        }
        case RTM_NEWLINK:
        case RTM_DELLINK: {
            links_.clear();
            changed = true;
            if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) return;
            const auto* ifi = static_cast<const ifinfomsg*>(NLMSG_DATA(nlh));
            if (nlh->nlmsg_type == RTM_DELLINK) {
                link_up_.erase(ifi->ifi_index);
                return;
            }
            const bool up = (ifi->ifi_flags & IFF_UP) != 0;
            const auto [it, inserted] = link_up_.try_emplace(ifi->ifi_index, up);
            // First sight of a link: we do not know whether it just came up; retry what
            // failed (a route through a link that was down is refused with ENETDOWN).
            if (up && (inserted ? !failed_.empty() : !it->second)) need_reconcile = true;
            it->second = up;
            return;
        }
        case RTM_NEWADDR:
            changed = true;
            if (!failed_.empty()) need_reconcile = true;
            return;
        case RTM_DELADDR:
            changed = true;
            if (!installed_.empty()) need_reconcile = true;
            return;
        default:
            return;
    }
}

}  // namespace bgp::fib
