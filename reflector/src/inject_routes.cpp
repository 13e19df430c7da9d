// `inject`: the routes of an MRT file (TABLE_DUMP, TABLE_DUMP_V2, BGP4MP
// UPDATEs; RFC 6396 §4.2-§4.4), one per prefix, as bgp::Route values to
// announce. See inject.hpp for the rules.
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "bgp/fsm/as4.hpp"
#include "bgp/mrt/reader.hpp"
#include "bgp/wire/message.hpp"
#include "inject.hpp"

namespace bgp::reflector {

namespace {

using wire::AttrType;

class TableBuilder {
  public:
    TableBuilder(const InjectOptions& o, InjectTable& t) : o_(o), t_(t) {}

    bool family_wanted(const wire::Prefix& p) const {
        if (o_.families.empty()) return true;
        const wire::Family f = p.afi() == wire::Afi::ipv4 ? wire::ipv4_unicast : wire::ipv6_unicast;
        return std::find(o_.families.begin(), o_.families.end(), f) != o_.families.end();
    }
    bool peer_wanted(const wire::IpAddress& peer) const {
        return !o_.peer_address || *o_.peer_address == peer;
    }

    // A route of a table dump: only the first usable one of its prefix counts.
    void rib(const wire::Prefix& p, const wire::PathAttributes& a, bool four_octet_as) {
        if (from_rib_.contains(p)) return;
        if (set(p, a, four_octet_as)) from_rib_.insert(p);
    }
    // A route of an UPDATE: replaces what the prefix had.
    void announce(const wire::Prefix& p, const wire::PathAttributes& a, bool four_octet_as) {
        (void)set(p, a, four_octet_as);
    }
    void withdraw(const wire::Prefix& p) {
        const auto it = index_.find(p);
        if (it == index_.end() || !present_[it->second]) return;
        present_[it->second] = false;
        --live_;
        ++t_.withdrawn;
    }

    void finish() {
        std::vector<Route> out;
        out.reserve(routes_.size());
        for (std::size_t i = 0; i < routes_.size(); ++i)
            if (present_[i]) out.push_back(std::move(routes_[i]));
        t_.routes = std::move(out);
    }

  private:
    bool set(const wire::Prefix& p, const wire::PathAttributes& a, bool four_octet_as) {
        auto attrs = route_attributes(p, a, four_octet_as);
        if (!attrs) {
            ++t_.unusable;
            return false;
        }
        const auto it = index_.find(p);
        if (it != index_.end()) {
            if (!present_[it->second]) {
                if (o_.limit && live_ >= *o_.limit) {
                    ++t_.filtered;
                    return false;
                }
                ++live_;
            }
            routes_[it->second].attributes = std::move(*attrs);
            present_[it->second] = true;
            return true;
        }
        if (o_.limit && live_ >= *o_.limit) {
            ++t_.filtered;
            return false;
        }
        index_.emplace(p, routes_.size());
        routes_.push_back(Route{p, std::move(*attrs)});
        present_.push_back(true);
        ++live_;
        return true;
    }

    // What bgp::Speaker::announce takes (see inject.hpp): the next hop in
    // `next_hop`, AS4_* merged, the collector peer's reflection attributes gone.
    std::optional<wire::PathAttributes> route_attributes(const wire::Prefix& p,
                                                         wire::PathAttributes a,
                                                         bool four_octet_as) const {
        std::optional<wire::IpAddress> nh;
        if (a.mp_reach && !a.mp_reach->next_hops.empty()) nh = a.mp_reach->next_hops.front();
        if (a.next_hop && (p.afi() == wire::Afi::ipv4 || !nh)) nh = a.next_hop;
        // RFC 6793 §4.2.3 for what a 2-octet AS speaker recorded; AS4_* are
        // never sent between 4-octet speakers (§3).
        if (!four_octet_as && (a.as4_path || a.as4_aggregator)) fsm::reconcile_as4(a);
        for (const auto t : {AttrType::mp_reach_nlri, AttrType::mp_unreach_nlri, AttrType::next_hop,
                             AttrType::originator_id, AttrType::cluster_list, AttrType::as4_path,
                             AttrType::as4_aggregator})
            a.erase(static_cast<std::uint8_t>(t));
        a.layout.clear();
        if (!o_.next_hop_self) {
            if (!nh || nh->afi() != p.afi() || nh->is_unspecified()) return std::nullopt;
            a.next_hop = nh;
        }
        return a;
    }

    const InjectOptions& o_;
    InjectTable& t_;
    std::vector<Route> routes_;
    std::vector<bool> present_;
    std::size_t live_ = 0;
    std::map<wire::Prefix, std::size_t> index_;
    std::set<wire::Prefix> from_rib_;
};

void replay_update(const mrt::BgpMessage& m, TableBuilder& b, InjectTable& t) {
    if (m.local || m.message.size() <= wire::header_size || m.message[18] != 2) return;
    if (!b.peer_wanted(m.peer_address)) {
        ++t.filtered;
        return;
    }
    const auto msg = wire::decode_message(m.message, m.codec_options());
    if (!msg) {
        ++t.unusable;
        return;
    }
    const auto* u = std::get_if<wire::Update>(&*msg);
    if (!u) return;
    ++t.updates;
    std::vector<wire::Prefix> gone;
    std::vector<wire::Prefix> reach;
    for (const auto& n : u->withdrawn) gone.push_back(n.prefix);
    if (u->attributes.mp_unreach)
        for (const auto& n : u->attributes.mp_unreach->nlri) gone.push_back(n.prefix);
    for (const auto& n : u->nlri) reach.push_back(n.prefix);
    if (u->attributes.mp_reach)
        for (const auto& n : u->attributes.mp_reach->nlri) reach.push_back(n.prefix);
    if (u->treat_as_withdraw) {
        gone.insert(gone.end(), reach.begin(), reach.end());
        reach.clear();
    }
    for (const auto& p : gone)
        if (b.family_wanted(p)) b.withdraw(p);
    for (const auto& p : reach) {
        if (!b.family_wanted(p)) {
            ++t.filtered;
            continue;
        }
        b.announce(p, u->attributes, m.as4);
    }
}

}  // namespace

InjectTable load_inject_table(std::span<const std::uint8_t> data, const InjectOptions& options) {
    InjectTable t;
    TableBuilder b(options, t);
    mrt::Reader reader(data);
    while (auto rec = reader.next()) {
        ++t.records;
        if (rec->error) ++t.damaged;
        if (const auto* rib = std::get_if<mrt::RibRecord>(&rec->body)) {
            for (const auto& e : rib->entries) {
                ++t.rib_entries;
                const bool v2 = rec->type == mrt::type::table_dump_v2;
                if (e.family.safi != wire::Safi::unicast || !b.family_wanted(e.prefix) ||
                    !b.peer_wanted(e.peer.address) ||
                    (v2 && options.peer_index && e.peer_index != *options.peer_index)) {
                    ++t.filtered;
                    continue;
                }
                b.rib(e.prefix, e.attributes, v2);
            }
        } else if (const auto* m = std::get_if<mrt::BgpMessage>(&rec->body)) {
            replay_update(*m, b, t);
        }
    }
    b.finish();
    return t;
}

}  // namespace bgp::reflector
