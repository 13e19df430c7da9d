// The neighbour endpoints: GET /api/v1/neighbors[/{address}], POST
// /api/v1/neighbors (a `neighbors:` entry as JSON, checked by the
// configuration reader), DELETE /api/v1/neighbors/{address}, POST
// /api/v1/neighbors/{address}/refresh (ROUTE-REFRESH, RFC 2918 / RFC 7313).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "http.hpp"
#include "views.hpp"

namespace bgp::reflector::api {

namespace {

/// JSON as YAML flow text (JSON strings are YAML double-quoted scalars), with
/// the blanks yaml-cpp wants after ':' and ','.
void to_yaml(const boost::json::value& v, std::string& out) {
    switch (v.kind()) {
        case boost::json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& kv : v.get_object()) {
                if (!first) out += ", ";
                first = false;
                out += boost::json::serialize(boost::json::string(kv.key()));
                out += ": ";
                to_yaml(kv.value(), out);
            }
            out += '}';
            return;
        }
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& item : v.get_array()) {
                if (!first) out += ", ";
                first = false;
                to_yaml(item, out);
            }
            out += ']';
            return;
        }
        case boost::json::kind::null:
            out += "null";
            return;
        default:
            out += boost::json::serialize(v);
            return;
    }
}

std::optional<wire::IpAddress> address_of(const std::string& text) {
    return wire::IpAddress::parse(text);
}

Response bad_address(const Request& r, const std::string& text) {
    return error_response(http::status::bad_request,
                          "expected a neighbour's address (10.0.0.2, fd00::2), got '" + text + "'",
                          r);
}

}  // namespace

Response get_neighbors(Context& c, const Request& r) {
    const auto now = std::chrono::steady_clock::now();
    boost::json::array list;
    for (const PeerStatus& p : c.daemon.speaker().peers())
        list.emplace_back(neighbor_json(c.daemon, p, now));
    return json_response(http::status::ok, boost::json::object{{"neighbors", std::move(list)}}, r);
}

Response get_neighbor(Context& c, const Request& r, const std::string& text) {
    const auto a = address_of(text);
    if (!a) return bad_address(r, text);
    const auto p = c.daemon.speaker().peer(*a);
    if (!p) return error_response(http::status::not_found, "no neighbour " + a->to_string(), r);
    return json_response(http::status::ok,
                         neighbor_json(c.daemon, *p, std::chrono::steady_clock::now()), r);
}

Response post_neighbor(Context& c, const Request& r) {
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(r.body(), ec);
    if (ec) return error_response(http::status::bad_request, "body: not JSON: " + ec.message(), r);
    if (!body.is_object())
        return error_response(http::status::bad_request,
                              "body: expected an object of neighbour keys (address, asn, ...)", r);
    if (const auto* a = body.as_object().if_contains("address"); a != nullptr && a->is_string()) {
        const auto address = wire::IpAddress::parse(std::string(a->get_string()));
        if (address && c.daemon.speaker().peer(*address))
            return error_response(http::status::conflict,
                                  "address: " + address->to_string() + " is already a neighbour",
                                  r);
    }
    std::string text;
    to_yaml(body, text);
    try {
        Neighbor n = parse_neighbor(text, c.daemon.config(), "request");
        const wire::IpAddress address = n.address;
        c.daemon.add_neighbor(std::move(n));
        const auto p = c.daemon.speaker().peer(address);
        if (!p) return error_response(http::status::internal_server_error, "neighbour lost", r);
        return json_response(http::status::created,
                             neighbor_json(c.daemon, *p, std::chrono::steady_clock::now()), r);
    } catch (const ConfigError& e) {
        const std::string message = e.key().empty() ? e.message() : e.key() + ": " + e.message();
        return json_response(http::status::bad_request,
                             boost::json::object{{"error", message}, {"key", e.key()}}, r);
    }
}

Response delete_neighbor(Context& c, const Request& r, const std::string& text) {
    const auto a = address_of(text);
    if (!a) return bad_address(r, text);
    if (!c.daemon.remove_neighbor(*a, "neighbor removed through the API"))
        return error_response(http::status::not_found, "no neighbour " + a->to_string(), r);
    return json_response(http::status::ok, boost::json::object{{"removed", a->to_string()}}, r);
}

Response refresh_neighbor(Context& c, const Request& r, const std::string& text, const Target& t) {
    const auto a = address_of(text);
    if (!a) return bad_address(r, text);
    const auto p = c.daemon.speaker().peer(*a);
    if (!p) return error_response(http::status::not_found, "no neighbour " + a->to_string(), r);
    if (p->state != fsm::State::established || !p->negotiated)
        return error_response(
            http::status::conflict,
            a->to_string() + " is " + std::string(fsm::to_string(p->state)) + ", not Established",
            r);
    std::vector<wire::Family> families = p->negotiated->families;
    for (const auto& kv : t.query) {
        if (kv.first != "family")
            return error_response(http::status::bad_request,
                                  "unknown parameter '" + kv.first + "' (expected family)", r);
        const auto f = wire::Family::parse(kv.second);
        if (!f || (*f != wire::ipv4_unicast && *f != wire::ipv6_unicast))
            return error_response(
                http::status::bad_request,
                "family: expected ipv4-unicast or ipv6-unicast, got '" + kv.second + "'", r);
        if (!p->negotiated->has_family(*f))
            return error_response(
                http::status::conflict,
                "family " + f->name() + " is not negotiated with " + a->to_string(), r);
        families = {*f};
    }
    if (!p->negotiated->route_refresh)
        return error_response(http::status::conflict,
                              a->to_string() + " did not negotiate route refresh (RFC 2918)", r);
    boost::json::array done;
    for (const wire::Family& f : families)
        if (c.daemon.speaker().refresh_peer(*a, f)) done.emplace_back(f.name());
    return json_response(
        http::status::ok,
        boost::json::object{{"refreshed", a->to_string()}, {"families", std::move(done)}}, r);
}

}  // namespace bgp::reflector::api
