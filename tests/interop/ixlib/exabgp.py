"""ExaBGP 4.2, observed through its API: a `process` (exabgp_api.py) that writes
every JSON event (state, open, update, notification) to a file and passes
commands from a named pipe back to ExaBGP.

ExaBGP keeps no table we can ask for: received routes are rebuilt here from the
UPDATE events. Its administrative shutdown (`teardown 2`) always carries the
text "Administrative Shutdown".
"""
from __future__ import annotations

import json
import os
import re
import sys

from .daemon import Daemon
from .model import Attrs, SessionSpec

API = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "exabgp_api.py")


class Exabgp(Daemon):
    kind = "exabgp"
    sends_shutdown_message = False

    @property
    def events_path(self) -> str:
        return os.path.join(self.dir, "events.jsonl")

    @property
    def cmd_path(self) -> str:
        return os.path.join(self.dir, "commands.fifo")

    def write_config(self, restarting: bool) -> None:
        if not os.path.exists(self.cmd_path):
            os.mkfifo(self.cmd_path, 0o600)
        c = ["process api {",
             f"    run {sys.executable} {API} {self.events_path} {self.cmd_path};",
             "    encoder json;", "}"]
        for s in self.sessions:
            c += [f"neighbor {s.dut_addr} {{", f"    router-id {self.router_id};",
                  f"    local-address {s.peer_addr};", f"    local-as {self.asn};",
                  f"    peer-as {s.dut_as};", f"    hold-time {s.hold};",
                  f"    connect {s.dut_port};", f"    listen {self.port};"]
            if s.peer_passive:
                c.append("    passive;")
            if s.password:
                c.append(f'    md5-password "{s.password}";')
            caps = ["route-refresh;"]
            if s.graceful_restart:
                caps.append("graceful-restart 60;")
            c.append(f"    capability {{ {' '.join(caps)} }}")
            c.append(f"    family {{ {s.family} unicast; }}")
            c.append("    static {")
            for r in s.peer_routes:
                line = f"        route {r.prefix} next-hop {r.next_hop}"
                if r.med is not None:
                    line += f" med {r.med}"
                if r.local_pref is not None:
                    line += f" local-preference {r.local_pref}"
                if r.communities:
                    line += f" community [ {' '.join(r.communities)} ]"
                if r.large_communities:
                    line += f" large-community [ {' '.join(r.large_communities)} ]"
                c.append(line + ";")
            c.append("    }")
            c += ["    api {", "        processes [ api ];", "        neighbor-changes;",
                  "        receive { parsed; update; notification; open; }", "    }", "}"]
        with open(os.path.join(self.dir, "exabgp.conf"), "w") as f:
            f.write("\n".join(c) + "\n")

    def environment(self) -> dict:
        e = dict(os.environ)
        addrs = " ".join(sorted({s.peer_addr for s in self.sessions}))
        e.update({"exabgp.daemon.user": "root", "exabgp.daemon.drop": "false",
                  "exabgp.daemon.daemonize": "false", "exabgp.tcp.bind": addrs,
                  "exabgp.tcp.port": str(self.port),
                  "exabgp.log.destination": os.path.join(self.dir, "exabgp.log"),
                  "exabgp.api.cli": "false"})
        return e

    def argv(self, restarting: bool) -> list[str]:
        return ["exabgp", os.path.join(self.dir, "exabgp.conf")]

    def _events(self, s: SessionSpec) -> list[dict]:
        out = []
        try:
            with open(self.events_path, errors="replace") as f:
                for line in f:
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    nb = e.get("neighbor", {})
                    if nb.get("address", {}).get("peer") == s.dut_addr:
                        out.append(e)
        except FileNotFoundError:
            pass
        return out

    def state(self, s: SessionSpec) -> str:
        st = "Idle"
        for e in self._events(s):
            if e.get("type") == "state":
                st = {"up": "Established", "connected": "OpenSent",
                      "down": "Idle"}.get(e["neighbor"].get("state"), "Idle")
        return st

    def received(self, s: SessionSpec) -> dict[str, Attrs]:
        rib: dict[str, Attrs] = {}
        for e in self._events(s):
            if e.get("type") == "state" and e["neighbor"].get("state") == "down":
                rib.clear()
            if e.get("type") != "update":
                continue
            upd = e["neighbor"].get("message", {}).get("update", {})
            attr = upd.get("attribute", {})
            for fam in (upd.get("withdraw") or {}).values():
                for n in fam:
                    rib.pop(n["nlri"], None)
            for fam in (upd.get("announce") or {}).values():
                for nh, nlris in fam.items():
                    for n in nlris:
                        a = Attrs(as_path=list(attr.get("as-path", [])), next_hop=nh,
                                  med=attr.get("med"), local_pref=attr.get("local-preference"),
                                  communities=[f"{x}:{y}" for x, y in attr.get("community", [])],
                                  large_communities=[f"{x}:{y}:{z}" for x, y, z in
                                                     attr.get("large-community", [])],
                                  originator_id=attr.get("originator-id"),
                                  cluster_list=list(attr.get("cluster-list", [])))
                        rib[n["nlri"]] = a
        return rib

    def remote_capabilities(self, s: SessionSpec) -> set[str]:
        caps: set[str] = set()
        for e in self._events(s):
            if e.get("type") == "open" and e["neighbor"].get("direction") == "receive":
                caps = set()
                for code, v in e["neighbor"]["open"].get("capabilities", {}).items():
                    code = int(code)
                    if code == 1:
                        for f in v.get("families", []):
                            caps.add("mp:" + f.replace("/", "-"))
                    else:
                        name = {2: "route-refresh", 6: "extended-message",
                                64: "graceful-restart", 65: "four-octet-as",
                                70: "enhanced-route-refresh", 69: "add-path"}.get(code)
                        if name:
                            caps.add(name)
        return caps

    def established_count(self, s: SessionSpec) -> int:
        return sum(1 for e in self._events(s)
                   if e.get("type") == "state" and e["neighbor"].get("state") == "up")

    def command(self, line: str) -> None:
        fd = os.open(self.cmd_path, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)

    def withdraw(self, s: SessionSpec, route) -> None:
        """Stops announcing `route` on `s` (API `withdraw route`)."""
        s.peer_routes = [r for r in s.peer_routes if r.prefix != route.prefix]
        self.command(f"neighbor {s.dut_addr} withdraw route {route.prefix} "
                     f"next-hop {route.next_hop}")

    def shutdown(self, s: SessionSpec, message: str) -> None:
        # ExaBGP 4.2 has no way to set the text: it sends its own.
        self.command(f"neighbor {s.dut_addr} teardown 2")

    def shutdown_text(self, message: str) -> str:
        return "Administrative Shutdown"

    def log_tail(self, lines: int = 30) -> str:
        try:
            with open(os.path.join(self.dir, "exabgp.log"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except FileNotFoundError:
            return ""

    def notifications_received(self, s: SessionSpec) -> list[dict]:
        """From the "state down" reasons: "notification received (6,2)". ExaBGP 4.2
        cannot decode a Cease 6/2 or 6/4 that carries an RFC 9003 text (bytes/str
        formatting bug, fixed upstream in Exa-Networks/exabgp pull 1302): it then
        reports 'can not decode update message of type "3"' and sends 1/0. Such a
        NOTIFICATION counts as received, marked undecodable."""
        out = []
        for e in self._events(s):
            if e.get("type") != "state" or e["neighbor"].get("state") != "down":
                continue
            reason = e["neighbor"].get("reason", "")
            m = re.search(r"notification received \((\d+),(\d+)\)", reason)
            if m:
                out.append({"code": int(m.group(1)), "subcode": int(m.group(2)),
                            "message": None})
            elif 'can not decode update message of type "3"' in reason:
                out.append({"code": None, "subcode": None, "message": None,
                            "undecodable": "ExaBGP 4.2 cannot decode a NOTIFICATION with an "
                                           "RFC 9003 text (upstream pull 1302)"})
        return out
