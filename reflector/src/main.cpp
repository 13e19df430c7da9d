// bgp-reflector: a BGP route reflector (RFC 4456) configured by one YAML file.
//
//   bgp-reflector --config FILE [--check]
//   bgp-reflector --version | --help
//   bgp-reflector show|watch|reload|neighbor ...   (the CLI on the HTTP API: src/cli/)
//
// SIGTERM / SIGINT: Cease / Administrative Shutdown to every session, then exit 0
// (a second signal exits at once). SIGUSR2: the same for a graceful restart —
// neighbours with graceful restart keep our routes until the next process,
// started with --graceful-restart, has re-learned the table and sent End-of-RIB.
// SIGHUP: re-read FILE; a bad file changes nothing.
#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "api/server.hpp"
#include "cli/args.hpp"
#include "cli/cli.hpp"
#include "config.hpp"
#include "daemon.hpp"
#include "inject.hpp"
#include "limits.hpp"
#include "log.hpp"

#ifndef BGP_REFLECTOR_VERSION
#define BGP_REFLECTOR_VERSION "0.0.0"
#endif

namespace {

using bgp::LogLevel;
using bgp::reflector::log_line;

constexpr std::string_view usage_text =
    R"(Usage: bgp-reflector --config FILE [--check] [--graceful-restart]
       bgp-reflector --version | --help
       bgp-reflector COMMAND [--api ADDR:PORT|/path] [--config FILE] [--json] ...

A BGP route reflector (RFC 4456) for pod networks, configured by one YAML file
(docs/configuration.md; an example: reflector.example.yaml).

Options:
  -c, --config FILE   the configuration file (required)
      --check         validate FILE and exit: 0 if valid, 1 with the error
      --graceful-restart
                      the previous process stopped with SIGUSR2: tell the
                      neighbours we restarted (R bit) and advertise nothing
                      until each has sent End-of-RIB (at most
                      graceful-restart.selection-deferral-time, 120 s)
  -V, --version       print the version and exit
  -h, --help          print this help and exit

Signals:
  SIGTERM, SIGINT     Cease / Administrative Shutdown to every neighbour, exit 0
  SIGUSR2             stop for a graceful restart, exit 0: neighbours with
                      graceful restart keep our routes and go on forwarding
                      (their sessions close without a NOTIFICATION); start
                      again with --graceful-restart
  SIGHUP              re-read FILE; only neighbours whose settings changed are
                      touched; a bad file changes nothing (the log says why)

Logs go to stderr, one line per event with a UTC timestamp.

Commands (a client of the running daemon's HTTP API; docs/cli.md):
  show neighbors                  every neighbour: state, uptime, routes per family
  show neighbor ADDRESS           one neighbour in full (capabilities, counters)
  show rib [PREFIX] [--family F] [--neighbor ADDR|local]
                                  paths of the RIB, *> on the best
  show route PREFIX               every path of PREFIX, the best and why it won
  show status                     router id, AS, uptime, counts
  watch [--count N]               the best paths, then live route and session
                                  events, one line each (Ctrl-C to stop)
  reload                          re-read the configuration file (as SIGHUP)
  neighbor add ADDRESS as ASN [rr-client] [passive] [port N] [hold-time N]
               [families F,F] [import P,P] [export P,P] [password S]
               [description S] [local-address A] [multihop N] [next-hop-self]
  neighbor delete ADDRESS
  neighbor refresh ADDRESS [--family F]
  dump --mrt FILE                 the RIB as MRT TABLE_DUMP_V2 into FILE (docs/mrt.md)

  inject --mrt FILE --neighbor ADDRESS[:PORT] --asn N [...]
                                  not a client of the API: a BGP speaker that
                                  announces an MRT file's routes to ADDRESS
                                  (bgp-reflector inject --help; docs/mrt.md)

Command options:
      --api ADDR:PORT|PATH  where the API listens (else api.listen of --config
                            FILE, else 127.0.0.1:8179)
  -c, --config FILE         read api.listen from FILE
      --token-file FILE     send "Authorization: Bearer" with its first line
  -j, --json                the server's JSON (pretty-printed; watch: one event
                            per line as received) instead of tables
      --family F            ipv4-unicast (default) or ipv6-unicast
      --timeout SECONDS     for connecting and each read (default 10)
Exit status: 0 ok, 1 error (cannot connect, HTTP error, no such route), 2 usage.
)";

struct Options {
    std::string config;
    bool check = false;
    bool graceful_restart = false;
};

int run(const Options& options) {
    bgp::reflector::Config config;
    try {
        config = bgp::reflector::load_config(options.config);
        config.restarting = options.graceful_restart;
    } catch (const bgp::reflector::ConfigError& e) {
        std::fprintf(stderr, "bgp-reflector: %s\n", e.what());
        return 1;
    }
    if (options.check) {
        std::printf("%s: ok (%zu neighbour(s), %zu dynamic range(s))\n", options.config.c_str(),
                    config.neighbors.size(), config.dynamic_neighbors.size());
        return 0;
    }

    boost::asio::io_context io;
    std::unique_ptr<bgp::reflector::Daemon> daemon;
    std::unique_ptr<bgp::reflector::api::Server> api;  // goes before the daemon
    try {
        daemon = std::make_unique<bgp::reflector::Daemon>(io, std::move(config));
        bgp::reflector::raise_and_log_open_files_limit();  // a socket per session
        daemon->start();
        api = bgp::reflector::api::start_server(io, *daemon, BGP_REFLECTOR_VERSION);
    } catch (const std::exception& e) {
        log_line(LogLevel::error, fmt::format("cannot start: {}", e.what()));
        return 1;
    }

    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    signals.add(SIGUSR2);
    boost::asio::steady_timer deadline(io);
    bool stopping = false;
    std::function<void(const boost::system::error_code&, int)> on_signal;
    on_signal = [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;  // cancelled: the shutdown is complete
        if (signo == SIGHUP && stopping) {
            log_line(LogLevel::warning, "SIGHUP during shutdown: ignored");
        } else if (signo == SIGHUP) {
            log_line(LogLevel::info, "SIGHUP: reloading " + daemon->config().file);
            daemon->reload();
        } else if (stopping) {
            log_line(LogLevel::warning, "second signal: exiting without waiting");
            io.stop();
            return;
        } else {
            stopping = true;
            if (api) api->stop();
            const char* name = signo == SIGINT    ? "SIGINT"
                               : signo == SIGUSR2 ? "SIGUSR2"
                                                  : "SIGTERM";
            const bool for_restart = signo == SIGUSR2;
            daemon->shutdown(
                fmt::format("bgp-reflector {} ({})", for_restart ? "restarting" : "shutting down",
                            name),
                [&] {
                    log_line(LogLevel::info, "every session closed; exiting");
                    deadline.cancel();
                    signals.cancel();
                },
                for_restart);
            // Bounded: the speaker's close_linger ends each connection; this is a backstop.
            deadline.expires_after(std::chrono::seconds(15));
            deadline.async_wait([&](const boost::system::error_code& timer_ec) {
                if (timer_ec) return;
                log_line(LogLevel::warning, "shutdown did not finish in 15 s; exiting");
                io.stop();
            });
        }
        signals.async_wait(on_signal);
    };
    signals.async_wait(on_signal);

    try {
        io.run();
    } catch (const std::exception& e) {
        log_line(LogLevel::error, fmt::format("fatal: {}", e.what()));
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "inject")
        return bgp::reflector::inject_main(std::vector<std::string_view>(argv + 2, argv + argc));
    if (bgp::reflector::cli::is_cli_command(argc, argv))
        return bgp::reflector::cli::main(argc, argv, usage_text);
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fwrite(usage_text.data(), 1, usage_text.size(), stdout);
            return 0;
        }
        if (arg == "-V" || arg == "--version") {
            std::printf("bgp-reflector %s\n", BGP_REFLECTOR_VERSION);
            return 0;
        }
        if (arg == "--check") {
            options.check = true;
        } else if (arg == "--graceful-restart") {
            options.graceful_restart = true;
        } else if (arg == "-c" || arg == "--config") {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "bgp-reflector: %s needs a file name\n", argv[i]);
                return 2;
            }
            options.config = argv[++i];
        } else if (arg.rfind("--config=", 0) == 0) {
            options.config = std::string(arg.substr(9));
        } else {
            std::fprintf(stderr, "bgp-reflector: unknown argument '%s' (see --help)\n", argv[i]);
            return 2;
        }
    }
    if (options.config.empty()) {
        std::fprintf(stderr, "bgp-reflector: --config FILE is required (see --help)\n");
        return 2;
    }
    return run(options);
}
