// bgp-swarm: a load generator for route reflectors - N iBGP sessions from one process, each
// from its own source address, each announcing one block and counting what it is sent.
// Prints a report (text or --json) and exits 0 when every session held every expected
// route (see swarm_options.cpp for the command line, docs/scale.md for its use).
#include <fmt/format.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bgp/wire/error.hpp"
#include "swarm.hpp"
#include "swarm_options.hpp"

namespace {

/// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force.
rlim_t raise_open_files_limit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
    if (rl.rlim_cur < rl.rlim_max) {
        rlimit raised = rl;
        raised.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return raised.rlim_cur;
    }
    return rl.rlim_cur;
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string seconds_or_null(const std::optional<double>& s) {
    return s ? fmt::format("{:.3f}", *s) : "null";
}

double cpu_seconds(const rusage& ru) {
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void print_json(const bgp::swarm::Report& r, const rusage& ru, rlim_t nofile) {
    std::string notifications;
    for (const auto& [key, count] : r.notifications_received) {
        if (!notifications.empty()) notifications += ",";
        notifications +=
            fmt::format(R"({{"code":{},"subcode":{},"name":{},"count":{}}})", key.first, key.second,
                        json_string(bgp::wire::code_name(key.first) + " / " +
                                    bgp::wire::subcode_name(key.first, key.second)),
                        count);
    }
    std::string errors;
    for (const auto& [reason, count] : r.errors) {
        if (!errors.empty()) errors += ",";
        errors += fmt::format("{}:{}", json_string(reason), count);
    }
    const std::vector<std::pair<std::string_view, std::string>> fields = {
        {"ok", r.ok ? "true" : "false"},
        {"sessions", std::to_string(r.sessions)},
        {"established", std::to_string(r.established)},
        {"complete", std::to_string(r.complete)},
        {"converged", r.converged ? "true" : "false"},
        {"timed_out", r.timed_out ? "true" : "false"},
        {"half_established_seconds", seconds_or_null(r.half_established_seconds)},
        {"all_established_seconds", seconds_or_null(r.all_established_seconds)},
        {"converged_seconds", seconds_or_null(r.converged_seconds)},
        {"expected_routes", std::to_string(r.expected_routes)},
        {"routes_min", std::to_string(r.routes_min)},
        {"routes_max", std::to_string(r.routes_max)},
        {"end_of_rib", std::to_string(r.end_of_rib)},
        {"withdrawn_after_convergence", std::to_string(r.withdrawn_after_convergence)},
        {"own_routes_received", std::to_string(r.own_routes_received)},
        {"unexpected_prefixes", std::to_string(r.unexpected_prefixes)},
        {"repeated_announcements", std::to_string(r.repeated_announcements)},
        {"own_withdrawals_received", std::to_string(r.own_withdrawals_received)},
        {"unknown_withdrawals", std::to_string(r.unknown_withdrawals)},
        {"updates_received", std::to_string(r.updates_received)},
        {"bytes_received", std::to_string(r.bytes_received)},
        {"closed_by_peer", std::to_string(r.closed_by_peer)},
        {"notifications_received", "[" + notifications + "]"},
        {"errors", "{" + errors + "}"},
        {"swarm_cpu_seconds", fmt::format("{:.2f}", cpu_seconds(ru))},
        {"swarm_max_rss_kib", std::to_string(ru.ru_maxrss)},
        {"open_files_limit", std::to_string(nofile)},
    };
    std::string out = "{";
    for (const auto& [key, value] : fields) {
        if (out.size() > 1) out += ",";
        out += fmt::format("\"{}\":{}", key, value);
    }
    std::printf("%s}\n", out.c_str());
}

void print_text(const bgp::swarm::Report& r, const rusage& ru) {
    std::printf("bgp-swarm: %s\n", r.ok ? "OK" : "FAILED");
    std::printf("  sessions %u, established %u, with every route %u%s\n", r.sessions, r.established,
                r.complete, r.timed_out ? " (timed out)" : "");
    std::printf(
        "  half established after %s s, all after %s s, every route at every session "
        "after %s s\n",
        seconds_or_null(r.half_established_seconds).c_str(),
        seconds_or_null(r.all_established_seconds).c_str(),
        seconds_or_null(r.converged_seconds).c_str());
    std::printf("  routes per session: min %u, max %u, expected %u; End-of-RIB at %u\n",
                r.routes_min, r.routes_max, r.expected_routes, r.end_of_rib);
    std::printf("  own route sent back %llu, unexpected prefixes %llu, UPDATEs %llu (%llu bytes)\n",
                static_cast<unsigned long long>(r.own_routes_received),
                static_cast<unsigned long long>(r.unexpected_prefixes),
                static_cast<unsigned long long>(r.updates_received),
                static_cast<unsigned long long>(r.bytes_received));
    std::printf("  announced again %llu, own block withdrawn %llu, unknown prefix withdrawn %llu\n",
                static_cast<unsigned long long>(r.repeated_announcements),
                static_cast<unsigned long long>(r.own_withdrawals_received),
                static_cast<unsigned long long>(r.unknown_withdrawals));
    if (r.closed_by_peer > 0) std::printf("  ended by the target: %u\n", r.closed_by_peer);
    if (r.withdrawn_after_convergence > 0)
        std::printf("  prefixes withdrawn after convergence: %llu\n",
                    static_cast<unsigned long long>(r.withdrawn_after_convergence));
    for (const auto& [key, count] : r.notifications_received)
        std::printf("  NOTIFICATION received: %s / %s (%u/%u) x %u\n",
                    bgp::wire::code_name(key.first).c_str(),
                    bgp::wire::subcode_name(key.first, key.second).c_str(), key.first, key.second,
                    count);
    for (const auto& [reason, count] : r.errors)
        std::printf("  error: %s x %u\n", reason.c_str(), count);
    std::printf("  swarm: %.2f CPU s, max RSS %ld KiB\n", cpu_seconds(ru), ru.ru_maxrss);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    auto parsed = bgp::swarm::parse_options(args);
    if (parsed.help) {
        std::fwrite(bgp::swarm::usage_text.data(), 1, bgp::swarm::usage_text.size(), stdout);
        return 0;
    }
    if (!parsed.options) {
        std::fprintf(stderr, "bgp-swarm: %s\n", parsed.error.c_str());
        return 2;
    }
    const auto& options = *parsed.options;
    const rlim_t nofile = raise_open_files_limit();
    if (nofile != RLIM_INFINITY && nofile < rlim_t{options.count} + 32) {
        std::fprintf(stderr, "bgp-swarm: %u sessions need more open files than the limit (%llu)\n",
                     options.count, static_cast<unsigned long long>(nofile));
        return 1;
    }
    try {
        boost::asio::io_context io(1);
        bgp::swarm::Swarm swarm(io, options);
        swarm.start();
        io.run();
        const auto report = swarm.report();
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        if (options.json)
            print_json(report, ru, nofile);
        else
            print_text(report, ru);
        return report.ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bgp-swarm: %s\n", e.what());
        return 1;
    }
}
