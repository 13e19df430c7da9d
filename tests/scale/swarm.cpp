// The swarm's sessions (see swarm.hpp): connect, OPEN / KEEPALIVE (RFC 4271 §4.2, §4.4,
// §8.2.2 in its simplest form), one UPDATE and End-of-RIB out, UPDATEs in, counted against
// the blocks the other sessions announce. Reads use one shared buffer: a session waits for
// readability, then reads without blocking into it; only a message cut at the end of a
// read is copied into the session.
#include "swarm.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <fstream>
#include <variant>

#include "bgp/wire/error.hpp"

namespace bgp::swarm {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

enum class State : std::uint8_t {
    idle,
    connecting,
    open_sent,
    open_confirm,
    established,
    closing,
    closed
};

constexpr std::size_t reads_per_wakeup = 8;  // then yield to the other sessions

}  // namespace

struct Swarm::Session {
    explicit Session(asio::io_context& io) : sock(io) {}
    tcp::socket sock;
    std::uint32_t index = 0;
    std::uint32_t source = 0;
    State state = State::idle;
    std::vector<std::uint8_t> partial;  // a message cut at the end of a read
    std::vector<std::uint8_t> out;      // to send after the write in flight
    std::vector<std::uint8_t> sending;  // the write in flight
    bool writing = false;
    Clock::time_point last_rx;
    Clock::time_point last_tx;
    std::uint16_t hold = 0;  // negotiated
    wire::CodecOptions codec;
    std::vector<bool> have;  // by block index of the swarm's prefixes
    std::vector<std::pair<std::uint32_t, std::uint8_t>> other;  // anything else, unsorted
    std::uint32_t routes = 0;
    bool complete = false;
    bool end_of_rib = false;
};

Swarm::Swarm(asio::io_context& io, Options options)
    : io_(io),
      opts_(std::move(options)),
      scratch_(64 * 1024),
      tick_(io),
      deadline_(io),
      drain_(io) {
    keepalive_ = wire::encode(wire::Keepalive{}, {}).value();
    report_.sessions = opts_.count;
    report_.expected_routes = opts_.expected();
    sessions_.reserve(opts_.count);
    for (std::uint32_t i = 0; i < opts_.count; ++i) {
        auto s = std::make_unique<Session>(io_);
        s->index = i;
        s->source = opts_.first_source + i;
        sessions_.push_back(std::move(s));
    }
}

Swarm::~Swarm() = default;

double Swarm::since_start() const {
    return std::chrono::duration<double>(Clock::now() - start_).count();
}

void Swarm::start() {
    start_ = Clock::now();
    deadline_.expires_after(std::chrono::seconds(opts_.timeout_seconds));
    deadline_.async_wait([this](const error_code& ec) {
        if (ec || done_) return;
        report_.timed_out = true;
        finish_all();
    });
    tick_.expires_after(std::chrono::seconds(1));
    tick_.async_wait([this](const error_code& ec) {
        if (!ec) on_tick();
    });
    launch_connects();
}

void Swarm::launch_connects() {
    while (!finishing_ && next_connect_ < opts_.count &&
           (opts_.max_connecting == 0 || connecting_ < opts_.max_connecting))
        connect(*sessions_[next_connect_++]);
}

void Swarm::connect(Session& s) {
    error_code ec;
    s.sock.open(tcp::v4(), ec);
    if (!ec) s.sock.bind(tcp::endpoint(asio::ip::address_v4(s.source), 0), ec);
    if (ec) {
        fail(s, "bind: " + ec.message());
        return;
    }
    s.state = State::connecting;
    ++connecting_;
    const tcp::endpoint target(asio::ip::address_v4(opts_.target_address), opts_.target_port);
    s.sock.async_connect(target, [this, &s](const error_code& e) { on_connected(s, e); });
}

void Swarm::on_connected(Session& s, const error_code& ec) {
    --connecting_;
    launch_connects();
    if (s.state != State::connecting) return;  // closed meanwhile (timeout)
    if (ec) {
        fail(s, "connect: " + ec.message());
        return;
    }
    error_code ignored;
    s.sock.set_option(tcp::no_delay(true), ignored);
    s.sock.non_blocking(true, ignored);
    s.state = State::open_sent;
    s.last_rx = Clock::now();
    s.codec.ibgp = true;
    s.have.assign(opts_.count, false);

    wire::Open open;
    open.my_as = static_cast<std::uint16_t>(opts_.asn <= 0xffff ? opts_.asn : 23456);
    open.hold_time = opts_.hold_time;
    open.bgp_identifier = s.source;
    open.capabilities = {wire::CapMultiprotocol{wire::ipv4_unicast}, wire::CapRouteRefresh{},
                         wire::CapFourOctetAs{opts_.asn}};
    auto bytes = wire::encode(open, s.codec);
    if (!bytes) {
        fail(s, "encode OPEN: " + bytes.error().reason);
        return;
    }
    send_raw(s, *bytes);
    start_read(s);
}

void Swarm::start_read(Session& s) {
    s.sock.async_wait(tcp::socket::wait_read,
                      [this, &s](const error_code& ec) { on_readable(s, ec); });
}

void Swarm::on_readable(Session& s, const error_code& ec) {
    if (s.state == State::closed || s.state == State::closing) return;
    if (ec) {
        fail(s, "read: " + ec.message());
        return;
    }
    for (std::size_t i = 0; i < reads_per_wakeup; ++i) {
        error_code rec;
        const std::size_t n = s.sock.read_some(asio::buffer(scratch_), rec);
        if (rec == asio::error::would_block || rec == asio::error::try_again) break;
        if (rec == asio::error::eof) {
            peer_closed(s, "connection closed by the peer");
            return;
        }
        if (rec) {
            fail(s, "read: " + rec.message());
            return;
        }
        report_.bytes_received += n;
        consume(s, scratch_.data(), n);
        if (s.state == State::closed || s.state == State::closing) return;
    }
    start_read(s);
}

void Swarm::consume(Session& s, const std::uint8_t* data, std::size_t size) {
    std::size_t pos = 0;
    // A message whose start came with an earlier read: complete it first.
    if (!s.partial.empty()) {
        if (s.partial.size() < wire::header_size) {
            const std::size_t take = std::min(wire::header_size - s.partial.size(), size);
            s.partial.insert(s.partial.end(), data, data + take);
            pos = take;
            if (s.partial.size() < wire::header_size) return;
        }
        auto header = wire::decode_header(s.partial, s.codec);
        if (!header) {
            notify_and_close(s, header.error().code, header.error().subcode,
                             "bad header: " + header.error().reason);
            return;
        }
        const std::size_t take =
            std::min<std::size_t>(header->length - s.partial.size(), size - pos);
        s.partial.insert(s.partial.end(), data + pos, data + pos + take);
        pos += take;
        if (s.partial.size() < header->length) return;
        std::vector<std::uint8_t> message;
        message.swap(s.partial);
        handle(s, message.data(), message.size());
        if (s.state == State::closed || s.state == State::closing) return;
    }
    while (size - pos >= wire::header_size) {
        auto header = wire::decode_header({data + pos, wire::header_size}, s.codec);
        if (!header) {
            notify_and_close(s, header.error().code, header.error().subcode,
                             "bad header: " + header.error().reason);
            return;
        }
        if (size - pos < header->length) break;
        handle(s, data + pos, header->length);
        if (s.state == State::closed || s.state == State::closing) return;
        pos += header->length;
    }
    s.partial.assign(data + pos, data + size);
}

void Swarm::handle(Session& s, const std::uint8_t* data, std::size_t size) {
    s.last_rx = Clock::now();
    auto message = wire::decode_message({data, size}, s.codec);
    if (!message) {
        const auto& e = message.error();
        notify_and_close(s, e.code, e.subcode, "bad message: " + e.reason);
        return;
    }
    if (auto* open = std::get_if<wire::Open>(&*message)) {
        on_open(s, *open);
    } else if (std::holds_alternative<wire::Keepalive>(*message)) {
        if (s.state == State::open_confirm) on_established(s);
    } else if (auto* update = std::get_if<wire::Update>(&*message)) {
        if (s.state != State::established) {
            notify_and_close(s, static_cast<std::uint8_t>(wire::NotifCode::fsm_error),
                             s.state == State::open_sent
                                 ? wire::fsm_subcode::unexpected_message_in_open_sent
                                 : wire::fsm_subcode::unexpected_message_in_open_confirm,
                             "UPDATE before Established");
            return;
        }
        ++report_.updates_received;
        if (update->end_of_rib()) s.end_of_rib = true;
        for (const auto& w : update->withdrawn)
            remove_prefix(s, w.prefix.address().v4_value(), w.prefix.length());
        const auto& attrs = update->attributes;
        if (attrs.mp_unreach && attrs.mp_unreach->family == wire::ipv4_unicast)
            for (const auto& w : attrs.mp_unreach->nlri)
                remove_prefix(s, w.prefix.address().v4_value(), w.prefix.length());
        std::vector<const wire::Nlri*> announced;
        for (const auto& n : update->nlri) announced.push_back(&n);
        if (attrs.mp_reach && attrs.mp_reach->family == wire::ipv4_unicast)
            for (const auto& n : attrs.mp_reach->nlri) announced.push_back(&n);
        for (const auto* n : announced) {
            if (update->treat_as_withdraw)
                remove_prefix(s, n->prefix.address().v4_value(), n->prefix.length());
            else
                add_prefix(s, n->prefix.address().v4_value(), n->prefix.length());
        }
        update_completion(s);
    } else if (auto* notification = std::get_if<wire::Notification>(&*message)) {
        ++report_.notifications_received[{notification->code, notification->subcode}];
        peer_closed(s, "NOTIFICATION " + notification->describe());
    }
    // ROUTE-REFRESH: ignored (the one route we announce is re-sent only on a new session).
}

void Swarm::on_open(Session& s, const wire::Open& open) {
    if (s.state != State::open_sent) {
        notify_and_close(s, static_cast<std::uint8_t>(wire::NotifCode::fsm_error),
                         wire::fsm_subcode::unexpected_message_in_open_confirm,
                         "OPEN in OpenConfirm");
        return;
    }
    if (open.asn() != opts_.asn) {
        notify_and_close(
            s, static_cast<std::uint8_t>(wire::NotifCode::open_message_error),
            wire::open_subcode::bad_peer_as,
            "peer AS " + std::to_string(open.asn()) + ", expected " + std::to_string(opts_.asn));
        return;
    }
    if (open.hold_time == 1 || open.hold_time == 2) {
        notify_and_close(s, static_cast<std::uint8_t>(wire::NotifCode::open_message_error),
                         wire::open_subcode::unacceptable_hold_time, "hold time 1 or 2");
        return;
    }
    s.hold = std::min(open.hold_time, opts_.hold_time);
    s.codec.four_octet_as = open.find<wire::CapFourOctetAs>() != nullptr;
    send_raw(s, keepalive_);
    s.state = State::open_confirm;
}

void Swarm::on_established(Session& s) {
    s.state = State::established;
    ++report_.established;
    if (report_.established == (opts_.count + 1) / 2)
        report_.half_established_seconds = since_start();
    if (report_.established == opts_.count) report_.all_established_seconds = since_start();

    const std::uint32_t block = std::uint32_t{1} << (32 - opts_.prefix_length);
    wire::Update update;
    update.attributes.origin = wire::Origin::igp;
    update.attributes.as_path = wire::AsPath{};
    update.attributes.next_hop =
        wire::IpAddress::v4(opts_.next_hop_base ? *opts_.next_hop_base + s.index : s.source);
    update.attributes.local_pref = 100;
    const auto first = wire::IpAddress::v4(opts_.prefix_base + s.index * block);
    update.nlri.push_back(wire::Nlri{wire::Prefix(first, opts_.prefix_length), std::nullopt});
    std::vector<std::uint8_t> bytes;
    auto a = wire::encode_message(update, s.codec, bytes);
    auto b = wire::encode_message(wire::make_end_of_rib(wire::ipv4_unicast), s.codec, bytes);
    if (!a || !b) {
        fail(s, "encode UPDATE: " + (a ? b.error().reason : a.error().reason));
        return;
    }
    send_raw(s, bytes);
    update_completion(s);
}

std::optional<std::uint32_t> Swarm::block_index(std::uint32_t address, std::uint8_t length) const {
    if (length != opts_.prefix_length || address < opts_.prefix_base) return std::nullopt;
    const std::uint64_t i = std::uint64_t{address - opts_.prefix_base} >> (32 - length);
    if (i >= opts_.count) return std::nullopt;
    return static_cast<std::uint32_t>(i);
}

void Swarm::add_prefix(Session& s, std::uint32_t address, std::uint8_t length) {
    if (auto i = block_index(address, length)) {
        if (*i == s.index) {
            ++report_.own_routes_received;  // ORIGINATOR_ID is ours: ignored (RFC 4456 §8)
        } else if (!s.have[*i]) {
            s.have[*i] = true;
            ++s.routes;
        } else {
            ++report_.repeated_announcements;
        }
        return;
    }
    const std::pair key{address, length};
    for (const auto& o : s.other) {
        if (o == key) {
            ++report_.repeated_announcements;
            return;
        }
    }
    s.other.push_back(key);
    ++s.routes;
    ++report_.unexpected_prefixes;
}

void Swarm::remove_prefix(Session& s, std::uint32_t address, std::uint8_t length) {
    if (auto i = block_index(address, length)) {
        if (*i == s.index) {
            ++report_.own_withdrawals_received;
        } else if (s.have[*i]) {
            s.have[*i] = false;
            --s.routes;
            if (report_.converged) ++report_.withdrawn_after_convergence;
        } else {
            ++report_.unknown_withdrawals;
        }
        return;
    }
    const std::pair key{address, length};
    for (auto it = s.other.begin(); it != s.other.end(); ++it) {
        if (*it == key) {
            s.other.erase(it);
            --s.routes;
            if (report_.converged) ++report_.withdrawn_after_convergence;
            return;
        }
    }
    ++report_.unknown_withdrawals;
}

void Swarm::update_completion(Session& s) {
    const bool complete = s.state == State::established && s.routes == opts_.expected();
    if (complete != s.complete) {
        s.complete = complete;
        complete ? ++complete_now_ : --complete_now_;
    }
    if (!report_.converged && complete_now_ == opts_.count) {
        report_.converged = true;
        report_.converged_seconds = since_start();
        snapshot_routes(report_);
        if (!opts_.ready_file.empty()) std::ofstream(opts_.ready_file) << "converged\n";
        if (!opts_.stay) finish_all();
    }
}

void Swarm::send_raw(Session& s, const std::vector<std::uint8_t>& bytes) {
    s.out.insert(s.out.end(), bytes.begin(), bytes.end());
    s.last_tx = Clock::now();
    flush(s);
}

void Swarm::flush(Session& s) {
    if (s.writing || s.out.empty()) return;
    s.sending.swap(s.out);
    s.writing = true;
    asio::async_write(s.sock, asio::buffer(s.sending),
                      [this, &s](const error_code& ec, std::size_t) {
                          s.writing = false;
                          s.sending.clear();
                          if (s.state == State::closed) return;
                          if (ec) {
                              if (s.state == State::closing)
                                  close(s);
                              else
                                  fail(s, "write: " + ec.message());
                              return;
                          }
                          if (!s.out.empty())
                              flush(s);
                          else if (s.state == State::closing)
                              close(s);
                      });
}

void Swarm::notify_and_close(Session& s, std::uint8_t code, std::uint8_t subcode,
                             const std::string& reason) {
    if (!reason.empty()) ++report_.errors[reason];
    wire::Notification n;
    n.code = code;
    n.subcode = subcode;
    auto bytes = wire::encode(n, s.codec);
    if (bytes) send_raw(s, *bytes);
    if (s.complete) {
        s.complete = false;
        --complete_now_;
    }
    s.state = State::closing;
    if (!s.writing) close(s);
}

void Swarm::fail(Session& s, const std::string& reason) {
    ++report_.errors[reason];
    close(s);
}

void Swarm::peer_closed(Session& s, const std::string& reason) {
    if (report_.converged && !finishing_)
        ++report_.closed_by_peer;
    else if (!finishing_)
        ++report_.errors["closed before convergence: " + reason];
    close(s);
}

void Swarm::close(Session& s) {
    if (s.state == State::closed) return;
    if (s.complete) {
        s.complete = false;
        --complete_now_;
    }
    s.state = State::closed;
    error_code ignored;
    s.sock.close(ignored);
    s.partial = {};
    s.out = {};
    ++closed_;
    check_done();
}

void Swarm::on_tick() {
    const auto now = Clock::now();
    for (auto& sp : sessions_) {
        Session& s = *sp;
        if (s.state != State::open_confirm && s.state != State::established) continue;
        if (s.hold == 0) continue;
        if (now - s.last_rx > std::chrono::seconds(s.hold)) {
            notify_and_close(s, static_cast<std::uint8_t>(wire::NotifCode::hold_timer_expired), 0,
                             "hold timer expired");
        } else if (now - s.last_tx >= std::chrono::seconds(s.hold / 3)) {
            send_raw(s, keepalive_);
        }
    }
    if (done_) return;
    tick_.expires_after(std::chrono::seconds(1));
    tick_.async_wait([this](const error_code& ec) {
        if (!ec) on_tick();
    });
}

void Swarm::finish_all() {
    if (finishing_) return;
    finishing_ = true;
    for (auto& sp : sessions_) {
        Session& s = *sp;
        switch (s.state) {
            case State::open_sent:
            case State::open_confirm:
            case State::established:
                notify_and_close(s, static_cast<std::uint8_t>(wire::NotifCode::cease),
                                 wire::cease_subcode::administrative_shutdown, "");
                break;
            case State::closing:
            case State::closed:
                break;
            default:
                close(s);
        }
    }
    // Bounded: whatever has not written its NOTIFICATION within 3 s is closed anyway.
    drain_.expires_after(std::chrono::seconds(3));
    drain_.async_wait([this](const error_code& ec) {
        if (ec) return;
        for (auto& sp : sessions_) close(*sp);
    });
    check_done();
}

void Swarm::check_done() {
    if (done_ || closed_ < opts_.count) return;
    done_ = true;
    tick_.cancel();
    deadline_.cancel();
    drain_.cancel();
}

void Swarm::snapshot_routes(Report& r) const {
    r.complete = 0;
    r.routes_min = opts_.count == 0 ? 0 : sessions_.front()->routes;
    r.routes_max = 0;
    for (const auto& s : sessions_) {
        r.routes_min = std::min(r.routes_min, s->routes);
        r.routes_max = std::max(r.routes_max, s->routes);
        if (s->routes == opts_.expected()) ++r.complete;
    }
}

Report Swarm::report() const {
    Report r = report_;
    if (!r.converged) snapshot_routes(r);
    r.end_of_rib = 0;
    for (const auto& s : sessions_)
        if (s->end_of_rib) ++r.end_of_rib;
    r.ok = r.converged && !r.timed_out && r.errors.empty() &&
           (!opts_.stay || r.closed_by_peer == opts_.count);
    return r;
}

}  // namespace bgp::swarm
