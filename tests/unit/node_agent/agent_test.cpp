// Two node agents on loopback (127.0.0.2 and 127.0.0.3, real BGP sessions,
// in-memory FIB): each announces its own block, installs the other's as the pool
// mode says, and a live apply switching the mode rewrites the route; a bad
// apply changes nothing. The control socket carries apply and show routes.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <string>
#include <thread>

#include "agent_support.hpp"
#include "node-agent/agent.hpp"
#include "node-agent/control.hpp"

namespace {

using namespace bgp::node_agent;
using node_agent_test::run_until;
using namespace std::chrono_literals;

std::string nodes(const std::string& pool_mode, const std::string& extra = {}) {
    return R"(apiVersion: projectcalico.org/v3
kind: Node
metadata: {name: a}
spec: {bgp: {ipv4Address: 127.0.0.2/8}}
---
apiVersion: projectcalico.org/v3
kind: Node
metadata: {name: b}
spec: {bgp: {ipv4Address: 127.0.0.3/8}}
---
apiVersion: projectcalico.org/v3
kind: BlockAffinity
metadata: {name: a-1}
spec: {node: a, cidr: 192.168.1.0/26, state: confirmed}
---
apiVersion: projectcalico.org/v3
kind: BlockAffinity
metadata: {name: b-2}
spec: {node: b, cidr: 192.168.2.0/26, state: confirmed}
---
)" +
           std::string(
               "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: pool}\nspec: "
               "{cidr: 192.168.0.0/16, ipipMode: ") +
           pool_mode + "}\n" + extra;
}

std::unique_ptr<Agent> make_agent(boost::asio::io_context& io, const std::string& node,
                                  const std::string& text, std::uint16_t port) {
    Cluster c;
    c.apply(parse_manifests("cluster.yaml", text));
    c.validate();
    AgentOptions o;
    o.node = node;
    o.bgp_port = port;
    o.log_level = bgp::LogLevel::warning;
    return std::make_unique<Agent>(io, o, std::move(c), std::make_unique<MemorySink>(),
                                   [](bgp::LogLevel, std::string_view) {});
}

std::string route_of(const Agent& agent, const std::string& prefix) {
    for (const auto& r : agent.sink().installed())
        if (r.prefix.to_string() == prefix) return route_text(r);
    return "none";
}

}  // namespace

TEST_CASE("two agents exchange their blocks; apply switches the pool mode live", "[node-agent]") {
    boost::asio::io_context io;
    const std::string text = nodes("Never");
    auto a = make_agent(io, "a", text, 21531);
    auto b = make_agent(io, "b", text, 21531);
    a->start();
    b->start();
    CHECK(route_of(*a, "192.168.1.0/26") == "blackhole 192.168.1.0/26");
    REQUIRE(run_until(io, [&] {
        return route_of(*a, "192.168.2.0/26") != "none" && route_of(*b, "192.168.1.0/26") != "none";
    }));
    CHECK(route_of(*a, "192.168.2.0/26") == "192.168.2.0/26 via 127.0.0.3");
    CHECK(route_of(*b, "192.168.1.0/26") == "192.168.1.0/26 via 127.0.0.2");
    CHECK(route_of(*b, "192.168.2.0/26") == "blackhole 192.168.2.0/26");
    REQUIRE(run_until(io, [&] { return static_cast<const MemorySink&>(a->sink()).synced(); }));

    const std::string summary = a->apply(parse_manifests("always.yaml", nodes("Always")));
    CHECK(summary.find("pool pool 192.168.0.0/16 changed: ipipMode Always") != std::string::npos);
    CHECK(route_of(*a, "192.168.2.0/26") == "192.168.2.0/26 via 127.0.0.3 dev tunl0 onlink");
    // 127.0.0.3 is inside a's subnet 127.0.0.0/8: CrossSubnet goes direct.
    (void)a->apply(parse_manifests("cross.yaml", nodes("CrossSubnet")));
    CHECK(route_of(*a, "192.168.2.0/26") == "192.168.2.0/26 via 127.0.0.3");
    const std::string shown = a->show_routes(false);
    CHECK(shown.find("ipipMode CrossSubnet: 127.0.0.3 inside 127.0.0.0/8") != std::string::npos);
    CHECK(a->show_routes(true).find("\"route\":\"192.168.2.0/26 via 127.0.0.3\"") !=
          std::string::npos);

    // A bad manifest changes nothing.
    CHECK_THROWS_AS(a->apply(parse_manifests("bad.yaml", nodes("Sometimes"))), ManifestError);
    CHECK(route_of(*a, "192.168.2.0/26") == "192.168.2.0/26 via 127.0.0.3");

    // b gives its block up: withdrawn at a, blackhole gone at b.
    const std::string without_b =
        nodes("CrossSubnet") +
        "---\napiVersion: projectcalico.org/v3\nkind: BlockAffinity\nmetadata: {name: b-2}\n"
        "spec: {node: b, cidr: 192.168.2.0/26, state: pendingDeletion}\n";
    (void)b->apply(parse_manifests("release.yaml", without_b));
    CHECK(route_of(*b, "192.168.2.0/26") == "none");
    REQUIRE(run_until(io, [&] { return route_of(*a, "192.168.2.0/26") == "none"; }));

    bool stopped_a = false, stopped_b = false;
    a->stop([&] { stopped_a = true; });
    b->stop([&] { stopped_b = true; });
    CHECK(run_until(io, [&] { return stopped_a && stopped_b; }));
}

TEST_CASE("BGPPeers with an MD5 password and the mesh off", "[node-agent]") {
    boost::asio::io_context io;
    const std::string peers = R"(---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: default}
spec: {nodeToNodeMeshEnabled: false}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: a-to-b}
spec: {peerIP: 127.0.0.3, asNumber: 64512, password: t0p-secret, node: a}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: b-to-a}
spec: {peerIP: 127.0.0.2, asNumber: 64512, password: t0p-secret, node: b}
)";
    auto a = make_agent(io, "a", nodes("Always", peers), 21532);
    auto b = make_agent(io, "b", nodes("Always", peers), 21532);
    a->start();
    b->start();
    REQUIRE(run_until(io, [&] { return route_of(*a, "192.168.2.0/26") != "none"; }));
    CHECK(route_of(*a, "192.168.2.0/26") == "192.168.2.0/26 via 127.0.0.3 dev tunl0 onlink");
    REQUIRE(a->speaker().peers().size() == 1);
    CHECK(a->speaker().peers()[0].state == bgp::fsm::State::established);
}

TEST_CASE("the control socket: 0660, apply and show routes, removed on close", "[node-agent]") {
    boost::asio::io_context io;
    auto a = make_agent(io, "a", nodes("Never"), 21533);
    a->start();
    const std::string path = "/tmp/lba-control-" + std::to_string(::getpid()) + ".sock";
    auto server = std::make_unique<ControlServer>(
        io, path, [&](std::string_view header, std::string_view body) {
            if (header.rfind("apply ", 0) == 0) {
                try {
                    return ControlReply{
                        true, a->apply(parse_manifests(std::string(header.substr(6)), body))};
                } catch (const std::exception& e) {
                    return ControlReply{false, e.what()};
                }
            }
            if (header == "show routes") return ControlReply{true, a->show_routes(false)};
            return ControlReply{false, "unknown request"};
        });
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0660);
    CHECK_THROWS_AS(ControlServer(io, path, {}), std::runtime_error);  // a live agent holds it

    auto ask = [&](std::string header, std::string body) {
        auto f = std::async(std::launch::async,
                            [&path, header, body] { return control_request(path, header, body); });
        run_until(io, [&] { return f.wait_for(0s) == std::future_status::ready; });
        return f.get();
    };
    ControlReply r = ask("apply always.yaml", nodes("Always"));
    CHECK(r.ok);
    CHECK(r.text.find("resources applied") != std::string::npos);
    r = ask("apply bad.yaml", "apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 192.168.0.0/33\n");
    CHECK_FALSE(r.ok);
    CHECK(r.text.rfind("bad.yaml:4: metadata.cidr: expected a CIDR", 0) == 0);
    r = ask("show routes", "");
    CHECK(r.ok);
    CHECK(r.text.find("192.168.1.0/26\n    blackhole 192.168.1.0/26") != std::string::npos);
    r = ask("frobnicate", "");
    CHECK_FALSE(r.ok);

    server.reset();
    CHECK(::access(path.c_str(), F_OK) != 0);
    CHECK_THROWS_AS((void)control_request(path, "show routes", ""), std::runtime_error);
}

namespace {

/// The in-memory sink, counting removals per prefix, and claiming `adopted` routes of a
/// previous run (as the kernel sink does after a restart).
class CountingSink final : public RouteSink {
  public:
    explicit CountingSink(std::uint64_t adopted = 0) : adopted_(adopted) {}
    void start() override { inner_.start(); }
    void set(const bgp::fib::Route& route) override { inner_.set(route); }
    void remove(const bgp::wire::Prefix& prefix) override {
        ++removed[prefix.to_string()];
        inner_.remove(prefix);
    }
    void sync_done() override { inner_.sync_done(); }
    void flush() override {}
    [[nodiscard]] std::vector<bgp::fib::Route> installed() const override {
        return inner_.installed();
    }
    [[nodiscard]] std::optional<bgp::fib::Nexthop> lookup(
        const bgp::wire::IpAddress& dst) const override {
        return inner_.lookup(dst);
    }
    void on_kernel_change(std::function<void()> handler) override {
        inner_.on_kernel_change(std::move(handler));
    }
    void on_error(std::function<void(const bgp::fib::Route&, std::string_view)>) override {}
    [[nodiscard]] std::uint64_t adopted() const override { return adopted_; }
    [[nodiscard]] bool kernel() const override { return false; }
    std::map<std::string, int> removed;

  private:
    MemorySink inner_;
    std::uint64_t adopted_;
};

// Nodes a (127.0.0.2), b (127.0.0.3) and the reflector r (127.0.0.4): mesh off, every
// session to or from r with an MD5 key, as tests/e2e/manifests/cluster-rr.yaml.
std::string reflector_cluster() {
    return nodes("Never", R"(---
apiVersion: projectcalico.org/v3
kind: Node
metadata: {name: r}
spec: {bgp: {ipv4Address: 127.0.0.4/8, routeReflectorClusterID: 244.0.0.1}}
---
apiVersion: projectcalico.org/v3
kind: BlockAffinity
metadata: {name: r-3}
spec: {node: r, cidr: 192.168.3.0/26, state: confirmed}
---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: default}
spec: {nodeToNodeMeshEnabled: false}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: peer-with-rr}
spec: {nodeSelector: all(), peerIP: 127.0.0.4, asNumber: 64512, password: rr-key}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: rr-to-a}
spec: {node: r, peerIP: 127.0.0.2, asNumber: 64512, password: rr-key}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: rr-to-b}
spec: {node: r, peerIP: 127.0.0.3, asNumber: 64512, password: rr-key}
)");
}

std::unique_ptr<Agent> make_agent_on(boost::asio::io_context& io, const std::string& node,
                                     const std::string& text, std::uint16_t port,
                                     std::unique_ptr<RouteSink> sink) {
    Cluster c;
    c.apply(parse_manifests("cluster.yaml", text));
    c.validate();
    AgentOptions o;
    o.node = node;
    o.bgp_port = port;
    o.log_level = bgp::LogLevel::warning;
    return std::make_unique<Agent>(io, o, std::move(c), std::move(sink),
                                   [](bgp::LogLevel, std::string_view) {});
}

bool established(const Agent& agent, std::size_t n) {
    std::size_t up = 0;
    for (const auto& p : agent.speaker().peers())
        up += p.state == bgp::fsm::State::established ? 1 : 0;
    return up == n;
}

void stop_agent(boost::asio::io_context& io, std::unique_ptr<Agent>& agent) {
    bool stopped = false;
    agent->stop([&] { stopped = true; });
    run_until(io, [&] { return stopped; });
    agent.reset();
}

}  // namespace

TEST_CASE("a reflector agent: clients learn each other through it, next hop unchanged",
          "[node-agent]") {
    boost::asio::io_context io;
    const std::string text = reflector_cluster();
    auto sink_a = std::make_unique<CountingSink>();
    CountingSink* counted = sink_a.get();
    auto a = make_agent_on(io, "a", text, 21534, std::move(sink_a));
    auto b = make_agent(io, "b", text, 21534);
    auto r = make_agent(io, "r", text, 21534);
    a->start();
    b->start();
    r->start();
    REQUIRE(run_until(io, [&] {
        return route_of(*a, "192.168.2.0/26") != "none" && route_of(*b, "192.168.1.0/26") != "none";
    }));
    // Reflected with the next hop unchanged (the client's, not the reflector's).
    CHECK(route_of(*a, "192.168.2.0/26") == "192.168.2.0/26 via 127.0.0.3");
    CHECK(route_of(*b, "192.168.1.0/26") == "192.168.1.0/26 via 127.0.0.2");
    REQUIRE(run_until(io, [&] { return route_of(*a, "192.168.3.0/26") != "none"; }));

    // show routes: from the reflector, ORIGINATOR_ID = b, CLUSTER_LIST = [r's cluster].
    CHECK(a->show_routes(true).find(R"("route":"192.168.2.0/26 via 127.0.0.3",)") !=
          std::string::npos);
    CHECK(a->show_routes(true).find(
              R"("from":"127.0.0.4","originator_id":"127.0.0.3","cluster_list":["244.0.0.1"])") !=
          std::string::npos);
    CHECK(a->show_routes(false).find(
              "    from 127.0.0.4, originator 127.0.0.3, cluster list 244.0.0.1\n") !=
          std::string::npos);
    // The reflector's own block reaches a unreflected; r has a's block from a itself.
    CHECK(a->show_routes(true).find(R"("from":"127.0.0.4","originator_id":"","cluster_list":[])") !=
          std::string::npos);
    CHECK(r->show_routes(true).find(R"("from":"127.0.0.2","originator_id":"","cluster_list":[])") !=
          std::string::npos);
    CHECK(r->show_routes(false).find("    from 127.0.0.2\n") != std::string::npos);

    // show peers: a has one session, to r, MD5; r has a and b as clients.
    REQUIRE(run_until(io, [&] { return established(*a, 1) && established(*r, 2); }));
    const std::string pa = a->show_peers(false);
    CHECK(pa.rfind("127.0.0.4 AS64512 Established BGPPeer peer-with-rr; tcp-md5; ", 0) == 0);
    CHECK(pa.find("route-reflector-client") == std::string::npos);
    CHECK(std::count(pa.begin(), pa.end(), '\n') == 1);
    const std::string pr = r->show_peers(false);
    CHECK(pr.find("127.0.0.2 AS64512 Established BGPPeer rr-to-a; tcp-md5; "
                  "route-reflector-client; 1 routes received, 0 stale; 127.0.0.4:") !=
          std::string::npos);
    CHECK(pr.find("127.0.0.3 AS64512 Established BGPPeer rr-to-b; tcp-md5; "
                  "route-reflector-client;") != std::string::npos);
    CHECK(r->show_peers(true).find(R"("md5":true,"rr_client":true,"routes_received":)") !=
          std::string::npos);

    // The reflector restarts (graceful restart: it adopted routes of its previous run)
    // while b is down. a keeps b's block (stale, from r). The restarted reflector must not
    // send a its table and End-of-RIB before b is back (RFC 4724 §4.1 selection deferral):
    // a would sweep b's block.
    const int removed_before = counted->removed["192.168.2.0/26"];
    stop_agent(io, b);
    stop_agent(io, r);
    auto r2 = make_agent_on(io, "r", text, 21534, std::make_unique<CountingSink>(3));
    r2->start();
    REQUIRE(run_until(io, [&] { return established(*a, 1); }));
    const auto until = std::chrono::steady_clock::now() + 2s;  // nothing swept meanwhile
    run_until(io, [&] { return std::chrono::steady_clock::now() > until; });
    CHECK(route_of(*a, "192.168.2.0/26") == "192.168.2.0/26 via 127.0.0.3");
    CHECK(counted->removed["192.168.2.0/26"] == removed_before);
    // b comes back: r2 reflects again, a's stale copy is refreshed, never removed.
    b = make_agent(io, "b", text, 21534);
    b->start();
    REQUIRE(run_until(io, [&] {
        return established(*r2, 2) && a->show_peers(false).find(" 0 stale") != std::string::npos &&
               route_of(*b, "192.168.1.0/26") != "none";
    }));
    CHECK(route_of(*a, "192.168.2.0/26") == "192.168.2.0/26 via 127.0.0.3");
    CHECK(counted->removed["192.168.2.0/26"] == removed_before);
    stop_agent(io, a);
    stop_agent(io, b);
    stop_agent(io, r2);
}

TEST_CASE("vxlan_vteps: adopted routes keep their VTEPs until the FIB is in sync", "[node-agent]") {
    auto via = [](const char* prefix, const char* gw, const char* dev) {
        bgp::fib::Route r;
        r.prefix = *bgp::wire::Prefix::parse(prefix);
        r.nexthops.push_back({*bgp::wire::IpAddress::parse(gw), dev, true});
        return r;
    };
    const std::vector<bgp::fib::Route> planned = {
        via("192.168.2.0/26", "172.16.6.249", "vxlan.calico")};
    const std::vector<bgp::fib::Route> installed = {
        via("192.168.1.0/26", "172.16.6.47", "vxlan.calico"),
        via("192.168.2.0/26", "172.16.6.249", "vxlan.calico"),
        via("192.168.4.0/26", "172.16.6.1", "eth0")};
    using bgp::wire::IpAddress;
    // Restarted, one route relearned: the other adopted route still needs 172.16.6.47.
    CHECK(vxlan_vteps(planned, installed, false, "vxlan.calico") ==
          std::vector<IpAddress>{*IpAddress::parse("172.16.6.47"),
                                 *IpAddress::parse("172.16.6.249")});
    // In sync: only what is planned.
    CHECK(vxlan_vteps(planned, installed, true, "vxlan.calico") ==
          std::vector<IpAddress>{*IpAddress::parse("172.16.6.249")});
}
