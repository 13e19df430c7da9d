// Tolerant reads of the API's JSON (json_fields.hpp).
#include "cli/json_fields.hpp"

#include <boost/json.hpp>
#include <limits>

namespace bgp::reflector::cli {

namespace json = boost::json;

const json::value* field(const json::value& v, std::string_view key) {
    const auto* o = v.if_object();
    if (o == nullptr) return nullptr;
    return o->if_contains(key);
}

const json::object* object_field(const json::value& v, std::string_view key) {
    const auto* f = field(v, key);
    return f != nullptr ? f->if_object() : nullptr;
}

const json::array* array_field(const json::value& v, std::string_view key) {
    const auto* f = field(v, key);
    return f != nullptr ? f->if_array() : nullptr;
}

std::string text_field(const json::value& v, std::string_view key, std::string_view fallback) {
    const auto* f = field(v, key);
    if (f == nullptr || !f->is_string()) return std::string(fallback);
    return std::string(f->get_string());
}

std::optional<std::int64_t> int_field(const json::value& v, std::string_view key) {
    const auto* f = field(v, key);
    if (f == nullptr) return std::nullopt;
    if (const auto* i = f->if_int64()) return *i;
    if (const auto* u = f->if_uint64()) {
        if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return static_cast<std::int64_t>(*u);
    }
    return std::nullopt;
}

bool bool_field(const json::value& v, std::string_view key, bool fallback) {
    const auto* f = field(v, key);
    if (f == nullptr || !f->is_bool()) return fallback;
    return f->get_bool();
}

std::string int_text(const json::value& v, std::string_view key, std::string_view absent) {
    const auto i = int_field(v, key);
    return i ? std::to_string(*i) : std::string(absent);
}

std::string scalar_text(const json::value& v) {
    switch (v.kind()) {
        case json::kind::string:
            return std::string(v.get_string());
        case json::kind::int64:
            return std::to_string(v.get_int64());
        case json::kind::uint64:
            return std::to_string(v.get_uint64());
        case json::kind::bool_:
            return v.get_bool() ? "true" : "false";
        case json::kind::null:
            return "";
        default:
            return json::serialize(v);
    }
}

}  // namespace bgp::reflector::cli

namespace bgp::reflector::cli {

namespace {

void pretty(std::string& out, const json::value& v, std::size_t depth) {
    const auto indent = [&](std::size_t d) { out.append(2 * d, ' '); };
    if (const auto* o = v.if_object()) {
        if (o->empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        std::size_t i = 0;
        for (const auto& kv : *o) {
            indent(depth + 1);
            out += json::serialize(json::string(kv.key()));
            out += ": ";
            pretty(out, kv.value(), depth + 1);
            out += ++i < o->size() ? ",\n" : "\n";
        }
        indent(depth);
        out += '}';
    } else if (const auto* a = v.if_array()) {
        if (a->empty()) {
            out += "[]";
            return;
        }
        out += "[\n";
        for (std::size_t i = 0; i < a->size(); ++i) {
            indent(depth + 1);
            pretty(out, (*a)[i], depth + 1);
            out += i + 1 < a->size() ? ",\n" : "\n";
        }
        indent(depth);
        out += ']';
    } else {
        out += json::serialize(v);
    }
}

}  // namespace

std::string pretty_json(const json::value& v) {
    std::string out;
    pretty(out, v, 0);
    out += '\n';
    return out;
}

}  // namespace bgp::reflector::cli
