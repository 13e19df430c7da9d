// Socket options a BGP speaker sets on its TCP sockets, over Asio native
// handles: TCP MD5 signatures (RFC 2385; TCP_MD5SIG, and TCP_MD5SIG_EXT
// prefix keys), GTSM (RFC 5082: TTL 255 out, IP_MINTTL / IPV6_MINHOPCOUNT
// in), the TTL of (multihop) eBGP, and conversions between Asio and wire
// addresses.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bgp/wire/types.hpp"

namespace bgp::speaker_detail {

[[nodiscard]] boost::asio::ip::address to_asio(const wire::IpAddress& a);
/// IPv4-mapped IPv6 addresses come back as IPv4.
[[nodiscard]] wire::IpAddress from_asio(const boost::asio::ip::address& a);

/// Result of a setsockopt: empty on success, else "TCP_MD5SIG: Operation not permitted".
using OptionError = std::string;

/// Installs (non-empty `key`) or removes (empty `key`) the MD5 key for
/// `peer` on socket `fd` (connecting or listening). `prefix_length` below the
/// address length uses TCP_MD5SIG_EXT with TCP_MD5SIG_FLAG_PREFIX.
[[nodiscard]] OptionError set_md5(int fd, bool socket_is_v6, const wire::IpAddress& peer,
                                  std::uint8_t prefix_length, std::string_view key);

/// Outgoing TTL / hop limit.
[[nodiscard]] OptionError set_ttl(int fd, bool v6, int ttl);
/// Minimum incoming TTL / hop count (GTSM).
[[nodiscard]] OptionError set_min_ttl(int fd, bool v6, int min_ttl);

/// Keep the SYN of each accepted connection (TCP_SAVE_SYN on a listener), so
/// that GTSM can check the TTL the connection was opened with.
[[nodiscard]] OptionError save_syn(int listen_fd);
/// The TTL / hop limit of the SYN that opened an accepted connection
/// (TCP_SAVED_SYN; readable once); nullopt if not saved.
[[nodiscard]] std::optional<int> syn_ttl(int fd);

}  // namespace bgp::speaker_detail
