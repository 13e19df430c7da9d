// Node address autodetection against a fake interface list: Calico's skip
// list for first-found, interface= / skip-interface= regexes, cidr=, can-reach=.
#include <catch2/catch_test_macros.hpp>
#include <stdexcept>
#include <string>

#include "node-agent/autodetect.hpp"

namespace {

using namespace bgp::node_agent;

InterfaceAddress ia(const char* name, const char* address) {
    return InterfaceAddress{name, *HostAddress::parse(address)};
}

const std::vector<InterfaceAddress> host = {
    ia("lo", "127.0.0.1/8"),           ia("lo", "::1/128"),
    ia("docker0", "172.17.0.1/16"),    ia("cali1a2b3c4d5e6", "169.254.1.1/32"),
    ia("tunl0", "192.168.187.192/32"), ia("vxlan.calico", "192.168.187.193/32"),
    ia("veth12", "10.99.0.1/24"),      ia("eth0", "fe80::1/64"),
    ia("eth0", "172.16.6.47/24"),      ia("eth1", "10.0.5.3/16"),
    ia("eth1", "2001:db8::3/64"),      ia("dummy0", "10.250.0.1/24"),
};

std::string detect(const std::string& method, bool v4 = true,
                   const AutodetectMethod::Reach& reach = {}) {
    auto found = AutodetectMethod::parse(method).detect(host, v4, reach);
    return found ? found->interface + " " + found->address.to_string() : "none";
}

}  // namespace

TEST_CASE("first-found skips Calico's interface list, loopback and link-local", "[node-agent]") {
    CHECK(detect("first-found") == "eth0 172.16.6.47/24");
    CHECK(detect("first-found", false) == "eth1 2001:db8::3/64");
    CHECK(calico_skip_list().size() >= 17);
}

TEST_CASE("interface= and skip-interface= regexes", "[node-agent]") {
    CHECK(detect("interface=^eth1$") == "eth1 10.0.5.3/16");
    CHECK(detect("interface=nomatch.*,^eth.*") == "eth0 172.16.6.47/24");
    // As Go's MatchString: a regex is searched for, not anchored.
    CHECK(detect("interface=eth1") == "veth12 10.99.0.1/24");
    CHECK(detect("interface=dummy0") == "dummy0 10.250.0.1/24");  // named: not skipped
    CHECK(detect("skip-interface=eth0") == "eth1 10.0.5.3/16");
    CHECK(detect("interface=wlan0") == "none");
}

TEST_CASE("cidr= picks the first address inside a CIDR", "[node-agent]") {
    CHECK(detect("cidr=10.0.0.0/16") == "eth1 10.0.5.3/16");
    CHECK(detect("cidr=192.0.2.0/24,172.16.0.0/16") == "eth0 172.16.6.47/24");
    // The skip list is for first-found only: a CIDR may name any interface.
    CHECK(detect("cidr=10.0.0.0/8") == "veth12 10.99.0.1/24");
    CHECK(detect("cidr=2001:db8::/32", false) == "eth1 2001:db8::3/64");
    CHECK(detect("cidr=192.0.2.0/24") == "none");
}

TEST_CASE("can-reach= uses the kernel's source address towards the target", "[node-agent]") {
    auto reach = [](const bgp::wire::IpAddress& dst) -> std::optional<bgp::wire::IpAddress> {
        if (dst == *bgp::wire::IpAddress::parse("172.16.199.114"))
            return bgp::wire::IpAddress::parse("172.16.6.47");
        return std::nullopt;
    };
    CHECK(detect("can-reach=172.16.199.114", true, reach) == "eth0 172.16.6.47/24");
    CHECK(detect("can-reach=198.51.100.1", true, reach) == "none");
    // The real route lookup: loopback is always reachable from 127.0.0.1.
    auto src = route_source(*bgp::wire::IpAddress::parse("127.0.0.1"));
    REQUIRE(src.has_value());
    CHECK(src->to_string() == "127.0.0.1");
}

TEST_CASE("bad methods say what is expected", "[node-agent]") {
    CHECK_THROWS_AS(AutodetectMethod::parse("first-fund"), std::invalid_argument);
    CHECK_THROWS_AS(AutodetectMethod::parse("interface="), std::invalid_argument);
    CHECK_THROWS_AS(AutodetectMethod::parse("interface=eth(0"), std::invalid_argument);
    CHECK_THROWS_AS(AutodetectMethod::parse("cidr=10.0.0.0"), std::invalid_argument);
    CHECK_THROWS_AS(AutodetectMethod::parse("can-reach=walker-2"), std::invalid_argument);
    try {
        (void)AutodetectMethod::parse("bogus");
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()).find("expected first-found, interface=REGEX") !=
              std::string::npos);
    }
}

TEST_CASE("system_interfaces lists loopback", "[node-agent]") {
    bool lo = false;
    for (const auto& i : system_interfaces()) lo = lo || i.interface == "lo";
    CHECK(lo);
}
