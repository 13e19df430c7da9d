#include "daemon.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

#include "config_mapping.hpp"
#include "log.hpp"

namespace bgp::reflector {

namespace {

SpeakerConfig speaker_config(const Config& c) {
    SpeakerConfig sc = to_speaker_config(c);
    sc.log = [](LogLevel level, std::string_view line) { log_line(level, line); };
    return sc;
}

/// What a reload cannot change in a running speaker; "" when nothing of it differs.
std::string restart_only_change(const Config& now, const Config& next) {
    if (now.router_id != next.router_id) return "router-id";
    if (now.asn != next.asn) return "asn";
    if (now.cluster_id.value_or(now.router_id) != next.cluster_id.value_or(next.router_id))
        return "cluster-id";
    if (now.listen != next.listen) return "listen";
    return {};
}

/// The chains a peer at `address` gets from `c` (a static neighbour, else the
/// dynamic range it came from; neither: accept all, it is about to go).
void rechain(const Config& c, PeerConfig& p) {
    const NeighborSettings* s = nullptr;
    for (const Neighbor& n : c.neighbors)
        if (n.address == p.address) s = &n.settings;
    for (const DynamicNeighbors& d : c.dynamic_neighbors)
        if (s == nullptr && d.prefix.contains(p.address)) s = &d.settings;
    p.import_policy = s != nullptr ? c.policies.chain(s->import_policies) : policy::PolicyChain{};
    p.export_policy = s != nullptr ? c.policies.chain(s->export_policies) : policy::PolicyChain{};
}

}  // namespace

Daemon::Daemon(boost::asio::io_context& io, Config config) : io_(io), config_(std::move(config)) {
    set_log_threshold(config_.log_level);
    speaker_ = std::make_unique<Speaker>(io_, speaker_config(config_));
}

Daemon::~Daemon() = default;

void Daemon::start() {
    // What the library still refuses is reported against the neighbour's lines.
    for (std::size_t i = 0; i < config_.neighbors.size(); ++i) {
        try {
            speaker_->add_peer(to_peer_config(config_, config_.neighbors[i]));
        } catch (const std::invalid_argument& e) {
            throw config_.error(fmt::format("neighbors[{}]", i), e.what());
        }
    }
    for (std::size_t i = 0; i < config_.dynamic_neighbors.size(); ++i) {
        try {
            speaker_->add_dynamic_peers(
                to_dynamic_peer_config(config_, config_.dynamic_neighbors[i]));
        } catch (const std::invalid_argument& e) {
            throw config_.error(fmt::format("dynamic-neighbors[{}]", i), e.what());
        }
    }
    speaker_->start();
    log_line(
        LogLevel::info,
        fmt::format("bgp-reflector: router-id {} asn {} cluster-id {}, {} neighbour(s), {} "
                    "dynamic range(s)",
                    wire::IpAddress::v4(config_.router_id).to_string(), config_.asn,
                    wire::IpAddress::v4(config_.cluster_id.value_or(config_.router_id)).to_string(),
                    config_.neighbors.size(), config_.dynamic_neighbors.size()));
}

ReloadResult Daemon::reload() {
    try {
        return reload(load_config(config_.file));
    } catch (const ConfigError& e) {
        ReloadResult r;
        r.error = e.what();
        log_line(LogLevel::error, fmt::format("reload: {} (nothing changed)", r.error));
        return r;
    }
}

ReloadResult Daemon::reload(Config next) {
    ReloadResult r;
    next.restarting = config_.restarting;  // a command-line setting, not the file's
    if (const std::string what = restart_only_change(config_, next); !what.empty()) {
        r.error = fmt::format("{}: {} changed; this version applies that only on a restart",
                              next.file, what);
        log_line(LogLevel::error, fmt::format("reload: {} (nothing changed)", r.error));
        return r;
    }

    std::map<wire::IpAddress, const Neighbor*> old_peers, new_peers;
    for (const Neighbor& n : config_.neighbors) old_peers.emplace(n.address, &n);
    for (const Neighbor& n : next.neighbors) new_peers.emplace(n.address, &n);
    std::map<wire::Prefix, const DynamicNeighbors*> old_ranges, new_ranges;
    for (const DynamicNeighbors& d : config_.dynamic_neighbors) old_ranges.emplace(d.prefix, &d);
    for (const DynamicNeighbors& d : next.dynamic_neighbors) new_ranges.emplace(d.prefix, &d);

    // Build every new PeerConfig first: a refusal here leaves the speaker as it was.
    std::vector<PeerConfig> to_add, to_change;
    std::vector<wire::IpAddress> to_remove;
    try {
        for (const auto& entry : new_peers) {
            auto old = old_peers.find(entry.first);
            if (old == old_peers.end())
                to_add.push_back(to_peer_config(next, *entry.second));
            else if (!(*old->second == *entry.second))
                to_change.push_back(to_peer_config(next, *entry.second));
            else
                ++r.unchanged;
        }
    } catch (const std::exception& e) {
        r.error = e.what();
        log_line(LogLevel::error, fmt::format("reload: {} (nothing changed)", r.error));
        return r;
    }
    for (const auto& entry : old_peers)
        if (!new_peers.contains(entry.first)) to_remove.push_back(entry.first);

    for (const wire::IpAddress& a : to_remove) {
        speaker_->remove_peer(a, "neighbor removed from the configuration");
        log_line(LogLevel::info, fmt::format("reload: removed neighbor {}", a.to_string()));
        ++r.removed;
    }
    // New policies: every peer's chains are made again from the new table, its
    // routes re-imported and re-exported in place (no session reset).
    r.policies_changed = !(config_.policies.config() == next.policies.config());
    if (r.policies_changed) {
        const auto names = next.policies.changed_since(config_.policies);
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        speaker_->set_policies(next.policies, [&next](PeerConfig& p) { rechain(next, p); });
        log_line(LogLevel::info, fmt::format("reload: policies re-applied (changed: {})", list));
    }
    for (PeerConfig& p : to_change) {
        const std::string a = p.address.to_string();
        try {
            speaker_->change_peer(std::move(p));
            log_line(LogLevel::info, fmt::format("reload: changed neighbor {}", a));
            ++r.changed;
        } catch (const std::exception& e) {
            log_line(LogLevel::error, fmt::format("reload: neighbor {}: {}", a, e.what()));
        }
    }
    for (PeerConfig& p : to_add) {
        const std::string a = p.address.to_string();
        try {
            speaker_->add_peer(std::move(p));
            log_line(LogLevel::info, fmt::format("reload: added neighbor {}", a));
            ++r.added;
        } catch (const std::exception& e) {
            log_line(LogLevel::error, fmt::format("reload: neighbor {}: {}", a, e.what()));
        }
    }
    // A changed range is replaced: the sessions from it restart. New policies
    // alone do not: set_policies() above re-chained the range's settings and
    // its peers in place.
    const auto keep = [](const DynamicNeighbors& was, const DynamicNeighbors& now) {
        return was == now;
    };
    for (const auto& entry : old_ranges) {
        auto now = new_ranges.find(entry.first);
        if (now != new_ranges.end() && keep(*entry.second, *now->second)) continue;
        speaker_->remove_dynamic_peers(entry.first, "dynamic-neighbors range changed or removed");
        log_line(LogLevel::info,
                 fmt::format("reload: removed dynamic-neighbors {}", entry.first.to_string()));
        ++r.removed;
    }
    for (const auto& entry : new_ranges) {
        auto was = old_ranges.find(entry.first);
        if (was != old_ranges.end() && keep(*was->second, *entry.second)) continue;
        try {
            speaker_->add_dynamic_peers(to_dynamic_peer_config(next, *entry.second));
            log_line(LogLevel::info,
                     fmt::format("reload: added dynamic-neighbors {}", entry.first.to_string()));
            ++r.added;
        } catch (const std::exception& e) {
            log_line(LogLevel::error, fmt::format("reload: dynamic-neighbors {}: {}",
                                                  entry.first.to_string(), e.what()));
        }
    }
    if (next.log_level != config_.log_level) {
        set_log_threshold(next.log_level);
        speaker_->set_log_level(next.log_level);
    }
    if (next.api != config_.api)
        log_line(LogLevel::warning, "reload: api settings apply on a restart only");
    config_ = std::move(next);
    r.applied = true;
    log_line(LogLevel::info, fmt::format("reload: {} added, {} removed, {} changed, {} unchanged",
                                         r.added, r.removed, r.changed, r.unchanged));
    return r;
}

void Daemon::add_neighbor(Neighbor neighbor) {
    try {
        speaker_->add_peer(to_peer_config(config_, neighbor));
    } catch (const std::invalid_argument& e) {
        throw ConfigError("request", 0, "", e.what());
    }
    log_line(LogLevel::info, fmt::format("api: added neighbor {}", neighbor.address.to_string()));
    config_.neighbors.push_back(std::move(neighbor));
}

bool Daemon::remove_neighbor(const wire::IpAddress& address, std::string_view message) {
    auto& list = config_.neighbors;
    const auto it = std::find_if(list.begin(), list.end(),
                                 [&address](const Neighbor& n) { return n.address == address; });
    if (it == list.end()) {
        const auto st = speaker_->peer(address);
        if (!st || !st->dynamic) return false;
    } else {
        list.erase(it);
    }
    speaker_->remove_peer(address, message);
    log_line(LogLevel::info, fmt::format("api: removed neighbor {}", address.to_string()));
    return true;
}

void Daemon::shutdown(std::string_view message, std::function<void()> done, bool for_restart) {
    if (for_restart)
        speaker_->shutdown_for_restart(message, std::move(done));
    else
        speaker_->shutdown(message, std::move(done));
}

}  // namespace bgp::reflector
