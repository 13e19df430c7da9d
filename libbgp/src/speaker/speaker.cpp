// bgp::Speaker: the Asio transport under speaker_detail::Core.
#include "bgp/speaker/speaker.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <map>
#include <set>
#include <stdexcept>
#include <system_error>

#include "speaker/connection.hpp"
#include "speaker/core.hpp"
#include "speaker/log.hpp"
#include "speaker/socket_options.hpp"

namespace bgp {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using speaker_detail::Connection;
using speaker_detail::TimePoint;

namespace {

std::string endpoint_text(const tcp::endpoint& e) {
    const auto a = speaker_detail::from_asio(e.address());
    return a.is_v6() ? "[" + a.to_string() + "]:" + std::to_string(e.port())
                     : a.to_string() + ":" + std::to_string(e.port());
}

std::size_t slot(fsm::ConnId c) { return static_cast<std::size_t>(c); }

}  // namespace

struct Speaker::Impl : speaker_detail::Transport, std::enable_shared_from_this<Speaker::Impl> {
    struct PeerIo {
        explicit PeerIo(asio::io_context& io) : timer(io), connect_timer(io) {}
        std::shared_ptr<Connection> conns[2];
        std::shared_ptr<tcp::socket> connecting;  ///< outgoing connect in progress
        asio::steady_timer timer;
        asio::steady_timer connect_timer;
        std::uint64_t timer_generation = 0;
    };
    struct Listener {
        ListenConfig config;
        std::unique_ptr<tcp::acceptor> acceptor;
        tcp::endpoint bound;
        /// MD5 keys installed: (address, prefix length) -> key.
        std::map<std::pair<wire::IpAddress, std::uint8_t>, std::string> keys;
    };
    struct Dynamic {
        DynamicPeerConfig config;
        std::set<wire::IpAddress> peers;
    };

    Impl(asio::io_context& io, SpeakerConfig config)
        : io_(io), log_(config.log_level, config.log), core_(config, *this, log_) {}

    ~Impl() override { close_everything(); }

    static TimePoint now() { return std::chrono::steady_clock::now(); }

    // ---- Transport ---------------------------------------------------------------------

    PeerIo& io_for(const wire::IpAddress& peer) {
        auto it = io_map_.find(peer);
        if (it == io_map_.end()) it = io_map_.emplace(peer, std::make_unique<PeerIo>(io_)).first;
        return *it->second;
    }

    void connect(const PeerConfig& peer) override {
        auto& pio = io_for(peer.address);
        if (pio.connecting) {
            error_code ec;
            pio.connecting->close(ec);
        }
        const bool v6 = peer.address.is_v6();
        auto sock = std::make_shared<tcp::socket>(io_);
        error_code ec;
        sock->open(v6 ? tcp::v6() : tcp::v4(), ec);
        if (ec) return post_failed(peer.address, "socket: " + ec.message());
        sock->set_option(tcp::no_delay(true), ec);
        if (peer.local_address) {
            sock->set_option(asio::socket_base::reuse_address(true), ec);
            sock->bind(tcp::endpoint(speaker_detail::to_asio(*peer.local_address), 0), ec);
            if (ec)
                return post_failed(peer.address, "bind to " + peer.local_address->to_string() +
                                                     ": " + ec.message());
        }
        if (!peer.password.empty()) {
            auto err = speaker_detail::set_md5(sock->native_handle(), v6, peer.address,
                                               v6 ? 128 : 32, peer.password);
            if (!err.empty()) {
                log_.log(LogLevel::error,
                         "peer {}: the kernel refused the TCP MD5 key ({}); not connecting",
                         peer.address.to_string(), err);
                return post_failed(peer.address, "TCP MD5 refused by the kernel: " + err);
            }
        }
        apply_ttl(*sock, peer, v6);
        pio.connecting = sock;
        const tcp::endpoint remote(speaker_detail::to_asio(peer.address), peer.port);
        log_.log(LogLevel::debug, "peer {}: connecting to {}", peer.address.to_string(),
                 endpoint_text(remote));
        std::weak_ptr<Impl> weak = shared_from_this();
        const auto addr = peer.address;
        pio.connect_timer.expires_after(config().connect_timeout);
        pio.connect_timer.async_wait([sock](error_code e) {
            if (!e) {
                error_code ignored;
                sock->close(ignored);
            }
        });
        sock->async_connect(remote, [weak, addr, sock](error_code e) {
            auto self = weak.lock();
            if (!self) return;
            auto it = self->io_map_.find(addr);
            if (it == self->io_map_.end() || it->second->connecting != sock) return;  // stale
            auto& p = *it->second;
            p.connecting.reset();
            p.connect_timer.cancel();
            if (e) {
                self->core_.tcp_failed(addr, fsm::ConnId::outgoing, now(),
                                       e == asio::error::operation_aborted
                                           ? "connect timed out"
                                           : "connect: " + e.message());
                return;
            }
            self->install(addr, fsm::ConnId::outgoing, std::move(*sock));
            self->core_.tcp_connected(addr, now());
        });
    }

    void post_failed(const wire::IpAddress& addr, std::string why) {
        std::weak_ptr<Impl> weak = shared_from_this();
        asio::post(io_, [weak, addr, why = std::move(why)] {
            if (auto self = weak.lock())
                self->core_.tcp_failed(addr, fsm::ConnId::outgoing, now(), why);
        });
    }

    void apply_ttl(tcp::socket& sock, const PeerConfig& peer, bool v6) {
        const int fd = sock.native_handle();
        std::string err;
        const int hops = peer.multihop == 0 ? 1 : peer.multihop;
        if (peer.ttl_security) {
            err = speaker_detail::set_ttl(fd, v6, 255);
            if (err.empty()) err = speaker_detail::set_min_ttl(fd, v6, 256 - hops);
        } else if (peer.multihop != 0 || is_ebgp(peer)) {
            err = speaker_detail::set_ttl(fd, v6, hops);
        }
        if (!err.empty())
            log_.log(LogLevel::error, "peer {}: TTL setting refused by the kernel: {}",
                     peer.address.to_string(), err);
    }

    bool is_ebgp(const PeerConfig& peer) const {
        const auto local = peer.session.local_as != 0 ? peer.session.local_as : config().local_as;
        return peer.peer_as != 0 && peer.peer_as != local;
    }

    /// Makes `sock` the connection in `conn` and starts reading it.
    void install(const wire::IpAddress& addr, fsm::ConnId conn, tcp::socket sock) {
        auto& pio = io_for(addr);
        if (auto old = std::exchange(pio.conns[slot(conn)], nullptr)) retire(old, false);
        auto c = std::make_shared<Connection>(std::move(sock), config().write_queue_limit);
        pio.conns[slot(conn)] = c;
        std::weak_ptr<Impl> weak = shared_from_this();
        std::weak_ptr<Connection> wc = c;
        auto current = [weak, wc, addr, conn]() -> std::shared_ptr<Impl> {
            auto self = weak.lock();
            auto me = wc.lock();
            if (!self || !me) return nullptr;
            auto it = self->io_map_.find(addr);
            if (it == self->io_map_.end() || it->second->conns[slot(conn)] != me) return nullptr;
            return self;
        };
        Connection::Callbacks cb;
        cb.on_data = [current, addr, conn](std::span<const std::uint8_t> bytes) {
            if (auto self = current()) self->core_.receive(addr, conn, bytes, now());
        };
        cb.on_error = [current, addr, conn](std::string_view why) {
            auto self = current();
            if (!self) return;
            self->io_map_[addr]->conns[slot(conn)].reset();
            self->log_.log(LogLevel::debug, "peer {}: {}", addr.to_string(), why);
            self->core_.tcp_failed(addr, conn, now(), why);
        };
        cb.on_write_progress = [current, addr](bool drained) {
            if (auto self = current()) self->core_.write_progress(addr, now(), drained);
        };
        c->start(std::move(cb));
    }

    /// Closes a connection no longer in a slot; tracked until closed so that
    /// shutdown() can tell when everything is done.
    void retire(const std::shared_ptr<Connection>& c, bool flush) {
        closing_.insert(c);
        std::weak_ptr<Impl> weak = shared_from_this();
        c->close(flush, config().close_linger, [weak, c] {
            if (auto self = weak.lock()) {
                self->closing_.erase(c);
                self->check_shutdown_done();
            }
        });
    }

    void send(const wire::IpAddress& peer, fsm::ConnId conn, speaker_detail::Bytes bytes) override {
        auto it = io_map_.find(peer);
        if (it == io_map_.end() || !it->second->conns[slot(conn)]) {
            log_.log(LogLevel::debug, "peer {}: send on a closed connection dropped",
                     peer.to_string());
            return;
        }
        it->second->conns[slot(conn)]->send(std::move(bytes));
    }

    void close(const wire::IpAddress& peer, fsm::ConnId conn, bool flush) override {
        if (accepting_ && accepting_->address == peer && conn == fsm::ConnId::incoming &&
            accepting_->previous) {
            retire(std::exchange(accepting_->previous, nullptr), flush);
            return;
        }
        auto it = io_map_.find(peer);
        if (it == io_map_.end()) return;
        auto& pio = *it->second;
        if (conn == fsm::ConnId::outgoing && pio.connecting) {
            error_code ec;
            pio.connecting->close(ec);
            pio.connecting.reset();
            pio.connect_timer.cancel();
        }
        if (auto c = std::exchange(pio.conns[slot(conn)], nullptr)) retire(c, flush);
    }

    void set_deadline(const wire::IpAddress& peer, std::optional<TimePoint> when) override {
        auto& pio = io_for(peer);
        const auto gen = ++pio.timer_generation;
        if (!when || shutting_down_) {
            pio.timer.cancel();
            return;
        }
        pio.timer.expires_at(*when);
        std::weak_ptr<Impl> weak = shared_from_this();
        pio.timer.async_wait([weak, peer, gen](error_code ec) {
            if (ec) return;
            auto self = weak.lock();
            if (!self) return;
            auto it = self->io_map_.find(peer);
            if (it == self->io_map_.end() || it->second->timer_generation != gen) return;
            self->core_.poll(peer, now());
        });
    }

    std::optional<wire::IpAddress> local_address(const wire::IpAddress& peer,
                                                 fsm::ConnId conn) const override {
        auto it = io_map_.find(peer);
        if (it == io_map_.end() || !it->second->conns[slot(conn)]) return std::nullopt;
        return speaker_detail::from_asio(it->second->conns[slot(conn)]->local().address());
    }

    std::size_t queued_bytes(const wire::IpAddress& peer) const override {
        auto it = io_map_.find(peer);
        if (it == io_map_.end()) return 0;
        std::size_t n = 0;
        for (const auto& c : it->second->conns)
            if (c) n += c->queued_bytes();
        return n;
    }

    speaker_detail::TransportInfo info(const wire::IpAddress& peer) const override {
        speaker_detail::TransportInfo info;
        auto it = io_map_.find(peer);
        if (it == io_map_.end()) return info;
        for (const auto& c : it->second->conns) {
            if (!c) continue;
            info.write_queue_bytes += c->queued_bytes();
            if (info.local_endpoint.empty()) {
                info.local_endpoint = endpoint_text(c->local());
                info.remote_endpoint = endpoint_text(c->remote());
            }
        }
        return info;
    }

    void forget(const wire::IpAddress& peer) override {
        auto it = io_map_.find(peer);
        if (it != io_map_.end()) {
            auto& pio = *it->second;
            if (pio.connecting) {
                error_code ec;
                pio.connecting->close(ec);
            }
            for (auto& c : pio.conns)
                if (c) retire(std::exchange(c, nullptr), true);
            io_map_.erase(it);  // cancels the timers
        }
        for (auto& d : dynamic_) d.peers.erase(peer);
        refresh_listener_keys();
        check_shutdown_done();
    }

    // ---- listeners -----------------------------------------------------------------------

    void open_listeners() {
        for (auto& l : listeners_) {
            if (l.acceptor) continue;
            const tcp::endpoint ep(speaker_detail::to_asio(l.config.address), l.config.port);
            auto acc = std::make_unique<tcp::acceptor>(io_);
            error_code ec;
            acc->open(ep.protocol(), ec);
            if (!ec) acc->set_option(asio::socket_base::reuse_address(true), ec);
            if (!ec && ep.address().is_v6()) acc->set_option(asio::ip::v6_only(true), ec);
            if (!ec) acc->bind(ep, ec);
            if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
            if (ec) {
                log_.log(LogLevel::error, "cannot listen on {}: {}", endpoint_text(ep),
                         ec.message());
                close_listeners();
                throw std::system_error(ec, "listen on " + endpoint_text(ep));
            }
            // SYN-ACKs leave with the listener's TTL: 255, so that a GTSM peer
            // (RFC 5082, minimum TTL on its connecting socket) accepts them.
            // Accepted sockets get their peer's TTL right after accept.
            if (auto err = speaker_detail::set_ttl(acc->native_handle(), ep.address().is_v6(), 255);
                !err.empty())
                log_.log(LogLevel::warning, "listening socket {}: {}", endpoint_text(ep), err);
            if (auto err = speaker_detail::save_syn(acc->native_handle()); !err.empty())
                log_.log(LogLevel::warning,
                         "listening socket {}: {} (GTSM checks only after accept)",
                         endpoint_text(ep), err);
            l.bound = acc->local_endpoint(ec);
            l.acceptor = std::move(acc);
            l.keys.clear();
            log_.log(LogLevel::info, "listening on {}", endpoint_text(l.bound));
        }
        refresh_listener_keys();
        for (std::size_t i = 0; i < listeners_.size(); ++i) accept(i);
    }

    void close_listeners() {
        for (auto& l : listeners_) {
            if (!l.acceptor) continue;
            error_code ec;
            l.acceptor->close(ec);
            l.acceptor.reset();
            l.keys.clear();
        }
    }

    void accept(std::size_t index) {
        auto& l = listeners_[index];
        if (!l.acceptor) return;
        std::weak_ptr<Impl> weak = shared_from_this();
        auto* acceptor = l.acceptor.get();
        acceptor->async_accept([weak, index, acceptor](error_code ec, tcp::socket sock) {
            auto self = weak.lock();
            if (!self || index >= self->listeners_.size() ||
                self->listeners_[index].acceptor.get() != acceptor)
                return;  // listener closed
            if (!ec) {
                self->accepted(std::move(sock));
            } else if (ec != asio::error::operation_aborted) {
                // Out of descriptors or memory: the connection stays in the backlog and
                // would fail again at once; pause instead of spinning (and logging).
                const bool resources = ec == asio::error::no_descriptors || ec.value() == ENFILE ||
                                       ec == asio::error::no_buffer_space ||
                                       ec == asio::error::no_memory;
                self->log_.log(LogLevel::warning, "accept: {}{}", ec.message(),
                               resources ? "; accepting again in 1 s" : "");
                if (resources) {
                    auto timer = std::make_shared<asio::steady_timer>(self->io_);
                    timer->expires_after(std::chrono::seconds(1));
                    timer->async_wait([weak, index, acceptor, timer](error_code) {
                        auto again = weak.lock();
                        if (again && index < again->listeners_.size() &&
                            again->listeners_[index].acceptor.get() == acceptor)
                            again->accept(index);
                    });
                    return;
                }
            }
            if (ec == asio::error::operation_aborted) return;
            self->accept(index);
        });
    }

    void accepted(tcp::socket sock) {
        error_code ec;
        const auto remote = sock.remote_endpoint(ec);
        if (ec) return;
        const auto addr = speaker_detail::from_asio(remote.address());
        if (shutting_down_ || !core_.running()) {
            sock.close(ec);
            return;
        }
        if (!core_.has_peer(addr) && !create_dynamic(addr)) {
            log_.log(LogLevel::info, "connection from {} refused: not a configured peer",
                     endpoint_text(remote));
            sock.close(ec);
            return;
        }
        const auto* cfg = core_.peer_config(addr);
        const auto syn = speaker_detail::syn_ttl(sock.native_handle());
        if (cfg->ttl_security) {
            // RFC 5082: the SYN already tells the distance; later segments are
            // filtered by the minimum TTL set in apply_ttl.
            const int min_ttl = 256 - (cfg->multihop == 0 ? 1 : cfg->multihop);
            if (syn && *syn < min_ttl) {
                log_.log(LogLevel::warning,
                         "peer {}: connection refused by GTSM: TTL {} below {} (RFC 5082)",
                         addr.to_string(), *syn, min_ttl);
                sock.close(ec);
                return;
            }
        }
        sock.set_option(tcp::no_delay(true), ec);
        apply_ttl(sock, *cfg, remote.address().is_v6() && !remote.address().to_v6().is_v4_mapped());
        log_.log(LogLevel::debug, "peer {}: accepted connection from {}", addr.to_string(),
                 endpoint_text(remote));

        auto& pio = io_for(addr);
        // The new connection takes the slot at once (the session may send its
        // OPEN on it from inside tcp_accepted); a close of the incoming
        // connection that the session asks for meanwhile is about the one it
        // knew, `previous` (e.g. a graceful restart replacing an Established
        // connection, RFC 4724 §4.2).
        accepting_ =
            Accepting{addr, std::exchange(pio.conns[slot(fsm::ConnId::incoming)], nullptr)};
        install(addr, fsm::ConnId::incoming, std::move(sock));
        auto mine = io_for(addr).conns[slot(fsm::ConnId::incoming)];
        const bool ok = core_.tcp_accepted(addr, now());
        auto previous = std::move(accepting_->previous);
        accepting_.reset();
        auto it = io_map_.find(addr);
        if (ok) {
            if (previous) retire(previous, false);
            return;
        }
        log_.log(LogLevel::info, "peer {}: incoming connection refused by the session",
                 addr.to_string());
        if (it != io_map_.end() && it->second->conns[slot(fsm::ConnId::incoming)] == mine) {
            it->second->conns[slot(fsm::ConnId::incoming)] = previous;
            previous.reset();
        }
        if (mine) retire(mine, false);
        if (previous) retire(previous, false);
    }

    bool create_dynamic(const wire::IpAddress& addr) {
        for (auto& d : dynamic_) {
            if (!d.config.range.contains(addr)) continue;
            if (d.peers.size() >= d.config.max_peers) {
                log_.log(LogLevel::warning, "connection from {}: dynamic range {} is full ({})",
                         addr.to_string(), d.config.range.to_string(), d.config.max_peers);
                return false;
            }
            PeerConfig c = d.config.settings;
            c.address = addr;
            c.passive = true;
            try {
                core_.add_peer(c, now(), true);
            } catch (const std::exception& e) {
                log_.log(LogLevel::error, "dynamic peer {}: {}", addr.to_string(), e.what());
                return false;
            }
            d.peers.insert(addr);
            return core_.has_peer(addr);
        }
        return false;
    }

    /// Installs / removes MD5 keys on the listening sockets to match the peers.
    void refresh_listener_keys() {
        std::map<std::pair<wire::IpAddress, std::uint8_t>, std::string> want;
        for (const auto& a : core_.peer_addresses()) {
            const auto* c = core_.peer_config(a);
            if (c && !c->password.empty())
                want[{a, static_cast<std::uint8_t>(a.is_v4() ? 32 : 128)}] = c->password;
        }
        for (const auto& d : dynamic_)
            if (!d.config.settings.password.empty())
                want[{d.config.range.address(), d.config.range.length()}] =
                    d.config.settings.password;
        for (auto& l : listeners_) {
            if (!l.acceptor) continue;
            const bool v6 = l.bound.address().is_v6();
            const int fd = l.acceptor->native_handle();
            for (auto it = l.keys.begin(); it != l.keys.end();) {
                if (want.count(it->first) != 0) {
                    ++it;
                    continue;
                }
                (void)speaker_detail::set_md5(fd, v6, it->first.first, it->first.second, {});
                it = l.keys.erase(it);
            }
            for (const auto& [k, key] : want) {
                if (k.first.is_v6() != v6) continue;
                auto have = l.keys.find(k);
                if (have != l.keys.end() && have->second == key) continue;
                auto err = speaker_detail::set_md5(fd, v6, k.first, k.second, key);
                if (!err.empty()) {
                    log_.log(LogLevel::error,
                             "listening socket {}: the kernel refused the TCP MD5 key for {}/{} "
                             "({}); connections from it will fail",
                             endpoint_text(l.bound), k.first.to_string(), k.second, err);
                    continue;
                }
                l.keys[k] = key;
            }
        }
    }

    // ---- shutdown ------------------------------------------------------------------------

    void check_shutdown_done() {
        if (!shutting_down_ || !shutdown_done_) return;
        if (!closing_.empty()) return;
        for (const auto& [a, pio] : io_map_)
            if (pio->conns[0] || pio->conns[1] || pio->connecting) return;
        auto done = std::exchange(shutdown_done_, nullptr);
        asio::post(io_, std::move(done));
    }

    void close_everything() {
        close_listeners();
        for (auto& [a, pio] : io_map_) {
            error_code ec;
            if (pio->connecting) pio->connecting->close(ec);
            for (auto& c : pio->conns)
                if (c) c->close(false, {}, nullptr);
            pio->timer.cancel();
            pio->connect_timer.cancel();
        }
        for (const auto& c : closing_) c->close(false, {}, nullptr);
        closing_.clear();
        io_map_.clear();
    }

    const SpeakerConfig& config() const { return core_.config(); }

    asio::io_context& io_;
    speaker_detail::Logger log_;
    speaker_detail::Core core_;
    std::map<wire::IpAddress, std::unique_ptr<PeerIo>> io_map_;
    std::vector<Listener> listeners_;
    std::vector<Dynamic> dynamic_;
    std::set<std::shared_ptr<Connection>> closing_;
    struct Accepting {
        wire::IpAddress address;
        std::shared_ptr<Connection> previous;
    };
    std::optional<Accepting> accepting_;  ///< during Core::tcp_accepted
    bool shutting_down_ = false;
    std::function<void()> shutdown_done_;
};

// ---- Speaker -------------------------------------------------------------------------

Speaker::Speaker(asio::io_context& io, SpeakerConfig config) {
    if (config.local_as == 0) throw std::invalid_argument("SpeakerConfig: local_as is 0");
    if (config.router_id == 0) throw std::invalid_argument("SpeakerConfig: router_id is 0");
    if (config.write_queue_limit < 2 * wire::max_extended_message_size)
        throw std::invalid_argument("SpeakerConfig: write_queue_limit below 128 KiB");
    auto listen = config.listen;
    impl_ = std::make_shared<Impl>(io, std::move(config));
    for (auto& l : listen) impl_->listeners_.push_back(Impl::Listener{l, nullptr, {}, {}});
}

Speaker::~Speaker() {
    if (impl_) impl_->close_everything();
}

void Speaker::start() {
    impl_->shutting_down_ = false;
    impl_->shutdown_done_ = nullptr;
    impl_->open_listeners();
    impl_->core_.start(Impl::now());
}

void Speaker::shutdown(std::string_view message, std::function<void()> done) {
    shutdown(message, std::move(done), false);
}

void Speaker::shutdown_for_restart(std::string_view message, std::function<void()> done) {
    shutdown(message, std::move(done), true);
}

void Speaker::shutdown(std::string_view message, std::function<void()> done, bool for_restart) {
    auto& d = *impl_;
    d.log_.log(LogLevel::info, "shutting down{}{}{}",
               for_restart ? " for a graceful restart (peers keep our routes)" : "",
               message.empty() ? "" : ": ", message);
    d.core_.stop_all(message, Impl::now(), for_restart);
    d.shutting_down_ = true;
    d.close_listeners();
    for (auto& [a, pio] : d.io_map_) {
        pio->timer.cancel();
        if (pio->connecting) {
            error_code ec;
            pio->connecting->close(ec);
            pio->connecting.reset();
            pio->connect_timer.cancel();
        }
        for (auto& c : pio->conns)
            if (c) d.retire(std::exchange(c, nullptr), true);
    }
    d.shutdown_done_ = done ? std::move(done) : [] {};
    d.check_shutdown_done();
}

void Speaker::add_peer(PeerConfig config) {
    impl_->core_.add_peer(std::move(config), Impl::now());
    impl_->refresh_listener_keys();
}

void Speaker::change_peer(PeerConfig config) {
    impl_->core_.change_peer(std::move(config), Impl::now());
    impl_->refresh_listener_keys();
}

bool Speaker::remove_peer(const wire::IpAddress& address, std::string_view message) {
    const bool ok = impl_->core_.remove_peer(address, message, Impl::now());
    impl_->refresh_listener_keys();
    return ok;
}

bool Speaker::stop_peer(const wire::IpAddress& address, std::string_view message) {
    return impl_->core_.stop_peer(address, message, Impl::now());
}

bool Speaker::start_peer(const wire::IpAddress& address) {
    return impl_->core_.start_peer(address, Impl::now());
}

bool Speaker::reset_peer(const wire::IpAddress& address, std::string_view message) {
    return impl_->core_.reset_peer(address, message, Impl::now());
}

bool Speaker::refresh_peer(const wire::IpAddress& address, wire::Family family) {
    return impl_->core_.refresh_peer(address, family, Impl::now());
}

void Speaker::add_dynamic_peers(DynamicPeerConfig config) {
    for (const auto& d : impl_->dynamic_)
        if (d.config.range.contains(config.range.address()) ||
            config.range.contains(d.config.range.address()))
            throw std::invalid_argument("dynamic range " + config.range.to_string() + " overlaps " +
                                        d.config.range.to_string());
    auto check = config.settings;
    check.address = config.range.address();
    speaker_detail::validate(check);
    impl_->log_.log(LogLevel::info, "dynamic peers: accepting {}", config.range.to_string());
    impl_->dynamic_.push_back(Impl::Dynamic{std::move(config), {}});
    impl_->refresh_listener_keys();
}

bool Speaker::remove_dynamic_peers(const wire::Prefix& range, std::string_view message) {
    auto& dyn = impl_->dynamic_;
    for (auto it = dyn.begin(); it != dyn.end(); ++it) {
        if (it->config.range != range) continue;
        const auto peers = it->peers;
        dyn.erase(it);
        for (const auto& a : peers) impl_->core_.remove_peer(a, message, Impl::now());
        impl_->refresh_listener_keys();
        return true;
    }
    return false;
}

std::vector<PeerStatus> Speaker::peers() const { return impl_->core_.peers(); }

std::optional<PeerStatus> Speaker::peer(const wire::IpAddress& address) const {
    return impl_->core_.peer(address);
}

void Speaker::set_policies(policy::PolicyTable table,
                           const std::function<void(PeerConfig&)>& rechain) {
    impl_->core_.set_policies(std::move(table), rechain, Impl::now());
    // Peers still to come from a dynamic range get chains of the new table too.
    if (!rechain) return;
    for (auto& d : impl_->dynamic_) {
        auto& settings = d.config.settings;
        const auto address = settings.address;
        settings.address = d.config.range.address();
        rechain(settings);
        settings.address = address;
    }
}

std::vector<RibRoute> Speaker::rib(wire::Family family, std::optional<wire::Prefix> prefix) const {
    return impl_->core_.rib(family, prefix);
}

std::vector<ReceivedRoute> Speaker::received_routes(const wire::IpAddress& address) const {
    return impl_->core_.received_routes(address);
}

void Speaker::announce(Route route) { impl_->core_.announce(std::move(route), Impl::now()); }

void Speaker::announce(const wire::Prefix& prefix, wire::PathAttributes attributes) {
    announce(Route{prefix, std::move(attributes)});
}

bool Speaker::withdraw(const wire::Prefix& prefix) {
    return impl_->core_.withdraw(prefix, Impl::now());
}

std::vector<Route> Speaker::announced() const { return impl_->core_.announced(); }

SubscriptionId Speaker::on_state_change(StateHandler handler) {
    return impl_->core_.on_state_change(std::move(handler));
}

std::vector<RibRoute> Speaker::best_routes(wire::Family family) const {
    return impl_->core_.best_routes(family);
}

SpeakerStats Speaker::stats() const { return impl_->core_.stats(); }

SubscriptionId Speaker::on_best_path(BestPathHandler handler) {
    return impl_->core_.on_best_path(std::move(handler));
}

SubscriptionId Speaker::on_route(RouteHandler handler) {
    return impl_->core_.on_route(std::move(handler));
}

SubscriptionId Speaker::on_update(UpdateHandler handler) {
    return impl_->core_.on_update(std::move(handler));
}

bool Speaker::unsubscribe(SubscriptionId id) { return impl_->core_.unsubscribe(id); }

void Speaker::set_log_level(LogLevel level) { impl_->log_.set_level(level); }

std::vector<std::pair<wire::IpAddress, std::uint16_t>> Speaker::listening() const {
    std::vector<std::pair<wire::IpAddress, std::uint16_t>> out;
    for (const auto& l : impl_->listeners_)
        if (l.acceptor)
            out.emplace_back(speaker_detail::from_asio(l.bound.address()), l.bound.port());
    return out;
}

const SpeakerConfig& Speaker::config() const { return impl_->config(); }

}  // namespace bgp
