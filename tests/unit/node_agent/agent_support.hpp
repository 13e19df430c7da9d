// Test support shared by the node agent's in-process tests (agent_test,
// restart_ecmp_test): a bounded io_context loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

namespace node_agent_test {

/// Runs the io_context until `done` (at most 15 s; bounds the test only).
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
    using namespace std::chrono_literals;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        io.run_for(20ms);
        io.restart();
    }
    return true;
}

}  // namespace node_agent_test
