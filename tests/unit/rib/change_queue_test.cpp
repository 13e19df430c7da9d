// The bounded coalescing queue under the change feeds
// (libbgp/src/rib/change_queue.hpp).
#include <catch2/catch_test_macros.hpp>

#include "rib/change_queue.hpp"

using bgp::rib::detail::ChangeQueue;

TEST_CASE("ChangeQueue: each key once, in first-change order", "[rib][change_queue]") {
    int wakeups = 0;
    ChangeQueue<int, std::hash<int>> q(100, [&] { ++wakeups; });
    for (int round = 0; round < 3; ++round)
        for (int k : {5, 3, 5, 9, 3}) q.mark(k);
    CHECK(q.size() == 3);
    CHECK(wakeups == 1);
    CHECK(q.pop() == 5);
    q.mark(5);  // changed again after being taken: queued again, at the end
    CHECK(q.pop() == 3);
    CHECK(q.pop() == 9);
    CHECK(q.pop() == 5);
    CHECK_FALSE(q.pop());
    q.mark(1);
    CHECK(wakeups == 2);
}

TEST_CASE("ChangeQueue: overflow drops the queue and reports once", "[rib][change_queue]") {
    int wakeups = 0;
    ChangeQueue<int, std::hash<int>> q(3, [&] { ++wakeups; });
    for (int k = 0; k < 10; ++k) q.mark(k);
    CHECK(q.size() == 0);
    CHECK(q.overflowed());
    CHECK(wakeups == 1);  // the consumer is woken to resync
    CHECK(q.take_overflow());
    CHECK_FALSE(q.take_overflow());
    q.mark(42);
    CHECK(q.size() == 1);
    CHECK(q.pop() == 42);
}
