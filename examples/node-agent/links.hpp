// Small link helpers of the agent (ioctl, no netlink): does a device exist, is
// it up, bring it up. The IP-in-IP device tunl0 appears when the kernel's ipip
// module loads (down); the agent brings it up when a pool uses IP-in-IP.
#pragma once

#include <string>

namespace bgp::node_agent {

[[nodiscard]] bool link_exists(const std::string& name);
/// Sets IFF_UP on the device. Returns "" on success (or already up), else why not.
[[nodiscard]] std::string link_up(const std::string& name);

}  // namespace bgp::node_agent
