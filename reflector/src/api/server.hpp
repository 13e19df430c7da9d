// The reflector's HTTP API server (docs/api.md): HTTP/1.1 with Boost.Beast on
// the daemon's io_context (the speaker's thread: no locks), on a TCP endpoint
// or a unix socket, with hard limits (connections, header and body size, idle
// timeout, watch queue) and the watch WebSocket. Handlers never throw out of
// Asio; a malformed request gets a 400 and never disturbs the BGP sessions.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "config.hpp"
#include "daemon.hpp"

namespace bgp::reflector::api {

struct Limits {
    std::size_t max_connections = 64;  ///< HTTP and WebSocket together (api.max-connections)
    std::size_t max_header_bytes = 16 * 1024;  ///< request line and headers
    std::size_t max_body_bytes = 1024 * 1024;  ///< larger: 413
    std::chrono::seconds idle_timeout{60};     ///< a keep-alive connection with no request
    std::size_t max_watchers = 16;             ///< WebSocket clients at once (more: 503)
    /// Live events waiting for one watch client, in bytes; beyond it the client
    /// gets {"type":"resync"} and a new snapshot (closed if it overflows again
    /// before that snapshot is sent).
    std::size_t watch_queue_bytes = 4 * 1024 * 1024;
    std::chrono::seconds write_timeout{30};  ///< one write to a client (HTTP or WebSocket)
};

/// `api` absent from the file: 127.0.0.1:8179, no token.
[[nodiscard]] ApiConfig default_api_config();

class Server {
  public:
    /// `config` must not be off. Nothing is opened until start().
    Server(boost::asio::io_context& io, Daemon& daemon, ApiConfig config, std::string version,
           Limits limits = {});
    /// stop(). The Server must go before the Daemon.
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Reads the token file, opens the listening socket (a stale unix socket file
    /// is removed; the new one gets mode 0660) and subscribes to the speaker's
    /// events. Throws ConfigError (token file) or std::system_error (socket).
    void start();
    /// Closes the listening socket and every connection, removes the unix socket
    /// file, unsubscribes. Idempotent.
    void stop();

    /// "127.0.0.1:8179", "[::1]:8179" (the bound port) or the socket path.
    [[nodiscard]] std::string endpoint() const;
    /// Open HTTP connections and WebSocket clients.
    [[nodiscard]] std::size_t connections() const;

    struct State;  ///< opaque (server.cpp)

  private:
    std::shared_ptr<State> state_;
};

/// The server of daemon.config().api (default_api_config() when absent),
/// started; null with `listen: off`. A configured API that cannot be opened
/// throws (as start()); the default one is only a warning in the log.
[[nodiscard]] std::unique_ptr<Server> start_server(boost::asio::io_context& io, Daemon& daemon,
                                                   const std::string& version);

}  // namespace bgp::reflector::api
