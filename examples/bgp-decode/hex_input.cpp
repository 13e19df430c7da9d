// bgp-decode --hex: one hex-encoded BGP message per line on stdin.
#include <cctype>
#include <optional>
#include <vector>

#include "inputs.hpp"

namespace bgp_decode {

namespace w = bgp::wire;

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// The octets of one line, or the reason it is not hex.
std::optional<std::vector<std::uint8_t>> parse_hex(const std::string& line, std::string& why) {
    std::string digits;
    digits.reserve(line.size());
    for (char c : line)
        if (c != ' ' && c != '\t' && c != ':' && c != '\r') digits.push_back(c);
    if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        digits.erase(0, 2);
    if (digits.size() % 2 != 0) {
        why = "odd number of hex digits (" + std::to_string(digits.size()) + ")";
        return std::nullopt;
    }
    std::vector<std::uint8_t> out;
    out.reserve(digits.size() / 2);
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        const int hi = hex_digit(digits[i]);
        const int lo = hex_digit(digits[i + 1]);
        if (hi < 0 || lo < 0) {
            const char bad = hi < 0 ? digits[i] : digits[i + 1];
            why = std::string("not a hex digit: '") +
                  (std::isprint(static_cast<unsigned char>(bad)) ? std::string(1, bad)
                                                                 : std::string("?")) +
                  "'";
            return std::nullopt;
        }
        out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return out;
}

}  // namespace

int run_hex(std::istream& in, const Settings& s) {
    const Knowledge nothing_known;  // no OPENs in this input: the guessing rule applies
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        const json::object context{{"line", line_no}};
        std::string why;
        auto bytes = parse_hex(line, why);
        if (!bytes) {
            emit(with_context(stream_error_json(0, 0, "line is not hex: " + why), context), s);
            continue;
        }
        std::span<const std::uint8_t> rest(*bytes);
        while (!rest.empty()) {
            // Several messages back to back: split on the header's length when it
            // is plausible; otherwise hand the rest to the codec, which says what
            // is wrong with it.
            std::size_t take = rest.size();
            if (rest.size() >= w::header_size) {
                const std::size_t declared = (std::size_t{rest[16]} << 8) | rest[17];
                if (declared >= w::header_size && declared < rest.size()) take = declared;
            }
            const auto msg = rest.first(take);
            emit(with_context(decoded_json(decode_message(msg, nothing_known, s.defaults), msg),
                              context),
                 s);
            rest = rest.subspan(take);
        }
    }
    if (in.bad()) {
        emit(stream_error_json(0, 0, "error reading standard input"), s);
        return exit_input_damaged;
    }
    return exit_ok;
}

}  // namespace bgp_decode
