// Rib<F> against a plain model (libbgp/src/rib/rib.cpp): random announce,
// withdraw, stale marking, sweeping, peer removal and re-import, then every
// prefix's paths, best path and reason compared with the model ranked by
// bgp::rib::rank, and every attribute reference accounted for.
#include <map>
#include <random>
#include <set>
#include <tuple>

#include <catch2/catch_test_macros.hpp>

#include "rib_test_support.hpp"

using namespace bgp;
using namespace bgp::rib;
using namespace bgp::rib::test;

namespace {

struct ModelPath {
    AttrId in = no_attrs;
    AttrId out = no_attrs;
    bool stale = false;
};

using PathKey = std::pair<PeerId, std::uint32_t>;  // peer, path id

}  // namespace

TEST_CASE("Rib matches a model under random operations", "[rib][model]") {
    for (std::uint32_t seed : {1u, 2u, 3u, 4u}) {
        INFO("seed " << seed);
        std::mt19937 rng(seed);
        auto pick = [&](std::size_t n) {
            return static_cast<std::size_t>(rng() % static_cast<std::uint32_t>(n));
        };
        AttrStore store;
        RibConfig cfg = local_config();
        cfg.decision.deterministic_med = seed % 2 == 0;
        cfg.decision.max_paths = 4;
        Rib<Ipv4> rib(store, cfg);

        // A small universe so that paths collide: 6 peers, 12 prefixes,
        // 16 attribute sets, path ids 0-2.
        std::vector<PeerInfo> infos;
        std::vector<PeerId> peers;
        for (std::uint32_t i = 0; i < 6; ++i) {
            PeerInfo p =
                i < 3 ? ebgp(("10.0.0." + std::to_string(i + 1)).c_str(), 65001 + i % 2, 100 - i)
                      : ibgp(("10.0.1." + std::to_string(i + 1)).c_str(), 200 - i);
            infos.push_back(p);
            peers.push_back(rib.add_peer(p));
        }
        std::vector<AttrRef> sets;
        for (std::uint32_t j = 0; j < 16; ++j) {
            auto a = attrs({65001 + j % 2, 65100 + j % 3});
            if (j % 3 == 0) a.as_path->segments[0].asns.push_back(65200);
            if (j % 4 == 1) a.med = j;
            if (j % 5 == 2) a.local_pref = 150;
            if (j % 7 == 3) a.origin = wire::Origin::incomplete;
            if (j == 15) a.as_path->segments[0].asns.push_back(65000);  // an AS loop
            sets.push_back(intern(store, a));
        }
        std::vector<wire::Prefix> prefixes;
        for (std::uint32_t k = 0; k < 12; ++k)
            prefixes.emplace_back(wire::IpAddress::v4(0xCB000000u + (k << 8)), 24);

        std::map<std::size_t, std::map<PathKey, ModelPath>> model;  // prefix index ->
        std::set<PeerId> live(peers.begin(), peers.end());

        for (int step = 0; step < 3000; ++step) {
            const std::size_t op = pick(100);
            if (op < 60) {
                const PeerId p = peers[pick(peers.size())];
                if (!live.count(p)) continue;
                const std::size_t k = pick(prefixes.size());
                const auto pid = static_cast<std::uint32_t>(pick(3));
                const AttrId in = sets[pick(sets.size())].id();
                const AttrId out =
                    pick(10) == 0 ? no_attrs : (pick(4) == 0 ? sets[pick(sets.size())].id() : in);
                rib.announce(p, prefixes[k], pid, in, out);
                // The loop set never becomes a candidate.
                const bool loop = in == sets[15].id();
                model[k][{p, pid}] = ModelPath{in, loop ? no_attrs : out, false};
            } else if (op < 85) {
                const PeerId p = peers[pick(peers.size())];
                if (!live.count(p)) continue;
                const std::size_t k = pick(prefixes.size());
                const auto pid = static_cast<std::uint32_t>(pick(3));
                rib.withdraw(p, prefixes[k], pid);
                model[k].erase({p, pid});
            } else if (op < 90) {
                const PeerId p = peers[pick(peers.size())];
                if (!live.count(p)) continue;
                rib.mark_stale(p);
                for (auto& [k, paths] : model)
                    for (auto& [key, mp] : paths)
                        if (key.first == p) mp.stale = true;
            } else if (op < 95) {
                const PeerId p = peers[pick(peers.size())];
                if (!live.count(p)) continue;
                rib.sweep_stale(p);
                for (auto& [k, paths] : model)
                    std::erase_if(paths, [&](const auto& kv) {
                        return kv.first.first == p && kv.second.stale;
                    });
            } else if (op < 97) {
                // Peer down and back up.
                const std::size_t i = pick(peers.size());
                if (!live.count(peers[i])) continue;
                rib.remove_peer(peers[i]);
                for (auto& [k, paths] : model)
                    std::erase_if(paths,
                                  [&](const auto& kv) { return kv.first.first == peers[i]; });
                live.erase(peers[i]);
                peers[i] = rib.add_peer(infos[i]);
                live.insert(peers[i]);
            } else {
                // Re-import: a policy that rejects every third attribute set.
                const PeerId p = peers[pick(peers.size())];
                if (!live.count(p)) continue;
                rib.reimport(p, [&](const wire::Prefix&, AttrId in) {
                    if (in % 3 == 0) return AttrRef{};
                    store.ref(in);
                    return AttrRef(store, in);
                });
                for (auto& [k, paths] : model)
                    for (auto& [key, mp] : paths)
                        if (key.first == p)
                            mp.out = (mp.in % 3 == 0 || mp.in == sets[15].id()) ? no_attrs : mp.in;
            }

            if (step % 50 != 49) continue;
            // Compare every prefix with the model.
            std::size_t total = 0;
            for (std::size_t k = 0; k < prefixes.size(); ++k) {
                const auto& paths = model[k];
                total += paths.size();
                const auto got = rib.paths(prefixes[k]);
                REQUIRE(got.size() == paths.size());
                std::vector<Candidate> cands;
                std::vector<PathKey> keys;
                for (const auto& [key, mp] : paths) {
                    const auto r = rib.adj_rib_in(key.first, prefixes[k], key.second);
                    REQUIRE(r);
                    CHECK(r->attrs_in == mp.in);
                    CHECK(r->attrs == mp.out);
                    CHECK(r->stale == mp.stale);
                    if (mp.out == no_attrs) continue;
                    Candidate c;
                    c.attrs = &store.get(mp.out);
                    c.peer = &rib.peer(key.first);
                    c.path_id = key.second;
                    c.stale = mp.stale;
                    c.internal = c.peer->asn == cfg.local_as;
                    cands.push_back(c);
                    keys.push_back(key);
                }
                const auto best = rib.best(prefixes[k]);
                if (cands.empty()) {
                    CHECK_FALSE(best);
                    continue;
                }
                const auto ranking = rank(cands, cfg.decision, cfg.default_local_pref);
                REQUIRE(best);
                CHECK(best->peer == keys[ranking.order[0]].first);
                CHECK(best->path_id == keys[ranking.order[0]].second);
                CHECK(best->reason == ranking.reason);
                // Ranked order of the candidates, then the ineligible ones.
                for (std::size_t i = 0; i < ranking.order.size(); ++i) {
                    CHECK(got[i].peer == keys[ranking.order[i]].first);
                    CHECK(got[i].path_id == keys[ranking.order[i]].second);
                    CHECK(got[i].multipath == (i < ranking.multipath));
                }
                for (std::size_t i = ranking.order.size(); i < got.size(); ++i)
                    CHECK(got[i].ineligible != Ineligible::none);
            }
            CHECK(rib.path_count() == total);
            // References: ours (1 per set) plus one per in and one per out.
            std::map<AttrId, std::uint32_t> expected;
            for (const auto& s : sets) ++expected[s.id()];  // some sets are equal
            for (const auto& [k, paths] : model)
                for (const auto& [key, mp] : paths) {
                    ++expected[mp.in];
                    if (mp.out != no_attrs) ++expected[mp.out];
                }
            for (const auto& [id, n] : expected) CHECK(store.get(id).refs == n);
        }
        for (PeerId p : live) rib.remove_peer(p);
        CHECK(rib.prefix_count() == 0);
        std::set<AttrId> distinct;
        for (const auto& s : sets) distinct.insert(s.id());
        CHECK(store.size() == distinct.size());
    }
}
