#include "speaker/export.hpp"

#include <algorithm>
#include <utility>

namespace bgp::speaker_detail {

namespace {

bool has_4_octet_asn(const wire::AsPath& path) {
    for (const auto& seg : path.segments)
        for (auto asn : seg.asns)
            if (asn > 0xFFFF) return true;
    return false;
}

void prepend(wire::AsPath& path, std::uint32_t asn) {
    auto& segs = path.segments;
    if (segs.empty() || segs.front().type != wire::AsSegmentType::as_sequence ||
        segs.front().asns.size() >= 255) {
        segs.insert(segs.begin(), wire::AsSegment{wire::AsSegmentType::as_sequence, {asn}});
        return;
    }
    segs.front().asns.insert(segs.front().asns.begin(), asn);
}

std::size_t nlri_size(const wire::Prefix& p, bool path_id) {
    return 1 + (static_cast<std::size_t>(p.length()) + 7) / 8 + (path_id ? 4 : 0);
}

wire::Update make_update(wire::Family family, const wire::PathAttributes& exported,
                         std::span<const wire::Prefix> prefixes, bool path_id) {
    wire::Update u;
    u.attributes = exported;
    u.attributes.layout.clear();
    std::vector<wire::Nlri> nlri;
    nlri.reserve(prefixes.size());
    for (const auto& p : prefixes)
        nlri.push_back(wire::Nlri{p, path_id ? std::optional<std::uint32_t>(1) : std::nullopt});
    if (family == wire::ipv4_unicast) {
        u.nlri = std::move(nlri);
    } else {
        wire::MpReach mp;
        mp.family = family;
        if (u.attributes.next_hop) mp.next_hops.push_back(*u.attributes.next_hop);
        mp.nlri = std::move(nlri);
        u.attributes.next_hop.reset();
        u.attributes.mp_reach = std::move(mp);
    }
    return u;
}

wire::Update make_withdrawal(wire::Family family, std::span<const wire::Prefix> prefixes,
                             bool path_id) {
    wire::Update u;
    std::vector<wire::Nlri> nlri;
    nlri.reserve(prefixes.size());
    for (const auto& p : prefixes)
        nlri.push_back(wire::Nlri{p, path_id ? std::optional<std::uint32_t>(1) : std::nullopt});
    if (family == wire::ipv4_unicast) {
        u.withdrawn = std::move(nlri);
    } else {
        u.attributes.mp_unreach = wire::MpUnreach{family, std::move(nlri), {}};
    }
    return u;
}

/// Packs prefixes greedily under `budget` octets of NLRI, then checks each
/// UPDATE encodes; one that does not is split in two (bounded: at most
/// log2(n) levels).
template <class Make>
void pack(std::span<const wire::Prefix> prefixes, std::size_t budget, bool path_id,
          const wire::CodecOptions& opts, const Make& make, std::vector<wire::Update>& out) {
    std::size_t begin = 0;
    while (begin < prefixes.size()) {
        std::size_t used = 0;
        std::size_t end = begin;
        while (end < prefixes.size()) {
            const auto sz = nlri_size(prefixes[end], path_id);
            if (end > begin && used + sz > budget) break;
            used += sz;
            ++end;
        }
        auto chunk = prefixes.subspan(begin, end - begin);
        // Verify; split on failure.
        std::vector<std::span<const wire::Prefix>> work{chunk};
        while (!work.empty()) {
            auto part = work.back();
            work.pop_back();
            wire::Update u = make(part);
            if (part.size() > 1 && !wire::encode(wire::Message{u}, opts)) {
                const auto half = part.size() / 2;
                work.push_back(part.subspan(half));
                work.push_back(part.subspan(0, half));
                continue;
            }
            out.push_back(std::move(u));
        }
        begin = end;
    }
}

}  // namespace

wire::Family family_of(const wire::Prefix& prefix) {
    return prefix.afi() == wire::Afi::ipv6 ? wire::ipv6_unicast : wire::ipv4_unicast;
}

std::optional<wire::PathAttributes> export_attributes(const wire::PathAttributes& route,
                                                      wire::Family family,
                                                      const ExportContext& ctx) {
    wire::PathAttributes a = route;
    a.layout.clear();
    a.mp_reach.reset();
    a.mp_unreach.reset();
    if (!a.origin) a.origin = wire::Origin::igp;
    if (!a.as_path) a.as_path = wire::AsPath{};

    const bool v6 = family.afi == wire::Afi::ipv6;
    if (!a.next_hop || a.next_hop->afi() != family.afi) {
        const auto& self = v6 ? ctx.self_ipv6 : ctx.self_ipv4;
        if (!self) return std::nullopt;
        a.next_hop = *self;
    }

    if (ctx.ibgp) {
        if (!a.local_pref) a.local_pref = 100;
    } else {
        // RFC 4271 §5.1.2: prepend our AS towards an external peer; §5.1.5:
        // LOCAL_PREF is not sent to external peers.
        prepend(*a.as_path, ctx.local_as);
        a.local_pref.reset();
    }
    a.as4_path.reset();
    if (!ctx.four_octet_as && has_4_octet_asn(*a.as_path))
        a.as4_path = a.as_path;  // RFC 6793 §4.2.2
    return a;
}

std::vector<wire::Update> build_announcements(wire::Family family,
                                              const wire::PathAttributes& exported,
                                              std::span<const wire::Prefix> prefixes,
                                              const wire::CodecOptions& opts) {
    std::vector<wire::Update> out;
    if (prefixes.empty()) return out;
    const bool path_id = opts.add_path.contains(family);
    const auto make = [&](std::span<const wire::Prefix> part) {
        return make_update(family, exported, part, path_id);
    };
    std::size_t overhead = wire::header_size + 4 + 64;
    if (auto bare = wire::encode(wire::Message{make({})}, opts)) overhead = bare->size() + 8;
    const std::size_t budget = opts.max_size() > overhead ? opts.max_size() - overhead : 1;
    pack(prefixes, budget, path_id, opts, make, out);
    return out;
}

std::vector<wire::Update> build_withdrawals(wire::Family family,
                                            std::span<const wire::Prefix> prefixes,
                                            const wire::CodecOptions& opts) {
    std::vector<wire::Update> out;
    if (prefixes.empty()) return out;
    const bool path_id = opts.add_path.contains(family);
    const auto make = [&](std::span<const wire::Prefix> part) {
        return make_withdrawal(family, part, path_id);
    };
    const std::size_t overhead = wire::header_size + 4 + 16;
    pack(prefixes, opts.max_size() - overhead, path_id, opts, make, out);
    return out;
}

}  // namespace bgp::speaker_detail
