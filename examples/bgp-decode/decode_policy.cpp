// bgp-decode: the ADD-PATH / 4-octet AS decision rule. See decode_policy.hpp.
#include "decode_policy.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace bgp_decode {

namespace w = bgp::wire;

namespace {

/// The families whose NLRI the codec decodes into prefixes: the only ones
/// where a path id guess can be checked.
constexpr std::array<w::Family, 4> guessable_families{
    w::Family{w::Afi::ipv4, w::Safi::unicast}, w::Family{w::Afi::ipv6, w::Safi::unicast},
    w::Family{w::Afi::ipv4, w::Safi::multicast}, w::Family{w::Afi::ipv6, w::Safi::multicast}};

bool has_four_octet(const w::Open& o) { return o.find<w::CapFourOctetAs>() != nullptr; }

bool has_extended_message(const w::Open& o) { return o.find<w::CapExtendedMessage>() != nullptr; }

/// The ADD-PATH mode `o` advertised for `f` (0 if none; RFC 7911 §4).
std::uint8_t add_path_mode(const w::Open& o, w::Family f) {
    std::uint8_t mode = 0;
    for (const auto& c : o.capabilities)
        if (const auto* ap = std::get_if<w::CapAddPath>(&c))
            for (const auto& e : ap->entries)
                if (e.family == f) mode = e.mode;
    return mode;
}

/// Every family named in an ADD-PATH capability of `o`.
void add_path_families(const w::Open& o, std::vector<w::Family>& out) {
    for (const auto& c : o.capabilities)
        if (const auto* ap = std::get_if<w::CapAddPath>(&c))
            for (const auto& e : ap->entries) out.push_back(e.family);
}

/// Problems found in one decode; lower is better.
std::size_t problems(const w::Result<w::Message>& r, const w::CodecOptions& opts) {
    constexpr std::size_t fatal = 1000;
    if (!r) return fatal;
    const auto* u = std::get_if<w::Update>(&*r);
    if (u == nullptr) return 0;
    std::size_t n = u->errors.size() + (u->treat_as_withdraw ? 1 : 0);
    // A default route among other prefixes of one list read without path ids
    // is what a path id whose high octet is 0 looks like.
    auto suspicious = [&](const std::vector<w::Nlri>& list, w::Family f) {
        if (list.size() < 2 || opts.add_path.contains(f)) return false;
        for (const auto& e : list)
            if (e.prefix.length() == 0) return true;
        return false;
    };
    if (suspicious(u->nlri, w::ipv4_unicast)) ++n;
    if (suspicious(u->withdrawn, w::ipv4_unicast)) ++n;
    if (const auto& mp = u->attributes.mp_reach; mp && suspicious(mp->nlri, mp->family)) ++n;
    if (const auto& mp = u->attributes.mp_unreach; mp && suspicious(mp->nlri, mp->family)) ++n;
    return n;
}

bool has_path_ids(const w::Message& m) {
    const auto* u = std::get_if<w::Update>(&m);
    if (u == nullptr) return false;
    auto any = [](const std::vector<w::Nlri>& v) {
        for (const auto& n : v)
            if (n.path_id) return true;
        return false;
    };
    if (any(u->nlri) || any(u->withdrawn)) return true;
    if (u->attributes.mp_reach && any(u->attributes.mp_reach->nlri)) return true;
    if (u->attributes.mp_unreach && any(u->attributes.mp_unreach->nlri)) return true;
    return false;
}

/// encode(decode(x)) against x (docs/wire.md lists the normalisations).
std::string roundtrip(std::span<const std::uint8_t> bytes, const w::Message& m,
                      const w::CodecOptions& opts) {
    auto e = w::encode(m, opts);
    if (!e) return "unencodable";
    if (std::equal(e->begin(), e->end(), bytes.begin(), bytes.end())) return "exact";
    auto again = w::decode_message(*e, opts);
    return again && *again == m ? "normalised" : "differs";
}

}  // namespace

Knowledge knowledge_from_opens(const w::Open* sender, const w::Open* receiver) {
    Knowledge k;
    if ((sender != nullptr && !has_four_octet(*sender)) ||
        (receiver != nullptr && !has_four_octet(*receiver))) {
        k.four_octet_as = false;
    } else if (sender != nullptr && receiver != nullptr) {
        k.four_octet_as = true;
    }
    k.extended_message = sender != nullptr && receiver != nullptr &&
                         has_extended_message(*sender) && has_extended_message(*receiver);

    std::vector<w::Family> families(guessable_families.begin(), guessable_families.end());
    if (sender != nullptr) add_path_families(*sender, families);
    if (receiver != nullptr) add_path_families(*receiver, families);
    for (const auto& f : families) {
        const std::uint8_t send = sender != nullptr ? add_path_mode(*sender, f) : 0;
        const std::uint8_t recv = receiver != nullptr ? add_path_mode(*receiver, f) : 0;
        const bool sender_can = (send & w::add_path_mode::send) != 0;
        const bool receiver_can = (recv & w::add_path_mode::receive) != 0;
        if ((sender != nullptr && !sender_can) || (receiver != nullptr && !receiver_can)) {
            k.add_path_known.insert(f);  // ruled out by an OPEN seen
        } else if (sender != nullptr && receiver != nullptr) {
            k.add_path_known.insert(f);
            k.add_path_on.insert(f);
        }
    }
    return k;
}

w::CodecOptions framing_options(const Knowledge& k) {
    w::CodecOptions o;
    o.extended_message = k.extended_message;
    o.four_octet_as = k.four_octet_as.value_or(true);
    o.add_path = k.add_path_on;
    // A tool shows what can be read: prefixes before a malformed tail of the
    // NLRI or withdrawn-routes field are kept, the fault listed in "errors".
    o.salvage = true;
    return o;
}

Decoded decode_message(std::span<const std::uint8_t> bytes, const Knowledge& k, const Defaults& d) {
    w::CodecOptions base = framing_options(k);
    const bool as_known = k.four_octet_as.has_value();
    if (!as_known && d.two_octet_as) base.four_octet_as = false;
    bool forced_path_ids = false;
    w::FamilySet guess;  // unknown families whose path ids may be guessed
    for (const auto& f : guessable_families) {
        if (k.add_path_known.contains(f)) continue;
        if (d.add_path && f.safi == w::Safi::unicast) {
            base.add_path.insert(f);
            forced_path_ids = true;
        } else {
            guess.insert(f);
        }
    }

    const bool is_update = bytes.size() >= w::header_size &&
                           bytes[18] == static_cast<std::uint8_t>(w::MessageType::update);
    const bool guess_as = !as_known && !d.two_octet_as;
    const bool guess_path_ids = !guess.empty();

    std::vector<w::CodecOptions> candidates{base};
    if (is_update) {
        auto with_path_ids = [&](w::CodecOptions o) {
            for (const auto& f : guessable_families)
                if (guess.contains(f)) o.add_path.insert(f);
            return o;
        };
        if (guess_path_ids) candidates.push_back(with_path_ids(base));
        if (guess_as) {
            w::CodecOptions two = base;
            two.four_octet_as = false;
            candidates.push_back(two);
            if (guess_path_ids) candidates.push_back(with_path_ids(two));
        }
    }

    std::size_t best = 0;
    std::optional<w::Result<w::Message>> best_result;
    std::size_t best_problems = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        auto r = w::decode_message(bytes, candidates[i]);
        const std::size_t p = problems(r, candidates[i]);
        if (!best_result || p < best_problems) {
            best = i;
            best_problems = p;
            best_result.emplace(std::move(r));
        }
        if (p == 0) break;
    }

    Decoded out{std::move(*best_result), std::nullopt, std::nullopt, std::nullopt};
    const w::CodecOptions& chosen = candidates[best];
    if (d.check_roundtrip && out.result) out.roundtrip = roundtrip(bytes, *out.result, chosen);
    if (!out.result || !is_update) return out;
    if (has_path_ids(*out.result)) {
        // Which rule turned path ids on: a guess beats force beats knowledge.
        bool guessed = false;
        for (const auto& f : guessable_families)
            if (guess.contains(f) && chosen.add_path.contains(f)) guessed = true;
        out.add_path = guessed ? "guessed" : forced_path_ids ? "forced" : k.source;
    }
    if (!chosen.four_octet_as)
        out.two_octet_as = as_known ? k.source : d.two_octet_as ? "forced" : "guessed";
    return out;
}

}  // namespace bgp_decode
