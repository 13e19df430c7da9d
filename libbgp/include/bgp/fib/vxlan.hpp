// The VXLAN device of a node (Calico's `vxlan.calico`) and its per-VTEP
// entries, over rtnetlink (RFC 7348 encapsulation done by the Linux kernel).
//
// - The device: IFLA_INFO_KIND "vxlan" with VNI 4096, UDP port 4789, the
//   node's address as local VTEP, the underlay device, learning off, the
//   MTU, and MAC vtep_mac(local); brought up. An existing device of that
//   name is kept when its VXLAN parameters match (only MTU / MAC / up are
//   set), else deleted and created again (the kernel cannot change a VNI).
// - set_vteps(): for each remote node a permanent neighbour entry
//   (RTM_NEWNEIGH: NH lladdr vtep_mac(NH)) and a permanent FDB entry
//   (AF_BRIDGE, NTF_SELF: vtep_mac(NH) dst NH), so that the routes
//   `via NH dev vxlan.calico onlink` the planner writes need neither ARP nor
//   flooding. Every call compares with what the kernel holds (a dump): stale
//   entries are removed, wrong ones rewritten, equal ones left alone.
// - vtep_mac() derives the MAC from the node address (locally administered,
//   unicast), so nodes need not exchange MACs over BGP.
//
// Everything happens in the calling thread's network namespace. Errors
// (netlink NACKs, a missing underlay device) throw std::system_error with the
// operation in the message.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bgp/fib/route.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::fib {

struct VxlanOptions {
    std::string device = "vxlan.calico";
    std::uint32_t vni = 4096;
    std::uint16_t port = 4789;
    wire::IpAddress local;  ///< this node's VTEP address (IPv4 or IPv6)
    std::string underlay;   ///< e.g. "eth0"; "" lets the kernel route the UDP packets
    std::uint32_t mtu = 1410;
};

/// 02:1b:a:b:c:d for IPv4 a.b.c.d; 06:1b + a 32-bit FNV-1a of the address for IPv6.
/// Locally administered (bit 1), unicast (bit 0 clear).
[[nodiscard]] std::array<std::uint8_t, 6> vtep_mac(const wire::IpAddress& node);
/// "02:1b:ac:10:06:2f".
[[nodiscard]] std::string mac_to_string(const std::array<std::uint8_t, 6>& mac);

/// The remote VTEPs the planned routes need: the gateways of every next hop
/// through `device`, sorted, without duplicates. Feed to set_vteps().
[[nodiscard]] std::vector<wire::IpAddress> vxlan_remotes(std::span<const Route> routes,
                                                         std::string_view device = "vxlan.calico");

/// What set_vteps() did, summed over calls.
struct VxlanStats {
    std::uint64_t neigh_written = 0;  ///< neighbour entries created or corrected
    std::uint64_t fdb_written = 0;    ///< FDB entries created or corrected
    std::uint64_t neigh_removed = 0;
    std::uint64_t fdb_removed = 0;
    std::uint64_t unchanged = 0;  ///< remotes whose two entries were already right
};

class Vxlan {
  public:
    /// Creates or updates the device and sets it up.
    explicit Vxlan(VxlanOptions options);
    ~Vxlan();  ///< leaves the device and its entries in place (an agent restart keeps forwarding)
    Vxlan(const Vxlan&) = delete;
    Vxlan& operator=(const Vxlan&) = delete;

    /// The remote VTEPs: a permanent neighbour + FDB entry each (the local
    /// address and duplicates are skipped, addresses of the other family too),
    /// stale ones removed, unchanged ones not rewritten.
    void set_vteps(std::span<const wire::IpAddress> remotes);
    /// Deletes the device (and with it its entries and routes). Idempotent.
    void remove_device();

    [[nodiscard]] int ifindex() const;
    [[nodiscard]] const VxlanOptions& options() const;
    [[nodiscard]] VxlanStats stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bgp::fib
