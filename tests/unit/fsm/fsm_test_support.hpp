// Helpers for the bgp::fsm tests: a simulated clock, configurations, the bytes a
// scripted peer sends, and queries over the actions a session returned.
#pragma once

#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "bgp/fsm/session.hpp"
#include "bgp/wire/message.hpp"

namespace fsmtest {

using namespace std::chrono_literals;
using bgp::fsm::Actions;
using TimePoint = bgp::fsm::Session::TimePoint;
using Bytes = std::vector<std::uint8_t>;

/// A simulated clock: an arbitrary epoch plus whatever the test advances.
struct Clock {
    TimePoint now = TimePoint{} + std::chrono::hours(1000);
    TimePoint advance(std::chrono::steady_clock::duration d) { return now += d; }
};

inline bgp::fsm::SessionConfig config(std::uint32_t local_as = 64512,
                                      std::uint32_t router_id = 0x0A000001,
                                      std::uint32_t peer_as = 64513) {
    bgp::fsm::SessionConfig c;
    c.local_as = local_as;
    c.router_id = router_id;
    c.peer_as = peer_as;
    c.peer_address = *bgp::wire::IpAddress::parse("127.0.0.2");
    c.hold_time = 90s;
    c.connect_retry_time = 30s;
    c.idle_hold_time = 5s;
    c.idle_hold_max = 120s;
    return c;
}

/// The config the scripted peer would have (mirror of `ours`).
inline bgp::fsm::SessionConfig peer_of(const bgp::fsm::SessionConfig& ours,
                                       std::uint32_t peer_id = 0x0A000002) {
    auto p = ours;
    p.local_as = ours.peer_as;
    p.peer_as = ours.local_as;
    p.router_id = peer_id;
    return p;
}

inline Bytes bytes_of(const bgp::wire::Message& m, const bgp::wire::CodecOptions& o = {}) {
    auto r = bgp::wire::encode(m, o);
    REQUIRE(r.has_value());
    return *r;
}

inline Bytes open_bytes(const bgp::wire::Open& o) { return bytes_of(bgp::wire::Message{o}); }
inline Bytes keepalive_bytes() { return bytes_of(bgp::wire::Message{bgp::wire::Keepalive{}}); }
inline Bytes notification_bytes(std::uint8_t code, std::uint8_t subcode, Bytes data = {}) {
    return bytes_of(bgp::wire::Message{bgp::wire::Notification{code, subcode, std::move(data)}});
}

template <class T>
std::vector<const T*> all_of(const Actions& a) {
    std::vector<const T*> out;
    for (const auto& x : a)
        if (const auto* p = std::get_if<T>(&x)) out.push_back(p);
    return out;
}

/// Copies of the actions of one kind (safe on a temporary).
template <class T>
std::vector<T> copies(const Actions& a) {
    std::vector<T> out;
    for (const auto& x : a)
        if (const auto* p = std::get_if<T>(&x)) out.push_back(*p);
    return out;
}

/// Pointers into `a`: never call it on a temporary.
template <class T>
std::vector<const T*> all_of(Actions&& a) = delete;

template <class T>
std::size_t count(const Actions& a) {
    return all_of<T>(a).size();
}

/// Decoded messages the session sent in these actions, in order.
inline std::vector<bgp::wire::Message> sent(const Actions& a,
                                            std::optional<bgp::fsm::ConnId> conn = {}) {
    std::vector<bgp::wire::Message> out;
    bgp::wire::CodecOptions o;
    o.extended_message = true;
    for (const auto* s : all_of<bgp::fsm::SendAction>(a)) {
        if (conn && s->conn != *conn) continue;
        std::size_t pos = 0;
        const auto& b = *s->bytes;
        while (pos + 19 <= b.size()) {
            const std::size_t len = static_cast<std::size_t>((b[pos + 16] << 8) | b[pos + 17]);
            auto m = bgp::wire::decode_message(std::span(b.data() + pos, len), o);
            REQUIRE(m.has_value());
            out.push_back(*m);
            pos += len;
        }
    }
    return out;
}

template <class T>
std::vector<T> sent_of(const Actions& a, std::optional<bgp::fsm::ConnId> conn = {}) {
    std::vector<T> out;
    for (auto& m : sent(a, conn))
        if (auto* p = std::get_if<T>(&m)) out.push_back(*p);
    return out;
}

/// The one NOTIFICATION sent in these actions (fails if there is not exactly one).
inline bgp::wire::Notification sent_notification(const Actions& a) {
    auto n = sent_of<bgp::wire::Notification>(a);
    REQUIRE(n.size() == 1);
    return n[0];
}

inline std::optional<bgp::fsm::StateChangeAction> last_change(const Actions& a) {
    auto v = all_of<bgp::fsm::StateChangeAction>(a);
    if (v.empty()) return std::nullopt;
    return *v.back();
}

/// Drives one session against a scripted peer on the outgoing connection.
struct Scripted {
    Clock clock;
    bgp::fsm::SessionConfig cfg;
    bgp::fsm::SessionConfig peer_cfg;
    bgp::fsm::Session s;
    Actions out;

    explicit Scripted(bgp::fsm::SessionConfig c = config())
        : cfg(c), peer_cfg(peer_of(c)), s(std::move(c)) {}

    Actions take() {
        Actions a;
        a.swap(out);
        return a;
    }
    Bytes peer_open() const { return open_bytes(bgp::fsm::make_open(peer_cfg)); }
    void feed(const Bytes& b, bgp::fsm::ConnId conn = bgp::fsm::ConnId::outgoing) {
        s.receive(conn, b, clock.now, out);
    }
    void start() { s.start(clock.now, out); }
    void connected() { s.tcp_connected(clock.now, out); }
    void advance(std::chrono::steady_clock::duration d) {
        clock.advance(d);
        s.poll(clock.now, out);
    }
    /// Idle -> Connect -> OpenSent -> OpenConfirm -> Established, outgoing.
    void establish() {
        start();
        connected();
        feed(peer_open());
        feed(keepalive_bytes());
        REQUIRE(s.state() == bgp::fsm::State::established);
    }
};

/// Two sessions joined by in-memory TCP: A's outgoing connection is B's
/// incoming one and the other way round. Bytes arrive whole and in order.
/// Every action of both sides is kept in `log_a` / `log_b`.
struct Pair {
    Clock clock;
    bgp::fsm::Session a;
    bgp::fsm::Session b;
    Actions log_a, log_b;
    bool up_ab = false;                                  ///< A.outgoing <-> B.incoming
    bool up_ba = false;                                  ///< B.outgoing <-> A.incoming
    bool refuse_a = false, refuse_b = false;             ///< a listener that is not there
    std::deque<std::pair<int, bgp::fsm::Action>> queue;  // 0: from A, 1: from B

    Pair(bgp::fsm::SessionConfig ca, bgp::fsm::SessionConfig cb)
        : a(std::move(ca)), b(std::move(cb)) {}

    bgp::fsm::Session& side(int i) { return i == 0 ? a : b; }
    void collect(int from, Actions& out) {
        auto& log = from == 0 ? log_a : log_b;
        for (auto& x : out) {
            log.push_back(x);
            queue.emplace_back(from, std::move(x));
        }
        out.clear();
    }
    /// Delivers queued actions until none is left (bounded).
    void run() {
        Actions out;
        for (int step = 0; step < 100000 && !queue.empty(); ++step) {
            auto [from, act] = std::move(queue.front());
            queue.pop_front();
            const int to = 1 - from;
            auto& self = side(from);
            auto& peer = side(to);
            bool& link_out = from == 0 ? up_ab : up_ba;  // self's outgoing link
            bool& link_in = from == 0 ? up_ba : up_ab;   // self's incoming link
            if (std::holds_alternative<bgp::fsm::ConnectAction>(act)) {
                const bool refuse = to == 0 ? refuse_a : refuse_b;
                if (!refuse && !link_out && peer.tcp_accepted(clock.now, out)) {
                    link_out = true;
                    collect(to, out);
                    self.tcp_connected(clock.now, out);
                    collect(from, out);
                } else {
                    collect(to, out);
                    self.tcp_failed(bgp::fsm::ConnId::outgoing, clock.now, out, "refused");
                    collect(from, out);
                }
            } else if (auto* s = std::get_if<bgp::fsm::SendAction>(&act)) {
                const bool outgoing = s->conn == bgp::fsm::ConnId::outgoing;
                if (!(outgoing ? link_out : link_in)) continue;
                peer.receive(outgoing ? bgp::fsm::ConnId::incoming : bgp::fsm::ConnId::outgoing,
                             *s->bytes, clock.now, out);
                collect(to, out);
            } else if (auto* c = std::get_if<bgp::fsm::CloseAction>(&act)) {
                const bool outgoing = c->conn == bgp::fsm::ConnId::outgoing;
                bool& link = outgoing ? link_out : link_in;
                if (!link) continue;
                link = false;
                peer.tcp_failed(outgoing ? bgp::fsm::ConnId::incoming : bgp::fsm::ConnId::outgoing,
                                clock.now, out, "closed by peer");
                collect(to, out);
            }
        }
        REQUIRE(queue.empty());
    }
    void start_both() {
        Actions out;
        a.start(clock.now, out);
        collect(0, out);
        b.start(clock.now, out);
        collect(1, out);
        run();
    }
    /// Moves the clock to `now + d`, firing every timer of both sides on the way.
    void advance(std::chrono::steady_clock::duration d) {
        const auto end = clock.now + d;
        Actions out;
        for (int i = 0; i < 100000; ++i) {
            auto next = end;
            for (auto* s : {&a, &b})
                if (auto t = s->next_deadline(); t && *t < next) next = *t;
            if (next > clock.now) clock.now = next;
            a.poll(clock.now, out);
            collect(0, out);
            b.poll(clock.now, out);
            collect(1, out);
            run();
            if (clock.now >= end) break;
        }
    }
    /// Disconnects both links as a crash would (no NOTIFICATION): each side
    /// sees its connections fail.
    void crash_links() {
        Actions out;
        if (up_ab) {
            up_ab = false;
            a.tcp_failed(bgp::fsm::ConnId::outgoing, clock.now, out, "reset");
            collect(0, out);
            b.tcp_failed(bgp::fsm::ConnId::incoming, clock.now, out, "reset");
            collect(1, out);
        }
        if (up_ba) {
            up_ba = false;
            b.tcp_failed(bgp::fsm::ConnId::outgoing, clock.now, out, "reset");
            collect(1, out);
            a.tcp_failed(bgp::fsm::ConnId::incoming, clock.now, out, "reset");
            collect(0, out);
        }
        run();
    }
};

}  // namespace fsmtest
