// bgp-announce: speaker events as JSON objects (see README.md for the fields).
#include "events_json.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "../bgp-decode/json_format.hpp"

namespace bgp_announce {

namespace json = boost::json;
namespace w = bgp::wire;

namespace {

// bgp-decode's form: whole seconds since the epoch, and the microseconds apart.
std::pair<std::int64_t, std::int64_t> now_seconds() {
    using namespace std::chrono;
    const auto us = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    return {us / 1000000, us % 1000000};
}

const char* reason_kind_name(bgp::fsm::Reason::Kind k) {
    using K = bgp::fsm::Reason::Kind;
    switch (k) {
        case K::none:
            return "none";
        case K::admin_start:
            return "admin-start";
        case K::admin_stop:
            return "admin-stop";
        case K::tcp_failed:
            return "tcp-failed";
        case K::notification_sent:
            return "notification-sent";
        case K::notification_received:
            return "notification-received";
        case K::timer_expired:
            return "timer-expired";
        case K::collision:
            return "collision";
        case K::open_received:
            return "open-received";
        case K::keepalive_received:
            return "keepalive-received";
    }
    return "unknown";
}

/// message_json's fields without "type"/"length" (the caller's object has its own).
void append_message(json::object& to, const w::Message& m) {
    json::object msg = bgp_decode::message_json(m, 0);
    for (auto& kv : msg) {
        if (kv.key() == "type" || kv.key() == "length") continue;
        to[kv.key()] = std::move(kv.value());
    }
}

json::object context(std::string_view type, const w::IpAddress& peer, std::uint32_t peer_as) {
    const auto now = now_seconds();
    return json::object{{"type", type},
                        {"timestamp", now.first},
                        {"microseconds", now.second},
                        {"peer", peer.to_string()},
                        {"peer_as", peer_as}};
}

}  // namespace

std::vector<json::object> state_json(const bgp::PeerEvent& e) {
    std::vector<json::object> out;
    json::object s = context("STATE", e.peer, e.peer_as);
    s["old_state"] = std::string(bgp::fsm::to_string(e.from));
    s["new_state"] = std::string(bgp::fsm::to_string(e.to));
    s["old_state_code"] = static_cast<int>(e.from) + 1;  // RFC 6396 §5.4.2 state codes
    s["new_state_code"] = static_cast<int>(e.to) + 1;
    s["reason"] = e.reason.text;
    s["reason_kind"] = reason_kind_name(e.reason.kind);
    if (e.negotiated) {
        const auto& n = *e.negotiated;
        json::array fams;
        for (const auto& f : n.families) fams.emplace_back(f.name());
        s["negotiated"] = json::object{{"hold_time", n.hold_time.count()},
                                       {"keepalive_time", n.keepalive_time.count()},
                                       {"ibgp", n.ibgp},
                                       {"four_octet_as", n.four_octet_as},
                                       {"extended_message", n.extended_message},
                                       {"route_refresh", n.route_refresh},
                                       {"enhanced_route_refresh", n.enhanced_route_refresh},
                                       {"graceful_restart", n.graceful_restart},
                                       {"families", std::move(fams)}};
    }
    out.push_back(std::move(s));

    // A NOTIFICATION that came with the change: received from the peer, or sent by us
    // (an error we detected, a timer such as the hold timer, an administrative stop).
    if (e.reason.notification) {
        json::object n = context("NOTIFICATION", e.peer, e.peer_as);
        n["direction"] =
            e.reason.kind == bgp::fsm::Reason::Kind::notification_received ? "received" : "sent";
        append_message(n, w::Message{*e.reason.notification});
        out.push_back(std::move(n));
    }
    if (e.negotiated && e.to == bgp::fsm::State::established) {
        json::object o = context("OPEN", e.peer, e.peer_as);
        o["direction"] = "received";
        append_message(o, w::Message{e.negotiated->peer_open});
        out.push_back(std::move(o));
    }
    return out;
}

json::object route_json(const bgp::RouteEvent& e) {
    const auto& r = e.route;
    if (e.kind == bgp::RouteEvent::Kind::end_of_rib) {
        json::object o = context("END_OF_RIB", e.peer, e.peer_as);
        o["family"] = r.family.name();
        return o;
    }
    json::object o = context("ROUTE", e.peer, e.peer_as);
    o["event"] = std::string(bgp::to_string(e.kind));
    o["prefix"] = r.prefix.to_string();
    o["family"] = r.family.name();
    if (r.path_id) o["path_id"] = *r.path_id;
    if (r.attributes) o["attributes"] = bgp_decode::attributes_json(*r.attributes);
    if (r.stale) o["stale"] = true;
    return o;
}

}  // namespace bgp_announce
