// RFC 6793 §4.2.3 reconciliation of AS_PATH / AS4_PATH and AGGREGATOR / AS4_AGGREGATOR.
#include "bgp/fsm/as4.hpp"

#include <algorithm>

namespace bgp::fsm {

namespace {

bool is_confed(wire::AsSegmentType t) {
    return t == wire::AsSegmentType::as_confed_sequence || t == wire::AsSegmentType::as_confed_set;
}

void append_segment(wire::AsPath& path, wire::AsSegment seg) {
    if (seg.asns.empty()) return;
    // Adjacent AS_SEQUENCEs merge (up to the 255-AS segment limit) so that the
    // result looks like the path the 4-octet speaker originally sent.
    if (seg.type == wire::AsSegmentType::as_sequence && !path.segments.empty()) {
        auto& last = path.segments.back();
        if (last.type == wire::AsSegmentType::as_sequence &&
            last.asns.size() + seg.asns.size() <= 255) {
            last.asns.insert(last.asns.end(), seg.asns.begin(), seg.asns.end());
            return;
        }
    }
    path.segments.push_back(std::move(seg));
}

}  // namespace

std::size_t as4_count(const wire::AsPath& path) {
    std::size_t n = 0;
    for (const auto& s : path.segments) {
        if (is_confed(s.type)) continue;
        n += s.type == wire::AsSegmentType::as_set ? 1 : s.asns.size();
    }
    return n;
}

wire::AsPath reconcile_as4_path(const wire::AsPath& as_path, const wire::AsPath& as4_path) {
    wire::AsPath as4;
    for (const auto& s : as4_path.segments)
        if (!is_confed(s.type)) as4.segments.push_back(s);
    const std::size_t n_path = as4_count(as_path);
    const std::size_t n_as4 = as4_count(as4);
    if (n_path < n_as4) return as_path;

    std::size_t take = n_path - n_as4;  // leading AS numbers kept from AS_PATH
    wire::AsPath out;
    for (const auto& s : as_path.segments) {
        if (is_confed(s.type)) {
            // Confederation segments are not counted and only ever lead the
            // path (RFC 5065 §6): they stay.
            out.segments.push_back(s);
            continue;
        }
        if (take == 0) break;
        if (s.type == wire::AsSegmentType::as_set) {
            append_segment(out, s);
            --take;
            continue;
        }
        const std::size_t k = std::min(take, s.asns.size());
        wire::AsSegment part{s.type, {s.asns.begin(), s.asns.begin() + static_cast<long>(k)}};
        append_segment(out, std::move(part));
        take -= k;
    }
    for (const auto& s : as4.segments) append_segment(out, s);
    return out;
}

void reconcile_as4(wire::PathAttributes& attrs) {
    const bool aggregator_real = attrs.aggregator && attrs.aggregator->asn != as_trans;
    if (aggregator_real) {
        // §4.2.3: AS4_AGGREGATOR and AS4_PATH are ignored.
    } else {
        if (attrs.aggregator && attrs.as4_aggregator) attrs.aggregator = *attrs.as4_aggregator;
        if (attrs.as_path && attrs.as4_path)
            attrs.as_path = reconcile_as4_path(*attrs.as_path, *attrs.as4_path);
    }
    attrs.erase(static_cast<std::uint8_t>(wire::AttrType::as4_path));
    attrs.erase(static_cast<std::uint8_t>(wire::AttrType::as4_aggregator));
}

void add_as4_attributes(wire::PathAttributes& attrs) {
    attrs.erase(static_cast<std::uint8_t>(wire::AttrType::as4_path));
    attrs.erase(static_cast<std::uint8_t>(wire::AttrType::as4_aggregator));
    if (attrs.as_path) {
        bool wide = false;
        for (const auto& s : attrs.as_path->segments)
            for (auto asn : s.asns) wide = wide || asn > 0xFFFF;
        if (wide) {
            wire::AsPath as4;
            for (const auto& s : attrs.as_path->segments)
                if (!is_confed(s.type)) as4.segments.push_back(s);
            if (!as4.segments.empty()) attrs.as4_path = std::move(as4);
        }
    }
    if (attrs.aggregator && attrs.aggregator->asn > 0xFFFF)
        attrs.as4_aggregator = *attrs.aggregator;
}

bool discard_as4_attributes(wire::PathAttributes& attrs) {
    const bool had = attrs.as4_path.has_value() || attrs.as4_aggregator.has_value();
    attrs.erase(static_cast<std::uint8_t>(wire::AttrType::as4_path));
    attrs.erase(static_cast<std::uint8_t>(wire::AttrType::as4_aggregator));
    return had;
}

}  // namespace bgp::fsm
