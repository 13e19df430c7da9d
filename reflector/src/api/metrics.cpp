// The Prometheus exposition (metrics.hpp), text format 0.0.4.
#include "metrics.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "bgp/fsm/session.hpp"
#include "bgp/wire/error.hpp"
#include "counts.hpp"
#include "views.hpp"

namespace bgp::reflector::api {

namespace {

using Labels = std::vector<std::pair<std::string_view, std::string>>;

class Writer {
  public:
    /// Starts a family: HELP and TYPE lines.
    void family(std::string_view name, std::string_view type, std::string_view help) {
        name_ = name;
        fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name,
                       type);
    }
    void sample(const Labels& labels, std::uint64_t value) { sample(name_, labels, value); }
    void sample(std::string_view name, const Labels& labels, std::uint64_t value) {
        out_ += name;
        if (!labels.empty()) {
            out_ += '{';
            bool first = true;
            for (const auto& [key, v] : labels) {
                if (!first) out_ += ',';
                first = false;
                out_ += key;
                out_ += "=\"";
                out_ += escape_label_value(v);
                out_ += '"';
            }
            out_ += '}';
        }
        fmt::format_to(std::back_inserter(out_), " {}\n", value);
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
    std::string name_;
};

constexpr std::array<fsm::State, 6> all_states{fsm::State::idle,         fsm::State::connect,
                                               fsm::State::active,       fsm::State::open_sent,
                                               fsm::State::open_confirm, fsm::State::established};

std::uint64_t u64(std::size_t v) { return static_cast<std::uint64_t>(v); }

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string metrics_text(const Daemon& daemon, const std::string& version) {
    const Speaker& s = daemon.speaker();
    const Config& c = daemon.config();
    const std::vector<PeerStatus> peers = s.peers();
    const auto now = std::chrono::steady_clock::now();
    Writer w;

    w.family("bgp_reflector_info", "gauge", "The daemon's version and identity (always 1).");
    w.sample({{"version", version},
              {"router_id", wire::IpAddress::v4(c.router_id).to_string()},
              {"cluster_id", wire::IpAddress::v4(c.cluster_id.value_or(c.router_id)).to_string()},
              {"asn", std::to_string(c.asn)}},
             1);
    w.family("bgp_reflector_uptime_seconds", "gauge", "Seconds since the daemon started.");
    w.sample({}, static_cast<std::uint64_t>(seconds_since(daemon.started(), now)));

    std::array<std::uint64_t, all_states.size()> by_state{};
    std::uint64_t dynamic = 0, queued = 0;
    for (const PeerStatus& p : peers) {
        for (std::size_t i = 0; i < all_states.size(); ++i)
            if (p.state == all_states[i]) ++by_state[i];
        if (p.dynamic) ++dynamic;
        queued += u64(p.write_queue_bytes);
    }
    w.family("bgp_reflector_sessions", "gauge", "BGP sessions by FSM state (RFC 4271 section 8).");
    for (std::size_t i = 0; i < all_states.size(); ++i)
        w.sample({{"state", std::string(fsm::to_string(all_states[i]))}}, by_state[i]);
    w.family("bgp_reflector_neighbors", "gauge",
             "Neighbours: configured (static) and dynamic (from a dynamic-neighbors range).");
    w.sample({{"kind", "configured"}}, u64(c.neighbors.size()));
    w.sample({{"kind", "dynamic"}}, dynamic);

    const RibCounts rc = rib_counts(s);
    w.family("bgp_reflector_rib_prefixes", "gauge", "Prefixes in the Loc-RIB.");
    w.sample({{"family", "ipv4-unicast"}}, u64(rc.prefixes_ipv4));
    w.sample({{"family", "ipv6-unicast"}}, u64(rc.prefixes_ipv6));
    w.family("bgp_reflector_rib_paths", "gauge", "Paths in the RIB (every candidate).");
    w.sample({{"family", "ipv4-unicast"}}, u64(rc.paths_ipv4));
    w.sample({{"family", "ipv6-unicast"}}, u64(rc.paths_ipv6));
    w.family("bgp_reflector_best_path_changes_total", "counter",
             "Best-path changes (new, changed or removed best path of a prefix).");
    w.sample({}, rc.best_path_changes);
    w.family("bgp_reflector_notifications_total", "counter",
             "NOTIFICATION messages sent and received, by code and subcode (RFC 4271 section "
             "4.5).");
    for (const NotificationCounter& n : notification_counters(s))
        w.sample(
            {{"direction", n.sent ? "sent" : "received"},
             {"code", std::to_string(n.code)},
             {"subcode", std::to_string(n.subcode)},
             {"name", wire::code_name(n.code) + " / " + wire::subcode_name(n.code, n.subcode)}},
            n.count);
    w.family("bgp_reflector_write_queue_bytes", "gauge",
             "Bytes waiting to be written to every neighbour.");
    w.sample({}, queued);

    // Per neighbour.
    const auto each = [&](std::string_view name, std::string_view type, std::string_view help,
                          const std::function<void(const PeerStatus&, const std::string&)>& f) {
        w.family(name, type, help);
        for (const PeerStatus& p : peers) f(p, p.address.to_string());
    };
    each("bgp_reflector_neighbor_info", "gauge",
         "A neighbour's AS, description and kind (always 1).",
         [&](const PeerStatus& p, const std::string& a) {
             w.sample({{"neighbor", a},
                       {"asn", std::to_string(p.peer_as)},
                       {"description", p.description},
                       {"dynamic", p.dynamic ? "true" : "false"}},
                      1);
         });
    each("bgp_reflector_neighbor_established", "gauge",
         "1 when the session is Established, else 0.",
         [&](const PeerStatus& p, const std::string& a) {
             w.sample({{"neighbor", a}}, p.state == fsm::State::established ? 1 : 0);
         });
    each("bgp_reflector_neighbor_uptime_seconds", "gauge",
         "Seconds since the session became Established (0 when it is not).",
         [&](const PeerStatus& p, const std::string& a) {
             const auto up = p.established_since ? seconds_since(*p.established_since, now) : 0;
             w.sample({{"neighbor", a}}, static_cast<std::uint64_t>(up));
         });
    each("bgp_reflector_neighbor_flaps_total", "counter",
         "Times the session went down from Established.",
         [&](const PeerStatus& p, const std::string& a) {
             w.sample({{"neighbor", a}}, p.flap_count);
         });
    std::vector<std::pair<std::string, std::vector<FamilyCount>>> counts;
    counts.reserve(peers.size());
    for (const PeerStatus& p : peers)
        counts.emplace_back(p.address.to_string(), family_counts(s, p));
    const auto per_family = [&](std::string_view name, std::string_view help,
                                std::size_t FamilyCount::*field) {
        w.family(name, "gauge", help);
        for (const auto& [a, list] : counts)
            for (const FamilyCount& f : list)
                w.sample({{"neighbor", a}, {"family", f.family.name()}}, u64(f.*field));
    };
    per_family("bgp_reflector_neighbor_prefixes_received",
               "Paths received from the neighbour (Adj-RIB-In, before import policy).",
               &FamilyCount::received);
    per_family("bgp_reflector_neighbor_prefixes_accepted",
               "Paths received from the neighbour and accepted by import policy.",
               &FamilyCount::accepted);
    per_family("bgp_reflector_neighbor_prefixes_advertised",
               "Routes advertised to the neighbour (Adj-RIB-Out).", &FamilyCount::advertised);
    each("bgp_reflector_neighbor_updates_received_total", "counter",
         "UPDATE messages received from the neighbour.",
         [&](const PeerStatus& p, const std::string& a) {
             w.sample({{"neighbor", a}}, p.updates_received);
         });
    each("bgp_reflector_neighbor_updates_sent_total", "counter",
         "UPDATE messages sent to the neighbour.", [&](const PeerStatus& p, const std::string& a) {
             w.sample({{"neighbor", a}}, p.updates_sent);
         });
    each("bgp_reflector_neighbor_notifications_total", "counter",
         "NOTIFICATION messages exchanged with the neighbour, by direction.",
         [&](const PeerStatus& p, const std::string& a) {
             const NotificationTotals t = notification_totals(p);
             w.sample({{"neighbor", a}, {"direction", "sent"}}, t.sent);
             w.sample({{"neighbor", a}, {"direction", "received"}}, t.received);
         });
    each("bgp_reflector_neighbor_write_queue_bytes", "gauge",
         "Bytes waiting to be written to the neighbour.",
         [&](const PeerStatus& p, const std::string& a) {
             w.sample({{"neighbor", a}}, u64(p.write_queue_bytes));
         });
    return w.take();
}

}  // namespace bgp::reflector::api
