// The per-peer state of the speaker's core (private to src/speaker/).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "bgp/rib/adj_rib_out.hpp"
#include "speaker/core.hpp"

namespace bgp::speaker_detail {

struct Core::Peer {
    Peer(PeerConfig c, fsm::SessionConfig s) : config(std::move(c)), session(std::move(s)) {}

    PeerConfig config;
    fsm::Session session;
    bool dynamic = false;
    bool admin_down = false;
    bool removed = false;
    bool remove_when_idle = false;
    RouteTable table;
    std::optional<TimePoint> established_since;
    std::uint32_t learnt_as = 0;
    std::uint64_t updates_received = 0;
    std::uint64_t updates_sent = 0;
    // Export pacing: prefixes whose current state (announced_ or withdrawn) is
    // still to be sent, and the markers due once they are.
    std::set<wire::Prefix> dirty;
    std::vector<wire::Family> eor_due;   ///< RFC 4724 End-of-RIB after the initial table
    std::vector<wire::Family> eorr_due;  ///< RFC 7313 EoRR after a re-advertisement
    // The RIB (routing.cpp): the peer's ids in the RIBs (kept across a graceful
    // restart), and with forward_routes its Adj-RIB-Out per family while Established.
    std::optional<rib::PeerId> rib4;
    std::optional<rib::PeerId> rib6;
    std::unique_ptr<rib::AdjRibOut<rib::Ipv4>> out4;
    std::unique_ptr<rib::AdjRibOut<rib::Ipv6>> out6;

    [[nodiscard]] std::uint32_t peer_as() const {
        return learnt_as != 0 ? learnt_as : config.peer_as;
    }
};

}  // namespace bgp::speaker_detail
