// bgp-swarm's command line (see usage_text).
#include "swarm_options.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

#include "bgp/wire/types.hpp"

namespace bgp::swarm {

const std::string_view usage_text =
    R"(Usage: bgp-swarm --target ADDR:PORT --count N [options]

Many cheap iBGP sessions from one process (a load generator for route reflectors): session i
binds source address SOURCE+i, connects to the target, sends OPEN (4-octet AS, route
refresh, ipv4-unicast), announces the /LEN block PREFIX+i (next hop: its source address,
like a Calico node's pod block), then counts the prefixes the target sends it.

Options:
  --target ADDR:PORT     the reflector (IPv4)
  --count N              sessions (1..1000000)
  --sources ADDR         first source address (default 127.100.0.1; all of 127/8 is local)
  --asn N                our AS, also the target's (iBGP; default 64512)
  --prefix-base P/LEN    first announced block (default 10.128.0.0/26)
  --next-hop-base ADDR   session i's next hop is ADDR+i (default: its source address;
                         BIRD treats 127/8 next hops as unusable)
  --hold S               proposed hold time (0 or 3..65535; default 90)
  --timeout S            give up after S seconds in all (default 60)
  --expect-routes N      distinct prefixes each session must hold (default N-1: every
                         other session's block; a reflector does not send a client its own
                         route back, RFC 4456 §8)
  --max-connecting N     connection attempts in flight at once (default 0: all at once)
  --stay                 once converged, keep the sessions until the target ends them
                         (e.g. on its SIGTERM), then report the NOTIFICATIONs received
  --ready-file PATH      write "converged" to PATH once every session has every route
  --json                 the report as one JSON object on stdout
  -h, --help             this text

Exit status: 0 when every session was established and held every expected route (and,
with --stay, every session was then ended by the target); 1 otherwise; 2 on bad usage.
)";

namespace {

template <class T>
std::optional<T> number(std::string_view s, T min, T max) {
    std::uint64_t v = 0;
    const auto* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc{} || p != end || v < min || v > max) return std::nullopt;
    return static_cast<T>(v);
}

std::optional<std::uint32_t> ipv4(std::string_view s) {
    auto a = wire::IpAddress::parse(s);
    if (!a || !a->is_v4()) return std::nullopt;
    return a->v4_value();
}

}  // namespace

ParseResult parse_options(const std::vector<std::string_view>& args) {
    ParseResult r;
    Options o;
    o.first_source = *ipv4("127.100.0.1");
    o.prefix_base = *ipv4("10.128.0.0");
    bool have_target = false;
    auto fail = [&](std::string why) {
        r.error = std::move(why);
        return r;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "-h" || a == "--help") {
            r.help = true;
            return r;
        }
        if (a == "--json") {
            o.json = true;
            continue;
        }
        if (a == "--stay") {
            o.stay = true;
            continue;
        }
        if (i + 1 >= args.size()) return fail(std::string(a) + " needs a value (see --help)");
        const std::string_view v = args[++i];
        auto bad = [&] {
            return fail("bad value for " + std::string(a) + ": '" + std::string(v) + "'");
        };
        if (a == "--target") {
            const auto colon = v.rfind(':');
            if (colon == std::string_view::npos) return bad();
            auto addr = ipv4(v.substr(0, colon));
            auto port = number<std::uint16_t>(v.substr(colon + 1), 1, 65535);
            if (!addr || !port) return bad();
            o.target_address = *addr;
            o.target_port = *port;
            have_target = true;
        } else if (a == "--count") {
            auto n = number<std::uint32_t>(v, 1, 1000000);
            if (!n) return bad();
            o.count = *n;
        } else if (a == "--sources") {
            auto s = ipv4(v);
            if (!s) return bad();
            o.first_source = *s;
        } else if (a == "--asn") {
            auto n = number<std::uint32_t>(v, 1, std::numeric_limits<std::uint32_t>::max());
            if (!n) return bad();
            o.asn = *n;
        } else if (a == "--prefix-base") {
            auto p = wire::Prefix::parse(v);
            if (!p || !p->address().is_v4() || p->length() < 8 || p->length() > 32) return bad();
            o.prefix_base = p->address().v4_value();
            o.prefix_length = p->length();
        } else if (a == "--next-hop-base") {
            auto s = ipv4(v);
            if (!s) return bad();
            o.next_hop_base = *s;
        } else if (a == "--hold") {
            auto n = number<std::uint16_t>(v, 0, 65535);
            if (!n || *n == 1 || *n == 2) return bad();
            o.hold_time = *n;
        } else if (a == "--timeout") {
            auto n = number<unsigned>(v, 1, 86400);
            if (!n) return bad();
            o.timeout_seconds = *n;
        } else if (a == "--expect-routes") {
            auto n = number<std::uint32_t>(v, 0, std::numeric_limits<std::uint32_t>::max());
            if (!n) return bad();
            o.expect_routes = *n;
        } else if (a == "--max-connecting") {
            auto n = number<unsigned>(v, 0, 1000000);
            if (!n) return bad();
            o.max_connecting = *n;
        } else if (a == "--ready-file") {
            o.ready_file = std::string(v);
        } else {
            return fail("unknown argument '" + std::string(a) + "' (see --help)");
        }
    }
    if (!have_target) return fail("--target ADDR:PORT is required");
    if (o.count == 0) return fail("--count N is required");
    if (std::uint64_t{o.first_source} + o.count - 1 > std::numeric_limits<std::uint32_t>::max())
        return fail("--sources: the addresses of --count sessions run past 255.255.255.255");
    if (o.next_hop_base &&
        std::uint64_t{*o.next_hop_base} + o.count - 1 > std::numeric_limits<std::uint32_t>::max())
        return fail("--next-hop-base: the next hops of --count sessions run past 255.255.255.255");
    const std::uint64_t block = std::uint64_t{1} << (32 - o.prefix_length);
    if (std::uint64_t{o.prefix_base} + block * o.count > (std::uint64_t{1} << 32))
        return fail("--prefix-base: --count blocks run past 255.255.255.255");
    r.options = o;
    return r;
}

}  // namespace bgp::swarm
