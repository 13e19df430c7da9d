// Adj-RIB-Out of one peer (RFC 4271 §3.2) and UPDATE generation from it.
//
// sync() sets what a prefix should look like at the peer (the output of
// advertisements(): each path's ADD-PATH id and exported attributes); only
// the difference from what the peer already has is queued, so an unchanged
// route is never sent twice and only what was sent is ever withdrawn. Changes
// coalesce until take_updates(), which packs them: withdrawals together, and
// NLRI sharing an exported attribute set into as few UPDATEs as the message
// size allows (RFC 4271 §4.3; IPv6 in MP_REACH/MP_UNREACH, RFC 4760; path ids
// with ADD-PATH, RFC 7911). end_of_rib() gives the RFC 4724 §2 marker.
//
// Peers with the same export result share one Adj-RIB-Out and its encoded
// bytes through an UpdateGroup (update_group.hpp) instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "bgp/rib/attr_store.hpp"
#include "bgp/rib/export.hpp"
#include "bgp/rib/family.hpp"
#include "bgp/wire/message.hpp"

namespace bgp::rib {

template <class F>
class AdjRibOut {
  public:
    /// `add_path`: the peer receives path ids (RFC 7911 send negotiated).
    AdjRibOut(AttrStore& store, bool add_path);
    ~AdjRibOut();
    AdjRibOut(const AdjRibOut&) = delete;
    AdjRibOut& operator=(const AdjRibOut&) = delete;

    /// The prefix should now be advertised exactly as `ads` (empty: withdrawn).
    /// Without ADD-PATH only the first advertisement counts.
    void sync(const wire::Prefix& prefix, std::span<const Advertisement> ads);

    /// Packs every queued change into UPDATEs (at most opts.max_size() octets
    /// each once encoded) and marks them sent.
    [[nodiscard]] std::vector<wire::Update> take_updates(const wire::CodecOptions& opts);

    /// Forgets everything (the session went down): nothing is queued.
    void clear();

    /// The attributes the peer has for (prefix, path id), as sent.
    [[nodiscard]] std::optional<AttrId> advertised(const wire::Prefix& prefix,
                                                   std::uint32_t path_id = 0) const;
    [[nodiscard]] std::size_t size() const;     ///< (prefix, path) pairs the peer has
    [[nodiscard]] std::size_t pending() const;  ///< prefixes with queued changes
    /// Heap bytes of the advertised state and its index (queued changes not
    /// counted), to compare with UpdateGroup::memory_bytes.
    [[nodiscard]] std::size_t memory_bytes() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

extern template class AdjRibOut<Ipv4>;
extern template class AdjRibOut<Ipv6>;

}  // namespace bgp::rib
