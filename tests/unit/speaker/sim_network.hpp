// In-memory network for speaker simulation tests: many speaker Cores joined by
// in-memory links, on a simulated clock. No sockets, no sleeping: a discrete
// event loop delivers bytes (with a fixed latency) and fires each peer's timer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "speaker/core.hpp"
#include "speaker/log.hpp"

namespace sim {

namespace wire = bgp::wire;
namespace fsm = bgp::fsm;
using bgp::speaker_detail::Bytes;
using bgp::speaker_detail::TimePoint;
using namespace std::chrono_literals;

class Network;

/// One speaker on the simulated network.
class Node : public bgp::speaker_detail::Transport {
  public:
    Node(Network& net, wire::IpAddress address, bgp::SpeakerConfig config);

    void connect(const bgp::PeerConfig& peer) override;
    void send(const wire::IpAddress& peer, fsm::ConnId conn, Bytes bytes) override;
    void close(const wire::IpAddress& peer, fsm::ConnId conn, bool flush) override;
    void set_deadline(const wire::IpAddress& peer, std::optional<TimePoint> when) override {
        if (when)
            deadlines_[peer] = *when;
        else
            deadlines_.erase(peer);
    }
    std::optional<wire::IpAddress> local_address(const wire::IpAddress&,
                                                 fsm::ConnId) const override {
        return address_;
    }
    bgp::speaker_detail::TransportInfo info(const wire::IpAddress&) const override { return {}; }
    void forget(const wire::IpAddress& peer) override;

    [[nodiscard]] const wire::IpAddress& address() const { return address_; }
    bgp::speaker_detail::Core& core() { return core_; }
    std::vector<std::string>& log_lines() { return log_lines_; }

  private:
    friend class Network;
    Network& net_;
    wire::IpAddress address_;
    std::vector<std::string> log_lines_;
    bgp::speaker_detail::Logger log_;
    bgp::speaker_detail::Core core_;
    /// (peer, connection slot) -> link id
    std::map<std::pair<wire::IpAddress, fsm::ConnId>, std::uint64_t> conns_;
    std::map<wire::IpAddress, TimePoint> deadlines_;
    /// Outgoing connects in progress: peer -> attempt number (a close cancels).
    std::map<wire::IpAddress, std::uint64_t> connecting_;
    std::uint64_t attempts_ = 0;
};

class Network {
  public:
    static constexpr auto latency = 1ms;

    Node& add(const char* address, std::uint32_t as, bgp::LogLevel level = bgp::LogLevel::info) {
        return add(
            address, as, [](bgp::SpeakerConfig&) {}, level);
    }
    /// With `tweak` applied to the speaker's configuration (forward_routes, ...).
    Node& add(const char* address, std::uint32_t as,
              const std::function<void(bgp::SpeakerConfig&)>& tweak,
              bgp::LogLevel level = bgp::LogLevel::info) {
        bgp::SpeakerConfig c;
        c.local_as = as;
        const auto a = *wire::IpAddress::parse(address);
        c.router_id = a.is_v4() ? a.v4_value() : static_cast<std::uint32_t>(nodes_.size() + 1);
        c.log_level = level;
        tweak(c);
        nodes_.push_back(std::make_unique<Node>(*this, a, c));
        by_address_[a] = nodes_.back().get();
        return *nodes_.back();
    }

    [[nodiscard]] TimePoint now() const { return now_; }

    void schedule(std::chrono::nanoseconds delay, std::function<void()> fn) {
        events_.push(Event{now_ + delay, seq_++, std::move(fn)});
    }

    /// Runs the event loop until `done()` holds, at most `limit` simulated time
    /// and `max_steps` steps. Returns whether `done()` held.
    bool run_until(const std::function<bool()>& done, std::chrono::seconds limit,
                   std::size_t max_steps = 2'000'000) {
        const auto end = now_ + limit;
        for (std::size_t step = 0; step < max_steps; ++step) {
            if (done()) return true;
            if (!step_once(end)) return done();
        }
        return done();
    }
    /// Runs for `d` of simulated time.
    void run_for(std::chrono::nanoseconds d, std::size_t max_steps = 2'000'000) {
        const auto end = now_ + d;
        for (std::size_t step = 0; step < max_steps && step_once(end); ++step) {
        }
        now_ = end;
    }

    /// Cuts every link between two nodes: both sides see the TCP connection fail.
    void cut(Node& a, Node& b) {
        for (auto* n : {&a, &b}) {
            auto* other = n == &a ? &b : &a;
            for (auto it = n->conns_.begin(); it != n->conns_.end();) {
                if (it->first.first != other->address()) {
                    ++it;
                    continue;
                }
                const auto key = it->first;
                it = n->conns_.erase(it);
                schedule(latency, [n, key] {
                    n->core().tcp_failed(key.first, key.second, n->net_.now(), "link cut");
                });
            }
        }
    }

  private:
    friend class Node;
    struct Event {
        TimePoint at;
        std::uint64_t seq;
        std::function<void()> fn;
        bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
    };

    bool step_once(TimePoint end) {
        std::optional<TimePoint> next;
        if (!events_.empty()) next = events_.top().at;
        Node* timer_node = nullptr;
        wire::IpAddress timer_peer;
        for (auto& n : nodes_)
            for (const auto& [peer, at] : n->deadlines_)
                if (!next || at < *next) {
                    next = at;
                    timer_node = n.get();
                    timer_peer = peer;
                }
        if (!next || *next > end) return false;
        if (*next > now_) now_ = *next;
        if (timer_node != nullptr) {
            timer_node->deadlines_.erase(timer_peer);
            timer_node->core().poll(timer_peer, now_);
            return true;
        }
        auto ev = events_.top();
        events_.pop();
        ev.fn();
        return true;
    }

    void open(Node& from, const wire::IpAddress& to) {
        auto it = by_address_.find(to);
        if (it == by_address_.end()) {
            from.core().tcp_failed(to, fsm::ConnId::outgoing, now_, "connection refused");
            return;
        }
        Node& b = *it->second;
        const auto id = next_link_++;
        const std::pair key_b{from.address(), fsm::ConnId::incoming};
        // (no std::optional here: gcc 12 -O2 warns maybe-uninitialized on it)
        const auto found = b.conns_.find(key_b);
        const bool had_previous = found != b.conns_.end();
        const std::uint64_t previous = had_previous ? found->second : 0;
        b.conns_[key_b] = id;
        if (!b.core().tcp_accepted(from.address(), now_)) {
            if (b.conns_.count(key_b) != 0 && b.conns_[key_b] == id) {
                if (had_previous)
                    b.conns_[key_b] = previous;
                else
                    b.conns_.erase(key_b);
            }
            schedule(latency, [&from, to, this] {
                from.core().tcp_failed(to, fsm::ConnId::outgoing, now_, "connection refused");
            });
            return;
        }
        from.conns_[{to, fsm::ConnId::outgoing}] = id;
        from.core().tcp_connected(to, now_);
    }

    TimePoint now_ = TimePoint{} + std::chrono::hours(1);
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
    std::uint64_t seq_ = 0;
    std::uint64_t next_link_ = 1;
    std::vector<std::unique_ptr<Node>> nodes_;
    std::map<wire::IpAddress, Node*> by_address_;
};

inline Node::Node(Network& net, wire::IpAddress address, bgp::SpeakerConfig config)
    : net_(net),
      address_(address),
      log_(config.log_level,
           [this](bgp::LogLevel, std::string_view line) { log_lines_.emplace_back(line); }),
      core_(std::move(config), *this, log_) {}

inline void Node::connect(const bgp::PeerConfig& peer) {
    const auto to = peer.address;
    const auto attempt = ++attempts_;
    connecting_[to] = attempt;
    net_.schedule(Network::latency, [this, to, attempt] {
        auto it = connecting_.find(to);
        if (it == connecting_.end() || it->second != attempt) return;  // cancelled
        connecting_.erase(it);
        net_.open(*this, to);
    });
}

inline void Node::send(const wire::IpAddress& peer, fsm::ConnId conn, Bytes bytes) {
    auto it = conns_.find({peer, conn});
    if (it == conns_.end()) return;
    const auto id = it->second;
    auto target = net_.by_address_.find(peer);
    if (target == net_.by_address_.end()) return;
    Node* to = target->second;
    const auto other =
        conn == fsm::ConnId::outgoing ? fsm::ConnId::incoming : fsm::ConnId::outgoing;
    const auto from = address_;
    net_.schedule(Network::latency, [to, from, other, id, bytes = std::move(bytes)] {
        auto c = to->conns_.find({from, other});
        if (c == to->conns_.end() || c->second != id) return;  // that connection is gone
        to->core().receive(from, other, *bytes, to->net_.now());
    });
}

inline void Node::close(const wire::IpAddress& peer, fsm::ConnId conn, bool) {
    if (conn == fsm::ConnId::outgoing) connecting_.erase(peer);
    auto it = conns_.find({peer, conn});
    if (it == conns_.end()) return;
    const auto id = it->second;
    conns_.erase(it);
    auto target = net_.by_address_.find(peer);
    if (target == net_.by_address_.end()) return;
    Node* to = target->second;
    const auto other =
        conn == fsm::ConnId::outgoing ? fsm::ConnId::incoming : fsm::ConnId::outgoing;
    const auto from = address_;
    // After the bytes already in flight (same latency, later sequence number).
    net_.schedule(Network::latency, [to, from, other, id] {
        auto c = to->conns_.find({from, other});
        if (c == to->conns_.end() || c->second != id) return;
        to->conns_.erase(c);
        to->core().tcp_failed(from, other, to->net_.now(), "connection closed by the peer");
    });
}

inline void Node::forget(const wire::IpAddress& peer) {
    for (auto conn : {fsm::ConnId::outgoing, fsm::ConnId::incoming}) close(peer, conn, true);
    deadlines_.erase(peer);
}

// ---- helpers shared by the tests over this network ----

inline wire::IpAddress ip(const char* s) { return *wire::IpAddress::parse(s); }
inline wire::Prefix pfx(const char* s) { return *wire::Prefix::parse(s); }

// Copied from one default-constructed value: GCC 12 -O2 reports a false
// -Wmaybe-uninitialized when SessionConfig's default `families` initializer
// list is inlined several times into one function.
inline const bgp::PeerConfig& default_peer() {
    static const bgp::PeerConfig p{};
    return p;
}

/// A peer configuration towards node `n` with short timers.
inline bgp::PeerConfig peer_to(const Node& n, std::uint32_t as) {
    using namespace std::chrono_literals;
    bgp::PeerConfig p = default_peer();
    p.address = n.address();
    p.peer_as = as;
    p.session.hold_time = 9s;
    p.session.connect_retry_time = 5s;
    p.session.idle_hold_time = 1s;
    return p;
}

}  // namespace sim
