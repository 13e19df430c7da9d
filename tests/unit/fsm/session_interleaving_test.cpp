// Tests for libbgp/src/fsm/session.cpp under arbitrary interleavings: two
// sessions joined by simulated TCP where each connection direction keeps its
// order (as TCP does) but deliveries on different connections, connection
// set-up and timers interleave at random (seeded, so every run is the same).
// Whatever the order, both ends must end Established over one connection.
#include <array>
#include <catch2/catch_test_macros.hpp>
#include <deque>
#include <random>

#include "bgp/fsm/session.hpp"
#include "fsm_test_support.hpp"

using namespace bgp;
using namespace bgp::fsm;
using namespace fsmtest;

namespace {

struct Item {
    enum Kind { connect_request, connected, bytes, close } kind = bytes;
    int from = 0;           // the side that emitted it
    std::uint32_t tag = 0;  // link generation (bytes, close, connected) or attempt (connect)
    std::shared_ptr<const std::vector<std::uint8_t>> data;
};

struct Chaos {
    Clock clock;
    std::array<Session, 2> s;
    std::mt19937 rng;
    // Link L(i) joins side i's outgoing connection to side 1-i's incoming one.
    std::array<bool, 2> open{false, false};
    std::array<std::uint32_t, 2> gen{0, 0};
    std::array<std::uint32_t, 2> attempt{0, 0};
    // Channels: 0..3 = (side, conn) byte streams, 4..5 = connect requests of side 0/1.
    std::array<std::deque<Item>, 6> ch;

    Chaos(SessionConfig a, SessionConfig b, unsigned seed)
        : s{Session(std::move(a)), Session(std::move(b))}, rng(seed) {}

    static int link_of(int from, ConnId c) { return c == ConnId::outgoing ? from : 1 - from; }

    void collect(int from, Actions& out) {
        for (auto& x : out) {
            if (std::holds_alternative<ConnectAction>(x)) {
                ch[4 + static_cast<std::size_t>(from)].push_back(
                    {Item::connect_request, from, ++attempt[static_cast<std::size_t>(from)], {}});
            } else if (auto* sa = std::get_if<SendAction>(&x)) {
                const int l = link_of(from, sa->conn);
                ch[static_cast<std::size_t>(from * 2 + static_cast<int>(sa->conn))].push_back(
                    {Item::bytes, from, gen[static_cast<std::size_t>(l)], sa->bytes});
            } else if (auto* ca = std::get_if<CloseAction>(&x)) {
                const int l = link_of(from, ca->conn);
                if (ca->conn == ConnId::outgoing) ++attempt[static_cast<std::size_t>(from)];
                ch[static_cast<std::size_t>(from * 2 + static_cast<int>(ca->conn))].push_back(
                    {Item::close, from, gen[static_cast<std::size_t>(l)], {}});
            }
        }
        out.clear();
    }

    void deliver(std::size_t c) {
        Item it = std::move(ch[c].front());
        ch[c].pop_front();
        Actions out;
        const int f = it.from;
        const int p = 1 - f;
        auto& self = s[static_cast<std::size_t>(f)];
        auto& peer = s[static_cast<std::size_t>(p)];
        if (it.kind == Item::connect_request) {
            if (it.tag != attempt[static_cast<std::size_t>(f)]) return;  // abandoned attempt
            auto& l = open[static_cast<std::size_t>(f)];
            if (!l && peer.tcp_accepted(clock.now, out)) {
                l = true;
                ++gen[static_cast<std::size_t>(f)];
                // The connect completes on our side before any of the peer's bytes arrive.
                ch[static_cast<std::size_t>(p * 2 + 1)].push_back(
                    {Item::connected, p, gen[static_cast<std::size_t>(f)], {}});
                collect(p, out);
            } else {
                collect(p, out);
                self.tcp_failed(ConnId::outgoing, clock.now, out, "refused");
                collect(f, out);
            }
            return;
        }
        // Items on channel (f, conn).
        const ConnId conn = static_cast<ConnId>(c % 2);
        const int l = link_of(f, conn);
        if (!open[static_cast<std::size_t>(l)] || it.tag != gen[static_cast<std::size_t>(l)])
            return;
        const ConnId peer_conn = conn == ConnId::outgoing ? ConnId::incoming : ConnId::outgoing;
        switch (it.kind) {
            case Item::connected:  // from the acceptor's incoming channel, to the connector
                peer.tcp_connected(clock.now, out);
                collect(p, out);
                break;
            case Item::bytes:
                peer.receive(peer_conn, *it.data, clock.now, out);
                collect(p, out);
                break;
            case Item::close:
                open[static_cast<std::size_t>(l)] = false;
                peer.tcp_failed(peer_conn, clock.now, out, "closed");
                collect(p, out);
                break;
            default:
                break;
        }
    }

    void poll_both() {
        Actions out;
        for (int i = 0; i < 2; ++i) {
            s[static_cast<std::size_t>(i)].poll(clock.now, out);
            collect(i, out);
        }
    }

    /// Runs for `duration` of simulated time with random interleavings.
    void run(std::chrono::seconds duration) {
        const auto end = clock.now + duration;
        std::uniform_int_distribution<int> pct(0, 99);
        std::uniform_int_distribution<int> ms(0, 1500);
        for (int step = 0; step < 200000 && clock.now < end; ++step) {
            std::vector<std::size_t> ready;
            for (std::size_t c = 0; c < ch.size(); ++c)
                if (!ch[c].empty()) ready.push_back(c);
            if (ready.empty() || pct(rng) < 5) {
                // Time passes: a little, or up to the next timer when nothing is in flight.
                auto next = clock.now + std::chrono::milliseconds(ms(rng));
                if (ready.empty()) {
                    next = end;
                    for (auto& x : s)
                        if (auto t = x.next_deadline(); t && *t < next) next = *t;
                }
                clock.now = std::max(clock.now, next);
                poll_both();
                continue;
            }
            std::uniform_int_distribution<std::size_t> pick(0, ready.size() - 1);
            deliver(ready[pick(rng)]);
        }
    }
};

}  // namespace

TEST_CASE("Interleavings: any order of events ends in one Established connection", "[fsm]") {
    int established = 0;
    for (unsigned seed = 1; seed <= 300; ++seed) {
        auto a = config(64512, 0x0A000001 + (seed % 3), 64513);
        auto b = peer_of(a, 0x0A000002);
        a.connect_retry_time = std::chrono::seconds(5 + seed % 7);
        b.connect_retry_time = std::chrono::seconds(5 + (seed / 7) % 7);
        if (seed % 5 == 0) a.delay_open_time = std::chrono::seconds(2);
        if (seed % 11 == 0) b.passive = true;
        Chaos c(a, b, seed);
        Actions out;
        c.s[0].start(c.clock.now, out);
        c.collect(0, out);
        c.s[1].start(c.clock.now, out);
        c.collect(1, out);
        c.run(std::chrono::seconds(600));
        CAPTURE(seed);
        REQUIRE(c.s[0].state() == State::established);
        REQUIRE(c.s[1].state() == State::established);
        CHECK(c.open[0] != c.open[1]);  // exactly one connection left
        // The two ends agree on which connection it is.
        const bool over_link0 = c.open[0];
        CHECK(c.s[0].established_conn() == (over_link0 ? ConnId::outgoing : ConnId::incoming));
        CHECK(c.s[1].established_conn() == (over_link0 ? ConnId::incoming : ConnId::outgoing));
        ++established;
    }
    CHECK(established == 300);
}
