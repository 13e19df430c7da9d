// The CLI's command line (args.hpp).
#include "cli/args.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <set>
#include <string_view>

#include "bgp/wire/types.hpp"

namespace bgp::reflector::cli {

namespace json = boost::json;

namespace {

/// Options that take a value (the next argument, or after '=').
const std::set<std::string_view> valued_options = {"--api",     "--token-file", "-c",
                                                   "--config",  "--family",     "--neighbor",
                                                   "--timeout", "--count",      "--mrt"};
const std::set<std::string_view> command_words = {"show", "watch", "reload", "neighbor", "dump"};

std::uint64_t number(std::string_view text, std::string_view what, std::uint64_t max) {
    std::uint64_t v = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end || v > max)
        throw UsageError(std::string(what) + ": expected a number up to " + std::to_string(max) +
                         ", got '" + std::string(text) + "'");
    return v;
}

std::string check_address(const std::string& text) {
    if (!wire::IpAddress::parse(text)) throw UsageError("not an IP address: '" + text + "'");
    return text;
}

std::string family_of_prefix(const std::string& prefix) {
    return prefix.find(':') != std::string::npos ? "ipv6-unicast" : "ipv4-unicast";
}

std::string check_prefix(const std::string& text) {
    if (!wire::Prefix::parse(text))
        throw UsageError("not a prefix: '" + text +
                         "' (expected like 10.1.0.0/24 or 2001:db8::/48)");
    return text;
}

std::string check_family(std::string text) {
    if (text == "ipv4") text = "ipv4-unicast";
    if (text == "ipv6") text = "ipv6-unicast";
    const auto f = wire::Family::parse(text);
    if (!f || !f->is_prefix_family())
        throw UsageError("unknown family '" + text + "' (ipv4-unicast or ipv6-unicast)");
    return f->name();
}

json::array list_value(std::string_view text) {
    json::array out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto item = text.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

/// `neighbor add ADDRESS as ASN [KEY VALUE | FLAG]...` -> the POST body (YAML keys).
json::object neighbor_body(const std::string& address, const std::vector<std::string>& words) {
    static const std::set<std::string_view> numbers = {
        "asn", "port", "hold-time", "keepalive-time", "connect-retry-time", "multihop"};
    static const std::set<std::string_view> flags = {"route-reflector-client", "passive",
                                                     "ttl-security", "next-hop-self"};
    static const std::set<std::string_view> lists = {"families", "import", "export"};
    static const std::set<std::string_view> texts = {"password", "description", "local-address"};
    json::object body;
    body["address"] = address;
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::string key = words[i];
        if (key == "as") key = "asn";
        if (key == "rr-client") key = "route-reflector-client";
        const bool has_value = i + 1 < words.size();
        if (flags.count(key) != 0) {
            bool value = true;
            if (has_value && (words[i + 1] == "true" || words[i + 1] == "false"))
                value = words[++i] == "true";
            body[key] = value;
            continue;
        }
        if (numbers.count(key) == 0 && lists.count(key) == 0 && texts.count(key) == 0)
            throw UsageError("neighbor add: unknown setting '" + words[i] + "'");
        if (!has_value) throw UsageError("neighbor add: " + words[i] + " needs a value");
        const std::string& value = words[++i];
        if (numbers.count(key) != 0) {
            body[key] = number(value, "neighbor add " + key, 0xffffffffULL);
        } else if (lists.count(key) != 0) {
            auto items = list_value(value);
            if (key == "families")
                for (auto& item : items)
                    item = json::string(check_family(std::string(item.as_string())));
            body[key] = std::move(items);
        } else {
            body[key] = value;
        }
    }
    if (!body.contains("asn")) throw UsageError("neighbor add: 'as ASN' is required");
    return body;
}

void expect_count(const std::vector<std::string>& words, std::size_t min, std::size_t max,
                  const char* usage) {
    if (words.size() < min || words.size() > max)
        throw UsageError(std::string("usage: bgp-reflector ") + usage);
}

}  // namespace

Invocation parse_arguments(const std::vector<std::string>& args) {
    Invocation inv;
    std::vector<std::string> words;
    bool help = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::string value;
        bool has_inline_value = false;
        if (arg.size() > 2 && arg.rfind("--", 0) == 0) {
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                value = arg.substr(eq + 1);
                arg.resize(eq);
                has_inline_value = true;
            }
        }
        if (arg == "--json" || arg == "-j") {
            inv.json = true;
            continue;
        }
        if (arg == "--help" || arg == "-h") {
            help = true;
            continue;
        }
        if (valued_options.count(arg) != 0) {
            if (!has_inline_value) {
                if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
                value = args[++i];
            }
            if (arg == "--api") {
                inv.api = value;
            } else if (arg == "--token-file") {
                inv.token_file = value;
            } else if (arg == "-c" || arg == "--config") {
                inv.config = value;
            } else if (arg == "--family") {
                inv.family = check_family(value);
            } else if (arg == "--neighbor") {
                inv.neighbor = value == "local" ? value : check_address(value);
            } else if (arg == "--timeout") {
                inv.timeout = std::chrono::seconds(number(value, "--timeout", 3600));
                if (inv.timeout.count() == 0)
                    throw UsageError("--timeout: expected 1..3600 seconds");
            } else if (arg == "--count") {
                inv.count = static_cast<std::size_t>(number(value, "--count", 1000000000));
            } else if (arg == "--mrt") {
                inv.mrt_file = value;
            }
            continue;
        }
        if (arg.size() > 1 && arg[0] == '-') throw UsageError("unknown option '" + args[i] + "'");
        words.push_back(args[i]);
    }
    if (help || words.empty()) {
        if (!help) throw UsageError("a command is needed (show, watch, reload, neighbor)");
        inv.command = Command::help;
        return inv;
    }

    const auto& verb = words[0];
    const std::string what = words.size() > 1 ? words[1] : "";
    if (verb == "show") {
        if (what == "neighbors" || what == "neighbor") {
            expect_count(words, 2, 3, "show neighbors | show neighbor ADDRESS");
            if (words.size() == 3) {
                inv.command = Command::show_neighbor;
                inv.address = check_address(words[2]);
            } else {
                inv.command = Command::show_neighbors;
            }
        } else if (what == "rib") {
            expect_count(words, 2, 3, "show rib [PREFIX] [--family F] [--neighbor ADDR]");
            inv.command = Command::show_rib;
            if (words.size() == 3) inv.prefix = check_prefix(words[2]);
        } else if (what == "route") {
            expect_count(words, 3, 3, "show route PREFIX [--family F]");
            inv.command = Command::show_route;
            inv.prefix = check_prefix(words[2]);
        } else if (what == "status") {
            expect_count(words, 2, 2, "show status");
            inv.command = Command::show_status;
        } else {
            throw UsageError("show what? (neighbors, neighbor ADDRESS, rib, route PREFIX, status)");
        }
    } else if (verb == "watch") {
        expect_count(words, 1, 1, "watch [--json] [--count N]");
        inv.command = Command::watch;
    } else if (verb == "reload") {
        expect_count(words, 1, 1, "reload");
        inv.command = Command::reload;
    } else if (verb == "dump") {
        expect_count(words, 1, 1, "dump --mrt FILE");
        if (inv.mrt_file.empty()) throw UsageError("dump needs --mrt FILE");
        inv.command = Command::dump;
    } else if (verb == "neighbor") {
        if (words.size() < 3)
            throw UsageError("usage: bgp-reflector neighbor add|delete|refresh ADDRESS ...");
        inv.address = check_address(words[2]);
        if (what == "add") {
            inv.command = Command::neighbor_add;
            inv.neighbor_body = neighbor_body(
                inv.address, std::vector<std::string>(words.begin() + 3, words.end()));
        } else if (what == "delete" || what == "del" || what == "remove") {
            expect_count(words, 3, 3, "neighbor delete ADDRESS");
            inv.command = Command::neighbor_delete;
        } else if (what == "refresh") {
            expect_count(words, 3, 3, "neighbor refresh ADDRESS [--family F]");
            inv.command = Command::neighbor_refresh;
        } else {
            throw UsageError("neighbor what? (add, delete, refresh)");
        }
    } else {
        throw UsageError("unknown command '" + verb + "' (show, watch, reload, neighbor, dump)");
    }

    if (!inv.prefix.empty()) {
        const auto inferred = family_of_prefix(inv.prefix);
        if (inv.family.empty()) {
            inv.family = inferred;
        } else if (inv.family != inferred) {
            throw UsageError("prefix " + inv.prefix + " is not of family " + inv.family);
        }
    }
    if (inv.count && inv.command != Command::watch) throw UsageError("--count is for watch only");
    return inv;
}

bool is_cli_command(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (valued_options.count(arg) != 0) {
            ++i;  // its value
            continue;
        }
        if (!arg.empty() && arg[0] == '-') continue;
        return command_words.count(arg) != 0;
    }
    return false;
}

}  // namespace bgp::reflector::cli
