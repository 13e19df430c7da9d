// PolicyTable: validation and compilation of a PolicyConfig, and evaluation of
// a chain of policies over one route.
#include "bgp/policy/table.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "policy/match.hpp"
#include "policy/modify.hpp"
#include "policy/table_data.hpp"

namespace bgp::policy {

namespace {

using detail::CompiledPolicy;
using detail::CompiledTerm;
using detail::TableData;

constexpr std::uint16_t accept_all_index = 0;
constexpr std::uint16_t reject_all_index = 1;
constexpr std::size_t max_policies = 0xFFFF;
constexpr std::size_t max_terms = 0xFFFF;

bool is_builtin_name(std::string_view n) {
    return n == builtin_accept_all || n == builtin_reject_all || n == "all" || n == "none";
}

template <class List>
std::map<std::string, const List*, std::less<>> index_lists(const std::vector<List>& lists,
                                                            std::string_view key) {
    std::map<std::string, const List*, std::less<>> out;
    for (std::size_t i = 0; i < lists.size(); ++i) {
        const std::string path = fmt::format("{}[{}]", key, i);
        if (lists[i].name.empty()) throw ConfigError(path, "a name is required");
        if (!out.emplace(lists[i].name, &lists[i]).second)
            throw ConfigError(fmt::format("{}.{}", key, lists[i].name), "defined more than once");
    }
    return out;
}

template <class List>
const List* resolve(const std::optional<SetRef>& ref,
                    const std::map<std::string, const List*, std::less<>>& index,
                    const std::string& path, std::string_view kind, bool allow_all) {
    if (!ref) return nullptr;
    auto it = index.find(ref->name);
    if (it == index.end()) throw ConfigError(path, fmt::format("unknown {} '{}'", kind, ref->name));
    if (!allow_all && ref->mode == MatchSet::all)
        throw ConfigError(path, "match 'all' is not meaningful here (use any or none)");
    return it->second;
}

void validate_match(const Match& m, const std::string& path) {
    if (m.as_path.min_length && m.as_path.max_length &&
        *m.as_path.min_length > *m.as_path.max_length)
        throw ConfigError(path + ".as-path",
                          fmt::format("min-length {} is greater than max-length {}",
                                      *m.as_path.min_length, *m.as_path.max_length));
    for (const auto& f : m.families)
        if (!f.is_prefix_family())
            throw ConfigError(path + ".family",
                              fmt::format("family {} is not supported by policies", f.name()));
}

void validate_modify(const Modify& m, const std::string& path) {
    if (m.prepend) {
        if (m.prepend->count < 1 || m.prepend->count > 32)
            throw ConfigError(path + ".prepend.count",
                              fmt::format("{} is outside 1..32", m.prepend->count));
        if (m.prepend->asn && m.prepend->last_as)
            throw ConfigError(path + ".prepend", "give either an AS number or last-as, not both");
        if (m.prepend->asn && *m.prepend->asn == 0)
            throw ConfigError(path + ".prepend.as", "AS 0 cannot be prepended (RFC 7607)");
    }
    if (m.next_hop && m.next_hop->kind == NextHopChange::Kind::address &&
        m.next_hop->address.is_unspecified())
        throw ConfigError(path + ".next-hop", "an unspecified address is not a next hop");
}

std::shared_ptr<const TableData> compile(PolicyConfig config) {
    auto data = std::make_shared<TableData>();
    data->config = std::move(config);
    const PolicyConfig& c = data->config;

    for (std::size_t i = 0; i < c.prefix_lists.size(); ++i) {
        const auto& list = c.prefix_lists[i];
        for (std::size_t e = 0; e < list.entries.size(); ++e) {
            const std::string why = list.entries[e].validate();
            if (!why.empty())
                throw ConfigError(fmt::format("prefix-lists.{}[{}]", list.name, e), why);
        }
    }
    index_lists(c.prefix_lists, "prefix-lists");  // names unique and present
    std::map<std::string, const detail::PrefixTrie*, std::less<>> prefix_lists;
    for (const PrefixList& list : c.prefix_lists) {
        data->prefix_lists.emplace_back(list);
        prefix_lists.emplace(list.name, &data->prefix_lists.back());
    }
    const auto community_lists = index_lists(c.community_lists, "community-lists");
    const auto large_lists = index_lists(c.large_community_lists, "large-community-lists");
    const auto ext_lists = index_lists(c.ext_community_lists, "ext-community-lists");

    data->policies.push_back(CompiledPolicy{builtin_accept_all, {}, TermAction::accept});
    data->policies.push_back(CompiledPolicy{builtin_reject_all, {}, TermAction::reject});
    if (c.definitions.size() + data->policies.size() > max_policies)
        throw ConfigError("definitions", "too many policies");

    std::set<std::string, std::less<>> names;
    for (std::size_t p = 0; p < c.definitions.size(); ++p) {
        const PolicyDefinition& def = c.definitions[p];
        if (def.name.empty())
            throw ConfigError(fmt::format("definitions[{}]", p), "a name is required");
        const std::string base = "definitions." + def.name;
        if (is_builtin_name(def.name))
            throw ConfigError(base, "this name is built in (accept-all, all, reject-all, none)");
        if (!names.insert(def.name).second) throw ConfigError(base, "defined more than once");
        if (def.terms.size() > max_terms) throw ConfigError(base + ".terms", "too many terms");

        CompiledPolicy cp{def.name, {}, def.default_action};
        std::set<std::string, std::less<>> term_names;
        for (std::size_t t = 0; t < def.terms.size(); ++t) {
            const Term& term = def.terms[t];
            const std::string tpath = fmt::format("{}.terms[{}]", base, t);
            CompiledTerm ct;
            ct.term = &term;
            ct.name = term.name.empty() ? fmt::format("term-{}", t) : term.name;
            if (!term_names.insert(ct.name).second)
                throw ConfigError(tpath + ".name", fmt::format("'{}' is used twice", ct.name));
            const std::string mpath = tpath + ".match";
            validate_match(term.match, mpath);
            ct.prefix_list = resolve(term.match.prefix_list, prefix_lists, mpath + ".prefix-list",
                                     "prefix list", false);
            ct.communities = resolve(term.match.communities, community_lists,
                                     mpath + ".communities", "community list", true);
            ct.large_communities =
                resolve(term.match.large_communities, large_lists, mpath + ".large-communities",
                        "large-community list", true);
            ct.ext_communities = resolve(term.match.ext_communities, ext_lists,
                                         mpath + ".ext-communities", "ext-community list", true);
            validate_modify(term.modify, tpath + ".modify");
            ct.has_modify = !term.modify.empty();
            cp.terms.push_back(std::move(ct));
        }
        data->policies.push_back(std::move(cp));
    }
    return data;
}

std::string_view action_word(Verdict v) { return v == Verdict::accept ? "accepted" : "rejected"; }

}  // namespace

PolicyTable::PolicyTable() : data_(compile(PolicyConfig{})) {}

PolicyTable::PolicyTable(PolicyConfig config) : data_(compile(std::move(config))) {}

const PolicyConfig& PolicyTable::config() const { return data_->config; }

bool PolicyTable::contains(std::string_view name) const {
    if (is_builtin_name(name)) return true;
    for (const auto& p : data_->policies)
        if (p.name == name) return true;
    return false;
}

PolicyChain PolicyTable::chain(const std::vector<std::string>& names,
                               Verdict default_verdict) const {
    PolicyChain out;
    out.default_verdict = default_verdict;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string& n = names[i];
        if (n == "all" || n == builtin_accept_all) {
            out.policies.push_back(accept_all_index);
            continue;
        }
        if (n == "none" || n == builtin_reject_all) {
            out.policies.push_back(reject_all_index);
            continue;
        }
        bool found = false;
        for (std::size_t p = 2; p < data_->policies.size(); ++p) {
            if (data_->policies[p].name == n) {
                out.policies.push_back(static_cast<std::uint16_t>(p));
                found = true;
                break;
            }
        }
        if (!found) throw ConfigError(fmt::format("policies[{}]", i), "unknown policy '" + n + "'");
    }
    return out;
}

Result PolicyTable::evaluate(const PolicyChain& chain, const wire::Prefix& prefix,
                             const wire::PathAttributes& attributes, const Context& context) const {
    Result r;
    const auto finish = [&](Verdict v, DecidedBy by, std::uint16_t policy) {
        r.verdict = v;
        r.decided_by = by;
        r.policy = policy;
        if (v == Verdict::reject) {
            r.attributes.reset();
            r.next_hop_unchanged = false;
        } else if (r.attributes && *r.attributes == attributes) {
            r.attributes.reset();  // changed and changed back
        }
    };
    for (const std::uint16_t pid : chain.policies) {
        if (pid >= data_->policies.size()) continue;  // chain from another table
        const CompiledPolicy& pol = data_->policies[pid];
        for (std::size_t ti = 0; ti < pol.terms.size(); ++ti) {
            const CompiledTerm& t = pol.terms[ti];
            const wire::PathAttributes& cur = r.attributes ? *r.attributes : attributes;
            if (!detail::term_matches(t, prefix, cur, context)) continue;
            const Term& term = *t.term;
            const bool changed = t.has_modify && term.action != TermAction::reject &&
                                 detail::apply_modify(term.modify, prefix, attributes, r.attributes,
                                                      context, r.next_hop_unchanged);
            r.trace.push(TraceStep{pid, static_cast<std::uint16_t>(ti), term.action, changed});
            if (term.action == TermAction::accept) {
                finish(Verdict::accept, DecidedBy::term, pid);
                return r;
            }
            if (term.action == TermAction::reject) {
                finish(Verdict::reject, DecidedBy::term, pid);
                return r;
            }
        }
        if (pol.default_action != TermAction::next) {
            finish(pol.default_action == TermAction::accept ? Verdict::accept : Verdict::reject,
                   DecidedBy::policy_default, pid);
            return r;
        }
    }
    finish(chain.default_verdict, DecidedBy::chain_default, 0);
    return r;
}

namespace {

const PolicyDefinition* find_definition(const PolicyConfig& c, std::string_view name) {
    for (const auto& d : c.definitions)
        if (d.name == name) return &d;
    return nullptr;
}

template <class List>
const List* find_list(const std::vector<List>& lists, std::string_view name) {
    for (const auto& l : lists)
        if (l.name == name) return &l;
    return nullptr;
}

template <class List>
bool same_list(const std::vector<List>& a, const std::vector<List>& b,
               const std::optional<SetRef>& ref) {
    if (!ref) return true;
    const List* x = find_list(a, ref->name);
    const List* y = find_list(b, ref->name);
    return x && y && *x == *y;
}

/// Same terms, same default, and every set a term names has the same content.
bool same_policy(const PolicyConfig& a, const PolicyDefinition& da, const PolicyConfig& b,
                 const PolicyDefinition& db) {
    if (!(da == db)) return false;
    for (const Term& t : da.terms) {
        const Match& m = t.match;
        if (!same_list(a.prefix_lists, b.prefix_lists, m.prefix_list) ||
            !same_list(a.community_lists, b.community_lists, m.communities) ||
            !same_list(a.large_community_lists, b.large_community_lists, m.large_communities) ||
            !same_list(a.ext_community_lists, b.ext_community_lists, m.ext_communities))
            return false;
    }
    return true;
}

}  // namespace

std::vector<std::string> PolicyTable::changed_since(const PolicyTable& previous) const {
    const PolicyConfig& now = config();
    const PolicyConfig& before = previous.config();
    std::set<std::string> out;
    for (const auto& d : now.definitions) {
        const PolicyDefinition* old = find_definition(before, d.name);
        if (!old || !same_policy(now, d, before, *old)) out.insert(d.name);
    }
    for (const auto& d : before.definitions)
        if (!find_definition(now, d.name)) out.insert(d.name);
    return {out.begin(), out.end()};
}

std::string_view PolicyTable::policy_name(std::uint16_t policy) const {
    if (policy >= data_->policies.size()) return "?";
    return data_->policies[policy].name;
}

std::string_view PolicyTable::term_name(std::uint16_t policy, std::uint16_t term) const {
    if (policy >= data_->policies.size() || term >= data_->policies[policy].terms.size())
        return "?";
    return data_->policies[policy].terms[term].name;
}

std::string PolicyTable::explain(const Result& r) const {
    std::string s(action_word(r.verdict));
    switch (r.decided_by) {
        case DecidedBy::term:
            s += fmt::format(" by {}/{}", policy_name(r.trace.back().policy),
                             term_name(r.trace.back().policy, r.trace.back().term));
            break;
        case DecidedBy::policy_default:
            s += fmt::format(" by the default of {}", policy_name(r.policy));
            break;
        case DecidedBy::chain_default:
            s += " by default (no policy decided)";
            break;
    }
    if (!r.trace.empty()) {
        s += " (matched:";
        bool first = true;
        for (const TraceStep& step : r.trace) {
            s += first ? " " : ", ";
            first = false;
            s += fmt::format("{}/{}", policy_name(step.policy), term_name(step.policy, step.term));
            if (step.modified) s += " modified";
        }
        if (r.trace.truncated()) s += ", ...";
        s += ")";
    }
    return s;
}

}  // namespace bgp::policy
