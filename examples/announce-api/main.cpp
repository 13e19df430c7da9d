// announce-api: embeds bgp::Speaker in a program.
//
//   announce-api LOCAL_AS ROUTER_ID PEER_ADDRESS[:PORT] PEER_AS PREFIX... [--listen ADDR:PORT]
//   announce-api 64512 10.0.0.1 127.0.0.2:1179 64513 192.168.1.0/26 --listen 127.0.0.1:1179
//
// Holds one session, announces the prefixes (next hop self), prints every
// session state change and every route the peer sends, and on Ctrl-C sends
// Cease / Administrative Shutdown ("announce-api stopping") before exiting.
#include <bgp/speaker/speaker.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

namespace {

/// "ADDR" or "ADDR:PORT" / "[V6]:PORT".
bool parse_endpoint(std::string_view text, bgp::wire::IpAddress& address, std::uint16_t& port) {
    std::string_view host = text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return false;
        host = text.substr(1, close - 1);
        text = text.substr(close + 1);
        if (!text.empty() && text.front() == ':')
            text.remove_prefix(1);
        else
            text = {};
    } else if (const auto colon = text.find(':');
               colon != std::string_view::npos &&
               text.find(':', colon + 1) == std::string_view::npos) {
        host = text.substr(0, colon);
        text = text.substr(colon + 1);
    } else {
        text = {};
    }
    auto a = bgp::wire::IpAddress::parse(host);
    if (!a) return false;
    address = *a;
    if (!text.empty()) {
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (ec != std::errc() || p != text.data() + text.size()) return false;
    }
    return true;
}

int usage() {
    std::fprintf(stderr,
                 "usage: announce-api LOCAL_AS ROUTER_ID PEER[:PORT] PEER_AS PREFIX... "
                 "[--listen ADDR:PORT]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 5) return usage();
    bgp::SpeakerConfig config;
    config.local_as = static_cast<std::uint32_t>(std::strtoul(argv[1], nullptr, 10));
    const auto router_id = bgp::wire::IpAddress::parse(argv[2]);
    if (!router_id || !router_id->is_v4()) return usage();
    config.router_id = router_id->v4_value();

    bgp::PeerConfig peer;
    if (!parse_endpoint(argv[3], peer.address, peer.port)) return usage();
    peer.peer_as = static_cast<std::uint32_t>(std::strtoul(argv[4], nullptr, 10));
    peer.session.hold_time = std::chrono::seconds(30);
    peer.session.families = {bgp::wire::ipv4_unicast, bgp::wire::ipv6_unicast};

    std::vector<bgp::wire::Prefix> prefixes;
    for (int i = 5; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--listen" && i + 1 < argc) {
            bgp::ListenConfig l;
            if (!parse_endpoint(argv[++i], l.address, l.port)) return usage();
            config.listen.push_back(l);
            continue;
        }
        auto p = bgp::wire::Prefix::parse(arg);
        if (!p) return usage();
        prefixes.push_back(*p);
    }

    // Connect from the listening address, so that the peer recognises us by it.
    for (const auto& l : config.listen)
        if (!l.address.is_unspecified() && l.address.afi() == peer.address.afi())
            peer.local_address = l.address;

    boost::asio::io_context io;
    bgp::Speaker speaker(io, config);  // logs go to stderr (SpeakerConfig::log unset)
    speaker.add_peer(peer);
    for (const auto& p : prefixes) speaker.announce(p);  // ORIGIN IGP, next hop self

    speaker.on_state_change([](const bgp::PeerEvent& e) {
        std::printf("peer %s: %s -> %s %s\n", e.peer.to_string().c_str(),
                    std::string(bgp::fsm::to_string(e.from)).c_str(),
                    std::string(bgp::fsm::to_string(e.to)).c_str(), e.reason.text.c_str());
    });
    speaker.on_route([](const bgp::RouteEvent& e) {
        std::string line = std::string(bgp::to_string(e.kind)) + " ";
        line += e.kind == bgp::RouteEvent::Kind::end_of_rib ? e.route.family.name()
                                                            : e.route.prefix.to_string();
        if (e.kind == bgp::RouteEvent::Kind::announced && e.route.attributes) {
            const auto& a = *e.route.attributes;
            if (a.next_hop) line += " via " + a.next_hop->to_string();
            if (a.as_path) line += " as-path [" + a.as_path->to_string() + "]";
        }
        std::printf("peer %s: %s\n", e.peer.to_string().c_str(), line.c_str());
        std::fflush(stdout);
    });

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        speaker.shutdown("announce-api stopping", [] { std::printf("stopped\n"); });
    });
    speaker.start();
    // Returns once shutdown() has closed every connection and the signal set
    // has fired (nothing else is left pending).
    io.run();
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "announce-api: %s\n", e.what());
    return 1;
}
