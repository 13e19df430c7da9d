// libFuzzer target: the MRT reader (RFC 6396, RFC 8050 ADD-PATH subtypes) and the BGP
// messages inside its records.
//
// Input: MRT records as in a file (uncompressed). Every record is read; each BGP message
// of a BGP4MP(_ET) or deprecated BGP record is decoded with the options the record implies
// (BgpMessage::codec_options()).
//
// Properties checked besides "no crash, no sanitizer report, no endless loop":
// - each record returned lies within the input and the reader advances past it;
// - the reader's statistics count the records returned.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "bgp/mrt/reader.hpp"
#include "bgp/wire/message.hpp"
#include "fuzz_options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    bgp::mrt::Reader reader(std::span<const std::uint8_t>(data, size));
    std::uint64_t records = 0;
    std::uint64_t damaged = 0;
    std::uint64_t last = 0;
    while (auto rec = reader.next()) {
        ++records;
        if (rec->error) ++damaged;
        bgp::fuzz::check(rec->offset < size, "a record starts inside the input");
        bgp::fuzz::check(records == 1 || rec->offset >= last, "records come in input order");
        bgp::fuzz::check(reader.offset() > rec->offset && reader.offset() <= size,
                         "the reader advances past each record and stays in the input");
        last = reader.offset();
        if (const auto* m = std::get_if<bgp::mrt::BgpMessage>(&rec->body)) {
            if (m->message.size() >= bgp::wire::header_size) {
                auto msg = bgp::wire::decode_message(m->message, m->codec_options());
                if (msg) {
                    auto bytes = bgp::wire::encode(*msg, m->codec_options());
                    (void)bytes;
                }
            }
        } else if (const auto* rib = std::get_if<bgp::mrt::RibRecord>(&rec->body)) {
            for (const auto& e : rib->entries) {
                bgp::fuzz::check(
                    e.prefix.afi() == e.family.afi || !e.errors.empty() || rec->error.has_value(),
                    "a RIB entry's prefix is of its family");
            }
        }
    }
    bgp::fuzz::check(reader.stats().records == records, "stats().records counts the records");
    bgp::fuzz::check(reader.stats().damaged == damaged, "stats().damaged counts damaged records");
    return 0;
}
