// The API's JSON views. See views.hpp and docs/api.md for the fields.
#include "views.hpp"

#include <boost/json/array.hpp>
#include <cstdint>
#include <string>

#include "bgp/fsm/session.hpp"
#include "counts.hpp"

namespace bgp::reflector::api {

namespace {

std::string dotted(std::uint32_t v) { return wire::IpAddress::v4(v).to_string(); }

const char* origin_name(wire::Origin o) {
    switch (o) {
        case wire::Origin::igp:
            return "igp";
        case wire::Origin::egp:
            return "egp";
        case wire::Origin::incomplete:
            return "incomplete";
    }
    return "incomplete";
}

const char* segment_name(wire::AsSegmentType t) {
    switch (t) {
        case wire::AsSegmentType::as_set:
            return "AS_SET";
        case wire::AsSegmentType::as_sequence:
            return "AS_SEQUENCE";
        case wire::AsSegmentType::as_confed_sequence:
            return "AS_CONFED_SEQUENCE";
        case wire::AsSegmentType::as_confed_set:
            return "AS_CONFED_SET";
    }
    return "UNKNOWN";
}

json::array as_path_json(const wire::AsPath& p) {
    json::array out;
    for (const auto& s : p.segments) {
        json::array asns;
        for (auto a : s.asns) asns.emplace_back(a);
        out.emplace_back(json::object{{"type", segment_name(s.type)}, {"asns", std::move(asns)}});
    }
    return out;
}

json::object aggregator_json(const wire::Aggregator& a) {
    return {{"asn", a.asn}, {"address", a.address.to_string()}};
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

const char* add_path_mode(bool send, bool receive) {
    if (send && receive) return "both";
    return send ? "send" : "receive";
}

/// The configured settings of a peer: its static neighbour entry, else the
/// dynamic range it came from; null when neither (removed meanwhile).
const NeighborSettings* settings_of(const Config& c, const wire::IpAddress& a) {
    for (const Neighbor& n : c.neighbors)
        if (n.address == a) return &n.settings;
    for (const DynamicNeighbors& d : c.dynamic_neighbors)
        if (d.prefix.contains(a)) return &d.settings;
    return nullptr;
}

json::value capabilities_json(const std::optional<fsm::Negotiated>& n) {
    if (!n) return nullptr;
    json::array families;
    json::object add_path;
    for (const wire::Family& f : n->families) {
        families.emplace_back(f.name());
        const bool send = n->add_path_send.contains(f);
        const bool receive = n->add_path_receive.contains(f);
        if (send || receive) add_path[f.name()] = add_path_mode(send, receive);
    }
    return json::object{{"families", std::move(families)},
                        {"four_octet_as", n->four_octet_as},
                        {"route_refresh", n->route_refresh},
                        {"enhanced_route_refresh", n->enhanced_route_refresh},
                        {"graceful_restart", n->graceful_restart},
                        {"extended_message", n->extended_message},
                        {"add_path", std::move(add_path)},
                        {"hold_time", n->hold_time.count()},
                        {"keepalive", n->keepalive_time.count()}};
}

}  // namespace

std::int64_t seconds_since(std::chrono::steady_clock::time_point since,
                           std::chrono::steady_clock::time_point now) {
    if (now <= since) return 0;
    return std::chrono::duration_cast<std::chrono::seconds>(now - since).count();
}

json::object status_json(const Daemon& daemon, const std::string& version) {
    const Config& c = daemon.config();
    const Speaker& s = daemon.speaker();
    std::size_t dynamic = 0, established = 0;
    for (const PeerStatus& p : s.peers()) {
        if (p.dynamic) ++dynamic;
        if (p.state == fsm::State::established) ++established;
    }
    const RibCounts rc = rib_counts(s);
    json::object routes{
        {"ipv4-unicast", json::object{{"prefixes", rc.prefixes_ipv4}, {"paths", rc.paths_ipv4}}},
        {"ipv6-unicast", json::object{{"prefixes", rc.prefixes_ipv6}, {"paths", rc.paths_ipv6}}}};
    return {{"router_id", dotted(c.router_id)},
            {"asn", c.asn},
            {"cluster_id", dotted(c.cluster_id.value_or(c.router_id))},
            {"version", version},
            {"uptime_seconds", seconds_since(daemon.started(), std::chrono::steady_clock::now())},
            {"neighbors", json::object{{"configured", c.neighbors.size()},
                                       {"dynamic", dynamic},
                                       {"established", established}}},
            {"routes", std::move(routes)},
            {"best_path_changes", rc.best_path_changes}};
}

json::object neighbor_json(const Daemon& daemon, const PeerStatus& p,
                           std::chrono::steady_clock::time_point now) {
    const NeighborSettings* s = settings_of(daemon.config(), p.address);
    json::value uptime = nullptr;
    if (p.established_since) uptime = seconds_since(*p.established_since, now);
    json::object families;
    for (const FamilyCount& f : family_counts(daemon.speaker(), p))
        families[f.family.name()] = json::object{
            {"received", f.received}, {"accepted", f.accepted}, {"advertised", f.advertised}};
    const NotificationTotals nt = notification_totals(p);
    return {{"address", p.address.to_string()},
            {"asn", p.peer_as},
            {"description", p.description},
            {"dynamic", p.dynamic},
            {"route_reflector_client", s != nullptr && s->route_reflector_client},
            {"admin_down", p.admin_down},
            {"state", fsm::to_string(p.state)},
            {"uptime_seconds", std::move(uptime)},
            {"flap_count", p.flap_count},
            {"last_error", p.last_error.text},
            {"local", p.local_endpoint},
            {"remote", p.remote_endpoint},
            {"capabilities",
             p.state == fsm::State::established ? capabilities_json(p.negotiated) : nullptr},
            {"families", std::move(families)},
            {"updates", json::object{{"received", p.updates_received}, {"sent", p.updates_sent}}},
            {"notifications", json::object{{"received", nt.received}, {"sent", nt.sent}}},
            {"write_queue_bytes", p.write_queue_bytes}};
}

json::object attributes_json(const wire::PathAttributes& a) {
    json::object out;
    if (a.origin) out["origin"] = origin_name(*a.origin);
    if (a.as_path) out["as_path"] = as_path_json(*a.as_path);
    if (a.next_hop) out["next_hop"] = a.next_hop->to_string();
    if (a.med) out["med"] = *a.med;
    if (a.local_pref) out["local_pref"] = *a.local_pref;
    if (a.atomic_aggregate) out["atomic_aggregate"] = true;
    if (a.aggregator) out["aggregator"] = aggregator_json(*a.aggregator);
    if (a.communities) {
        json::array c;
        for (auto v : *a.communities)
            c.emplace_back(std::to_string(v >> 16) + ":" + std::to_string(v & 0xffff));
        out["communities"] = std::move(c);
    }
    if (a.originator_id) out["originator_id"] = a.originator_id->to_string();
    if (a.cluster_list) {
        json::array c;
        for (auto v : *a.cluster_list) c.emplace_back(dotted(v));
        out["cluster_list"] = std::move(c);
    }
    if (a.ext_communities) {
        json::array c;
        for (const auto& v : *a.ext_communities) c.emplace_back(v.to_string());
        out["extended_communities"] = std::move(c);
    }
    if (a.as4_path) out["as4_path"] = as_path_json(*a.as4_path);
    if (a.as4_aggregator) out["as4_aggregator"] = aggregator_json(*a.as4_aggregator);
    if (a.large_communities) {
        json::array c;
        for (const auto& v : *a.large_communities)
            c.emplace_back(std::to_string(v.global_admin) + ":" + std::to_string(v.local_data1) +
                           ":" + std::to_string(v.local_data2));
        out["large_communities"] = std::move(c);
    }
    if (a.otc) out["otc"] = *a.otc;
    if (!a.unknown.empty()) {
        json::array u;
        for (const auto& r : a.unknown)
            u.emplace_back(
                json::object{{"type", r.type}, {"flags", r.flags}, {"hex", hex(r.value)}});
        out["unknown"] = std::move(u);
    }
    return out;
}

json::object route_json(const RibRoute& r) {
    json::value neighbor = nullptr;
    if (r.peer) neighbor = r.peer->to_string();
    return {{"prefix", r.prefix.to_string()},
            {"neighbor", std::move(neighbor)},
            {"neighbor_asn", r.peer_as},
            {"path_id", r.path_id},
            {"best", r.best},
            {"multipath", r.multipath},
            {"stale", r.stale},
            {"reason", r.reason},
            {"attributes", attributes_json(r.attributes)}};
}

json::object route_event_json(wire::Family family, const wire::Prefix& prefix,
                              const RibRoute* best) {
    json::value route = nullptr;
    if (best != nullptr) route = route_json(*best);
    return {{"type", "route"},
            {"family", family.name()},
            {"prefix", prefix.to_string()},
            {"route", std::move(route)}};
}

json::object session_event_json(const PeerEvent& e) {
    return {{"type", "session"},          {"neighbor", e.peer.to_string()},
            {"asn", e.peer_as},           {"from", fsm::to_string(e.from)},
            {"to", fsm::to_string(e.to)}, {"reason", e.reason.text}};
}

}  // namespace bgp::reflector::api
