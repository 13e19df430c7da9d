// RFC 4724 §4.1 route selection deferral on the restarting speaker.
#include "bgp/fsm/selection_deferral.hpp"

#include <algorithm>

namespace bgp::fsm {

SelectionDeferral::SelectionDeferral(TimePoint start, std::chrono::seconds limit)
    : deadline_(start + limit) {}

void SelectionDeferral::expect(const wire::IpAddress& peer,
                               const std::vector<wire::Family>& families) {
    for (const auto& f : families) {
        const std::pair<wire::IpAddress, wire::Family> key{peer, f};
        if (std::find(pending_.begin(), pending_.end(), key) == pending_.end())
            pending_.push_back(key);
    }
}

void SelectionDeferral::end_of_rib(const wire::IpAddress& peer, wire::Family family) {
    std::erase_if(pending_, [&](const auto& p) { return p.first == peer && p.second == family; });
}

void SelectionDeferral::forget(const wire::IpAddress& peer) {
    std::erase_if(pending_, [&](const auto& p) { return p.first == peer; });
}

bool SelectionDeferral::family_complete(wire::Family family) const {
    return std::none_of(pending_.begin(), pending_.end(),
                        [&](const auto& p) { return p.second == family; });
}

}  // namespace bgp::fsm
