// An agent restarting with an ECMP route adopted from the kernel (graceful
// restart, FIB kept): it must not rewrite that route from a partial RIB. Two
// agents a and b own the same anycast block; c comes up with the multipath
// route to both already installed (adopted) and must not replace it by the
// single next hop of whichever peer's UPDATE arrives first (RFC 4724 §4.1:
// selection deferred until every peer has sent End-of-RIB). A peer that never
// comes up ends the deferral after AgentOptions::selection_deferral.
#include <boost/asio/io_context.hpp>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "agent_support.hpp"
#include "node-agent/agent.hpp"

namespace {

using namespace bgp::node_agent;
using node_agent_test::run_until;
using namespace std::chrono_literals;

// An in-memory FIB that starts with routes "left by a previous run" and
// records every route written to it.
class AdoptingSink final : public RouteSink {
  public:
    explicit AdoptingSink(std::vector<bgp::fib::Route> left) {
        for (auto& r : left) routes_.insert_or_assign(r.prefix.to_string(), std::move(r));
        adopted_ = routes_.size();
    }
    void start() override {}
    void set(const bgp::fib::Route& route) override {
        writes.push_back(route);
        routes_.insert_or_assign(route.prefix.to_string(), route);
    }
    void remove(const bgp::wire::Prefix& prefix) override { routes_.erase(prefix.to_string()); }
    void sync_done() override { synced = true; }
    void flush() override {}
    [[nodiscard]] std::vector<bgp::fib::Route> installed() const override {
        std::vector<bgp::fib::Route> out;
        for (const auto& [k, r] : routes_) out.push_back(r);
        return out;
    }
    [[nodiscard]] std::optional<bgp::fib::Nexthop> lookup(
        const bgp::wire::IpAddress& /*dst*/) const override {
        return std::nullopt;
    }
    void on_kernel_change(std::function<void()> /*handler*/) override {}
    void on_error(std::function<void(const bgp::fib::Route&, std::string_view)>) override {}
    [[nodiscard]] std::uint64_t adopted() const override { return adopted_; }
    [[nodiscard]] bool kernel() const override { return false; }

    std::vector<bgp::fib::Route> writes;
    bool synced = false;

  private:
    std::map<std::string, bgp::fib::Route> routes_;
    std::uint64_t adopted_ = 0;
};

std::string cluster(const std::string& extra_node = {}) {
    std::string text;
    const char* nodes[][2] = {{"a", "127.0.0.2"}, {"b", "127.0.0.3"}, {"c", "127.0.0.4"}};
    for (const auto& n : nodes)
        text += std::string("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata: {name: ") +
                n[0] + "}\nspec: {bgp: {ipv4Address: " + n[1] + "/8}}\n---\n";
    if (!extra_node.empty())
        text +=
            "apiVersion: projectcalico.org/v3\nkind: Node\nmetadata: {name: d}\n"
            "spec: {bgp: {ipv4Address: " +
            extra_node + "/8}}\n---\n";
    for (const char* n : {"a", "b"})
        text += std::string(
                    "apiVersion: projectcalico.org/v3\nkind: BlockAffinity\nmetadata: "
                    "{name: anycast-") +
                n + "}\nspec: {node: " + n + ", cidr: 192.168.9.0/26, state: confirmed}\n---\n";
    return text +
           "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata: {name: pool}\n"
           "spec: {cidr: 192.168.0.0/16, ipipMode: Always}\n";
}

Cluster parse(const std::string& text) {
    Cluster c;
    c.apply(parse_manifests("cluster.yaml", text));
    c.validate();
    return c;
}

AgentOptions options(const std::string& node, std::uint16_t port) {
    AgentOptions o;
    o.node = node;
    o.bgp_port = port;
    o.log_level = bgp::LogLevel::warning;
    return o;
}

const auto anycast = *bgp::wire::Prefix::parse("192.168.9.0/26");

bgp::fib::Route ecmp_route() {
    bgp::fib::Route r{anycast, bgp::fib::RouteType::unicast, {}};
    for (const char* gw : {"127.0.0.2", "127.0.0.3"})
        r.nexthops.push_back(bgp::fib::Nexthop{*bgp::wire::IpAddress::parse(gw), "tunl0", true, 1});
    return r;
}

std::unique_ptr<Agent> peer(boost::asio::io_context& io, const std::string& node,
                            const std::string& text, std::uint16_t port) {
    return std::make_unique<Agent>(io, options(node, port), parse(text),
                                   std::make_unique<MemorySink>(),
                                   [](bgp::LogLevel, std::string_view) {});
}

}  // namespace

TEST_CASE("a restarting agent keeps an adopted ECMP route until every peer has re-sent its path",
          "[node-agent]") {
    boost::asio::io_context io;
    const std::string text = cluster();
    auto a = peer(io, "a", text, 21541);
    auto b = peer(io, "b", text, 21541);
    auto sink = std::make_unique<AdoptingSink>(std::vector<bgp::fib::Route>{ecmp_route()});
    AdoptingSink& fib = *sink;
    Agent c(io, options("c", 21541), parse(text), std::move(sink),
            [](bgp::LogLevel, std::string_view) {});
    a->start();
    b->start();
    c.start();
    REQUIRE(run_until(io, [&] { return fib.synced; }));
    for (const auto& w : fib.writes) {
        INFO("written during the restart: " << route_text(w));
        if (w.prefix == anycast) CHECK(w.nexthops.size() == 2);
    }
    REQUIRE(fib.installed().size() == 1);
    CHECK(route_text(fib.installed()[0]) == route_text(ecmp_route()));
}

TEST_CASE("a restarting agent ends the deferral after selection_deferral when a peer stays away",
          "[node-agent]") {
    boost::asio::io_context io;
    const std::string text = cluster("127.0.0.5");  // node d: no agent runs there
    auto a = peer(io, "a", text, 21542);
    auto b = peer(io, "b", text, 21542);
    AgentOptions o = options("c", 21542);
    o.selection_deferral = 1s;
    // one adopted route of a block that went away, so that c restarts gracefully
    auto sink = std::make_unique<AdoptingSink>(std::vector<bgp::fib::Route>{bgp::fib::Route{
        *bgp::wire::Prefix::parse("192.168.250.0/26"), bgp::fib::RouteType::blackhole, {}}});
    AdoptingSink& fib = *sink;
    Agent c(io, o, parse(text), std::move(sink), [](bgp::LogLevel, std::string_view) {});
    a->start();
    b->start();
    c.start();
    REQUIRE(run_until(io, [&] {
        for (const auto& r : fib.installed())
            if (r.prefix == anycast && r.nexthops.size() == 2) return true;
        return false;
    }));
    CHECK_FALSE(fib.synced);  // d never sent End-of-RIB: the sink's own grace sweeps
}
