// The HTTP API's request handling, independent of the connection: request and
// response types, the bearer-token rule (docs/api.md "Authentication"), and
// the router from a request to its response (every endpoint but the WebSocket
// upgrade, which the connection hands to watch.hpp).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <string_view>

#include "daemon.hpp"

namespace bgp::reflector::api {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// Who may call what (docs/api.md "Authentication").
struct Auth {
    enum class Mode : std::uint8_t {
        open,    ///< loopback or unix socket, no token file: no token needed
        writes,  ///< token file on a local listener: POST / DELETE need the token
        all,     ///< non-loopback listener: every call needs the token
    };
    Mode mode = Mode::open;
    std::string token;

    /// Whether `request` may go on (method and Authorization header).
    [[nodiscard]] bool allows(const Request& request) const;
};

/// Equal strings, in time that depends only on their lengths.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

/// What the router needs: the daemon and what the server knows.
struct Context {
    Daemon& daemon;
    std::string version;
    Auth auth;
};

/// A path split from its query, %-decoded; false when malformed.
struct Target {
    std::string path;
    std::map<std::string, std::string, std::less<>> query;
};
[[nodiscard]] bool parse_target(std::string_view target, Target& out);

/// `{"error": message}` with `status`, keep-alive as the request asks.
[[nodiscard]] Response error_response(http::status status, const std::string& message,
                                      const Request& request);
[[nodiscard]] Response json_response(http::status status, const boost::json::value& body,
                                     const Request& request);
/// 401 with WWW-Authenticate: Bearer.
[[nodiscard]] Response unauthorized(const Request& request);

/// Whether the request is for the watch WebSocket (GET /api/v1/watch).
[[nodiscard]] bool is_watch(const Request& request);

/// Every endpoint of docs/api.md; never throws (an unexpected exception is a
/// 500 with its message).
[[nodiscard]] Response handle_request(Context& context, const Request& request);

// The endpoints (router.cpp dispatches; neighbors.cpp, rib.cpp).
Response get_neighbors(Context& c, const Request& r);
Response get_neighbor(Context& c, const Request& r, const std::string& address);
Response post_neighbor(Context& c, const Request& r);
Response delete_neighbor(Context& c, const Request& r, const std::string& address);
Response refresh_neighbor(Context& c, const Request& r, const std::string& address,
                          const Target& t);
Response get_rib(Context& c, const Request& r, const Target& t);

}  // namespace bgp::reflector::api
