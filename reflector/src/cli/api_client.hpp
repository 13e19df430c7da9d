// The CLI's client of the daemon's HTTP API (docs/cli.md): one request at a time
// over TCP or a unix socket with Boost.Beast, and the WebSocket watch stream.
// Synchronous for its caller; every connect, write and read is bounded by a
// timeout (each read of a body re-arms it, so a large RIB may take longer in all).
// Errors are ApiError, their text ready for people ("cannot connect to the API
// at 127.0.0.1:8179: Connection refused (is bgp-reflector running? ...)").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bgp::reflector::cli {

/// Where the API listens: "ADDR:PORT", "[v6]:PORT", "localhost:PORT" or a unix
/// socket path (starts with '/').
struct ApiEndpoint {
    std::string text;        ///< as given, for messages
    std::string host;        ///< TCP: address or name
    std::uint16_t port = 0;  ///< TCP
    std::string unix_path;   ///< unix socket, when set

    /// Throws UsageError (args.hpp) when `text` is neither.
    static ApiEndpoint parse(std::string_view text);
};

/// A failed call: cannot connect, timed out, the connection broke, or a reply
/// that is not HTTP. The text is what the CLI prints.
class ApiError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct HttpReply {
    unsigned status = 0;
    std::string reason;  ///< "Not Found"
    std::string body;
};

class ApiClient {
  public:
    /// `token`: sent as "Authorization: Bearer TOKEN" when not empty.
    ApiClient(ApiEndpoint endpoint, std::string token, std::chrono::seconds timeout);

    /// One request ("GET", "POST", "DELETE"); a JSON body when `body` is not empty.
    /// Any HTTP status is a reply; throws ApiError only when there is none.
    HttpReply request(std::string_view method, const std::string& target,
                      const std::string& body = {}) const;

    /// Opens the WebSocket at `target` and calls `on_message` with each text
    /// frame until it returns false, the server closes the stream, or (when
    /// `handle_signals`) SIGINT / SIGTERM arrive; then closes cleanly. Throws
    /// ApiError if the stream cannot be opened or breaks. Returns the reason the
    /// server gave when it closed the stream ("" if none, or if this side closed).
    std::string watch(const std::string& target,
                      const std::function<bool(const std::string&)>& on_message,
                      bool handle_signals) const;

    [[nodiscard]] const ApiEndpoint& endpoint() const { return endpoint_; }

  private:
    ApiEndpoint endpoint_;
    std::string token_;
    std::chrono::seconds timeout_;
};

/// The first line of a token file, without surrounding blanks. Throws ApiError.
std::string read_token_file(const std::string& path);

}  // namespace bgp::reflector::cli
