#include "config_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>

namespace bgp::reflector::detail {

namespace {

std::string join(std::initializer_list<std::string_view> words) {
    std::string out;
    for (std::string_view w : words) {
        if (!out.empty()) out += ", ";
        out += w;
    }
    return out;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
    if (text.empty() || text.size() > 20) return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
            return "nothing";
        case YAML::NodeType::Scalar:
            return "'" + node.Scalar() + "'";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Undefined:
            break;
    }
    return "nothing";
}

Node::Node(const Source& source, YAML::Node node, std::string path, int line, bool at_key)
    : source_(&source), node_(std::move(node)), path_(std::move(path)), line_(line) {
    const YAML::Mark mark = node_.Mark();
    if (!at_key && mark.line >= 0 && !node_.IsNull()) line_ = mark.line + 1;
    if (source_->lines != nullptr && !path_.empty()) source_->lines->emplace(path_, line_);
}

void Node::fail(const std::string& message) const {
    throw ConfigError(source_->file, line_, path_, message);
}

void Node::expect_map(std::initializer_list<std::string_view> allowed) const {
    if (node_.IsNull()) return;  // `key:` with nothing: an empty mapping
    if (!node_.IsMap()) fail("expected a mapping, got " + describe(node_));
    std::set<std::string, std::less<>> seen;
    for (const auto& kv : node_) {
        const YAML::Mark mark = kv.first.Mark();
        const int key_line = mark.line >= 0 ? mark.line + 1 : line_;
        if (!kv.first.IsScalar())
            throw ConfigError(source_->file, key_line, path_, "a key must be a plain word");
        const std::string key = kv.first.Scalar();
        const std::string child = path_.empty() ? key : path_ + "." + key;
        if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end())
            throw ConfigError(source_->file, key_line, child,
                              fmt::format("unknown key (expected one of: {})", join(allowed)));
        if (!seen.insert(key).second)
            throw ConfigError(source_->file, key_line, child, "given more than once");
        if (source_->lines != nullptr) source_->lines->emplace(child, key_line);
    }
}

std::optional<Node> Node::get(std::string_view key) const {
    if (!node_.IsMap()) return std::nullopt;
    for (const auto& kv : node_) {
        if (kv.first.IsScalar() && kv.first.Scalar() == key) {
            const std::string child =
                path_.empty() ? std::string(key) : path_ + "." + std::string(key);
            const YAML::Mark mark = kv.first.Mark();
            const int key_line = mark.line >= 0 ? mark.line + 1 : line_;
            // Errors in a value point at its key's line (a block value starts below).
            return Node(*source_, kv.second, child, key_line, true);
        }
    }
    return std::nullopt;
}

Node Node::require(std::string_view key) const {
    auto n = get(key);
    if (!n) {
        const std::string child = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
        throw ConfigError(source_->file, line_, child, "missing (required)");
    }
    return *std::move(n);
}

std::vector<std::pair<std::string, Node>> Node::named_entries() const {
    std::vector<std::pair<std::string, Node>> out;
    if (node_.IsNull()) return out;
    if (!node_.IsMap()) fail("expected a mapping of names, got " + describe(node_));
    std::set<std::string, std::less<>> seen;
    for (const auto& kv : node_) {
        const YAML::Mark mark = kv.first.Mark();
        const int key_line = mark.line >= 0 ? mark.line + 1 : line_;
        if (!kv.first.IsScalar() || kv.first.Scalar().empty())
            throw ConfigError(source_->file, key_line, path_, "a name must be a plain word");
        const std::string name = kv.first.Scalar();
        const std::string child = path_ + "." + name;
        if (!seen.insert(name).second)
            throw ConfigError(source_->file, key_line, child, "defined more than once");
        out.emplace_back(name, Node(*source_, kv.second, child, key_line, true));
    }
    return out;
}

std::vector<Node> Node::items() const {
    std::vector<Node> out;
    if (node_.IsNull()) return out;
    if (!node_.IsSequence()) fail("expected a list, got " + describe(node_));
    std::size_t i = 0;
    for (const auto& item : node_) {
        out.emplace_back(*source_, item, fmt::format("{}[{}]", path_, i), line_);
        ++i;
    }
    return out;
}

std::vector<Node> Node::items_or_one() const {
    if (node_.IsScalar()) return {*this};
    return items();
}

std::string Node::text() const {
    if (!node_.IsScalar()) fail("expected a value, got " + describe(node_));
    return node_.Scalar();
}

std::uint64_t Node::integer(std::uint64_t lo, std::uint64_t hi, std::string_view expected) const {
    const std::string t = text();
    const auto v = parse_unsigned(t);
    const std::string what =
        expected.empty() ? fmt::format("an integer in {}..{}", lo, hi) : std::string(expected);
    if (!v || *v < lo || *v > hi) fail(fmt::format("expected {}, got {}", what, t));
    return *v;
}

std::uint64_t Node::seconds(std::uint64_t lo, std::uint64_t hi, std::string_view expected) const {
    std::string t = text();
    const std::string what =
        expected.empty() ? fmt::format("seconds in {}..{}", lo, hi) : std::string(expected);
    std::string_view digits = t;
    if (!digits.empty() && digits.back() == 's') digits.remove_suffix(1);
    const auto v = parse_unsigned(digits);
    if (!v || *v < lo || *v > hi) fail(fmt::format("expected {}, got {}", what, t));
    return *v;
}

bool Node::boolean() const {
    const std::string t = text();
    if (t == "true" || t == "yes" || t == "on") return true;
    if (t == "false" || t == "no" || t == "off") return false;
    fail("expected true or false, got " + t);
}

wire::IpAddress Node::address() const {
    const std::string t = text();
    auto a = wire::IpAddress::parse(t);
    if (!a) fail("expected an IPv4 or IPv6 address, got " + t);
    return *a;
}

wire::Prefix Node::prefix() const {
    const std::string t = text();
    auto p = wire::Prefix::parse(t);
    if (!p) fail("expected a prefix (10.0.0.0/16, fd00::/48), got " + t);
    // Host bits set ("10.0.0.1/16"): almost always a typo; say what was meant.
    const auto written = wire::IpAddress::parse(t.substr(0, t.find('/')));
    if (!written || *written != p->address())
        fail(fmt::format("host bits set in {} (did you mean {}?)", t, p->to_string()));
    return *p;
}

std::uint32_t Node::ipv4_id() const {
    const std::string t = text();
    if (auto a = wire::IpAddress::parse(t); a && a->is_v4()) {
        if (a->v4_value() == 0) fail("expected a non-zero IPv4 address, got " + t);
        return a->v4_value();
    }
    const auto v = parse_unsigned(t);
    if (!v || *v == 0 || *v > std::numeric_limits<std::uint32_t>::max())
        fail("expected an IPv4 address such as 10.0.0.1 (or 1..4294967295), got " + t);
    return static_cast<std::uint32_t>(*v);
}

std::uint32_t Node::asn() const {
    return static_cast<std::uint32_t>(
        integer(1, std::numeric_limits<std::uint32_t>::max(), "an AS number in 1..4294967295"));
}

wire::Family Node::family() const {
    const std::string t = text();
    if (t != "ipv4-unicast" && t != "ipv6-unicast")
        fail("expected ipv4-unicast or ipv6-unicast, got " + t);
    return *wire::Family::parse(t);
}

std::vector<std::string> Node::names() const {
    std::vector<std::string> out;
    for (const Node& item : items_or_one()) {
        std::string n = item.text();
        if (n.empty()) item.fail("expected a name, got an empty one");
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace bgp::reflector::detail
