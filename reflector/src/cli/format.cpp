// The CLI's tables for neighbours, status and reload (format.hpp); routes and
// watch events are in format_routes.cpp.
#include "cli/format.hpp"

#include <boost/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/json_fields.hpp"
#include "cli/table.hpp"

namespace bgp::reflector::cli {

namespace json = boost::json;

namespace {

/// "ipv4-unicast" -> "ipv4" for column headers; other families keep their name.
std::string short_family(std::string_view family) {
    constexpr std::string_view suffix = "-unicast";
    if (family.size() > suffix.size() && family.substr(family.size() - suffix.size()) == suffix)
        return std::string(family.substr(0, family.size() - suffix.size()));
    return std::string(family);
}

std::string uptime_text(const json::value& neighbor) {
    const auto up = int_field(neighbor, "uptime_seconds");
    return up ? format_duration(*up) : "-";
}

std::string state_text(const json::value& neighbor) {
    std::string state = text_field(neighbor, "state", "?");
    if (bool_field(neighbor, "admin_down")) state += " (admin down)";
    return state;
}

/// "received/accepted/advertised" of one family of a neighbour, "-" if it has none.
std::string counts_text(const json::value& neighbor, std::string_view family) {
    const auto* families = object_field(neighbor, "families");
    if (families == nullptr) return "-";
    const auto* f = families->if_contains(family);
    if (f == nullptr || !f->is_object()) return "-";
    return int_text(*f, "received") + "/" + int_text(*f, "accepted") + "/" +
           int_text(*f, "advertised");
}

/// "received N, sent M" of a {"received","sent"} object.
std::string received_sent(const json::value& neighbor, std::string_view key) {
    const auto* f = field(neighbor, key);
    if (f == nullptr || !f->is_object()) return "-";
    return "received " + int_text(*f, "received") + ", sent " + int_text(*f, "sent");
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += sep;
        out += p;
    }
    return out;
}

/// "  Key:  value" lines, keys padded to one width.
class Fields {
  public:
    void add(std::string key, std::string value) {
        lines_.emplace_back(std::move(key), std::move(value));
    }
    [[nodiscard]] std::string render(std::string_view indent = "  ") const {
        std::size_t width = 0;
        for (const auto& [k, v] : lines_) width = std::max(width, k.size() + 1);
        std::string out;
        for (const auto& [k, v] : lines_) {
            std::string line = std::string(indent) + k + ":";
            if (!v.empty()) line += std::string(width - k.size() - 1 + 2, ' ') + v;
            out += line + "\n";
        }
        return out;
    }

  private:
    std::vector<std::pair<std::string, std::string>> lines_;
};

std::string capabilities_text(const json::value& caps) {
    std::vector<std::string> flags;
    const std::pair<const char*, const char*> names[] = {
        {"four_octet_as", "four-octet-as"},
        {"route_refresh", "route-refresh"},
        {"enhanced_route_refresh", "enhanced-route-refresh"},
        {"graceful_restart", "graceful-restart"},
        {"extended_message", "extended-message"},
    };
    for (const auto& [key, name] : names)
        if (bool_field(caps, key)) flags.emplace_back(name);
    return flags.empty() ? "none" : join(flags, " ");
}

std::vector<std::string> string_array(const json::value& v, std::string_view key) {
    std::vector<std::string> out;
    if (const auto* a = array_field(v, key))
        for (const auto& e : *a) out.push_back(scalar_text(e));
    return out;
}

}  // namespace

std::string format_neighbors(const json::value& body) {
    const auto* list = array_field(body, "neighbors");
    static const json::array empty;
    if (list == nullptr) list = &empty;

    // Families in order of first appearance, ipv4-unicast and ipv6-unicast first.
    std::vector<std::string> families;
    const auto add_family = [&](const std::string& f) {
        for (const auto& known : families)
            if (known == f) return;
        families.push_back(f);
    };
    bool any_description = false;
    for (const auto& n : *list) {
        if (const auto* fams = object_field(n, "families"))
            for (const auto& kv : *fams) add_family(std::string(kv.key()));
        if (!text_field(n, "description").empty()) any_description = true;
    }
    std::vector<std::string> ordered;
    for (const char* f : {"ipv4-unicast", "ipv6-unicast"})
        for (const auto& known : families)
            if (known == f) ordered.push_back(known);
    for (const auto& known : families)
        if (known != "ipv4-unicast" && known != "ipv6-unicast") ordered.push_back(known);
    if (ordered.empty()) ordered.emplace_back("ipv4-unicast");

    std::vector<std::string> header = {"Neighbor", "AS", "State", "Up/Down"};
    for (const auto& f : ordered) header.push_back(short_family(f) + " Rcv/Acc/Adv");
    if (any_description) header.emplace_back("Description");
    Table table(std::move(header));
    for (const auto& n : *list) {
        std::vector<std::string> row = {text_field(n, "address", "?"), int_text(n, "asn"),
                                        state_text(n), uptime_text(n)};
        for (const auto& f : ordered) row.push_back(counts_text(n, f));
        if (any_description) row.push_back(text_field(n, "description"));
        table.add_row(std::move(row));
    }
    return table.render();
}

std::string format_neighbor(const json::value& n) {
    std::string title = "Neighbor " + text_field(n, "address", "?") + ", AS " + int_text(n, "asn");
    std::vector<std::string> traits;
    if (bool_field(n, "dynamic")) traits.emplace_back("dynamic");
    if (bool_field(n, "route_reflector_client")) traits.emplace_back("route-reflector client");
    if (bool_field(n, "admin_down")) traits.emplace_back("administratively down");
    if (!traits.empty()) title += " (" + join(traits, ", ") + ")";

    Fields f;
    if (const auto d = text_field(n, "description"); !d.empty()) f.add("Description", d);
    std::string state = text_field(n, "state", "?");
    if (const auto up = int_field(n, "uptime_seconds")) state += ", up for " + format_duration(*up);
    f.add("State", state);
    f.add("Flaps", int_text(n, "flap_count"));
    if (const auto e = text_field(n, "last_error"); !e.empty()) f.add("Last error", e);
    if (const auto l = text_field(n, "local"); !l.empty()) f.add("Local", l);
    if (const auto r = text_field(n, "remote"); !r.empty()) f.add("Remote", r);
    const auto* caps = field(n, "capabilities");
    if (caps != nullptr && caps->is_object()) {
        f.add("Hold time", int_text(*caps, "hold_time") + " s, keepalive " +
                               int_text(*caps, "keepalive") + " s");
        const auto fams = string_array(*caps, "families");
        f.add("Families", fams.empty() ? "none" : join(fams, " "));
        f.add("Capabilities", capabilities_text(*caps));
        if (const auto* ap = object_field(*caps, "add_path"); ap != nullptr && !ap->empty()) {
            std::vector<std::string> parts;
            for (const auto& kv : *ap)
                parts.push_back(std::string(kv.key()) + " " + scalar_text(kv.value()));
            f.add("ADD-PATH", join(parts, ", "));
        }
    } else {
        f.add("Capabilities", "none negotiated (no session)");
    }
    f.add("Updates", received_sent(n, "updates"));
    f.add("Notifications", received_sent(n, "notifications"));
    f.add("Write queue", int_text(n, "write_queue_bytes") + " bytes");

    std::string out = title + "\n" + f.render();
    if (const auto* fams = object_field(n, "families"); fams != nullptr && !fams->empty()) {
        Table t({"Family", "Received", "Accepted", "Advertised"});
        for (const auto& kv : *fams)
            t.add_row({std::string(kv.key()), int_text(kv.value(), "received"),
                       int_text(kv.value(), "accepted"), int_text(kv.value(), "advertised")});
        out += "  Routes:\n";
        const auto table = t.render();
        std::size_t start = 0;
        while (start < table.size()) {
            const auto end = table.find('\n', start);
            out += "    " + table.substr(start, end - start) + "\n";
            start = end + 1;
        }
    }
    return out;
}

std::string format_status(const json::value& body) {
    Fields f;
    f.add("Router ID", text_field(body, "router_id", "-"));
    f.add("AS", int_text(body, "asn"));
    f.add("Cluster ID", text_field(body, "cluster_id", "-"));
    f.add("Version", text_field(body, "version", "-"));
    const auto up = int_field(body, "uptime_seconds");
    f.add("Uptime", up ? format_duration(*up) : "-");
    if (const auto* n = field(body, "neighbors"); n != nullptr && n->is_object()) {
        f.add("Neighbors", int_text(*n, "configured") + " configured, " + int_text(*n, "dynamic") +
                               " dynamic, " + int_text(*n, "established") + " established");
    }
    if (const auto* routes = object_field(body, "routes")) {
        for (const auto& kv : *routes)
            f.add("Routes " + std::string(kv.key()), int_text(kv.value(), "prefixes") +
                                                         " prefixes, " +
                                                         int_text(kv.value(), "paths") + " paths");
    }
    f.add("Best-path changes", int_text(body, "best_path_changes"));
    return f.render("");
}

std::string format_reload(const json::value& body) {
    if (!bool_field(body, "applied")) {
        return "reload refused, nothing changed: " +
               text_field(body, "error", "(no reason given)") + "\n";
    }
    return "reload applied: " + int_text(body, "added") + " added, " + int_text(body, "removed") +
           " removed, " + int_text(body, "changed") + " changed, " + int_text(body, "unchanged") +
           " unchanged; policies " +
           (bool_field(body, "policies_changed") ? "re-applied" : "unchanged") + "\n";
}

}  // namespace bgp::reflector::cli
