// What one watch client is sent next (the watch WebSocket's flow control,
// without sockets): a snapshot taken at one instant and handed out one frame at
// a time ({"type":"snapshot-begin"}, a "route" per best path,
// {"type":"snapshot-end"}), then the live events queued meanwhile, in order.
//
// Bounded: queued events may hold at most `limit_bytes`. An overflow drops the
// queue and starts a new snapshot preceded by {"type":"resync"} (the snapshot,
// taken after every dropped event, holds their effect); an overflow while that
// resync snapshot is still being sent means the client cannot keep up at all:
// push() says so and the caller closes it.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bgp/speaker/events.hpp"
#include "bgp/wire/types.hpp"

namespace bgp::reflector::api {

class WatchQueue {
  public:
    using Message = std::shared_ptr<const std::string>;
    using Snapshot = std::vector<std::pair<wire::Family, RibRoute>>;

    WatchQueue(std::size_t limit_bytes, std::function<Snapshot()> take_snapshot);

    /// A live event. False: the client is too slow (close it).
    [[nodiscard]] bool push(Message event);
    /// The next frame to send; null when there is none for now.
    [[nodiscard]] Message next();

    [[nodiscard]] std::size_t queued_bytes() const { return queued_bytes_; }
    [[nodiscard]] bool in_snapshot() const { return stage_ != Stage::live; }
    [[nodiscard]] std::size_t resyncs() const { return resyncs_; }

  private:
    void begin_snapshot(bool resync);
    enum class Stage : std::uint8_t { resync, begin, routes, live };

    std::size_t limit_;
    std::function<Snapshot()> take_snapshot_;
    std::deque<Message> queue_;
    std::size_t queued_bytes_ = 0;
    Snapshot snapshot_;
    std::size_t position_ = 0;
    Stage stage_ = Stage::begin;
    bool resyncing_ = false;
    std::size_t resyncs_ = 0;
};

}  // namespace bgp::reflector::api
