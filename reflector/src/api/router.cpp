// The HTTP API's router, authentication and common responses (http.hpp).
#include "http.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <exception>

#include "metrics.hpp"
#include "mrt_dump.hpp"
#include "views.hpp"

namespace bgp::reflector::api {

namespace {

constexpr std::string_view neighbors_prefix = "/api/v1/neighbors/";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            const int hi = hex_value(in[i + 1]);
            const int lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return true;
}

Response method_not_allowed(const Request& r, const char* allow) {
    Response res = error_response(
        http::status::method_not_allowed,
        std::string(r.method_string()) + " not allowed here (allowed: " + allow + ")", r);
    res.set(http::field::allow, allow);
    return res;
}

Response reload(Context& c, const Request& r) {
    const ReloadResult rr = c.daemon.reload();
    if (!rr.applied)
        return json_response(http::status::bad_request,
                             boost::json::object{{"applied", false}, {"error", rr.error}}, r);
    return json_response(http::status::ok,
                         boost::json::object{{"applied", true},
                                             {"added", rr.added},
                                             {"removed", rr.removed},
                                             {"changed", rr.changed},
                                             {"unchanged", rr.unchanged},
                                             {"policies_changed", rr.policies_changed}},
                         r);
}

Response route(Context& c, const Request& r, const Target& t) {
    const auto verb = r.method();
    const std::string& p = t.path;
    if (p == "/api/v1/status") {
        if (verb != http::verb::get) return method_not_allowed(r, "GET");
        return json_response(http::status::ok, status_json(c.daemon, c.version), r);
    }
    if (p == "/api/v1/neighbors" || p == "/api/v1/neighbors/") {
        if (verb == http::verb::get) return get_neighbors(c, r);
        if (verb == http::verb::post) return post_neighbor(c, r);
        return method_not_allowed(r, "GET, POST");
    }
    if (p.size() > neighbors_prefix.size() && p.rfind(neighbors_prefix, 0) == 0) {
        std::string rest = p.substr(neighbors_prefix.size());
        constexpr std::string_view refresh = "/refresh";
        if (rest.size() > refresh.size() &&
            rest.compare(rest.size() - refresh.size(), refresh.size(), refresh) == 0) {
            rest.resize(rest.size() - refresh.size());
            if (verb != http::verb::post) return method_not_allowed(r, "POST");
            return refresh_neighbor(c, r, rest, t);
        }
        if (rest.find('/') != std::string::npos)
            return error_response(http::status::not_found, "no such endpoint: " + p, r);
        if (verb == http::verb::get) return get_neighbor(c, r, rest);
        if (verb == http::verb::delete_) return delete_neighbor(c, r, rest);
        return method_not_allowed(r, "GET, DELETE");
    }
    if (p == "/api/v1/rib") {
        if (verb != http::verb::get) return method_not_allowed(r, "GET");
        return get_rib(c, r, t);
    }
    if (p == "/api/v1/rib/mrt") {
        if (verb != http::verb::get) return method_not_allowed(r, "GET");
        const auto bytes = dump_mrt(c.daemon.speaker());
        Response res{http::status::ok, r.version()};
        res.set(http::field::content_type, "application/octet-stream");
        res.body().assign(bytes.begin(), bytes.end());
        res.keep_alive(r.keep_alive());
        res.prepare_payload();
        return res;
    }
    if (p == "/api/v1/reload") {
        if (verb != http::verb::post) return method_not_allowed(r, "POST");
        return reload(c, r);
    }
    if (p == "/metrics") {
        if (verb != http::verb::get) return method_not_allowed(r, "GET");
        Response res{http::status::ok, r.version()};
        res.set(http::field::content_type, metrics_content_type);
        res.body() = metrics_text(c.daemon, c.version);
        res.keep_alive(r.keep_alive());
        res.prepare_payload();
        return res;
    }
    if (p == "/api/v1/watch") {
        if (verb != http::verb::get) return method_not_allowed(r, "GET");
        Response res = error_response(http::status::upgrade_required,
                                      "/api/v1/watch is a WebSocket: send Upgrade: websocket", r);
        res.set(http::field::upgrade, "websocket");
        return res;
    }
    return error_response(http::status::not_found, "no such endpoint: " + p, r);
}

}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
    // Compares over the longer length so that where they differ does not show.
    const std::size_t n = a.size() > b.size() ? a.size() : b.size();
    unsigned diff = a.size() == b.size() ? 0U : 1U;
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
        diff |= static_cast<unsigned>(x ^ y);
    }
    return diff == 0;
}

bool Auth::allows(const Request& request) const {
    if (mode == Mode::open) return true;
    const bool writes = request.method() != http::verb::get && request.method() != http::verb::head;
    if (mode == Mode::writes && !writes) return true;
    const auto it = request.find(http::field::authorization);
    if (it == request.end()) return false;
    const std::string_view value(it->value().data(), it->value().size());
    constexpr std::string_view scheme = "Bearer ";
    if (value.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)  // the scheme is case-insensitive
        if (std::tolower(static_cast<unsigned char>(value[i])) !=
            std::tolower(static_cast<unsigned char>(scheme[i])))
            return false;
    return constant_time_equal(value.substr(scheme.size()), token);
}

bool parse_target(std::string_view target, Target& out) {
    if (target.empty() || target.front() != '/') return false;
    const auto q = target.find('?');
    if (!percent_decode(target.substr(0, q), out.path, false)) return false;
    out.query.clear();
    if (q == std::string_view::npos) return true;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        std::string key, value;
        if (!percent_decode(pair.substr(0, eq), key, true)) return false;
        if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value, true))
            return false;
        out.query[key] = value;
    }
    return true;
}

Response json_response(http::status status, const boost::json::value& body,
                       const Request& request) {
    Response res{status, request.version()};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = boost::json::serialize(body);
    res.body() += '\n';
    res.keep_alive(request.keep_alive());
    res.prepare_payload();
    return res;
}

Response error_response(http::status status, const std::string& message, const Request& request) {
    return json_response(status, boost::json::object{{"error", message}}, request);
}

Response unauthorized(const Request& request) {
    Response res =
        error_response(http::status::unauthorized,
                       "this call needs Authorization: Bearer <token> (api.token-file)", request);
    res.set(http::field::www_authenticate, "Bearer realm=\"bgp-reflector\"");
    return res;
}

bool is_watch(const Request& request) {
    Target t;
    return request.method() == http::verb::get && parse_target(request.target(), t) &&
           t.path == "/api/v1/watch";
}

Response handle_request(Context& context, const Request& request) {
    try {
        if (!context.auth.allows(request)) return unauthorized(request);
        Target t;
        if (!parse_target(request.target(), t))
            return error_response(http::status::bad_request,
                                  "malformed request target: " + std::string(request.target()),
                                  request);
        return route(context, request, t);
    } catch (const std::exception& e) {
        return error_response(http::status::internal_server_error,
                              std::string("internal error: ") + e.what(), request);
    }
}

}  // namespace bgp::reflector::api
