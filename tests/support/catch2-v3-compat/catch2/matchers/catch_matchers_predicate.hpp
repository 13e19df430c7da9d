// Catch2 v3 header name bridged to Catch2 v2; see bgp_catch2_v2_bridge.hpp.
#pragma once

#include "../bgp_catch2_v2_bridge.hpp"
