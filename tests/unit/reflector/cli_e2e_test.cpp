// The CLI end to end: a real reflector Daemon with its HTTP API on 127.0.0.1
// (ports 27600-27649) and two client speakers, on an io_context in a second
// thread; the CLI's commands run in the test's thread over real HTTP and
// WebSocket and their output is checked: neighbours Established, the best path
// of a prefix and the reason it won, the RIB, status, reload, watch's snapshot,
// neighbor add / delete, an unknown neighbour.
#include <unistd.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/server.hpp"
#include "bgp/speaker/speaker.hpp"
#include "cli/args.hpp"
#include "cli/cli.hpp"
#include "config.hpp"
#include "daemon.hpp"

namespace {

namespace asio = boost::asio;
namespace wire = bgp::wire;
using namespace std::chrono_literals;

wire::IpAddress ip(const char* s) { return *wire::IpAddress::parse(s); }
wire::Prefix pfx(const char* s) { return *wire::Prefix::parse(s); }

struct Result {
    int status = -1;
    std::string out, err;
};

Result cli(std::vector<std::string> args) {
    args.emplace_back("--api");
    args.emplace_back("127.0.0.1:27602");
    std::ostringstream out, err;
    Result r;
    r.status = bgp::reflector::cli::run(bgp::reflector::cli::parse_arguments(args), out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

/// Runs `f` on the io_context's thread and waits for it.
template <class F>
auto on_io(asio::io_context& io, F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto done = task.get_future();
    asio::post(io, [&task] { task(); });
    return done.get();
}

/// Polls `cond` (run in this thread) every 50 ms for at most 20 s.
bool eventually(const std::function<bool()>& cond) {
    for (int i = 0; i < 400; ++i) {
        if (cond()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

std::unique_ptr<bgp::Speaker> client(asio::io_context& io, const char* local, const char* id) {
    bgp::SpeakerConfig c;
    c.local_as = 64512;
    c.router_id = ip(id).v4_value();
    c.log = [](bgp::LogLevel, std::string_view) {};
    auto s = std::make_unique<bgp::Speaker>(io, c);
    bgp::PeerConfig p;
    p.address = ip("127.0.0.1");
    p.port = 27601;
    p.peer_as = 64512;
    p.local_address = ip(local);
    p.session.hold_time = 9s;
    p.session.connect_retry_time = 1s;
    p.session.idle_hold_time = 1s;
    s->add_peer(p);
    s->start();
    return s;
}

std::size_t paths_of(const std::string& prefix) {
    const auto r = cli({"show", "route", prefix, "--json"});
    if (r.status != 0) return 0;
    return boost::json::parse(r.out).at("routes").as_array().size();
}

}  // namespace

TEST_CASE("cli end to end: a daemon, its API and two clients", "[reflector][cli]") {
    const std::string file = "/tmp/bgp-cli-e2e-" + std::to_string(::getpid()) + ".yaml";
    std::ofstream(file) << "router-id: 10.0.0.1\n"
                           "asn: 64512\n"
                           "log-level: warning\n"
                           "listen: { address: 127.0.0.1, port: 27601 }\n"
                           "api: { listen: 127.0.0.1:27602 }\n"
                           "neighbors:\n"
                           "  - { address: 127.0.0.2, asn: 64512, passive: true, "
                           "route-reflector-client: true, hold-time: 9 }\n"
                           "  - { address: 127.0.0.3, asn: 64512, passive: true, "
                           "route-reflector-client: true, hold-time: 9 }\n";
    asio::io_context io;
    bgp::reflector::Daemon daemon(io, bgp::reflector::load_config(file));
    daemon.start();
    auto api = bgp::reflector::api::start_server(io, daemon, "0.0.0-test");
    REQUIRE(api);
    auto a = client(io, "127.0.0.2", "10.0.0.2");
    auto b = client(io, "127.0.0.3", "10.0.0.3");
    auto work = asio::make_work_guard(io);
    std::thread thread([&] { io.run(); });

    const auto established = [&] {
        const auto r = cli({"show", "neighbors"});
        std::size_t n = 0;
        for (std::size_t at = r.out.find("Established"); at != std::string::npos;
             at = r.out.find("Established", at + 1))
            ++n;
        return n == 2;
    };
    CHECK(eventually(established));

    // Two paths for one prefix: A's with the higher LOCAL_PREF wins.
    on_io(io, [&] {
        wire::PathAttributes high;
        high.next_hop = ip("198.18.0.2");
        high.local_pref = 200;
        a->announce(pfx("10.1.0.0/26"), high);
        wire::PathAttributes low;
        low.next_hop = ip("198.18.0.3");
        low.local_pref = 100;
        b->announce(pfx("10.1.0.0/26"), low);
        return true;
    });
    CHECK(eventually([] { return paths_of("10.1.0.0/26") == 2; }));

    auto r = cli({"show", "neighbors"});
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK(r.out.rfind("Neighbor   AS     State        Up/Down   ipv4 Rcv/Acc/Adv\n", 0) == 0);
    CHECK(r.out.find("127.0.0.2  64512  Established  00:00:") != std::string::npos);
    CHECK(r.out.find("127.0.0.3  64512  Established  00:00:") != std::string::npos);

    r = cli({"show", "route", "10.1.0.0/26"});
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK(r.out.rfind("10.1.0.0/26 (ipv4-unicast): 2 paths\n*>  from 127.0.0.2, AS 64512 (best: ",
                      0) == 0);
    CHECK(r.out.find("\n*   from 127.0.0.3, AS 64512") != std::string::npos);
    CHECK(r.out.find("    Local pref  200\n") != std::string::npos);

    r = cli({"show", "rib"});
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK(r.out.find("*>  10.1.0.0/26  198.18.0.2  i        200     -    127.0.0.2\n") !=
          std::string::npos);
    CHECK(r.out.find("*   10.1.0.0/26  198.18.0.3  i        100     -    127.0.0.3\n") !=
          std::string::npos);

    r = cli({"show", "status"});
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK(r.out.rfind("Router ID:", 0) == 0);
    CHECK(r.out.find("Neighbors:            2 configured, 0 dynamic, 2 established\n") !=
          std::string::npos);

    r = cli({"show", "neighbor", "127.0.0.2"});
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK(r.out.rfind("Neighbor 127.0.0.2, AS 64512 (route-reflector client)\n", 0) == 0);
    CHECK(r.out.find("Established, up for 00:00:") != std::string::npos);

    r = cli({"show", "neighbor", "127.0.0.99"});
    INFO(r.out + r.err);
    CHECK(r.status == 1);
    CHECK(r.err.find("(HTTP 404 Not Found)") != std::string::npos);

    r = cli({"reload"});
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK(r.out ==
          "reload applied: 0 added, 0 removed, 0 changed, 2 unchanged; policies unchanged\n");

    r = cli({"watch", "--count", "3"});
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK(r.out ==
          "snapshot begin\n"
          "route 10.1.0.0/26 ipv4-unicast: next hop 198.18.0.2, from 127.0.0.2, AS path i, local "
          "pref 200\n"
          "snapshot end\n");

    r = cli({"neighbor", "add", "127.0.0.9", "as", "64512", "rr-client", "passive"});
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK(r.out == "neighbor 127.0.0.9 added (AS 64512)\n");
    r = cli({"neighbor", "delete", "127.0.0.9"});
    INFO(r.out + r.err);
    CHECK(r.status == 0);
    CHECK(r.out == "neighbor 127.0.0.9 removed\n");

    on_io(io, [&] {
        api->stop();
        return true;
    });
    std::promise<void> closed;
    on_io(io, [&] {
        daemon.shutdown("test over", [&] { closed.set_value(); });
        return true;
    });
    CHECK(closed.get_future().wait_for(20s) == std::future_status::ready);
    on_io(io, [&] {
        a.reset();
        b.reset();
        api.reset();
        return true;
    });
    work.reset();
    io.stop();
    thread.join();
    std::remove(file.c_str());
}
