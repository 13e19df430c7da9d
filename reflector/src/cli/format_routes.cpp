// The CLI's route output (format.hpp): `show rib` as a table with a `*>` marker
// on the best path, `show route` with every path in full and the reason the
// best won, and one line per watch event.
#include <boost/json.hpp>
#include <cctype>
#include <set>
#include <string_view>
#include <vector>

#include "cli/format.hpp"
#include "cli/json_fields.hpp"
#include "cli/table.hpp"

namespace bgp::reflector::cli {

namespace json = boost::json;

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// "i", "e", "?" as in Cisco-style tables; "" when the origin is missing.
std::string origin_code(const json::value& attributes) {
    const auto o = lower(text_field(attributes, "origin"));
    if (o == "igp") return "i";
    if (o == "egp") return "e";
    if (o == "incomplete") return "?";
    return "";
}

std::string origin_name(const json::value& attributes) {
    const auto o = lower(text_field(attributes, "origin"));
    if (o == "igp") return "IGP";
    if (o == "egp") return "EGP";
    if (o == "incomplete") return "incomplete";
    return o;
}

const json::value& attributes_of(const json::value& route) {
    static const json::value empty = json::object();
    const auto* a = field(route, "attributes");
    return a != nullptr && a->is_object() ? *a : empty;
}

std::string next_hop(const json::value& attributes) {
    auto nh = text_field(attributes, "next_hop");
    if (!nh.empty()) return nh;
    if (const auto* mp = field(attributes, "mp_reach"); mp != nullptr) {
        if (const auto* hops = array_field(*mp, "next_hops"); hops != nullptr && !hops->empty())
            return scalar_text(hops->front());
    }
    return "-";
}

std::string from_text(const json::value& route) {
    const auto* n = field(route, "neighbor");
    if (n == nullptr || n->is_null()) return "local";
    return scalar_text(*n);
}

/// A JSON value on one line for people: scalars as text, arrays of scalars
/// space-separated, anything else as compact JSON.
std::string value_text(const json::value& v) {
    if (const auto* a = v.if_array()) {
        std::string out;
        for (const auto& e : *a) {
            if (e.is_object() || e.is_array()) return json::serialize(v);
            if (!out.empty()) out += ' ';
            out += scalar_text(e);
        }
        return out;
    }
    if (v.is_object()) {
        if (field(v, "asn") != nullptr && field(v, "address") != nullptr)  // AGGREGATOR
            return "AS " + int_text(v, "asn") + ", " + text_field(v, "address");
        return json::serialize(v);
    }
    return scalar_text(v);
}

/// "large_communities" -> "Large communities".
std::string label(std::string_view key) {
    if (key == "originator_id") return "Originator ID";
    if (key == "otc") return "OTC";
    std::string out(key);
    for (auto& c : out)
        if (c == '_') c = ' ';
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

void append_route_detail(std::string& out, const json::value& route) {
    const auto& attrs = attributes_of(route);
    std::string head = route_marker(route);
    head.resize(4, ' ');
    head += "from " + from_text(route);
    if (const auto asn = int_field(route, "neighbor_asn")) head += ", AS " + std::to_string(*asn);
    if (const auto id = int_field(route, "path_id"); id && *id != 0)
        head += ", path id " + std::to_string(*id);
    const auto reason = text_field(route, "reason");
    if (bool_field(route, "best")) {
        head += reason.empty() ? " (best)" : " (best: " + reason + ")";
    } else if (!reason.empty()) {
        head += " (" + reason + ")";
    }
    out += head + "\n";

    std::vector<std::pair<std::string, std::string>> lines;
    const auto path = format_as_path(attrs);
    lines.emplace_back("AS path", path.empty() ? "(empty)" : path);
    if (const auto o = origin_name(attrs); !o.empty()) lines.emplace_back("Origin", o);
    lines.emplace_back("Next hop", next_hop(attrs));
    if (int_field(attrs, "local_pref"))
        lines.emplace_back("Local pref", int_text(attrs, "local_pref"));
    if (int_field(attrs, "med")) lines.emplace_back("MED", int_text(attrs, "med"));
    static const std::set<std::string_view> shown = {"as_path",    "origin", "next_hop",
                                                     "local_pref", "med",    "mp_reach"};
    if (const auto* o = attrs.if_object()) {
        for (const auto& kv : *o) {
            if (shown.count(kv.key()) != 0) continue;
            lines.emplace_back(label(kv.key()), value_text(kv.value()));
        }
    }
    if (bool_field(route, "stale")) lines.emplace_back("Stale", "yes (graceful restart)");
    std::size_t width = 0;
    for (const auto& l : lines) width = std::max(width, l.first.size());
    for (const auto& [k, v] : lines)
        out += "    " + k + std::string(width - k.size() + 2, ' ') + v + "\n";
}

}  // namespace

std::string format_as_path(const json::value& attributes) {
    const auto* segments = array_field(attributes, "as_path");
    if (segments == nullptr) return "";
    std::string out;
    for (const auto& seg : *segments) {
        std::vector<std::string> asns;
        if (seg.is_int64() || seg.is_uint64()) {  // a flat list of ASNs
            asns.push_back(scalar_text(seg));
        } else if (const auto* a = array_field(seg, "asns")) {
            for (const auto& n : *a) asns.push_back(scalar_text(n));
        }
        if (asns.empty()) continue;
        const auto type = text_field(seg, "type", "AS_SEQUENCE");
        std::string open, close, sep = " ";
        if (type == "AS_SET") {
            open = "{", close = "}", sep = ",";
        } else if (type == "AS_CONFED_SEQUENCE") {
            open = "(", close = ")";
        } else if (type == "AS_CONFED_SET") {
            open = "[", close = "]", sep = ",";
        }
        std::string text = open;
        for (std::size_t i = 0; i < asns.size(); ++i) text += (i > 0 ? sep : "") + asns[i];
        text += close;
        if (!out.empty()) out += ' ';
        out += text;
    }
    return out;
}

std::string route_marker(const json::value& route) {
    std::string m = "*";
    if (bool_field(route, "best")) {
        m += '>';
    } else if (bool_field(route, "multipath")) {
        m += '=';
    }
    if (bool_field(route, "stale")) m += m.size() == 1 ? " S" : "S";
    return m;
}

std::string format_rib(const json::value& body) {
    Table table({"", "Network", "Next Hop", "AS Path", "LocPrf", "MED", "From"});
    if (const auto* routes = array_field(body, "routes")) {
        for (const auto& r : *routes) {
            const auto& attrs = attributes_of(r);
            std::string path = format_as_path(attrs);
            const auto origin = origin_code(attrs);
            if (!origin.empty()) path += (path.empty() ? "" : " ") + origin;
            table.add_row({route_marker(r), text_field(r, "prefix", "?"), next_hop(attrs), path,
                           int_text(attrs, "local_pref"), int_text(attrs, "med"), from_text(r)});
        }
    }
    return table.render();
}

std::string format_route(const json::value& body, const std::string& prefix) {
    const auto family = text_field(body, "family", "ipv4-unicast");
    std::vector<const json::value*> paths;
    if (const auto* routes = array_field(body, "routes")) {
        for (const auto& r : *routes)
            if (bool_field(r, "best")) paths.push_back(&r);
        for (const auto& r : *routes)
            if (!bool_field(r, "best")) paths.push_back(&r);
    }
    if (paths.empty()) return prefix + " (" + family + "): not in the RIB\n";
    std::string out = prefix + " (" + family + "): " + std::to_string(paths.size()) +
                      (paths.size() == 1 ? " path\n" : " paths\n");
    for (const auto* r : paths) append_route_detail(out, *r);
    return out;
}

std::string format_event(const json::value& event) {
    const auto type = text_field(event, "type");
    if (type == "snapshot-begin") return "snapshot begin";
    if (type == "snapshot-end") return "snapshot end";
    if (type == "resync") return "resync: this client fell behind; a new snapshot follows";
    if (type == "route") {
        std::string line = "route " + text_field(event, "prefix", "?") + " " +
                           text_field(event, "family", "?") + ": ";
        const auto* r = field(event, "route");
        if (r == nullptr || !r->is_object()) return line + "withdrawn";
        const auto& attrs = attributes_of(*r);
        line += "next hop " + next_hop(attrs) + ", from " + from_text(*r);
        std::string path = format_as_path(attrs);
        const auto origin = origin_code(attrs);
        if (!origin.empty()) path += (path.empty() ? "" : " ") + origin;
        if (!path.empty()) line += ", AS path " + path;
        if (int_field(attrs, "local_pref")) line += ", local pref " + int_text(attrs, "local_pref");
        if (int_field(attrs, "med")) line += ", MED " + int_text(attrs, "med");
        return line;
    }
    if (type == "session") {
        std::string line = "session " + text_field(event, "neighbor", "?");
        if (int_field(event, "asn")) line += " AS " + int_text(event, "asn");
        line += ": " + text_field(event, "from", "?") + " -> " + text_field(event, "to", "?");
        if (const auto reason = text_field(event, "reason"); !reason.empty())
            line += " (" + reason + ")";
        return line;
    }
    return json::serialize(event);
}

}  // namespace bgp::reflector::cli
