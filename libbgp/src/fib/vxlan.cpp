// bgp::fib::Vxlan: the VXLAN device (RTM_NEWLINK, IFLA_INFO_KIND "vxlan",
// IFLA_VXLAN_* in include/uapi/linux/if_link.h) and its per-VTEP permanent
// neighbour entries (RTM_NEWNEIGH) and FDB entries (RTM_NEWNEIGH, AF_BRIDGE,
// NTF_SELF), kept equal to the remote node set. See bgp/fib/vxlan.hpp.
#include "bgp/fib/vxlan.hpp"

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "fib/netlink.hpp"

namespace bgp::fib {

using Mac = std::array<std::uint8_t, 6>;

std::array<std::uint8_t, 6> vtep_mac(const wire::IpAddress& node) {
    const std::uint8_t* a = node.data();
    if (node.is_v4()) return Mac{0x02, 0x1b, a[0], a[1], a[2], a[3]};
    std::uint32_t h = 2166136261u;  // FNV-1a, 32 bits
    for (std::size_t i = 0; i < node.size(); ++i) {
        h = (h ^ a[i]) * 16777619u;
    }
    return Mac{0x06,
               0x1b,
               static_cast<std::uint8_t>(h >> 24),
               static_cast<std::uint8_t>(h >> 16),
               static_cast<std::uint8_t>(h >> 8),
               static_cast<std::uint8_t>(h)};
}

std::string mac_to_string(const std::array<std::uint8_t, 6>& mac) {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2], mac[3],
                       mac[4], mac[5]);
}

std::vector<wire::IpAddress> vxlan_remotes(std::span<const Route> routes, std::string_view device) {
    std::vector<wire::IpAddress> out;
    for (const Route& route : routes) {
        for (const Nexthop& hop : route.nexthops) {
            if (hop.gateway && hop.device == device) out.push_back(*hop.gateway);
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

namespace {

using detail::MessageBuffer;
using detail::NetlinkSocket;
using Socket = NetlinkSocket;
using Each = std::function<void(const nlmsghdr*)>;

// One request in its own buffer on the FIB's netlink helper (fib/netlink.hpp), sent with
// NLM_F_ACK (or NLM_F_DUMP) and answered before the next one: the VXLAN device and its
// entries change only when the node set changes.
class Message {
  public:
    Message(Socket& socket, std::uint16_t type, std::uint16_t flags)
        : socket_(socket),
          nlh_(buffer_.begin_message(
              type,
              static_cast<std::uint16_t>((flags & NLM_F_DUMP) == NLM_F_DUMP ? flags
                                                                            : flags | NLM_F_ACK),
              socket.next_seq(), 4096)) {}
    template <class T>
    T* put_header() {
        return static_cast<T*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(T)));
    }
    void put(std::uint16_t type, const void* data, std::size_t size) {
        mnl_attr_put(nlh_, type, size, data);
    }
    void put_u8(std::uint16_t type, std::uint8_t value) { mnl_attr_put_u8(nlh_, type, value); }
    void put_u16(std::uint16_t type, std::uint16_t value) { mnl_attr_put_u16(nlh_, type, value); }
    void put_u32(std::uint16_t type, std::uint32_t value) { mnl_attr_put_u32(nlh_, type, value); }
    void put_string(std::uint16_t type, const std::string& value) {
        mnl_attr_put_strz(nlh_, type, value.c_str());
    }
    nlattr* nest_start(std::uint16_t type) { return mnl_attr_nest_start(nlh_, type); }
    void nest_end(nlattr* nest) { mnl_attr_nest_end(nlh_, nest); }
    /// Sends it; answers before the acknowledgement (or NLMSG_DONE) go to `each`.
    /// Returns 0 or the kernel's errno.
    int send(const Each& each = [](const nlmsghdr*) {}) {
        buffer_.end_message();
        return socket_.transact(buffer_, each).error;
    }
    void send_or_throw(const std::string& what) {
        if (const int error = send(); error != 0) {
            throw std::system_error(error, std::generic_category(), "vxlan: " + what);
        }
    }

  private:
    Socket& socket_;
    MessageBuffer buffer_;
    nlmsghdr* nlh_;
};

int family_of(const wire::IpAddress& a) { return a.is_v4() ? AF_INET : AF_INET6; }

std::optional<wire::IpAddress> address_of(const nlattr* attr) {
    if (attr == nullptr) return std::nullopt;
    const auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr));
    switch (mnl_attr_get_payload_len(attr)) {
        case 4:
            return wire::IpAddress::v4_bytes(p);
        case 16:
            return wire::IpAddress::v6_bytes(p);
        default:
            return std::nullopt;
    }
}

std::optional<Mac> mac_of(const nlattr* attr) {
    if (attr == nullptr || mnl_attr_get_payload_len(attr) != 6) return std::nullopt;
    Mac mac{};
    std::memcpy(mac.data(), mnl_attr_get_payload(attr), mac.size());
    return mac;
}

// What RTM_GETLINK tells about an existing device of our name.
struct LinkState {
    int index = 0;
    bool vxlan = false;
    std::optional<std::uint32_t> vni;
    std::optional<wire::IpAddress> local;
    std::uint32_t link = 0;
    std::uint16_t port = 0;  // host order
    bool learning = true;
};

std::optional<LinkState> get_link(Socket& socket, const std::string& name) {
    Message m(socket, RTM_GETLINK, 0);
    auto* ifi = m.put_header<ifinfomsg>();
    ifi->ifi_family = AF_UNSPEC;
    m.put_string(IFLA_IFNAME, name);
    std::optional<LinkState> out;
    const Each each = [&out](const nlmsghdr* nlh) {
        if (nlh->nlmsg_type != RTM_NEWLINK) return;
        const auto* info = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
        LinkState st;
        st.index = info->ifi_index;
        const auto tb = detail::parse_attributes(nlh, sizeof(ifinfomsg), IFLA_MAX);
        if (tb[IFLA_LINKINFO] != nullptr) {
            const auto li = detail::parse_nested(tb[IFLA_LINKINFO], IFLA_INFO_MAX);
            st.vxlan = li[IFLA_INFO_KIND] != nullptr &&
                       std::strcmp(mnl_attr_get_str(li[IFLA_INFO_KIND]), "vxlan") == 0;
            if (st.vxlan && li[IFLA_INFO_DATA] != nullptr) {
                const auto vx = detail::parse_nested(li[IFLA_INFO_DATA], IFLA_VXLAN_MAX);
                if (vx[IFLA_VXLAN_ID] != nullptr) st.vni = mnl_attr_get_u32(vx[IFLA_VXLAN_ID]);
                st.local = address_of(vx[IFLA_VXLAN_LOCAL] != nullptr ? vx[IFLA_VXLAN_LOCAL]
                                                                      : vx[IFLA_VXLAN_LOCAL6]);
                if (vx[IFLA_VXLAN_LINK] != nullptr) st.link = mnl_attr_get_u32(vx[IFLA_VXLAN_LINK]);
                if (vx[IFLA_VXLAN_PORT] != nullptr) {
                    st.port = ntohs(mnl_attr_get_u16(vx[IFLA_VXLAN_PORT]));
                }
                if (vx[IFLA_VXLAN_LEARNING] != nullptr) {
                    st.learning = mnl_attr_get_u8(vx[IFLA_VXLAN_LEARNING]) != 0;
                }
            }
        }
        out = st;
    };
    const int error = m.send(each);
    if (error == ENODEV) return std::nullopt;
    if (error != 0) {
        throw std::system_error(error, std::generic_category(), "vxlan: get link " + name);
    }
    return out;
}

void delete_link(Socket& socket, int index) {
    Message m(socket, RTM_DELLINK, 0);
    auto* ifi = m.put_header<ifinfomsg>();
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = index;
    if (const int error = m.send(); error != 0 && error != ENODEV) {
        throw std::system_error(error, std::generic_category(), "vxlan: delete device");
    }
}

void create_link(Socket& socket, const VxlanOptions& o, std::uint32_t underlay) {
    Message m(socket, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    auto* ifi = m.put_header<ifinfomsg>();
    ifi->ifi_family = AF_UNSPEC;
    m.put_string(IFLA_IFNAME, o.device);
    nlattr* linkinfo = m.nest_start(IFLA_LINKINFO);
    m.put_string(IFLA_INFO_KIND, "vxlan");
    nlattr* data = m.nest_start(IFLA_INFO_DATA);
    m.put_u32(IFLA_VXLAN_ID, o.vni);
    m.put(o.local.is_v4() ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6, o.local.data(), o.local.size());
    if (underlay != 0) m.put_u32(IFLA_VXLAN_LINK, underlay);
    m.put_u16(IFLA_VXLAN_PORT, htons(o.port));
    m.put_u8(IFLA_VXLAN_LEARNING, 0);
    m.nest_end(data);
    m.nest_end(linkinfo);
    m.send_or_throw("create device " + o.device);
}

// MTU, MAC, up; and no IPv6 link-local address on it (no ND/MLD chatter), best effort.
void configure_link(Socket& socket, const VxlanOptions& o, int index) {
    Message m(socket, RTM_NEWLINK, 0);
    auto* ifi = m.put_header<ifinfomsg>();
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = index;
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    m.put_u32(IFLA_MTU, o.mtu);
    const Mac mac = vtep_mac(o.local);
    m.put(IFLA_ADDRESS, mac.data(), mac.size());
    m.send_or_throw("set up device " + o.device);

    Message v6(socket, RTM_NEWLINK, 0);
    auto* ifi6 = v6.put_header<ifinfomsg>();
    ifi6->ifi_family = AF_UNSPEC;
    ifi6->ifi_index = index;
    nlattr* spec = v6.nest_start(IFLA_AF_SPEC);
    nlattr* inet6 = v6.nest_start(AF_INET6);
    v6.put_u8(IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
    v6.nest_end(inet6);
    v6.nest_end(spec);
    (void)v6.send();  // fails harmlessly where IPv6 is disabled
}

struct NeighEntry {
    std::optional<Mac> mac;
    std::uint16_t state = 0;
};

// Neighbour entries (family AF_INET/AF_INET6) or FDB entries (AF_BRIDGE) of one device.
template <class F>
void dump_neigh(Socket& socket, std::uint8_t family, int index, F&& each) {
    Message m(socket, RTM_GETNEIGH, NLM_F_DUMP);
    auto* ndm = m.put_header<ndmsg>();
    ndm->ndm_family = family;
    const Each on = [&](const nlmsghdr* nlh) {
        if (nlh->nlmsg_type != RTM_NEWNEIGH) return;
        const auto* n = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(nlh));
        if (n->ndm_ifindex != index || n->ndm_family != family) return;
        const auto tb = detail::parse_attributes(nlh, sizeof(ndmsg), NDA_MAX);
        each(*n, address_of(tb[NDA_DST]), mac_of(tb[NDA_LLADDR]));
    };
    if (const int error = m.send(on); error != 0) {
        throw std::system_error(error, std::generic_category(), "vxlan: netlink dump");
    }
}

void write_neigh(Socket& socket, int index, const wire::IpAddress& ip, const Mac* mac, bool add) {
    Message m(socket, add ? RTM_NEWNEIGH : RTM_DELNEIGH,
              add ? static_cast<std::uint16_t>(NLM_F_CREATE | NLM_F_REPLACE) : std::uint16_t{0});
    auto* ndm = m.put_header<ndmsg>();
    ndm->ndm_family = static_cast<std::uint8_t>(family_of(ip));
    ndm->ndm_ifindex = index;
    ndm->ndm_state = NUD_PERMANENT;
    m.put(NDA_DST, ip.data(), ip.size());
    if (mac != nullptr) m.put(NDA_LLADDR, mac->data(), mac->size());
    const int error = m.send();
    if (error != 0 && !(error == ENOENT && !add)) {
        throw std::system_error(
            error, std::generic_category(),
            fmt::format("vxlan: {} neighbour {}", add ? "add" : "delete", ip.to_string()));
    }
}

// An FDB entry `MAC dst IP self permanent`; delete without `ip` removes every remote of MAC.
void write_fdb(Socket& socket, int index, const Mac& mac, const wire::IpAddress* ip, bool add) {
    Message m(socket, add ? RTM_NEWNEIGH : RTM_DELNEIGH,
              add ? static_cast<std::uint16_t>(NLM_F_CREATE | NLM_F_REPLACE) : std::uint16_t{0});
    auto* ndm = m.put_header<ndmsg>();
    ndm->ndm_family = AF_BRIDGE;
    ndm->ndm_ifindex = index;
    ndm->ndm_state = NUD_PERMANENT;
    ndm->ndm_flags = NTF_SELF;
    m.put(NDA_LLADDR, mac.data(), mac.size());
    if (ip != nullptr) m.put(NDA_DST, ip->data(), ip->size());
    const int error = m.send();
    if (error != 0 && !(error == ENOENT && !add)) {
        throw std::system_error(
            error, std::generic_category(),
            fmt::format("vxlan: {} fdb entry {}", add ? "add" : "delete", mac_to_string(mac)));
    }
}

}  // namespace

struct Vxlan::Impl {
    VxlanOptions options;
    Socket socket;
    int index = 0;
    VxlanStats stats;
};

Vxlan::Vxlan(VxlanOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    const VxlanOptions& o = impl_->options;
    if (o.device.empty() || o.device.size() >= IFNAMSIZ) {
        throw std::system_error(EINVAL, std::generic_category(), "vxlan: device name");
    }
    if (o.local.is_unspecified()) {
        throw std::system_error(EINVAL, std::generic_category(), "vxlan: no local address");
    }
    Socket& socket = impl_->socket;
    std::uint32_t underlay = 0;
    if (!o.underlay.empty()) {
        const auto lower = get_link(socket, o.underlay);
        if (!lower) {
            throw std::system_error(ENODEV, std::generic_category(),
                                    "vxlan: underlay device " + o.underlay);
        }
        underlay = static_cast<std::uint32_t>(lower->index);
    }
    auto existing = get_link(socket, o.device);
    const bool same = existing && existing->vxlan && existing->vni == o.vni &&
                      existing->local == o.local && existing->port == o.port &&
                      existing->link == underlay && !existing->learning;
    if (existing && !same) delete_link(socket, existing->index);
    if (!same) {
        create_link(socket, o, underlay);
        existing = get_link(socket, o.device);
        if (!existing) {
            throw std::system_error(ENODEV, std::generic_category(),
                                    "vxlan: device vanished: " + o.device);
        }
    }
    impl_->index = existing->index;
    configure_link(socket, o, impl_->index);
}

Vxlan::~Vxlan() = default;

void Vxlan::set_vteps(std::span<const wire::IpAddress> remotes) {
    Impl& s = *impl_;
    if (s.index == 0) {
        throw std::system_error(ENODEV, std::generic_category(), "vxlan: device removed");
    }
    const wire::IpAddress& local = s.options.local;
    std::map<wire::IpAddress, Mac> want;  // remote -> its VTEP MAC
    for (const wire::IpAddress& r : remotes) {
        if (r.afi() != local.afi() || r == local || r.is_unspecified()) continue;
        want.emplace(r, vtep_mac(r));
    }

    std::map<wire::IpAddress, NeighEntry> neigh;
    const auto family = static_cast<std::uint8_t>(family_of(local));
    dump_neigh(
        s.socket, family, s.index,
        [&neigh](const ndmsg& n, std::optional<wire::IpAddress> dst, std::optional<Mac> mac) {
            if (dst) neigh[*dst] = NeighEntry{mac, n.ndm_state};
        });
    std::map<Mac, std::vector<std::pair<wire::IpAddress, std::uint16_t>>> fdb;
    dump_neigh(s.socket, AF_BRIDGE, s.index,
               [&fdb](const ndmsg& n, std::optional<wire::IpAddress> dst, std::optional<Mac> mac) {
                   if (dst && mac) fdb[*mac].emplace_back(*dst, n.ndm_state);
               });

    // Stale first: entries of remotes that left (a MAC may move to a new address).
    std::set<Mac> wanted_macs;
    for (const auto& [ip, mac] : want) wanted_macs.insert(mac);
    for (const auto& [ip, entry] : neigh) {
        if ((entry.state & NUD_PERMANENT) != 0 && want.count(ip) == 0) {
            write_neigh(s.socket, s.index, ip, nullptr, false);
            ++s.stats.neigh_removed;
        }
    }
    for (const auto& [mac, dsts] : fdb) {
        const bool flood =
            std::all_of(mac.begin(), mac.end(), [](std::uint8_t b) { return b == 0; });
        if (!flood && wanted_macs.count(mac) == 0) {
            write_fdb(s.socket, s.index, mac, nullptr, false);
            ++s.stats.fdb_removed;
        }
    }

    for (const auto& [ip, mac] : want) {
        bool wrote = false;
        const auto n = neigh.find(ip);
        if (n == neigh.end() || n->second.mac != mac || n->second.state != NUD_PERMANENT) {
            write_neigh(s.socket, s.index, ip, &mac, true);
            ++s.stats.neigh_written;
            wrote = true;
        }
        const auto f = fdb.find(mac);
        const bool fdb_ok = f != fdb.end() && f->second.size() == 1 &&
                            f->second.front().first == ip &&
                            (f->second.front().second & NUD_PERMANENT) != 0;
        if (!fdb_ok) {
            // More than one remote (or a wrong one) under our MAC: start from scratch.
            if (f != fdb.end()) write_fdb(s.socket, s.index, mac, nullptr, false);
            write_fdb(s.socket, s.index, mac, &ip, true);
            ++s.stats.fdb_written;
            wrote = true;
        }
        if (!wrote) ++s.stats.unchanged;
    }
}

void Vxlan::remove_device() {
    Impl& s = *impl_;
    const auto existing = get_link(s.socket, s.options.device);
    if (existing) delete_link(s.socket, existing->index);
    s.index = 0;
}

int Vxlan::ifindex() const { return impl_->index; }
const VxlanOptions& Vxlan::options() const { return impl_->options; }
VxlanStats Vxlan::stats() const { return impl_->stats; }

}  // namespace bgp::fib
