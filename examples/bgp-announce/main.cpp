// bgp-announce: holds one BGP session with libbgp's bgp::Speaker, announces the
// prefixes given, and prints one JSON line per session event and per received
// route until SIGINT or SIGTERM, which send Cease / Administrative Shutdown
// (RFC 9003 message) before exiting. Operators use it to test a peering; the
// interop suite (tests/interop) uses it against BIRD, FRR, GoBGP and ExaBGP.
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "../bgp-decode/json_format.hpp"
#include "bgp/speaker/speaker.hpp"
#include "events_json.hpp"
#include "options.hpp"

namespace {

namespace w = bgp::wire;
using bgp_announce::Options;

void print_line(const boost::json::value& v) {
    std::string line = bgp_decode::serialize(v, false);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

void log_line(bgp::LogLevel level, std::string_view text) {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
    std::fprintf(stderr, "%s.%03lld %-7s %.*s\n", stamp, static_cast<long long>(ms),
                 std::string(bgp::to_string(level)).c_str(), static_cast<int>(text.size()),
                 text.data());
    std::fflush(stderr);
}

std::vector<w::Family> session_families(const Options& o) {
    if (!o.families.empty()) return o.families;
    std::vector<w::Family> f{o.peer.address.is_v4() ? w::ipv4_unicast : w::ipv6_unicast};
    for (const auto& r : o.routes) {
        w::Family rf = r.prefix.afi() == w::Afi::ipv4 ? w::ipv4_unicast : w::ipv6_unicast;
        if (std::find(f.begin(), f.end(), rf) == f.end()) f.push_back(rf);
    }
    return f;
}

bgp::PeerConfig peer_config(const Options& o) {
    bgp::PeerConfig p;
    p.address = o.peer.address;
    p.port = o.peer.port;
    p.local_address = o.local_address;
    p.peer_as = o.peer_as;
    p.passive = o.passive;
    p.password = o.password;
    p.ttl_security = o.ttl_security;
    p.multihop = o.multihop;
    p.description = "bgp-announce";
    auto& s = p.session;
    if (o.hold_time) s.hold_time = std::chrono::seconds(*o.hold_time);
    if (o.connect_retry) s.connect_retry_time = std::chrono::seconds(*o.connect_retry);
    if (o.idle_hold) s.idle_hold_time = std::chrono::seconds(*o.idle_hold);
    s.families = session_families(o);
    if (o.graceful_restart) {
        s.graceful_restart.enabled = true;
        s.graceful_restart.restart_time = std::chrono::seconds(*o.graceful_restart);
    }
    return p;
}

bgp::Route make_route(const Options& o, const bgp_announce::RouteSpec& r) {
    bgp::Route route;
    route.prefix = r.prefix;
    auto& a = route.attributes;
    a.origin = w::Origin::igp;
    if (r.next_hop) {
        a.next_hop = r.next_hop;
    } else if (o.next_hop && o.next_hop->afi() == r.prefix.afi()) {
        a.next_hop = o.next_hop;
    }
    if (r.med) {
        a.med = r.med;
    } else if (o.med) {
        a.med = o.med;
    }
    if (r.local_pref) a.local_pref = r.local_pref;
    std::vector<std::uint32_t> comms = r.communities;
    comms.insert(comms.end(), o.communities.begin(), o.communities.end());
    if (!comms.empty()) a.communities = std::move(comms);
    std::vector<w::LargeCommunity> large = r.large_communities;
    large.insert(large.end(), o.large_communities.begin(), o.large_communities.end());
    if (!large.empty()) a.large_communities = std::move(large);
    return route;
}

int run(const Options& o) {
    auto level = bgp::parse_log_level(o.log_level);
    if (!level) {
        std::cerr << "bgp-announce: --log-level: expected trace, debug, info, warning, error "
                     "or off\n";
        return 2;
    }
    boost::asio::io_context io;
    bgp::SpeakerConfig config;
    config.local_as = o.local_as;
    config.router_id = o.router_id;
    if (o.listen) config.listen.push_back(bgp::ListenConfig{o.listen->address, o.listen->port});
    config.log_level = *level;
    config.log = log_line;

    std::optional<bgp::Speaker> speaker;
    try {
        speaker.emplace(io, config);
        speaker->add_peer(peer_config(o));
        for (const auto& r : o.routes) speaker->announce(make_route(o, r));
    } catch (const std::invalid_argument& e) {
        std::cerr << "bgp-announce: " << e.what() << '\n';
        return 2;
    }

    speaker->on_state_change([](const bgp::PeerEvent& e) {
        for (const auto& obj : bgp_announce::state_json(e)) print_line(obj);
    });
    speaker->on_route([](const bgp::RouteEvent& e) { print_line(bgp_announce::route_json(e)); });

    // SIGINT / SIGTERM (and --exit-after): Cease / Administrative Shutdown, then exit
    // once the NOTIFICATION is written; a second signal exits at once.
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    boost::asio::steady_timer exit_timer(io);
    bool stopping = false;
    auto stop = [&](const char* why) {
        if (stopping) {
            io.stop();
            return;
        }
        stopping = true;
        log_line(bgp::LogLevel::info, std::string("bgp-announce: ") + why + ", shutting down");
        exit_timer.cancel();
        speaker->shutdown(o.shutdown_message, [&] {
            signals.cancel();
            exit_timer.cancel();
        });
    };
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& ec, int signo) {
            if (ec) return;
            stop(signo == SIGINT ? "SIGINT" : "SIGTERM");
            if (!ec) signals.async_wait(on_signal);
        };
    signals.async_wait(on_signal);
    if (o.exit_after) {
        exit_timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(*o.exit_after)));
        exit_timer.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) stop("--exit-after");
        });
    }

    try {
        speaker->start();
    } catch (const std::system_error& e) {
        std::cerr << "bgp-announce: cannot start: " << e.what() << '\n';
        return 1;
    }
    io.run();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    auto parsed = bgp_announce::parse_options(args);
    if (auto* err = std::get_if<std::string>(&parsed)) {
        std::cerr << "bgp-announce: " << *err << "\n\n" << bgp_announce::usage();
        return 2;
    }
    const auto& o = std::get<Options>(parsed);
    if (o.help) {
        std::cout << bgp_announce::usage();
        return 0;
    }
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "bgp-announce: " << e.what() << '\n';
        return 1;
    }
}
