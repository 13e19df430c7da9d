// Two node agents on loopback (127.0.0.2 and 127.0.0.3, real BGP sessions,
// in-memory FIB): each announces its own block, installs the other's as the pool
// mode says, and a live apply switching the mode rewrites the route; a bad
// apply changes nothing. The control socket carries apply and show routes.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "node-agent/agent.hpp"
#include "node-agent/control.hpp"

namespace {

using namespace bgp::node_agent;
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

/// Runs the io_context until `done` (at most 15 s).
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        io.run_for(20ms);
        io.restart();
    }
    return true;
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
