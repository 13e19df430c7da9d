// bgp-node-agent: a Calico-style node agent on libbgp (see README.md).
//
//   bgp-node-agent run --node NAME --socket PATH -f FILE [-f FILE...]
//   bgp-node-agent apply --socket PATH -f FILE
//   bgp-node-agent show routes --socket PATH [--json]
//   bgp-node-agent show peers --socket PATH [--json]
#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "agent.hpp"
#include "autodetect.hpp"
#include "control.hpp"
#include "manifest.hpp"
#ifdef BGP_NODE_AGENT_NAT
#include "nat.hpp"
#endif

namespace {

namespace na = bgp::node_agent;

constexpr const char* usage_text =
    "usage:\n"
    "  bgp-node-agent run --node NAME --socket PATH -f FILE [-f FILE...]\n"
    "                     [--autodetect METHOD] [--bgp-port N] [--max-paths N]\n"
    "                     [--no-kernel] [--route-protocol N|NAME] [--table N]\n"
    "                     [--log-level LEVEL]\n"
    "  bgp-node-agent apply --socket PATH -f FILE\n"
    "  bgp-node-agent show routes --socket PATH [--json]\n"
    "  bgp-node-agent show peers --socket PATH [--json]\n"
    "  bgp-node-agent --help | --version\n"
    "\n"
    "run      runs the agent for Node NAME with the Calico manifests (v1 or v3) of the files;\n"
    "         the node address is spec.bgp.ipv4Address, else autodetected with METHOD\n"
    "         (first-found, interface=REGEX, skip-interface=REGEX, cidr=CIDR, can-reach=ADDR;\n"
    "         default $IP_AUTODETECTION_METHOD or first-found). --no-kernel: routes in memory "
    "only.\n"
    "         Routes go to table N (default 254, main) with route protocol N or a name from\n"
    "         /etc/iproute2/rt_protos{,.d} (default 201, \"libbgp\"); at start the agent adopts\n"
    "         the routes of that protocol in that table and removes the ones it no longer wants.\n"
    "apply    validates FILE and applies it to the running agent (nothing changes if invalid)\n"
    "show     prints the routes the agent installed and why, or its BGP sessions\n"
    "LEVEL    trace, debug, info (default), warning, error\n";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "bgp-node-agent: %s\n%s", message.c_str(), usage_text);
    return 2;
}

struct Args {
    std::vector<std::string> words;  // positional
    std::string node, socket, autodetect, log_level = "info";
    std::vector<std::string> files;
    bool json = false, no_kernel = false;
    std::uint16_t bgp_port = 179;
    std::uint16_t max_paths = 8;
    na::KernelOptions kernel;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("{}: cannot read the file", path));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::uint16_t number(const std::string& option, const std::string& text, unsigned lo, unsigned hi) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < lo || v > hi)
        throw std::invalid_argument(
            fmt::format("{}: expected {}..{}, got \"{}\"", option, lo, hi, text));
    return static_cast<std::uint16_t>(v);
}

void log_line(bgp::LogLevel level, std::string_view line) {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::fprintf(stderr, "%s %s %.*s\n", stamp, std::string(bgp::to_string(level)).c_str(),
                 static_cast<int>(line.size()), line.data());
    std::fflush(stderr);
}

int run(const Args& a) {
    if (a.node.empty()) return usage_error("run needs --node NAME");
    if (a.socket.empty()) return usage_error("run needs --socket PATH");
    if (a.files.empty()) return usage_error("run needs at least one -f FILE");
    auto level = bgp::parse_log_level(a.log_level);
    if (!level) return usage_error(fmt::format("--log-level: unknown level \"{}\"", a.log_level));

    na::Cluster cluster;
    try {
        for (const auto& f : a.files) cluster.apply(na::load_manifest_file(f));
        cluster.validate();
    } catch (const na::ManifestError& e) {
        std::fprintf(stderr, "bgp-node-agent: %s\n", e.what());
        return 2;
    }

    std::string method = a.autodetect;
    if (method.empty()) {
        const char* env = std::getenv("IP_AUTODETECTION_METHOD");
        method = env != nullptr && *env != '\0' ? env : "first-found";
    }
    na::AgentOptions options;
    options.node = a.node;
    options.bgp_port = a.bgp_port;
    options.max_paths = a.max_paths;
    options.log_level = *level;
    const na::NodeResource* self = cluster.node(a.node);
    if (self == nullptr || !self->ipv4) {
        na::AutodetectMethod m;
        try {
            m = na::AutodetectMethod::parse(method);
        } catch (const std::invalid_argument& e) {
            return usage_error(e.what());
        }
        std::string how;
        auto found = m.detect(na::system_interfaces(), true, na::route_source, &how);
        if (!found) {
            std::fprintf(
                stderr,
                "bgp-node-agent: node %s has no spec.bgp.ipv4Address and %s found no address%s%s\n",
                a.node.c_str(), method.c_str(), how.empty() ? "" : ": ", how.c_str());
            return 1;
        }
        options.detected = found->address;
        options.detected_interface = found->interface;
        log_line(bgp::LogLevel::info, fmt::format("node {}: autodetected {} ({})", a.node,
                                                  found->address.to_string(), how));
    }

#ifdef BGP_NODE_AGENT_NAT
    std::unique_ptr<node_agent::Nat> nat;
    if (!a.no_kernel) {
        options.nat = [&nat](const std::vector<bgp::wire::Prefix>& masquerade,
                             const std::vector<bgp::wire::Prefix>& all) {
            if (!nat) nat = std::make_unique<node_agent::Nat>();
            nat->set_pools(masquerade, all);
        };
    }
#endif
    boost::asio::io_context io;
    std::unique_ptr<na::RouteSink> sink;
    if (!a.no_kernel) {
        try {
            sink = na::make_kernel_sink(&io, a.kernel);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bgp-node-agent: kernel FIB: %s\n", e.what());
            return 1;
        }
        if (sink)
            log_line(bgp::LogLevel::info, fmt::format("kernel routes: table {}, route protocol {}",
                                                      a.kernel.table, a.kernel.protocol));
        if (!sink)
            log_line(
                bgp::LogLevel::warning,
                "this build has no kernel FIB sink (bgp::fib): routes are kept in memory only");
    }
    try {
        na::Agent agent(io, options, std::move(cluster), std::move(sink), log_line);
        na::ControlServer control(
            io, a.socket, [&agent](std::string_view header, std::string_view body) {
                if (header.rfind("apply ", 0) == 0) {
                    const std::string file(header.substr(6));
                    try {
                        return na::ControlReply{true, agent.apply(na::parse_manifests(file, body))};
                    } catch (const std::exception& e) {
                        log_line(bgp::LogLevel::warning,
                                 fmt::format("apply {} refused: {}", file, e.what()));
                        return na::ControlReply{false,
                                                fmt::format("{} (nothing applied)", e.what())};
                    }
                }
                if (header == "show routes")
                    return na::ControlReply{true, agent.show_routes(false)};
                if (header == "show routes --json")
                    return na::ControlReply{true, agent.show_routes(true)};
                if (header == "show peers") return na::ControlReply{true, agent.show_peers(false)};
                if (header == "show peers --json")
                    return na::ControlReply{true, agent.show_peers(true)};
                return na::ControlReply{false, fmt::format("unknown request \"{}\"", header)};
            });
        agent.start();
        boost::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](boost::system::error_code ec, int sig) {
            if (ec) return;
            log_line(bgp::LogLevel::info,
                     fmt::format("signal {}: stopping (routes stay in the kernel)", sig));
            control.close();
            agent.stop([&io] { io.stop(); });
        });
        io.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bgp-node-agent: %s\n", e.what());
        return 1;
    }
    return 0;
}

int client(const Args& a) {
    if (a.socket.empty()) return usage_error("needs --socket PATH");
    std::string header, body;
    if (a.words[0] == "apply") {
        if (a.words.size() != 1) return usage_error("apply takes no other words");
        if (a.files.size() != 1) return usage_error("apply needs exactly one -f FILE");
        header = "apply " + a.files[0];
        try {
            body = read_file(a.files[0]);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bgp-node-agent: %s\n", e.what());
            return 1;
        }
    } else {
        if (a.words.size() != 2 || (a.words[1] != "routes" && a.words[1] != "peers"))
            return usage_error("show routes | show peers");
        header = "show " + a.words[1] + (a.json ? " --json" : "");
    }
    try {
        const na::ControlReply r = na::control_request(a.socket, header, body);
        std::fputs(r.text.c_str(), r.ok ? stdout : stderr);
        return r.ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bgp-node-agent: %s\n", e.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            auto value = [&]() -> std::string {
                if (i + 1 >= argc)
                    throw std::invalid_argument(fmt::format("{} needs a value", arg));
                return argv[++i];
            };
            if (arg == "--help" || arg == "-h") {
                std::fputs(usage_text, stdout);
                return 0;
            }
            if (arg == "--version") {
                std::puts("bgp-node-agent " BGP_NODE_AGENT_VERSION);
                return 0;
            }
            if (arg == "--node")
                a.node = value();
            else if (arg == "--socket")
                a.socket = value();
            else if (arg == "-f" || arg == "--filename")
                a.files.push_back(value());
            else if (arg == "--json")
                a.json = true;
            else if (arg == "--no-kernel")
                a.no_kernel = true;
            else if (arg == "--autodetect")
                a.autodetect = value();
            else if (arg == "--log-level")
                a.log_level = value();
            else if (arg == "--bgp-port")
                a.bgp_port = number(arg, value(), 1, 65535);
            else if (arg == "--max-paths")
                a.max_paths = number(arg, value(), 1, 64);
            else if (arg == "--route-protocol")
                a.kernel.protocol = na::parse_route_protocol(value(), na::rt_protos_files());
            else if (arg == "--table")
                a.kernel.table = na::parse_route_table(value());
            else if (!arg.empty() && arg[0] == '-')
                throw std::invalid_argument(fmt::format("unknown option {}", arg));
            else
                a.words.push_back(arg);
        }
    } catch (const std::invalid_argument& e) {
        return usage_error(e.what());
    }
    if (a.words.empty()) return usage_error("a command is needed: run, apply or show");
    if (a.words[0] == "run") {
        if (a.words.size() != 1) return usage_error("run takes no other words");
        return run(a);
    }
    if (a.words[0] == "apply" || a.words[0] == "show") return client(a);
    return usage_error(fmt::format("unknown command \"{}\"", a.words[0]));
}
