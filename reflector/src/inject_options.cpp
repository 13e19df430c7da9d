// `bgp-reflector inject`: the command line (see inject.hpp). Parsing never
// throws and never exits: options, or a message.
#include <algorithm>
#include <charconv>
#include <limits>
#include <string>

#include "inject.hpp"

namespace bgp::reflector {

namespace {

constexpr std::string_view usage_text =
    R"(Usage: bgp-reflector inject --mrt FILE --neighbor ADDRESS[:PORT] --asn N [options]

Connects to ADDRESS (the reflector) as a BGP neighbour and announces the routes of
the MRT file FILE (gzip or bzip2 or plain): the first entry of each prefix of a
TABLE_DUMP_V2 or TABLE_DUMP, and BGP4MP UPDATEs applied in order. Prints progress
(routes read, announced, End-of-RIB sent), then stays up until SIGINT / SIGTERM.

Options:
      --mrt FILE              the MRT file (required)
      --neighbor A[:PORT]     the reflector ([V6]:PORT for IPv6; port default 179)
      --asn N                 the reflector's AS (required)
      --local-as N            our AS (default: --asn, an iBGP client)
      --local-address A       source address of the connection
      --router-id A           our BGP identifier (default: --local-address if
                              IPv4, else 192.0.2.1)
      --family F              ipv4-unicast or ipv6-unicast (repeatable; default both)
      --next-hop-self         announce our address as next hop instead of the file's
      --limit N               at most N prefixes
      --peer-index N          TABLE_DUMP_V2: the entries of this peer index only
      --peer-address A        only routes the collector had from peer A
      --hold-time S           hold time to propose (0 or 3..65535)
      --hold                  stay up after End-of-RIB until a signal (default)
      --exit-after-eor        exit (Cease / Administrative Shutdown) after End-of-RIB
  -h, --help                  print this help
)";

template <class T>
std::optional<T> number(std::string_view s) {
    T v{};
    const auto* end = s.data() + s.size();
    const auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc{} || p != end || s.empty()) return std::nullopt;
    return v;
}

// "A", "A:PORT", "[V6]:PORT", "V6".
bool parse_neighbor(std::string_view text, InjectOptions& o) {
    std::string_view addr = text;
    std::optional<std::string_view> port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return false;
        addr = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return false;
            port = rest.substr(1);
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        const auto colon = text.find(':');
        addr = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    const auto a = wire::IpAddress::parse(addr);
    if (!a) return false;
    o.neighbor = *a;
    if (port) {
        const auto p = number<std::uint16_t>(*port);
        if (!p || *p == 0) return false;
        o.port = *p;
    }
    return true;
}

}  // namespace

std::string_view inject_usage() { return usage_text; }

std::variant<InjectOptions, std::string> parse_inject_args(std::span<const std::string_view> args) {
    InjectOptions o;
    bool have_neighbor = false;
    bool have_asn = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view opt = args[i];
        if (opt == "-h" || opt == "--help") {
            o.help = true;
            return o;
        }
        if (opt == "--next-hop-self") {
            o.next_hop_self = true;
            continue;
        }
        if (opt == "--hold") {
            o.exit_after_eor = false;
            continue;
        }
        if (opt == "--exit-after-eor") {
            o.exit_after_eor = true;
            continue;
        }
        if (i + 1 >= args.size()) return std::string(opt) + ": unknown option or missing value";
        const std::string_view v = args[++i];
        const auto bad = [&](std::string_view expected) {
            return std::string(opt) + ": expected " + std::string(expected) + ", got \"" +
                   std::string(v) + "\"";
        };
        if (opt == "--mrt") {
            o.mrt_file = v;
        } else if (opt == "--neighbor") {
            if (!parse_neighbor(v, o)) return bad("ADDRESS, ADDRESS:PORT or [IPV6]:PORT");
            have_neighbor = true;
        } else if (opt == "--asn" || opt == "--local-as") {
            const auto n = number<std::uint32_t>(v);
            if (!n || *n == 0) return bad("an AS number 1..4294967295");
            (opt == "--asn" ? o.asn : o.local_as.emplace()) = *n;
            have_asn = have_asn || opt == "--asn";
        } else if (opt == "--local-address" || opt == "--peer-address") {
            const auto a = wire::IpAddress::parse(v);
            if (!a) return bad("an IP address");
            (opt == "--local-address" ? o.local_address : o.peer_address) = *a;
        } else if (opt == "--router-id") {
            const auto a = wire::IpAddress::parse(v);
            if (!a || !a->is_v4() || a->v4_value() == 0) return bad("a non-zero IPv4 address");
            o.router_id = a->v4_value();
        } else if (opt == "--family") {
            const auto f = wire::Family::parse(v);
            if (!f || (*f != wire::ipv4_unicast && *f != wire::ipv6_unicast))
                return bad("ipv4-unicast or ipv6-unicast");
            o.families.push_back(*f);
        } else if (opt == "--limit") {
            const auto n = number<std::size_t>(v);
            if (!n) return bad("a number");
            o.limit = *n;
        } else if (opt == "--peer-index") {
            const auto n = number<std::uint16_t>(v);
            if (!n) return bad("a peer index 0..65535");
            o.peer_index = *n;
        } else if (opt == "--hold-time") {
            const auto n = number<std::uint16_t>(v);
            if (!n || *n == 1 || *n == 2) return bad("0 or 3..65535");
            o.hold_time = *n;
        } else {
            return std::string(opt) + ": unknown option";
        }
    }
    if (o.mrt_file.empty()) return std::string("--mrt FILE is required");
    if (!have_neighbor) return std::string("--neighbor ADDRESS[:PORT] is required");
    if (!have_asn) return std::string("--asn N is required");
    if (o.local_address && o.local_address->afi() != o.neighbor.afi())
        return std::string("--local-address: not of the neighbour's address family");
    return o;
}

}  // namespace bgp::reflector
