// bgp-decode: messages to JSON. See json_format.hpp and README.md for the fields.
#include "json_format.hpp"

// Boost.JSON used header-only: its implementation is compiled here, once.
#include <boost/json/src.hpp>
#include <cstdio>
#include <type_traits>
#include <variant>

namespace bgp_decode {

namespace w = bgp::wire;

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

namespace {

std::string dotted(std::uint32_t v) { return w::IpAddress::v4(v).to_string(); }

std::string community_string(std::uint32_t c) {
    return std::to_string(c >> 16) + ":" + std::to_string(c & 0xffff);
}

const char* segment_type_name(w::AsSegmentType t) {
    switch (t) {
        case w::AsSegmentType::as_set:
            return "AS_SET";
        case w::AsSegmentType::as_sequence:
            return "AS_SEQUENCE";
        case w::AsSegmentType::as_confed_sequence:
            return "AS_CONFED_SEQUENCE";
        case w::AsSegmentType::as_confed_set:
            return "AS_CONFED_SET";
    }
    return "UNKNOWN";
}

json::array as_path_json(const w::AsPath& p) {
    json::array segs;
    for (const auto& s : p.segments) {
        json::array asns;
        for (auto a : s.asns) asns.emplace_back(a);
        segs.emplace_back(json::object{{"type", segment_type_name(s.type)}, {"asns", asns}});
    }
    return segs;
}

json::object aggregator_json(const w::Aggregator& a) {
    return {{"asn", a.asn}, {"address", a.address.to_string()}};
}

const char* origin_name(w::Origin o) {
    switch (o) {
        case w::Origin::igp:
            return "IGP";
        case w::Origin::egp:
            return "EGP";
        case w::Origin::incomplete:
            return "INCOMPLETE";
    }
    return "INCOMPLETE";
}

json::array addresses_json(const std::vector<w::IpAddress>& v) {
    json::array out;
    for (const auto& a : v) out.emplace_back(a.to_string());
    return out;
}

json::array tunnels_json(const w::TunnelEncapsulation& t) {
    json::array out;
    for (const auto& tlv : t.tunnels) {
        json::object o{{"tunnel_type", tlv.tunnel_type}};
        switch (tlv.tunnel_type) {
            case w::tunnel_type::vxlan:
                o["name"] = "vxlan";
                break;
            case w::tunnel_type::ip_in_ip:
                o["name"] = "ip-in-ip";
                break;
            case w::tunnel_type::nvgre:
                o["name"] = "nvgre";
                break;
            case w::tunnel_type::mpls:
                o["name"] = "mpls";
                break;
            case w::tunnel_type::gre:
                o["name"] = "gre";
                break;
            default:
                break;
        }
        if (auto ep = tlv.egress_endpoint()) o["egress_endpoint"] = ep->to_string();
        if (auto vni = tlv.vxlan_vni()) o["vni"] = *vni;
        if (auto port = tlv.udp_destination_port()) o["udp_port"] = *port;
        if (auto colors = tlv.colors(); !colors.empty()) {
            json::array c;
            for (auto v : colors) c.emplace_back(v);
            o["colors"] = std::move(c);
        }
        json::array subs;
        for (const auto& s : tlv.sub_tlvs)
            subs.emplace_back(json::object{{"type", s.type}, {"hex", to_hex(s.value)}});
        o["sub_tlvs"] = std::move(subs);
        out.emplace_back(std::move(o));
    }
    return out;
}

/// Renders the attribute of `type` from `a` into `out` (no-op if absent).
void add_attribute(json::object& out, const w::PathAttributes& a, std::uint8_t type) {
    using T = w::AttrType;
    switch (static_cast<T>(type)) {
        case T::origin:
            if (a.origin) out["origin"] = origin_name(*a.origin);
            return;
        case T::as_path:
            if (a.as_path) out["as_path"] = as_path_json(*a.as_path);
            return;
        case T::next_hop:
            if (a.next_hop) out["next_hop"] = a.next_hop->to_string();
            return;
        case T::multi_exit_disc:
            if (a.med) out["med"] = *a.med;
            return;
        case T::local_pref:
            if (a.local_pref) out["local_pref"] = *a.local_pref;
            return;
        case T::atomic_aggregate:
            if (a.atomic_aggregate) out["atomic_aggregate"] = true;
            return;
        case T::aggregator:
            if (a.aggregator) out["aggregator"] = aggregator_json(*a.aggregator);
            return;
        case T::communities:
            if (a.communities) {
                json::array c;
                for (auto v : *a.communities) c.emplace_back(community_string(v));
                out["communities"] = std::move(c);
            }
            return;
        case T::originator_id:
            if (a.originator_id) out["originator_id"] = a.originator_id->to_string();
            return;
        case T::cluster_list:
            if (a.cluster_list) {
                json::array c;
                for (auto v : *a.cluster_list) c.emplace_back(dotted(v));
                out["cluster_list"] = std::move(c);
            }
            return;
        case T::mp_reach_nlri:
            if (a.mp_reach) {
                json::object o{{"family", a.mp_reach->family.name()},
                               {"next_hops", addresses_json(a.mp_reach->next_hops)}};
                if (!a.mp_reach->family.is_prefix_family()) {
                    o["next_hop_hex"] = to_hex(a.mp_reach->raw_next_hop);
                    o["nlri_hex"] = to_hex(a.mp_reach->raw_nlri);
                }
                out["mp_reach"] = std::move(o);
            }
            return;
        case T::mp_unreach_nlri:
            if (a.mp_unreach) {
                json::object o{{"family", a.mp_unreach->family.name()}};
                if (!a.mp_unreach->family.is_prefix_family())
                    o["nlri_hex"] = to_hex(a.mp_unreach->raw_nlri);
                out["mp_unreach"] = std::move(o);
            }
            return;
        case T::extended_communities:
            if (a.ext_communities) {
                json::array c;
                for (const auto& v : *a.ext_communities) c.emplace_back(v.to_string());
                out["extended_communities"] = std::move(c);
            }
            return;
        case T::as4_path:
            if (a.as4_path) out["as4_path"] = as_path_json(*a.as4_path);
            return;
        case T::as4_aggregator:
            if (a.as4_aggregator) out["as4_aggregator"] = aggregator_json(*a.as4_aggregator);
            return;
        case T::tunnel_encapsulation:
            if (a.tunnel_encapsulation)
                out["tunnel_encapsulation"] = tunnels_json(*a.tunnel_encapsulation);
            return;
        case T::large_community:
            if (a.large_communities) {
                json::array c;
                for (const auto& v : *a.large_communities)
                    c.emplace_back(std::to_string(v.global_admin) + ":" +
                                   std::to_string(v.local_data1) + ":" +
                                   std::to_string(v.local_data2));
                out["large_communities"] = std::move(c);
            }
            return;
        case T::otc:
            if (a.otc) out["otc"] = *a.otc;
            return;
    }
}

const char* add_path_mode_name(std::uint8_t mode) {
    switch (mode) {
        case w::add_path_mode::receive:
            return "receive";
        case w::add_path_mode::send:
            return "send";
        case w::add_path_mode::both:
            return "both";
        default:
            return "invalid";
    }
}

const char* role_name(std::uint8_t r) {
    switch (static_cast<w::BgpRole>(r)) {
        case w::BgpRole::provider:
            return "provider";
        case w::BgpRole::rs:
            return "rs";
        case w::BgpRole::rs_client:
            return "rs-client";
        case w::BgpRole::customer:
            return "customer";
        case w::BgpRole::peer:
            return "peer";
    }
    return "unknown";
}

std::string afi_name(w::Afi afi) {
    switch (afi) {
        case w::Afi::ipv4:
            return "ipv4";
        case w::Afi::ipv6:
            return "ipv6";
        case w::Afi::l2vpn:
            return "l2vpn";
        case w::Afi::bgp_ls:
            return "bgp-ls";
    }
    return "afi-" + std::to_string(static_cast<unsigned>(afi));
}

/// The capability's decoded value; null for capabilities without one.
json::value capability_value(const w::Capability& cap) {
    return std::visit(
        [](const auto& c) -> json::value {
            using C = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<C, w::CapMultiprotocol>) {
                return json::value(c.family.name());
            } else if constexpr (std::is_same_v<C, w::CapExtendedNextHop>) {
                json::array a;
                for (const auto& e : c.entries) {
                    json::object o{{"nlri_afi", afi_name(e.nlri_afi)},
                                   {"nlri_safi", e.nlri_safi},
                                   {"next_hop_afi", afi_name(e.nexthop_afi)}};
                    a.emplace_back(std::move(o));
                }
                return a;
            } else if constexpr (std::is_same_v<C, w::CapRole>) {
                return json::object{{"role", role_name(c.role)}, {"value", c.role}};
            } else if constexpr (std::is_same_v<C, w::CapGracefulRestart>) {
                json::array fams;
                for (const auto& f : c.families)
                    fams.emplace_back(json::object{{"family", f.family.name()},
                                                   {"forwarding_state", f.forwarding_state}});
                return json::object{{"restart_state", c.restart_state},
                                    {"notification", c.notification},
                                    {"restart_time", c.restart_time},
                                    {"families", std::move(fams)}};
            } else if constexpr (std::is_same_v<C, w::CapFourOctetAs>) {
                return json::value(c.asn);
            } else if constexpr (std::is_same_v<C, w::CapAddPath>) {
                json::array a;
                for (const auto& e : c.entries)
                    a.emplace_back(json::object{{"family", e.family.name()},
                                                {"mode", add_path_mode_name(e.mode)}});
                return a;
            } else if constexpr (std::is_same_v<C, w::CapLongLivedGr>) {
                json::array a;
                for (const auto& e : c.entries)
                    a.emplace_back(json::object{{"family", e.family.name()},
                                                {"forwarding_state", (e.flags & 0x80) != 0},
                                                {"stale_time", e.stale_time}});
                return a;
            } else if constexpr (std::is_same_v<C, w::CapFqdn>) {
                return json::object{{"hostname", c.hostname}, {"domain", c.domain}};
            } else if constexpr (std::is_same_v<C, w::CapUnknown>) {
                return json::object{{"hex", to_hex(c.value)}};
            } else {
                return nullptr;  // route refresh, extended message, enhanced route refresh
            }
        },
        cap);
}

json::object open_json(const w::Open& o) {
    json::array caps;
    for (const auto& c : o.capabilities) {
        const std::uint8_t code = w::capability_code(c);
        json::object cj{{"code", code}, {"name", w::capability_name(code)}};
        json::value v = capability_value(c);
        if (!v.is_null()) cj["value"] = std::move(v);
        caps.emplace_back(std::move(cj));
    }
    json::object out{{"version", o.version},
                     {"my_as", o.my_as},
                     {"asn", o.asn()},
                     {"hold_time", o.hold_time},
                     {"bgp_id", dotted(o.bgp_identifier)},
                     {"capabilities", std::move(caps)}};
    if (o.extended_parameters) out["extended_parameters"] = true;
    if (!o.other_parameters.empty()) {
        json::array params;
        for (const auto& p : o.other_parameters)
            params.emplace_back(json::object{{"type", p.type}, {"hex", to_hex(p.value)}});
        out["other_parameters"] = std::move(params);
    }
    return out;
}

json::object update_json(const w::Update& u) {
    json::object out;
    json::array withdrawn;
    for (const auto& n : u.withdrawn) withdrawn.emplace_back(nlri_json(n, w::ipv4_unicast));
    if (const auto& mp = u.attributes.mp_unreach)
        for (const auto& n : mp->nlri) withdrawn.emplace_back(nlri_json(n, mp->family));
    json::array announced;
    for (const auto& n : u.nlri) announced.emplace_back(nlri_json(n, w::ipv4_unicast));
    if (const auto& mp = u.attributes.mp_reach)
        for (const auto& n : mp->nlri) announced.emplace_back(nlri_json(n, mp->family));
    out["withdrawn"] = std::move(withdrawn);
    out["announced"] = std::move(announced);
    out["attributes"] = attributes_json(u.attributes);
    if (auto eor = u.end_of_rib()) out["end_of_rib"] = eor->name();
    if (u.treat_as_withdraw) out["treat_as_withdraw"] = true;
    if (!u.errors.empty()) {
        json::array errs;
        for (const auto& e : u.errors) errs.emplace_back(error_json(e));
        out["errors"] = std::move(errs);
    }
    return out;
}

/// An error entry for a problem no receiver acts upon (action "none").
json::object note_json(std::uint8_t code, std::uint8_t subcode, std::string reason) {
    return {{"code", code},
            {"subcode", subcode},
            {"action", "none"},
            {"reason", std::move(reason)},
            {"code_name", w::code_name(code)},
            {"subcode_name", w::subcode_name(code, subcode)}};
}

json::object notification_json(const w::Notification& n) {
    json::object out{{"code", n.code},
                     {"subcode", n.subcode},
                     {"code_name", w::code_name(n.code)},
                     {"subcode_name", w::subcode_name(n.code, n.subcode)}};
    if (!n.data.empty()) out["data"] = to_hex(n.data);
    const auto shutdown = n.shutdown_communication();
    if (shutdown) out["shutdown_message"] = *shutdown;
    const auto cause = n.hard_reset_cause();
    if (cause)
        out["hard_reset"] =
            json::object{{"code", cause->code},
                         {"subcode", cause->subcode},
                         {"code_name", w::code_name(cause->code)},
                         {"subcode_name", w::subcode_name(cause->code, cause->subcode)}};
    out["description"] = n.describe();
    // Data a receiver would not act on but an operator wants to know about:
    // the message itself stands (a NOTIFICATION is never answered).
    json::array problems;
    const bool cease = n.code == static_cast<std::uint8_t>(w::NotifCode::cease);
    if (cease && n.subcode == w::cease_subcode::hard_reset && !cause)
        problems.emplace_back(note_json(n.code, n.subcode,
                                        "Hard Reset without a valid encapsulated error code and "
                                        "subcode in its data (RFC 8538 §3)"));
    if (cease && !n.data.empty() && !shutdown &&
        (n.subcode == w::cease_subcode::administrative_shutdown ||
         n.subcode == w::cease_subcode::administrative_reset))
        problems.emplace_back(
            note_json(n.code, n.subcode,
                      "data is not a valid shutdown communication (RFC 9003 §2, §4: "
                      "length octet, then at most 255 octets of UTF-8)"));
    if (!problems.empty()) out["errors"] = std::move(problems);
    return out;
}

const char* refresh_subtype_name(std::uint8_t s) {
    switch (s) {
        case w::route_refresh_subtype::normal:
            return "normal";
        case w::route_refresh_subtype::borr:
            return "BoRR";
        case w::route_refresh_subtype::eorr:
            return "EoRR";
        default:
            return "reserved";
    }
}

json::object route_refresh_json(const w::RouteRefresh& r) {
    json::object out{{"afi", r.afi},
                     {"safi", r.safi},
                     {"subtype", r.subtype},
                     {"subtype_name", refresh_subtype_name(r.subtype)}};
    out["family"] = w::Family{static_cast<w::Afi>(r.afi), static_cast<w::Safi>(r.safi)}.name();
    if (!r.orf.empty()) out["orf_hex"] = to_hex(r.orf);
    return out;
}

/// Moves every member of `from` to the end of `to`.
void append(json::object& to, json::object from) {
    for (auto& kv : from) to[kv.key()] = std::move(kv.value());
}

// ---- serialiser -------------------------------------------------------------------

void write(std::string& out, const json::value& v, bool pretty, int depth);

void newline(std::string& out, bool pretty, int depth) {
    if (!pretty) return;
    out.push_back('\n');
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
}

void write(std::string& out, const json::value& v, bool pretty, int depth) {
    switch (v.kind()) {
        case json::kind::object: {
            const auto& o = v.get_object();
            if (o.empty()) {
                out += "{}";
                return;
            }
            out.push_back('{');
            bool first = true;
            for (const auto& kv : o) {
                if (!first) out.push_back(',');
                first = false;
                newline(out, pretty, depth + 1);
                out += json::serialize(json::string_view(kv.key()));
                out += pretty ? ": " : ":";
                write(out, kv.value(), pretty, depth + 1);
            }
            newline(out, pretty, depth);
            out.push_back('}');
            return;
        }
        case json::kind::array: {
            const auto& a = v.get_array();
            if (a.empty()) {
                out += "[]";
                return;
            }
            // Arrays of scalars stay on one line even when pretty.
            bool scalars = true;
            for (const auto& e : a) scalars = scalars && !e.is_structured();
            out.push_back('[');
            bool first = true;
            for (const auto& e : a) {
                if (!first) out += (pretty && scalars) ? ", " : ",";
                first = false;
                if (!scalars) newline(out, pretty, depth + 1);
                write(out, e, pretty, depth + 1);
            }
            if (!scalars) newline(out, pretty, depth);
            out.push_back(']');
            return;
        }
        default:
            out += json::serialize(v);
            return;
    }
}

}  // namespace

json::object error_json(const w::DecodeError& e) {
    json::object out{{"code", e.code},
                     {"subcode", e.subcode},
                     {"action", std::string(w::to_string(e.action))},
                     {"reason", e.reason},
                     {"code_name", w::code_name(e.code)},
                     {"subcode_name", w::subcode_name(e.code, e.subcode)}};
    if (e.attribute) out["attribute"] = *e.attribute;
    if (!e.data.empty()) out["data"] = to_hex(e.data);
    return out;
}

json::object attributes_json(const w::PathAttributes& a) {
    json::object out;
    std::vector<bool> done(256, false);
    json::array unknown;
    auto emit = [&](std::uint8_t type) {
        if (done[type]) return;
        done[type] = true;
        add_attribute(out, a, type);
    };
    for (const auto& slot : a.layout) emit(slot.type);
    // Attributes built without a layout (or missing from it), in type order.
    for (int t = 1; t < 256; ++t) emit(static_cast<std::uint8_t>(t));
    for (const auto& r : a.unknown)
        unknown.emplace_back(
            json::object{{"type", r.type}, {"flags", r.flags}, {"hex", to_hex(r.value)}});
    if (!unknown.empty()) out["unknown"] = std::move(unknown);
    return out;
}

json::object nlri_json(const w::Nlri& n, w::Family f) {
    json::object o{{"prefix", n.prefix.to_string()}, {"family", f.name()}};
    if (n.path_id) o["path_id"] = *n.path_id;
    return o;
}

json::object message_json(const w::Message& m, std::size_t length) {
    json::object out{{"type", w::message_type_name(static_cast<std::uint8_t>(w::type_of(m)))},
                     {"length", length}};
    std::visit(
        [&](const auto& msg) {
            using M = std::decay_t<decltype(msg)>;
            if constexpr (std::is_same_v<M, w::Open>) {
                append(out, open_json(msg));
            } else if constexpr (std::is_same_v<M, w::Update>) {
                append(out, update_json(msg));
            } else if constexpr (std::is_same_v<M, w::Notification>) {
                append(out, notification_json(msg));
            } else if constexpr (std::is_same_v<M, w::RouteRefresh>) {
                append(out, route_refresh_json(msg));
            }
        },
        m);
    return out;
}

json::object failed_json(std::span<const std::uint8_t> raw, const w::DecodeError& e) {
    return failed_json(raw, error_json(e));
}

json::object failed_json(std::span<const std::uint8_t> raw, json::object error) {
    json::object out;
    if (raw.size() >= w::header_size) {
        const std::uint8_t type = raw[18];
        if (type >= 1 && type <= 5) {
            out["type"] = w::message_type_name(type);
        } else {
            out["type"] = "UNKNOWN";
            out["type_code"] = type;
        }
        out["length"] = (unsigned{raw[16]} << 8) | raw[17];
    } else {
        out["type"] = "UNKNOWN";
    }
    out["error"] = std::move(error);
    constexpr std::size_t max_hex = 4096;
    out["hex"] = to_hex(raw.first(std::min(raw.size(), max_hex)));
    if (raw.size() > max_hex) out["hex_truncated"] = true;
    return out;
}

json::object input_error_json(std::string reason) {
    return {{"code", 0},
            {"subcode", 0},
            {"action", "none"},
            {"reason", std::move(reason)},
            {"code_name", "Input Error"},
            {"subcode_name", "Unspecific"}};
}

json::object stream_error_json(std::uint8_t code, std::uint8_t subcode, std::string reason) {
    if (code == 0) return {{"type", "ERROR"}, {"error", input_error_json(std::move(reason))}};
    w::DecodeError d;
    d.code = code;
    d.subcode = subcode;
    d.action = w::ErrorAction::session_reset;
    d.reason = std::move(reason);
    return {{"type", "ERROR"}, {"error", error_json(d)}};
}

std::string serialize(const json::value& v, bool pretty) {
    std::string out;
    write(out, v, pretty, 0);
    return out;
}

}  // namespace bgp_decode
