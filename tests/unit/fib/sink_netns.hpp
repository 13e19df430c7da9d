// Test support for the FIB sink tests: a private network namespace per test case
// (unshare(CLONE_NEWNET) in the test thread, the original namespace restored with setns
// when the guard goes out of scope, so nothing outside the test ever sees a route), shell
// commands run inside it, and a bounded wait that runs an io_context until a condition.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "bgp/fib/sink.hpp"

namespace bgp::fib::test {

// What every FIB test names; a test file says `using namespace bgp::fib::test;`.
using bgp::fib::Nexthop;
using bgp::fib::Route;
using bgp::fib::RouteType;
using bgp::fib::Sink;
using bgp::fib::SinkOptions;
using bgp::wire::IpAddress;
using bgp::wire::Prefix;

inline Prefix pfx(const char* text) { return *Prefix::parse(text); }
inline IpAddress ip(const char* text) { return *IpAddress::parse(text); }

/// A unicast route with one next hop.
inline Route via(const char* prefix, const char* gateway, const char* device = "",
                 bool onlink = false) {
    return Route{pfx(prefix), RouteType::unicast, {Nexthop{ip(gateway), device, onlink, 1}}};
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

class PrivateNetns {
  public:
    PrivateNetns() {
        if (geteuid() != 0) return;
        original_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (original_ < 0) return;
        if (unshare(CLONE_NEWNET) != 0) {
            close(original_);
            original_ = -1;
            return;
        }
        ok_ = true;
        run("ip link set lo up");
    }
    ~PrivateNetns() {
        if (original_ >= 0) {
            (void)setns(original_, CLONE_NEWNET);  // the private namespace dies with its last user
            close(original_);
        }
    }
    PrivateNetns(const PrivateNetns&) = delete;
    PrivateNetns& operator=(const PrivateNetns&) = delete;
    [[nodiscard]] bool ok() const { return ok_; }

    /// Runs `command` with sh inside the namespace; returns stdout + stderr.
    static std::string run(const std::string& command, int* status = nullptr) {
        std::string out;
        FILE* pipe = popen((command + " 2>&1").c_str(), "r");
        if (pipe == nullptr) return out;
        char buffer[4096];
        std::size_t n = 0;
        while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
        const int rc = pclose(pipe);
        if (status != nullptr) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
        return out;
    }

  private:
    int original_ = -1;
    bool ok_ = false;
};

/// A shell command in the test's namespace: stdout + stderr.
inline std::string sh(const std::string& command) { return PrivateNetns::run(command); }

/// A veth pair `name` / `name`p, both up, with `v4` (and `v6`, no DAD) on `name`. No
/// link-local addresses (addrgenmode none): no DAD events arrive during a test. (This
/// kernel has no dummy devices.)
inline void add_link(const std::string& name, const std::string& v4, const std::string& v6 = "") {
    const std::string peer = name + "p";
    PrivateNetns::run("ip link add " + name + " type veth peer name " + peer + " && ip link set " +
                      name + " addrgenmode none && ip link set " + peer +
                      " addrgenmode none && ip link set " + peer + " up && ip link set " + name +
                      " up && ip addr add " + v4 + " dev " + name);
    if (!v6.empty()) PrivateNetns::run("ip -6 addr add " + v6 + " dev " + name + " nodad");
    // The kernel reports carrier up later (linkwatch): wait for it, at most 3 s, so that
    // its RTM_NEWLINK does not arrive in the middle of the test.
    for (int i = 0; i < 60; ++i) {
        if (PrivateNetns::run("ip -o link show " + name).find("state UP") != std::string::npos &&
            PrivateNetns::run("ip -o link show " + peer).find("state UP") != std::string::npos) {
            break;
        }
        usleep(50 * 1000);
    }
}

/// Runs `io` in slices until `done()` holds or `limit` passes; returns done().
template <typename Pred>
bool run_until(boost::asio::io_context& io, Pred done,
               std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(std::chrono::milliseconds(20));
    }
    return done();
}

}  // namespace bgp::fib::test

// Opens the test's private namespace, or WARNs and returns when that is impossible (not
// root). CI runs the unit tests as root (scripts/test.sh), so there they always run.
#define BGP_FIB_NETNS(ns)                                                                   \
    ::bgp::fib::test::PrivateNetns ns;                                                      \
    if (!(ns).ok()) {                                                                       \
        WARN("skipped: needs root to create a private network namespace (unshare NEWNET)"); \
        return;                                                                             \
    }
