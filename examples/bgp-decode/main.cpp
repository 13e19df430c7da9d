// bgp-decode: prints every BGP message of a hex dump, an MRT file or a packet
// capture as one JSON object per line. Built on libbgp's wire codec
// (bgp/wire/message.hpp) and MRT reader (bgp/mrt/reader.hpp).
#include <charconv>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inputs.hpp"

namespace {

constexpr const char* usage_text = R"(Usage: bgp-decode --hex < FILE
       bgp-decode --mrt FILE
       bgp-decode --pcap FILE [--port N]...
       [--add-path] [--two-octet-as] [--check-roundtrip] [--pretty] [--stats]

Prints every BGP message of the input as one JSON object per line (JSON Lines).

Inputs (exactly one):
  --hex          hex-encoded BGP messages (marker included), one per line, on
                 stdin; blank lines and lines starting with '#' are skipped
  --mrt FILE     an MRT dump (RFC 6396, RFC 8050): plain, gzip or bzip2
  --pcap FILE    a pcap or pcapng capture: the TCP streams on port 179 and on
                 every --port are reassembled and every message is decoded
  --port N       with --pcap: also a BGP port (repeatable)

Decoding options, for what the input does not tell:
  --add-path     NLRI of IPv4/IPv6 unicast carry ADD-PATH path ids
  --two-octet-as AS numbers in AS_PATH/AGGREGATOR are 2 octets

Checks:
  --check-roundtrip  re-encode every decoded message and add "roundtrip":
                 "exact", "normalised" (same value, other octets: see
                 docs/wire.md), "differs" or "unencodable"

Output:
  --pretty       indent the JSON (one object is then several lines)
  --stats        a summary on stderr at the end
  -h, --help     this text

How ADD-PATH and the AS size are decided:
  With --pcap, from the OPENs seen on each TCP connection, per direction A->B:
  ADD-PATH is on for a family when A advertised Send or Both for it and B
  advertised Receive or Both (RFC 7911); 4-octet AS when both advertised
  capability 65 (RFC 6793); extended messages (65535 octets) when both
  advertised capability 6 (RFC 8654). An OPEN seen that rules a feature out
  settles it even when the other OPEN is missing. With --mrt, the record
  subtype gives the AS size, and the ADDPATH subtypes (RFC 8050) turn path ids
  on. Whatever is still unknown (no OPEN in the capture, --hex input, an MRT
  subtype without ADDPATH) is taken from --add-path / --two-octet-as if given;
  otherwise 4-octet AS is assumed, and each UPDATE is decoded without path ids
  first; if that does not decode cleanly (an error, an RFC 7606 problem, or a
  default route /0 among other prefixes of one NLRI list, which is how a path
  id reads), it is decoded again with path ids, then with 2-octet AS, and the
  cleanest result wins (the first on a tie). The UPDATE then says so:
  "add_path": "guessed" / "two_octet_as": "guessed" (or "negotiated", "mrt",
  "forced"). Without OPENs the 4096-octet message limit applies.

Every object has "type": OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH;
UNKNOWN (unknown message type); ERROR (input problem: octets without a marker,
a gap in a TCP stream, a damaged MRT record, a line that is not hex); with
--mrt also RIB, STATE, PEER_INDEX_TABLE, UNSUPPORTED. A message that failed to
decode carries "error": {"code", "subcode", "action", "reason", ...}; decoding
goes on with the next message.

Exit status: 0 the input was read to its end (even if messages were malformed:
they are reported in the JSON); 1 reading stopped early (damaged capture file,
corrupt compressed stream); 2 bad arguments or unreadable file.
)";

int usage_error(const std::string& msg) {
    std::fprintf(stderr, "bgp-decode: %s\nTry 'bgp-decode --help'.\n", msg.c_str());
    return bgp_decode::exit_usage;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
    unsigned v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size() || v == 0 || v > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(v);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace bgp_decode;
    enum class Mode { none, hex, mrt, pcap };
    Mode mode = Mode::none;
    std::string file;
    Settings settings;
    settings.ports.push_back(179);
    bool have_extra_ports = false;

    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::optional<std::string> inline_value;
        if (arg.rfind("--", 0) == 0) {
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                inline_value = arg.substr(eq + 1);
                arg.erase(eq);
            }
        }
        auto value = [&](const char* what) -> std::optional<std::string> {
            if (inline_value) return inline_value;
            if (i + 1 >= args.size()) return std::nullopt;
            (void)what;
            return args[++i];
        };
        auto set_mode = [&](Mode m) -> bool {
            if (mode != Mode::none) return false;
            mode = m;
            return true;
        };
        if (arg == "-h" || arg == "--help") {
            std::fputs(usage_text, stdout);
            return exit_ok;
        } else if (arg == "--hex") {
            if (inline_value) return usage_error("--hex takes no value");
            if (!set_mode(Mode::hex)) return usage_error("give only one of --hex, --mrt, --pcap");
        } else if (arg == "--mrt" || arg == "--pcap") {
            auto v = value("FILE");
            if (!v || v->empty()) return usage_error(arg + " needs a FILE");
            if (!set_mode(arg == "--mrt" ? Mode::mrt : Mode::pcap))
                return usage_error("give only one of --hex, --mrt, --pcap");
            file = *v;
        } else if (arg == "--port") {
            auto v = value("N");
            if (!v) return usage_error("--port needs a number");
            auto port = parse_port(*v);
            if (!port) return usage_error("--port: not a TCP port (1-65535): '" + *v + "'");
            settings.ports.push_back(*port);
            have_extra_ports = true;
        } else if (arg == "--add-path" || arg == "--two-octet-as" || arg == "--pretty" ||
                   arg == "--stats" || arg == "--check-roundtrip") {
            if (inline_value) return usage_error(arg + " takes no value");
            if (arg == "--add-path") settings.defaults.add_path = true;
            if (arg == "--two-octet-as") settings.defaults.two_octet_as = true;
            if (arg == "--pretty") settings.pretty = true;
            if (arg == "--stats") settings.stats = true;
            if (arg == "--check-roundtrip") settings.defaults.check_roundtrip = true;
        } else {
            return usage_error("unknown argument '" + args[i] + "'");
        }
    }
    if (mode == Mode::none) return usage_error("give one of --hex, --mrt FILE, --pcap FILE");
    if (have_extra_ports && mode != Mode::pcap) return usage_error("--port goes with --pcap");

    int status = exit_ok;
    switch (mode) {
        case Mode::hex:
            status = run_hex(std::cin, settings);
            break;
        case Mode::mrt:
            status = run_mrt(file, settings);
            break;
        case Mode::pcap:
            status = run_pcap(file, settings);
            break;
        case Mode::none:
            break;
    }
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        std::fprintf(stderr, "bgp-decode: error writing output: %s\n", std::strerror(errno));
        return exit_input_damaged;
    }
    return status;
}
