// bgp-decode: how a message is decoded when the session's negotiated options
// (RFC 6793 4-octet AS, RFC 7911 ADD-PATH, RFC 8654 extended messages) are
// known only partly or not at all.
//
// Per direction A->B of a session (RFC 7911 §3, RFC 6793 §3, RFC 8654 §3):
// - ADD-PATH for a family is on when A's OPEN advertised Send or Both and B's
//   OPEN advertised Receive or Both for it; off when either OPEN seen rules it
//   out; unknown otherwise.
// - 4-octet AS is on when both OPENs carry capability 65; off when an OPEN
//   seen lacks it; unknown otherwise.
// - Extended messages are on when both OPENs carry capability 6; off otherwise
//   (the 4096-octet limit also applies when nothing is known).
// What is unknown is settled by the command line (--add-path, --two-octet-as)
// or else guessed per UPDATE (see decode_message below).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "bgp/wire/message.hpp"

namespace bgp_decode {

/// What is known about one direction of a session.
struct Knowledge {
    std::optional<bool> four_octet_as;  ///< nullopt: unknown
    bool extended_message = false;
    bgp::wire::FamilySet add_path_on;     ///< families known to carry path ids
    bgp::wire::FamilySet add_path_known;  ///< families whose ADD-PATH state is known
    /// How the known parts were learnt: "negotiated" (OPENs) or "mrt" (record subtype).
    std::string source = "negotiated";
};

/// Command-line settings for what the session does not tell.
struct Defaults {
    bool add_path = false;      ///< --add-path: path ids on for IPv4/IPv6 unicast
    bool two_octet_as = false;  ///< --two-octet-as
    /// --check-roundtrip: re-encode every decoded message with the options it
    /// was read with and say whether the octets came back.
    bool check_roundtrip = false;
};

/// Builds the knowledge for direction sender->receiver from the OPENs seen
/// (either may be missing).
[[nodiscard]] Knowledge knowledge_from_opens(const bgp::wire::Open* sender,
                                             const bgp::wire::Open* receiver);

/// Options for framing (header checks) in this direction.
[[nodiscard]] bgp::wire::CodecOptions framing_options(const Knowledge& k);

struct Decoded {
    bgp::wire::Result<bgp::wire::Message> result;
    /// Set when the UPDATE's NLRI carry path ids: "negotiated", "mrt", "forced"
    /// or "guessed".
    std::optional<std::string> add_path;
    /// Set when AS numbers were read as 2 octets: "negotiated", "forced" or "guessed".
    std::optional<std::string> two_octet_as;
    /// With --check-roundtrip: "exact" (same octets), "normalised" (other
    /// octets, same value when decoded again), "differs" or "unencodable".
    std::optional<std::string> roundtrip;
};

/// Decodes one whole message (header included).
///
/// For an UPDATE whose options are not all known, candidates are tried in this
/// order: the known options with unknown ADD-PATH off and 4-octet AS (or 2 with
/// --two-octet-as; --add-path turns unknown ADD-PATH on for IPv4/IPv6 unicast);
/// then with path ids on for the unknown prefix families; then (if the AS size
/// is unknown and not forced) the same two with 2-octet AS. The first candidate
/// that decodes cleanly wins: no error, no RFC 7606 problem, and no default
/// route (/0) among other prefixes of one NLRI list read without path ids (a
/// path id below 2^24 reads as a /0 prefix). If none is clean, the one with
/// the fewest problems wins, the earliest on a tie.
[[nodiscard]] Decoded decode_message(std::span<const std::uint8_t> bytes, const Knowledge& k,
                                     const Defaults& d);

}  // namespace bgp_decode
