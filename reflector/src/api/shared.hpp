// What the API server's connections share (private to src/api): the router's
// context, the limits, the open clients (to close them all on stop) and the
// watch clients (to hand them the speaker's events). Held by shared_ptr: a
// connection whose handlers are still queued keeps it alive after the Server.
#pragma once

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http.hpp"
#include "server.hpp"

namespace bgp::reflector::api {

using Socket = boost::asio::generic::stream_protocol::socket;

/// An open connection (HTTP or WebSocket).
class Client {
  public:
    virtual ~Client() = default;
    /// Ends it now (pending operations complete with operation_aborted).
    virtual void close() = 0;
};

/// A watch client: receives each event serialised once, shared.
class Watcher : public Client {
  public:
    virtual void deliver(const std::shared_ptr<const std::string>& message) = 0;
};

struct Shared {
    Shared(boost::asio::io_context& io_context, Daemon& daemon, std::string version, Limits l)
        : io(io_context), context{daemon, std::move(version), {}}, limits(l) {}

    boost::asio::io_context& io;
    Context context;
    Limits limits;
    bool stopped = false;
    std::uint64_t next_id = 1;
    std::map<std::uint64_t, std::weak_ptr<Client>> clients;
    std::map<std::uint64_t, std::weak_ptr<Watcher>> watchers;
    /// The speaker's best-path events are subscribed only while someone
    /// watches: each event copies the route and its attributes, which a
    /// million-route table change should not pay for nobody (set by the server).
    std::function<SubscriptionId()> subscribe_best_paths;
    std::optional<SubscriptionId> best_paths;

    void add_watcher(std::uint64_t id, std::weak_ptr<Watcher> watcher) {
        if (!best_paths && subscribe_best_paths && !stopped) best_paths = subscribe_best_paths();
        watchers.emplace(id, std::move(watcher));
    }
    void remove_watcher(std::uint64_t id) {
        watchers.erase(id);
        if (watchers.empty()) unsubscribe_best_paths();
    }
    /// Also when the server stops, so that no client left over (the daemon may
    /// be gone by then) touches the speaker.
    void unsubscribe_best_paths() {
        if (best_paths) context.daemon.speaker().unsubscribe(*best_paths);
        best_paths.reset();
    }

    /// To every watch client.
    /// (A client may close, and leave `watchers`, while it is told.)
    void broadcast(const std::shared_ptr<const std::string>& message) const {
        std::vector<std::shared_ptr<Watcher>> to;
        to.reserve(watchers.size());
        for (const auto& entry : watchers)
            if (auto w = entry.second.lock()) to.push_back(std::move(w));
        for (const auto& w : to) w->deliver(message);
    }
};

/// Starts serving an accepted connection (connection.cpp). `reject`: answer 503
/// (too many connections) and close.
void serve_http(Socket socket, const std::shared_ptr<Shared>& shared, bool reject);

/// Hands an upgrade request for /api/v1/watch to a new watch client (watch.cpp).
void serve_watch(Socket socket, const std::shared_ptr<Shared>& shared, Request request);

}  // namespace bgp::reflector::api
