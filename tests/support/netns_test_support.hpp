// Test helpers for kernel tests in private network namespaces (the dataplane
// tests: tests/unit/fib/vxlan_test.cpp, tests/nat/nat_test.cpp): shell
// commands with captured output and a time bound, named namespaces deleted
// when the test leaves their scope (also on failure), entering one with
// setns() for the scope, and removal of namespaces a crashed run left behind.
#pragma once

#include <catch2/catch_test_macros.hpp>

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

namespace netns_test {

struct Output {
    int status = -1;
    std::string text;
};

/// Runs a shell command (at most 10 s), stdout and stderr captured.
inline Output run(const std::string& command) {
    Output out;
    const std::string full = "timeout 10 " + command + " 2>&1";
    FILE* pipe = popen(full.c_str(), "r");
    if (pipe == nullptr) return out;
    std::array<char, 512> buffer{};
    while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
        out.text += buffer.data();
    }
    const int status = pclose(pipe);
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// Deletes namespaces named `<prefix><pid>-...` whose pid no longer exists.
inline void remove_orphans(const std::string& prefix) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        const std::string pid =
            name.substr(prefix.size(), name.find('-', prefix.size()) - prefix.size());
        if (!pid.empty() && !std::filesystem::exists("/proc/" + pid)) run("ip netns del " + name);
    }
}

/// A named network namespace (lo up), deleted when the test leaves its scope.
struct Netns {
    std::string name;
    explicit Netns(std::string n) : name(std::move(n)) {
        run("ip netns del " + name);
        const Output o = run("ip netns add " + name);
        if (o.status != 0) FAIL("ip netns add " << name << ": " << o.text);
        (void)sh("ip link set lo up");
    }
    ~Netns() { run("ip netns del " + name); }
    Netns(const Netns&) = delete;
    Netns& operator=(const Netns&) = delete;
    [[nodiscard]] Output sh(const std::string& command) const {
        return run("ip netns exec " + name + " " + command);
    }
};

/// This thread inside `ns` for the scope (netlink sockets opened here stay bound to it).
struct Inside {
    int self = -1;
    explicit Inside(const Netns& ns) {
        self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        const int target = open(("/run/netns/" + ns.name).c_str(), O_RDONLY | O_CLOEXEC);
        const int rc = target < 0 ? -1 : setns(target, CLONE_NEWNET);
        if (target >= 0) close(target);
        if (self < 0 || rc != 0) {
            if (self >= 0) close(self);
            self = -1;
            FAIL("cannot enter " << ns.name);
        }
    }
    ~Inside() {
        if (self >= 0) {
            (void)setns(self, CLONE_NEWNET);
            close(self);
        }
    }
    Inside(const Inside&) = delete;
    Inside& operator=(const Inside&) = delete;
};

/// REQUIREs a command to succeed, showing its output if not.
inline void must(const Output& o, const std::string& what) {
    INFO(what << ": " << o.text);
    REQUIRE(o.status == 0);
}

}  // namespace netns_test
