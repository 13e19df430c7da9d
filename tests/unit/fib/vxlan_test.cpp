// The VXLAN device and its VTEP entries (libbgp/src/fib/vxlan*.cpp) in two
// private network namespaces (lbd-vx-<pid>-a/-b, deleted again, also on
// failure) joined by a veth: the device as `ip -d link` shows it, the
// neighbour and FDB entries as `ip neigh` / `bridge fdb` show them, and a
// ping across routes `via NH dev vxlan.calico onlink` proving the entries
// carry traffic. Needs root (WARN and return otherwise).
#include <catch2/catch_test_macros.hpp>

#include <unistd.h>

#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "../../support/netns_test_support.hpp"
#include "bgp/fib/vxlan.hpp"

using namespace bgp;
using namespace bgp::fib;

namespace {

using netns_test::contains;
using netns_test::Inside;
using netns_test::must;
using netns_test::Netns;
using netns_test::Output;
using netns_test::run;

wire::IpAddress ip(const char* text) { return *wire::IpAddress::parse(text); }

VxlanOptions options_for(const char* local) {
    VxlanOptions o;
    o.local = ip(local);
    o.underlay = "eth0";
    return o;
}

std::string ping(const Netns& from, const char* to) {
    const Output o = from.sh(std::string("ping -n -q -c 1 -W 1 ") + to);
    return o.status == 0 ? "ok" : "fail";
}

}  // namespace

TEST_CASE("vtep_mac is deterministic, unicast and locally administered", "[fib][vxlan]") {
    CHECK(mac_to_string(vtep_mac(ip("172.16.6.47"))) == "02:1b:ac:10:06:2f");
    CHECK(mac_to_string(vtep_mac(ip("172.16.199.114"))) == "02:1b:ac:10:c7:72");
    const auto v6 = vtep_mac(ip("fd00:6::249"));
    CHECK(v6 == vtep_mac(ip("fd00:6::249")));
    CHECK(v6 != vtep_mac(ip("fd00:6::250")));
    for (const auto& mac : {vtep_mac(ip("10.0.0.1")), v6}) {
        CHECK((mac[0] & 0x02) != 0);  // locally administered
        CHECK((mac[0] & 0x01) == 0);  // unicast
    }
}

TEST_CASE("vxlan_remotes: the next hops of routes through the VXLAN device", "[fib][vxlan]") {
    const auto via = [](const char* gw, const char* dev, bool onlink) {
        return Nexthop{ip(gw), dev, onlink, 1};
    };
    const std::vector<Route> routes = {
        {*wire::Prefix::parse("192.168.121.0/26"),
         RouteType::unicast,
         {via("172.16.199.114", "vxlan.calico", true)}},
        {*wire::Prefix::parse("192.168.135.64/26"),
         RouteType::unicast,
         {via("172.16.6.249", "eth0", false)}},
        {*wire::Prefix::parse("192.168.50.0/26"),
         RouteType::unicast,
         {via("172.16.6.249", "vxlan.calico", true), via("172.16.199.114", "vxlan.calico", true)}},
        {*wire::Prefix::parse("192.168.187.192/26"), RouteType::blackhole, {}},
    };
    const std::vector<wire::IpAddress> expected = {ip("172.16.6.249"), ip("172.16.199.114")};
    CHECK(vxlan_remotes(routes) == expected);
    CHECK(vxlan_remotes(routes, "tunl0").empty());
}

TEST_CASE("VXLAN device, VTEP entries and a ping through them", "[fib][vxlan]") {
    if (geteuid() != 0) {
        WARN("not root: skipping the VXLAN namespace test (CI runs it as root)");
        return;
    }
    netns_test::remove_orphans("lbd-vx-");
    const std::string prefix = "lbd-vx-" + std::to_string(getpid());
    const Netns a(prefix + "-a");
    const Netns b(prefix + "-b");
    must(run("ip -n " + a.name + " link add eth0 type veth peer name eth0 netns " + b.name),
         "veth");
    must(a.sh("ip addr add 172.16.6.47/24 dev eth0"), "address a");
    must(b.sh("ip addr add 172.16.6.249/24 dev eth0"), "address b");
    must(a.sh("ip link set eth0 up"), "up a");
    must(b.sh("ip link set eth0 up"), "up b");

    std::optional<Vxlan> va;
    std::optional<Vxlan> vb;
    {
        const Inside in(a);
        va.emplace(options_for("172.16.6.47"));
    }
    {
        const Inside in(b);
        vb.emplace(options_for("172.16.6.249"));
    }
    // Calico's tunnel address on the device, and the routes the planner writes.
    must(a.sh("ip addr add 192.168.187.193/32 dev vxlan.calico"), "tunnel address a");
    must(b.sh("ip addr add 192.168.135.65/32 dev vxlan.calico"), "tunnel address b");
    must(a.sh("ip route add 192.168.135.64/26 via 172.16.6.249 dev vxlan.calico onlink"),
         "route a");
    must(b.sh("ip route add 192.168.187.192/26 via 172.16.6.47 dev vxlan.calico onlink"),
         "route b");

    const std::string link = a.sh("ip -d link show vxlan.calico").text;
    INFO(link);
    CHECK(contains(link, "mtu 1410"));
    CHECK(contains(link, ",UP,"));
    CHECK(contains(link, "link/ether 02:1b:ac:10:06:2f"));
    CHECK(contains(link, "vxlan id 4096 local 172.16.6.47 dev eth0"));
    CHECK(contains(link, "dstport 4789"));
    CHECK(contains(link, "nolearning"));

    // No VTEP entries yet: the onlink route alone goes nowhere.
    CHECK(ping(a, "192.168.135.65") == "fail");

    const std::vector<wire::IpAddress> from_a = {ip("172.16.6.249"), ip("172.16.6.47")};
    const std::vector<wire::IpAddress> from_b = {ip("172.16.6.47")};
    va->set_vteps(from_a);  // its own address is skipped
    vb->set_vteps(from_b);
    CHECK(va->stats().neigh_written == 1);
    CHECK(va->stats().fdb_written == 1);

    const std::string neigh = a.sh("ip neigh show dev vxlan.calico").text;
    const std::string fdb = a.sh("bridge fdb show dev vxlan.calico").text;
    INFO(neigh << fdb);
    CHECK(contains(neigh, "172.16.6.249 lladdr 02:1b:ac:10:06:f9 PERMANENT"));
    CHECK_FALSE(contains(neigh, "172.16.6.47 "));
    CHECK(contains(fdb, "02:1b:ac:10:06:f9 dst 172.16.6.249 self permanent"));

    CHECK(ping(a, "192.168.135.65") == "ok");
    CHECK(ping(b, "192.168.187.193") == "ok");
    // It went through the VXLAN device (the underlay has no route to the pod block).
    const std::string tx = a.sh("cat /sys/class/net/vxlan.calico/statistics/tx_packets").text;
    INFO("vxlan.calico tx_packets " << tx);
    CHECK(std::stoul(tx) >= 1);

    {  // unchanged entries are not rewritten; wrong ones are repaired
        va->set_vteps(from_a);
        CHECK(va->stats().neigh_written == 1);
        CHECK(va->stats().fdb_written == 1);
        CHECK(va->stats().unchanged == 1);

        must(a.sh("ip neigh replace 172.16.6.249 lladdr 02:00:00:00:00:01 dev vxlan.calico nud "
                  "permanent"),
             "neigh behind our back");
        must(a.sh("bridge fdb replace 02:1b:ac:10:06:f9 dev vxlan.calico dst 172.16.6.9 self "
                  "permanent"),
             "fdb behind our back");
        va->set_vteps(from_a);
        CHECK(va->stats().neigh_written == 2);
        CHECK(va->stats().fdb_written == 2);
        const std::string fdb2 = a.sh("bridge fdb show dev vxlan.calico").text;
        INFO(fdb2);
        CHECK_FALSE(contains(fdb2, "172.16.6.9"));
        CHECK(contains(a.sh("ip neigh show dev vxlan.calico").text,
                       "172.16.6.249 lladdr 02:1b:ac:10:06:f9 PERMANENT"));
        CHECK(ping(a, "192.168.135.65") == "ok");
    }

    {  // a remote that leaves loses both entries
        const std::vector<wire::IpAddress> other = {ip("172.16.6.250")};
        va->set_vteps(other);
        CHECK(va->stats().neigh_removed == 1);
        CHECK(va->stats().fdb_removed == 1);
        const std::string n2 = a.sh("ip neigh show dev vxlan.calico").text;
        const std::string f2 = a.sh("bridge fdb show dev vxlan.calico").text;
        INFO(n2 << f2);
        CHECK_FALSE(contains(n2, "172.16.6.249"));
        CHECK_FALSE(contains(f2, "172.16.6.249"));
        CHECK(contains(n2, "172.16.6.250 lladdr 02:1b:ac:10:06:fa PERMANENT"));
        CHECK(contains(f2, "02:1b:ac:10:06:fa dst 172.16.6.250 self permanent"));
        CHECK(ping(a, "192.168.135.65") == "fail");

        va->set_vteps({});
        CHECK_FALSE(contains(a.sh("ip neigh show dev vxlan.calico").text, "PERMANENT"));
        CHECK_FALSE(contains(a.sh("bridge fdb show dev vxlan.calico").text, " dst "));
    }

    {  // a restart keeps a matching device; other parameters recreate it
        const int index = va->ifindex();
        {
            const Inside in(a);
            Vxlan again(options_for("172.16.6.47"));
            CHECK(again.ifindex() == index);
            VxlanOptions changed = options_for("172.16.6.47");
            changed.vni = 4097;
            changed.mtu = 1400;
            Vxlan other(changed);
            CHECK(other.ifindex() != index);
            const std::string l2 = a.sh("ip -d link show vxlan.calico").text;
            INFO(l2);
            CHECK(contains(l2, "vxlan id 4097"));
            CHECK(contains(l2, "mtu 1400"));
            other.remove_device();
            other.remove_device();  // idempotent
        }
        CHECK(a.sh("ip link show vxlan.calico").status != 0);
    }

    {  // a missing underlay device is a configuration error
        const Inside in(a);
        VxlanOptions bad = options_for("172.16.6.47");
        bad.underlay = "nosuch0";
        CHECK_THROWS_AS(Vxlan(bad), std::system_error);
    }
}
