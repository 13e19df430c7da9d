// The session state machine itself (private): `Session` is a thin pimpl over
// this class. Tests include it to inject raw RFC 4271 §8.1 events into either
// connection's FSM and to look at timers, so that every state x event cell of
// §8.2.2 can be checked, including events the public API cannot produce in a
// given state (e.g. ConnectRetryTimer_Expires in Established).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bgp/fsm/session.hpp"
#include "fsm/gr_helper.hpp"

namespace bgp::fsm::detail {

/// RFC 4271 §8.1 events, numbered as in the RFC.
enum class Event : std::uint8_t {
    manual_start = 1,
    manual_stop = 2,
    automatic_start = 3,
    manual_start_with_passive_tcp_establishment = 4,
    automatic_start_with_passive_tcp_establishment = 5,
    automatic_start_with_damp_peer_oscillations = 6,
    automatic_start_with_damp_peer_oscillations_and_passive_tcp_establishment = 7,
    automatic_stop = 8,
    connect_retry_timer_expires = 9,
    hold_timer_expires = 10,
    keepalive_timer_expires = 11,
    delay_open_timer_expires = 12,
    idle_hold_timer_expires = 13,
    tcp_connection_valid = 14,
    tcp_cr_invalid = 15,
    tcp_cr_acked = 16,
    tcp_connection_confirmed = 17,
    tcp_connection_fails = 18,
    bgp_open = 19,
    bgp_open_with_delay_open_timer_running = 20,
    bgp_header_err = 21,
    bgp_open_msg_err = 22,
    open_collision_dump = 23,
    notif_msg_ver_err = 24,
    notif_msg = 25,
    keepalive_msg = 26,
    update_msg = 27,
    update_msg_err = 28,
};
[[nodiscard]] std::string_view to_string(Event e);

/// The FSM of one TCP connection (RFC 4271 §8: one per connection).
struct Conn {
    ConnId id = ConnId::outgoing;
    State state = State::idle;
    bool tcp_up = false;    ///< TCP established (else: connecting, or none)
    std::uint32_t gen = 0;  ///< bumped each time the connection is dropped
    std::optional<std::chrono::steady_clock::time_point> connect_retry, hold, keepalive, delay_open,
        send_hold;
    std::vector<std::uint8_t> rx;   ///< framing buffer
    std::optional<Negotiated> neg;  ///< after the peer's OPEN was accepted
    std::chrono::steady_clock::time_point established_at{};
};

/// Extra data an event carries (the message that raised it, or the error).
struct EventData {
    const wire::Open* open = nullptr;
    const wire::Notification* notification = nullptr;  ///< received, or to send (errors)
    wire::Message* message = nullptr;                  ///< UPDATE / ROUTE-REFRESH in Established
    std::string text;
};

class Machine {
  public:
    using TimePoint = std::chrono::steady_clock::time_point;

    explicit Machine(SessionConfig config);

    void start(TimePoint now, Actions& out);
    void stop(TimePoint now, Actions& out, std::string_view message, std::uint8_t subcode);
    void stop_with(TimePoint now, Actions& out, const wire::Notification& n);
    void stop_for_restart(TimePoint now, Actions& out, std::string_view message);
    bool reconfigure(SessionConfig config, TimePoint now, Actions& out);
    void tcp_connected(TimePoint now, Actions& out);
    bool tcp_accepted(TimePoint now, Actions& out);
    void tcp_failed(ConnId conn, TimePoint now, Actions& out, std::string_view why);
    void receive(ConnId conn, std::span<const std::uint8_t> bytes, TimePoint now, Actions& out);
    void poll(TimePoint now, Actions& out);
    [[nodiscard]] std::optional<TimePoint> next_deadline() const;
    bool send_update(const wire::Update& update, TimePoint now, Actions& out);
    bool send_encoded(std::shared_ptr<const std::vector<std::uint8_t>> bytes, TimePoint now,
                      Actions& out);
    bool request_refresh(wire::Family family, TimePoint now, Actions& out);
    bool send_refresh_marker(wire::Family family, std::uint8_t subtype, TimePoint now,
                             Actions& out);
    void write_progress(TimePoint now, bool drained);

    [[nodiscard]] State state() const;
    [[nodiscard]] std::optional<ConnId> established_conn() const;
    [[nodiscard]] const Negotiated* negotiated() const;
    [[nodiscard]] const SessionConfig& config() const { return config_; }
    [[nodiscard]] const Reason& last_error() const { return last_error_; }
    [[nodiscard]] std::uint32_t flap_count() const { return flap_count_; }

    // ---- test and introspection hooks ----
    /// Raises RFC event `e` on a connection's FSM, as if it had happened.
    void inject(ConnId conn, Event e, TimePoint now, Actions& out, EventData data = {});
    [[nodiscard]] const Conn& conn(ConnId id) const { return conns_[static_cast<std::size_t>(id)]; }
    [[nodiscard]] std::optional<TimePoint> timer(TimerKind k,
                                                 std::optional<ConnId> conn = {}) const;
    [[nodiscard]] std::uint32_t connect_retry_counter() const { return connect_retry_counter_; }
    [[nodiscard]] bool admin_up() const { return admin_up_; }
    [[nodiscard]] const GrHelper& gr() const { return gr_; }

  private:
    Conn& c(ConnId id) { return conns_[static_cast<std::size_t>(id)]; }
    Conn& other(const Conn& x) { return conns_[x.id == ConnId::outgoing ? 1 : 0]; }

    void handle(Conn& x, Event e, TimePoint now, Actions& out, const EventData& d);
    // The per-state tables of RFC 4271 §8.2.2.
    void in_connect_or_active(Conn& x, Event e, TimePoint now, Actions& out, const EventData& d);
    void in_open_sent(Conn& x, Event e, TimePoint now, Actions& out, const EventData& d);
    void in_open_confirm(Conn& x, Event e, TimePoint now, Actions& out, const EventData& d);
    void in_established(Conn& x, Event e, TimePoint now, Actions& out, const EventData& d);

    // Building blocks.
    void set_state(Conn& x, State s, Actions& out);
    void sync(Actions& out);
    void send(Conn& x, const wire::Message& m, TimePoint now, Actions& out);
    void send_bytes(Conn& x, std::shared_ptr<const std::vector<std::uint8_t>> bytes,
                    wire::MessageType type, TimePoint now, Actions& out);
    void send_notification(Conn& x, wire::Notification n, TimePoint now, Actions& out);
    void send_open(Conn& x, TimePoint now, Actions& out);
    void arm_session_timers(Conn& x, TimePoint now);
    void connect(Conn& x, TimePoint now, Actions& out);
    /// Closes the connection, clears its timers; the FSM goes to Idle (or
    /// `next` for the outgoing FSM waiting in Active). Then session-level
    /// consequences (session down, automatic restart).
    void drop(Conn& x, TimePoint now, Actions& out, Reason reason, bool error,
              State next = State::idle, bool flush = true);
    void error_with_notification(Conn& x, const wire::Notification& n, TimePoint now, Actions& out,
                                 std::string text);
    void open_received(Conn& x, const wire::Open& open, bool delay_open_running, TimePoint now,
                       Actions& out);
    bool resolve_collision(Conn& x, TimePoint now, Actions& out);
    void become_established(Conn& x, TimePoint now, Actions& out);
    void session_down(Conn& x, const Reason& reason, TimePoint now, Actions& out);
    void established_message(Conn& x, wire::Message& m, TimePoint now, Actions& out);
    void process_frames(Conn& x, TimePoint now, Actions& out);
    void automatic_start(TimePoint now, Actions& out);
    [[nodiscard]] bool gr_eligible(const Negotiated& neg, const Reason& reason) const;
    [[nodiscard]] std::chrono::seconds send_hold_time(const Conn& x) const;
    [[nodiscard]] wire::Notification wrap_hard_reset(const Conn& x, wire::Notification n) const;

    SessionConfig config_;
    wire::Open local_open_;
    std::array<Conn, 2> conns_;
    bool admin_up_ = false;
    bool send_hold_tracking_ = false;  ///< the driver reports write progress
    std::optional<TimePoint> idle_hold_;
    std::uint32_t connect_retry_counter_ = 0;
    std::uint32_t flap_count_ = 0;
    State reported_ = State::idle;
    Reason pending_;
    Reason last_error_;
    std::optional<Negotiated> negotiated_;
    GrHelper gr_;
};

}  // namespace bgp::fsm::detail
