// The VXLAN code's rtnetlink helper (vxlan_netlink.hpp) over libmnl.
#include "fib/vxlan_netlink.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace bgp::fib::vxlan_nl {

namespace {

constexpr std::size_t message_size = 4096;
constexpr std::size_t receive_size = 32768;

struct ParseState {
    std::vector<const nlattr*>* table;
    std::uint16_t max;
};

int keep_attribute(const nlattr* attr, void* data) {
    auto* state = static_cast<ParseState*>(data);
    const std::uint16_t type = mnl_attr_get_type(attr);
    if (type <= state->max) (*state->table)[type] = attr;
    return MNL_CB_OK;
}

int call_each(const nlmsghdr* nlh, void* data) {
    (*static_cast<const std::function<void(const nlmsghdr*)>*>(data))(nlh);
    return MNL_CB_OK;
}

}  // namespace

Message::Message(std::uint16_t type, std::uint16_t flags) : buffer_(message_size, 0) {
    header_ = mnl_nlmsg_put_header(buffer_.data());
    header_->nlmsg_type = type;
    header_->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags);
}

void* Message::put_extra(std::size_t size) { return mnl_nlmsg_put_extra_header(header_, size); }

void Message::put(std::uint16_t type, const void* data, std::size_t size) {
    mnl_attr_put(header_, type, size, data);
}
void Message::put_u8(std::uint16_t type, std::uint8_t value) {
    mnl_attr_put_u8(header_, type, value);
}
void Message::put_u16(std::uint16_t type, std::uint16_t value) {
    mnl_attr_put_u16(header_, type, value);
}
void Message::put_u32(std::uint16_t type, std::uint32_t value) {
    mnl_attr_put_u32(header_, type, value);
}
void Message::put_string(std::uint16_t type, const std::string& value) {
    mnl_attr_put_strz(header_, type, value.c_str());
}
nlattr* Message::nest_start(std::uint16_t type) { return mnl_attr_nest_start(header_, type); }
void Message::nest_end(nlattr* nest) { mnl_attr_nest_end(header_, nest); }

std::vector<const nlattr*> parse(const nlmsghdr* nlh, std::size_t header_size, std::uint16_t max) {
    std::vector<const nlattr*> table(std::size_t{max} + 1, nullptr);
    ParseState state{&table, max};
    mnl_attr_parse(nlh, static_cast<unsigned int>(header_size), keep_attribute, &state);
    return table;
}

std::vector<const nlattr*> parse_nested(const nlattr* nest, std::uint16_t max) {
    std::vector<const nlattr*> table(std::size_t{max} + 1, nullptr);
    ParseState state{&table, max};
    mnl_attr_parse_nested(nest, keep_attribute, &state);
    return table;
}

Socket::Socket() : rx_(receive_size) {
    socket_ = mnl_socket_open(NETLINK_ROUTE);
    if (socket_ == nullptr) {
        throw std::system_error(errno, std::generic_category(), "vxlan: netlink socket");
    }
    if (mnl_socket_bind(socket_, 0, MNL_SOCKET_AUTOPID) < 0) {
        const int error = errno;
        mnl_socket_close(socket_);
        throw std::system_error(error, std::generic_category(), "vxlan: netlink bind");
    }
    port_ = mnl_socket_get_portid(socket_);
}

Socket::~Socket() { mnl_socket_close(socket_); }

int Socket::request(Message& message, const std::function<void(const nlmsghdr*)>* each) {
    nlmsghdr* nlh = message.header();
    nlh->nlmsg_flags = static_cast<std::uint16_t>(nlh->nlmsg_flags | NLM_F_ACK);
    nlh->nlmsg_seq = ++seq_;
    if (mnl_socket_sendto(socket_, nlh, nlh->nlmsg_len) < 0) return errno;
    // Bounded: one acknowledgement is expected; a few stray messages at most.
    for (int reads = 0; reads < 64; ++reads) {
        const ssize_t n = mnl_socket_recvfrom(socket_, rx_.data(), rx_.size());
        if (n < 0) return errno;
        errno = 0;
        void* callback_data = const_cast<void*>(static_cast<const void*>(each));
        const int ret = mnl_cb_run(rx_.data(), static_cast<std::size_t>(n), seq_, port_,
                                   each != nullptr ? call_each : nullptr, callback_data);
        if (ret == MNL_CB_ERROR) return errno != 0 ? errno : EPROTO;
        if (ret == MNL_CB_STOP) return 0;
    }
    return ETIMEDOUT;
}

void Socket::request_or_throw(Message& message, const std::string& what) {
    if (const int error = request(message); error != 0) {
        throw std::system_error(error, std::generic_category(), "vxlan: " + what);
    }
}

void Socket::dump(Message& message, const std::function<void(const nlmsghdr*)>& each) {
    nlmsghdr* nlh = message.header();
    nlh->nlmsg_flags = static_cast<std::uint16_t>(nlh->nlmsg_flags | NLM_F_DUMP);
    nlh->nlmsg_seq = ++seq_;
    if (mnl_socket_sendto(socket_, nlh, nlh->nlmsg_len) < 0) {
        throw std::system_error(errno, std::generic_category(), "vxlan: netlink dump send");
    }
    // Bounded: a node's neighbour/FDB tables fit in far fewer reads than this.
    for (int reads = 0; reads < 100000; ++reads) {
        const ssize_t n = mnl_socket_recvfrom(socket_, rx_.data(), rx_.size());
        if (n < 0) throw std::system_error(errno, std::generic_category(), "vxlan: netlink dump");
        errno = 0;
        auto* callback_data =
            const_cast<void*>(static_cast<const void*>(&each));  // libmnl's void* data
        const int ret = mnl_cb_run(rx_.data(), static_cast<std::size_t>(n), seq_, port_, call_each,
                                   callback_data);
        if (ret == MNL_CB_ERROR) {
            throw std::system_error(errno != 0 ? errno : EPROTO, std::generic_category(),
                                    "vxlan: netlink dump");
        }
        if (ret == MNL_CB_STOP) return;
    }
    throw std::system_error(ETIMEDOUT, std::generic_category(), "vxlan: netlink dump too long");
}

}  // namespace bgp::fib::vxlan_nl
