// Reading the configuration file: every key of docs/configuration.md, unknown
// keys refused, each value checked where it is read (with its line), then the
// checks that need the whole file (duplicate neighbours, policy names, the
// policies themselves through bgp::policy::PolicyTable).
#include "config.hpp"

#include <fmt/format.h>

#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "config_reader.hpp"

namespace bgp::reflector {

namespace {

using detail::Node;

std::string format_error(const std::string& file, int line, const std::string& key,
                         const std::string& message) {
    std::string out = file;
    if (line > 0) out += fmt::format(":{}", line);
    out += ": ";
    if (!key.empty()) out += key + ": ";
    return out + message;
}

/// `deferral`: the top-level block also has selection-deferral-time.
GracefulRestart read_graceful_restart(const Node& n, const GracefulRestart& defaults,
                                      std::chrono::seconds* deferral = nullptr) {
    if (deferral != nullptr) {
        n.expect_map({"enabled", "restart-time", "stale-path-time", "selection-deferral-time"});
        if (auto t = n.get("selection-deferral-time"))
            *deferral = std::chrono::seconds(t->seconds(1, 3600));
    } else {
        n.expect_map({"enabled", "restart-time", "stale-path-time"});
    }
    GracefulRestart gr = defaults;
    gr.enabled = true;  // giving the block turns it on unless it says otherwise
    if (auto e = n.get("enabled")) gr.enabled = e->boolean();
    if (auto t = n.get("restart-time"))
        gr.restart_time = std::chrono::seconds(t->seconds(0, 4095));  // 12 bits (RFC 4724 §3)
    if (auto t = n.get("stale-path-time"))
        gr.stale_path_time = std::chrono::seconds(t->seconds(1, 65535));
    return gr;
}

std::uint16_t read_hold_time(const Node& n) {
    const auto v = n.seconds(0, 65535, "0 or 3..65535");
    if (v == 1 || v == 2) n.fail(fmt::format("expected 0 or 3..65535, got {}", n.text()));
    return static_cast<std::uint16_t>(v);
}

// Keys every neighbour (static or dynamic) may have, besides its own.
#define BGP_REFLECTOR_SHARED_KEYS                                                             \
    "asn", "route-reflector-client", "password", "hold-time", "keepalive-time",               \
        "connect-retry-time", "families", "import", "export", "description", "local-address", \
        "multihop", "ttl-security", "next-hop-self", "graceful-restart"

NeighborSettings read_settings(const Node& n, bool asn_required) {
    NeighborSettings s;
    if (asn_required)
        s.asn = n.require("asn").asn();
    else if (auto a = n.get("asn"))
        s.asn = a->asn();
    if (auto v = n.get("route-reflector-client")) s.route_reflector_client = v->boolean();
    if (auto v = n.get("password")) {
        s.password = v->text();
        if (s.password.empty()) v->fail("expected a key of 1..80 octets, got an empty one");
        if (s.password.size() > 80)
            v->fail(fmt::format("expected at most 80 octets (RFC 2385 key), got {}",
                                s.password.size()));
    }
    if (auto v = n.get("hold-time")) s.hold_time = read_hold_time(*v);
    if (auto v = n.get("keepalive-time")) {
        s.keepalive_time = static_cast<std::uint16_t>(v->seconds(1, 65535));
        if (s.hold_time && *s.hold_time != 0 && *s.keepalive_time >= *s.hold_time)
            v->fail(fmt::format("expected less than hold-time {}, got {}", *s.hold_time,
                                *s.keepalive_time));
    }
    if (auto v = n.get("connect-retry-time"))
        s.connect_retry_time = static_cast<std::uint16_t>(v->seconds(1, 65535));
    if (auto v = n.get("families")) {
        for (const Node& item : v->items_or_one()) {
            const wire::Family f = item.family();
            for (const wire::Family& g : s.families)
                if (g == f) item.fail("family " + f.name() + " is listed twice");
            s.families.push_back(f);
        }
        if (s.families.empty()) v->fail("expected at least one family, got an empty list");
    }
    if (auto v = n.get("import")) s.import_policies = v->names();
    if (auto v = n.get("export")) s.export_policies = v->names();
    if (auto v = n.get("description")) s.description = v->text();
    if (auto v = n.get("local-address")) s.local_address = v->address();
    if (auto v = n.get("multihop"))
        s.multihop = static_cast<std::uint8_t>(v->integer(1, 255, "hops in 1..255"));
    if (auto v = n.get("ttl-security")) s.ttl_security = v->boolean();
    if (auto v = n.get("next-hop-self")) s.next_hop_self = v->boolean();
    return s;
}

/// A neighbour's own graceful-restart block, else the top-level one.
void read_neighbor_gr(const Node& n, NeighborSettings& s, const GracefulRestart& defaults) {
    auto v = n.get("graceful-restart");
    s.graceful_restart = v ? read_graceful_restart(*v, defaults) : defaults;
}

Neighbor read_neighbor(const Node& n, const GracefulRestart& defaults) {
    n.expect_map({"address", "port", "passive", BGP_REFLECTOR_SHARED_KEYS});
    Neighbor nb;
    nb.address = n.require("address").address();
    if (auto p = n.get("port")) nb.port = static_cast<std::uint16_t>(p->integer(1, 65535));
    if (auto p = n.get("passive")) nb.passive = p->boolean();
    nb.settings = read_settings(n, true);
    read_neighbor_gr(n, nb.settings, defaults);
    return nb;
}

ListenEndpoint read_listen(const Node& n) {
    n.expect_map({"address", "port"});
    ListenEndpoint e;
    e.address = n.require("address").address();
    if (auto p = n.get("port")) e.port = static_cast<std::uint16_t>(p->integer(0, 65535));
    return e;
}

bool is_loopback(const wire::IpAddress& a) {
    if (a.is_v4()) return (a.v4_value() >> 24) == 127;
    return a == *wire::IpAddress::parse("::1");
}

ApiConfig read_api(const Node& n, const std::string& file) {
    n.expect_map({"listen", "token-file", "max-connections"});
    ApiConfig api;
    if (auto v = n.get("token-file")) {
        api.token_file = v->text();
        if (api.token_file.empty()) v->fail("expected a file name, got an empty one");
        try {
            (void)read_api_token(api.token_file, file);
        } catch (const ConfigError& e) {
            v->fail(e.message());
        }
    }
    if (auto v = n.get("max-connections"))
        api.max_connections = static_cast<std::uint32_t>(v->integer(1, 65535));
    const Node l = n.require("listen");
    api.listen = l.text();
    if (api.listen == "off" || api.listen == "none") {
        api.off = true;
        return api;
    }
    if (!api.listen.empty() && api.listen.front() == '/') {
        api.unix_path = api.listen;
        if (api.unix_path.size() > 100)  // sockaddr_un.sun_path is 108 octets with the NUL
            l.fail(fmt::format("expected a unix socket path of at most 100 octets, got {}",
                               api.unix_path.size()));
        return api;
    }
    // host:port, [v6]:port
    const std::string& t = api.listen;
    const auto colon = t.rfind(':');
    const auto bad = [&] {
        l.fail(
            "expected ADDRESS:PORT (127.0.0.1:8179, [::1]:8179), a unix socket path "
            "starting with /, or off, got " +
            t);
    };
    if (colon == std::string::npos || colon == 0) bad();
    std::string host = t.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string::npos)
        bad();  // an IPv6 address needs brackets
    auto address = wire::IpAddress::parse(host);
    const std::string port_text = t.substr(colon + 1);
    unsigned port = 0;
    if (port_text.empty() || port_text.size() > 5 ||
        port_text.find_first_not_of("0123456789") != std::string::npos)
        bad();
    port = static_cast<unsigned>(std::stoul(port_text));
    if (!address || port == 0 || port > 65535) bad();
    api.tcp = ListenEndpoint{*address, static_cast<std::uint16_t>(port)};
    if (!api.local() && api.token_file.empty())
        l.fail(
            "a non-loopback address needs api.token-file (every call then needs the token), "
            "got " +
            t);
    return api;
}

/// "policies[0]: unknown policy 'x'" -> the message after the path.
std::string strip_path(const policy::ConfigError& e) {
    std::string what = e.what();
    const std::string prefix = e.path() + ": ";
    if (what.rfind(prefix, 0) == 0) what.erase(0, prefix.size());
    return what;
}

void check_names(const Config& c, const std::vector<std::string>& names, const std::string& key) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (c.policies.contains(names[i])) continue;
        std::string item = fmt::format("{}[{}]", key, i);
        if (!c.lines.contains(item)) item = key;  // written as one name, not a list
        throw c.error(item,
                      fmt::format("unknown policy '{}' (define it under policies.definitions, "
                                  "or use all / none)",
                                  names[i]));
    }
}

void check_settings(const Config& c, const NeighborSettings& s, const std::string& key,
                    const std::optional<wire::Afi>& afi) {
    if (s.route_reflector_client && s.asn != 0 && s.asn != c.asn)
        throw c.error(key + ".route-reflector-client",
                      fmt::format("a route-reflector client must be an iBGP neighbour (asn {}), "
                                  "got asn {}",
                                  c.asn, s.asn));
    if (afi && s.local_address && s.local_address->afi() != *afi)
        throw c.error(
            key + ".local-address",
            "expected an address of the neighbour's family, got " + s.local_address->to_string());
    check_names(c, s.import_policies, key + ".import");
    check_names(c, s.export_policies, key + ".export");
}

void check_whole(const Config& c) {
    std::map<wire::IpAddress, std::size_t> seen;
    for (std::size_t i = 0; i < c.neighbors.size(); ++i) {
        const Neighbor& n = c.neighbors[i];
        const std::string key = fmt::format("neighbors[{}]", i);
        if (n.address.is_unspecified())
            throw c.error(key + ".address",
                          "expected a neighbour's address, got " + n.address.to_string());
        auto [it, fresh] = seen.emplace(n.address, i);
        if (!fresh)
            throw c.error(key + ".address", fmt::format("{} is already neighbors[{}]",
                                                        n.address.to_string(), it->second));
        check_settings(c, n.settings, key, n.address.afi());
    }
    for (std::size_t i = 0; i < c.dynamic_neighbors.size(); ++i) {
        const DynamicNeighbors& d = c.dynamic_neighbors[i];
        const std::string key = fmt::format("dynamic-neighbors[{}]", i);
        for (std::size_t j = 0; j < i; ++j) {
            const wire::Prefix& o = c.dynamic_neighbors[j].prefix;
            if (o.contains(d.prefix.address()) || d.prefix.contains(o.address()))
                throw c.error(key + ".prefix", fmt::format("{} overlaps dynamic-neighbors[{}] ({})",
                                                           d.prefix.to_string(), j, o.to_string()));
        }
        check_settings(c, d.settings, key, d.prefix.afi());
    }
}

}  // namespace

bool ApiConfig::local() const {
    if (!unix_path.empty() || off) return true;
    return tcp && is_loopback(tcp->address);
}

std::string read_api_token(const std::string& token_file, const std::string& config_file) {
    std::ifstream in(token_file, std::ios::binary);
    if (!in) throw ConfigError(config_file, 0, "api.token-file", "cannot open " + token_file);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty())
        throw ConfigError(config_file, 0, "api.token-file",
                          "the first line of " + token_file + " (the token) is empty");
    return line;
}

Neighbor parse_neighbor(std::string_view text, const Config& current, const std::string& source) {
    const auto relocated = [&source](const ConfigError& e, const std::string& strip) {
        std::string key = e.key();
        if (key.rfind(strip, 0) == 0) key.erase(0, strip.size());
        return ConfigError(source, 0, key, e.message());
    };
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw ConfigError(source, 0, "", "not valid JSON or YAML: " + e.msg);
    }
    if (!root.IsMap()) throw ConfigError(source, 0, "", "expected an object of neighbour keys");
    std::map<std::string, int, std::less<>> lines;
    const detail::Source src{source, &lines};
    Neighbor nb;
    try {
        nb = read_neighbor(Node(src, root, "", 0), current.graceful_restart);
    } catch (const ConfigError& e) {
        throw relocated(e, "");
    }
    if (nb.address.is_unspecified())
        throw ConfigError(source, 0, "address",
                          "expected a neighbour's address, got " + nb.address.to_string());
    for (std::size_t i = 0; i < current.neighbors.size(); ++i)
        if (current.neighbors[i].address == nb.address)
            throw ConfigError(source, 0, "address",
                              fmt::format("{} is already a neighbour (neighbors[{}])",
                                          nb.address.to_string(), i));
    try {
        check_settings(current, nb.settings, "neighbor", nb.address.afi());
    } catch (const ConfigError& e) {
        throw relocated(e, "neighbor.");
    }
    return nb;
}

ConfigError::ConfigError(std::string file, int line, std::string key, const std::string& message)
    : std::runtime_error(format_error(file, line, key, message)),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)),
      message_(message) {}

int Config::line_of(std::string_view key) const {
    std::string k(key);
    for (int guard = 0; guard < 64 && !k.empty(); ++guard) {
        if (auto it = lines.find(k); it != lines.end()) return it->second;
        const auto cut = k.find_last_of(".[");
        if (cut == std::string::npos) break;
        k.resize(cut);
    }
    return 0;
}

ConfigError Config::error(const std::string& key, const std::string& message) const {
    return ConfigError(file, line_of(key), key, message);
}

Config parse_config(std::string_view text, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw ConfigError(file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "",
                          "not valid YAML: " + e.msg);
    }
    Config c;
    c.file = file;
    const detail::Source source{file, &c.lines};
    const Node top(source, root, "", 1);
    if (root.IsNull()) throw ConfigError(file, 0, "", "the file is empty (router-id, asn needed)");
    if (!root.IsMap())
        throw ConfigError(file, top.line(), "", "expected a mapping of keys at the top");
    top.expect_map({"router-id", "asn", "cluster-id", "listen", "api", "log-level",
                    "graceful-restart", "neighbors", "dynamic-neighbors", "policies"});

    c.router_id = top.require("router-id").ipv4_id();
    c.asn = top.require("asn").asn();
    if (auto v = top.get("cluster-id")) c.cluster_id = v->ipv4_id();
    if (auto v = top.get("listen")) {
        if (v->is_sequence())
            for (const Node& item : v->items()) c.listen.push_back(read_listen(item));
        else
            c.listen.push_back(read_listen(*v));
    } else {
        c.listen.push_back(ListenEndpoint{wire::IpAddress::v4(0), 179});
    }
    for (std::size_t i = 0; i < c.listen.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (c.listen[i] == c.listen[j])
                throw c.error(fmt::format("listen[{}]", i), "the same address and port twice");
    if (auto v = top.get("api")) c.api = read_api(*v, file);
    if (auto v = top.get("log-level")) {
        const std::string t = v->text();
        auto level = parse_log_level(t);
        if (!level) v->fail("expected trace, debug, info, warning, error or off, got " + t);
        c.log_level = *level;
    }
    if (auto v = top.get("graceful-restart"))
        c.graceful_restart = read_graceful_restart(*v, {}, &c.selection_deferral);

    if (auto v = top.get("neighbors")) {
        for (const Node& n : v->items())
            c.neighbors.push_back(read_neighbor(n, c.graceful_restart));
    }
    if (auto v = top.get("dynamic-neighbors")) {
        for (const Node& n : v->items()) {
            n.expect_map({"prefix", "max-sessions", BGP_REFLECTOR_SHARED_KEYS});
            DynamicNeighbors d;
            d.prefix = n.require("prefix").prefix();
            if (auto m = n.get("max-sessions"))
                d.max_sessions = static_cast<std::uint32_t>(
                    m->integer(1, std::numeric_limits<std::uint32_t>::max()));
            d.settings = read_settings(n, false);
            read_neighbor_gr(n, d.settings, c.graceful_restart);
            c.dynamic_neighbors.push_back(std::move(d));
        }
    }
    if (auto v = top.get("policies")) {
        policy::PolicyConfig pc = detail::read_policies(*v);
        try {
            c.policies = policy::PolicyTable(std::move(pc));
        } catch (const policy::ConfigError& e) {
            throw c.error("policies." + e.path(), strip_path(e));
        }
    }
    check_whole(c);
    return c;
}

Config load_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path, 0, "", "cannot open the file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError(path, 0, "", "cannot read the file");
    return parse_config(text.str(), path);
}

}  // namespace bgp::reflector
