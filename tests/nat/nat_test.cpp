// natOutgoing (examples/node-agent/nat.cpp, libnftables) in private network
// namespaces (lbd-nat-<pid>-*, deleted again, also on failure): the table and
// rule as `nft list` shows them, atomic replacement, removal, and the proof
// that matters: a pod reaches a router with no route back to the pool only
// while its traffic is masqueraded. Needs root (WARN and return otherwise).
#include <catch2/catch_test_macros.hpp>

#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "../support/netns_test_support.hpp"
#include "nat.hpp"

using namespace netns_test;
using bgp::wire::Prefix;

namespace {

Prefix pfx(const char* text) { return *Prefix::parse(text); }

std::string ping(const Netns& from, const char* to) {
    const Output o = from.sh(std::string("ping -n -q -c 1 -W 1 ") + to);
    return o.status == 0 ? "ok" : "fail";
}

}  // namespace

TEST_CASE("The nft script: our own table, NAT pools masqueraded outside all pools", "[nat]") {
    const std::vector<Prefix> masq = {pfx("192.168.0.0/16"), pfx("192.168.4.0/24"),
                                      pfx("fd00:10::/48")};
    const std::vector<Prefix> all = {pfx("10.244.0.0/16")};
    const std::string s = node_agent::Nat::script("libbgp-nat", masq, all);
    INFO(s);
    CHECK(s.rfind("add table inet libbgp-nat\ndelete table inet libbgp-nat\n", 0) == 0);
    // Nested prefixes merged (interval sets refuse overlaps); NAT pools count as inside.
    CHECK(
        contains(s, "set masq4 { type ipv4_addr; flags interval; elements = { 192.168.0.0/16 } }"));
    CHECK(contains(s,
                   "set all4 { type ipv4_addr; flags interval; elements = { 10.244.0.0/16, "
                   "192.168.0.0/16 } }"));
    CHECK(contains(s, "set masq6 { type ipv6_addr; flags interval; elements = { fd00:10::/48 } }"));
    CHECK(contains(s, "ip saddr @masq4 ip daddr != @all4 counter masquerade fully-random"));
    CHECK(contains(s, "ip6 saddr @masq6 ip6 daddr != @all6 counter masquerade fully-random"));

    const std::vector<Prefix> only4 = {pfx("192.168.0.0/16")};
    CHECK_FALSE(contains(node_agent::Nat::script("t", only4, {}), "ip6 saddr"));
    CHECK(node_agent::Nat::script("t", {}, all).empty());
    CHECK_THROWS_AS(node_agent::Nat("bad name; flush ruleset"), std::invalid_argument);
}

TEST_CASE("natOutgoing masquerades pod traffic leaving the pools, and stops", "[nat]") {
    if (geteuid() != 0) {
        WARN("not root: skipping the natOutgoing namespace test (CI runs it as root)");
        return;
    }
    remove_orphans("lbd-nat-");
    const std::string root_before = run("nft list ruleset").text;
    const std::string prefix = "lbd-nat-" + std::to_string(getpid());
    // pod 192.168.187.211 -- host (walker-1, 172.16.6.47) -- router 172.16.6.254, which
    // has no route to 192.168.0.0/16: only masqueraded pod traffic gets an answer.
    const Netns pod(prefix + "-pod");
    const Netns host(prefix + "-host");
    const Netns router(prefix + "-rtr");
    must(run("ip -n " + host.name + " link add cali0 type veth peer name eth0 netns " + pod.name),
         "pod veth");
    must(run("ip -n " + host.name + " link add eth0 type veth peer name eth0 netns " + router.name),
         "uplink veth");
    must(pod.sh("ip addr add 192.168.187.211/26 dev eth0"), "pod address");
    must(pod.sh("ip link set eth0 up"), "pod up");
    must(pod.sh("ip route add default via 192.168.187.193"), "pod default");
    must(host.sh("ip addr add 192.168.187.193/26 dev cali0"), "host pod-side address");
    must(host.sh("ip addr add 172.16.6.47/24 dev eth0"), "host address");
    must(host.sh("ip link set cali0 up"), "host cali0 up");
    must(host.sh("ip link set eth0 up"), "host eth0 up");
    must(host.sh("sysctl -qw net.ipv4.ip_forward=1"), "forwarding");
    must(router.sh("ip addr add 172.16.6.254/24 dev eth0"), "router address");
    must(router.sh("ip link set eth0 up"), "router up");

    CHECK(ping(pod, "172.16.6.254") == "fail");  // the answer has no way back

    {
        const Inside in(host);
        node_agent::Nat nat;
        const std::vector<bgp::fib::Pool> pools = {
            {"default-ipv4-ippool", pfx("192.168.0.0/16"), bgp::fib::EncapMode::never,
             bgp::fib::EncapMode::never, true, false, 26},
            {"no-nat", pfx("10.244.0.0/16"), bgp::fib::EncapMode::never, bgp::fib::EncapMode::never,
             false, false, 26}};
        nat.set_pools(pools);
        const std::string listed = nat.list();
        INFO(listed);
        CHECK(contains(listed, "table inet libbgp-nat"));
        CHECK(contains(listed, "ip saddr @masq4 ip daddr != @all4"));
        CHECK(contains(listed, "masquerade fully-random"));
        CHECK(contains(host.sh("nft list set inet libbgp-nat all4").text,
                       "elements = { 10.244.0.0/16, 192.168.0.0/16 }"));
        CHECK(ping(pod, "172.16.6.254") == "ok");
        CHECK(contains(nat.list(), "counter packets 1 "));  // one masqueraded connection

        // Unchanged pools: nothing rewritten (the counter keeps counting).
        nat.set_pools(pools);
        CHECK(contains(nat.list(), "counter packets 1 "));

        // The pool loses natOutgoing: the rule goes, and so does the traffic.
        std::vector<bgp::fib::Pool> changed = pools;
        changed[0].nat_outgoing = false;
        nat.set_pools(changed);
        CHECK(nat.list().empty());
        CHECK(ping(pod, "172.16.6.254") == "fail");

        // Back, then a different set in one transaction: the new elements, one table.
        nat.set_pools(pools);
        const std::vector<Prefix> masq2 = {pfx("192.168.187.0/24")};
        const std::vector<Prefix> all2 = {pfx("192.168.0.0/16"), pfx("10.96.0.0/12")};
        nat.set_pools(masq2, all2);
        const std::string l2 = host.sh("nft list ruleset").text;
        INFO(l2);
        CHECK(contains(l2, "elements = { 192.168.187.0/24 }"));
        CHECK(contains(l2, "elements = { 10.96.0.0/12, 192.168.0.0/16 }"));
        CHECK(ping(pod, "172.16.6.254") == "ok");

        // Deleted behind our back: set_pools() puts it back.
        must(host.sh("nft delete table inet libbgp-nat"), "delete behind our back");
        nat.set_pools(masq2, all2);
        CHECK_FALSE(nat.list().empty());

        nat.remove();
        nat.remove();  // idempotent
        CHECK(nat.list().empty());
        CHECK(host.sh("nft list ruleset").text.find("libbgp-nat") == std::string::npos);
        CHECK(ping(pod, "172.16.6.254") == "fail");
    }
    CHECK(run("nft list ruleset").text == root_before);  // the root namespace untouched
}
