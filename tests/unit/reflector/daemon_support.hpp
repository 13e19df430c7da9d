// Test support shared by the reflector's tests that run a Daemon on real sockets
// (daemon_test, mrt_dump_test, inject_test, and api_support.hpp for the API
// tests): address helpers, a bounded io_context loop, and client speakers
// (iBGP reflector clients of a reflector listening on 127.0.0.1).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "bgp/speaker/speaker.hpp"

namespace reflector_test {

namespace asio = boost::asio;
namespace wire = bgp::wire;
using namespace std::chrono_literals;

inline wire::IpAddress ip(const char* s) { return *wire::IpAddress::parse(s); }
inline wire::Prefix pfx(const char* s) { return *wire::Prefix::parse(s); }

/// Runs the io_context until `done()` holds or `limit` passes (bounds the test
/// only; no assertion on time).
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = 20s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > end) return false;
        if (io.stopped()) io.restart();
        io.run_for(10ms);
    }
    return true;
}

/// A node of the cluster: iBGP client of the reflector at 127.0.0.1:port,
/// connecting from `local`, with router ID `id`.
inline std::unique_ptr<bgp::Speaker> client(asio::io_context& io, const char* local, const char* id,
                                            std::uint16_t port,
                                            std::vector<wire::Family> families = {
                                                wire::ipv4_unicast}) {
    bgp::SpeakerConfig c;
    c.local_as = 64512;
    c.router_id = ip(id).v4_value();
    c.log = [](bgp::LogLevel, std::string_view) {};
    auto s = std::make_unique<bgp::Speaker>(io, c);
    bgp::PeerConfig p;
    p.address = ip("127.0.0.1");
    p.port = port;
    p.peer_as = 64512;
    p.local_address = ip(local);
    p.session.hold_time = 9s;
    p.session.connect_retry_time = 1s;
    p.session.idle_hold_time = 1s;
    p.session.families = std::move(families);
    s->add_peer(p);
    s->start();
    return s;
}

inline bool established(const bgp::Speaker& s, const char* peer) {
    auto st = s.peer(ip(peer));
    return st && st->state == bgp::fsm::State::established;
}

}  // namespace reflector_test
