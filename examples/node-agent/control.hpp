// The agent's control socket: a unix stream socket (created 0660, removed when
// the server goes away). One request per connection:
//   client -> server: one header line ("apply FILE", "show routes", "show routes --json"),
//                     then the body (the manifest text for apply); then EOF (shutdown)
//   server -> client: "ok\n" or "error\n", then the text; then EOF
// Requests and answers are bounded (4 MiB).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace bgp::node_agent {

inline constexpr std::size_t control_limit = 4u << 20;

struct ControlReply {
    bool ok = true;
    std::string text;
};
using ControlHandler = std::function<ControlReply(std::string_view header, std::string_view body)>;

class ControlServer {
  public:
    /// Throws std::runtime_error when the path is in use by a live agent or
    /// cannot be bound. A stale socket file (no one listening) is replaced.
    ControlServer(boost::asio::io_context& io, std::string path, ControlHandler handler);
    ~ControlServer();  ///< closes and removes the socket file
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;
    void close();
    struct State;

  private:
    void accept();
    std::shared_ptr<State> state_;
};

/// Client side (blocking): sends one request, returns the reply. Throws
/// std::runtime_error when the agent cannot be reached.
[[nodiscard]] ControlReply control_request(const std::string& path, std::string_view header,
                                           std::string_view body);

}  // namespace bgp::node_agent
