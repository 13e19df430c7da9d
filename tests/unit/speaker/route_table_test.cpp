#include "speaker/route_table.hpp"

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <vector>

namespace {

using bgp::RouteEvent;
using bgp::speaker_detail::RouteTable;
namespace wire = bgp::wire;
namespace fsm = bgp::fsm;

wire::Prefix pfx(const char* s) { return *wire::Prefix::parse(s); }
wire::IpAddress ip(const char* s) { return *wire::IpAddress::parse(s); }

struct Recorder {
    std::vector<std::string> events;
    RouteTable::Emit emit() {
        return [this](RouteEvent::Kind k, const bgp::ReceivedRoute& r) {
            events.push_back(std::string(bgp::to_string(k)) + " " + r.prefix.to_string() +
                             (r.stale ? " stale" : ""));
        };
    }
};

wire::Update v4_update(std::vector<const char*> prefixes, const char* nh) {
    wire::Update u;
    u.attributes.origin = wire::Origin::igp;
    u.attributes.as_path = wire::AsPath{};
    u.attributes.next_hop = ip(nh);
    for (auto p : prefixes) u.nlri.push_back(wire::Nlri{pfx(p), std::nullopt});
    return u;
}

}  // namespace

TEST_CASE("route table: announce, replace, withdraw (IPv4 and MP IPv6)", "[speaker]") {
    RouteTable t;
    Recorder rec;
    t.apply(v4_update({"10.0.0.0/24", "10.0.1.0/24"}, "198.18.0.1"), rec.emit());
    CHECK(t.size() == 2);

    wire::Update v6;
    v6.attributes.origin = wire::Origin::igp;
    v6.attributes.mp_reach = wire::MpReach{
        wire::ipv6_unicast, {ip("2001:db8::1")}, {}, {{pfx("2001:db8:1::/48"), {}}}, {}};
    t.apply(v6, rec.emit());
    REQUIRE(t.size() == 3);
    auto routes = t.routes();
    bool seen_v6 = false;
    for (const auto& r : routes)
        if (r.family == wire::ipv6_unicast) {
            seen_v6 = true;
            REQUIRE(r.attributes);
            CHECK(r.attributes->next_hop == ip("2001:db8::1"));
            CHECK_FALSE(r.attributes->mp_reach.has_value());
        }
    CHECK(seen_v6);

    t.apply(v4_update({"10.0.0.0/24"}, "198.18.0.2"), rec.emit());  // replace
    CHECK(t.size() == 3);

    wire::Update w;
    w.withdrawn.push_back({pfx("10.0.1.0/24"), std::nullopt});
    w.withdrawn.push_back({pfx("10.9.9.0/24"), std::nullopt});  // unknown: ignored
    w.attributes.mp_unreach =
        wire::MpUnreach{wire::ipv6_unicast, {{pfx("2001:db8:1::/48"), {}}}, {}};
    t.apply(w, rec.emit());
    CHECK(t.size() == 1);
    CHECK(rec.events == std::vector<std::string>{"announced 10.0.0.0/24", "announced 10.0.1.0/24",
                                                 "announced 2001:db8:1::/48",
                                                 "announced 10.0.0.0/24", "withdrawn 10.0.1.0/24",
                                                 "withdrawn 2001:db8:1::/48"});
    CHECK(t.routes().front().attributes->next_hop == ip("198.18.0.2"));
}

TEST_CASE("route table: treat-as-withdraw and End-of-RIB", "[speaker]") {
    RouteTable t;
    Recorder rec;
    t.apply(v4_update({"10.0.0.0/24"}, "198.18.0.1"), rec.emit());
    auto bad = v4_update({"10.0.0.0/24"}, "198.18.0.1");
    bad.treat_as_withdraw = true;
    t.apply(bad, rec.emit());
    CHECK(t.size() == 0);
    t.apply(wire::make_end_of_rib(wire::ipv4_unicast), rec.emit());
    CHECK(rec.events == std::vector<std::string>{"announced 10.0.0.0/24", "withdrawn 10.0.0.0/24"});
}

TEST_CASE(
    "route table: graceful restart marks stale, re-announcement refreshes, sweep drops the rest",
    "[speaker]") {
    RouteTable t;
    Recorder rec;
    t.apply(v4_update({"10.0.0.0/24", "10.0.1.0/24"}, "198.18.0.1"), rec.emit());
    wire::Update v6;
    v6.attributes.mp_reach = wire::MpReach{
        wire::ipv6_unicast, {ip("2001:db8::1")}, {}, {{pfx("2001:db8:1::/48"), {}}}, {}};
    t.apply(v6, rec.emit());
    rec.events.clear();

    using What = fsm::GrStaleAction::What;
    t.apply(fsm::GrStaleAction{What::mark_stale, {wire::ipv4_unicast}, "peer restarting"},
            rec.emit());
    CHECK(t.stale_count() == 2);
    t.apply(v4_update({"10.0.1.0/24"}, "198.18.0.1"), rec.emit());  // re-sent: fresh
    CHECK(t.stale_count() == 1);
    t.apply(fsm::GrStaleAction{What::flush_stale, {wire::ipv4_unicast}, "End-of-RIB"}, rec.emit());
    CHECK(t.size() == 2);
    CHECK(t.stale_count() == 0);
    CHECK(rec.events == std::vector<std::string>{"stale 10.0.0.0/24 stale",
                                                 "stale 10.0.1.0/24 stale", "announced 10.0.1.0/24",
                                                 "withdrawn 10.0.0.0/24 stale"});

    rec.events.clear();
    t.apply(fsm::GrStaleAction{What::flush_all, {}, "session down"}, rec.emit());
    CHECK(t.size() == 0);
    CHECK(rec.events.size() == 2);
}

TEST_CASE("route table: long-lived stale tags LLGR_STALE and drops NO_LLGR routes (RFC 9494)",
          "[speaker]") {
    RouteTable t;
    Recorder rec;
    t.apply(v4_update({"10.0.0.0/24"}, "198.18.0.1"), rec.emit());
    auto no_llgr = v4_update({"10.0.1.0/24"}, "198.18.0.1");
    no_llgr.attributes.communities = std::vector<std::uint32_t>{wire::community::no_llgr};
    t.apply(no_llgr, rec.emit());
    rec.events.clear();
    using What = fsm::GrStaleAction::What;
    t.apply(fsm::GrStaleAction{What::mark_stale, {}, "peer restarting"}, rec.emit());
    t.apply(fsm::GrStaleAction{What::llgr_stale, {}, "restart time over"}, rec.emit());
    REQUIRE(t.size() == 1);
    const auto r = t.routes().front();
    CHECK(r.stale);
    REQUIRE(r.attributes->communities);
    CHECK(r.attributes->communities->back() == wire::community::llgr_stale);
    CHECK(rec.events ==
          std::vector<std::string>{"stale 10.0.0.0/24 stale", "stale 10.0.1.0/24 stale",
                                   "stale 10.0.0.0/24 stale", "withdrawn 10.0.1.0/24 stale"});
    // Applying it twice does not tag twice.
    t.apply(fsm::GrStaleAction{What::llgr_stale, {}, "again"}, rec.emit());
    CHECK(t.routes().front().attributes->communities->size() == 1);
}
