// Message framing and dispatch (RFC 4271 §4.1, §6.1; RFC 8654 §4).
#include "bgp/wire/message.hpp"

#include <algorithm>
#include <string>

#include "wire/bodies.hpp"
#include "wire/reader.hpp"

namespace bgp::wire {

std::string message_type_name(std::uint8_t type) {
    switch (type) {
        case 1:
            return "OPEN";
        case 2:
            return "UPDATE";
        case 3:
            return "NOTIFICATION";
        case 4:
            return "KEEPALIVE";
        case 5:
            return "ROUTE-REFRESH";
        default:
            return "TYPE-" + std::to_string(type);
    }
}

std::optional<std::size_t> FamilySet::index(Family f) {
    std::size_t a = 0;
    switch (f.afi) {
        case Afi::ipv4:
            a = 0;
            break;
        case Afi::ipv6:
            a = 1;
            break;
        case Afi::l2vpn:
            a = 2;
            break;
        default:
            return std::nullopt;
    }
    return a * 256 + static_cast<std::size_t>(f.safi);
}

void FamilySet::insert(Family f) {
    if (auto i = index(f)) bits_.set(*i);
}
void FamilySet::erase(Family f) {
    if (auto i = index(f)) bits_.reset(*i);
}
bool FamilySet::contains(Family f) const {
    auto i = index(f);
    return i && bits_.test(*i);
}

MessageType type_of(const Message& m) {
    return static_cast<MessageType>(m.index() + 1);  // variant order follows the type codes
}

Result<Header> decode_header(std::span<const std::uint8_t> bytes, const CodecOptions& opts) {
    if (bytes.size() < header_size) {
        return unexpected(make_error(1, header_subcode::bad_message_length,
                                     ErrorAction::session_reset,
                                     "message shorter than the 19-octet header"));
    }
    // §6.1: the marker must be all ones.
    if (!std::all_of(bytes.begin(), bytes.begin() + 16, [](std::uint8_t b) { return b == 0xFF; }))
        return unexpected(make_error(1, header_subcode::connection_not_synchronized,
                                     ErrorAction::session_reset, "marker is not all ones"));
    Header h;
    h.length = static_cast<std::uint16_t>((bytes[16] << 8) | bytes[17]);
    h.type = bytes[18];
    std::vector<std::uint8_t> len_data{bytes[16], bytes[17]};
    auto bad_length = [&](const std::string& why) {
        return unexpected(make_error(
            1, header_subcode::bad_message_length, ErrorAction::session_reset,
            message_type_name(h.type) + " length " + std::to_string(h.length) + ": " + why,
            len_data));
    };
    if (h.type < 1 || h.type > 5) {
        return unexpected(make_error(1, header_subcode::bad_message_type,
                                     ErrorAction::session_reset,
                                     "unknown message type " + std::to_string(h.type), {h.type}));
    }
    if (h.length < header_size) return bad_length("below the 19-octet minimum");
    // RFC 8654 §4: OPEN and KEEPALIVE stay within 4096 octets.
    std::size_t limit = opts.max_size();
    if (h.type == 1) limit = max_message_size;
    if (h.length > limit) return bad_length("exceeds the limit of " + std::to_string(limit));
    switch (static_cast<MessageType>(h.type)) {
        case MessageType::open:
            if (h.length < 29) return bad_length("OPEN needs at least 29 octets");
            break;
        case MessageType::update:
            if (h.length < 23) return bad_length("UPDATE needs at least 23 octets");
            break;
        case MessageType::notification:
            if (h.length < 21) return bad_length("NOTIFICATION needs at least 21 octets");
            break;
        case MessageType::keepalive:
            if (h.length != 19) return bad_length("KEEPALIVE must be exactly 19 octets");
            break;
        case MessageType::route_refresh:
            // Body length errors are ROUTE-REFRESH Message Errors (RFC 7313 §5),
            // judged by decode_route_refresh.
            break;
    }
    return h;
}

Result<Message> decode_message(std::span<const std::uint8_t> bytes, const CodecOptions& opts) {
    auto h = decode_header(bytes, opts);
    if (!h) return unexpected(std::move(h.error()));
    if (h->length != bytes.size()) {
        return unexpected(make_error(1, header_subcode::bad_message_length,
                                     ErrorAction::session_reset,
                                     "header length " + std::to_string(h->length) + " but " +
                                         std::to_string(bytes.size()) + " octets given",
                                     {bytes[16], bytes[17]}));
    }
    const auto body = bytes.subspan(header_size);
    switch (static_cast<MessageType>(h->type)) {
        case MessageType::open: {
            auto r = decode_open(body);
            if (!r) return unexpected(std::move(r.error()));
            return Message{std::move(*r)};
        }
        case MessageType::update: {
            auto r = decode_update(body, opts);
            if (!r) return unexpected(std::move(r.error()));
            return Message{std::move(*r)};
        }
        case MessageType::notification: {
            auto r = decode_notification(body);
            if (!r) return unexpected(std::move(r.error()));
            return Message{std::move(*r)};
        }
        case MessageType::keepalive:
            return Message{Keepalive{}};
        case MessageType::route_refresh: {
            auto r = decode_route_refresh(body);
            if (!r) return unexpected(std::move(r.error()));
            return Message{std::move(*r)};
        }
    }
    return unexpected(make_error(1, header_subcode::bad_message_type, ErrorAction::session_reset,
                                 "unknown message type"));
}

Expected<std::size_t, EncodeError> encode_message(const Message& m, const CodecOptions& opts,
                                                  std::vector<std::uint8_t>& out) {
    const std::size_t start = out.size();
    detail::Writer w(out);
    for (int i = 0; i < 16; ++i) w.u8(0xFF);
    w.u16(0);  // length, patched below
    w.u8(static_cast<std::uint8_t>(type_of(m)));
    std::optional<EncodeError> err;
    std::visit(
        [&](const auto& msg) {
            using T = std::decay_t<decltype(msg)>;
            if constexpr (std::is_same_v<T, Open>) {
                err = detail::encode_open_body(msg, w);
            } else if constexpr (std::is_same_v<T, Update>) {
                err = detail::encode_update_body(msg, opts, w);
            } else if constexpr (std::is_same_v<T, Notification>) {
                detail::encode_notification_body(msg, w);
            } else if constexpr (std::is_same_v<T, RouteRefresh>) {
                detail::encode_route_refresh_body(msg, w);
            }
        },
        m);
    const std::size_t len = out.size() - start;
    const std::size_t limit =
        std::holds_alternative<Open>(m) || std::holds_alternative<Keepalive>(m) ? max_message_size
                                                                                : opts.max_size();
    if (!err && len > limit) {
        err = EncodeError{message_type_name(static_cast<std::uint8_t>(type_of(m))) + " of " +
                          std::to_string(len) + " octets exceeds the limit of " +
                          std::to_string(limit)};
    }
    if (err) {
        out.resize(start);
        return unexpected(std::move(*err));
    }
    w.patch_u16(start + 16, static_cast<std::uint16_t>(len));
    return len;
}

Expected<std::vector<std::uint8_t>, EncodeError> encode(const Message& m,
                                                        const CodecOptions& opts) {
    std::vector<std::uint8_t> out;
    auto r = encode_message(m, opts, out);
    if (!r) return unexpected(std::move(r.error()));
    return out;
}

}  // namespace bgp::wire
