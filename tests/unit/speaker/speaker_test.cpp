// Speakers over real TCP sockets on loopback (127.0.0.x, ::1; ports 21000-22999),
// several in one io_context: sessions, routes both ways, MD5, a peer that stops
// reading, administrative shutdown, dynamic peers, clean shutdown.
#include "bgp/speaker/speaker.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bgp/fsm/negotiate.hpp"

namespace {

namespace asio = boost::asio;
namespace wire = bgp::wire;
namespace fsm = bgp::fsm;
using namespace std::chrono_literals;

wire::IpAddress ip(const char* s) { return *wire::IpAddress::parse(s); }
wire::Prefix pfx(const char* s) { return *wire::Prefix::parse(s); }

/// Runs the io_context until `done()` holds or `limit` (wall clock) passes.
/// The limit only bounds the test; no assertion is made about time.
bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = 20s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > end) return false;
        if (io.stopped()) io.restart();
        io.run_for(10ms);
    }
    return true;
}

struct Logs {
    std::vector<std::string> lines;
    bgp::LogHandler handler() {
        return [this](bgp::LogLevel, std::string_view l) { lines.emplace_back(l); };
    }
    [[nodiscard]] bool contains(std::string_view s) const {
        for (const auto& l : lines)
            if (l.find(s) != std::string::npos) return true;
        return false;
    }
};

bgp::SpeakerConfig speaker_config(std::uint32_t as, const char* id, const char* listen,
                                  std::uint16_t port, Logs& logs) {
    bgp::SpeakerConfig c;
    c.local_as = as;
    c.router_id = ip(id).v4_value();
    if (listen != nullptr) c.listen.push_back({ip(listen), port});
    c.log_level = bgp::LogLevel::debug;
    c.log = logs.handler();
    return c;
}

const bgp::PeerConfig& default_peer() {
    static const bgp::PeerConfig p{};
    return p;
}

bgp::PeerConfig peer(const char* address, std::uint16_t port, std::uint32_t as, const char* local) {
    bgp::PeerConfig p = default_peer();
    p.address = ip(address);
    p.port = port;
    p.peer_as = as;
    p.local_address = ip(local);
    p.session.hold_time = 9s;
    p.session.connect_retry_time = 1s;
    p.session.idle_hold_time = 1s;
    return p;
}

bool established(const bgp::Speaker& s, const char* address) {
    auto st = s.peer(ip(address));
    return st && st->state == fsm::State::established;
}

}  // namespace

TEST_CASE("speakers on loopback: session up, routes both ways, clean shutdown", "[speaker]") {
    asio::io_context io;
    Logs la, lb;
    bgp::Speaker a(io, speaker_config(65001, "10.0.0.1", "127.0.0.1", 21001, la));
    bgp::Speaker b(io, speaker_config(65002, "10.0.0.2", "127.0.0.2", 21002, lb));
    a.add_peer(peer("127.0.0.2", 21002, 65002, "127.0.0.1"));
    b.add_peer(peer("127.0.0.1", 21001, 65001, "127.0.0.2"));

    wire::PathAttributes attrs;
    attrs.med = 5;
    attrs.next_hop = ip("198.18.0.1");
    attrs.large_communities = std::vector<wire::LargeCommunity>{{65001, 7, 8}};
    a.announce(pfx("192.168.10.0/26"), attrs);
    b.announce(pfx("192.168.20.0/26"));

    std::vector<bgp::RouteEvent> at_b;
    b.on_route([&](const bgp::RouteEvent& e) { at_b.push_back(e); });
    std::vector<wire::Update> updates_at_b;
    b.on_update([&](const wire::IpAddress&, const wire::Update& u) { updates_at_b.push_back(u); });

    a.start();
    b.start();
    REQUIRE(a.listening().size() == 1);
    CHECK(a.listening()[0].second == 21001);

    REQUIRE(run_until(io, [&] {
        return a.received_routes(ip("127.0.0.2")).size() == 1 &&
               b.received_routes(ip("127.0.0.1")).size() == 1;
    }));
    const auto r = b.received_routes(ip("127.0.0.1")).at(0);
    CHECK(r.prefix == pfx("192.168.10.0/26"));
    CHECK(r.attributes->next_hop == ip("198.18.0.1"));
    CHECK(r.attributes->med == 5u);
    CHECK(r.attributes->as_path->to_string() == "65001");
    CHECK(r.attributes->large_communities == attrs.large_communities);
    const auto r2 = a.received_routes(ip("127.0.0.2")).at(0);
    CHECK(r2.attributes->next_hop == ip("127.0.0.2"));  // next hop self = session address
    CHECK_FALSE(updates_at_b.empty());

    auto st = a.peer(ip("127.0.0.2"));
    REQUIRE(st);
    CHECK(st->state == fsm::State::established);
    CHECK(st->established_since.has_value());
    CHECK(st->local_endpoint.rfind("127.0.0.1:", 0) == 0);
    CHECK(st->remote_endpoint.rfind("127.0.0.2:", 0) == 0);
    CHECK(la.contains("-> Established"));

    // Withdrawal and a new announcement at run time.
    CHECK(a.withdraw(pfx("192.168.10.0/26")));
    a.announce(pfx("192.168.11.0/26"));
    REQUIRE(run_until(io, [&] {
        auto routes = b.received_routes(ip("127.0.0.1"));
        return routes.size() == 1 && routes[0].prefix == pfx("192.168.11.0/26");
    }));

    bool done_a = false, done_b = false;
    a.shutdown("bye", [&] { done_a = true; });
    b.shutdown("", [&] { done_b = true; });
    REQUIRE(run_until(
        io, [&] { return done_a && done_b; }, 10s));
    // Nothing left to do: run() returns by itself.
    io.restart();
    const auto handlers = io.run_for(5s);
    (void)handlers;
    CHECK(io.stopped());
}

TEST_CASE("speakers on ::1 with IPv6 routes", "[speaker]") {
    asio::io_context io;
    Logs la, lb;
    bgp::Speaker a(io, speaker_config(65001, "10.0.0.1", "::1", 21011, la));
    bgp::Speaker b(io, speaker_config(65002, "10.0.0.2", nullptr, 0, lb));
    auto pa = peer("::1", 21099, 65002, "::1");
    pa.passive = true;
    pa.session.families = {wire::ipv6_unicast};
    auto pb = peer("::1", 21011, 65001, "::1");
    pb.session.families = {wire::ipv6_unicast};
    a.add_peer(pa);
    b.add_peer(pb);
    a.announce(pfx("2001:db8:10::/48"));
    a.start();
    b.start();
    REQUIRE(run_until(io, [&] { return b.received_routes(ip("::1")).size() == 1; }));
    const auto r = b.received_routes(ip("::1")).at(0);
    CHECK(r.family == wire::ipv6_unicast);
    CHECK(r.attributes->next_hop == ip("::1"));
}

TEST_CASE("TCP MD5: the right key establishes, a wrong key never does", "[speaker]") {
    asio::io_context io;
    Logs la, lb, lc;
    bgp::Speaker a(io, speaker_config(65001, "10.0.0.1", "127.0.0.1", 21021, la));
    bgp::Speaker b(io, speaker_config(65002, "10.0.0.2", "127.0.0.2", 21022, lb));
    bgp::Speaker c(io, speaker_config(65003, "10.0.0.3", "127.0.0.3", 21023, lc));
    auto ab = peer("127.0.0.2", 21022, 65002, "127.0.0.1");
    ab.password = "right key";
    auto ac = peer("127.0.0.3", 21023, 65003, "127.0.0.1");
    ac.password = "right key";
    auto ba = peer("127.0.0.1", 21021, 65001, "127.0.0.2");
    ba.password = "right key";
    auto ca = peer("127.0.0.1", 21021, 65001, "127.0.0.3");
    ca.password = "wrong key";
    a.add_peer(ab);
    a.add_peer(ac);
    b.add_peer(ba);
    c.add_peer(ca);
    a.start();
    b.start();
    c.start();
    REQUIRE(
        run_until(io, [&] { return established(a, "127.0.0.2") && established(b, "127.0.0.1"); }));
    // Bounded wait: the wrong key must not establish in several connect retries.
    run_until(
        io, [] { return false; }, 4s);
    CHECK_FALSE(established(a, "127.0.0.3"));
    CHECK_FALSE(established(c, "127.0.0.1"));
    CHECK(la.lines.size() > 0);
    CHECK_FALSE(la.contains("refused the TCP MD5 key"));
}

TEST_CASE("administrative shutdown reaches the peer with its message", "[speaker]") {
    asio::io_context io;
    Logs la, lb;
    bgp::Speaker a(io, speaker_config(65001, "10.0.0.1", "127.0.0.1", 21031, la));
    bgp::Speaker b(io, speaker_config(65002, "10.0.0.2", "127.0.0.2", 21032, lb));
    a.add_peer(peer("127.0.0.2", 21032, 65002, "127.0.0.1"));
    b.add_peer(peer("127.0.0.1", 21031, 65001, "127.0.0.2"));
    a.start();
    b.start();
    REQUIRE(
        run_until(io, [&] { return established(a, "127.0.0.2") && established(b, "127.0.0.1"); }));
    std::optional<bgp::PeerEvent> down;
    b.on_state_change([&](const bgp::PeerEvent& e) {
        if (e.from == fsm::State::established) down = e;
    });
    CHECK(a.stop_peer(ip("127.0.0.2"), "planned maintenance"));
    REQUIRE(run_until(io, [&] { return down.has_value(); }));
    REQUIRE(down->reason.notification);
    CHECK(down->reason.notification->code == 6);
    CHECK(down->reason.notification->shutdown_communication() == "planned maintenance");
    CHECK(lb.contains("planned maintenance"));
}

TEST_CASE("a peer that stops reading is dropped; the other peer gets every route", "[speaker]") {
    asio::io_context io;
    Logs la, lb;
    auto ca = speaker_config(65001, "10.0.0.1", "127.0.0.1", 21041, la);
    ca.write_queue_limit = 1024 * 1024;
    ca.log_level = bgp::LogLevel::info;
    bgp::Speaker a(io, ca);
    bgp::Speaker b(io, speaker_config(65002, "10.0.0.2", "127.0.0.2", 21042, lb));
    // A long hold time: this test is about the write side, and under a
    // sanitizer on a loaded machine 15 MB of UPDATEs may keep one io_context
    // busy for longer than 9 s.
    auto to_b = peer("127.0.0.2", 21042, 65002, "127.0.0.1");
    to_b.session.hold_time = 60s;
    a.add_peer(to_b);
    auto to_a = peer("127.0.0.1", 21041, 65001, "127.0.0.2");
    to_a.session.hold_time = 60s;
    b.add_peer(to_a);
    auto stuck = peer("127.0.0.9", 179, 65009, "127.0.0.1");
    stuck.passive = true;
    stuck.session.hold_time = 240s;
    stuck.session.send_hold_time = 3s;  // RFC 9687: no write progress for 3 s ends it
    a.add_peer(stuck);

    // About 7 MB of UPDATEs, announced in one go before the sessions are up:
    // far more than the socket buffers and 7 times the write-queue limit.
    // The export is paced by each peer's reading, so the initial table must
    // reach the reading peer whole while the queue stays within its limit.
    constexpr std::uint32_t routes = 2000;
    for (std::uint32_t i = 0; i < routes; ++i) {
        wire::PathAttributes at;
        std::vector<std::uint32_t> comms(900);
        for (std::uint32_t k = 0; k < comms.size(); ++k) comms[k] = (i << 12) + k;
        at.communities = std::move(comms);
        a.announce(wire::Prefix(wire::IpAddress::v4(0x0A000000u + (i << 8)), 24), at);
    }
    a.start();
    b.start();

    // A raw BGP peer that sends OPEN + KEEPALIVE and then never reads.
    asio::ip::tcp::socket raw(io);
    raw.open(asio::ip::tcp::v4());
    raw.set_option(asio::socket_base::receive_buffer_size(4096));
    raw.bind({asio::ip::make_address("127.0.0.9"), 0});
    raw.connect({asio::ip::make_address("127.0.0.1"), 21041});
    fsm::SessionConfig sc;
    sc.local_as = 65009;
    sc.router_id = ip("10.0.0.9").v4_value();
    sc.hold_time = 240s;
    auto open = wire::encode(wire::Message{fsm::make_open(sc)}, wire::CodecOptions{});
    auto keepalive = wire::encode(wire::Message{wire::Keepalive{}}, wire::CodecOptions{});
    REQUIRE(open);
    REQUIRE(keepalive);
    asio::write(raw, asio::buffer(*open));
    asio::write(raw, asio::buffer(*keepalive));

    std::size_t max_queue = 0;
    bool stuck_was_up = false;
    auto watch = [&] {
        if (auto st = a.peer(ip("127.0.0.9"))) {
            max_queue = std::max(max_queue, st->write_queue_bytes);
            stuck_was_up = stuck_was_up || st->state == fsm::State::established;
        }
        if (auto st = a.peer(ip("127.0.0.2")))
            max_queue = std::max(max_queue, st->write_queue_bytes);
    };
    const bool all_arrived = run_until(
        io,
        [&] {
            watch();
            return b.received_routes(ip("127.0.0.1")).size() == routes;
        },
        120s);
    if (!all_arrived) {
        for (const auto& l : la.lines) UNSCOPED_INFO("a: " << l);
        for (const auto& l : lb.lines) UNSCOPED_INFO("b: " << l);
    }
    REQUIRE(all_arrived);
    REQUIRE(run_until(io, [&] {
        watch();
        return stuck_was_up && !established(a, "127.0.0.9");
    }));
    CHECK(max_queue <= ca.write_queue_limit);
    CHECK(la.contains("send hold timer expired"));
    CHECK(established(a, "127.0.0.2"));
    CHECK(established(b, "127.0.0.1"));
    // The reading peer's session never dropped: the table went out paced.
    CHECK(a.peer(ip("127.0.0.2"))->flap_count == 0);
}

TEST_CASE("dynamic peers: a connection from the range creates a peer", "[speaker]") {
    asio::io_context io;
    Logs la, lb;
    bgp::Speaker a(io, speaker_config(65001, "10.0.0.1", "127.0.0.1", 21051, la));
    bgp::Speaker b(io, speaker_config(65002, "10.0.0.2", nullptr, 0, lb));
    bgp::DynamicPeerConfig d;
    d.range = pfx("127.0.3.0/24");
    d.settings = default_peer();
    d.settings.peer_as = 0;  // any AS
    d.settings.session.hold_time = 9s;
    a.add_dynamic_peers(d);
    CHECK_THROWS_AS(a.add_dynamic_peers(d), std::invalid_argument);
    b.add_peer(peer("127.0.0.1", 21051, 65001, "127.0.3.5"));
    b.announce(pfx("192.168.30.0/26"));
    a.start();
    b.start();
    REQUIRE(run_until(io, [&] { return a.received_routes(ip("127.0.3.5")).size() == 1; }));
    auto st = a.peer(ip("127.0.3.5"));
    REQUIRE(st);
    CHECK(st->dynamic);
    CHECK(st->peer_as == 65002u);
    // The dynamic peer goes away with its session.
    CHECK(b.remove_peer(ip("127.0.0.1"), "gone"));
    REQUIRE(run_until(io, [&] { return !a.peer(ip("127.0.3.5")).has_value(); }));
}

TEST_CASE("invalid configuration is refused at the API", "[speaker]") {
    asio::io_context io;
    Logs l;
    CHECK_THROWS_AS(bgp::Speaker(io, speaker_config(0, "10.0.0.1", nullptr, 0, l)),
                    std::invalid_argument);
    bgp::Speaker a(io, speaker_config(65001, "10.0.0.1", nullptr, 0, l));
    auto p = peer("127.0.0.2", 21060, 65002, "127.0.0.1");
    p.password = std::string(81, 'x');
    CHECK_THROWS_AS(a.add_peer(p), std::invalid_argument);
    p = peer("127.0.0.2", 21060, 65002, "127.0.0.1");
    p.session.hold_time = 2s;
    CHECK_THROWS_AS(a.add_peer(p), std::invalid_argument);
    p.session.hold_time = 9s;
    a.add_peer(p);
    CHECK_THROWS_AS(a.add_peer(p), std::invalid_argument);
    CHECK_THROWS_AS(a.announce(pfx("192.168.0.0/24"),
                               [] {
                                   wire::PathAttributes at;
                                   at.next_hop = ip("2001:db8::1");
                                   return at;
                               }()),
                    std::invalid_argument);
    CHECK_FALSE(a.remove_peer(ip("127.0.0.77")));
    CHECK(a.remove_peer(ip("127.0.0.2")));
}

TEST_CASE("listening on a port in use throws", "[speaker]") {
    asio::io_context io;
    Logs l1, l2;
    bgp::Speaker a(io, speaker_config(65001, "10.0.0.1", "127.0.0.1", 21071, l1));
    bgp::Speaker b(io, speaker_config(65002, "10.0.0.2", "127.0.0.1", 21071, l2));
    a.start();
    CHECK_THROWS_AS(b.start(), std::system_error);
}

TEST_CASE("dynamic peers with a TCP MD5 prefix key (TCP_MD5SIG_EXT on the listener)", "[speaker]") {
    asio::io_context io;
    Logs la, lb, lc;
    bgp::Speaker a(io, speaker_config(65001, "10.0.0.1", "127.0.0.1", 21081, la));
    bgp::Speaker b(io, speaker_config(65002, "10.0.0.2", nullptr, 0, lb));
    bgp::Speaker c(io, speaker_config(65003, "10.0.0.3", nullptr, 0, lc));
    bgp::DynamicPeerConfig d;
    d.range = pfx("127.0.4.0/24");
    d.settings = default_peer();
    d.settings.password = "cluster key";
    d.settings.session.hold_time = 9s;
    a.add_dynamic_peers(d);
    auto pb = peer("127.0.0.1", 21081, 65001, "127.0.4.2");
    pb.password = "cluster key";
    auto pc = peer("127.0.0.1", 21081, 65001, "127.0.4.3");
    pc.password = "another key";
    b.add_peer(pb);
    c.add_peer(pc);
    a.start();
    b.start();
    c.start();
    REQUIRE(run_until(io, [&] { return established(b, "127.0.0.1"); }));
    CHECK(established(a, "127.0.4.2"));
    CHECK_FALSE(la.contains("refused the TCP MD5 key"));
    run_until(
        io, [] { return false; }, 3s);
    CHECK_FALSE(established(c, "127.0.0.1"));
    CHECK_FALSE(established(a, "127.0.4.3"));
}

TEST_CASE("GTSM: TTL 255 both ways establishes; a peer sending TTL 1 never does", "[speaker]") {
    asio::io_context io;
    Logs la, lb, lc;
    bgp::Speaker a(io, speaker_config(65001, "10.0.0.1", "127.0.0.1", 21091, la));
    bgp::Speaker b(io, speaker_config(65002, "10.0.0.2", "127.0.0.2", 21092, lb));
    bgp::Speaker c(io, speaker_config(65003, "10.0.0.3", "127.0.0.3", 21093, lc));
    auto ab = peer("127.0.0.2", 21092, 65002, "127.0.0.1");
    auto ac = peer("127.0.0.3", 21093, 65003, "127.0.0.1");
    auto ba = peer("127.0.0.1", 21091, 65001, "127.0.0.2");
    auto ca = peer("127.0.0.1", 21091, 65001, "127.0.0.3");  // eBGP without GTSM: TTL 1
    for (auto* p : {&ab, &ac, &ba}) p->ttl_security = true;
    a.add_peer(ab);
    a.add_peer(ac);
    b.add_peer(ba);
    c.add_peer(ca);
    a.start();
    b.start();
    c.start();
    REQUIRE(
        run_until(io, [&] { return established(a, "127.0.0.2") && established(b, "127.0.0.1"); }));
    CHECK_FALSE(la.contains("refused by the kernel"));
    run_until(
        io, [] { return false; }, 3s);
    CHECK_FALSE(established(a, "127.0.0.3"));
    CHECK_FALSE(established(c, "127.0.0.1"));
    CHECK(la.contains("connection refused by GTSM: TTL 1 below 255"));
}
