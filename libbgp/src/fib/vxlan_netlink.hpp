// A minimal rtnetlink request/dump helper over libmnl for the VXLAN code
// (bgp/fib/vxlan.hpp): one NETLINK_ROUTE socket, requests acknowledged one at
// a time (NLM_F_ACK), dumps read to NLMSG_DONE. Synchronous: the VXLAN device
// and its entries change only when the node set changes.
// (The FIB sink has its own batched netlink code; the two may merge later.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

struct mnl_socket;
struct nlmsghdr;
struct nlattr;

namespace bgp::fib::vxlan_nl {

/// A message under construction in its own buffer (mnl_nlmsg_put_header).
class Message {
  public:
    Message(std::uint16_t type, std::uint16_t flags);
    [[nodiscard]] nlmsghdr* header() { return header_; }
    /// The family header (ifinfomsg, ndmsg) of `size` bytes, zeroed.
    void* put_extra(std::size_t size);
    void put(std::uint16_t type, const void* data, std::size_t size);
    void put_u8(std::uint16_t type, std::uint8_t value);
    void put_u16(std::uint16_t type, std::uint16_t value);
    void put_u32(std::uint16_t type, std::uint32_t value);
    void put_string(std::uint16_t type, const std::string& value);
    nlattr* nest_start(std::uint16_t type);
    void nest_end(nlattr* nest);

  private:
    std::vector<std::uint8_t> buffer_;
    nlmsghdr* header_;
};

/// Attributes of one message, by type (nullptr if absent); `max` is the highest type kept.
std::vector<const nlattr*> parse(const nlmsghdr* nlh, std::size_t header_size, std::uint16_t max);
std::vector<const nlattr*> parse_nested(const nlattr* nest, std::uint16_t max);

class Socket {
  public:
    Socket();  ///< std::system_error if the socket cannot be opened
    ~Socket();
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    /// Sends and waits for the acknowledgement: 0, or the NACK's errno (positive).
    /// Answers before the acknowledgement (RTM_GETLINK's) go to `each`, if given.
    int request(Message& message, const std::function<void(const nlmsghdr*)>* each = nullptr);
    /// As request(), throwing std::system_error("<what>: <strerror>") on a NACK.
    void request_or_throw(Message& message, const std::string& what);
    /// Sends a dump request and calls `each` for every answer.
    void dump(Message& message, const std::function<void(const nlmsghdr*)>& each);

  private:
    mnl_socket* socket_ = nullptr;
    std::uint32_t port_ = 0;
    std::uint32_t seq_ = 0;
    std::vector<std::uint8_t> rx_;
};

}  // namespace bgp::fib::vxlan_nl
