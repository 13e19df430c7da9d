// The coalescing change feed of Rib<F> (libbgp/src/rib/rib.cpp): each prefix
// queued once, latest state delivered, bounded with a resync on overflow,
// best-only vs all-paths subscriptions, wake-up on the first change.
#include <catch2/catch_test_macros.hpp>

#include "rib_test_support.hpp"

using namespace bgp;
using namespace bgp::rib;
using namespace bgp::rib::test;

namespace {
using Event = std::pair<wire::Prefix, std::optional<Route>>;

std::vector<Event> drain(Rib<Ipv4>& rib, FeedId f, std::size_t max = 1000) {
    std::vector<Event> out;
    rib.poll(f, max,
             [&](const wire::Prefix& p, const std::optional<Route>& r) { out.emplace_back(p, r); });
    return out;
}
}  // namespace

TEST_CASE("ChangeFeed: a slow consumer sees the latest state once", "[rib][change_feed]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    int wakeups = 0;
    FeedOptions o;
    o.wakeup = [&] { ++wakeups; };
    const FeedId f = rib.subscribe(o);
    const auto p = pfx("203.0.113.0/24");
    const auto q = pfx("203.0.114.0/24");
    std::vector<AttrRef> refs;
    for (std::uint32_t i = 0; i < 50; ++i) {
        refs.push_back(intern(store, attrs({65001, i})));
        rib.announce(a, p, 0, refs.back().id());
    }
    rib.announce(a, q, 0, refs[0].id());
    rib.withdraw(a, q);
    CHECK(wakeups == 1);
    CHECK(rib.pending(f) == 2);
    const auto ev = drain(rib, f);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].first == p);
    REQUIRE(ev[0].second);
    CHECK(ev[0].second->attrs == refs.back().id());  // the latest, not the first
    CHECK(ev[1].first == q);
    CHECK_FALSE(ev[1].second);  // withdrawn
    CHECK(rib.pending(f) == 0);
    // The next change wakes the consumer again.
    rib.announce(a, q, 0, refs[1].id());
    CHECK(wakeups == 2);
}

TEST_CASE("ChangeFeed: poll hands out at most max, in order", "[rib][change_feed]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    const FeedId f = rib.subscribe();
    AttrRef x = intern(store, attrs({65001}));
    for (std::uint32_t i = 0; i < 10; ++i)
        rib.announce(a, wire::Prefix(wire::IpAddress::v4(0x0A000000u + (i << 8)), 24), 0, x.id());
    std::vector<wire::Prefix> seen;
    auto r = rib.poll(f, 4, [&](const wire::Prefix& p, const auto&) { seen.push_back(p); });
    CHECK(r.delivered == 4);
    CHECK(r.pending == 6);
    CHECK_FALSE(r.resync);
    r = rib.poll(f, 100, [&](const wire::Prefix& p, const auto&) { seen.push_back(p); });
    CHECK(r.delivered == 6);
    CHECK(r.pending == 0);
    REQUIRE(seen.size() == 10);
    for (std::uint32_t i = 0; i < 10; ++i)
        CHECK(seen[i] == wire::Prefix(wire::IpAddress::v4(0x0A000000u + (i << 8)), 24));
}

TEST_CASE("ChangeFeed: overflow turns into one resync", "[rib][change_feed]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    FeedOptions o;
    o.max_pending = 5;
    const FeedId f = rib.subscribe(o);
    AttrRef x = intern(store, attrs({65001}));
    for (std::uint32_t i = 0; i < 20; ++i)
        rib.announce(a, wire::Prefix(wire::IpAddress::v4(0x0A000000u + (i << 8)), 24), 0, x.id());
    CHECK(rib.pending(f) == 0);  // queue dropped
    int calls = 0;
    auto r = rib.poll(f, 100, [&](const auto&, const auto&) { ++calls; });
    CHECK(r.resync);
    CHECK(calls == 0);
    // After the resync the feed tracks changes again.
    rib.withdraw(a, wire::Prefix(wire::IpAddress::v4(0x0A000000u), 24));
    r = rib.poll(f, 100, [&](const auto&, const auto&) { ++calls; });
    CHECK_FALSE(r.resync);
    CHECK(calls == 1);
}

TEST_CASE("ChangeFeed: best-only vs all-paths subscribers", "[rib][change_feed]") {
    AttrStore store;
    Rib<Ipv4> rib(store, local_config());
    const PeerId a = rib.add_peer(ebgp("10.0.0.2", 65001, 2));
    const PeerId b = rib.add_peer(ebgp("10.0.0.3", 65002, 3));
    const FeedId best_only = rib.subscribe();
    FeedOptions o;
    o.all_paths = true;
    const FeedId all = rib.subscribe(o);
    const auto p = pfx("203.0.113.0/24");
    AttrRef s = intern(store, attrs({65001}));
    AttrRef l = intern(store, attrs({65002, 65003}));
    rib.announce(a, p, 0, s.id());
    drain(rib, best_only);
    drain(rib, all);
    rib.announce(b, p, 0, l.id());  // a losing path: best unchanged
    CHECK(rib.pending(best_only) == 0);
    CHECK(rib.pending(all) == 1);
    rib.unsubscribe(all);
    CHECK_THROWS_AS(rib.poll(all, 1, [](const auto&, const auto&) {}), std::out_of_range);
}
