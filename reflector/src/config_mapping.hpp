// From the reflector's configuration to the speaker's: SpeakerConfig (a route
// reflector: forward_routes, cluster id, the compiled policies), one PeerConfig
// per neighbour and one DynamicPeerConfig per dynamic-neighbors range.
#pragma once

#include "bgp/speaker/config.hpp"
#include "config.hpp"

namespace bgp::reflector {

/// Everything but the peers, and without a log handler (the daemon sets one).
SpeakerConfig to_speaker_config(const Config& config);
PeerConfig to_peer_config(const Config& config, const Neighbor& neighbor);
DynamicPeerConfig to_dynamic_peer_config(const Config& config, const DynamicNeighbors& range);

}  // namespace bgp::reflector
