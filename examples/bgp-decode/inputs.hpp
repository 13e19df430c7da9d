// bgp-decode: the three inputs. Each returns an exit status (output.hpp).
#pragma once

#include <istream>
#include <string>

#include "output.hpp"

namespace bgp_decode {

/// --hex: hex-encoded messages (marker included), one per line, from `in`.
/// Blank lines and lines starting with '#' are skipped; spaces, tabs and ':'
/// inside a line are ignored, as is a leading "0x". A line holding several
/// messages back to back yields one object each.
int run_hex(std::istream& in, const Settings& s);

/// --mrt FILE: an MRT dump, plain, gzip or bzip2 (RFC 6396, RFC 8050).
int run_mrt(const std::string& path, const Settings& s);

/// --pcap FILE: a pcap/pcapng capture (pcap_input.cpp).
int run_pcap(const std::string& path, const Settings& s);

}  // namespace bgp_decode
