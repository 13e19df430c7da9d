// Update groups (libbgp/src/rib/update_group.cpp): the encoded UPDATEs of a
// group say what a per-peer AdjRibOut says for the same syncs, packed the same
// way; take_encoded() paces without losing or repeating a change; a joining
// member's snapshot plus the group's later output leave it with exactly the
// group's routes, changes during the snapshot included; one buffer per UPDATE
// for every member.
#include <map>
#include <set>

#include <catch2/catch_test_macros.hpp>

#include "bgp/rib/adj_rib_out.hpp"
#include "bgp/rib/update_group.hpp"
#include "rib_test_support.hpp"

using namespace bgp;
using namespace bgp::rib;
using namespace bgp::rib::test;

namespace {

Advertisement ad(const wire::PathAttributes& a, std::uint32_t tx = 1) {
    Advertisement x;
    x.route.tx_path_id = tx;
    x.attrs = a;
    return x;
}

wire::Prefix v4(std::uint32_t i) {
    return wire::Prefix(wire::IpAddress::v4(0x20000000u + (i << 8)), 24);
}

wire::Prefix v6(std::uint32_t i) {
    std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
    b[4] = static_cast<std::uint8_t>(i >> 8);
    b[5] = static_cast<std::uint8_t>(i);
    return wire::Prefix(wire::IpAddress::v6_bytes(b.data()), 48);
}

wire::PathAttributes v6_attrs(std::uint32_t asn) {
    wire::PathAttributes a;
    a.origin = wire::Origin::igp;
    a.as_path = seq({65000, asn});
    a.local_pref = 100;
    wire::MpReach mp;
    mp.family = wire::ipv6_unicast;
    mp.next_hops = {ip("2001:db8::1")};
    a.mp_reach = mp;
    return a;
}

wire::PathAttributes ibgp_attrs(std::uint32_t asn) {
    auto a = attrs({65000, asn}, "10.0.0.1");
    a.local_pref = 100;
    return a;
}

wire::CodecOptions ibgp_opts(bool add_path = false, bool extended = false) {
    wire::CodecOptions o;
    o.ibgp = true;
    o.extended_message = extended;
    if (add_path) {
        o.add_path.insert(wire::ipv4_unicast);
        o.add_path.insert(wire::ipv6_unicast);
    }
    return o;
}

// A member as the peer sees it: the routes it holds, from decoded UPDATEs.
struct Receiver {
    std::map<std::pair<wire::Prefix, std::uint32_t>, wire::PathAttributes> routes;
    std::size_t messages = 0;
    std::size_t announced = 0;
    std::size_t withdrawn = 0;
    std::size_t redundant = 0;  // an announcement of what it has, a withdrawal of what it has not

    void apply(const wire::Update& u) {
        ++messages;
        auto attrs = u.attributes;
        attrs.mp_unreach.reset();
        attrs.layout.clear();  // wire flags: extended length depends on the NLRI count
        std::vector<wire::Nlri> nlri = u.nlri;
        if (attrs.mp_reach) {
            nlri.insert(nlri.end(), attrs.mp_reach->nlri.begin(), attrs.mp_reach->nlri.end());
            attrs.mp_reach->nlri.clear();
        }
        std::vector<wire::Nlri> gone = u.withdrawn;
        if (u.attributes.mp_unreach)
            gone.insert(gone.end(), u.attributes.mp_unreach->nlri.begin(),
                        u.attributes.mp_unreach->nlri.end());
        for (const auto& n : gone) {
            ++withdrawn;
            if (routes.erase({n.prefix, n.path_id.value_or(0)}) == 0) ++redundant;
        }
        for (const auto& n : nlri) {
            ++announced;
            auto& slot = routes[{n.prefix, n.path_id.value_or(0)}];
            if (slot == attrs) ++redundant;
            slot = attrs;
        }
    }
    void apply(std::span<const std::uint8_t> bytes, const wire::CodecOptions& o) {
        CHECK(bytes.size() <= o.max_size());
        auto m = wire::decode_message(bytes, o);
        REQUIRE(m);
        REQUIRE(std::holds_alternative<wire::Update>(*m));
        apply(std::get<wire::Update>(*m));
    }
    void apply(const std::vector<Bytes>& batch, const wire::CodecOptions& o) {
        for (const auto& b : batch) {
            REQUIRE(b);
            apply(*b, o);
        }
    }
};

// A peer fed by a per-peer AdjRibOut, for comparison.
template <class F>
void flush(AdjRibOut<F>& out, Receiver& r, const wire::CodecOptions& o) {
    for (const auto& u : out.take_updates(o)) {
        auto bytes = wire::encode(wire::Message{u}, o);
        REQUIRE(bytes);
        r.apply(*bytes, o);
    }
}

template <class F>
void flush(UpdateGroup<F>& g, Receiver& r, const wire::CodecOptions& o) {
    r.apply(g.take_encoded(std::size_t{1} << 30), o);
}

void same(const Receiver& group, const Receiver& per_peer) {
    CHECK(group.routes == per_peer.routes);
    CHECK(group.messages == per_peer.messages);
    CHECK(group.announced == per_peer.announced);
    CHECK(group.withdrawn == per_peer.withdrawn);
    CHECK(group.redundant == 0);
}

}  // namespace

TEST_CASE("UpdateGroup: the same UPDATEs as a per-peer AdjRibOut (IPv4)", "[rib][update_group]") {
    for (const bool extended : {false, true}) {
        const auto o = ibgp_opts(false, extended);
        AttrStore store;
        UpdateGroup<Ipv4> g(store, false, o);
        AdjRibOut<Ipv4> out(store, false);
        Receiver rg, ro;
        const Advertisement a[] = {ad(ibgp_attrs(65001))};
        const Advertisement b[] = {ad(ibgp_attrs(65002))};
        const Advertisement c[] = {ad(ibgp_attrs(65003))};
        auto both = [&](const wire::Prefix& p, std::span<const Advertisement> ads) {
            g.sync(p, ads);
            out.sync(p, ads);
        };
        // Announce: 2,500 prefixes with a, 500 with b (about 1,000 /24 per 4096 octets).
        for (std::uint32_t i = 0; i < 3000; ++i) both(v4(i), i < 2500 ? a : b);
        CHECK(g.pending() == 3000);
        flush(g, rg, o);
        flush(out, ro, o);
        same(rg, ro);
        CHECK(rg.messages == (extended ? 2u : 4u));
        CHECK(rg.routes.size() == 3000);
        CHECK(g.size() == 3000);
        CHECK(g.pending() == 0);
        CHECK(g.advertised(v4(0)) == out.advertised(v4(0)));
        CHECK(g.advertised(v4(2999)) == out.advertised(v4(2999)));
        // Unchanged: nothing queued. Changed, withdrawn, announced then withdrawn.
        both(v4(1), a);
        CHECK(g.pending() == 0);
        for (std::uint32_t i = 0; i < 1000; ++i) both(v4(i), c);
        for (std::uint32_t i = 2000; i < 3000; ++i) both(v4(i), {});
        both(v4(5000), a);
        both(v4(5000), {});
        both(v4(7), a);  // queued twice: the last state counts
        both(v4(7), c);
        flush(g, rg, o);
        flush(out, ro, o);
        same(rg, ro);
        CHECK(rg.routes.size() == 2000);
        CHECK(g.size() == out.size());
        CHECK_FALSE(g.advertised(v4(5000)));
        CHECK_FALSE(g.advertised(v4(2500)));
        // Nothing more to send.
        CHECK(g.take_encoded(4096).empty());
    }
}

TEST_CASE("UpdateGroup: IPv6 in MP_REACH / MP_UNREACH as AdjRibOut", "[rib][update_group]") {
    wire::CodecOptions o;
    o.ibgp = true;
    AttrStore store;
    UpdateGroup<Ipv6> g(store, false, o);
    AdjRibOut<Ipv6> out(store, false);
    Receiver rg, ro;
    const Advertisement a[] = {ad(v6_attrs(65001))};
    const Advertisement b[] = {ad(v6_attrs(65002))};
    for (std::uint32_t i = 0; i < 1200; ++i) {
        g.sync(v6(i), i % 3 ? a : b);
        out.sync(v6(i), i % 3 ? a : b);
    }
    g.sync(v4(1), a);  // another family: ignored
    flush(g, rg, o);
    flush(out, ro, o);
    same(rg, ro);
    CHECK(rg.routes.size() == 1200);
    CHECK(rg.routes.begin()->second.mp_reach->next_hops.front() == ip("2001:db8::1"));
    for (std::uint32_t i = 0; i < 600; ++i) {
        g.sync(v6(i), {});
        out.sync(v6(i), {});
    }
    flush(g, rg, o);
    flush(out, ro, o);
    same(rg, ro);
    CHECK(rg.routes.size() == 600);
    CHECK(rg.withdrawn == 600);
}

TEST_CASE("UpdateGroup: ADD-PATH ids as AdjRibOut", "[rib][update_group][add_path]") {
    const auto o = ibgp_opts(true);
    AttrStore store;
    UpdateGroup<Ipv4> g(store, true, ibgp_opts());  // the group adds the family itself
    AdjRibOut<Ipv4> out(store, true);
    Receiver rg, ro;
    const Advertisement two[] = {ad(ibgp_attrs(65001), 1), ad(ibgp_attrs(65002), 2)};
    const Advertisement one[] = {ad(ibgp_attrs(65002), 2)};
    const Advertisement moved[] = {ad(ibgp_attrs(65003), 2), ad(ibgp_attrs(65001), 3)};
    for (std::uint32_t i = 0; i < 2000; ++i) {
        g.sync(v4(i), two);
        out.sync(v4(i), two);
    }
    flush(g, rg, o);
    flush(out, ro, o);
    same(rg, ro);
    CHECK(rg.routes.size() == 4000);
    CHECK(g.size() == 4000);
    CHECK(g.pending() == 0);
    for (std::uint32_t i = 0; i < 2000; ++i) {
        const auto ads = i % 2 ? std::span<const Advertisement>(one) : moved;
        g.sync(v4(i), ads);
        out.sync(v4(i), ads);
    }
    CHECK(g.pending() == 2000);
    flush(g, rg, o);
    flush(out, ro, o);
    same(rg, ro);
    CHECK(rg.withdrawn == 2000);  // path 1 of every prefix, singly
    CHECK(g.advertised(v4(1), 2));
    CHECK_FALSE(g.advertised(v4(1), 1));
    CHECK(g.advertised(v4(0), 3));
    CHECK(g.size() == out.size());
}

TEST_CASE("UpdateGroup: take_encoded paces, nothing lost or repeated", "[rib][update_group]") {
    const auto o = ibgp_opts();
    AttrStore store;
    UpdateGroup<Ipv4> g(store, false, o);
    std::vector<Advertisement> sets;
    for (std::uint32_t j = 0; j < 50; ++j) sets.push_back(ad(ibgp_attrs(66000 + j)));
    std::map<wire::Prefix, std::optional<std::uint32_t>> want;  // the set index, none: withdrawn
    auto set = [&](std::uint32_t i, std::optional<std::uint32_t> j) {
        const auto p = v4(i);
        if (j)
            g.sync(p, std::span<const Advertisement>(&sets[*j], 1));
        else
            g.sync(p, {});
        want[p] = j;
    };
    for (std::uint32_t i = 0; i < 20000; ++i) set(i, i % 50);
    Receiver r;
    constexpr std::size_t budget = 10000;
    std::size_t calls = 0;
    while (g.pending() != 0 && calls < 1000) {
        const auto batch = g.take_encoded(budget);
        REQUIRE_FALSE(batch.empty());
        std::size_t octets = 0;
        for (const auto& b : batch) octets += b->size();
        CHECK((octets <= budget || batch.size() == 1));
        r.apply(batch, o);
        ++calls;
    }
    CHECK(calls > 5);
    CHECK(r.announced == 20000);  // each route once
    CHECK(r.routes.size() == 20000);
    CHECK(r.redundant == 0);

    // Changes while the queue drains: the ones not yet taken coalesce.
    for (std::uint32_t i = 0; i < 20000; i += 2) set(i, (i + 7) % 50);
    calls = 0;
    for (std::uint32_t round = 0; g.pending() != 0 && calls < 1000; ++round, ++calls) {
        r.apply(g.take_encoded(budget), o);
        if (round < 10)
            for (std::uint32_t i = round; i < 20000; i += 97)
                set(i, round % 3 == 0 ? std::nullopt : std::optional<std::uint32_t>(round + 20));
    }
    CHECK(g.pending() == 0);
    CHECK(r.redundant == 0);
    CHECK(g.take_encoded(budget).empty());
    // The member has exactly the wanted state.
    std::size_t present = 0;
    for (const auto& [p, j] : want) {
        const auto it = r.routes.find({p, 0});
        if (!j) {
            CHECK(it == r.routes.end());
            continue;
        }
        ++present;
        REQUIRE(it != r.routes.end());
        CHECK(it->second.as_path == seq({65000, 66000 + *j}));
        CHECK(g.advertised(p));
    }
    CHECK(r.routes.size() == present);
    CHECK(g.size() == present);
}

TEST_CASE("UpdateGroup: a joining member's snapshot with changes during it",
          "[rib][update_group][snapshot]") {
    for (const bool add_path : {false, true}) {
        const auto o = ibgp_opts(add_path);
        AttrStore store;
        UpdateGroup<Ipv4> g(store, add_path, o);
        constexpr std::uint32_t n = 6000;
        // Every change uses a fresh attribute set, so a repeated route shows.
        std::uint32_t fresh = 70000;
        auto announce = [&](std::uint32_t i) {
            std::vector<Advertisement> ads{ad(ibgp_attrs(fresh++), 1)};
            if (add_path && i % 4 == 0) ads.push_back(ad(ibgp_attrs(fresh++), 2));
            g.sync(v4(i), ads);
        };
        Receiver old_member, joining;
        const auto drain = [&] {
            for (int k = 0; g.pending() != 0 && k < 1000; ++k)
                old_member.apply(g.take_encoded(1u << 16), o);
        };
        // Advertised, withdrawn, advertised again: the slots are reused out of order.
        for (std::uint32_t i = 0; i < n; i += 2) announce(i);
        drain();
        for (std::uint32_t i = 0; i < n; i += 3) g.sync(v4(i), {});
        drain();
        for (std::uint32_t i = 0; i < n; ++i) announce(i);
        drain();
        REQUIRE(old_member.routes.size() == g.size());

        // Some changes queued before the join, not taken yet.
        for (std::uint32_t i = 0; i < n; i += 101) announce(i);
        auto snap = g.begin_snapshot();
        CHECK_FALSE(g.snapshot_done(snap));
        std::uint32_t round = 0;
        for (; !g.snapshot_done(snap) && round < 1000; ++round) {
            const auto part = g.snapshot_next(snap, 3000);
            joining.apply(part, o);
            // Changes behind and ahead of the cursor: attributes, withdrawals,
            // new prefixes (in reused slots and at the end).
            for (std::uint32_t i = round * 7; i < n; i += 613) announce(i);
            for (std::uint32_t i = round * 11 + 3; i < n; i += 997) g.sync(v4(i), {});
            announce(n + round);
            if (round % 3 == 0) old_member.apply(g.take_encoded(4096), o);
        }
        CHECK(round > 5);
        CHECK(g.snapshot_next(snap, 3000).empty());
        // A full member from now on: every batch goes to both.
        for (std::uint32_t i = 1; i < n; i += 211) announce(i);
        for (std::uint32_t k = 0; g.pending() != 0 && k < 1000; ++k) {
            const auto batch = g.take_encoded(4096);
            old_member.apply(batch, o);
            joining.apply(batch, o);
        }
        CHECK(joining.routes == old_member.routes);
        CHECK(joining.routes.size() == g.size());
        CHECK(joining.redundant == 0);  // nothing applied twice, no stray withdrawal
        CHECK(old_member.redundant == 0);
    }
}

TEST_CASE("UpdateGroup: snapshot of an empty group, dropped snapshots",
          "[rib][update_group][snapshot]") {
    AttrStore store;
    UpdateGroup<Ipv4> g(store, false, ibgp_opts());
    auto s = g.begin_snapshot();
    CHECK(g.snapshot_done(s));
    CHECK(g.snapshot_next(s, 4096).empty());
    const Advertisement a[] = {ad(ibgp_attrs(65001))};
    g.sync(v4(1), a);
    {
        auto dropped = g.begin_snapshot();  // the member went away before reading it
    }
    (void)g.take_encoded(4096);
    CHECK_FALSE(g.snapshot_done(s));  // slot 0 now holds a route the cursor has not read
    Receiver r;
    r.apply(g.snapshot_next(s, 4096), ibgp_opts());
    CHECK(r.routes.size() == 1);
    CHECK(g.snapshot_done(s));
    CHECK(g.memory_bytes() > 0);
}

TEST_CASE("UpdateGroup: one encoding shared by every member", "[rib][update_group]") {
    const auto o = ibgp_opts();
    AttrStore store;
    UpdateGroup<Ipv4> g(store, false, o);
    std::vector<std::unique_ptr<AdjRibOut<Ipv4>>> per_peer;
    constexpr std::size_t members = 4;
    for (std::size_t m = 0; m < members; ++m)
        per_peer.push_back(std::make_unique<AdjRibOut<Ipv4>>(store, false));
    std::vector<Advertisement> sets;
    for (std::uint32_t j = 0; j < 20; ++j) sets.push_back(ad(ibgp_attrs(66000 + j)));
    for (std::uint32_t i = 0; i < 10000; ++i) {
        const std::span<const Advertisement> one(&sets[i % 20], 1);
        g.sync(v4(i), one);
        for (auto& out : per_peer) out->sync(v4(i), one);
    }
    // The speaker's loop: one take_encoded per round, every member's write
    // queue gets the same buffers.
    std::vector<std::vector<Bytes>> queues(members);
    std::size_t messages = 0;
    for (std::size_t k = 0; g.pending() != 0 && k < 100; ++k) {
        const auto batch = g.take_encoded(16384);
        messages += batch.size();
        for (auto& q : queues) q.insert(q.end(), batch.begin(), batch.end());
    }
    REQUIRE(messages > 1);
    std::set<const std::vector<std::uint8_t>*> buffers;
    std::size_t shared_octets = 0;
    for (std::size_t i = 0; i < messages; ++i) {
        for (std::size_t m = 0; m < members; ++m) {
            REQUIRE(queues[m].size() == messages);
            CHECK(queues[m][i] == queues[0][i]);  // the same buffer, not a copy
            buffers.insert(queues[m][i].get());
        }
        CHECK(queues[0][i].use_count() == static_cast<long>(members));  // the group keeps none
        shared_octets += queues[0][i]->size();
    }
    CHECK(buffers.size() == messages);
    // Per peer: each AdjRibOut's UPDATEs encoded for each peer.
    std::size_t per_peer_octets = 0;
    Receiver via_group, via_peer;
    via_group.apply(queues[0], o);
    for (std::size_t m = 0; m < members; ++m)
        for (const auto& u : per_peer[m]->take_updates(o)) {
            auto bytes = wire::encode(wire::Message{u}, o);
            REQUIRE(bytes);
            per_peer_octets += bytes->size();
            if (m == 0) via_peer.apply(*bytes, o);
        }
    CHECK(via_group.routes == via_peer.routes);
    CHECK(per_peer_octets == members * shared_octets);
    // One Adj-RIB-Out for the group, one per peer otherwise (the drained queue
    // gave its memory back).
    std::size_t per_peer_bytes = 0;
    for (const auto& out : per_peer) per_peer_bytes += out->memory_bytes();
    CHECK(g.memory_bytes() <= per_peer[0]->memory_bytes());
    CHECK(per_peer_bytes >= members * g.memory_bytes());
}

TEST_CASE("UpdateGroup: a route moved ahead of the snapshot cursor is sent once",
          "[rib][update_group][snapshot]") {
    const auto o = ibgp_opts();
    AttrStore store;
    UpdateGroup<Ipv4> g(store, false, o);
    auto announce = [&](std::uint32_t i, std::uint32_t asn) {
        const Advertisement a[] = {ad(ibgp_attrs(asn))};
        g.sync(v4(i), a);
    };
    for (std::uint32_t i = 0; i < 10; ++i) announce(i, 65100 + i);  // slots 0-9
    (void)g.take_encoded(1u << 16);
    auto s = g.begin_snapshot();
    Receiver joining;
    joining.apply(g.snapshot_next(s, 300), o);  // about 68 octets a route: slots 0-4
    REQUIRE(joining.routes.size() == 5);
    // Route 1 (read) is withdrawn, then route 8 (not read): slot 8 is reused first,
    // so route 1 comes back in slot 8, ahead of the cursor.
    g.sync(v4(1), {});
    (void)g.take_encoded(1u << 16);
    g.sync(v4(8), {});
    (void)g.take_encoded(1u << 16);
    announce(1, 65200);
    (void)g.take_encoded(1u << 16);
    for (int k = 0; !g.snapshot_done(s) && k < 100; ++k) joining.apply(g.snapshot_next(s, 300), o);
    CHECK(g.snapshot_done(s));
    CHECK(joining.routes.size() == 9);
    CHECK(joining.redundant == 0);
    CHECK(joining.routes.count({v4(8), 0}) == 0);
    CHECK(joining.routes.at({v4(1), 0}).as_path == seq({65000, 65200}));
}

TEST_CASE("UpdateGroup: IPv6 snapshot equals what the members got",
          "[rib][update_group][snapshot]") {
    wire::CodecOptions o;
    o.ibgp = true;
    AttrStore store;
    UpdateGroup<Ipv6> g(store, false, o);
    const Advertisement a[] = {ad(v6_attrs(65001))};
    const Advertisement b[] = {ad(v6_attrs(65002))};
    for (std::uint32_t i = 0; i < 3000; ++i) g.sync(v6(i), i % 7 ? a : b);
    Receiver member, joining;
    for (int k = 0; g.pending() != 0 && k < 100; ++k) member.apply(g.take_encoded(8192), o);
    auto s = g.begin_snapshot();
    for (int k = 0; !g.snapshot_done(s) && k < 100; ++k) {
        const auto part = g.snapshot_next(s, 4096);
        CHECK_FALSE(part.empty());
        joining.apply(part, o);
    }
    CHECK(joining.routes == member.routes);
    CHECK(joining.routes.size() == 3000);
    CHECK(joining.messages < 3000 / 100);  // packed by attribute set, not one per route
}
