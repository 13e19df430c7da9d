// `bgp-reflector inject` (reflector/src/inject*.cpp): the command line, the
// routes taken from an MRT file (TABLE_DUMP_V2 written with bgp::mrt's writer,
// BGP4MP UPDATEs replayed), and a Daemon fed by an Injector over TCP on
// loopback (ports 28100-28199).
#include "inject.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "bgp/mrt/writer.hpp"
#include "bgp/wire/message.hpp"
#include "config.hpp"
#include "daemon.hpp"
#include "daemon_support.hpp"

namespace {

namespace asio = boost::asio;
namespace wire = bgp::wire;
namespace mrt = bgp::mrt;
using namespace std::chrono_literals;
using bgp::reflector::InjectOptions;

using reflector_test::ip;
using reflector_test::pfx;
using reflector_test::run_until;

std::variant<InjectOptions, std::string> parse(std::vector<std::string_view> args) {
    return bgp::reflector::parse_inject_args(args);
}

wire::PathAttributes attrs(std::vector<std::uint32_t> path, const char* next_hop,
                           std::uint32_t med) {
    wire::PathAttributes a;
    a.origin = wire::Origin::igp;
    a.as_path = wire::AsPath{{wire::AsSegment{wire::AsSegmentType::as_sequence, std::move(path)}}};
    a.next_hop = ip(next_hop);
    a.med = med;
    return a;
}

// Four prefixes, each with a first (best) entry from peer 0 and a second from
// peer 1; 10.3.0.0/24 only from peer 1.
std::vector<std::uint8_t> sample_dump() {
    const std::vector<mrt::Peer> peers = {mrt::Peer{ip("192.0.2.1"), 65001, 1},
                                          mrt::Peer{ip("192.0.2.2"), 65002, 2}};
    mrt::TableDumpWriter w({}, peers);
    for (const char* p : {"10.1.0.0/16", "10.2.0.0/24"}) {
        w.add(wire::ipv4_unicast, pfx(p),
              std::vector{mrt::WriteEntry{0, 1, {}, attrs({65001, 65100}, "198.18.1.1", 1)},
                          mrt::WriteEntry{1, 1, {}, attrs({65002, 65100}, "198.18.1.2", 2)}});
    }
    w.add(wire::ipv4_unicast, pfx("10.3.0.0/24"),
          std::vector{mrt::WriteEntry{1, 1, {}, attrs({65002}, "198.18.1.2", 3)}});
    w.add(wire::ipv6_unicast, pfx("2001:db8:5::/48"),
          std::vector{mrt::WriteEntry{0, 1, {}, attrs({65001}, "2001:db8::1", 4)}});
    return w.take();
}

void put16(std::vector<std::uint8_t>& b, std::uint32_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
    put16(b, v >> 16);
    put16(b, v & 0xffff);
}

// A BGP4MP MESSAGE_AS4 record (RFC 6396 §4.4.3) from peer 192.0.2.9 holding `u`.
std::vector<std::uint8_t> bgp4mp(const wire::Update& u) {
    const auto msg = wire::encode(wire::Message{u}, wire::CodecOptions{});
    REQUIRE(msg);
    std::vector<std::uint8_t> body;
    put32(body, 65009);  // peer AS
    put32(body, 65000);  // local AS
    put16(body, 0);      // interface index
    put16(body, 1);      // AFI IPv4
    for (const auto a : {ip("192.0.2.9"), ip("192.0.2.100")})
        body.insert(body.end(), a.data(), a.data() + 4);
    body.insert(body.end(), msg->begin(), msg->end());
    std::vector<std::uint8_t> rec;
    put32(rec, 1700000000);
    put16(rec, mrt::type::bgp4mp);
    put16(rec, mrt::bgp4mp_subtype::message_as4);
    put32(rec, static_cast<std::uint32_t>(body.size()));
    rec.insert(rec.end(), body.begin(), body.end());
    return rec;
}

InjectOptions options(std::uint16_t port, const std::string& file) {
    const std::string p = std::to_string(port);
    auto o = parse({"--mrt", file, "--neighbor", "127.0.0.1:" + p, "--asn", "64512",
                    "--local-address", "127.0.0.4"});
    REQUIRE(std::holds_alternative<InjectOptions>(o));
    return std::get<InjectOptions>(o);
}

std::string yaml(std::uint16_t port) {
    return "router-id: 10.0.0.1\n"
           "asn: 64512\n"
           "log-level: warning\n"
           "listen: { address: 127.0.0.1, port: " +
           std::to_string(port) +
           " }\n"
           "neighbors:\n"
           "  - { address: 127.0.0.4, asn: 64512, passive: true, route-reflector-client: true, "
           "hold-time: 9, families: [ipv4-unicast, ipv6-unicast] }\n";
}

}  // namespace

TEST_CASE("inject: command line", "[reflector][mrt]") {
    auto r = parse({"--mrt", "x.mrt", "--neighbor", "[::1]:1179", "--asn", "64512", "--local-as",
                    "4200000000", "--family", "ipv6-unicast", "--next-hop-self", "--limit", "10",
                    "--peer-index", "3", "--router-id", "10.9.9.9", "--exit-after-eor"});
    REQUIRE(std::holds_alternative<InjectOptions>(r));
    const auto& o = std::get<InjectOptions>(r);
    CHECK(o.mrt_file == "x.mrt");
    CHECK(o.neighbor == ip("::1"));
    CHECK(o.port == 1179);
    CHECK(o.asn == 64512);
    CHECK(o.local_as == std::optional<std::uint32_t>(4200000000u));
    CHECK(o.families == std::vector{wire::ipv6_unicast});
    CHECK(o.next_hop_self);
    CHECK(o.limit == std::optional<std::size_t>(10));
    CHECK(o.peer_index == std::optional<std::uint16_t>(3));
    CHECK(o.router_id == std::optional<std::uint32_t>(ip("10.9.9.9").v4_value()));
    CHECK(o.exit_after_eor);

    auto plain = parse({"--mrt", "f", "--neighbor", "10.0.0.1", "--asn", "1"});
    REQUIRE(std::holds_alternative<InjectOptions>(plain));
    CHECK(std::get<InjectOptions>(plain).port == 179);
    CHECK_FALSE(std::get<InjectOptions>(plain).exit_after_eor);

    const auto error = [](std::vector<std::string_view> a) {
        const auto res = parse(std::move(a));
        return std::holds_alternative<std::string>(res) ? std::get<std::string>(res) : "";
    };
    CHECK(error({"--neighbor", "10.0.0.1", "--asn", "1"}) == "--mrt FILE is required");
    CHECK(error({"--mrt", "f", "--asn", "1"}).find("--neighbor") == 0);
    CHECK(error({"--mrt", "f", "--neighbor", "10.0.0.1"}) == "--asn N is required");
    CHECK(error({"--mrt", "f", "--neighbor", "10.0.0.1:0", "--asn", "1"}).find("--neighbor") == 0);
    CHECK(error({"--mrt", "f", "--neighbor", "10.0.0.1", "--asn", "x"}) ==
          "--asn: expected an AS number 1..4294967295, got \"x\"");
    CHECK(error({"--mrt", "f", "--neighbor", "10.0.0.1", "--asn", "1", "--family", "l2vpn"})
              .find("--family") == 0);
    CHECK(error({"--mrt", "f", "--neighbor", "10.0.0.1", "--asn", "1", "--bogus", "1"}) ==
          "--bogus: unknown option");
    CHECK(error({"--mrt", "f", "--neighbor", "10.0.0.1", "--asn", "1", "--local-address", "::1"})
              .find("--local-address") == 0);
    CHECK(std::get<InjectOptions>(parse({"--help"})).help);
}

TEST_CASE("inject: routes of a table dump and of replayed UPDATEs", "[reflector][mrt]") {
    const auto dump = sample_dump();
    InjectOptions o;
    auto t = bgp::reflector::load_inject_table(dump, o);
    REQUIRE(t.routes.size() == 4);
    CHECK(t.rib_entries == 6);
    CHECK(t.routes[0].prefix == pfx("10.1.0.0/16"));
    CHECK(t.routes[0].attributes.med == std::optional<std::uint32_t>(1));  // the first entry
    CHECK(t.routes[0].attributes.next_hop == ip("198.18.1.1"));
    CHECK(t.routes[2].attributes.med == std::optional<std::uint32_t>(3));
    CHECK(t.routes[3].prefix == pfx("2001:db8:5::/48"));
    CHECK(t.routes[3].attributes.next_hop == ip("2001:db8::1"));  // from MP_REACH_NLRI
    CHECK_FALSE(t.routes[3].attributes.mp_reach);

    o.peer_index = 1;  // the second peer's entries
    t = bgp::reflector::load_inject_table(dump, o);
    REQUIRE(t.routes.size() == 3);
    CHECK(t.routes[0].attributes.med == std::optional<std::uint32_t>(2));
    o.peer_index.reset();
    o.families = {wire::ipv6_unicast};
    CHECK(bgp::reflector::load_inject_table(dump, o).routes.size() == 1);
    o.families.clear();
    o.limit = 2;
    CHECK(bgp::reflector::load_inject_table(dump, o).routes.size() == 2);
    o.limit.reset();
    o.next_hop_self = true;
    t = bgp::reflector::load_inject_table(dump, o);
    REQUIRE(t.routes.size() == 4);
    CHECK_FALSE(t.routes[0].attributes.next_hop);

    // BGP4MP: announce two, withdraw one, re-announce the other with a new next hop.
    wire::Update u1;
    u1.attributes = attrs({65009}, "192.0.2.9", 5);
    u1.nlri = {wire::Nlri{pfx("10.5.0.0/24"), {}}, wire::Nlri{pfx("10.6.0.0/24"), {}}};
    wire::Update u2;
    u2.withdrawn = {wire::Nlri{pfx("10.5.0.0/24"), {}}};
    wire::Update u3;
    u3.attributes = attrs({65009, 65010}, "192.0.2.10", 6);
    u3.nlri = {wire::Nlri{pfx("10.6.0.0/24"), {}}};
    std::vector<std::uint8_t> updates;
    for (const auto* u : {&u1, &u2, &u3}) {
        const auto rec = bgp4mp(*u);
        updates.insert(updates.end(), rec.begin(), rec.end());
    }
    t = bgp::reflector::load_inject_table(updates, InjectOptions{});
    CHECK(t.updates == 3);
    CHECK(t.withdrawn == 1);
    REQUIRE(t.routes.size() == 1);
    CHECK(t.routes[0].prefix == pfx("10.6.0.0/24"));
    CHECK(t.routes[0].attributes.next_hop == ip("192.0.2.10"));
    CHECK(t.routes[0].attributes.as_path->segments[0].asns ==
          std::vector<std::uint32_t>{65009, 65010});
    InjectOptions other;
    other.peer_address = ip("192.0.2.77");
    CHECK(bgp::reflector::load_inject_table(updates, other).routes.empty());
}

TEST_CASE("inject: a daemon's RIB holds the routes of an MRT file", "[reflector][mrt]") {
    asio::io_context io;
    constexpr std::uint16_t port = 28101;
    bgp::reflector::Daemon daemon(io, bgp::reflector::parse_config(yaml(port), "r.yaml"));
    daemon.start();

    const auto o = options(port, "unused.mrt");
    std::ostringstream progress;
    bgp::reflector::Injector injector(io, o, bgp::reflector::load_inject_table(sample_dump(), o),
                                      progress);
    CHECK(injector.announced() == 4);
    bool eor = false;
    injector.start([&] { eor = true; });
    REQUIRE(run_until(io, [&] {
        return eor && daemon.speaker().rib(wire::ipv4_unicast).size() == 3 &&
               daemon.speaker().rib(wire::ipv6_unicast).size() == 1;
    }));
    CHECK(injector.eor_sent());
    const auto rib = daemon.speaker().rib(wire::ipv4_unicast, pfx("10.2.0.0/24"));
    REQUIRE(rib.size() == 1);
    CHECK(rib[0].peer == ip("127.0.0.4"));
    CHECK(rib[0].attributes.next_hop == ip("198.18.1.1"));
    CHECK(rib[0].attributes.med == std::optional<std::uint32_t>(1));
    REQUIRE(rib[0].attributes.as_path);
    CHECK(rib[0].attributes.as_path->segments[0].asns ==
          std::vector<std::uint32_t>{65001, 65100});  // iBGP: as recorded
    const auto rib6 = daemon.speaker().rib(wire::ipv6_unicast);
    REQUIRE(rib6.size() == 1);
    CHECK(rib6[0].attributes.next_hop == ip("2001:db8::1"));
    const std::string text = progress.str();
    CHECK(text.find("4 route(s) to announce") != std::string::npos);
    CHECK(text.find("End-of-RIB sent") != std::string::npos);

    bool stopped = false, done = false;
    injector.stop([&] { stopped = true; });
    daemon.shutdown("test over", [&] { done = true; });
    CHECK(run_until(io, [&] { return stopped && done; }));
}

TEST_CASE("inject: run_inject with --exit-after-eor against a daemon", "[reflector][mrt]") {
    asio::io_context io;
    constexpr std::uint16_t port = 28111;
    bgp::reflector::Daemon daemon(io, bgp::reflector::parse_config(yaml(port), "r.yaml"));
    std::size_t eors = 0;
    daemon.speaker().on_route([&](const bgp::RouteEvent& e) {
        if (e.kind == bgp::RouteEvent::Kind::end_of_rib && e.peer == ip("127.0.0.4")) ++eors;
    });
    daemon.start();

    const std::string file = "/tmp/bgp-inject-test-28111.mrt";
    {
        const auto bytes = sample_dump();
        std::ofstream(file, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()),
                   static_cast<std::streamsize>(bytes.size()));
    }
    auto o = options(port, file);
    o.exit_after_eor = true;
    int rc = -1;
    bool finished = false;
    std::thread t([&] {
        rc = bgp::reflector::run_inject(o);
        finished = true;  // read after join only
    });
    // The daemon runs here until the injector has sent both End-of-RIBs and gone.
    const bool went = run_until(io, [&] {
        const auto st = daemon.speaker().peer(ip("127.0.0.4"));
        return eors == 2 && st && st->state != bgp::fsm::State::established;
    });
    t.join();
    std::remove(file.c_str());
    CHECK(went);
    CHECK(finished);
    CHECK(rc == 0);
    CHECK(eors == 2);

    bool done = false;
    daemon.shutdown("test over", [&] { done = true; });
    CHECK(run_until(io, [&] { return done; }));
}
