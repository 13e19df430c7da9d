// bgp::fsm::Session: the public face of the state machine (fsm/machine.hpp).
#include "bgp/fsm/session.hpp"

#include "fsm/machine.hpp"

namespace bgp::fsm {

struct Session::Impl {
    explicit Impl(SessionConfig c) : m(std::move(c)) {}
    detail::Machine m;
};

Session::Session(SessionConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

void Session::start(TimePoint now, Actions& out) { impl_->m.start(now, out); }
void Session::stop(TimePoint now, Actions& out, std::string_view message, std::uint8_t subcode) {
    impl_->m.stop(now, out, message, subcode);
}
void Session::stop_for_restart(TimePoint now, Actions& out, std::string_view message) {
    impl_->m.stop_for_restart(now, out, message);
}
void Session::stop(TimePoint now, Actions& out, const wire::Notification& notification) {
    impl_->m.stop_with(now, out, notification);
}
bool Session::reconfigure(SessionConfig config, TimePoint now, Actions& out) {
    return impl_->m.reconfigure(std::move(config), now, out);
}
void Session::tcp_connected(TimePoint now, Actions& out) { impl_->m.tcp_connected(now, out); }
bool Session::tcp_accepted(TimePoint now, Actions& out) { return impl_->m.tcp_accepted(now, out); }
void Session::tcp_failed(ConnId conn, TimePoint now, Actions& out, std::string_view why) {
    impl_->m.tcp_failed(conn, now, out, why);
}
void Session::receive(ConnId conn, std::span<const std::uint8_t> bytes, TimePoint now,
                      Actions& out) {
    impl_->m.receive(conn, bytes, now, out);
}
void Session::poll(TimePoint now, Actions& out) { impl_->m.poll(now, out); }
std::optional<Session::TimePoint> Session::next_deadline() const {
    return impl_->m.next_deadline();
}
bool Session::send_update(const wire::Update& update, TimePoint now, Actions& out) {
    return impl_->m.send_update(update, now, out);
}
bool Session::send_encoded(std::shared_ptr<const std::vector<std::uint8_t>> bytes, TimePoint now,
                           Actions& out) {
    return impl_->m.send_encoded(std::move(bytes), now, out);
}
bool Session::request_refresh(wire::Family family, TimePoint now, Actions& out) {
    return impl_->m.request_refresh(family, now, out);
}
bool Session::send_refresh_marker(wire::Family family, std::uint8_t subtype, TimePoint now,
                                  Actions& out) {
    return impl_->m.send_refresh_marker(family, subtype, now, out);
}
void Session::write_progress(TimePoint now, bool drained) { impl_->m.write_progress(now, drained); }

State Session::state() const { return impl_->m.state(); }
std::optional<ConnId> Session::established_conn() const { return impl_->m.established_conn(); }
const Negotiated* Session::negotiated() const { return impl_->m.negotiated(); }
const SessionConfig& Session::config() const { return impl_->m.config(); }
const Reason& Session::last_error() const { return impl_->m.last_error(); }
std::uint32_t Session::flap_count() const { return impl_->m.flap_count(); }

}  // namespace bgp::fsm
