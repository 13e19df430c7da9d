// bgp-reflector's command-line client (cli.hpp): each command as one API call,
// its reply as a table (format.hpp) or as the server's JSON, pretty-printed.
#include "cli/cli.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <ostream>
#include <vector>

#include "cli/format.hpp"
#include "cli/json_fields.hpp"
#include "config.hpp"

namespace bgp::reflector::cli {

namespace json = boost::json;

namespace {

/// An HTTP error reply: its `error` field, else its status line.
class HttpError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

std::string http_error_text(const HttpReply& reply) {
    std::string text;
    boost::system::error_code ec;
    const auto body = json::parse(reply.body, ec);
    if (!ec) text = text_field(body, "error");
    if (text.empty()) {
        text = reply.body.substr(0, reply.body.find('\n'));
        if (text.size() > 200) text.resize(200);
    }
    std::string status = "HTTP " + std::to_string(reply.status);
    if (!reply.reason.empty()) status += " " + reply.reason;
    return text.empty() ? status : text + " (" + status + ")";
}

json::value parse_body(const HttpReply& reply, const ApiEndpoint& endpoint) {
    boost::system::error_code ec;
    auto v = json::parse(reply.body, ec);
    if (ec)
        throw ApiError("the API at " + endpoint.text + " answered HTTP " +
                       std::to_string(reply.status) +
                       " with a body that is not JSON: " + ec.message());
    return v;
}

/// Calls the API; an HTTP error status throws HttpError with the server's text.
json::value call(const ApiClient& client, std::string_view method, const std::string& target,
                 const std::string& body = {}) {
    const auto reply = client.request(method, target, body);
    if (reply.status >= 400) throw HttpError(http_error_text(reply));
    return parse_body(reply, client.endpoint());
}

std::string rib_target(const Invocation& inv) {
    std::string t = "/api/v1/rib?family=" + (inv.family.empty() ? "ipv4-unicast" : inv.family);
    if (!inv.prefix.empty()) t += "&prefix=" + inv.prefix;
    if (!inv.neighbor.empty()) t += "&neighbor=" + inv.neighbor;
    return t;
}

std::string utc_time() {
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
    return buf;
}

int watch(const ApiClient& client, const Invocation& inv, std::ostream& out, std::ostream& err,
          bool handle_signals) {
    std::size_t seen = 0;
    bool live = false;  // after the first snapshot-end: events get a time stamp
    const auto reason = client.watch(
        "/api/v1/watch",
        [&](const std::string& message) {
            ++seen;
            if (inv.json) {
                out << message << '\n' << std::flush;
            } else {
                boost::system::error_code ec;
                const auto event = json::parse(message, ec);
                if (ec) {
                    out << message << '\n' << std::flush;
                } else {
                    const auto line = format_event(event);
                    out << (live ? utc_time() + " " : std::string()) << line << '\n' << std::flush;
                    if (text_field(event, "type") == "snapshot-end") live = true;
                }
            }
            return !inv.count || seen < *inv.count;
        },
        handle_signals);
    if (!reason.empty())
        err << "bgp-reflector: the server closed the watch stream: " << reason << '\n';
    return 0;
}

int execute(const ApiClient& client, const Invocation& inv, std::ostream& out, std::ostream& err,
            bool handle_signals) {
    const auto print = [&](const json::value& v, const std::string& text) {
        out << (inv.json ? pretty_json(v) : text);
    };
    switch (inv.command) {
        case Command::help:
            return 0;
        case Command::show_neighbors: {
            const auto v = call(client, "GET", "/api/v1/neighbors");
            print(v, inv.json ? "" : format_neighbors(v));
            return 0;
        }
        case Command::show_neighbor: {
            const auto v = call(client, "GET", "/api/v1/neighbors/" + inv.address);
            print(v, inv.json ? "" : format_neighbor(v));
            return 0;
        }
        case Command::show_status: {
            const auto v = call(client, "GET", "/api/v1/status");
            print(v, inv.json ? "" : format_status(v));
            return 0;
        }
        case Command::show_rib: {
            const auto v = call(client, "GET", rib_target(inv));
            print(v, inv.json ? "" : format_rib(v));
            return 0;
        }
        case Command::show_route: {
            const auto v = call(client, "GET", rib_target(inv));
            print(v, inv.json ? "" : format_route(v, inv.prefix));
            const auto* routes = array_field(v, "routes");
            return routes != nullptr && !routes->empty() ? 0 : 1;
        }
        case Command::watch:
            return watch(client, inv, out, err, handle_signals);
        case Command::dump: {
            // The Loc-RIB as MRT TABLE_DUMP_V2 (RFC 6396), written as it came.
            const auto reply = client.request("GET", "/api/v1/rib/mrt");
            if (reply.status >= 400) throw HttpError(http_error_text(reply));
            std::ofstream file(inv.mrt_file, std::ios::binary | std::ios::trunc);
            file.write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
            file.close();
            if (!file) {
                err << "bgp-reflector: cannot write " << inv.mrt_file << "\n";
                return 1;
            }
            out << "wrote " << reply.body.size() << " octets of TABLE_DUMP_V2 to " << inv.mrt_file
                << "\n";
            return 0;
        }
        case Command::reload: {
            // 400 {"applied":false,"error":...} is a refused file, not a failed call.
            const auto reply = client.request("POST", "/api/v1/reload");
            boost::system::error_code ec;
            const auto v = json::parse(reply.body, ec);
            if (ec || field(v, "applied") == nullptr) {
                if (reply.status >= 400) throw HttpError(http_error_text(reply));
                parse_body(reply, client.endpoint());  // throws for a body that is not JSON
            }
            const bool applied = bool_field(v, "applied");
            if (inv.json) {
                out << pretty_json(v);
            } else if (applied) {
                out << format_reload(v);
            } else {
                err << "bgp-reflector: " << format_reload(v);
            }
            return applied ? 0 : 1;
        }
        case Command::neighbor_add: {
            const auto v =
                call(client, "POST", "/api/v1/neighbors", json::serialize(inv.neighbor_body));
            print(v, inv.json ? ""
                              : "neighbor " + text_field(v, "address", inv.address) +
                                    " added (AS " + int_text(v, "asn") + ")\n");
            return 0;
        }
        case Command::neighbor_delete: {
            const auto v = call(client, "DELETE", "/api/v1/neighbors/" + inv.address);
            print(v, inv.json ? ""
                              : "neighbor " + text_field(v, "removed", inv.address) + " removed\n");
            return 0;
        }
        case Command::neighbor_refresh: {
            std::string target = "/api/v1/neighbors/" + inv.address + "/refresh";
            if (!inv.family.empty()) target += "?family=" + inv.family;
            const auto v = call(client, "POST", target);
            std::string families;
            if (const auto* a = array_field(v, "families"))
                for (const auto& f : *a)
                    families += (families.empty() ? "" : ", ") + scalar_text(f);
            print(v, inv.json ? ""
                              : "route refresh sent to " + text_field(v, "refreshed", inv.address) +
                                    (families.empty() ? "" : " (" + families + ")") + "\n");
            return 0;
        }
    }
    return 1;
}

}  // namespace

ApiTarget resolve_target(const Invocation& inv) {
    ApiTarget t;
    t.token_file = inv.token_file;
    if (!inv.api.empty()) {
        t.endpoint = ApiEndpoint::parse(inv.api);
        return t;
    }
    if (!inv.config.empty()) {
        const auto config = load_config(inv.config);  // throws ConfigError
        if (config.api && config.api->off)
            throw ApiError(inv.config + " sets api.listen: off: the daemon serves no API");
        if (config.api && t.token_file.empty()) t.token_file = config.api->token_file;
        if (config.api && !config.api->listen.empty()) {
            t.endpoint = ApiEndpoint::parse(config.api->listen);
            return t;
        }
        // No `api` in the file: the daemon serves the default.
    }
    t.endpoint = ApiEndpoint::parse(default_api);
    return t;
}

ApiEndpoint resolve_endpoint(const Invocation& inv) { return resolve_target(inv).endpoint; }

int run(const Invocation& inv, std::ostream& out, std::ostream& err, bool handle_signals) {
    try {
        const auto target = resolve_target(inv);
        const auto token =
            target.token_file.empty() ? std::string() : read_token_file(target.token_file);
        const ApiClient client(target.endpoint, token, inv.timeout);
        return execute(client, inv, out, err, handle_signals);
    } catch (const UsageError& e) {
        err << "bgp-reflector: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {  // ApiError, HttpError, ConfigError
        err << "bgp-reflector: " << e.what() << '\n';
        return 1;
    }
}

int main(int argc, char** argv, std::string_view usage) {
    std::vector<std::string> args(argv + 1, argv + argc);
    Invocation inv;
    try {
        inv = parse_arguments(args);
    } catch (const UsageError& e) {
        std::cerr << "bgp-reflector: " << e.what() << " (see --help)\n";
        return 2;
    }
    if (inv.command == Command::help) {
        std::cout << usage;
        return 0;
    }
    return run(inv, std::cout, std::cerr, true);
}

}  // namespace bgp::reflector::cli
