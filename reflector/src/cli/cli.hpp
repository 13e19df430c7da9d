// bgp-reflector's command-line client (docs/cli.md): `show neighbors`, `show
// rib`, `show route`, `show status`, `watch`, `reload`, `neighbor add|delete|
// refresh`, on the daemon's HTTP API, as aligned tables for people or the
// server's JSON for scripts. Exit status: 0 ok, 1 error, 2 usage.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "cli/api_client.hpp"
#include "cli/args.hpp"

namespace bgp::reflector::cli {

/// Where the API is when neither --api nor --config says: the daemon's default.
inline constexpr std::string_view default_api = "127.0.0.1:8179";

struct ApiTarget {
    ApiEndpoint endpoint;
    std::string token_file;  ///< --token-file, else api.token-file of --config FILE
};
/// --api, else the `api.listen` of --config FILE, else default_api; the token
/// file likewise. Throws UsageError for a bad --api, ApiError for `listen: off`,
/// ConfigError for a file that does not load.
ApiTarget resolve_target(const Invocation& inv);
ApiEndpoint resolve_endpoint(const Invocation& inv);  ///< resolve_target(inv).endpoint

/// Runs a parsed command; tables or JSON to `out`, errors to `err` (prefixed
/// "bgp-reflector: "). `handle_signals`: watch stops on SIGINT/SIGTERM.
int run(const Invocation& inv, std::ostream& out, std::ostream& err, bool handle_signals = false);

/// main()'s entry: parses argv (every argument after the program name), runs the
/// command on stdout/stderr; prints `usage` for --help. Returns the exit status.
int main(int argc, char** argv, std::string_view usage);

}  // namespace bgp::reflector::cli
