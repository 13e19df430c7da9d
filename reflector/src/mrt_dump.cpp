// The daemon's Loc-RIB as TABLE_DUMP_V2 (see mrt_dump.hpp).
#include "mrt_dump.hpp"

#include <chrono>
#include <map>
#include <utility>

namespace bgp::reflector {

namespace {

std::uint32_t unix_seconds(std::chrono::system_clock::time_point t) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    return s <= 0 ? 0 : static_cast<std::uint32_t>(s);
}

struct PeerSlot {
    std::uint16_t index = 0;
    std::uint32_t originated = 0;
};

}  // namespace

std::vector<std::uint8_t> dump_mrt(const Speaker& speaker, const MrtDumpOptions& options,
                                   mrt::WriterStats* stats) {
    const auto now_sys = std::chrono::system_clock::now();
    const auto now_steady = std::chrono::steady_clock::now();
    const std::uint32_t now = options.timestamp.value_or(unix_seconds(now_sys));
    const SpeakerConfig& cfg = speaker.config();

    // Index 0: ourselves, for the routes of Speaker::announce().
    std::vector<mrt::Peer> peers{
        mrt::Peer{wire::IpAddress::v4(cfg.router_id), cfg.local_as, cfg.router_id}};
    std::map<wire::IpAddress, PeerSlot> slots;
    const auto add_peer = [&](const mrt::Peer& p, std::uint32_t originated) {
        if (peers.size() >= 65535 || slots.contains(p.address)) return;
        slots.emplace(p.address, PeerSlot{static_cast<std::uint16_t>(peers.size()), originated});
        peers.push_back(p);
    };
    for (const PeerStatus& st : speaker.peers()) {
        std::uint32_t originated = now;
        if (st.established_since) {
            originated = unix_seconds(
                now_sys - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                              now_steady - *st.established_since));
        }
        add_peer(mrt::Peer{st.address, st.peer_as, st.negotiated ? st.negotiated->peer_id : 0},
                 originated);
    }

    std::vector<std::pair<wire::Family, std::vector<RibRoute>>> ribs;
    for (const wire::Family f : options.families) {
        ribs.emplace_back(f, speaker.rib(f));
        for (const RibRoute& r : ribs.back().second)
            if (r.peer) add_peer(mrt::Peer{*r.peer, r.peer_as, 0}, now);
    }

    mrt::WriterOptions wo;
    wo.timestamp = now;
    wo.collector_id = cfg.router_id;
    wo.view_name = options.view_name;
    mrt::TableDumpWriter writer(wo, peers);
    std::vector<mrt::WriteEntry> entries;
    for (auto& [family, routes] : ribs) {
        // Speaker::rib() gives each prefix's paths together, best first.
        for (std::size_t i = 0; i < routes.size();) {
            const wire::Prefix prefix = routes[i].prefix;
            entries.clear();
            for (; i < routes.size() && routes[i].prefix == prefix; ++i) {
                RibRoute& r = routes[i];
                if (options.best_only && !r.best) continue;
                mrt::WriteEntry e;
                if (r.peer) {
                    const auto it = slots.find(*r.peer);
                    if (it == slots.end()) continue;  // beyond 65535 peers
                    e.peer_index = it->second.index;
                    e.originated_time = it->second.originated;
                } else {
                    e.originated_time = now;
                    // Our own routes as the speaker sends them: ORIGIN IGP and an
                    // empty AS_PATH unless given (RFC 4271 §5.1.1, §5.1.2).
                    if (!r.attributes.origin) r.attributes.origin = wire::Origin::igp;
                    if (!r.attributes.as_path) r.attributes.as_path = wire::AsPath{};
                }
                if (r.path_id != 0) e.path_id = r.path_id;
                e.attributes = std::move(r.attributes);
                entries.push_back(std::move(e));
            }
            if (!entries.empty()) writer.add(family, prefix, entries);
        }
    }
    if (stats) *stats = writer.stats();
    return writer.take();
}

}  // namespace bgp::reflector
