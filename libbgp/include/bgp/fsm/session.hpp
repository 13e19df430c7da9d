// The BGP session state machine (RFC 4271 §8), without I/O.
//
// One `Session` per configured peer. It owns up to two TCP connections to that
// peer (the one we opened and the one the peer opened) and runs the RFC 4271
// §8.2.2 state machine on each, resolving collisions (§6.8) by BGP identifier.
// Events go in (TCP up/down, bytes received, time passing, operator commands);
// actions come out (connect, send these bytes, close, state changed, UPDATE
// received, graceful-restart bookkeeping). Nothing here touches a socket or
// reads a clock: the caller passes `now` into every call, so tests run whole
// timelines in microseconds.
//
// Implements: RFC 4271 §8 (mandatory events 1-28 and the optional session
// attributes: passive, DelayOpen, IdleHoldTime with exponential back-off,
// collision detection), §6 error handling, §10 timers; RFC 5492 capability
// negotiation; RFC 6793 (4-octet AS), RFC 2918/7313 (route refresh), RFC 7911
// (ADD-PATH modes), RFC 8654 (extended message), RFC 8950 (extended next hop),
// RFC 9234 (roles), RFC 4724 + RFC 8538 (graceful restart, N bit), RFC 9494
// (long-lived graceful restart), RFC 9003 (shutdown communication), RFC 9687
// (send hold timer).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bgp/fsm/config.hpp"
#include "bgp/fsm/negotiate.hpp"
#include "bgp/wire/message.hpp"

namespace bgp::fsm {

/// RFC 4271 §8.2.2 states.
enum class State : std::uint8_t { idle, connect, active, open_sent, open_confirm, established };
/// "Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established".
[[nodiscard]] std::string_view to_string(State s);

/// Which of the (at most two) TCP connections to the peer an event or an
/// action is about.
enum class ConnId : std::uint8_t { outgoing = 0, incoming = 1 };

/// Timers of RFC 4271 §10 plus the graceful-restart ones. The caller never
/// arms timers itself: it asks `next_deadline()` and calls `poll(now)`.
enum class TimerKind : std::uint8_t {
    connect_retry,
    hold,
    keepalive,
    delay_open,
    idle_hold,
    send_hold,   ///< RFC 9687
    gr_restart,  ///< RFC 4724 §4.2: peer's Restart Time, started when it went down
    gr_stale,    ///< our bound on waiting for the peer's End-of-RIB after it came back
    llgr_stale,  ///< RFC 9494 long-lived stale time
};
[[nodiscard]] std::string_view to_string(TimerKind t);

// ---- actions (what the driver must do) ---------------------------------------------

/// Open a TCP connection to the peer (outgoing slot). Answer later with
/// `tcp_connected(ConnId::outgoing)` or `tcp_failed(ConnId::outgoing)`.
struct ConnectAction {};

/// Write these bytes (one or more whole messages) on the connection.
struct SendAction {
    ConnId conn = ConnId::outgoing;
    std::shared_ptr<const std::vector<std::uint8_t>> bytes;
    wire::MessageType type = wire::MessageType::keepalive;  ///< of the first message
};

/// Close the connection (after the queued bytes are written, if `flush`).
struct CloseAction {
    ConnId conn = ConnId::outgoing;
    bool flush = true;
};

/// Why the session changed state, in words and, when a NOTIFICATION was sent
/// or received, the NOTIFICATION itself.
struct Reason {
    enum class Kind : std::uint8_t {
        none,
        admin_start,
        admin_stop,
        tcp_failed,         ///< connect failed / connection closed by the peer
        notification_sent,  ///< we detected an error and told the peer
        notification_received,
        timer_expired,  ///< hold / connect-retry / ... (see `text`)
        collision,      ///< this connection lost §6.8 collision detection
        open_received,
        keepalive_received,
    };
    Kind kind = Kind::none;
    std::optional<wire::Notification> notification;
    std::string text;  ///< e.g. "hold timer expired (90 s)", "received Cease / Administrative
                       ///< Shutdown: \"bye\""
};

/// The session (its most advanced connection) moved from `from` to `to`.
struct StateChangeAction {
    State from = State::idle;
    State to = State::idle;
    Reason reason;
};

/// An UPDATE arrived in Established and decoded (RFC 7606 outcomes applied:
/// `update.treat_as_withdraw` / `update.errors` are set when relevant).
struct UpdateAction {
    wire::Update update;
};

/// A ROUTE-REFRESH arrived for a negotiated family (RFC 2918 / RFC 7313).
struct RouteRefreshAction {
    wire::RouteRefresh refresh;
};

/// Graceful restart, helper side (RFC 4724 §4.2). The RIB must mark every route
/// from this peer in `families` stale (keep using it), or, for
/// `flush_stale`, delete the routes still marked stale in `families`.
struct GrStaleAction {
    enum class What : std::uint8_t {
        mark_stale,   ///< peer went down with GR: keep routes, mark stale
        flush_stale,  ///< End-of-RIB received, or a timer ran out, or F bit cleared
        flush_all,    ///< session went down without GR: drop every route of the peer
        llgr_stale,   ///< RFC 9494: routes move to long-lived stale (LLGR_STALE community)
    };
    What what = What::flush_all;
    std::vector<wire::Family> families;
    std::string why;
};

/// End-of-RIB received from the peer for a family (RFC 4724 §2).
struct EndOfRibAction {
    wire::Family family;
};

using Action = std::variant<ConnectAction, SendAction, CloseAction, StateChangeAction, UpdateAction,
                            RouteRefreshAction, GrStaleAction, EndOfRibAction>;
using Actions = std::vector<Action>;

// ---- the state machine -----------------------------------------------------------

class Session {
  public:
    using TimePoint = std::chrono::steady_clock::time_point;

    explicit Session(SessionConfig config);
    ~Session();
    Session(Session&&) noexcept;
    Session& operator=(Session&&) noexcept;

    // Administrative events (RFC 4271 §8.1.2, events 1-8).
    /// ManualStart / ManualStart_with_PassiveTcpEstablishment (config.passive).
    void start(TimePoint now, Actions& out);
    /// ManualStop: NOTIFICATION Cease / Administrative Shutdown (RFC 9003
    /// message, may be empty) on every open connection, then Idle. Also
    /// `subcode` = administrative_reset or peer_deconfigured.
    void stop(TimePoint now, Actions& out, std::string_view message = {},
              std::uint8_t subcode = wire::cease_subcode::administrative_shutdown);
    /// ManualStop with this Cease (e.g. RFC 4486 Maximum Number of Prefixes
    /// Reached with its AFI / SAFI / limit data).
    void stop(TimePoint now, Actions& out, const wire::Notification& notification);
    /// ManualStop before a graceful restart of this speaker (RFC 4724 §4.2):
    /// if graceful restart was negotiated, the connection is closed without a
    /// NOTIFICATION, so the peer keeps our routes, marked stale (`message`
    /// goes only into our own log). Not a Cease even with the RFC 8538 N bit:
    /// implementations differ on which Cease subcodes they treat as Hard Reset.
    /// Without graceful restart negotiated this is stop(now, out, message).
    void stop_for_restart(TimePoint now, Actions& out, std::string_view message = {});
    /// Replace the configuration. Settings that need a new session (anything in
    /// the OPEN, the peer AS, addresses) reset it with Cease / Other
    /// Configuration Change; timers-only changes apply in place. Returns true
    /// if the session was reset.
    bool reconfigure(SessionConfig config, TimePoint now, Actions& out);

    // TCP events (§8.1.4, events 14-18).
    /// The outgoing connection completed (Tcp_CR_Acked).
    void tcp_connected(TimePoint now, Actions& out);
    /// The peer connected to us (TcpConnectionConfirmed). Returns false if the
    /// connection must be refused (e.g. an incoming one is already being set
    /// up, or the session is administratively down); the driver then closes it.
    [[nodiscard]] bool tcp_accepted(TimePoint now, Actions& out);
    /// Connect failed or the connection closed (TcpConnectionFails).
    void tcp_failed(ConnId conn, TimePoint now, Actions& out, std::string_view why = {});

    /// Bytes read from a connection. Frames and decodes them (limits per the
    /// negotiated extended message capability) and feeds events 19-28.
    void receive(ConnId conn, std::span<const std::uint8_t> bytes, TimePoint now, Actions& out);

    /// Processes every timer that is due at `now`.
    void poll(TimePoint now, Actions& out);
    /// When `poll` must next be called (nullopt: no timer armed).
    [[nodiscard]] std::optional<TimePoint> next_deadline() const;

    // Sending in Established.
    /// Encodes and sends an UPDATE on the established connection (restarts
    /// the keepalive timer). False, and nothing sent, if not Established or
    /// the UPDATE cannot be encoded with the negotiated options.
    bool send_update(const wire::Update& update, TimePoint now, Actions& out);
    /// Sends pre-encoded UPDATE bytes (an update group's shared buffer).
    bool send_encoded(std::shared_ptr<const std::vector<std::uint8_t>> bytes, TimePoint now,
                      Actions& out);
    /// ROUTE-REFRESH to the peer (if negotiated), e.g. after an import policy change.
    bool request_refresh(wire::Family family, TimePoint now, Actions& out);
    /// RFC 7313 §4: Beginning / End of Route Refresh around the re-advertisement
    /// that answers a ROUTE-REFRESH (`subtype` = wire::route_refresh_subtype::borr
    /// or eorr). False, and nothing sent, unless enhanced route refresh was
    /// negotiated for a family of the session.
    bool send_refresh_marker(wire::Family family, std::uint8_t subtype, TimePoint now,
                             Actions& out);
    /// The write side reports progress, which drives the send hold timer
    /// (RFC 9687): call it with `drained` = true each time the connection's
    /// write queue becomes empty, false when some bytes were written but more
    /// are queued. The timer runs from the first unwritten send; it fires
    /// (NOTIFICATION 8, close) when the peer read nothing for the send hold
    /// time. Until the driver calls this once, the timer is not armed.
    void write_progress(TimePoint now, bool drained = true);

    // Introspection.
    [[nodiscard]] State state() const;
    [[nodiscard]] std::optional<ConnId> established_conn() const;
    /// Valid in Established (and kept for the last session after it ends).
    [[nodiscard]] const Negotiated* negotiated() const;
    [[nodiscard]] const SessionConfig& config() const;
    /// The last error that took the session down (for `show neighbors`).
    [[nodiscard]] const Reason& last_error() const;
    /// Consecutive failed attempts driving the IdleHold back-off.
    [[nodiscard]] std::uint32_t flap_count() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bgp::fsm
