// NOTIFICATION message codec (RFC 4271 §4.5, §6.1), the RFC 9003 shutdown
// communication of Cease / Administrative Shutdown and Administrative Reset,
// and the RFC 8538 §3 Hard Reset wrapper.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>

#include "bgp/wire/message.hpp"
#include "wire/bodies.hpp"
#include "wire/reader.hpp"

namespace bgp::wire {

namespace {

constexpr std::uint8_t cease = 6;
constexpr std::size_t max_communication = 255;  // RFC 9003 §2 (RFC 8203 had 128)

/// Strict UTF-8 (RFC 3629 §4): no overlong forms, no surrogates, at most U+10FFFF.
bool valid_utf8(std::span<const std::uint8_t> s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::uint8_t c = s[i];
        std::size_t n = 0;
        std::uint8_t lo = 0x80, hi = 0xBF;  // bounds of the second octet
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c == 0xE0) {
            n = 2, lo = 0xA0;
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
            n = 2;
        } else if (c == 0xED) {
            n = 2, hi = 0x9F;
        } else if (c == 0xF0) {
            n = 3, lo = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3) {
            n = 3;
        } else if (c == 0xF4) {
            n = 3, hi = 0x8F;
        } else {
            return false;
        }
        if (s.size() - i <= n) return false;
        if (s[i + 1] < lo || s[i + 1] > hi) return false;
        for (std::size_t k = 2; k <= n; ++k)
            if ((s[i + k] & 0xC0) != 0x80) return false;
        i += n + 1;
    }
    return true;
}

std::string hex(std::span<const std::uint8_t> data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (auto b : data) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0F]);
    }
    return out;
}

/// The text between double quotes, with quotes, backslashes and control
/// characters escaped so that a log line stays one line.
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out.push_back('\\');
            out.push_back(ch);
        } else if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out.push_back(ch);
        }
    }
    out.push_back('"');
    return out;
}

}  // namespace

Result<Notification> decode_notification(std::span<const std::uint8_t> body) {
    // RFC 4271 §4.5: Error code (1), Error subcode (1), Data (variable).
    // §6.1: a NOTIFICATION below its 21-octet minimum is Bad Message Length,
    // with the erroneous Length field as data. (§6.4: the receiver must not
    // answer a NOTIFICATION with one; the FSM knows, the codec just reports.)
    if (body.size() < 2) {
        const auto length = static_cast<std::uint16_t>(body.size() + header_size);
        return unexpected(make_error(
            1, header_subcode::bad_message_length, ErrorAction::session_reset,
            "NOTIFICATION length " + std::to_string(length) + " below the 21-octet minimum",
            {static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)}));
    }
    Notification n;
    n.code = body[0];
    n.subcode = body[1];
    n.data.assign(body.begin() + 2, body.end());
    return n;
}

std::optional<std::string> Notification::shutdown_communication() const {
    // RFC 9003 §2: for Cease subcodes 2 and 4, data = Length (1) followed by
    // that many octets of UTF-8. §4 (error handling): a length beyond the
    // data or invalid UTF-8 makes the communication unusable. Octets after
    // the communication are ignored (tcpdump prints them as extra data).
    if (code != cease) return std::nullopt;
    if (subcode != cease_subcode::administrative_shutdown &&
        subcode != cease_subcode::administrative_reset)
        return std::nullopt;
    if (data.empty()) return std::nullopt;
    const std::size_t len = data[0];
    if (len > data.size() - 1) return std::nullopt;
    const std::span<const std::uint8_t> text(data.data() + 1, len);
    if (!valid_utf8(text)) return std::nullopt;
    return std::string(text.begin(), text.end());
}

std::optional<Notification> Notification::hard_reset_cause() const {
    // RFC 8538 §3: the Data of Cease / Hard Reset carries the error code (1),
    // subcode (1) and data of the NOTIFICATION it stands for.
    if (code != cease || subcode != cease_subcode::hard_reset || data.size() < 2)
        return std::nullopt;
    Notification inner;
    inner.code = data[0];
    inner.subcode = data[1];
    inner.data.assign(data.begin() + 2, data.end());
    return inner;
}

std::string Notification::describe() const {
    std::string s = code_name(code);
    // Hold Timer Expired (4) and Send Hold Timer Expired (8) have no subcodes.
    if (subcode != 0 || (code != 4 && code != 8)) s += " / " + subcode_name(code, subcode);
    if (auto text = shutdown_communication()) {
        if (!text->empty()) s += ": " + quoted(*text);
        return s;
    }
    if (auto inner = hard_reset_cause()) return s + ": " + inner->describe();
    if (!data.empty()) s += " (data " + hex(data) + ")";
    return s;
}

Notification Notification::shutdown(std::uint8_t subcode, std::string_view message) {
    // RFC 9003 §2: at most 255 octets; cut at a UTF-8 character boundary so
    // that the truncated text stays valid. No text: no data at all.
    Notification n;
    n.code = cease;
    n.subcode = subcode;
    if (message.empty()) return n;
    std::size_t len = std::min(message.size(), max_communication);
    if (len < message.size()) {
        // Step back over continuation octets (10xxxxxx) of a cut character.
        while (len > 0 && (static_cast<unsigned char>(message[len]) & 0xC0) == 0x80) --len;
    }
    n.data.reserve(len + 1);
    n.data.push_back(static_cast<std::uint8_t>(len));
    n.data.insert(n.data.end(), message.begin(),
                  message.begin() + static_cast<std::ptrdiff_t>(len));
    return n;
}

namespace detail {

void encode_notification_body(const Notification& m, Writer& w) {
    w.u8(m.code);
    w.u8(m.subcode);
    w.bytes(m.data);
}

}  // namespace detail
}  // namespace bgp::wire
