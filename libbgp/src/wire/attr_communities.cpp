// Decode and encode hooks for COMMUNITIES (RFC 1997), EXTENDED COMMUNITIES
// (RFC 4360) and LARGE_COMMUNITY (RFC 8092), with the error handling of
// RFC 7606 §7.8, §7.14 and RFC 8092 §5: a length that is zero or not a
// multiple of the element size makes the attribute malformed,
// treat-as-withdraw. Unrecognized extended community types are not errors
// (RFC 7606 §7.14).
#include <string>
#include <vector>

#include "wire/attribute_table.hpp"

namespace bgp::wire::detail {

namespace {

std::uint32_t get_u32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}

std::optional<AttrProblem> check_multiple(std::size_t len, std::size_t unit, const char* rfc) {
    if (len != 0 && len % unit == 0) return std::nullopt;
    return AttrProblem{ErrorAction::treat_as_withdraw, update_subcode::attribute_length_error,
                       "length " + std::to_string(len) + " is not a non-zero multiple of " +
                           std::to_string(unit) + " (" + rfc + ")"};
}

// An empty list would arrive as a zero-length, malformed attribute.
template <class List>
std::optional<EncodeError> check_not_empty(const List& l, const char* name, const char* rfc) {
    if (!l.empty()) return std::nullopt;
    return EncodeError{std::string(name) + ": an empty list cannot be sent (" + rfc + ")"};
}

}  // namespace

std::optional<AttrProblem> decode_communities(const AttrInput& in, PathAttributes& out) {
    if (auto p = check_multiple(in.value.size(), 4, "RFC 7606 §7.8")) return p;
    std::vector<std::uint32_t> v;
    v.reserve(in.value.size() / 4);
    for (std::size_t i = 0; i < in.value.size(); i += 4) v.push_back(get_u32(&in.value[i]));
    out.communities = std::move(v);
    return std::nullopt;
}

std::optional<AttrProblem> decode_ext_communities(const AttrInput& in, PathAttributes& out) {
    if (auto p = check_multiple(in.value.size(), 8, "RFC 7606 §7.14")) return p;
    std::vector<ExtCommunity> v(in.value.size() / 8);
    for (std::size_t i = 0; i < v.size(); ++i)
        for (std::size_t j = 0; j < 8; ++j) v[i].bytes[j] = in.value[i * 8 + j];
    out.ext_communities = std::move(v);
    return std::nullopt;
}

std::optional<AttrProblem> decode_large_communities(const AttrInput& in, PathAttributes& out) {
    if (auto p = check_multiple(in.value.size(), 12, "RFC 8092 §5")) return p;
    std::vector<LargeCommunity> v;
    v.reserve(in.value.size() / 12);
    for (std::size_t i = 0; i < in.value.size(); i += 12) {
        v.push_back(LargeCommunity{get_u32(&in.value[i]), get_u32(&in.value[i + 4]),
                                   get_u32(&in.value[i + 8])});
    }
    out.large_communities = std::move(v);
    return std::nullopt;
}

std::optional<EncodeError> encode_communities(const PathAttributes& a, const CodecOptions&,
                                              Writer& w) {
    if (auto e = check_not_empty(*a.communities, "COMMUNITIES", "RFC 7606 §7.8")) return e;
    for (std::uint32_t c : *a.communities) w.u32(c);
    return std::nullopt;
}

std::optional<EncodeError> encode_ext_communities(const PathAttributes& a, const CodecOptions&,
                                                  Writer& w) {
    if (auto e = check_not_empty(*a.ext_communities, "EXTENDED_COMMUNITIES", "RFC 7606 §7.14"))
        return e;
    for (const ExtCommunity& c : *a.ext_communities) w.bytes(c.bytes.data(), c.bytes.size());
    return std::nullopt;
}

std::optional<EncodeError> encode_large_communities(const PathAttributes& a, const CodecOptions&,
                                                    Writer& w) {
    if (auto e = check_not_empty(*a.large_communities, "LARGE_COMMUNITY", "RFC 8092 §5")) return e;
    for (const LargeCommunity& c : *a.large_communities) {
        w.u32(c.global_admin);
        w.u32(c.local_data1);
        w.u32(c.local_data2);
    }
    return std::nullopt;
}

}  // namespace bgp::wire::detail
