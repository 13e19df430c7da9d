// GET /api/v1/rib?family=&prefix=&neighbor=&best=: the speaker's RIB (every
// path, ranked best first, with the reason the best one won), filtered.
#include <boost/json/array.hpp>
#include <optional>
#include <string>

#include "http.hpp"
#include "views.hpp"

namespace bgp::reflector::api {

Response get_rib(Context& c, const Request& r, const Target& t) {
    std::optional<wire::Family> family;
    std::optional<wire::Prefix> prefix;
    std::optional<std::optional<wire::IpAddress>> neighbor;  // set: filter; inner unset: local
    bool best_only = false;
    const auto bad = [&r](const std::string& message) {
        return error_response(http::status::bad_request, message, r);
    };
    for (const auto& kv : t.query) {
        const std::string& v = kv.second;
        if (kv.first == "family") {
            const auto f = wire::Family::parse(v);
            if (!f || (*f != wire::ipv4_unicast && *f != wire::ipv6_unicast))
                return bad("family: expected ipv4-unicast or ipv6-unicast, got '" + v + "'");
            family = *f;
        } else if (kv.first == "prefix") {
            const auto p = wire::Prefix::parse(v);
            if (!p)
                return bad("prefix: expected a prefix (10.1.0.0/26, fd00::/64), got '" + v + "'");
            const auto written = wire::IpAddress::parse(v.substr(0, v.find('/')));
            if (!written || *written != p->address())
                return bad("prefix: host bits set in " + v + " (did you mean " + p->to_string() +
                           "?)");
            prefix = *p;
        } else if (kv.first == "neighbor") {
            if (v == "local") {
                neighbor = std::optional<wire::IpAddress>{};
            } else {
                const auto a = wire::IpAddress::parse(v);
                if (!a) return bad("neighbor: expected an address or local, got '" + v + "'");
                neighbor = a;
            }
        } else if (kv.first == "best") {
            if (v != "true" && v != "false" && !v.empty())
                return bad("best: expected true or false, got '" + v + "'");
            best_only = v != "false";
        } else {
            return bad("unknown parameter '" + kv.first +
                       "' (expected family, prefix, neighbor, best)");
        }
    }
    if (prefix && family && prefix->afi() != family->afi)
        return bad("prefix: " + prefix->to_string() + " is not of family " + family->name());
    const wire::Family f = family                                       ? *family
                           : prefix && prefix->afi() == wire::Afi::ipv6 ? wire::ipv6_unicast
                                                                        : wire::ipv4_unicast;
    boost::json::array routes;
    for (const RibRoute& route : c.daemon.speaker().rib(f, prefix)) {
        if (best_only && !route.best) continue;
        if (neighbor && route.peer != *neighbor) continue;
        routes.emplace_back(route_json(route));
    }
    return json_response(http::status::ok,
                         boost::json::object{{"family", f.name()}, {"routes", std::move(routes)}},
                         r);
}

}  // namespace bgp::reflector::api
