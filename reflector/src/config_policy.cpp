// The `policies:` key: the YAML form of docs/policy.md read into a
// bgp::policy::PolicyConfig. Syntax is checked here (each value with the
// parsers of bgp/policy/text.hpp); meaning (unknown names, bounds) is checked
// by PolicyTable, whose ConfigError paths use the same key words, so the
// loader can point at the line (Config::lines holds "policies.<path>").
#include <fmt/format.h>

#include <limits>

#include "bgp/policy/text.hpp"
#include "config_reader.hpp"

namespace bgp::reflector::detail {

namespace {

using namespace bgp::policy;

constexpr std::uint64_t u32_max = std::numeric_limits<std::uint32_t>::max();

PrefixListEntry read_prefix_entry(const Node& n) {
    if (n.is_scalar()) {
        const std::string t = n.text();
        auto e = parse_prefix_list_entry(t);
        if (!e)
            n.fail(
                "expected a prefix-list entry such as '10.0.0.0/8 ge 16 le 24' (optionally "
                "'deny'), got " +
                t);
        return *e;
    }
    n.expect_map({"prefix", "ge", "le", "action"});
    PrefixListEntry e;
    e.prefix = n.require("prefix").prefix();
    const std::uint64_t max_len = e.prefix.address().is_v4() ? 32 : 128;
    if (auto ge = n.get("ge")) e.ge = static_cast<std::uint8_t>(ge->integer(0, max_len));
    if (auto le = n.get("le")) e.le = static_cast<std::uint8_t>(le->integer(0, max_len));
    if (auto a = n.get("action")) {
        const std::string t = a->text();
        if (t == "deny")
            e.deny = true;
        else if (t != "permit")
            a->fail("expected permit or deny, got " + t);
    }
    return e;
}

template <class Pattern>
std::vector<Pattern> read_patterns(const Node& n, std::string_view example) {
    std::vector<Pattern> out;
    for (const Node& item : n.items_or_one()) {
        const std::string t = item.text();
        auto p = Pattern::parse(t);
        if (!p) item.fail(fmt::format("expected a pattern such as {}, got {}", example, t));
        out.push_back(*p);
    }
    return out;
}

/// Exact values (for set / add): a pattern without wildcards or ranges.
template <class Pattern>
auto read_values(const Node& n, std::string_view example) {
    std::vector<decltype(std::declval<Pattern>().value())> out;
    for (const Node& item : n.items_or_one()) {
        const std::string t = item.text();
        auto p = Pattern::parse(t);
        if (!p) item.fail(fmt::format("expected a value such as {}, got {}", example, t));
        if (!p->is_exact()) item.fail("expected one exact value (no * or ranges), got " + t);
        out.push_back(p->value());
    }
    return out;
}

template <class Pattern, class Edit>
Edit read_edit(const Node& n, std::string_view example) {
    n.expect_map({"set", "remove", "add"});
    Edit e;
    if (auto s = n.get("set")) e.replace = read_values<Pattern>(*s, example);
    if (auto r = n.get("remove")) e.remove = read_patterns<Pattern>(*r, example);
    if (auto a = n.get("add")) e.add = read_values<Pattern>(*a, example);
    return e;
}

SetRef read_set_ref(const Node& n) {
    if (n.is_scalar()) return SetRef{n.text(), MatchSet::any};
    n.expect_map({"list", "match"});
    SetRef r{n.require("list").text(), MatchSet::any};
    if (auto m = n.get("match")) {
        const std::string t = m->text();
        auto mode = parse_match_set(t);
        if (!mode) m->fail("expected any, all or none, got " + t);
        r.mode = *mode;
    }
    return r;
}

std::vector<std::uint32_t> read_asns(const Node& n) {
    std::vector<std::uint32_t> out;
    for (const Node& item : n.items_or_one()) out.push_back(item.asn());
    return out;
}

std::vector<wire::Prefix> read_addresses_or_prefixes(const Node& n) {
    std::vector<wire::Prefix> out;
    for (const Node& item : n.items_or_one()) {
        const std::string t = item.text();
        auto p = parse_address_or_prefix(t);
        if (!p) item.fail("expected an address or a prefix, got " + t);
        out.push_back(*p);
    }
    return out;
}

Match read_match(const Node& n) {
    n.expect_map({"family", "prefix-list", "communities", "large-communities", "ext-communities",
                  "as-path", "origin", "next-hop", "neighbor", "neighbor-as"});
    Match m;
    if (auto f = n.get("family")) {
        for (const Node& item : f->items_or_one()) {
            const std::string t = item.text();
            auto fam = wire::Family::parse(t);
            if (!fam) item.fail("expected an address family such as ipv4-unicast, got " + t);
            m.families.push_back(*fam);
        }
    }
    if (auto p = n.get("prefix-list")) m.prefix_list = read_set_ref(*p);
    if (auto c = n.get("communities")) m.communities = read_set_ref(*c);
    if (auto c = n.get("large-communities")) m.large_communities = read_set_ref(*c);
    if (auto c = n.get("ext-communities")) m.ext_communities = read_set_ref(*c);
    if (auto a = n.get("as-path")) {
        a->expect_map({"contains", "originates-from", "first-as", "min-length", "max-length"});
        if (auto v = a->get("contains")) m.as_path.contains = read_asns(*v);
        if (auto v = a->get("originates-from")) m.as_path.originates_from = read_asns(*v);
        if (auto v = a->get("first-as")) m.as_path.first_as = read_asns(*v);
        if (auto v = a->get("min-length"))
            m.as_path.min_length = static_cast<std::uint32_t>(v->integer(0, u32_max));
        if (auto v = a->get("max-length"))
            m.as_path.max_length = static_cast<std::uint32_t>(v->integer(0, u32_max));
    }
    if (auto o = n.get("origin")) {
        for (const Node& item : o->items_or_one()) {
            const std::string t = item.text();
            auto origin = parse_origin(t);
            if (!origin) item.fail("expected igp, egp or incomplete, got " + t);
            m.origin.push_back(*origin);
        }
    }
    if (auto v = n.get("next-hop")) m.next_hop = read_addresses_or_prefixes(*v);
    if (auto v = n.get("neighbor")) m.neighbor = read_addresses_or_prefixes(*v);
    if (auto v = n.get("neighbor-as")) m.neighbor_as = read_asns(*v);
    return m;
}

Modify read_modify(const Node& n) {
    n.expect_map({"origin", "local-pref", "med", "next-hop", "prepend", "communities",
                  "large-communities", "ext-communities"});
    Modify m;
    if (auto o = n.get("origin")) {
        const std::string t = o->text();
        m.origin = parse_origin(t);
        if (!m.origin) o->fail("expected igp, egp or incomplete, got " + t);
    }
    if (auto l = n.get("local-pref"))
        m.local_pref = static_cast<std::uint32_t>(l->integer(0, u32_max));
    if (auto v = n.get("med")) {
        const std::string t = v->text();
        m.med = parse_med_change(t);
        if (!m.med) v->fail("expected N, +N, -N or remove, got " + t);
    }
    if (auto v = n.get("next-hop")) {
        const std::string t = v->text();
        m.next_hop = parse_next_hop_change(t);
        if (!m.next_hop) v->fail("expected self, unchanged, peer-address or an address, got " + t);
    }
    if (auto p = n.get("prepend")) {
        p->expect_map({"as", "count"});
        Prepend pre;
        if (auto as = p->get("as")) {
            if (as->is_scalar() && as->text() == "last-as")
                pre.last_as = true;
            else
                pre.asn =
                    static_cast<std::uint32_t>(as->integer(0, u32_max, "an AS number or last-as"));
        }
        if (auto c = p->get("count")) pre.count = static_cast<std::uint8_t>(c->integer(1, 32));
        m.prepend = pre;
    }
    if (auto c = n.get("communities"))
        m.communities = read_edit<CommunityPattern, CommunityChange>(*c, "64512:100");
    if (auto c = n.get("large-communities"))
        m.large_communities =
            read_edit<LargeCommunityPattern, LargeCommunityChange>(*c, "64512:1:2");
    if (auto c = n.get("ext-communities"))
        m.ext_communities = read_edit<ExtCommunityPattern, ExtCommunityChange>(*c, "rt:64512:100");
    return m;
}

TermAction read_action(const Node& n) {
    const std::string t = n.text();
    auto a = parse_term_action(t);
    if (!a) n.fail("expected accept, reject or next, got " + t);
    return *a;
}

PolicyDefinition read_definition(const std::string& name, const Node& n) {
    n.expect_map({"terms", "default-action"});
    PolicyDefinition def;
    def.name = name;
    if (auto d = n.get("default-action")) def.default_action = read_action(*d);
    if (auto terms = n.get("terms")) {
        for (const Node& t : terms->items()) {
            t.expect_map({"name", "match", "modify", "action"});
            Term term;
            if (auto nm = t.get("name")) term.name = nm->text();
            if (auto m = t.get("match")) term.match = read_match(*m);
            if (auto m = t.get("modify")) term.modify = read_modify(*m);
            if (auto a = t.get("action")) term.action = read_action(*a);
            def.terms.push_back(std::move(term));
        }
    }
    return def;
}

template <class Pattern>
std::vector<PatternList<Pattern>> read_pattern_lists(const Node& n, std::string_view example) {
    std::vector<PatternList<Pattern>> out;
    for (const auto& [name, list] : n.named_entries())
        out.push_back(PatternList<Pattern>{name, read_patterns<Pattern>(list, example)});
    return out;
}

}  // namespace

policy::PolicyConfig read_policies(const Node& n) {
    n.expect_map({"prefix-lists", "community-lists", "large-community-lists", "ext-community-lists",
                  "definitions"});
    PolicyConfig c;
    if (auto p = n.get("prefix-lists")) {
        for (const auto& [name, list] : p->named_entries()) {
            PrefixList pl{name, {}};
            for (const Node& e : list.items()) pl.entries.push_back(read_prefix_entry(e));
            c.prefix_lists.push_back(std::move(pl));
        }
    }
    if (auto l = n.get("community-lists"))
        c.community_lists = read_pattern_lists<CommunityPattern>(*l, "64512:100 or 64512:*");
    if (auto l = n.get("large-community-lists"))
        c.large_community_lists =
            read_pattern_lists<LargeCommunityPattern>(*l, "64512:1:* or 64512:0-9:7");
    if (auto l = n.get("ext-community-lists"))
        c.ext_community_lists = read_pattern_lists<ExtCommunityPattern>(*l, "rt:64512:100");
    if (auto d = n.get("definitions"))
        for (const auto& [name, def] : d->named_entries())
            c.definitions.push_back(read_definition(name, def));
    return c;
}

}  // namespace bgp::reflector::detail
