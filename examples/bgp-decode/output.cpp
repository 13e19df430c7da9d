// bgp-decode: JSON Lines output. See output.hpp.
#include "output.hpp"

#include <cstdio>

namespace bgp_decode {

void emit(const json::object& o, const Settings& s) {
    std::string line = serialize(o, s.pretty);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
}

json::object decoded_json(const Decoded& d, std::span<const std::uint8_t> raw) {
    if (!d.result) return failed_json(raw, d.result.error());
    json::object o = message_json(*d.result, raw.size());
    if (d.add_path) o["add_path"] = *d.add_path;
    if (d.two_octet_as) o["two_octet_as"] = *d.two_octet_as;
    if (d.roundtrip) o["roundtrip"] = *d.roundtrip;
    return o;
}

json::object with_context(json::object msg, const json::object& context) {
    json::object out;
    out.reserve(msg.size() + context.size());
    if (auto* t = msg.if_contains("type")) out["type"] = std::move(*t);
    for (const auto& kv : context) out[kv.key()] = kv.value();
    for (auto& kv : msg)
        if (kv.key() != "type") out[kv.key()] = std::move(kv.value());
    return out;
}

}  // namespace bgp_decode
