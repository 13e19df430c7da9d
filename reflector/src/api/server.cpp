// The API server: the listening socket (TCP or unix), the accept loop with the
// connection limit, the speaker's events to the watch clients, and stop.
#include "server.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "log.hpp"
#include "shared.hpp"
#include "views.hpp"

namespace bgp::reflector::api {

namespace asio = boost::asio;
using Acceptor = asio::basic_socket_acceptor<asio::generic::stream_protocol>;

struct Server::State {
    State(asio::io_context& io, Daemon& d, ApiConfig c, std::string version, Limits l)
        : daemon(d),
          config(std::move(c)),
          shared(std::make_shared<Shared>(io, d, std::move(version), l)),
          acceptor(io),
          retry(io) {}

    Daemon& daemon;
    ApiConfig config;
    std::shared_ptr<Shared> shared;
    Acceptor acceptor;
    asio::steady_timer retry;  ///< after an accept error (EMFILE): wait before the next
    bool started = false;
    bool socket_file = false;  ///< we made config.unix_path
    std::vector<SubscriptionId> subscriptions;
    std::string endpoint;
};

namespace {

/// A unix socket file left by a daemon that is gone (nobody accepts on it) is
/// removed; a live one or a file that is no socket is an error.
void clear_stale_socket(asio::io_context& io, const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return;  // nothing there
    if (!S_ISSOCK(st.st_mode))
        throw std::system_error(EEXIST, std::generic_category(),
                                path + " exists and is not a unix socket");
    asio::local::stream_protocol::socket probe(io);
    boost::system::error_code ec;
    probe.connect(asio::local::stream_protocol::endpoint(path), ec);
    if (!ec)
        throw std::system_error(EADDRINUSE, std::generic_category(),
                                path + " is in use by another process");
    ::unlink(path.c_str());
}

void accept_next(const std::shared_ptr<Server::State>& state);

}  // namespace

ApiConfig default_api_config() {
    ApiConfig c;
    c.listen = "127.0.0.1:8179";
    c.tcp = ListenEndpoint{wire::IpAddress::v4(0x7f000001), 8179};
    return c;
}

Server::Server(asio::io_context& io, Daemon& daemon, ApiConfig config, std::string version,
               Limits limits)
    : state_(std::make_shared<State>(io, daemon, std::move(config), std::move(version), limits)) {
    state_->shared->limits.max_connections = state_->config.max_connections;
}

Server::~Server() { stop(); }

void Server::start() {
    State& s = *state_;
    if (s.started || s.config.off) return;
    Auth& auth = s.shared->context.auth;
    auth.mode = Auth::Mode::open;
    if (!s.config.token_file.empty()) {
        auth.token = read_api_token(s.config.token_file, s.daemon.config().file);
        auth.mode = s.config.local() ? Auth::Mode::writes : Auth::Mode::all;
    } else if (!s.config.local()) {
        throw ConfigError(s.daemon.config().file, 0, "api.token-file",
                          "required when api.listen is not loopback or a unix socket");
    }

    asio::generic::stream_protocol::endpoint endpoint;
    if (!s.config.unix_path.empty()) {
        clear_stale_socket(s.shared->io, s.config.unix_path);
        endpoint = asio::local::stream_protocol::endpoint(s.config.unix_path);
    } else {
        const auto address = asio::ip::make_address(s.config.tcp->address.to_string());
        endpoint = asio::ip::tcp::endpoint(address, s.config.tcp->port);
    }
    s.acceptor.open(endpoint.protocol());
    if (s.config.unix_path.empty()) s.acceptor.set_option(Acceptor::reuse_address(true));
    s.acceptor.bind(endpoint);
    if (!s.config.unix_path.empty()) {
        s.socket_file = true;
        ::chmod(s.config.unix_path.c_str(), 0660);
        s.endpoint = s.config.unix_path;
    } else {
        boost::system::error_code ec;
        const auto local = s.acceptor.local_endpoint(ec);
        std::uint16_t port = s.config.tcp->port;
        if (!ec) {
            asio::ip::tcp::endpoint tcp;
            tcp.resize(local.size());
            std::memcpy(tcp.data(), local.data(), local.size());
            port = tcp.port();
        }
        const std::string host = s.config.tcp->address.to_string();
        s.endpoint = s.config.tcp->address.is_v6() ? fmt::format("[{}]:{}", host, port)
                                                   : fmt::format("{}:{}", host, port);
    }
    s.acceptor.listen(asio::socket_base::max_listen_connections);

    // The speaker's events to the watch clients, serialised once each.
    std::weak_ptr<Shared> weak = s.shared;
    Speaker& speaker = s.daemon.speaker();
    s.subscriptions.push_back(speaker.on_state_change([weak](const PeerEvent& e) {
        if (auto shared = weak.lock(); shared && !shared->watchers.empty())
            shared->broadcast(
                std::make_shared<const std::string>(boost::json::serialize(session_event_json(e))));
    }));
    s.shared->subscribe_best_paths = [weak, &speaker] {
        return speaker.on_best_path([weak](const BestPathEvent& e) {
            if (auto shared = weak.lock(); shared && !shared->watchers.empty())
                shared->broadcast(std::make_shared<const std::string>(boost::json::serialize(
                    route_event_json(e.family, e.prefix, e.best ? &*e.best : nullptr))));
        });
    };
    s.started = true;
    s.shared->stopped = false;
    accept_next(state_);
    log_line(LogLevel::info,
             fmt::format("api: serving {}{} ({})",
                         s.config.unix_path.empty() ? "http://" : "unix:", s.endpoint,
                         auth.mode == Auth::Mode::open     ? "no token"
                         : auth.mode == Auth::Mode::writes ? "token for changes"
                                                           : "token for every call"));
}

namespace {

void accept_next(const std::shared_ptr<Server::State>& state) {
    state->acceptor.async_accept([state](const boost::system::error_code& ec, Socket socket) {
        if (!state->started || state->shared->stopped) return;
        if (ec) {
            if (ec == asio::error::operation_aborted) return;
            // EMFILE and the like: log, and accept again a little later.
            log_line(LogLevel::warning, "api: accept: " + ec.message());
            state->retry.expires_after(std::chrono::milliseconds(200));
            state->retry.async_wait([state](const boost::system::error_code& timer_ec) {
                if (!timer_ec && state->started) accept_next(state);
            });
            return;
        } else {
            const bool reject =
                state->shared->clients.size() >= state->shared->limits.max_connections;
            serve_http(std::move(socket), state->shared, reject);
        }
        accept_next(state);
    });
}

}  // namespace

void Server::stop() {
    State& s = *state_;
    if (!s.started) return;
    s.started = false;
    s.shared->stopped = true;
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    s.retry.cancel();
    for (SubscriptionId id : s.subscriptions) s.daemon.speaker().unsubscribe(id);
    s.subscriptions.clear();
    s.shared->unsubscribe_best_paths();
    s.shared->subscribe_best_paths = nullptr;
    // close() may drop the last reference to a client: collect them first.
    std::vector<std::shared_ptr<Client>> open;
    for (const auto& entry : s.shared->clients)
        if (auto c = entry.second.lock()) open.push_back(std::move(c));
    for (const auto& c : open) c->close();
    if (s.socket_file) {
        ::unlink(s.config.unix_path.c_str());
        s.socket_file = false;
    }
}

std::unique_ptr<Server> start_server(asio::io_context& io, Daemon& daemon,
                                     const std::string& version) {
    const bool configured = daemon.config().api.has_value();
    ApiConfig config = configured ? *daemon.config().api : default_api_config();
    if (config.off) return nullptr;
    auto server = std::make_unique<Server>(io, daemon, config, version);
    try {
        server->start();
    } catch (const std::system_error& e) {
        if (configured) throw std::system_error(e.code(), "api.listen " + config.listen);
        log_line(LogLevel::warning,
                 fmt::format("api: cannot serve the default {}: {} (set api.listen, or "
                             "api.listen: off)",
                             config.listen, e.what()));
        return nullptr;
    }
    return server;
}

std::string Server::endpoint() const { return state_->endpoint; }

std::size_t Server::connections() const { return state_->shared->clients.size(); }

}  // namespace bgp::reflector::api
