// End to end through the command line and the kernel: two bgp-node-agent
// processes in two network namespaces (lba-<pid>-a, lba-<pid>-b, joined by a
// veth pair on 10.77.0.0/24), each installing the other's block in its own
// namespace's main table, read back with `ip route`. A VXLAN device named tunl0
// stands in for IP-in-IP (this kernel has neither ipip nor dummy): the live switch to
// Always must rewrite the route onto it. Then kill -9 and restart of one agent:
// the route stays in the kernel the whole time (graceful restart, adoption).
// Needs root (CI runs it as root); otherwise it warns and does nothing.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

std::string sh(const std::string& command) {
    std::string out;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (p == nullptr) return out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
    ::pclose(p);
    return out;
}

/// Two namespaces and the agents in them; everything removed in the destructor,
/// also when a REQUIRE fails.
struct Lab {
    std::string tag = "lba-" + std::to_string(::getpid());
    std::string a = tag + "-a", b = tag + "-b";
    std::string dir = "/tmp/" + tag;
    std::vector<pid_t> pids;

    Lab() {
        sh("mkdir -p " + dir);
        sh("ip netns add " + a);
        sh("ip netns add " + b);
        sh("ip link add " + tag + "x netns " + a + " type veth peer name " + tag + "y netns " + b);
        sh("ip -n " + a + " addr add 10.77.0.1/24 dev " + tag + "x");
        sh("ip -n " + b + " addr add 10.77.0.2/24 dev " + tag + "y");
        for (const auto& ns : {a, b}) {
            sh("ip -n " + ns + " link set lo up");
            sh("ip -n " + ns + " link add tunl0 type vxlan id 4096 dstport 4789 nolearning");
            sh("ip -n " + ns + " link set tunl0 up");
        }
        sh("ip -n " + a + " link set " + tag + "x up");
        sh("ip -n " + b + " link set " + tag + "y up");
    }
    ~Lab() {
        for (pid_t p : pids) stop(p, SIGKILL);
        sh("ip netns del " + a);
        sh("ip netns del " + b);
        sh("rm -rf " + dir);
    }
    pid_t start(const std::string& ns, const std::string& node, const std::string& manifest,
                std::vector<std::string> extra = {}) {
        const std::string log = dir + "/" + node + ".log";
        const std::string socket = dir + "/" + node + ".sock";
        std::vector<std::string> args{
            "ip", "netns",    "exec", ns,   BGP_NODE_AGENT_BIN, "run",         "--node",
            node, "--socket", socket, "-f", manifest,           "--log-level", "debug"};
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<char*> argv;
        for (auto& s : args) argv.push_back(s.data());
        argv.push_back(nullptr);
        const pid_t pid = ::fork();
        if (pid == 0) {
            if (std::freopen(log.c_str(), "a", stderr) == nullptr) _exit(127);
            ::execvp("ip", argv.data());
            _exit(127);
        }
        pids.push_back(pid);
        return pid;
    }
    void stop(pid_t pid, int sig) {
        if (pid <= 0) return;
        ::kill(pid, sig);
        for (int i = 0; i < 100; ++i) {
            if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
            std::this_thread::sleep_for(50ms);
        }
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    std::string route(const std::string& ns, const std::string& prefix) {
        std::string r = sh("ip -n " + ns + " route show " + prefix);
        while (!r.empty() && (r.back() == '\n' || r.back() == ' ')) r.pop_back();
        // iproute2 names the protocol when rt_protos.d knows it (the installer's libbgp.conf).
        if (auto at = r.find("proto libbgp"); at != std::string::npos)
            r.replace(at, 12, "proto 201");
        return r;
    }
    /// Polls until `ip route` for the prefix contains `want` (at most 20 s).
    bool wait_route(const std::string& ns, const std::string& prefix, const std::string& want) {
        for (int i = 0; i < 400; ++i) {
            if (route(ns, prefix).find(want) != std::string::npos) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }
    std::string agent(const std::string& args) {
        return sh(std::string(BGP_NODE_AGENT_BIN) + " " + args);
    }
};

std::string cluster(const std::string& mode) {
    return R"(apiVersion: projectcalico.org/v3
kind: Node
metadata: {name: node-a}
spec: {bgp: {ipv4Address: 10.77.0.1/24}}
---
apiVersion: projectcalico.org/v3
kind: Node
metadata: {name: node-b}
spec: {bgp: {ipv4Address: 10.77.0.2/24}}
---
apiVersion: projectcalico.org/v3
kind: BlockAffinity
metadata: {name: a}
spec: {node: node-a, cidr: 192.168.1.0/26}
---
apiVersion: projectcalico.org/v3
kind: BlockAffinity
metadata: {name: b}
spec: {node: node-b, cidr: 192.168.2.0/26}
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: pool}
spec: {cidr: 192.168.0.0/16, ipipMode: )" +
           mode + "}\n";
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("two agents in two namespaces: kernel routes, live mode switch, kill -9 and restart",
          "[node-agent][netns]") {
    if (::geteuid() != 0) {
        WARN("not root: the network-namespace test of bgp-node-agent is skipped");
        return;
    }
    Lab lab;
    REQUIRE(lab.route(lab.a, "10.77.0.0/24").find("10.77.0.0/24") != std::string::npos);
    const std::string never = lab.dir + "/never.yaml", always = lab.dir + "/always.yaml";
    write(never, cluster("Never"));
    write(always, cluster("Always"));
    const pid_t a = lab.start(lab.a, "node-a", never);
    (void)lab.start(lab.b, "node-b", never);

    REQUIRE(lab.wait_route(lab.a, "192.168.2.0/26", "via 10.77.0.2"));
    CHECK(lab.route(lab.a, "192.168.2.0/26") ==
          "192.168.2.0/26 via 10.77.0.2 dev " + lab.tag + "x proto 201");
    CHECK(lab.wait_route(lab.a, "192.168.1.0/26", "blackhole"));
    CHECK(lab.wait_route(lab.b, "192.168.1.0/26", "via 10.77.0.1"));

    // Live switch to Always: the route moves onto tunl0, onlink.
    const std::string socket_a = lab.dir + "/node-a.sock";
    CHECK(lab.agent("apply --socket " + socket_a + " -f " + always).find("resources applied") !=
          std::string::npos);
    REQUIRE(lab.wait_route(lab.a, "192.168.2.0/26", "tunl0"));
    CHECK(lab.route(lab.a, "192.168.2.0/26") ==
          "192.168.2.0/26 via 10.77.0.2 dev tunl0 proto 201 onlink");
    const std::string shown = lab.agent("show routes --socket " + socket_a);
    CHECK(shown.find("pool pool mode Always encapsulation ipip") != std::string::npos);

    // kill -9: the kernel keeps both routes; the restarted agent adopts them and
    // after End-of-RIB from node-b they are still there, none stale.
    lab.stop(a, SIGKILL);
    CHECK(lab.route(lab.a, "192.168.2.0/26") ==
          "192.168.2.0/26 via 10.77.0.2 dev tunl0 proto 201 onlink");
    CHECK(lab.route(lab.b, "192.168.1.0/26").find("via 10.77.0.1") != std::string::npos);
    (void)lab.start(lab.a, "node-a", always);
    bool synced = false;
    for (int i = 0; i < 400 && !synced; ++i) {
        std::ifstream log(lab.dir + "/node-a.log");
        std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
        synced = text.find("adopted") != std::string::npos &&
                 text.find("End-of-RIB from every peer") != std::string::npos;
        if (!synced) std::this_thread::sleep_for(50ms);
    }
    CHECK(synced);
    CHECK(lab.route(lab.a, "192.168.2.0/26") ==
          "192.168.2.0/26 via 10.77.0.2 dev tunl0 proto 201 onlink");
    CHECK(lab.route(lab.a, "192.168.1.0/26") == "blackhole 192.168.1.0/26 proto 201");
}

TEST_CASE(
    "an agent with --table and --route-protocol: its routes go there, and only those "
    "of its protocol are adopted and swept",
    "[node-agent][netns]") {
    if (::geteuid() != 0) {
        WARN("not root: the network-namespace test of bgp-node-agent is skipped");
        return;
    }
    Lab lab;
    const std::string never = lab.dir + "/never.yaml";
    write(never, cluster("Never"));
    // Left in table 100 by an earlier run with protocol 202 (stale: no one announces
    // it), and routes of other protocols that must stay.
    sh("ip -n " + lab.a + " route add 192.168.9.0/26 via 10.77.0.2 table 100 proto 202");
    sh("ip -n " + lab.a + " route add 192.168.8.0/26 via 10.77.0.2 table 100 proto 201");
    sh("ip -n " + lab.a + " route add 192.168.7.0/26 via 10.77.0.2 proto 202");
    (void)lab.start(lab.a, "node-a", never, {"--table", "100", "--route-protocol", "202"});
    (void)lab.start(lab.b, "node-b", never);

    auto table100 = [&] { return sh("ip -n " + lab.a + " route show table 100 proto 202"); };
    bool ok = false;
    for (int i = 0; i < 400 && !ok; ++i) {
        const std::string t = table100();
        ok = t.find("192.168.2.0/26 via 10.77.0.2") != std::string::npos &&
             t.find("192.168.9.0/26") == std::string::npos;
        if (!ok) std::this_thread::sleep_for(50ms);
    }
    const std::string t = table100();
    CHECK(t.find("192.168.2.0/26 via 10.77.0.2 dev " + lab.tag + "x") != std::string::npos);
    CHECK(t.find("blackhole 192.168.1.0/26") != std::string::npos);
    CHECK(t.find("192.168.9.0/26") == std::string::npos);  // swept after End-of-RIB
    // Not in the main table; other protocols' routes untouched, in either table.
    CHECK(lab.route(lab.a, "192.168.2.0/26").empty());
    CHECK(lab.route(lab.a, "192.168.7.0/26").find("proto 202") != std::string::npos);
    CHECK(sh("ip -n " + lab.a + " route show table 100 proto 201").find("192.168.8.0/26") !=
          std::string::npos);
    // Refused at once, with the reason: a protocol of the kernel's, an unknown name.
    CHECK(lab.agent("run --node node-a --socket " + lab.dir + "/x.sock -f " + never +
                    " --route-protocol 2")
              .find("--route-protocol: 2 is reserved") != std::string::npos);
    CHECK(lab.agent("run --node node-a --socket " + lab.dir + "/x.sock -f " + never +
                    " --route-protocol no-such-name")
              .find("neither a number 5-255 nor a name") != std::string::npos);
}
