// The bgp-reflector configuration file (YAML, docs/configuration.md): a plain
// struct read from the file, every value checked, every error naming the file,
// line and key; then mapped onto bgp::SpeakerConfig / PeerConfig /
// DynamicPeerConfig (config_mapping.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bgp/policy/table.hpp"
#include "bgp/speaker/config.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::reflector {

/// An invalid configuration: "reflector.yaml:12: neighbors[1].hold-time: expected 0
/// or 3..65535, got 2". `line` is 1-based; 0 when the file could not be read or
/// parsed before any line was known.
class ConfigError : public std::runtime_error {
  public:
    ConfigError(std::string file, int line, std::string key, const std::string& message);
    [[nodiscard]] const std::string& file() const { return file_; }
    [[nodiscard]] int line() const { return line_; }
    [[nodiscard]] const std::string& key() const { return key_; }
    [[nodiscard]] const std::string& message() const { return message_; }

  private:
    std::string file_;
    int line_;
    std::string key_;
    std::string message_;
};

struct ListenEndpoint {
    wire::IpAddress address;
    std::uint16_t port = 179;
    friend bool operator==(const ListenEndpoint&, const ListenEndpoint&) = default;
};

/// `api: { listen: 127.0.0.1:8179, token-file: /etc/bgp-reflector/token }` or a
/// unix socket path (docs/api.md). Absent: the daemon serves 127.0.0.1:8179
/// (api::default_api_config); `listen: off` turns the API off.
struct ApiConfig {
    std::string listen;  ///< as written
    std::optional<ListenEndpoint> tcp;
    std::string unix_path;  ///< when `listen` starts with '/'
    bool off = false;       ///< `listen: off`
    /// `token-file`: its first line is the bearer token. Required when `listen`
    /// is neither a loopback address nor a unix socket.
    std::string token_file;
    std::uint32_t max_connections = 64;  ///< `max-connections`, 1..65535
    /// Loopback address or unix socket (no token needed to read).
    [[nodiscard]] bool local() const;
    friend bool operator==(const ApiConfig&, const ApiConfig&) = default;
};

/// The first line of an api.token-file (the bearer token). Throws ConfigError
/// naming `api.token-file` when the file cannot be read or the line is empty.
std::string read_api_token(const std::string& token_file, const std::string& config_file = {});

struct GracefulRestart {
    bool enabled = false;
    std::chrono::seconds restart_time{120};
    std::chrono::seconds stale_path_time{360};
    friend bool operator==(const GracefulRestart&, const GracefulRestart&) = default;
};

/// What static and dynamic neighbours share.
struct NeighborSettings {
    std::uint32_t asn = 0;
    bool route_reflector_client = false;
    std::string password;
    std::optional<std::uint16_t> hold_time;       ///< default: the library's (180)
    std::optional<std::uint16_t> keepalive_time;  ///< default: hold time / 3
    std::optional<std::uint16_t> connect_retry_time;
    std::vector<wire::Family> families;  ///< default [ipv4-unicast]
    std::vector<std::string> import_policies;
    std::vector<std::string> export_policies;
    std::string description;
    std::optional<wire::IpAddress> local_address;
    std::optional<std::uint8_t> multihop;
    bool ttl_security = false;
    bool next_hop_self = false;
    GracefulRestart graceful_restart;  ///< default: the top-level one
    friend bool operator==(const NeighborSettings&, const NeighborSettings&) = default;
};

struct Neighbor {
    wire::IpAddress address;
    std::uint16_t port = 179;
    bool passive = false;
    NeighborSettings settings;
    friend bool operator==(const Neighbor&, const Neighbor&) = default;
};

struct DynamicNeighbors {
    wire::Prefix prefix;
    std::uint32_t max_sessions = 10000;
    NeighborSettings settings;
    friend bool operator==(const DynamicNeighbors&, const DynamicNeighbors&) = default;
};

struct Config {
    std::string file;  ///< the path it was read from (for messages)

    std::uint32_t router_id = 0;  ///< host order
    std::uint32_t asn = 0;
    std::optional<std::uint32_t> cluster_id;  ///< default: router id
    std::vector<ListenEndpoint> listen;       ///< default [0.0.0.0:179]
    std::optional<ApiConfig> api;
    LogLevel log_level = LogLevel::info;
    GracefulRestart graceful_restart;
    /// graceful-restart.selection-deferral-time: after a restart with
    /// --graceful-restart, how long to wait for the neighbours' End-of-RIB.
    std::chrono::seconds selection_deferral{120};
    /// Not from the file: started with --graceful-restart (the previous
    /// process stopped with SIGUSR2 and the neighbours kept its routes).
    bool restarting = false;
    std::vector<Neighbor> neighbors;
    std::vector<DynamicNeighbors> dynamic_neighbors;
    policy::PolicyTable policies;  ///< compiled; config() gives the declarative form

    /// Line of each key path seen ("neighbors[1].hold-time" -> 12), for errors
    /// found after parsing (policy names, the speaker's own checks).
    std::map<std::string, int, std::less<>> lines;

    /// The line of `key`, or of its closest parent that has one; 0 if none.
    [[nodiscard]] int line_of(std::string_view key) const;
    /// A ConfigError for `key` of this file.
    [[nodiscard]] ConfigError error(const std::string& key, const std::string& message) const;
};

/// Reads and validates a configuration. Throws ConfigError.
Config load_config(const std::string& path);
/// The same from text; `file` names it in messages.
Config parse_config(std::string_view text, const std::string& file = "<config>");

/// One neighbour given at run time (the API's POST /api/v1/neighbors body, as
/// YAML or JSON text with the keys of a `neighbors:` entry), checked as the file's
/// are and against `current` (policy names, route-reflector-client AS, an address
/// already configured). Keys in errors are the entry's own ("hold-time").
/// Throws ConfigError with `source` as the file name and line 0.
Neighbor parse_neighbor(std::string_view text, const Config& current,
                        const std::string& source = "request");

}  // namespace bgp::reflector
