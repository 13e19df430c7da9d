// `bgp-reflector inject`: the speaker that announces an MRT file's routes to the
// reflector, and the subcommand around it (see inject.hpp).
#include "inject.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "bgp/mrt/reader.hpp"

namespace bgp::reflector {

namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t default_router_id = 0xc0000201;  // 192.0.2.1 (RFC 5737)
constexpr auto poll_interval = 100ms;
constexpr int quiet_polls = 3;  // queue empty and nothing sent for this many polls

}  // namespace

struct Injector::Impl {
    boost::asio::io_context& io;
    InjectOptions options;
    std::ostream& out;
    std::unique_ptr<Speaker> speaker;
    boost::asio::steady_timer timer;
    std::size_t announced = 0;
    std::size_t announced_v4 = 0;
    std::size_t announced_v6 = 0;
    std::size_t rejected = 0;
    bool eor_sent = false;
    bool polling = false;
    std::uint64_t last_sent = 0;
    int quiet = 0;
    std::function<void()> on_eor;

    Impl(boost::asio::io_context& i, InjectOptions o, std::ostream& progress)
        : io(i), options(std::move(o)), out(progress), timer(i) {}

    // Whether every route of each negotiated family is in the neighbour's
    // Adj-RIB-Out (PeerStatus::families).
    [[nodiscard]] bool all_advertised(const PeerStatus& st) const {
        if (st.families.empty()) return false;
        for (const FamilyCounts& c : st.families) {
            const std::size_t want = c.family == wire::ipv4_unicast   ? announced_v4
                                     : c.family == wire::ipv6_unicast ? announced_v6
                                                                      : 0;
            if (c.advertised < want) return false;
        }
        return true;
    }

    // End-of-RIB goes out right after the initial table, once nothing is
    // queued (bgp::Speaker, RFC 4724 §2); the speaker reports no event for it,
    // so the session is watched: done once the write queue is empty, nothing
    // was sent since the last poll (at least one UPDATE per family: the EoRs),
    // and every route is advertised - or, for routes the speaker does not
    // send (an IPv6 route over an IPv4 session without an IPv6 next hop),
    // after a few such quiet polls.
    void poll() {
        timer.expires_after(poll_interval);
        timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec) return;
            const auto st = speaker->peer(options.neighbor);
            if (!st || st->state != fsm::State::established) {
                polling = false;
                return;
            }
            const std::size_t families = st->negotiated ? st->negotiated->families.size() : 1;
            const bool idle = st->write_queue_bytes == 0 && st->updates_sent == last_sent &&
                              st->updates_sent >= families;
            quiet = idle ? quiet + 1 : 0;
            last_sent = st->updates_sent;
            if (quiet == 0 || (quiet < quiet_polls && !all_advertised(*st))) {
                poll();
                return;
            }
            polling = false;
            if (eor_sent) return;
            eor_sent = true;
            out << "inject: End-of-RIB sent: " << announced << " route(s) announced in "
                << st->updates_sent << " UPDATE(s)" << std::endl;
            if (on_eor) on_eor();
        });
    }
};

Injector::Injector(boost::asio::io_context& io, const InjectOptions& o, InjectTable table,
                   std::ostream& progress)
    : impl_(std::make_unique<Impl>(io, o, progress)) {
    SpeakerConfig sc;
    sc.local_as = o.local_as.value_or(o.asn);
    sc.router_id = o.router_id.value_or(o.local_address && o.local_address->is_v4()
                                            ? o.local_address->v4_value()
                                            : default_router_id);
    sc.keep_received_routes = false;  // what the reflector sends back is not kept
    sc.log_level = LogLevel::warning;
    sc.log = [](LogLevel level, std::string_view line) {
        std::fprintf(stderr, "inject: %s: %.*s\n", std::string(to_string(level)).c_str(),
                     static_cast<int>(line.size()), line.data());
    };
    impl_->speaker = std::make_unique<Speaker>(io, sc);

    PeerConfig p;
    p.address = o.neighbor;
    p.port = o.port;
    p.local_address = o.local_address;
    p.peer_as = o.asn;
    p.description = "inject";
    p.session.families =
        o.families.empty() ? std::vector{wire::ipv4_unicast, wire::ipv6_unicast} : o.families;
    if (o.hold_time) p.session.hold_time = std::chrono::seconds(*o.hold_time);
    p.session.connect_retry_time = 5s;
    p.session.idle_hold_time = 1s;
    impl_->speaker->add_peer(p);

    for (auto& r : table.routes) {
        try {
            const bool v4 = r.prefix.afi() == wire::Afi::ipv4;
            impl_->speaker->announce(std::move(r));
            ++impl_->announced;
            ++(v4 ? impl_->announced_v4 : impl_->announced_v6);
        } catch (const std::invalid_argument&) {
            ++impl_->rejected;
        }
    }
    impl_->out << "inject: " << impl_->announced << " route(s) to announce to "
               << o.neighbor.to_string() << " port " << o.port << " (AS " << o.asn << ") as AS "
               << sc.local_as << ", router id " << wire::IpAddress::v4(sc.router_id).to_string();
    if (impl_->rejected > 0) impl_->out << "; " << impl_->rejected << " refused by the speaker";
    impl_->out << std::endl;
}

Injector::~Injector() = default;

void Injector::start(std::function<void()> on_eor) {
    impl_->on_eor = std::move(on_eor);
    Impl* impl = impl_.get();
    impl->speaker->on_state_change([impl](const PeerEvent& e) {
        impl->out << "inject: session " << e.peer.to_string() << ": " << fsm::to_string(e.from)
                  << " -> " << fsm::to_string(e.to);
        if (!e.reason.text.empty()) impl->out << " (" << e.reason.text << ")";
        impl->out << std::endl;
        if (e.to == fsm::State::established && !impl->eor_sent && !impl->polling) {
            impl->polling = true;
            impl->quiet = 0;
            impl->last_sent = 0;
            impl->poll();
        }
    });
    impl->speaker->start();
}

void Injector::stop(std::function<void()> done) {
    impl_->timer.cancel();
    impl_->speaker->shutdown("bgp-reflector inject: done", std::move(done));
}

bool Injector::eor_sent() const { return impl_->eor_sent; }
std::size_t Injector::announced() const { return impl_->announced; }
Speaker& Injector::speaker() { return *impl_->speaker; }

int run_inject(const InjectOptions& options) {
    const auto data = mrt::read_file(options.mrt_file);
    if (!data) {
        std::cerr << "bgp-reflector inject: " << data.error() << '\n';
        return 1;
    }
    InjectTable table = load_inject_table(*data, options);
    std::cout << "inject: " << options.mrt_file << ": " << table.records << " record(s), "
              << table.rib_entries << " RIB entr" << (table.rib_entries == 1 ? "y" : "ies") << ", "
              << table.updates << " UPDATE(s) replayed: " << table.routes.size() << " route(s) ("
              << table.filtered << " filtered, " << table.unusable
              << " without a usable next hop or undecodable, " << table.withdrawn << " withdrawn)"
              << std::endl;
    if (table.damaged > 0)
        std::cerr << "bgp-reflector inject: " << table.damaged << " damaged record(s) in "
                  << options.mrt_file << '\n';

    boost::asio::io_context io;
    std::unique_ptr<Injector> injector;
    try {
        injector = std::make_unique<Injector>(io, options, std::move(table), std::cout);
    } catch (const std::invalid_argument& e) {
        std::cerr << "bgp-reflector inject: " << e.what() << '\n';
        return 1;
    }
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    bool stopping = false;
    const auto stop = [&] {
        if (stopping) {
            io.stop();  // a second signal: at once
            return;
        }
        stopping = true;
        injector->stop([&] { signals.cancel(); });
    };
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& ec, int) {
            if (ec) return;
            std::cout << "inject: signal, shutting down" << std::endl;
            stop();
            signals.async_wait(on_signal);
        };
    signals.async_wait(on_signal);
    try {
        injector->start([&] {
            if (options.exit_after_eor) stop();
        });
    } catch (const std::system_error& e) {
        std::cerr << "bgp-reflector inject: cannot start: " << e.what() << '\n';
        return 1;
    }
    io.run();
    return 0;
}

int inject_main(std::span<const std::string_view> args) {
    const auto parsed = parse_inject_args(args);
    if (const auto* error = std::get_if<std::string>(&parsed)) {
        std::cerr << "bgp-reflector inject: " << *error << "\n\n" << inject_usage();
        return 2;
    }
    const auto& options = std::get<InjectOptions>(parsed);
    if (options.help) {
        std::cout << inject_usage();
        return 0;
    }
    try {
        return run_inject(options);
    } catch (const std::exception& e) {
        std::cerr << "bgp-reflector inject: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace bgp::reflector
