// The CLI's tables (reflector/src/cli/format.cpp, format_routes.cpp, table.cpp)
// from JSON fixtures in the API's contract, compared as exact text.
#include "cli/format.hpp"

#include <boost/json.hpp>
#include <catch2/catch_test_macros.hpp>
#include <string>

#include "cli/json_fields.hpp"
#include "cli/table.hpp"

namespace {

namespace json = boost::json;
using namespace bgp::reflector::cli;

json::value parse(const char* text) { return json::parse(text); }

const char* const neighbors_json = R"j({"neighbors":[
 {"address":"10.0.0.2","asn":64512,"description":"","dynamic":false,
  "route_reflector_client":true,"admin_down":false,"state":"Established","uptime_seconds":754,
  "flap_count":0,"last_error":"","local":"10.0.0.1:179","remote":"10.0.0.2:40123",
  "families":{"ipv4-unicast":{"received":10,"accepted":9,"advertised":20},
              "ipv6-unicast":{"received":1,"accepted":1,"advertised":2}}},
 {"address":"10.0.0.3","asn":64513,"description":"","dynamic":false,"admin_down":false,
  "state":"Active","uptime_seconds":null,"flap_count":2,"capabilities":null,
  "families":{"ipv4-unicast":{"received":0,"accepted":0,"advertised":0}}},
 {"address":"10.0.100.7","asn":64512,"dynamic":true,"admin_down":false,"state":"Established",
  "uptime_seconds":93780,"families":{"ipv4-unicast":{"received":5,"accepted":5,"advertised":100}}},
 {"address":"10.0.0.4","asn":64512,"admin_down":true,"state":"Idle","uptime_seconds":null,
  "families":{}}
]})j";

const char* const rib_json = R"j({"family":"ipv4-unicast","routes":[
 {"prefix":"10.1.0.0/26","neighbor":"10.0.0.2","neighbor_asn":64512,"path_id":0,"best":true,
  "multipath":false,"stale":false,"reason":"lower MED (RFC 4271 9.1.2.2 c)",
  "attributes":{"origin":"igp","as_path":[{"type":"AS_SEQUENCE","asns":[64513,64514]}],
   "next_hop":"10.0.0.2","med":0,"local_pref":100,"communities":["65000:1","65000:2"],
   "originator_id":"10.0.0.2","cluster_list":["10.0.0.1"],
   "aggregator":{"asn":64513,"address":"10.0.0.9"}}},
 {"prefix":"10.1.0.0/26","neighbor":"10.0.0.3","neighbor_asn":64512,"path_id":0,"best":false,
  "multipath":false,"stale":true,"reason":"higher MED",
  "attributes":{"origin":"incomplete","as_path":[{"type":"AS_SEQUENCE","asns":[64515]},
   {"type":"AS_SET","asns":[1,2]}],"next_hop":"10.0.0.3","med":50,"local_pref":100}},
 {"prefix":"192.168.0.0/24","neighbor":null,"neighbor_asn":64512,"path_id":0,"best":true,
  "multipath":false,"stale":false,"reason":"only path",
  "attributes":{"origin":"igp","as_path":[],"next_hop":"10.0.0.1","local_pref":100}}
]})j";

}  // namespace

TEST_CASE("cli: durations as birdc and gobgp show them", "[reflector][cli]") {
    CHECK(format_duration(0) == "00:00:00");
    CHECK(format_duration(754) == "00:12:34");
    CHECK(format_duration(86399) == "23:59:59");
    CHECK(format_duration(86400) == "1d00h00m");
    CHECK(format_duration(93780) == "1d02h03m");
    CHECK(format_duration(400 * 86400 + 3600) == "400d01h00m");
    CHECK(format_duration(-1) == "-");
}

TEST_CASE("cli: tables align columns and trim trailing blanks", "[reflector][cli]") {
    Table t({"A", "Long header", "C"});
    t.add_row({"xyz", "1", ""});
    t.add_row({"q"});
    CHECK(t.render() ==
          "A    Long header  C\n"
          "xyz  1\n"
          "q\n");
}

TEST_CASE("cli: show neighbors", "[reflector][cli]") {
    CHECK(format_neighbors(parse(neighbors_json)) ==
          "Neighbor    AS     State              Up/Down   ipv4 Rcv/Acc/Adv  ipv6 Rcv/Acc/Adv\n"
          "10.0.0.2    64512  Established        00:12:34  10/9/20           1/1/2\n"
          "10.0.0.3    64513  Active             -         0/0/0             -\n"
          "10.0.100.7  64512  Established        1d02h03m  5/5/100           -\n"
          "10.0.0.4    64512  Idle (admin down)  -         -                 -\n");
    CHECK(format_neighbors(parse(R"({"neighbors":[]})")) ==
          "Neighbor  AS  State  Up/Down  ipv4 Rcv/Acc/Adv\n");
    // A description column only when one is set.
    CHECK(format_neighbors(parse(R"({"neighbors":[{"address":"10.0.0.2","asn":1,
        "state":"Connect","description":"rack 7","families":{"ipv4-unicast":{}}}]})")) ==
          "Neighbor  AS  State    Up/Down  ipv4 Rcv/Acc/Adv  Description\n"
          "10.0.0.2  1   Connect  -        -/-/-             rack 7\n");
}

TEST_CASE("cli: show neighbor ADDRESS", "[reflector][cli]") {
    const auto n = parse(R"({"address":"10.0.0.2","asn":64512,"description":"node 2",
      "dynamic":false,"route_reflector_client":true,"admin_down":false,"state":"Established",
      "uptime_seconds":754,"flap_count":1,"last_error":"hold timer expired",
      "local":"10.0.0.1:179","remote":"10.0.0.2:40123",
      "capabilities":{"families":["ipv4-unicast","ipv6-unicast"],"four_octet_as":true,
        "route_refresh":true,"enhanced_route_refresh":false,"graceful_restart":true,
        "extended_message":false,"add_path":{"ipv4-unicast":"receive"},"hold_time":90,
        "keepalive":30},
      "families":{"ipv4-unicast":{"received":10,"accepted":9,"advertised":20},
                  "ipv6-unicast":{"received":1,"accepted":1,"advertised":2}},
      "updates":{"received":15,"sent":30},"notifications":{"received":1,"sent":0},
      "write_queue_bytes":0})");
    CHECK(format_neighbor(n) ==
          "Neighbor 10.0.0.2, AS 64512 (route-reflector client)\n"
          "  Description:    node 2\n"
          "  State:          Established, up for 00:12:34\n"
          "  Flaps:          1\n"
          "  Last error:     hold timer expired\n"
          "  Local:          10.0.0.1:179\n"
          "  Remote:         10.0.0.2:40123\n"
          "  Hold time:      90 s, keepalive 30 s\n"
          "  Families:       ipv4-unicast ipv6-unicast\n"
          "  Capabilities:   four-octet-as route-refresh graceful-restart\n"
          "  ADD-PATH:       ipv4-unicast receive\n"
          "  Updates:        received 15, sent 30\n"
          "  Notifications:  received 1, sent 0\n"
          "  Write queue:    0 bytes\n"
          "  Routes:\n"
          "    Family        Received  Accepted  Advertised\n"
          "    ipv4-unicast  10        9         20\n"
          "    ipv6-unicast  1         1         2\n");

    const auto down = parse(R"({"address":"10.0.100.7","asn":64512,"dynamic":true,
      "admin_down":true,"state":"Idle","uptime_seconds":null,"flap_count":0,"last_error":"",
      "local":"","remote":"","capabilities":null,"families":{},
      "updates":{"received":0,"sent":0},"notifications":{"received":0,"sent":0},
      "write_queue_bytes":0})");
    CHECK(format_neighbor(down) ==
          "Neighbor 10.0.100.7, AS 64512 (dynamic, administratively down)\n"
          "  State:          Idle\n"
          "  Flaps:          0\n"
          "  Capabilities:   none negotiated (no session)\n"
          "  Updates:        received 0, sent 0\n"
          "  Notifications:  received 0, sent 0\n"
          "  Write queue:    0 bytes\n");
}

TEST_CASE("cli: show status and reload", "[reflector][cli]") {
    const auto s = parse(R"({"router_id":"10.0.0.1","asn":64512,"cluster_id":"10.0.0.1",
      "version":"0.4.0","uptime_seconds":12,"neighbors":{"configured":3,"dynamic":500,
      "established":503},"routes":{"ipv4-unicast":{"prefixes":1000,"paths":2000},
      "ipv6-unicast":{"prefixes":0,"paths":0}},"best_path_changes":42})");
    CHECK(format_status(s) ==
          "Router ID:            10.0.0.1\n"
          "AS:                   64512\n"
          "Cluster ID:           10.0.0.1\n"
          "Version:              0.4.0\n"
          "Uptime:               00:00:12\n"
          "Neighbors:            3 configured, 500 dynamic, 503 established\n"
          "Routes ipv4-unicast:  1000 prefixes, 2000 paths\n"
          "Routes ipv6-unicast:  0 prefixes, 0 paths\n"
          "Best-path changes:    42\n");

    CHECK(format_reload(parse(R"({"applied":true,"added":1,"removed":2,"changed":3,
      "unchanged":4,"policies_changed":true})")) ==
          "reload applied: 1 added, 2 removed, 3 changed, 4 unchanged; policies re-applied\n");
    CHECK(format_reload(parse(R"({"applied":false,"error":"r.yaml:7: asn: expected a number"})")) ==
          "reload refused, nothing changed: r.yaml:7: asn: expected a number\n");
}

TEST_CASE("cli: show rib", "[reflector][cli]") {
    CHECK(format_rib(parse(rib_json)) ==
          "     Network         Next Hop  AS Path        LocPrf  MED  From\n"
          "*>   10.1.0.0/26     10.0.0.2  64513 64514 i  100     0    10.0.0.2\n"
          "* S  10.1.0.0/26     10.0.0.3  64515 {1,2} ?  100     50   10.0.0.3\n"
          "*>   192.168.0.0/24  10.0.0.1  i              100     -    local\n");
    CHECK(format_rib(parse(R"({"family":"ipv4-unicast","routes":[]})")) ==
          "  Network  Next Hop  AS Path  LocPrf  MED  From\n");
}

TEST_CASE("cli: AS paths and markers", "[reflector][cli]") {
    CHECK(format_as_path(parse(R"({"as_path":[{"type":"AS_CONFED_SEQUENCE","asns":[1,2]},
        {"type":"AS_CONFED_SET","asns":[3,4]},{"type":"AS_SEQUENCE","asns":[5]},
        {"type":"AS_SET","asns":[6]}]})")) == "(1 2) [3,4] 5 {6}");
    CHECK(format_as_path(parse(R"({"as_path":[]})")).empty());
    CHECK(format_as_path(parse(R"({})")).empty());
    CHECK(route_marker(parse(R"({"best":true})")) == "*>");
    CHECK(route_marker(parse(R"({"best":false,"multipath":true})")) == "*=");
    CHECK(route_marker(parse(R"({"best":true,"stale":true})")) == "*>S");
    CHECK(route_marker(parse(R"({})")) == "*");
}

TEST_CASE("cli: show route PREFIX lists every path, the best first with its reason",
          "[reflector][cli]") {
    auto body = parse(rib_json);
    auto& routes = body.as_object()["routes"].as_array();
    routes.pop_back();                // the 10.1.0.0/26 paths only
    std::swap(routes[0], routes[1]);  // the best second in the reply
    CHECK(format_route(body, "10.1.0.0/26") ==
          "10.1.0.0/26 (ipv4-unicast): 2 paths\n"
          "*>  from 10.0.0.2, AS 64512 (best: lower MED (RFC 4271 9.1.2.2 c))\n"
          "    AS path        64513 64514\n"
          "    Origin         IGP\n"
          "    Next hop       10.0.0.2\n"
          "    Local pref     100\n"
          "    MED            0\n"
          "    Communities    65000:1 65000:2\n"
          "    Originator ID  10.0.0.2\n"
          "    Cluster list   10.0.0.1\n"
          "    Aggregator     AS 64513, 10.0.0.9\n"
          "* S from 10.0.0.3, AS 64512 (higher MED)\n"
          "    AS path     64515 {1,2}\n"
          "    Origin      incomplete\n"
          "    Next hop    10.0.0.3\n"
          "    Local pref  100\n"
          "    MED         50\n"
          "    Stale       yes (graceful restart)\n");
    CHECK(format_route(parse(R"({"family":"ipv6-unicast","routes":[]})"), "2001:db8::/48") ==
          "2001:db8::/48 (ipv6-unicast): not in the RIB\n");
}

TEST_CASE("cli: watch events, one line each", "[reflector][cli]") {
    CHECK(format_event(parse(R"({"type":"snapshot-begin"})")) == "snapshot begin");
    CHECK(format_event(parse(R"({"type":"snapshot-end"})")) == "snapshot end");
    CHECK(format_event(parse(R"({"type":"resync"})")) ==
          "resync: this client fell behind; a new snapshot follows");
    const auto rib = parse(rib_json);
    json::object ev{{"type", "route"},
                    {"family", "ipv4-unicast"},
                    {"prefix", "10.1.0.0/26"},
                    {"route", rib.at("routes").at(0)}};
    CHECK(format_event(ev) ==
          "route 10.1.0.0/26 ipv4-unicast: next hop 10.0.0.2, from 10.0.0.2, AS path 64513 64514 "
          "i, local pref 100, MED 0");
    ev["route"] = nullptr;
    CHECK(format_event(ev) == "route 10.1.0.0/26 ipv4-unicast: withdrawn");
    CHECK(format_event(parse(R"({"type":"session","neighbor":"10.0.0.2","asn":64512,
        "from":"OpenConfirm","to":"Established","reason":""})")) ==
          "session 10.0.0.2 AS 64512: OpenConfirm -> Established");
    CHECK(format_event(parse(R"({"type":"session","neighbor":"10.0.0.2","asn":64512,
        "from":"Established","to":"Idle","reason":"hold timer expired"})")) ==
          "session 10.0.0.2 AS 64512: Established -> Idle (hold timer expired)");
    CHECK(format_event(parse(R"({"type":"new-kind","x":1})")) == R"({"type":"new-kind","x":1})");
}

TEST_CASE("cli: --json pretty-prints the server's JSON, keys in its order", "[reflector][cli]") {
    CHECK(pretty_json(parse(R"({"b":1,"a":[true,null,"x"],"c":{},"d":[],"e":{"f":-2}})")) ==
          "{\n"
          "  \"b\": 1,\n"
          "  \"a\": [\n"
          "    true,\n"
          "    null,\n"
          "    \"x\"\n"
          "  ],\n"
          "  \"c\": {},\n"
          "  \"d\": [],\n"
          "  \"e\": {\n"
          "    \"f\": -2\n"
          "  }\n"
          "}\n");
}
