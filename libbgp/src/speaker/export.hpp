// Export of the embedder's routes to one peer (RFC 4271 §5.1, §9.2): the
// attributes as sent (eBGP: our AS prepended, next hop self unless given, no
// LOCAL_PREF; iBGP: LOCAL_PREF 100 unless given), and UPDATEs packed up to
// the negotiated message size.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "bgp/wire/attributes.hpp"
#include "bgp/wire/message.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::speaker_detail {

struct ExportContext {
    bool ibgp = false;
    std::uint32_t local_as = 0;
    /// The peer speaks 4-octet AS (RFC 6793); if not, AS4_PATH carries the
    /// real path when it holds an ASN above 65535.
    bool four_octet_as = true;
    /// Next hop self per family (nullopt: none known).
    std::optional<wire::IpAddress> self_ipv4;
    std::optional<wire::IpAddress> self_ipv6;
};

/// The family a prefix is announced in (IPv4 or IPv6 unicast).
[[nodiscard]] wire::Family family_of(const wire::Prefix& prefix);

/// The attributes of a route as sent to the peer, with the next hop in
/// `next_hop` (the UPDATE builder moves it into MP_REACH_NLRI for IPv6).
/// nullopt when the route cannot be sent (no next hop of its family).
[[nodiscard]] std::optional<wire::PathAttributes> export_attributes(
    const wire::PathAttributes& route, wire::Family family, const ExportContext& ctx);

/// UPDATEs announcing `prefixes` (all of `family`) with `exported`
/// attributes, each within the size limit of `opts`. Path id 1 on every NLRI
/// when `opts.add_path` holds the family.
[[nodiscard]] std::vector<wire::Update> build_announcements(wire::Family family,
                                                            const wire::PathAttributes& exported,
                                                            std::span<const wire::Prefix> prefixes,
                                                            const wire::CodecOptions& opts);

/// UPDATEs withdrawing `prefixes` (all of `family`).
[[nodiscard]] std::vector<wire::Update> build_withdrawals(wire::Family family,
                                                          std::span<const wire::Prefix> prefixes,
                                                          const wire::CodecOptions& opts);

}  // namespace bgp::speaker_detail
