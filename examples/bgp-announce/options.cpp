// bgp-announce: command-line parsing.
#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>

namespace bgp_announce {

namespace w = bgp::wire;

namespace {

template <class T>
std::optional<T> parse_number(std::string_view s, T max = std::numeric_limits<T>::max()) {
    std::uint64_t v = 0;
    const auto* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc{} || p != end || v > static_cast<std::uint64_t>(max))
        return std::nullopt;
    return static_cast<T>(v);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    for (;;) {
        auto pos = s.find(sep);
        out.push_back(s.substr(0, pos));
        if (pos == std::string_view::npos) break;
        s.remove_prefix(pos + 1);
    }
    return out;
}

/// --route PREFIX[,next-hop=NH][,med=N][,local-pref=N][,community=A:B]...
///         [,large-community=A:B:C]...
std::variant<RouteSpec, std::string> parse_route(std::string_view text) {
    auto parts = split(text, ',');
    RouteSpec r;
    auto prefix = w::Prefix::parse(parts[0]);
    if (!prefix) return "not a prefix: '" + std::string(parts[0]) + "'";
    r.prefix = *prefix;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        auto kv = parts[i];
        auto eq = kv.find('=');
        if (eq == std::string_view::npos)
            return "--route: expected KEY=VALUE: '" + std::string(kv) + "'";
        auto key = kv.substr(0, eq);
        auto value = kv.substr(eq + 1);
        if (key == "next-hop") {
            auto a = w::IpAddress::parse(value);
            if (!a) return "--route: not an address: '" + std::string(value) + "'";
            r.next_hop = *a;
        } else if (key == "med") {
            auto m = parse_number<std::uint32_t>(value);
            if (!m) return "--route: not a MED: '" + std::string(value) + "'";
            r.med = *m;
        } else if (key == "local-pref") {
            auto m = parse_number<std::uint32_t>(value);
            if (!m) return "--route: not a LOCAL_PREF: '" + std::string(value) + "'";
            r.local_pref = *m;
        } else if (key == "community") {
            auto c = parse_community(value);
            if (!c) return "--route: not a community (A:B): '" + std::string(value) + "'";
            r.communities.push_back(*c);
        } else if (key == "large-community") {
            auto c = parse_large_community(value);
            if (!c) return "--route: not a large community (A:B:C): '" + std::string(value) + "'";
            r.large_communities.push_back(*c);
        } else {
            return "--route: unknown key '" + std::string(key) + "'";
        }
    }
    return r;
}

}  // namespace

std::optional<std::uint32_t> parse_community(std::string_view text) {
    auto parts = split(text, ':');
    if (parts.size() != 2) return std::nullopt;
    auto a = parse_number<std::uint32_t>(parts[0], 0xFFFF);
    auto b = parse_number<std::uint32_t>(parts[1], 0xFFFF);
    if (!a || !b) return std::nullopt;
    return (*a << 16) | *b;
}

std::optional<w::LargeCommunity> parse_large_community(std::string_view text) {
    auto parts = split(text, ':');
    if (parts.size() != 3) return std::nullopt;
    auto a = parse_number<std::uint32_t>(parts[0]);
    auto b = parse_number<std::uint32_t>(parts[1]);
    auto c = parse_number<std::uint32_t>(parts[2]);
    if (!a || !b || !c) return std::nullopt;
    return w::LargeCommunity{*a, *b, *c};
}

std::optional<Endpoint> parse_endpoint(std::string_view text, bool port_optional) {
    std::string_view host = text;
    std::optional<std::string_view> port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return std::nullopt;
            port = rest.substr(1);
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        auto colon = text.find(':');
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    auto address = w::IpAddress::parse(host);
    if (!address) return std::nullopt;
    Endpoint e{*address, 179};
    if (port) {
        auto p = parse_number<std::uint16_t>(*port);
        if (!p) return std::nullopt;
        e.port = *p;
    } else if (!port_optional) {
        return std::nullopt;
    }
    return e;
}

std::variant<Options, std::string> parse_options(const std::vector<std::string>& args) {
    Options o;
    bool have_local_as = false, have_router_id = false, have_peer = false, have_peer_as = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= args.size()) return std::nullopt;
            return std::string_view(args[++i]);
        };
        auto need = [&](std::string_view what) { return a + ": expected " + std::string(what); };

        if (a == "-h" || a == "--help") {
            o.help = true;
            return o;
        }
        if (a == "--passive") {
            o.passive = true;
            continue;
        }
        if (a == "--ttl-security") {
            o.ttl_security = true;
            continue;
        }
        if (a.size() > 2 && a.rfind("--", 0) == 0) {
            auto v = value();
            if (!v) return a + ": missing value";
            if (a == "--local-as" || a == "--peer-as") {
                auto n = parse_number<std::uint32_t>(*v);
                if (!n || *n == 0) return need("an AS number 1..4294967295");
                (a == "--local-as" ? o.local_as : o.peer_as) = *n;
                (a == "--local-as" ? have_local_as : have_peer_as) = true;
            } else if (a == "--router-id") {
                auto r = w::IpAddress::parse(*v);
                if (!r || !r->is_v4() || r->v4_value() == 0) return need("a non-zero IPv4 address");
                o.router_id = r->v4_value();
                have_router_id = true;
            } else if (a == "--peer") {
                auto e = parse_endpoint(*v, true);
                if (!e) return need("ADDRESS[:PORT] or [IPV6]:PORT");
                o.peer = *e;
                have_peer = true;
            } else if (a == "--listen") {
                auto e = parse_endpoint(*v, false);
                if (!e) return need("ADDRESS:PORT or [IPV6]:PORT");
                o.listen = *e;
            } else if (a == "--password") {
                if (v->empty() || v->size() > 80) return need("a key of 1..80 octets");
                o.password = std::string(*v);
            } else if (a == "--hold-time") {
                auto n = parse_number<std::uint16_t>(*v);
                if (!n || *n == 1 || *n == 2) return need("0 or 3..65535 seconds");
                o.hold_time = *n;
            } else if (a == "--next-hop" || a == "--local-address") {
                auto addr = w::IpAddress::parse(*v);
                if (!addr) return need("an IP address");
                (a == "--next-hop" ? o.next_hop : o.local_address) = *addr;
            } else if (a == "--family") {
                for (auto f : split(*v, ',')) {
                    if (f == "ipv4" || f == "ipv4-unicast") {
                        o.families.push_back(w::ipv4_unicast);
                    } else if (f == "ipv6" || f == "ipv6-unicast") {
                        o.families.push_back(w::ipv6_unicast);
                    } else {
                        return need("ipv4, ipv6 or both (comma-separated)");
                    }
                }
            } else if (a == "--med") {
                auto n = parse_number<std::uint32_t>(*v);
                if (!n) return need("a number");
                o.med = *n;
            } else if (a == "--community") {
                auto c = parse_community(*v);
                if (!c) return need("A:B (each 0..65535)");
                o.communities.push_back(*c);
            } else if (a == "--large-community") {
                auto c = parse_large_community(*v);
                if (!c) return need("A:B:C");
                o.large_communities.push_back(*c);
            } else if (a == "--route") {
                auto r = parse_route(*v);
                if (auto* err = std::get_if<std::string>(&r)) return *err;
                o.routes.push_back(std::get<RouteSpec>(r));
            } else if (a == "--graceful-restart") {
                auto n = parse_number<std::uint16_t>(*v, 4095);
                if (!n) return need("a restart time 0..4095 seconds");
                o.graceful_restart = *n;
            } else if (a == "--connect-retry" || a == "--idle-hold") {
                auto n = parse_number<std::uint16_t>(*v);
                if (!n || *n == 0) return need("seconds (1..65535)");
                (a == "--connect-retry" ? o.connect_retry : o.idle_hold) = *n;
            } else if (a == "--multihop") {
                auto n = parse_number<std::uint8_t>(*v);
                if (!n || *n == 0) return need("a hop count 1..255");
                o.multihop = *n;
            } else if (a == "--shutdown-message") {
                o.shutdown_message = std::string(*v);
            } else if (a == "--log-level") {
                o.log_level = std::string(*v);
            } else if (a == "--exit-after") {
                char* end = nullptr;
                std::string s(*v);
                double d = std::strtod(s.c_str(), &end);
                if (end == s.c_str() || *end != '\0' || !(d > 0)) return need("seconds (> 0)");
                o.exit_after = d;
            } else {
                return "unknown option " + a;
            }
            continue;
        }
        auto prefix = w::Prefix::parse(a);
        if (!prefix) return "not a prefix: '" + a + "'";
        o.routes.push_back(RouteSpec{*prefix, {}, {}, {}, {}, {}});
    }
    if (!have_local_as) return "--local-as is required";
    if (!have_router_id) return "--router-id is required";
    if (!have_peer) return "--peer is required";
    if (!have_peer_as) return "--peer-as is required";
    if (o.passive && !o.listen) return "--passive needs --listen (nothing would connect)";
    if (o.local_address && o.local_address->afi() != o.peer.address.afi())
        return "--local-address must be of the peer's family";
    return o;
}

std::string_view usage() {
    return R"(usage: bgp-announce --local-as AS --router-id ID --peer ADDR[:PORT] --peer-as AS
                    [--listen ADDR:PORT] [--passive] [--password KEY]
                    [--hold-time S] [--next-hop NH] [options] PREFIX...

Holds one BGP session, announces the prefixes, and prints one JSON line per
session event and per received route (field names as bgp-decode's) until
SIGINT or SIGTERM, which send Cease / Administrative Shutdown.

  --local-as AS            our AS (4-octet AS numbers work)
  --router-id ID           our BGP identifier (dotted quad)
  --peer ADDR[:PORT]       the peer ([IPV6]:PORT for an IPv6 address with a port; port 179)
  --peer-as AS             the peer's AS (equal to --local-as: iBGP)
  --listen ADDR:PORT       also accept the peer's connections there
  --passive                never connect, only accept (needs --listen)
  --password KEY           TCP MD5 signatures (RFC 2385)
  --hold-time S            proposed hold time (0, or 3..65535; default 180)
  --next-hop NH            next hop of the routes of NH's family (default: next hop self)
  --local-address ADDR     source address of our connection
  --family F[,F]           ipv4, ipv6 (default: the peer's family and the prefixes')
  --med N                  MED on every route that has none of its own
  --community A:B          add to every route (repeatable)
  --large-community A:B:C  add to every route (repeatable)
  --route SPEC             one route with its own attributes (repeatable):
                           PREFIX[,next-hop=NH][,med=N][,local-pref=N (iBGP)]
                                 [,community=A:B]...[,large-community=A:B:C]...
  --graceful-restart S     advertise graceful restart (RFC 4724), restart time S
  --connect-retry S        ConnectRetry time (default 120)
  --idle-hold S            first IdleHold time after a session error (default 5)
  --multihop N             TTL of our packets (eBGP default 1)
  --ttl-security           GTSM (RFC 5082): TTL 255, accept only 255 - (multihop - 1)
  --shutdown-message TEXT  RFC 9003 text sent on SIGINT / SIGTERM
                           (default "bgp-announce: interrupted")
  --log-level L            trace, debug, info, warning, error, off (stderr; default info)
  --exit-after S           shut down by itself after S seconds
  -h, --help               this text

Output (stdout, JSON Lines): {"type": "STATE", ...}, {"type": "OPEN", "direction":
"received", ...}, {"type": "NOTIFICATION", "direction": "sent"|"received", ...},
{"type": "ROUTE", "event": "announced"|"withdrawn"|"stale", "prefix", "family",
"attributes", ...}, {"type": "END_OF_RIB", "family", ...}; see README.md.
Exit status: 0 after a shutdown, 1 when the speaker cannot start, 2 bad arguments.
)";
}

}  // namespace bgp_announce
