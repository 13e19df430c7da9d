// bgp-decode --mrt: MRT dumps (RFC 6396, RFC 8050) through bgp::mrt::Reader.
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <type_traits>
#include <variant>

#include "bgp/mrt/reader.hpp"
#include "inputs.hpp"

namespace bgp_decode {

namespace w = bgp::wire;
namespace mrt = bgp::mrt;

namespace {

constexpr std::array<w::Family, 4> prefix_families{
    w::Family{w::Afi::ipv4, w::Safi::unicast}, w::Family{w::Afi::ipv6, w::Safi::unicast},
    w::Family{w::Afi::ipv4, w::Safi::multicast}, w::Family{w::Afi::ipv6, w::Safi::multicast}};

json::object record_context(const mrt::Record& r) {
    json::object c{{"timestamp", r.timestamp}};
    if (r.type == mrt::type::bgp4mp_et) c["microseconds"] = r.microseconds;
    return c;
}

/// What the record's subtype says about the session (RFC 6396 §4.4, RFC 8050
/// §4.2): the AS size, and path ids when it is an ADDPATH subtype. Without
/// that subtype the path ids are not ruled out (collectors older than RFC 8050
/// logged ADD-PATH sessions with the plain subtypes): they are left to the
/// guessing rule.
Knowledge message_knowledge(const mrt::BgpMessage& m) {
    Knowledge k;
    k.source = "mrt";
    k.four_octet_as = m.as4;
    k.extended_message = true;  // a collector may log RFC 8654 extended messages
    if (m.add_path)
        for (const auto& f : prefix_families) {
            k.add_path_known.insert(f);
            k.add_path_on.insert(f);
        }
    return k;
}

void emit_message(const mrt::Record& r, const mrt::BgpMessage& m, const Settings& s) {
    json::object c = record_context(r);
    c["peer"] = m.peer_address.to_string();
    c["peer_as"] = m.peer_as;
    c["local"] = m.local_address.to_string();
    c["local_as"] = m.local_as;
    c["direction"] = m.local ? "sent" : "received";
    const Decoded d = decode_message(m.message, message_knowledge(m), s.defaults);
    emit(with_context(decoded_json(d, m.message), c), s);
}

void emit_state(const mrt::Record& r, const mrt::StateChange& sc, const Settings& s) {
    json::object o{{"type", "STATE"}};
    for (auto& kv : record_context(r)) o[kv.key()] = kv.value();
    o["peer"] = sc.peer_address.to_string();
    o["peer_as"] = sc.peer_as;
    o["local"] = sc.local_address.to_string();
    o["local_as"] = sc.local_as;
    o["old_state"] = mrt::state_name(sc.old_state);
    o["new_state"] = mrt::state_name(sc.new_state);
    o["old_state_code"] = sc.old_state;
    o["new_state_code"] = sc.new_state;
    emit(o, s);
}

void emit_rib(const mrt::Record& r, const mrt::RibRecord& rib, const Settings& s) {
    for (const auto& e : rib.entries) {
        json::object o{{"type", "RIB"}};
        for (auto& kv : record_context(r)) o[kv.key()] = kv.value();
        o["prefix"] = e.prefix.to_string();
        o["family"] = e.family.name();
        if (e.path_id) o["path_id"] = *e.path_id;
        o["peer"] = e.peer.address.to_string();
        o["peer_as"] = e.peer.asn;
        if (e.peer.bgp_id != 0) o["peer_bgp_id"] = w::IpAddress::v4(e.peer.bgp_id).to_string();
        o["originated"] = e.originated_time;
        o["sequence"] = e.sequence;
        o["attributes"] = attributes_json(e.attributes);
        if (!e.errors.empty()) {
            json::array errs;
            for (const auto& err : e.errors) errs.emplace_back(error_json(err));
            o["errors"] = std::move(errs);
        }
        emit(o, s);
    }
}

void emit_peer_index(const mrt::Record& r, const mrt::PeerIndexTable& t, const Settings& s) {
    json::object o{{"type", "PEER_INDEX_TABLE"}};
    for (auto& kv : record_context(r)) o[kv.key()] = kv.value();
    o["collector_id"] = w::IpAddress::v4(t.collector_id).to_string();
    o["view_name"] = t.view_name;
    json::array peers;
    for (const auto& p : t.peers)
        peers.emplace_back(json::object{{"address", p.address.to_string()},
                                        {"asn", p.asn},
                                        {"bgp_id", w::IpAddress::v4(p.bgp_id).to_string()}});
    o["peers"] = std::move(peers);
    emit(o, s);
}

void emit_unsupported(const mrt::Record& r, const mrt::Unsupported& u, const Settings& s) {
    json::object o{{"type", "UNSUPPORTED"}};
    for (auto& kv : record_context(r)) o[kv.key()] = kv.value();
    o["mrt_type"] = mrt::type_name(r.type);
    o["mrt_subtype"] = mrt::subtype_name(r.type, r.subtype);
    o["what"] = u.what;
    o["offset"] = r.offset;
    emit(o, s);
}

}  // namespace

int run_mrt(const std::string& path, const Settings& s) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        std::fprintf(stderr, "bgp-decode: %s: is a directory\n", path.c_str());
        return exit_usage;
    }
    if (std::FILE* probe = std::fopen(path.c_str(), "rb")) {
        std::fclose(probe);
    } else {
        std::fprintf(stderr, "bgp-decode: %s: %s\n", path.c_str(), std::strerror(errno));
        return exit_usage;
    }
    auto data = mrt::read_file(path);
    if (!data) {
        // Readable but not decompressible (corrupt gzip/bzip2 stream).
        std::fprintf(stderr, "bgp-decode: %s\n", data.error().c_str());
        emit(stream_error_json(0, 0, data.error()), s);
        return exit_input_damaged;
    }
    mrt::Reader reader(*data);
    while (auto rec = reader.next()) {
        if (rec->error) {
            json::object o = stream_error_json(0, 0, "MRT record damaged: " + *rec->error);
            o["mrt_type"] = mrt::type_name(rec->type);
            o["mrt_subtype"] = mrt::subtype_name(rec->type, rec->subtype);
            o["offset"] = rec->offset;
            emit(o, s);
        }
        std::visit(
            [&](const auto& body) {
                using B = std::decay_t<decltype(body)>;
                if constexpr (std::is_same_v<B, mrt::BgpMessage>) {
                    emit_message(*rec, body, s);
                } else if constexpr (std::is_same_v<B, mrt::StateChange>) {
                    emit_state(*rec, body, s);
                } else if constexpr (std::is_same_v<B, mrt::RibRecord>) {
                    emit_rib(*rec, body, s);
                } else if constexpr (std::is_same_v<B, mrt::PeerIndexTable>) {
                    emit_peer_index(*rec, body, s);
                } else if constexpr (std::is_same_v<B, mrt::Unsupported>) {
                    // A damaged record was reported above; say nothing more when
                    // nothing of it could be read.
                    if (!rec->error || !body.raw.empty()) emit_unsupported(*rec, body, s);
                }
            },
            rec->body);
    }
    if (s.stats) {
        const auto& st = reader.stats();
        std::fprintf(stderr,
                     "bgp-decode: %s: %llu records, %llu damaged, %llu resyncs (%llu octets "
                     "skipped)%s\n",
                     path.c_str(), static_cast<unsigned long long>(st.records),
                     static_cast<unsigned long long>(st.damaged),
                     static_cast<unsigned long long>(st.resyncs),
                     static_cast<unsigned long long>(st.skipped_octets),
                     st.truncated_tail ? ", truncated tail" : "");
    }
    return exit_ok;
}

}  // namespace bgp_decode
