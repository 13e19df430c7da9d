// The CLI's command line: `bgp-reflector show neighbors --json`, `show rib
// 10.1.0.0/24 --family ipv4-unicast`, `watch`, `reload`, `neighbor add ...`
// (docs/cli.md) parsed into an Invocation; a UsageError (exit status 2) names
// what was wrong. Options may come before or after the command words.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bgp::reflector::cli {

/// A command line the CLI cannot run; main prints it and exits with status 2.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class Command {
    help,              ///< --help: print the usage, exit 0
    show_neighbors,    ///< GET /api/v1/neighbors
    show_neighbor,     ///< GET /api/v1/neighbors/{address}
    show_rib,          ///< GET /api/v1/rib
    show_route,        ///< GET /api/v1/rib?prefix=P (every path, the reason)
    show_status,       ///< GET /api/v1/status
    watch,             ///< WebSocket /api/v1/watch
    reload,            ///< POST /api/v1/reload
    neighbor_add,      ///< POST /api/v1/neighbors
    neighbor_delete,   ///< DELETE /api/v1/neighbors/{address}
    neighbor_refresh,  ///< POST /api/v1/neighbors/{address}/refresh
    dump,              ///< GET /api/v1/rib/mrt into --mrt FILE (TABLE_DUMP_V2)
};

struct Invocation {
    Command command = Command::help;
    std::string address;                ///< show neighbor / neighbor delete|refresh|add
    std::string prefix;                 ///< show rib PREFIX / show route PREFIX
    std::string family;                 ///< "" = the server's default (or inferred from the prefix)
    std::string neighbor;               ///< show rib --neighbor ADDR|local
    bool json = false;                  ///< --json: the server's JSON instead of tables
    std::string api;                    ///< --api ADDR:PORT|/path
    std::string token_file;             ///< --token-file FILE
    std::string config;                 ///< --config FILE (its api.listen)
    std::chrono::seconds timeout{10};   ///< --timeout SECONDS (connect, each read)
    std::optional<std::size_t> count;   ///< watch --count N: exit after N events
    boost::json::object neighbor_body;  ///< neighbor add: the body, YAML keys
    std::string mrt_file;               ///< dump --mrt FILE
};

/// Parses the arguments after the program name. Throws UsageError.
Invocation parse_arguments(const std::vector<std::string>& args);

/// True when argv names a CLI command (show, watch, reload, neighbor) as its
/// first word that is not an option or an option's value: main() then hands
/// the whole command line to the CLI instead of starting the daemon.
bool is_cli_command(int argc, char** argv);

}  // namespace bgp::reflector::cli
