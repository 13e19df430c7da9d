// The reflector daemon: one bgp::Speaker configured as a route reflector from a
// Config, with reload (only neighbours whose settings changed are touched) and
// administrative shutdown. Signals and the command line are main.cpp's.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "bgp/speaker/speaker.hpp"
#include "config.hpp"

namespace bgp::reflector {

/// What a reload did (for logs and tests).
struct ReloadResult {
    bool applied = false;
    std::string error;  ///< why nothing changed, when !applied
    std::size_t added = 0;
    std::size_t removed = 0;
    std::size_t changed = 0;
    std::size_t unchanged = 0;
    bool policies_changed = false;
};

class Daemon {
  public:
    /// Builds the speaker (throws std::invalid_argument if the library refuses
    /// the configuration). Nothing happens on the network until start().
    Daemon(boost::asio::io_context& io, Config config);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    /// Adds every neighbour and range, opens the listening sockets. Throws
    /// ConfigError (with the neighbour's line) if the speaker refuses one, and
    /// std::system_error when a socket cannot be opened.
    void start();

    /// Re-reads the file the configuration came from. A bad file changes nothing.
    ReloadResult reload();
    /// Applies `next`: neighbours added, removed, and changed (only those) through
    /// the speaker; changed policies re-applied in place (Speaker::set_policies).
    /// Changes to router-id, asn, cluster-id or listen need a restart in this
    /// version: such a file changes nothing.
    ReloadResult reload(Config next);

    /// Cease / Administrative Shutdown with `message` to every session; `done`
    /// once every connection is closed.
    /// `for_restart`: Speaker::shutdown_for_restart (neighbours with graceful
    /// restart keep our routes until the next process, started with
    /// --graceful-restart, sends End-of-RIB).
    void shutdown(std::string_view message, std::function<void()> done, bool for_restart = false);

    /// A neighbour added at run time (the API): checked like the file's
    /// (parse_neighbor), added to the speaker and to the running configuration
    /// (not to the file: a reload from the file removes it again). Throws
    /// ConfigError when the speaker refuses it.
    void add_neighbor(Neighbor neighbor);
    /// Removes a configured neighbour (from the speaker and the running
    /// configuration), or drops the session of a dynamic one. False if unknown.
    bool remove_neighbor(const wire::IpAddress& address, std::string_view message);

    /// When the daemon was made (uptime).
    [[nodiscard]] std::chrono::steady_clock::time_point started() const { return started_; }
    [[nodiscard]] Speaker& speaker() { return *speaker_; }
    [[nodiscard]] const Speaker& speaker() const { return *speaker_; }
    [[nodiscard]] const Config& config() const { return config_; }

  private:
    boost::asio::io_context& io_;
    Config config_;
    std::unique_ptr<Speaker> speaker_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace bgp::reflector
