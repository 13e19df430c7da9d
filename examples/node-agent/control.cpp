// The control socket server and client (see control.hpp).
#include "control.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bgp::node_agent {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;

struct ControlServer::State {
    State(asio::io_context& io, std::string p, ControlHandler h)
        : acceptor(io), path(std::move(p)), handler(std::move(h)) {}
    Local::acceptor acceptor;
    std::string path;
    ControlHandler handler;
    bool open = false;
};

namespace {

struct Connection : std::enable_shared_from_this<Connection> {
    explicit Connection(Local::socket s) : socket(std::move(s)) {}
    Local::socket socket;
    std::string in;
    std::string out;
    std::array<char, 16384> buffer{};

    void read(const std::shared_ptr<ControlServer::State>& state) {
        socket.async_read_some(
            asio::buffer(buffer),
            [self = shared_from_this(), state](boost::system::error_code ec, std::size_t n) {
                if (!ec) {
                    self->in.append(self->buffer.data(), n);
                    if (self->in.size() > control_limit)
                        return self->reply({false, "request too large"});
                    return self->read(state);
                }
                if (ec != asio::error::eof) return;  // client gone
                const auto nl = self->in.find('\n');
                const std::string_view all(self->in);
                const std::string_view header = all.substr(0, nl);
                const std::string_view body =
                    nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
                ControlReply r;
                try {
                    r = state->handler(header, body);
                } catch (const std::exception& e) {
                    r = {false, e.what()};
                }
                self->reply(std::move(r));
            });
    }
    void reply(ControlReply r) {
        out = (r.ok ? "ok\n" : "error\n") + r.text;
        if (!out.empty() && out.back() != '\n') out += '\n';
        asio::async_write(socket, asio::buffer(out),
                          [self = shared_from_this()](boost::system::error_code, std::size_t) {
                              boost::system::error_code ignored;
                              self->socket.shutdown(Local::socket::shutdown_both, ignored);
                              self->socket.close(ignored);
                          });
    }
};

}  // namespace

ControlServer::ControlServer(asio::io_context& io, std::string path, ControlHandler handler)
    : state_(std::make_shared<State>(io, std::move(path), std::move(handler))) {
    const std::string& p = state_->path;
    if (p.size() >= sizeof(sockaddr_un::sun_path))
        throw std::runtime_error(fmt::format("control socket path too long: {}", p));
    struct stat st {};
    if (::lstat(p.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            throw std::runtime_error(fmt::format("{} exists and is not a socket", p));
        Local::socket probe(io);
        boost::system::error_code ec;
        probe.connect(Local::endpoint(p), ec);
        if (!ec) throw std::runtime_error(fmt::format("another agent listens on {}", p));
        ::unlink(p.c_str());
    }
    boost::system::error_code ec;
    state_->acceptor.open(Local(), ec);
    const mode_t old_mask = ::umask(0117);  // socket file 0660
    if (!ec) state_->acceptor.bind(Local::endpoint(p), ec);
    ::umask(old_mask);
    if (!ec) state_->acceptor.listen(16, ec);
    if (ec) throw std::runtime_error(fmt::format("control socket {}: {}", p, ec.message()));
    ::chmod(p.c_str(), 0660);
    state_->open = true;
    accept();
}

ControlServer::~ControlServer() { close(); }

void ControlServer::close() {
    if (!state_->open) return;
    state_->open = false;
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    ::unlink(state_->path.c_str());
}

namespace {

void accept_loop(const std::shared_ptr<ControlServer::State>& state) {
    state->acceptor.async_accept([state](boost::system::error_code ec, Local::socket s) {
        if (!state->open) return;
        if (!ec) std::make_shared<Connection>(std::move(s))->read(state);
        accept_loop(state);  // a transient error (EMFILE) must not stop the server
    });
}

}  // namespace

void ControlServer::accept() { accept_loop(state_); }

ControlReply control_request(const std::string& path, std::string_view header,
                             std::string_view body) {
    asio::io_context io;
    Local::socket s(io);
    boost::system::error_code ec;
    s.connect(Local::endpoint(path), ec);
    if (ec)
        throw std::runtime_error(
            fmt::format("cannot reach the agent at {}: {}", path, ec.message()));
    std::string request(header);
    request += '\n';
    request.append(body);
    asio::write(s, asio::buffer(request), ec);
    if (ec) throw std::runtime_error(fmt::format("{}: write: {}", path, ec.message()));
    s.shutdown(Local::socket::shutdown_send, ec);
    std::string reply;
    std::array<char, 16384> buf{};
    for (;;) {
        const std::size_t n = s.read_some(asio::buffer(buf), ec);
        reply.append(buf.data(), n);
        if (ec || reply.size() > control_limit) break;
    }
    if (ec && ec != asio::error::eof)
        throw std::runtime_error(fmt::format("{}: read: {}", path, ec.message()));
    const auto nl = reply.find('\n');
    const std::string status = reply.substr(0, nl);
    if (status != "ok" && status != "error")
        throw std::runtime_error(fmt::format("{}: not an agent's answer", path));
    return ControlReply{status == "ok",
                        nl == std::string::npos ? std::string() : reply.substr(nl + 1)};
}

}  // namespace bgp::node_agent
