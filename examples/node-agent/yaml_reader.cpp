// Located YAML readers for the manifest parser (see yaml_reader.hpp).
#include "yaml_reader.hpp"

#include <fmt/format.h>

#include <charconv>
#include <utility>

namespace bgp::node_agent {

namespace {

std::string shown(const YAML::Node& node) {
    if (node.IsScalar()) return fmt::format("\"{}\"", node.Scalar());
    if (node.IsMap()) return "a mapping";
    if (node.IsSequence()) return "a list";
    return "nothing";
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

}  // namespace

ManifestError::ManifestError(std::string file, int line, std::string key,
                             const std::string& message)
    : std::runtime_error(key.empty() ? fmt::format("{}:{}: {}", file, line, message)
                                     : fmt::format("{}:{}: {}: {}", file, line, key, message)),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

std::string HostAddress::to_string() const {
    return fmt::format("{}/{}", address.to_string(), length);
}

std::optional<HostAddress> HostAddress::parse(std::string_view text) {
    const auto slash = text.find('/');
    auto a = wire::IpAddress::parse(text.substr(0, slash));
    if (!a) return std::nullopt;
    HostAddress out{*a, static_cast<std::uint8_t>(a->is_v4() ? 32 : 128)};
    if (slash != std::string_view::npos) {
        auto n = parse_u64(text.substr(slash + 1));
        if (!n || *n > (a->is_v4() ? 32u : 128u)) return std::nullopt;
        out.length = static_cast<std::uint8_t>(*n);
    }
    return out;
}

YamlNode::YamlNode(const std::string& file, YAML::Node node, std::string path, int line)
    : file_(&file), node_(std::move(node)), path_(std::move(path)), line_(line) {
    const YAML::Mark mark = node_.Mark();
    if (mark.line >= 0 && !node_.IsNull() && !node_.IsMap() && !node_.IsSequence())
        line_ = mark.line + 1;
}

void YamlNode::fail(const std::string& message) const {
    throw ManifestError(*file_, line_, path_, message);
}

void YamlNode::expect_map(std::initializer_list<std::string_view> allowed,
                          std::initializer_list<std::string_view> ignored) const {
    if (!node_.IsMap()) fail(fmt::format("expected a mapping, got {}", shown(node_)));
    for (const auto& kv : node_) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        const int key_line = kv.first.Mark().line >= 0 ? kv.first.Mark().line + 1 : line_;
        bool known = false;
        for (auto a : allowed) known = known || a == key;
        for (auto a : ignored) known = known || a == key;
        if (!known) {
            std::string list;
            for (auto a : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", a);
            throw ManifestError(*file_, key_line, path_.empty() ? key : path_ + "." + key,
                                fmt::format("unknown key (expected one of: {})", list));
        }
    }
}

std::optional<YamlNode> YamlNode::get(std::string_view key) const {
    if (!node_.IsMap()) return std::nullopt;
    for (const auto& kv : node_) {
        if (!kv.first.IsScalar() || kv.first.Scalar() != key) continue;
        const int key_line = kv.first.Mark().line >= 0 ? kv.first.Mark().line + 1 : line_;
        YamlNode child(*file_, kv.second,
                       path_.empty() ? std::string(key) : path_ + "." + std::string(key), key_line);
        child.line_ = key_line;  // errors in a value point at its key's line
        return child;
    }
    return std::nullopt;
}

YamlNode YamlNode::require(std::string_view key) const {
    auto child = get(key);
    if (!child || child->is_null())
        throw ManifestError(*file_, line_,
                            path_.empty() ? std::string(key) : path_ + "." + std::string(key),
                            "missing (required)");
    return *child;
}

YamlNode YamlNode::item(std::size_t index) const {
    return YamlNode(*file_, node_[index], fmt::format("{}[{}]", path_, index), line_);
}

std::string YamlNode::text() const {
    if (!node_.IsScalar()) fail(fmt::format("expected a value, got {}", shown(node_)));
    return node_.Scalar();
}

bool YamlNode::boolean() const {
    const std::string t = text();
    if (t == "true" || t == "True" || t == "TRUE") return true;
    if (t == "false" || t == "False" || t == "FALSE") return false;
    fail(fmt::format("expected true or false, got {}", shown(node_)));
}

std::uint64_t YamlNode::integer(std::uint64_t lo, std::uint64_t hi) const {
    auto v = parse_u64(text());
    if (!v || *v < lo || *v > hi)
        fail(fmt::format("expected an integer {}..{}, got {}", lo, hi, shown(node_)));
    return *v;
}

wire::IpAddress YamlNode::address() const {
    auto a = wire::IpAddress::parse(text());
    if (!a) fail(fmt::format("expected an IP address, got {}", shown(node_)));
    return *a;
}

wire::Prefix YamlNode::prefix() const {
    const std::string t = text();
    auto h = HostAddress::parse(t);
    if (!h || t.find('/') == std::string::npos)
        fail(fmt::format("expected a CIDR such as 192.168.0.0/16, got {}", shown(node_)));
    const wire::Prefix p = h->subnet();
    if (p.address() != h->address)
        fail(fmt::format("host bits set in {} (the network is {})", t, p.to_string()));
    return p;
}

HostAddress YamlNode::host_address() const {
    auto h = HostAddress::parse(text());
    if (!h)
        fail(fmt::format("expected an address with prefix length such as 172.16.6.47/24, got {}",
                         shown(node_)));
    return *h;
}

std::uint32_t YamlNode::asn() const {
    const std::string t = text();
    if (const auto dot = t.find('.'); dot != std::string::npos) {
        auto hi = parse_u64(std::string_view(t).substr(0, dot));
        auto lo = parse_u64(std::string_view(t).substr(dot + 1));
        if (hi && lo && *hi <= 65535 && *lo <= 65535 && (*hi | *lo) != 0)
            return static_cast<std::uint32_t>((*hi << 16) | *lo);
    } else if (auto v = parse_u64(t); v && *v >= 1 && *v <= 4294967295u) {
        return static_cast<std::uint32_t>(*v);
    }
    fail(fmt::format("expected an AS number 1..4294967295 (or asdot 1.10), got {}", shown(node_)));
}

std::size_t YamlNode::choice(std::initializer_list<std::string_view> choices) const {
    const std::string t = text();
    std::size_t i = 0;
    std::string list;
    for (auto c : choices) {
        if (c == t) return i;
        list += fmt::format("{}{}", i == 0 ? "" : (i + 1 == choices.size() ? " or " : ", "), c);
        ++i;
    }
    fail(fmt::format("expected {}, got {}", list, shown(node_)));
}

}  // namespace bgp::node_agent
