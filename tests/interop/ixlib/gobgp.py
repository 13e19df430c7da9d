"""GoBGP (`gobgpd`), read with `gobgp -u 127.0.0.1 -p APIPORT ... -j` and its JSON log.

Routes are added through the API after the start (`gobgp global rib add`); they
go to every session of the family, so a session also receives the routes of
the other sessions: the checks look for their own prefixes only. Graceful
restart: `gobgpd -r` sets the Restart State bit.
"""
from __future__ import annotations

import json
import os
from typing import Optional

from .daemon import Daemon
from .env import log, wait_for
from .model import Attrs, SessionSpec, community_str

# api.PeerState.SessionState
STATE = {0: "Idle", 1: "Idle", 2: "Connect", 3: "Active", 4: "OpenSent", 5: "OpenConfirm",
         6: "Established", "UNKNOWN": "Idle", "IDLE": "Idle", "CONNECT": "Connect",
         "ACTIVE": "Active", "OPENSENT": "OpenSent", "OPENCONFIRM": "OpenConfirm",
         "ESTABLISHED": "Established"}



class Gobgp(Daemon):
    kind = "gobgp"
    #: reflector.py's stand-in reflector: the cluster id written for rr_client sessions
    cluster_id: Optional[str] = None

    def __init__(self, *a, api_port: int, **kw):
        super().__init__(*a, **kw)
        self.api_port = api_port

    def write_config(self, restarting: bool) -> None:
        addrs = sorted({s.peer_addr for s in self.sessions})
        out = ["[global.config]", f"  as = {self.asn}", f'  router-id = "{self.router_id}"',
               f"  port = {self.port}",
               "  local-address-list = [" + ", ".join(f'"{a}"' for a in addrs) + "]"]
        for s in self.sessions:
            fam = f"{s.family}-unicast"
            out += ["[[neighbors]]", "  [neighbors.config]",
                    f'    neighbor-address = "{s.dut_addr}"', f"    peer-as = {s.dut_as}"]
            if s.password:
                out.append(f'    auth-password = "{s.password}"')
            out += ["  [neighbors.transport.config]", f"    remote-port = {s.dut_port}",
                    f'    local-address = "{s.peer_addr}"',
                    f"    passive-mode = {'true' if s.peer_passive else 'false'}",
                    "  [neighbors.timers.config]", f"    hold-time = {s.hold}",
                    "    keepalive-interval = 1", "    connect-retry = 2"]
            if s.rr_client or self.cluster_id:
                out.append("  [neighbors.route-reflector.config]")
                if s.rr_client:
                    out.append("    route-reflector-client = true")
                if self.cluster_id:
                    out.append(f'    route-reflector-cluster-id = "{self.cluster_id}"')
            if not s.ibgp:
                out += ["  [neighbors.ebgp-multihop.config]", "    enabled = true",
                        "    multihop-ttl = 2"]
            if s.graceful_restart:
                out += ["  [neighbors.graceful-restart.config]", "    enabled = true",
                        "    restart-time = 60"]
            out += ["  [[neighbors.afi-safis]]", "    [neighbors.afi-safis.config]",
                    f'      afi-safi-name = "{fam}"']
            if s.graceful_restart:
                out += ["    [neighbors.afi-safis.mp-graceful-restart.config]",
                        "      enabled = true"]
        with open(os.path.join(self.dir, "gobgpd.toml"), "w") as f:
            f.write("\n".join(out) + "\n")

    def argv(self, restarting: bool) -> list[str]:
        a = ["gobgpd", "-f", os.path.join(self.dir, "gobgpd.toml"), "--api-hosts",
             f"127.0.0.1:{self.api_port}", "--pprof-disable", "-l", "info"]
        if restarting:
            a.append("-r")
        return a

    def start(self, restarting: bool = False) -> None:
        super().start(restarting)
        if not wait_for(lambda: self.gobgp("global").returncode == 0, 15):
            log(f"{self.name}: API did not answer")
            return
        for s in self.sessions:
            for r in s.peer_routes:
                cmd = ["global", "rib", "add", r.prefix, "nexthop", r.next_hop]
                if r.med is not None:
                    cmd += ["med", str(r.med)]
                if r.local_pref is not None:
                    cmd += ["local-pref", str(r.local_pref)]
                if r.communities:
                    cmd += ["community", ",".join(r.communities)]
                if r.large_communities:
                    cmd += ["large-community", ",".join(r.large_communities)]
                cmd += ["-a", s.family]
                res = self.gobgp(*cmd)
                if res.returncode != 0:
                    log(f"{self.name}: {' '.join(cmd)}: {res.stderr.strip()}")

    def gobgp(self, *cmd: str):
        return self.env.run(["gobgp", "-u", "127.0.0.1", "-p", str(self.api_port), *cmd],
                            timeout=10)

    def _neighbor(self, s: SessionSpec) -> dict:
        r = self.gobgp("neighbor", s.dut_addr, "-j")
        if r.returncode != 0 or not r.stdout.strip():
            return {}
        return json.loads(r.stdout)

    def state(self, s: SessionSpec) -> str:
        st = self._neighbor(s).get("state", {}).get("session_state", 0)
        return STATE.get(st, str(st))

    def received(self, s: SessionSpec) -> dict[str, Attrs]:
        r = self.gobgp("neighbor", s.dut_addr, "adj-in", "-a", s.family, "-j")
        table = json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else {}
        if not table:  # session down (graceful restart): its stale paths are in the global RIB
            r = self.gobgp("global", "rib", "-a", s.family, "-j")
            table = json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else {}
            table = {k: [p for p in v if p.get("neighbor-ip") == s.dut_addr]
                     for k, v in table.items()}
        routes: dict[str, Attrs] = {}
        for prefix, paths in table.items():
            for p in paths:
                a = Attrs(stale=bool(p.get("stale")))
                for at in p.get("attrs", []):
                    t = at.get("type")
                    if t == 2:
                        a.as_path = [n for seg in at.get("as_paths", []) for n in seg["asns"]]
                    elif t == 3:
                        a.next_hop = at.get("nexthop")
                    elif t == 4:
                        a.med = at.get("metric")
                    elif t == 5:
                        a.local_pref = at.get("local_pref", at.get("value"))
                    elif t == 8:
                        a.communities = [community_str(c) for c in at.get("communities", [])]
                    elif t == 14:
                        nh = at.get("nexthop")
                        a.next_hop = nh if isinstance(nh, str) else (at.get("nexthop") or [None])[0]
                    elif t == 9:
                        a.originator_id = at.get("value")
                    elif t == 10:
                        a.cluster_list = list(at.get("value") or [])
                    elif t == 32:
                        a.large_communities = [
                            f"{v['ASN']}:{v['LocalData1']}:{v['LocalData2']}"
                            for v in at.get("value", [])]
                routes[prefix] = a
        return routes

    def remote_capabilities(self, s: SessionSpec) -> set[str]:
        # The JSON form holds the capabilities as protobuf Any values; the text
        # form says "advertised and received" / "received" per capability.
        r = self.gobgp("neighbor", s.dut_addr)
        caps: set[str] = set()
        names = {"route-refresh": "route-refresh", "4-octet-as": "four-octet-as",
                 "graceful-restart": "graceful-restart",
                 "enhanced-route-refresh": "enhanced-route-refresh",
                 "long-lived-graceful-restart": "long-lived-graceful-restart",
                 "add-path": "add-path", "extended-nexthop": "extended-next-hop",
                 "extended-message": "extended-message"}
        in_caps = in_mp = False
        for line in r.stdout.splitlines():
            t = line.strip()
            if t.startswith("Neighbor capabilities"):
                in_caps = True
                continue
            if not in_caps:
                continue
            if t.startswith("Message statistics"):
                break
            key, _, val = t.partition(":")
            if key == "multiprotocol":
                in_mp = True
                continue
            if in_mp and key in ("ipv4-unicast", "ipv6-unicast"):
                if "received" in val:
                    caps.add(f"mp:{key}")
                continue
            in_mp = False
            if key in names and "received" in val:
                caps.add(names[key])
        return caps

    def withdraw(self, s: SessionSpec, route) -> None:
        """Stops announcing `route` (`global rib del`: every session of the family)."""
        s.peer_routes = [r for r in s.peer_routes if r.prefix != route.prefix]
        res = self.gobgp("global", "rib", "del", route.prefix, "-a", s.family)
        if res.returncode != 0:
            log(f"{self.name}: rib del {route.prefix}: {res.stderr.strip()}")

    def shutdown(self, s: SessionSpec, message: str) -> None:
        r = self.gobgp("neighbor", s.dut_addr, "shutdown", "--reason", message)
        if r.returncode != 0:
            r = self.gobgp("neighbor", s.dut_addr, "disable", "--reason", message)
        if r.returncode != 0:
            log(f"{self.name}: shutdown failed: {r.stderr.strip()}")

    # -- as device under test (JSON log lines) ----------------------------------
    def _events(self) -> list[dict]:
        ev = []
        for n in range(1, self.starts + 1):
            try:
                with open(os.path.join(self.dir, f"stdout.{n}.log"), errors="replace") as f:
                    for line in f:
                        if line.startswith("{"):
                            try:
                                ev.append(json.loads(line))
                            except ValueError:
                                pass
            except FileNotFoundError:
                pass
        return ev

    def notifications_received(self, s: SessionSpec) -> list[dict]:
        return [{"code": e.get("Code"), "subcode": e.get("Subcode"),
                 "message": e.get("Communicated-Reason")}
                for e in self._events()
                if e.get("Key") == s.dut_addr and e.get("msg") == "received notification"]

    def hold_timer_expired(self, s: SessionSpec) -> bool:
        return any(e.get("Key") == s.dut_addr and "hold timer expired" in
                   (str(e.get("Reason", "")) + str(e.get("msg", ""))).lower()
                   for e in self._events())

    def established_count(self, s: SessionSpec) -> int:
        return sum(1 for e in self._events()
                   if e.get("Key") == s.dut_addr and e.get("msg") == "Peer Up")

    def log_tail(self, lines: int = 30) -> str:
        try:
            with open(os.path.join(self.dir, f"stdout.{self.starts}.log"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except FileNotFoundError:
            return ""
