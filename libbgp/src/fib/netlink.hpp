// A small rtnetlink helper over libmnl (private to bgp::fib; vxlan.cpp may reuse it):
// a NETLINK_ROUTE socket, a buffer that packs many requests back to back, and the
// exchanges the FIB code needs: a batch of requests with NLM_F_ACK whose every
// acknowledgement is matched by sequence number, a dump (NLM_F_DUMP, until NLMSG_DONE)
// and a single request with its replies. Error acknowledgements carry the kernel's
// extended ack message (NETLINK_EXT_ACK, NLMSGERR_ATTR_MSG) when it gives one. The sink
// and the VXLAN code (vxlan.cpp) both use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

struct nlmsghdr;
struct nlattr;
struct mnl_socket;

namespace bgp::fib::detail {

/// Requests packed back to back, each one a complete netlink message.
class MessageBuffer {
  public:
    /// Starts a message (header zeroed, type, flags | NLM_F_REQUEST, seq). The returned
    /// header stays valid, with room for `max_size` bytes, until end_message().
    nlmsghdr* begin_message(std::uint16_t type, std::uint16_t flags, std::uint32_t seq,
                            std::size_t max_size = 1024);
    void end_message();
    [[nodiscard]] std::span<const std::uint8_t> bytes() const { return {data_.data(), used_}; }
    [[nodiscard]] std::size_t count() const { return count_; }
    [[nodiscard]] bool empty() const { return count_ == 0; }
    void clear();

  private:
    std::vector<std::uint8_t> data_;
    std::size_t used_ = 0;
    std::size_t count_ = 0;
    nlmsghdr* open_ = nullptr;
};

/// The outcome of one request: 0 or a positive errno, and the kernel's message if any.
struct Ack {
    std::uint32_t seq = 0;
    int error = 0;
    std::string message;
    bool lost = false;  ///< no acknowledgement came (send failed, timeout, ENOBUFS): the
                        ///< request may or may not have been applied
};

/// "strerror text (kernel message)".
[[nodiscard]] std::string describe(const Ack& ack);

class NetlinkSocket {
  public:
    /// A NETLINK_ROUTE socket joined to the given RTNLGRP_* groups (none: requests only).
    /// Throws std::system_error.
    explicit NetlinkSocket(std::span<const unsigned> groups = {});
    ~NetlinkSocket();
    NetlinkSocket(const NetlinkSocket&) = delete;
    NetlinkSocket& operator=(const NetlinkSocket&) = delete;

    [[nodiscard]] int fd() const;
    [[nodiscard]] std::uint32_t port() const { return port_; }
    /// Sequence numbers for requests: `count` consecutive ones, the first returned.
    std::uint32_t next_seq(std::uint32_t count = 1);

    /// Sends every message of `requests` (each with NLM_F_ACK) in as few sendmsg calls as
    /// the receive buffer allows, and calls `on_ack` once per request. Returns the number
    /// of sendmsg calls. A transport failure is reported as an Ack with that errno for
    /// every request not acknowledged.
    std::size_t send_batch(const MessageBuffer& requests,
                           const std::function<void(const Ack&)>& on_ack);
    /// Sends one request (with NLM_F_ACK) and calls `on_reply` for each reply message until
    /// its acknowledgement (or NLMSG_DONE for a dump). Returns the errno (0 = success).
    /// A dump interrupted by a concurrent change (NLM_F_DUMP_INTR) returns EINTR.
    Ack transact(const MessageBuffer& request,
                 const std::function<void(const nlmsghdr*)>& on_reply);

    /// Non-blocking receive of whatever is queued (monitor sockets). Calls `on_message`
    /// per message; returns 0, EAGAIN when drained, or an errno (ENOBUFS = events lost).
    int receive_pending(const std::function<void(const nlmsghdr*)>& on_message);

  private:
    mnl_socket* socket_ = nullptr;
    std::uint32_t port_ = 0;
    std::uint32_t seq_ = 0;
    std::vector<std::uint8_t> receive_buffer_;
};

/// Parses an NLMSG_ERROR message into an Ack.
[[nodiscard]] Ack parse_ack(const nlmsghdr* nlh);

/// The attributes of a message after its family header of `header_size` bytes, indexed by
/// type (nullptr when absent); types above `max` are ignored.
[[nodiscard]] std::vector<const nlattr*> parse_attributes(const nlmsghdr* nlh,
                                                          std::size_t header_size,
                                                          std::uint16_t max);
/// The same for the attributes nested in `nest`.
[[nodiscard]] std::vector<const nlattr*> parse_nested(const nlattr* nest, std::uint16_t max);

}  // namespace bgp::fib::detail
