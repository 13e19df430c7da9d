// rtnetlink socket and exchanges over libmnl (see netlink.hpp). Kernel interfaces:
// netlink(7) (NLM_F_ACK, NLMSG_ERROR, NLMSG_DONE, NLM_F_DUMP_INTR), NETLINK_CAP_ACK,
// NETLINK_EXT_ACK (NLMSGERR_ATTR_MSG), NETLINK_GET_STRICT_CHK (kernel-side dump filters).
#include "fib/netlink.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <system_error>
#include <unordered_map>

namespace bgp::fib::detail {

namespace {

// Acks are one skb each (about 1 KiB of receive buffer): requests per sendmsg are bounded
// so that their acks always fit in the receive buffer (a full buffer drops acks).
constexpr std::size_t max_batch_messages = 512;
constexpr std::size_t max_batch_bytes = 128 * 1024;
// Each queued message costs about 1 KiB of buffer (skb overhead): 32 MiB holds the events
// of a 10,000-route batch, so the monitor does not lose them (ENOBUFS) on the sink's own
// writes. Memory is charged only for what is queued.
constexpr int receive_buffer_bytes = 32 * 1024 * 1024;
constexpr std::size_t receive_chunk = 64 * 1024;

// MNL_ALIGN without its int/unsigned mix (-Wsign-conversion).
constexpr std::size_t align4(std::size_t len) { return (len + 3U) & ~std::size_t{3U}; }

[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

void set_int_option(mnl_socket* s, int option, int value) {
    // Best effort: older kernels lack some of these; the code copes without them.
    (void)mnl_socket_setsockopt(s, option, &value, sizeof value);
}

}  // namespace

nlmsghdr* MessageBuffer::begin_message(std::uint16_t type, std::uint16_t flags, std::uint32_t seq,
                                       std::size_t max_size) {
    if (data_.size() < used_ + max_size) data_.resize(std::max(data_.size() * 2, used_ + max_size));
    std::memset(data_.data() + used_, 0, max_size);
    open_ = mnl_nlmsg_put_header(data_.data() + used_);
    open_->nlmsg_type = type;
    open_->nlmsg_flags = static_cast<std::uint16_t>(flags | NLM_F_REQUEST);
    open_->nlmsg_seq = seq;
    return open_;
}

void MessageBuffer::end_message() {
    if (open_ == nullptr) return;
    used_ += align4(open_->nlmsg_len);
    ++count_;
    open_ = nullptr;
}

void MessageBuffer::clear() {
    used_ = 0;
    count_ = 0;
    open_ = nullptr;
}

std::string describe(const Ack& ack) {
    std::string text = std::strerror(ack.error);
    if (!ack.message.empty()) text += " (" + ack.message + ")";
    return text;
}

Ack parse_ack(const nlmsghdr* nlh) {
    Ack ack;
    ack.seq = nlh->nlmsg_seq;
    const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(nlmsgerr))) {
        ack.error = EBADMSG;
        return ack;
    }
    ack.error = -err->error;
    if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) == 0) return ack;
    std::size_t offset = sizeof(nlmsgerr);
    if ((nlh->nlmsg_flags & NLM_F_CAPPED) == 0) offset += err->msg.nlmsg_len - sizeof(nlmsghdr);
    if (mnl_nlmsg_size(offset) > nlh->nlmsg_len) return ack;
    (void)mnl_attr_parse(
        nlh, static_cast<unsigned>(offset),
        [](const nlattr* attr, void* data) -> int {
            if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
                mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
                static_cast<Ack*>(data)->message = mnl_attr_get_str(attr);
            }
            return MNL_CB_OK;
        },
        &ack);
    return ack;
}

namespace {

struct AttributeTable {
    std::vector<const nlattr*> table;
    std::uint16_t max;
};

int keep_attribute(const nlattr* attr, void* data) {
    auto* t = static_cast<AttributeTable*>(data);
    const std::uint16_t type = mnl_attr_get_type(attr);
    if (type <= t->max) t->table[type] = attr;
    return MNL_CB_OK;
}

}  // namespace

std::vector<const nlattr*> parse_attributes(const nlmsghdr* nlh, std::size_t header_size,
                                            std::uint16_t max) {
    AttributeTable t{std::vector<const nlattr*>(std::size_t{max} + 1, nullptr), max};
    (void)mnl_attr_parse(nlh, static_cast<unsigned>(header_size), keep_attribute, &t);
    return std::move(t.table);
}

std::vector<const nlattr*> parse_nested(const nlattr* nest, std::uint16_t max) {
    AttributeTable t{std::vector<const nlattr*>(std::size_t{max} + 1, nullptr), max};
    (void)mnl_attr_parse_nested(nest, keep_attribute, &t);
    return std::move(t.table);
}

NetlinkSocket::NetlinkSocket(std::span<const unsigned> groups) : receive_buffer_(receive_chunk) {
    socket_ = mnl_socket_open(NETLINK_ROUTE);
    if (socket_ == nullptr) throw_errno("netlink socket");
    set_int_option(socket_, NETLINK_CAP_ACK, 1);
    set_int_option(socket_, NETLINK_EXT_ACK, 1);
    set_int_option(socket_, NETLINK_GET_STRICT_CHK, 1);
    const int fd = mnl_socket_get_fd(socket_);
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer_bytes,
                   sizeof receive_buffer_bytes) != 0) {
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes,
                         sizeof receive_buffer_bytes);
    }
    // A kernel that never answers must not hang the caller forever.
    const timeval timeout{10, 0};
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (mnl_socket_bind(socket_, 0, MNL_SOCKET_AUTOPID) < 0) {
        const int saved = errno;
        mnl_socket_close(socket_);
        errno = saved;
        throw_errno("netlink bind");
    }
    for (unsigned group : groups) {
        if (mnl_socket_setsockopt(socket_, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) {
            const int saved = errno;
            mnl_socket_close(socket_);
            errno = saved;
            throw_errno("netlink add membership");
        }
    }
    port_ = mnl_socket_get_portid(socket_);
    seq_ = static_cast<std::uint32_t>(std::time(nullptr));
}

NetlinkSocket::~NetlinkSocket() {
    if (socket_ != nullptr) mnl_socket_close(socket_);
}

int NetlinkSocket::fd() const { return mnl_socket_get_fd(socket_); }

std::uint32_t NetlinkSocket::next_seq(std::uint32_t count) {
    const std::uint32_t first = ++seq_;
    seq_ += count - 1;
    return first;
}

std::size_t NetlinkSocket::send_batch(const MessageBuffer& requests,
                                      const std::function<void(const Ack&)>& on_ack) {
    const auto bytes = requests.bytes();
    std::size_t offset = 0;
    std::size_t sends = 0;
    std::unordered_map<std::uint32_t, bool> waiting;  // seq -> acked
    while (offset < bytes.size()) {
        // One chunk: whole messages, bounded in count and size.
        const std::size_t start = offset;
        waiting.clear();
        while (offset < bytes.size() && waiting.size() < max_batch_messages) {
            const auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data() + offset);
            const std::size_t len = align4(nlh->nlmsg_len);
            if (!waiting.empty() && offset + len - start > max_batch_bytes) break;
            waiting.emplace(nlh->nlmsg_seq, false);
            offset += len;
        }
        std::size_t pending = waiting.size();
        auto fail_rest = [&](int error) {
            for (auto& [seq, acked] : waiting) {
                if (!acked) on_ack(Ack{seq, error, "no acknowledgement", true});
                acked = true;
            }
            pending = 0;
        };
        ++sends;
        if (mnl_socket_sendto(socket_, bytes.data() + start, offset - start) < 0) {
            fail_rest(errno);
            continue;
        }
        while (pending > 0) {
            const ssize_t n =
                mnl_socket_recvfrom(socket_, receive_buffer_.data(), receive_buffer_.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                fail_rest(errno);
                break;
            }
            int remaining = static_cast<int>(n);
            for (auto* nlh = reinterpret_cast<const nlmsghdr*>(receive_buffer_.data());
                 mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
                if (nlh->nlmsg_type != NLMSG_ERROR) continue;
                const auto it = waiting.find(nlh->nlmsg_seq);
                if (it == waiting.end() || it->second) continue;
                it->second = true;
                --pending;
                on_ack(parse_ack(nlh));
            }
        }
    }
    return sends;
}

Ack NetlinkSocket::transact(const MessageBuffer& request,
                            const std::function<void(const nlmsghdr*)>& on_reply) {
    const auto bytes = request.bytes();
    const auto* req = reinterpret_cast<const nlmsghdr*>(bytes.data());
    Ack result{req->nlmsg_seq, 0, {}};
    if (mnl_socket_sendto(socket_, bytes.data(), bytes.size()) < 0) {
        result.error = errno;
        return result;
    }
    bool interrupted = false;
    for (;;) {
        const ssize_t n =
            mnl_socket_recvfrom(socket_, receive_buffer_.data(), receive_buffer_.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            result.error = errno;
            return result;
        }
        int remaining = static_cast<int>(n);
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(receive_buffer_.data());
             mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
            if (nlh->nlmsg_seq != req->nlmsg_seq || nlh->nlmsg_pid != port_) continue;
            if ((nlh->nlmsg_flags & NLM_F_DUMP_INTR) != 0) interrupted = true;
            if (nlh->nlmsg_type == NLMSG_ERROR) {
                result = parse_ack(nlh);
                if (result.error == 0 && interrupted) result.error = EINTR;
                return result;
            }
            if (nlh->nlmsg_type == NLMSG_DONE) {
                if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int))) {
                    int error = 0;
                    std::memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof error);
                    result.error = -error;
                }
                if (result.error == 0 && interrupted) result.error = EINTR;
                return result;
            }
            on_reply(nlh);
        }
    }
}

int NetlinkSocket::receive_pending(const std::function<void(const nlmsghdr*)>& on_message) {
    for (;;) {
        const ssize_t n = recv(fd(), receive_buffer_.data(), receive_buffer_.size(), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        int remaining = static_cast<int>(n);
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(receive_buffer_.data());
             mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
            on_message(nlh);
        }
    }
}

}  // namespace bgp::fib::detail
