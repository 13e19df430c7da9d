// Node address autodetection as calico-node does it (IP_AUTODETECTION_METHOD):
//   first-found          the first address of the first interface not in Calico's
//                        skip list (docker*, cbr*, dummy*, virbr*, lxcbr*, veth*, lo,
//                        cali*, tunl*, flannel*, kube-ipvs*, cni*, vxlan.calico*, ...)
//   interface=REGEX,...  the first address of the first interface matching a regex
//   skip-interface=REGEX,...  first-found, also skipping interfaces matching a regex
//   cidr=CIDR,...        the first address inside one of the CIDRs
//   can-reach=ADDR       the source address the kernel picks towards ADDR (a UDP
//                        connect: no packet is sent)
// The result keeps the interface's prefix length: it is the node's subnet (the
// CrossSubnet test). Link-local and loopback addresses are never chosen.
#pragma once

#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "yaml_reader.hpp"

namespace bgp::node_agent {

struct InterfaceAddress {
    std::string interface;
    HostAddress address;
};

/// Every address of every interface that is up, in the kernel's order (getifaddrs).
[[nodiscard]] std::vector<InterfaceAddress> system_interfaces();
/// The local address the kernel would use towards `destination` (UDP connect +
/// getsockname), if it has a route.
[[nodiscard]] std::optional<wire::IpAddress> route_source(const wire::IpAddress& destination);

/// Calico's DEFAULT_INTERFACES_TO_EXCLUDE.
[[nodiscard]] const std::vector<std::string>& calico_skip_list();

class AutodetectMethod {
  public:
    enum class Kind : std::uint8_t { first_found, interface, skip_interface, cidr, can_reach };
    /// Parses "first-found", "interface=eth.*", ...; throws std::invalid_argument
    /// with a message saying what was expected.
    static AutodetectMethod parse(std::string_view text);

    [[nodiscard]] Kind kind() const { return kind_; }
    [[nodiscard]] const std::string& text() const { return text_; }

    using Reach = std::function<std::optional<wire::IpAddress>(const wire::IpAddress&)>;
    /// The chosen interface address of family v4 (true) or v6, and why in `how`.
    [[nodiscard]] std::optional<InterfaceAddress> detect(const std::vector<InterfaceAddress>& list,
                                                         bool v4, const Reach& reach,
                                                         std::string* how = nullptr) const;

  private:
    Kind kind_ = Kind::first_found;
    std::string text_ = "first-found";
    std::vector<std::regex> regexes_;
    std::vector<wire::Prefix> cidrs_;
    std::optional<wire::IpAddress> target_;
};

}  // namespace bgp::node_agent
