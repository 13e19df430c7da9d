// dump_mrt (reflector/src/mrt_dump.cpp): a daemon's RIB, with routes from
// in-process peers over TCP on loopback (ports 28000-28099), written as
// TABLE_DUMP_V2 and read back with bgp::mrt::Reader.
#include "mrt_dump.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "bgp/mrt/reader.hpp"
#include "bgp/speaker/speaker.hpp"
#include "config.hpp"
#include "daemon.hpp"
#include "daemon_support.hpp"

namespace {

namespace asio = boost::asio;
namespace wire = bgp::wire;
using namespace std::chrono_literals;

using reflector_test::client;
using reflector_test::ip;
using reflector_test::pfx;
using reflector_test::run_until;

std::string yaml(std::uint16_t port) {
    return "router-id: 10.0.0.1\n"
           "asn: 64512\n"
           "log-level: warning\n"
           "listen: { address: 127.0.0.1, port: " +
           std::to_string(port) +
           " }\n"
           "neighbors:\n"
           "  - { address: 127.0.0.2, asn: 64512, passive: true, route-reflector-client: true, "
           "hold-time: 9, families: [ipv4-unicast, ipv6-unicast] }\n"
           "  - { address: 127.0.0.3, asn: 64512, passive: true, route-reflector-client: true, "
           "hold-time: 9, families: [ipv4-unicast, ipv6-unicast] }\n";
}

bool established(const bgp::Speaker& s, const char* peer) {
    const auto st = s.peer(ip(peer));
    return st && st->state == bgp::fsm::State::established;
}

}  // namespace

TEST_CASE("dump_mrt writes the daemon's RIB as TABLE_DUMP_V2", "[reflector][mrt]") {
    asio::io_context io;
    constexpr std::uint16_t port = 28001;
    bgp::reflector::Daemon daemon(io, bgp::reflector::parse_config(yaml(port), "r.yaml"));
    daemon.start();
    auto a = client(io, "127.0.0.2", "10.0.0.2", port, {wire::ipv4_unicast, wire::ipv6_unicast});
    auto b = client(io, "127.0.0.3", "10.0.0.3", port, {wire::ipv4_unicast, wire::ipv6_unicast});
    REQUIRE(run_until(io, [&] {
        return established(daemon.speaker(), "127.0.0.2") &&
               established(daemon.speaker(), "127.0.0.3");
    }));

    // A and B both announce 10.1.0.0/16 (A with the higher LOCAL_PREF wins);
    // A alone 10.2.0.0/24 and an IPv6 prefix; the daemon one of its own.
    wire::PathAttributes pa;
    pa.next_hop = ip("198.18.0.2");
    pa.local_pref = 200;
    pa.communities = std::vector<std::uint32_t>{(64512u << 16) | 1};
    a->announce(pfx("10.1.0.0/16"), pa);
    a->announce(pfx("10.2.0.0/24"), pa);
    wire::PathAttributes pa6;
    pa6.next_hop = ip("2001:db8::2");
    a->announce(pfx("2001:db8:1::/48"), pa6);
    wire::PathAttributes pb;
    pb.next_hop = ip("198.18.0.3");
    b->announce(pfx("10.1.0.0/16"), pb);
    wire::PathAttributes own;
    own.next_hop = ip("198.18.0.1");
    daemon.speaker().announce(pfx("10.99.0.0/16"), own);
    REQUIRE(run_until(io, [&] {
        return daemon.speaker().rib(wire::ipv4_unicast).size() == 4 &&
               daemon.speaker().rib(wire::ipv6_unicast).size() == 1;
    }));

    bgp::reflector::MrtDumpOptions opts;
    opts.timestamp = 1700000000;
    bgp::mrt::WriterStats stats;
    const auto bytes = bgp::reflector::dump_mrt(daemon.speaker(), opts, &stats);
    CHECK(stats.entries == 5);
    CHECK(stats.skipped == 0);

    bgp::mrt::Reader reader(bytes);
    std::vector<bgp::mrt::RibEntry> entries;
    std::optional<bgp::mrt::PeerIndexTable> peers;
    while (auto rec = reader.next()) {
        INFO(rec->error.value_or(""));
        REQUIRE_FALSE(rec->error);
        CHECK(rec->timestamp == 1700000000);
        if (auto* t = std::get_if<bgp::mrt::PeerIndexTable>(&rec->body)) peers = *t;
        if (auto* r = std::get_if<bgp::mrt::RibRecord>(&rec->body))
            entries.insert(entries.end(), r->entries.begin(), r->entries.end());
    }
    REQUIRE(peers);
    CHECK(peers->collector_id == ip("10.0.0.1").v4_value());
    CHECK(peers->view_name == "bgp-reflector");
    REQUIRE(peers->peers.size() == 3);
    CHECK(peers->peers[0].address == ip("10.0.0.1"));  // ourselves
    CHECK(peers->peers[0].asn == 64512);

    REQUIRE(entries.size() == 5);
    std::map<std::string, std::vector<const bgp::mrt::RibEntry*>> by_prefix;
    for (const auto& e : entries) {
        INFO(e.prefix.to_string() << ": " << (e.errors.empty() ? "" : e.errors[0].reason));
        CHECK(e.errors.empty());
        by_prefix[e.prefix.to_string()].push_back(&e);
    }
    REQUIRE(by_prefix["10.1.0.0/16"].size() == 2);
    const auto& best = *by_prefix["10.1.0.0/16"][0];  // best path first
    CHECK(best.peer.address == ip("127.0.0.2"));
    CHECK(best.peer.bgp_id == ip("10.0.0.2").v4_value());  // from its OPEN
    CHECK(best.attributes.local_pref == std::optional<std::uint32_t>(200));
    CHECK(best.attributes.next_hop == ip("198.18.0.2"));
    CHECK(best.attributes.communities == pa.communities);
    CHECK(by_prefix["10.1.0.0/16"][1]->peer.address == ip("127.0.0.3"));
    REQUIRE(by_prefix["10.2.0.0/24"].size() == 1);
    REQUIRE(by_prefix["10.99.0.0/16"].size() == 1);
    CHECK(by_prefix["10.99.0.0/16"][0]->peer_index == 0);
    CHECK(by_prefix["10.99.0.0/16"][0]->attributes.next_hop == ip("198.18.0.1"));
    REQUIRE(by_prefix["2001:db8:1::/48"].size() == 1);
    const auto& v6 = *by_prefix["2001:db8:1::/48"][0];
    CHECK(v6.family == wire::ipv6_unicast);
    REQUIRE(v6.attributes.mp_reach);
    CHECK(v6.attributes.mp_reach->next_hops.front() == ip("2001:db8::2"));

    // Best paths only: one entry per prefix, the same ones.
    opts.best_only = true;
    const auto best_bytes = bgp::reflector::dump_mrt(daemon.speaker(), opts, &stats);
    CHECK(stats.entries == 4);
    CHECK(best_bytes.size() < bytes.size());

    bool done_a = false, done_b = false, done_d = false;
    a->shutdown({}, [&] { done_a = true; });
    b->shutdown({}, [&] { done_b = true; });
    daemon.shutdown("test over", [&] { done_d = true; });
    CHECK(run_until(io, [&] { return done_a && done_b && done_d; }));
}
