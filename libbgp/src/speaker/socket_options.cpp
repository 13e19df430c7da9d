#include "speaker/socket_options.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bgp::speaker_detail {

namespace asio = boost::asio;

asio::ip::address to_asio(const wire::IpAddress& a) {
    if (a.is_v4()) return asio::ip::address_v4(a.v4_value());
    asio::ip::address_v6::bytes_type b{};
    std::copy_n(a.data(), 16, b.begin());
    return asio::ip::address_v6(b);
}

wire::IpAddress from_asio(const asio::ip::address& a) {
    if (a.is_v4()) return wire::IpAddress::v4(a.to_v4().to_uint());
    const auto v6 = a.to_v6();
    if (v6.is_v4_mapped())
        return wire::IpAddress::v4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_uint());
    const auto b = v6.to_bytes();
    return wire::IpAddress::v6_bytes(b.data());
}

namespace {

OptionError errno_text(const char* option) {
    return std::string(option) + ": " + std::strerror(errno);
}

}  // namespace

OptionError set_md5(int fd, bool socket_is_v6, const wire::IpAddress& peer,
                    std::uint8_t prefix_length, std::string_view key) {
    struct tcp_md5sig sig {};
    if (key.size() > TCP_MD5SIG_MAXKEYLEN) return "TCP_MD5SIG: key longer than 80 octets";
    const bool use_prefix = prefix_length < (peer.is_v4() ? 32 : 128);
    std::uint8_t kernel_prefix = prefix_length;
    if (peer.is_v4() && !socket_is_v6) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&sig.tcpm_addr);
        sin->sin_family = AF_INET;
        std::memcpy(&sin->sin_addr, peer.data(), 4);
    } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&sig.tcpm_addr);
        sin6->sin6_family = AF_INET6;
        if (peer.is_v4()) {  // IPv4 peer on an IPv6 socket: the v4-mapped address
            sin6->sin6_addr.s6_addr[10] = 0xff;
            sin6->sin6_addr.s6_addr[11] = 0xff;
            std::memcpy(&sin6->sin6_addr.s6_addr[12], peer.data(), 4);
            kernel_prefix = static_cast<std::uint8_t>(prefix_length + 96);
        } else {
            std::memcpy(&sin6->sin6_addr, peer.data(), 16);
        }
    }
    sig.tcpm_keylen = static_cast<std::uint16_t>(key.size());
    std::memcpy(sig.tcpm_key, key.data(), key.size());
    int option = TCP_MD5SIG;
    const char* name = "TCP_MD5SIG";
    if (use_prefix) {
        option = TCP_MD5SIG_EXT;
        name = "TCP_MD5SIG_EXT";
        sig.tcpm_flags = TCP_MD5SIG_FLAG_PREFIX;
        sig.tcpm_prefixlen = kernel_prefix;
    }
    if (::setsockopt(fd, IPPROTO_TCP, option, &sig, sizeof sig) != 0) return errno_text(name);
    return {};
}

OptionError set_ttl(int fd, bool v6, int ttl) {
    if (v6) {
        if (::setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) != 0)
            return errno_text("IPV6_UNICAST_HOPS");
    } else if (::setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) != 0) {
        return errno_text("IP_TTL");
    }
    return {};
}

OptionError set_min_ttl(int fd, bool v6, int min_ttl) {
    if (v6) {
        if (::setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &min_ttl, sizeof min_ttl) != 0)
            return errno_text("IPV6_MINHOPCOUNT");
    } else if (::setsockopt(fd, IPPROTO_IP, IP_MINTTL, &min_ttl, sizeof min_ttl) != 0) {
        return errno_text("IP_MINTTL");
    }
    return {};
}

OptionError save_syn(int listen_fd) {
    const int on = 1;
    if (::setsockopt(listen_fd, IPPROTO_TCP, TCP_SAVE_SYN, &on, sizeof on) != 0)
        return errno_text("TCP_SAVE_SYN");
    return {};
}

std::optional<int> syn_ttl(int fd) {
    std::uint8_t headers[512];
    socklen_t len = sizeof headers;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_SAVED_SYN, headers, &len) != 0 || len < 20)
        return std::nullopt;
    const unsigned version = headers[0] >> 4;
    if (version == 4) return headers[8];               // IPv4 header: TTL at offset 8
    if (version == 6 && len >= 40) return headers[7];  // IPv6 header: hop limit at 7
    return std::nullopt;
}

}  // namespace bgp::speaker_detail
