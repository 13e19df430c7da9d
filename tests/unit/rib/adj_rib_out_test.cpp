// Adj-RIB-Out and UPDATE packing (libbgp/src/rib/adj_rib_out.cpp): no
// duplicate sends, withdrawals only of what was sent, NLRI packed by attribute
// set within the message size, IPv6 in MP_REACH/MP_UNREACH, ADD-PATH ids,
// and the whole path from a Rib acting as reflector to encoded bytes.
#include <set>

#include <catch2/catch_test_macros.hpp>

#include "bgp/rib/adj_rib_out.hpp"
#include "bgp/rib/apply_update.hpp"
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

wire::CodecOptions ibgp_opts() {
    wire::CodecOptions o;
    o.ibgp = true;
    return o;
}

// Encodes every UPDATE, checks the size limit, decodes it back.
std::vector<wire::Update> round_trip(const std::vector<wire::Update>& ups,
                                     const wire::CodecOptions& o) {
    std::vector<wire::Update> back;
    for (const auto& u : ups) {
        auto bytes = wire::encode(wire::Message{u}, o);
        REQUIRE(bytes);
        CHECK(bytes->size() <= o.max_size());
        auto m = wire::decode_message(*bytes, o);
        REQUIRE(m);
        back.push_back(std::get<wire::Update>(*m));
    }
    return back;
}

}  // namespace

TEST_CASE("AdjRibOut: an unchanged route is not sent twice", "[rib][adj_rib_out]") {
    AttrStore store;
    AdjRibOut<Ipv4> out(store, false);
    auto a = attrs({65000, 65001}, "10.0.0.1");
    const Advertisement one[] = {ad(a)};
    out.sync(v4(1), one);
    out.sync(v4(1), one);
    CHECK(out.pending() == 1);
    auto ups = out.take_updates(ibgp_opts());
    REQUIRE(ups.size() == 1);
    CHECK(ups[0].nlri.size() == 1);
    CHECK(out.size() == 1);
    CHECK(out.advertised(v4(1)));
    out.sync(v4(1), one);
    CHECK(out.pending() == 0);
    CHECK(out.take_updates(ibgp_opts()).empty());
}

TEST_CASE("AdjRibOut: only what was sent is withdrawn", "[rib][adj_rib_out]") {
    AttrStore store;
    AdjRibOut<Ipv4> out(store, false);
    const Advertisement one[] = {ad(attrs({65001}))};
    // Announced and withdrawn before anything went out: nothing to send.
    out.sync(v4(1), one);
    out.sync(v4(1), {});
    CHECK(out.take_updates(ibgp_opts()).empty());
    // Sent, then withdrawn.
    out.sync(v4(2), one);
    (void)out.take_updates(ibgp_opts());
    out.sync(v4(2), {});
    auto ups = out.take_updates(ibgp_opts());
    REQUIRE(ups.size() == 1);
    CHECK(ups[0].withdrawn == std::vector<wire::Nlri>{wire::Nlri{v4(2), std::nullopt}});
    CHECK(ups[0].nlri.empty());
    CHECK(out.size() == 0);
    // A changed route replaces the old one without a withdrawal.
    out.sync(v4(3), one);
    (void)out.take_updates(ibgp_opts());
    const Advertisement other[] = {ad(attrs({65002}))};
    out.sync(v4(3), other);
    ups = out.take_updates(ibgp_opts());
    REQUIRE(ups.size() == 1);
    CHECK(ups[0].withdrawn.empty());
    CHECK(ups[0].nlri.size() == 1);
}

TEST_CASE("AdjRibOut: NLRI packed by attribute set within 4096 octets", "[rib][adj_rib_out]") {
    AttrStore store;
    AdjRibOut<Ipv4> out(store, false);
    auto a = attrs({65000, 65001}, "10.0.0.1");
    a.local_pref = 100;
    auto b = attrs({65000, 65002}, "10.0.0.1");
    b.local_pref = 100;
    const Advertisement as[] = {ad(a)};
    const Advertisement bs[] = {ad(b)};
    for (std::uint32_t i = 0; i < 3000; ++i) out.sync(v4(i), i < 2500 ? as : bs);
    const auto o = ibgp_opts();
    const auto ups = out.take_updates(o);
    const auto back = round_trip(ups, o);
    std::set<std::pair<std::uint32_t, std::uint32_t>> seen;  // (address, first AS after 65000)
    for (const auto& u : back)
        for (const auto& n : u.nlri)
            seen.insert({n.prefix.address().v4_value(), u.attributes.as_path->segments[0].asns[1]});
    CHECK(seen.size() == 3000);
    // 4 octets per /24: about 1,000 per UPDATE - 3 for a, 1 for b.
    CHECK(ups.size() == 4);
    // With extended messages (RFC 8654) one UPDATE per attribute set.
    AdjRibOut<Ipv4> big(store, false);
    for (std::uint32_t i = 0; i < 3000; ++i) big.sync(v4(i), i < 2500 ? as : bs);
    auto ox = o;
    ox.extended_message = true;
    CHECK(big.take_updates(ox).size() == 2);
    // Withdrawals pack the same way.
    for (std::uint32_t i = 0; i < 3000; ++i) out.sync(v4(i), {});
    const auto w = out.take_updates(o);
    CHECK(w.size() == 3);
    std::size_t withdrawn = 0;
    for (const auto& u : round_trip(w, o)) withdrawn += u.withdrawn.size();
    CHECK(withdrawn == 3000);
}

TEST_CASE("AdjRibOut: IPv6 in MP_REACH / MP_UNREACH", "[rib][adj_rib_out]") {
    AttrStore store;
    AdjRibOut<Ipv6> out(store, false);
    wire::PathAttributes a;
    a.origin = wire::Origin::igp;
    a.as_path = seq({65000});
    wire::MpReach mp;
    mp.family = wire::ipv6_unicast;
    mp.next_hops = {ip("2001:db8::1")};
    a.mp_reach = mp;
    const Advertisement as[] = {ad(a)};
    for (std::uint32_t i = 0; i < 500; ++i) {
        std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
        b[4] = static_cast<std::uint8_t>(i >> 8);
        b[5] = static_cast<std::uint8_t>(i);
        out.sync(wire::Prefix(wire::IpAddress::v6_bytes(b.data()), 48), as);
    }
    wire::CodecOptions o;
    o.ibgp = false;
    const auto back = round_trip(out.take_updates(o), o);
    std::size_t n = 0;
    for (const auto& u : back) {
        REQUIRE(u.attributes.mp_reach);
        CHECK(u.attributes.mp_reach->next_hops.front() == ip("2001:db8::1"));
        n += u.attributes.mp_reach->nlri.size();
    }
    CHECK(n == 500);
    out.sync(pfx("2001:db8::/48"), {});
    const auto w = round_trip(out.take_updates(o), o);
    REQUIRE(w.size() == 1);
    REQUIRE(w[0].attributes.mp_unreach);
    CHECK(w[0].attributes.mp_unreach->nlri.size() == 1);
}

TEST_CASE("AdjRibOut: ADD-PATH ids, withdrawal of a single path", "[rib][adj_rib_out][add_path]") {
    AttrStore store;
    AdjRibOut<Ipv4> out(store, true);
    const Advertisement two[] = {ad(attrs({65001}), 1), ad(attrs({65002}), 2)};
    out.sync(v4(1), two);
    wire::CodecOptions o = ibgp_opts();
    o.add_path.insert(wire::ipv4_unicast);
    auto back = round_trip(out.take_updates(o), o);
    std::set<std::uint32_t> ids;
    for (const auto& u : back)
        for (const auto& n : u.nlri) ids.insert(n.path_id.value_or(0));
    CHECK(ids == std::set<std::uint32_t>{1, 2});
    CHECK(out.size() == 2);
    const Advertisement one[] = {ad(attrs({65002}), 2)};
    out.sync(v4(1), one);
    back = round_trip(out.take_updates(o), o);
    REQUIRE(back.size() == 1);
    CHECK(back[0].withdrawn == std::vector<wire::Nlri>{wire::Nlri{v4(1), 1u}});
    CHECK(out.size() == 1);
    CHECK(out.advertised(v4(1), 2));
    CHECK_FALSE(out.advertised(v4(1), 1));
}

TEST_CASE("AdjRibOut: from a reflecting Rib to the bytes a client gets", "[rib][adj_rib_out]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    auto client = [&](const char* addr, std::uint32_t rid) {
        auto p = ibgp(addr, rid, true);
        p.local_address = ip("10.0.0.1");
        return rib.add_peer(p);
    };
    const PeerId c1 = client("10.0.1.1", 0x0A000101);
    const PeerId c2 = client("10.0.1.2", 0x0A000102);
    auto a = attrs({}, "198.18.1.1");
    a.local_pref = 100;
    a.communities = std::vector<std::uint32_t>{0xFDE80001};
    a.large_communities = std::vector<wire::LargeCommunity>{{65000, 1, 2}};
    a.med = 7;
    AttrRef in = intern(store, a);
    const auto p = pfx("192.168.135.64/26");
    rib.announce(c1, p, 0, in.id());

    AdjRibOut<Ipv4> to_c2(store, false);
    const auto ads = advertisements(rib, p, c2);
    to_c2.sync(p, ads);
    const auto back = round_trip(to_c2.take_updates(ibgp_opts()), ibgp_opts());
    REQUIRE(back.size() == 1);
    const auto& got = back[0].attributes;
    CHECK(back[0].nlri == std::vector<wire::Nlri>{wire::Nlri{p, std::nullopt}});
    CHECK(got.originator_id == ip("10.0.1.1"));
    CHECK(got.cluster_list == std::vector<std::uint32_t>{0x0A000001});
    CHECK(got.communities == a.communities);
    CHECK(got.large_communities == a.large_communities);
    CHECK(got.med == 7u);
    CHECK(got.next_hop == ip("198.18.1.1"));
    // Nothing goes back to c1.
    AdjRibOut<Ipv4> to_c1(store, false);
    to_c1.sync(p, advertisements(rib, p, c1));
    CHECK(to_c1.take_updates(ibgp_opts()).empty());
}

TEST_CASE("AdjRibOut: Calico-style reflector, 200 clients with 4 blocks each",
          "[rib][adj_rib_out][scenario]") {
    // The shared benchmark's scenario c: every client announces 4 /26 and must
    // receive the other 796, reflected (RFC 4456 §8), never its own.
    constexpr std::uint32_t n_clients = 200;
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    std::vector<PeerId> ids;
    std::vector<std::unique_ptr<AdjRibOut<Ipv4>>> outs;
    const auto block = [](std::uint32_t c, std::uint32_t k) {
        return wire::Prefix(wire::IpAddress::v4(0xC0A80000u + c * 256 + k * 64), 26);
    };
    for (std::uint32_t c = 0; c < n_clients; ++c) {
        PeerInfo p;
        p.address = wire::IpAddress::v4(0x7F010000u + c + 1);
        p.asn = 65000;
        p.router_id = p.address.v4_value();
        p.rr_client = true;
        p.local_address = ip("127.0.0.1");
        ids.push_back(rib.add_peer(p));
        outs.push_back(std::make_unique<AdjRibOut<Ipv4>>(store, false));
    }
    const FeedId feed = rib.subscribe();
    for (std::uint32_t c = 0; c < n_clients; ++c) {
        wire::Update u;
        u.attributes.origin = wire::Origin::igp;
        u.attributes.as_path = wire::AsPath{};
        u.attributes.next_hop = wire::IpAddress::v4(0xC6120000u + c + 1);  // 198.18.0.x
        u.attributes.local_pref = 100;
        for (std::uint32_t k = 0; k < 4; ++k)
            u.nlri.push_back(wire::Nlri{block(c, k), std::nullopt});
        CHECK(apply_update(rib, ids[c], u).best_changes == 4);
    }
    // The exporter drains the feed and syncs every client.
    auto drain = [&] {
        std::size_t n = 0;
        rib.poll(feed, 1u << 20, [&](const wire::Prefix& p, const auto&) {
            ++n;
            for (std::uint32_t c = 0; c < n_clients; ++c)
                if (rib.has_peer(ids[c])) outs[c]->sync(p, advertisements(rib, p, ids[c]));
        });
        return n;
    };
    CHECK(drain() == 4 * n_clients);
    const auto o = ibgp_opts();
    for (std::uint32_t c = 0; c < n_clients; c += 37) {  // a sample of clients, fully checked
        const auto back = round_trip(outs[c]->take_updates(o), o);
        std::set<wire::Prefix> got;
        for (const auto& u : back) {
            const std::uint32_t from = u.attributes.originator_id->v4_value() - 0x7F010001u;
            CHECK(from != c);
            CHECK(u.attributes.next_hop == wire::IpAddress::v4(0xC6120000u + from + 1));
            CHECK(u.attributes.cluster_list == std::vector<std::uint32_t>{0x0A000001});
            for (const auto& n : u.nlri) {
                CHECK(n.prefix.address().v4_value() / 256 - 0xC0A800u == from);
                got.insert(n.prefix);
            }
        }
        CHECK(got.size() == 4 * (n_clients - 1));
    }
    for (std::uint32_t c = 0; c < n_clients; ++c) (void)outs[c]->take_updates(o);
    for (std::uint32_t c = 0; c < n_clients; ++c) CHECK(outs[c]->size() == 4 * (n_clients - 1));

    // Client 7 goes down: everyone else gets its 4 blocks withdrawn, nothing more.
    rib.remove_peer(ids[7]);
    outs[7]->clear();  // its session is gone
    CHECK(drain() == 4);
    for (std::uint32_t c : {0u, 8u, 199u}) {
        const auto back = round_trip(outs[c]->take_updates(o), o);
        REQUIRE(back.size() == 1);
        CHECK(back[0].withdrawn.size() == 4);
        CHECK(back[0].nlri.empty());
    }
    CHECK(outs[7]->take_updates(o).empty());  // it never had them
}
