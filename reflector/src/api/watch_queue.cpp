// The watch client's frames and their bound (watch_queue.hpp).
#include "watch_queue.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "views.hpp"

namespace bgp::reflector::api {

namespace {

WatchQueue::Message frame(const boost::json::object& o) {
    return std::make_shared<const std::string>(boost::json::serialize(o));
}

}  // namespace

WatchQueue::WatchQueue(std::size_t limit_bytes, std::function<Snapshot()> take_snapshot)
    : limit_(limit_bytes), take_snapshot_(std::move(take_snapshot)) {
    begin_snapshot(false);
}

void WatchQueue::begin_snapshot(bool resync) {
    queue_.clear();
    queued_bytes_ = 0;
    snapshot_ = take_snapshot_();
    position_ = 0;
    resyncing_ = resync;
    stage_ = resync ? Stage::resync : Stage::begin;
    if (resync) ++resyncs_;
}

bool WatchQueue::push(Message event) {
    queued_bytes_ += event->size();
    queue_.push_back(std::move(event));
    if (queued_bytes_ <= limit_) return true;
    if (resyncing_) return false;
    begin_snapshot(true);
    return true;
}

WatchQueue::Message WatchQueue::next() {
    switch (stage_) {
        case Stage::resync:
            stage_ = Stage::begin;
            return frame({{"type", "resync"}});
        case Stage::begin:
            stage_ = Stage::routes;
            return frame({{"type", "snapshot-begin"}});
        case Stage::routes:
            if (position_ < snapshot_.size()) {
                const auto& entry = snapshot_[position_++];
                return frame(route_event_json(entry.first, entry.second.prefix, &entry.second));
            }
            snapshot_.clear();
            snapshot_.shrink_to_fit();
            stage_ = Stage::live;
            resyncing_ = false;
            return frame({{"type", "snapshot-end"}});
        case Stage::live:
            break;
    }
    if (queue_.empty()) return nullptr;
    Message m = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= m->size();
    return m;
}

}  // namespace bgp::reflector::api
