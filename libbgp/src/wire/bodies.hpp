// Message body codecs (internal): the top-level codec in message.cpp frames
// and dispatches to these.
#pragma once

#include <optional>

#include "bgp/wire/message.hpp"
#include "wire/reader.hpp"

namespace bgp::wire::detail {

std::optional<EncodeError> encode_open_body(const Open& m, Writer& w);
std::optional<EncodeError> encode_update_body(const Update& m, const CodecOptions& opts, Writer& w);
void encode_notification_body(const Notification& m, Writer& w);
void encode_route_refresh_body(const RouteRefresh& m, Writer& w);

}  // namespace bgp::wire::detail
