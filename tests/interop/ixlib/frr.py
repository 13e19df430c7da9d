"""FRR bgpd standalone (`bgpd -S -Z -n -P 0 --vty_socket DIR -f CONF -i PIDFILE`), read
with `vtysh --vty_socket DIR -c '... json'`.

-Z: no zebra, every next hop counts as reachable and nothing reaches a FIB.
Each session's routes are originated with `network` and get their attributes
from an outbound route-map that only passes that session's prefixes.
"""
from __future__ import annotations

import json
import os
import re

from .daemon import Daemon
from .model import Attrs, SessionSpec

STATE = {"Idle": "Idle", "Connect": "Connect", "Active": "Active", "OpenSent": "OpenSent",
         "OpenConfirm": "OpenConfirm", "Established": "Established", "Clearing": "Idle",
         "Deleted": "Idle"}


def _tag(s: SessionSpec) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", s.name).upper()


class Frr(Daemon):
    kind = "frr"

    def write_config(self, restarting: bool) -> None:
        c = ["frr defaults traditional", f"hostname {self.name}",
             f"log file {self.dir}/bgpd.log informational", "log timestamp precision 3", "!"]
        for s in self.sessions:
            t = _tag(s)
            ip = "ip" if s.family == "ipv4" else "ipv6"
            for i, r in enumerate(s.peer_routes):
                c.append(f"{ip} prefix-list P_{t}_{i} seq 5 permit {r.prefix}")
            for i, r in enumerate(s.peer_routes):
                c.append(f"route-map OUT_{t} permit {10 * (i + 1)}")
                c.append(f" match {ip} address prefix-list P_{t}_{i}")
                if r.med is not None:
                    c.append(f" set metric {r.med}")
                if r.local_pref is not None:
                    c.append(f" set local-preference {r.local_pref}")
                if r.communities:
                    c.append(f" set community {' '.join(r.communities)}")
                if r.large_communities:
                    c.append(f" set large-community {' '.join(r.large_communities)}")
                if s.family == "ipv4":
                    c.append(f" set ip next-hop {r.next_hop}")
                else:
                    c.append(f" set ipv6 next-hop global {r.next_hop}")
            c.append(f"route-map OUT_{t} deny 1000")
            c.append("!")
        gr = any(s.graceful_restart for s in self.sessions)
        c += [f"router bgp {self.asn}", f" bgp router-id {self.router_id}",
              " no bgp ebgp-requires-policy", " no bgp default ipv4-unicast",
              " no bgp network import-check", " timers bgp 1 3"]
        if gr:
            c += [" bgp graceful-restart", " bgp graceful-restart restart-time 60",
                  " bgp graceful-restart preserve-fw-state"]
        for s in self.sessions:
            n = s.dut_addr
            c += [f" neighbor {n} remote-as {s.dut_as}", f" neighbor {n} port {s.dut_port}",
                  f" neighbor {n} update-source {s.peer_addr}",
                  f" neighbor {n} timers {max(1, s.hold // 3)} {s.hold}",
                  f" neighbor {n} timers connect 2"]
            if not s.ibgp:
                c.append(f" neighbor {n} ebgp-multihop 2")
            if s.password:
                c.append(f" neighbor {n} password {s.password}")
            if s.peer_passive:
                c.append(f" neighbor {n} passive")
            if gr and not s.graceful_restart:
                c.append(f" neighbor {n} graceful-restart-disable")
        for fam in ("ipv4", "ipv6"):
            ss = [s for s in self.sessions if s.family == fam]
            if not ss:
                continue
            c.append(f" address-family {fam} unicast")
            for s in ss:
                for r in s.peer_routes:
                    c.append(f"  network {r.prefix}")
                c.append(f"  neighbor {s.dut_addr} activate")
                c.append(f"  neighbor {s.dut_addr} route-map OUT_{_tag(s)} out")
            c.append(" exit-address-family")
        c.append("!")
        with open(os.path.join(self.dir, "bgpd.conf"), "w") as f:
            f.write("\n".join(c) + "\n")

    def argv(self, restarting: bool) -> list[str]:
        return ["/usr/lib/frr/bgpd", "-S", "-Z", "-n", "-P", "0", "--vty_socket", self.dir,
                "-f", os.path.join(self.dir, "bgpd.conf"), "-i",
                os.path.join(self.dir, "bgpd.pid"), "-p", str(self.port)]

    def vtysh(self, *cmds: str) -> str:
        argv = ["vtysh", "--vty_socket", self.dir]
        for c in cmds:
            argv += ["-c", c]
        return self.env.run(argv, timeout=10).stdout

    def _json(self, cmd: str) -> dict:
        out = self.vtysh(cmd)
        try:
            return json.loads(out) if out.strip() else {}
        except ValueError:
            return {}

    def _neighbor(self, s: SessionSpec) -> dict:
        return self._json(f"show bgp neighbors {s.dut_addr} json").get(s.dut_addr, {})

    def state(self, s: SessionSpec) -> str:
        st = self._neighbor(s).get("bgpState", "Idle")
        return STATE.get(st, st)

    def received(self, s: SessionSpec) -> dict[str, Attrs]:
        afi = s.family
        listing = self._json(f"show bgp {afi} unicast neighbors {s.dut_addr} routes json")
        prefixes = list(listing.get("routes") or {})
        if not prefixes:  # session down (graceful restart): its stale paths are in the table
            prefixes = list((self._json(f"show bgp {afi} unicast json").get("routes") or {}))
        routes: dict[str, Attrs] = {}
        for prefix in prefixes:
            detail = self._json(f"show bgp {afi} unicast {prefix} json")
            for p in detail.get("paths", []):
                peer = p.get("peer", {}).get("peerId")
                if peer != s.dut_addr:
                    continue
                a = Attrs(stale=bool(p.get("stale")))
                aspath = p.get("aspath", {}).get("string", "")
                a.as_path = [int(x) for x in aspath.split() if x.isdigit()]
                nhs = p.get("nexthops") or []
                if nhs:
                    a.next_hop = nhs[0].get("ip")
                a.med = p.get("metric")
                a.local_pref = p.get("locPrf")
                comm = p.get("community", {}).get("string")
                a.communities = comm.split() if comm else []
                large = p.get("largeCommunity", {}).get("string")
                a.large_communities = large.split() if large else []
                a.originator_id = p.get("originatorId")
                a.cluster_list = list((p.get("clusterList") or {}).get("list", []))
                routes[prefix] = a
        return routes

    def remote_capabilities(self, s: SessionSpec) -> set[str]:
        n = self._neighbor(s)
        caps = set()
        nc = n.get("neighborCapabilities", {})

        def received(v) -> bool:
            return isinstance(v, str) and ("Received" in v or "received" in v)

        simple = {"4byteAs": "four-octet-as", "routeRefresh": "route-refresh",
                  "enhancedRouteRefresh": "enhanced-route-refresh",
                  "extendedMessage": "extended-message"}
        for k, name in simple.items():
            if received(nc.get(k)):
                caps.add(name)
        for fam, v in (nc.get("multiprotocolExtensions") or {}).items():
            if isinstance(v, dict) and any("eceived" in k and v[k] for k in v):
                caps.add("mp:" + {"ipv4Unicast": "ipv4-unicast",
                                  "ipv6Unicast": "ipv6-unicast"}.get(fam, fam))
        gr = nc.get("gracefulRestartCapability") or nc.get("gracefulRestart")
        if received(gr):
            caps.add("graceful-restart")
        return caps

    def shutdown(self, s: SessionSpec, message: str) -> None:
        self.vtysh("configure terminal", f"router bgp {self.asn}",
                   f"neighbor {s.dut_addr} shutdown message {message}")

    def withdraw(self, s: SessionSpec, route) -> None:
        """Stops announcing `route` on `s` (`no network`)."""
        s.peer_routes = [r for r in s.peer_routes if r.prefix != route.prefix]
        self.vtysh("configure terminal", f"router bgp {self.asn}",
                   f"address-family {s.family} unicast", f"no network {route.prefix}")

    # -- as device under test -----------------------------------------------------
    def _log(self) -> str:
        try:
            with open(os.path.join(self.dir, "bgpd.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def notifications_received(self, s: SessionSpec) -> list[dict]:
        out = []
        n = self._neighbor(s)
        reason = n.get("lastNotificationReason") or ""
        if n.get("lastShutdownDescription") or "Administrative Shutdown" in reason:
            out.append({"code": 6, "subcode": 2, "message": n.get("lastShutdownDescription")})
        return out

    def hold_timer_expired(self, s: SessionSpec) -> bool:
        return re.search(rf"{re.escape(s.dut_addr)}.*[Hh]old [Tt]imer [Ee]xpire",
                         self._log()) is not None

    def established_count(self, s: SessionSpec) -> int:
        return int(self._neighbor(s).get("connectionsEstablished", 0))

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self._log().splitlines()[-lines:])
