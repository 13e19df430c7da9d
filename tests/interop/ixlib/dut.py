"""The device under test, one per session: bgp-announce (the real thing), or a
daemon standing in for it (`--dut gobgp` etc., which proves the suite itself).

Both answer the same questions: state, received routes, capabilities in the
peer's OPEN, NOTIFICATIONs received (with the RFC 9003 message), whether our
hold timer expired, how often the session reached Established.
"""
from __future__ import annotations

import json
import os
import signal
from typing import Optional

from .daemon import Daemon
from .env import Env, Proc, log
from .model import Attrs, SessionSpec


class DaemonDut:
    """A real daemon holding the mirrored session."""

    def __init__(self, daemon: Daemon, spec: SessionSpec):
        self.daemon = daemon
        self.spec = spec  # mirrored: peer_* are the stand-in's own

    def start(self) -> None:
        self.daemon.start()

    def stop(self) -> None:
        self.daemon.stop()

    def interrupt(self) -> None:
        self.daemon.stop()

    def alive(self) -> bool:
        return self.daemon.alive()

    def state(self) -> str:
        return self.daemon.state(self.spec)

    def received(self) -> dict[str, Attrs]:
        return self.daemon.received(self.spec)

    def remote_capabilities(self) -> Optional[set[str]]:
        return self.daemon.remote_capabilities(self.spec)

    def notifications_received(self) -> list[dict]:
        return self.daemon.notifications_received(self.spec)

    def hold_timer_expired(self) -> bool:
        return self.daemon.hold_timer_expired(self.spec)

    def established_count(self) -> int:
        return self.daemon.established_count(self.spec)

    def withdrawn_since(self, mark: int, prefix: str) -> Optional[bool]:
        return None  # unknown: the check falls back to polling

    def event_mark(self) -> int:
        return 0

    def log_tail(self, lines: int = 30) -> str:
        return self.daemon.log_tail(lines)


def attrs_from_json(a: dict) -> Attrs:
    """bgp-decode's `attributes` object -> Attrs."""
    out = Attrs()
    out.as_path = [n for seg in a.get("as_path", []) for n in seg.get("asns", [])]
    out.next_hop = a.get("next_hop")
    mp = a.get("mp_reach")
    if mp and mp.get("next_hops"):
        out.next_hop = mp["next_hops"][0]
    out.med = a.get("med")
    out.local_pref = a.get("local_pref")
    out.communities = list(a.get("communities", []))
    out.large_communities = list(a.get("large_communities", []))
    return out


class AnnounceDut:
    """build/bin/bgp-announce holding one session; its stdout is JSON Lines
    (see examples/bgp-announce/README.md)."""

    def __init__(self, env: Env, binary: str, spec: SessionSpec, workdir: str):
        self.env = env
        self.binary = binary
        self.spec = spec  # from the daemon's side: dut_* are ours
        self.dir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.out = os.path.join(workdir, "events.jsonl")
        self.err = os.path.join(workdir, "stderr.log")
        self.proc: Optional[Proc] = None

    def argv(self) -> list[str]:
        s = self.spec
        peer = f"[{s.peer_addr}]:{s.peer_port}" if ":" in s.peer_addr else \
            f"{s.peer_addr}:{s.peer_port}"
        listen = f"[{s.dut_addr}]:{s.dut_port}" if ":" in s.dut_addr else \
            f"{s.dut_addr}:{s.dut_port}"
        a = [self.binary, "--local-as", str(s.dut_as), "--router-id", s.dut_id, "--peer", peer,
             "--peer-as", str(s.peer_as), "--listen", listen, "--local-address", s.dut_addr,
             "--hold-time", str(s.hold), "--connect-retry", "2", "--log-level", "info"]
        if s.dut_password:
            a += ["--password", s.dut_password]
        if s.dut_passive:
            a.append("--passive")
        if s.graceful_restart:
            a += ["--graceful-restart", "60"]
        # One --route per prefix: the tool's extension for per-prefix attributes.
        for r in s.dut_routes:
            spec = [r.prefix, f"next-hop={r.next_hop}"]
            if r.med is not None:
                spec.append(f"med={r.med}")
            if r.local_pref is not None:
                spec.append(f"local-pref={r.local_pref}")
            spec += [f"community={c}" for c in r.communities]
            spec += [f"large-community={c}" for c in r.large_communities]
            a += ["--route", ",".join(spec)]
        return a

    def start(self) -> None:
        self.proc = self.env.spawn(f"bgp-announce-{self.spec.name}", self.argv(), self.out,
                                   stderr_path=self.err)
        log(f"bgp-announce {self.spec.dut_addr} -> {self.spec.peer_addr}: pid {self.proc.pid}")

    def stop(self) -> None:
        if self.proc:
            self.env.stop(self.proc)

    def interrupt(self) -> None:
        """SIGINT, as Ctrl-C: the tool sends Cease/Administrative Shutdown and exits."""
        if self.proc and self.proc.alive():
            os.kill(self.proc.pid, signal.SIGINT)

    def alive(self) -> bool:
        return bool(self.proc and self.proc.alive())

    def events(self) -> list[dict]:
        ev = []
        try:
            with open(self.out, errors="replace") as f:
                for line in f:
                    try:
                        ev.append(json.loads(line))
                    except ValueError:
                        pass  # counted by bad_lines()
        except FileNotFoundError:
            pass
        return ev

    def bad_lines(self) -> list[str]:
        """stdout lines that are not one JSON object with a "type"."""
        bad = []
        try:
            with open(self.out, errors="replace") as f:
                for line in f:
                    try:
                        if not isinstance(json.loads(line).get("type"), str):
                            bad.append(line.strip())
                    except (ValueError, AttributeError):
                        bad.append(line.strip())
        except FileNotFoundError:
            pass
        return bad

    def sanitizer_reports(self) -> list[str]:
        """First line of every ASan/UBSan/LSan report on stderr (sanitizer builds)."""
        out = []
        try:
            with open(self.err, errors="replace") as f:
                for line in f:
                    if ("ERROR: AddressSanitizer" in line or "ERROR: LeakSanitizer" in line
                            or "runtime error:" in line):
                        out.append(line.strip())
        except FileNotFoundError:
            pass
        return out

    def exit_status(self) -> Optional[int]:
        return self.proc.popen.poll() if self.proc else None

    def event_mark(self) -> int:
        return len(self.events())

    def state(self) -> str:
        st = "Idle"
        for e in self.events():
            if e.get("type") == "STATE":
                st = e.get("new_state", st)
        return st

    def received(self) -> dict[str, Attrs]:
        rib: dict[str, Attrs] = {}
        for e in self.events():
            if e.get("type") != "ROUTE":
                continue
            ev, p = e.get("event"), e.get("prefix")
            if ev == "announced":
                rib[p] = attrs_from_json(e.get("attributes", {}))
            elif ev in ("withdrawn", "swept"):
                rib.pop(p, None)
            elif ev == "stale" and p in rib:
                rib[p].stale = True
        return rib

    def withdrawn_since(self, mark: int, prefix: str) -> Optional[bool]:
        return any(e.get("type") == "ROUTE" and e.get("prefix") == prefix and
                   e.get("event") in ("withdrawn", "swept") for e in self.events()[mark:])

    def remote_capabilities(self) -> Optional[set[str]]:
        caps: Optional[set[str]] = None
        for e in self.events():
            if e.get("type") == "OPEN" and e.get("direction") == "received":
                caps = set()
                for c in e.get("capabilities", []):
                    name, value = c.get("name"), c.get("value")
                    if name == "multiprotocol":
                        caps.add(f"mp:{value}")
                    elif name:
                        caps.add(name)
        return caps

    def notifications_received(self) -> list[dict]:
        return [{"code": e.get("code"), "subcode": e.get("subcode"),
                 "message": e.get("shutdown_message")}
                for e in self.events()
                if e.get("type") == "NOTIFICATION" and e.get("direction") == "received"]

    def hold_timer_expired(self) -> bool:
        return any(e.get("type") == "NOTIFICATION" and e.get("direction") == "sent" and
                   e.get("code") == 4 for e in self.events())

    def established_count(self) -> int:
        return sum(1 for e in self.events()
                   if e.get("type") == "STATE" and e.get("new_state") == "Established")

    def log_tail(self, lines: int = 30) -> str:
        out = []
        for path in (self.err, self.out):
            try:
                with open(path, errors="replace") as f:
                    out.append(f"[{os.path.basename(path)}]\n" + "".join(f.readlines()[-lines:]))
            except FileNotFoundError:
                pass
        return "".join(out)
