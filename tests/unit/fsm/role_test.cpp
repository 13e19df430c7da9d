// Tests for libbgp/src/fsm/role.cpp: RFC 9234 §5 OTC ingress and egress rules.
#include "bgp/fsm/role.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace bgp;
using namespace bgp::fsm;
using R = wire::BgpRole;

TEST_CASE("otc_ingress: every role, with and without OTC", "[fsm]") {
    struct Row {
        R local;                           // our role on the session
        std::optional<std::uint32_t> otc;  // received
        OtcVerdict verdict;
        std::optional<std::uint32_t> after;  // OTC after the rule
    };
    const std::uint32_t peer = 65002;
    const Row rows[] = {
        // From a customer (we are provider) or an RS-client (we are RS): OTC = leak.
        {R::provider, std::nullopt, OtcVerdict::accept, std::nullopt},
        {R::provider, 1u, OtcVerdict::route_leak, 1u},
        {R::rs, std::nullopt, OtcVerdict::accept, std::nullopt},
        {R::rs, 65002u, OtcVerdict::route_leak, 65002u},
        // From a peer: OTC must be the peer's AS; absent: added.
        {R::peer, 65002u, OtcVerdict::accept, 65002u},
        {R::peer, 7u, OtcVerdict::route_leak, 7u},
        {R::peer, std::nullopt, OtcVerdict::accept, 65002u},
        // From a provider (we are customer) or an RS (we are rs-client): add if absent.
        {R::customer, std::nullopt, OtcVerdict::accept, 65002u},
        {R::customer, 9u, OtcVerdict::accept, 9u},
        {R::rs_client, std::nullopt, OtcVerdict::accept, 65002u},
    };
    for (const auto& row : rows) {
        wire::PathAttributes a;
        a.otc = row.otc;
        CAPTURE(static_cast<int>(row.local), row.otc.value_or(0));
        CHECK(otc_ingress(row.local, peer, a) == row.verdict);
        CHECK(a.otc == row.after);
    }
}

TEST_CASE("otc_egress: every role, with and without OTC", "[fsm]") {
    const std::uint32_t us = 65001;
    for (R role : {R::customer, R::peer, R::rs_client}) {
        wire::PathAttributes a;
        a.otc = 5u;
        CHECK_FALSE(otc_egress(role, us, a));  // never up or sideways with OTC
    }
    for (R role : {R::provider, R::peer, R::rs}) {
        wire::PathAttributes a;
        CHECK(otc_egress(role, us, a));
        CHECK(a.otc == us);  // towards customer / peer / rs-client: OTC added
    }
    wire::PathAttributes a;
    a.otc = 5u;
    CHECK(otc_egress(R::provider, us, a));  // down to a customer: kept as is
    CHECK(a.otc == 5u);
    wire::PathAttributes b;
    CHECK(otc_egress(R::customer, us, b));  // up to a provider without OTC: fine, nothing added
    CHECK_FALSE(b.otc);
}
