"""BIRD 2 (`bird -f`), read with `birdc -s SOCKET`.

Pitfalls (also in /work/shared/bench/README.md): 127/8 peers need `multihop`
(else "Invalid remote address"), next hops are resolved recursively (a static
198.18.0.0/15 makes ours resolvable), `strict bind yes` or BIRD listens on
0.0.0.0, "pe" and other words are keywords (protocol names get a prefix).
Graceful restart: `bird -R` sets the Restart State bit after a restart.
"""
from __future__ import annotations

import os
import re
from typing import Optional

from .daemon import Daemon
from .model import Attrs, Route, SessionSpec

STATE = {"Idle": "Idle", "Connect": "Connect", "Active": "Active", "OpenSent": "OpenSent",
         "OpenConfirm": "OpenConfirm", "Established": "Established", "Down": "Idle"}


def _proto(s: SessionSpec) -> str:
    return "ix_" + re.sub(r"[^a-z0-9]", "_", s.name)


def _attr_block(r: Route) -> str:
    parts = []
    if r.med is not None:
        parts.append(f"bgp_med = {r.med};")
    for c in r.communities:
        a, b = c.split(":")
        parts.append(f"bgp_community.add(({a},{b}));")
    for c in r.large_communities:
        a, b, d = c.split(":")
        parts.append(f"bgp_large_community.add(({a},{b},{d}));")
    if r.local_pref is not None:
        parts.append(f"bgp_local_pref = {r.local_pref};")
    parts.append(f"bgp_next_hop = {r.next_hop};")
    return " ".join(parts)


class Bird(Daemon):
    kind = "bird"
    #: reflector.py's stand-in reflector: sessions with rr_client get `rr client`, every
    #: session `rr cluster id` (when set), and the export filter passes BGP routes
    reflector = False
    cluster_id: Optional[str] = None
    #: `debug { states; }`: the log then records every state change, so that
    #: established_count() sees re-establishments (reflector.py's flap check)
    debug_states = False

    @property
    def sock(self) -> str:
        return os.path.join(self.dir, "bird.ctl")

    def write_config(self, restarting: bool) -> None:
        lines = [
            f"router id {self.router_id};",
            f'log "{self.dir}/bird.log" all;',
            "protocol device {}",
            # Makes our 198.18.0.0/15 next hops resolvable (never exported).
            "protocol static nh4 { ipv4; route 198.18.0.0/15 blackhole; }",
            "protocol static nh6 { ipv6; route fd00::/16 blackhole; route 2001:db8::/32 blackhole; }",
        ]
        for s in self.sessions:
            p = _proto(s)
            fam = s.family
            routes = " ".join(f"route {r.prefix} blackhole;" for r in s.peer_routes)
            lines.append(f"protocol static st_{p[3:]} {{ {fam}; {routes} }}")
            filt = [f'if proto != "st_{p[3:]}" then reject;']
            for r in s.peer_routes:
                filt.append(f"if net = {r.prefix} then {{ {_attr_block(r)} }}")
            filt.append("accept;")
            gr = "graceful restart on; graceful restart time 60;" if s.graceful_restart \
                else "graceful restart off;"
            pw = f'password "{s.password}";' if s.password else ""
            passive = "passive on;" if s.peer_passive else ""
            export = f"filter {{ {' '.join(filt)} }}"
            if self.debug_states:
                passive += " debug { states };"
            if self.reflector:
                export = "where source = RTS_BGP"
                passive += " rr client;" if s.rr_client else ""
                passive += f" rr cluster id {self.cluster_id};" if self.cluster_id else ""
            lines.append(f"""protocol bgp {p} {{
  local {s.peer_addr} port {self.port} as {self.asn};
  neighbor {s.dut_addr} port {s.dut_port} as {s.dut_as};
  strict bind yes; multihop;
  hold time {s.hold}; keepalive time 1; connect retry time 2; connect delay time 1;
  error wait time 1, 4; {gr} {pw} {passive}
  enable extended messages on;
  {fam} {{ import all; export {export}; }};
}}""")
        with open(os.path.join(self.dir, "bird.conf"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def argv(self, restarting: bool) -> list[str]:
        a = ["bird", "-f", "-c", os.path.join(self.dir, "bird.conf"), "-s", self.sock,
             "-P", os.path.join(self.dir, "bird.pid")]
        if restarting:
            a.append("-R")
        return a

    def birdc(self, *cmd: str) -> str:
        r = self.env.run(["birdc", "-s", self.sock, *cmd], timeout=10)
        return r.stdout

    def _protocol(self, s: SessionSpec) -> str:
        return self.birdc("show", "protocols", "all", _proto(s))

    def state(self, s: SessionSpec) -> str:
        m = re.search(r"BGP state:\s+(\w+)", self._protocol(s))
        return STATE.get(m.group(1), m.group(1)) if m else "Idle"

    def received(self, s: SessionSpec) -> dict[str, Attrs]:
        out = self.birdc("show", "route", "all", "protocol", _proto(s))
        routes: dict[str, Attrs] = {}
        cur = None
        for line in out.splitlines():
            m = re.match(r"^(\S+/\d+)\s", line)
            if m:
                cur = Attrs()
                routes[m.group(1)] = cur
                continue
            if cur is None:
                continue
            line = line.strip()
            if line.startswith("BGP.as_path:"):
                cur.as_path = [int(x) for x in line.split(":", 1)[1].split()]
            elif line.startswith("BGP.next_hop:"):
                cur.next_hop = line.split(":", 1)[1].split()[0]
            elif line.startswith("BGP.med:"):
                cur.med = int(line.split(":", 1)[1])
            elif line.startswith("BGP.local_pref:"):
                cur.local_pref = int(line.split(":", 1)[1])
            elif line.startswith("BGP.community:"):
                cur.communities = [f"{a}:{b}" for a, b in
                                   re.findall(r"\((\d+),\s*(\d+)\)", line)]
            elif line.startswith("BGP.large_community:"):
                cur.large_communities = [f"{a}:{b}:{c}" for a, b, c in
                                         re.findall(r"\((\d+),\s*(\d+),\s*(\d+)\)", line)]
            elif line.startswith("BGP.originator_id:"):
                cur.originator_id = line.split(":", 1)[1].strip()
            elif line.startswith("BGP.cluster_list:"):
                cur.cluster_list = line.split(":", 1)[1].split()
            elif line.startswith("Type:") and "stale" in line.lower():
                cur.stale = True
        return routes

    def remote_capabilities(self, s: SessionSpec) -> set[str]:
        out = self._protocol(s)
        if "Neighbor capabilities" not in out:
            return set()
        block = out.split("Neighbor capabilities", 1)[1].split("Session:", 1)[0]
        caps = set()
        for af in re.findall(r"AF announced:\s*(.*)", block):
            for f in af.split():
                caps.add(f"mp:{f}-unicast")
        names = {"Route refresh": "route-refresh", "Enhanced refresh": "enhanced-route-refresh",
                 "4-octet AS numbers": "four-octet-as", "Graceful restart": "graceful-restart",
                 "Extended message": "extended-message", "BGP role": "role",
                 "Long-lived graceful restart": "long-lived-graceful-restart",
                 "ADD-PATH": "add-path", "Extended next hop": "extended-next-hop"}
        for line in block.splitlines():
            n = names.get(line.strip())
            if n:
                caps.add(n)
        return caps

    def shutdown(self, s: SessionSpec, message: str) -> None:
        self.birdc("disable", _proto(s), f'"{message}"')

    def withdraw(self, s: SessionSpec, route: Route) -> None:
        """Stops announcing `route` on `s`: the configuration without it, reloaded."""
        s.peer_routes = [r for r in s.peer_routes if r.prefix != route.prefix]
        self.write_config(False)
        self.birdc("configure")

    # -- as device under test ----------------------------------------------------
    def _log(self) -> str:
        try:
            with open(os.path.join(self.dir, "bird.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def notifications_received(self, s: SessionSpec) -> list[dict]:
        # "ix_v6: Received: Administrative shutdown: "text""
        out = []
        for m in re.finditer(rf"{_proto(s)}: Received: (.*)", self._log()):
            text = m.group(1)
            msg = re.search(r'"(.*)"', text)
            if text.startswith("Administrative shutdown"):
                out.append({"code": 6, "subcode": 2, "message": msg.group(1) if msg else None})
            else:
                out.append({"code": None, "subcode": None, "message": text})
        return out

    def hold_timer_expired(self, s: SessionSpec) -> bool:
        return re.search(rf"{_proto(s)}: Error: Hold timer expired", self._log()) is not None

    def established_count(self, s: SessionSpec) -> int:
        return len(re.findall(rf"{_proto(s)}: BGP session established|"
                              rf"{_proto(s)}: State changed to up", self._log()))

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self._log().splitlines()[-lines:])
