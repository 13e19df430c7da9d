#!/usr/bin/env python3
"""Route-reflector interop: bgp-reflector between BIRD, FRR, GoBGP and ExaBGP clients.

    sudo python3 tests/interop/reflector.py --reflector build/bin/bgp-reflector
    sudo python3 tests/interop/reflector.py --dut gobgp     # the scenario against GoBGP
    sudo python3 tests/interop/reflector.py --dut bird --sabotage cluster   # must FAIL
    sudo python3 tests/interop/reflector.py --graceful-restart --clients bird,frr,gobgp

One network namespace the scenario creates and deletes. The device under test
(DUT, the reflector: 127.0.0.1 / fd00::1, port 25000, AS 64512, router id
10.0.0.1, cluster id 10.255.255.1) and six iBGP speakers in AS 64512, each
with an IPv4 and an IPv6 session (over IPv4 and IPv6 transport), connecting
to the reflector (on GoBGP's IPv6 session the reflector connects):

  bird      127.0.0.11 fd00::11  router id 10.0.0.11  RR client
  frr       127.0.0.12 fd00::12  router id 10.0.0.12  RR client, TCP MD5 on IPv4
  gobgp     127.0.0.13 fd00::13  router id 10.0.0.13  RR client
  exabgp    127.0.0.14 fd00::14  router id 10.0.0.14  RR client
  nonclient 127.0.0.15 fd00::15  router id 10.0.0.15  GoBGP, not a client
  nonclient2 127.0.0.16 fd00::16 router id 10.0.0.16  GoBGP, not a client
  (BIRD also tries 127.0.0.19 with the wrong MD5 key: must never establish)

Each speaker announces two IPv4 and two IPv6 prefixes with MED, LOCAL_PREF,
communities and large communities. Checks, read from each speaker's own view
(birdc `show route all`, vtysh `show bgp ... json`, `gobgp neighbor X adj-in -j`,
ExaBGP's JSON UPDATE events):
  sessions establish (MD5 right key), the wrong MD5 key never does;
  every other speaker's routes arrive, per family, with NEXT_HOP, MED,
  LOCAL_PREF, communities, large communities and an empty AS_PATH intact,
  ORIGINATOR_ID = the originator's router id, CLUSTER_LIST = [cluster id];
  nothing between the two non-clients; nobody gets its own routes back;
  every speaker withdraws one prefix per family: gone at every other speaker
  within WITHDRAW_BOUND s, the rest stays;
  no session flapped; bgp-reflector exits 0 on SIGTERM, no sanitizer report.
With --graceful-restart every session has graceful restart, and instead of the
withdrawals the reflector is restarted the way docs/configuration.md says
(SIGUSR2, then `--graceful-restart`): it must exit 0, every client must keep
every reflected route at every poll (twice a second) while it is down and
while it comes back, the sessions re-establish, and the new process advertises
only after every client's End-of-RIB (its log says so).
Exit status 0 when every check passed, 1 otherwise, 2 on a setup problem.
The closing line is `rr-interop: N passed, M failed`.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Optional

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ixlib.bird import Bird  # noqa: E402
from ixlib.daemon import Daemon  # noqa: E402
from ixlib.env import Env, Netns, log, wait_for  # noqa: E402
from ixlib.exabgp import Exabgp  # noqa: E402
from ixlib.frr import Frr  # noqa: E402
from ixlib.gobgp import Gobgp  # noqa: E402
from ixlib.model import Attrs, Route, SessionSpec  # noqa: E402
from ixlib.reflector import ReflectorDaemon  # noqa: E402

ASN = 64512
RR_ID = "10.0.0.1"
CLUSTER_ID = "10.255.255.1"
RR4, RR6 = "127.0.0.1", "fd00::1"
RR_PORT = 25000
RR_API_PORT = 25001  # bgp-reflector's API / GoBGP stand-in's gRPC
HOLD = 9
SESSION_BOUND = 30.0
ROUTE_BOUND = 25.0
WITHDRAW_BOUND = 10.0
CLIENTS = {  # name: (index, class, route-reflector client)
    "bird": (1, Bird, True),
    "frr": (2, Frr, True),
    "gobgp": (3, Gobgp, True),
    "exabgp": (4, Exabgp, True),
    "nonclient": (5, Gobgp, False),
    "nonclient2": (6, Gobgp, False),
}
MD5_CLIENT = "frr"  # its IPv4 session has a TCP MD5 key
ACTIVE_TO = "gobgp"  # its IPv6 session: the reflector connects to it
WRONG_KEY_ADDR = "127.0.0.19"  # BIRD's extra session with the wrong key


@dataclass
class Result:
    who: str
    check: str
    ok: bool
    detail: str


class Report:
    def __init__(self):
        self.results: list[Result] = []
        self.lock = threading.Lock()

    def add(self, who: str, check: str, ok: bool, detail: str = "") -> bool:
        with self.lock:
            self.results.append(Result(who, check, bool(ok), detail))
        log(f"{'PASS' if ok else 'FAIL'} {who}: {check}{' - ' + detail if detail else ''}")
        return bool(ok)


class Client:
    """One speaker (a real daemon) with its v4 and v6 sessions to the reflector."""

    def __init__(self, env: Env, name: str, families: list[str], graceful_restart: bool = False):
        i, cls, rr_client = CLIENTS[name]
        self.name, self.index, self.rr_client = name, i, rr_client
        self.addr4, self.addr6 = f"127.0.0.{10 + i}", f"fd00::{10 + i}"
        self.router_id = f"10.0.0.{10 + i}"
        self.port = RR_PORT + 10 * i
        lp = 150 + i

        def spec(sname: str, family: str, routes: list[Route], **kw) -> SessionSpec:
            v4 = family == "ipv4"
            return SessionSpec(
                name=sname, family=family, peer_addr=self.addr4 if v4 else self.addr6,
                peer_port=self.port, peer_as=ASN, peer_id=self.router_id,
                dut_addr=RR4 if v4 else RR6, dut_port=RR_PORT, dut_as=ASN, dut_id=RR_ID,
                hold=HOLD, graceful_restart=graceful_restart,
                # With graceful restart the reflector also connects (not passive, its
                # default): FRR waits for a restarting peer to connect ("NSF passive").
                **{"dut_passive": not graceful_restart, "peer_routes": routes, **kw})

        nh4 = f"198.18.{i}.1"
        v4 = [Route(f"198.51.100.{32 * i}/28", nh4, 100 + i, (f"{ASN}:{i}", "65000:100"),
                    (f"{ASN}:{i}:1",), local_pref=lp),
              Route(f"198.51.100.{32 * i + 16}/28", nh4, 200 + i, (f"{ASN}:{200 + i}",),
                    (f"{ASN}:{i}:2", f"{ASN}:0:0"), local_pref=lp)]
        v6 = [Route(f"2001:db8:{i}:1::/64", self.addr6, 60 + i, (f"{ASN}:{60 + i}",),
                    (f"{ASN}:{i}:6",), local_pref=lp),
              Route(f"2001:db8:{i}:2::/64", self.addr6, 70 + i,
                    (f"{ASN}:{70 + i}", "65000:6"), (f"{ASN}:{i}:7",), local_pref=lp)]
        key = f"rr-key-{name}" if name == MD5_CLIENT else None
        # One session the other way round: the speaker listens, the reflector connects.
        v6_kw = {"peer_passive": True, "dut_passive": False} if name == ACTIVE_TO else {}
        self.sessions = {"ipv4": spec("v4", "ipv4", v4, password=key, dut_password=key),
                         "ipv6": spec("v6", "ipv6", v6, **v6_kw)}
        self.sessions = {f: sp for f, sp in self.sessions.items() if f in families}
        #: the routes each session announces at the start (peer_routes shrinks on withdraw)
        self.announced = {f: list(s.peer_routes) for f, s in self.sessions.items()}
        self.extra: list[SessionSpec] = []
        # MD5, wrong key: must never establish. Not with --graceful-restart: a configured
        # neighbour with graceful restart that is down holds the restarted reflector's
        # selection deferral until its timer (docs/configuration.md), by design.
        if name == "bird" and "ipv4" in families and not graceful_restart:
            self.extra.append(SessionSpec(
                name="md5-wrong", family="ipv4", peer_addr=WRONG_KEY_ADDR, peer_port=self.port,
                peer_as=ASN, peer_id=self.router_id, dut_addr=RR4, dut_port=RR_PORT, dut_as=ASN,
                dut_id=RR_ID, hold=HOLD, dut_passive=True,
                password="rr-key-wrong", dut_password="rr-key-right"))
        kw = {"api_port": self.port + 5} if cls is Gobgp else {}
        self.daemon: Daemon = cls(env, name, ASN, self.router_id, self.port,
                                  [*self.sessions.values(), *self.extra], **kw)
        if isinstance(self.daemon, Bird):
            self.daemon.debug_states = True  # its log counts the re-establishments

    def all_sessions(self) -> list[SessionSpec]:
        return [*self.sessions.values(), *self.extra]

    def view(self, family: str) -> dict[str, Attrs]:
        try:
            return self.daemon.received(self.sessions[family])
        except Exception as e:  # a daemon that does not answer shows no routes
            log(f"{self.name}: reading its {family} routes failed: {e}")
            return {}

    def state(self, s: SessionSpec) -> str:
        try:
            return self.daemon.state(s)
        except Exception:
            return "Idle"

    def established_count(self, s: SessionSpec) -> int:
        try:
            return self.daemon.established_count(s)
        except Exception:
            return -1


class StandInDut:
    """GoBGP or BIRD configured as the route reflector (proves the scenario itself)."""

    def __init__(self, env: Env, kind: str, sessions: list[SessionSpec], cluster_id: str):
        self.kind = kind
        if kind == "gobgp":
            self.daemon: Daemon = Gobgp(env, "dut-gobgp", ASN, RR_ID, RR_PORT, sessions,
                                        api_port=RR_API_PORT)
        else:
            self.daemon = Bird(env, "dut-bird", ASN, RR_ID, RR_PORT, sessions)
            self.daemon.reflector = True
        self.daemon.cluster_id = cluster_id

    def start(self) -> None:
        self.daemon.start()

    def stop(self) -> Optional[int]:
        self.daemon.stop()
        return self.daemon.proc.popen.returncode if self.daemon.proc else None

    def alive(self) -> bool:
        return self.daemon.alive()

    def sigstop(self) -> None:
        self.daemon.sigstop()

    def log_tail(self, lines: int = 30) -> str:
        return self.daemon.log_tail(lines)


def dut_sessions(clients: list[Client], sabotage: str) -> list[SessionSpec]:
    """The reflector's sessions: every client session mirrored (the reflector passive)."""
    out = []
    for c in clients:
        for s in c.all_sessions():
            m = s.mirrored()
            m.name = f"{c.name}-{s.name}"  # unique among the reflector's sessions
            m.peer_routes, m.dut_routes = [], []
            m.rr_client = (c.rr_client and sabotage != "nonclient") or sabotage == "allclients"
            if sabotage == "md5" and s.password and s.name != "md5-wrong":
                m.password = s.password + "-sabotaged"
            out.append(m)
    return out


class Scenario:
    def __init__(self, env: Env, report: Report, args):
        self.env, self.report, self.args = env, report, args
        self.clients = [Client(env, n, args.families, args.graceful_restart)
                        for n in args.clients]
        self.cluster_id = CLUSTER_ID
        # --sabotage cluster: the reflector runs with another cluster id than expected
        cid = "10.255.255.99" if args.sabotage == "cluster" else CLUSTER_ID
        sessions = dut_sessions(self.clients, args.sabotage)
        if args.dut == "reflector":
            self.dut = ReflectorDaemon(env, args.reflector, RR_ID, ASN, cid,
                                       args.listen.split(","), RR_PORT, RR_API_PORT, sessions)
        else:
            self.dut = StandInDut(env, args.dut, sessions, cid)

    def check(self, who: str, label: str, ok: bool, detail: str = "") -> bool:
        return self.report.add(who, label, ok, detail)

    # -- expectations ---------------------------------------------------------------
    def families(self) -> list[str]:
        return self.args.families

    def problems(self, r: Client, s: Client, family: str, views: dict,
                 withdrawn: bool) -> Optional[str]:
        """None when r's view holds s's routes as reflected (RFC 4456), else why not."""
        got = views[r.name][family]
        spec = s.sessions[family]
        out = []
        if not r.rr_client and not s.rr_client:  # RFC 4456 §6: never between non-clients
            leaked = [x.prefix for x in s.announced[family] if x.prefix in got]
            return f"{leaked} arrived from one non-client at another" if leaked else None
        for route in spec.peer_routes:
            a = got.get(route.prefix)
            if a is None:
                out.append(f"{route.prefix} missing")
                continue
            m = a.mismatch(route, None)
            if m:
                out.append(f"{route.prefix}: {m}")
            want_id, want_cl = s.router_id, [self.cluster_id]
            if not r.rr_client and self.args.dut == "gobgp":
                # GoBGP reflects client routes to non-clients without ORIGINATOR_ID and
                # CLUSTER_LIST (its docs/sources/route-reflector.md says so; RFC 4456 §8
                # wants both on every reflected route): expected from the stand-in only.
                want_id, want_cl = None, []
            if a.originator_id != want_id:
                out.append(f"{route.prefix}: ORIGINATOR_ID {a.originator_id} != {want_id}")
            if a.cluster_list != want_cl:
                out.append(f"{route.prefix}: CLUSTER_LIST {a.cluster_list} != {want_cl}")
        if withdrawn:
            kept = {x.prefix for x in spec.peer_routes}
            for route in s.announced[family]:
                if route.prefix not in kept and route.prefix in got:
                    out.append(f"{route.prefix} still there after its withdrawal")
        return "; ".join(out) or None

    def snapshot(self) -> dict:
        return {c.name: {f: c.view(f) for f in self.families()} for c in self.clients}

    def all_good(self, views: dict, withdrawn: bool) -> bool:
        return all(self.problems(r, s, f, views, withdrawn) is None
                   for r in self.clients for s in self.clients if s is not r
                   for f in self.families())

    # -- the run ----------------------------------------------------------------------
    def run(self) -> None:
        if isinstance(self.dut, ReflectorDaemon):
            ok, text = self.dut.check_config()
            self.check("dut", "bgp-reflector --check accepts the configuration", ok,
                       text.splitlines()[-1] if text else "")
            if not ok:
                return
        self.dut.start()
        time.sleep(0.5)
        if not self.dut.alive():
            last = [x for x in self.dut.log_tail(5).splitlines() if x.strip()]
            self.check("dut", f"{self.dut.kind} starts", False,
                       f"exited at once: {' | '.join(last[-3:])}")
            return
        threads = [threading.Thread(target=c.daemon.start, daemon=True) for c in self.clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        self.sessions_up()
        self.routes()
        if self.args.graceful_restart:
            self.graceful_restart()
        else:
            self.withdrawals()
            self.no_flaps()
        if self.args.dut == "reflector":
            self.dut_exit()

    def sessions_up(self) -> None:
        t0 = time.monotonic()
        live = [(c, s) for c in self.clients for f, s in c.sessions.items()
                if f in self.families()]

        def up() -> bool:
            return all(c.state(s) == "Established" for c, s in live)

        wait_for(up, SESSION_BOUND, 0.5)
        took = time.monotonic() - t0
        for c, s in live:
            st = c.state(s)
            what = f"{s.family} session ({s.dut_addr} -> {s.peer_addr}, the reflector connects" \
                if s.peer_passive else f"{s.family} session ({s.peer_addr} -> {s.dut_addr}"
            what += ", TCP MD5)" if s.password else ")"
            self.check(c.name, f"{what} establishes", st == "Established",
                       f"{st} after {took:.1f} s")
        self.up_counts = {(c.name, s.name): c.established_count(s) for c, s in live}
        self.live = live
        for c in self.clients:
            for s in c.extra:
                st = c.state(s)
                n = c.established_count(s)
                self.check(c.name, "MD5 with the wrong key never establishes",
                           st != "Established" and n == 0,
                           f"{st} after {took:.1f} s, established {n} times")

    def routes(self) -> None:
        t0 = time.monotonic()
        views: dict = {}

        def done() -> bool:
            views.update(self.snapshot())
            return self.all_good(views, False)

        wait_for(done, ROUTE_BOUND, 1.0)
        took = time.monotonic() - t0
        log(f"routes: polled for {took:.1f} s")
        for r in self.clients:
            for s in self.clients:
                if s is r:
                    continue
                for f in self.families():
                    why = self.problems(r, s, f, views, False)
                    n = len(s.sessions[f].peer_routes)
                    if not r.rr_client and not s.rr_client:
                        self.check(r.name, f"{f} routes from {s.name} not reflected "
                                   "(non-client to non-client)", why is None, why or "")
                        continue
                    self.check(r.name, f"{f} routes from {s.name} reflected intact "
                               f"(ORIGINATOR_ID, CLUSTER_LIST)", why is None,
                               why or f"{n} routes, within {took:.1f} s")
        for r in self.clients:
            own = [route.prefix for f in self.families() for route in r.announced[f]
                   if route.prefix in views[r.name][f]]
            self.check(r.name, "does not get its own routes back", not own,
                       f"got {own}" if own else "")

    def withdrawals(self) -> None:
        if self.args.sabotage == "withdraw":  # the reflector stops: nothing propagates
            self.dut.sigstop()
        for c in self.clients:
            for f in self.families():
                spec = c.sessions[f]
                route = c.announced[f][1]
                try:
                    c.daemon.withdraw(spec, route)
                except Exception as e:
                    self.check(c.name, f"withdraws {route.prefix}", False, str(e))
        t0 = time.monotonic()
        gone_at: dict = {}
        views: dict = {}

        def done() -> bool:
            views.update(self.snapshot())
            now = time.monotonic() - t0
            for r in self.clients:
                for f in self.families():
                    if (r.name, f) not in gone_at and all(
                            self.problems(r, s, f, views, True) is None
                            for s in self.clients if s is not r):
                        gone_at[(r.name, f)] = now
            return len(gone_at) == len(self.clients) * len(self.families())

        wait_for(done, WITHDRAW_BOUND, 0.5)
        for r in self.clients:
            for f in self.families():
                whys = [f"from {s.name}: {w}" for s in self.clients if s is not r
                        for w in [self.problems(r, s, f, views, True)] if w]
                t = gone_at.get((r.name, f))
                self.check(r.name, f"{f} withdrawals of the others arrive within "
                           f"{WITHDRAW_BOUND:.0f} s, other routes stay", t is not None,
                           f"in {t:.1f} s" if t is not None else "; ".join(whys))

    def graceful_restart(self) -> None:
        """SIGUSR2, a few seconds down, `--graceful-restart`: no client loses a route."""
        misses: dict = {}  # client name -> first problems seen
        t0 = time.monotonic()

        def poll(phase: str) -> None:
            views = self.snapshot()
            for r in self.clients:
                for s in self.clients:
                    for f in self.families():
                        why = None if s is r else self.problems(r, s, f, views, False)
                        if why and r.name not in misses:
                            misses[r.name] = f"{phase} +{time.monotonic() - t0:.1f} s: " \
                                f"{f} from {s.name}: {why}"

        code = self.dut.restart_graceful()
        self.check("dut", "bgp-reflector exits 0 on SIGUSR2 (stop for a graceful restart)",
                   code == 0, f"exit status {code}")
        down_until = time.monotonic() + 4.0
        while time.monotonic() < down_until:
            poll("reflector down")
            time.sleep(0.5)
        self.dut.start_restarting()
        t_start = time.monotonic()

        def back() -> bool:
            return all(c.state(s) == "Established" for c, s in self.live) and \
                "selection deferral over" in self.dut.log_text()

        came_back = None
        # Bounded well above what it takes (a few seconds): the reflector's
        # selection-deferral-time is 90 s, the clients keep our routes 120 s.
        end = time.monotonic() + 100.0
        while time.monotonic() < end:
            poll("reflector restarting")
            if back():
                came_back = time.monotonic() - t_start
                break
            time.sleep(0.5)
        after = time.monotonic() + 3.0
        while time.monotonic() < after:
            poll("after the restart")
            time.sleep(0.5)
        for c, s in self.live:
            self.check(c.name, f"{s.family} session re-established after the restart",
                       c.state(s) == "Established", c.state(s))
        text = self.dut.log_text()
        self.check("dut", "the new process advertised after every client's End-of-RIB",
                   "selection deferral over (every End-of-RIB received)" in text,
                   f"in {came_back:.1f} s" if came_back is not None else "never")
        for r in self.clients:
            self.check(r.name, "kept every reflected route through the restart (stale, then "
                       "refreshed; never withdrawn)", r.name not in misses,
                       misses.get(r.name, ""))

    def no_flaps(self) -> None:
        for c, s in self.live:
            st = c.state(s)
            n = c.established_count(s)
            before = self.up_counts[(c.name, s.name)]
            self.check(c.name, f"{s.family} session never flapped",
                       st == "Established" and n == before and n > 0,
                       f"{st}, established {n} times (was {before} when up)")

    def dut_exit(self) -> None:
        code = self.dut.stop()
        self.check("dut", "bgp-reflector exits 0 on SIGTERM", code == 0, f"exit status {code}")
        san = self.dut.sanitizer_reports()
        self.check("dut", "bgp-reflector stderr has no sanitizer report", not san,
                   "; ".join(san[:3]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reflector", default="build/bin/bgp-reflector",
                    help="the bgp-reflector binary (default: %(default)s)")
    ap.add_argument("--dut", default="reflector", choices=["reflector", "gobgp", "bird"],
                    help="device under test: bgp-reflector, or GoBGP / BIRD as the reflector "
                    "(proves the scenario)")
    ap.add_argument("--clients", default=",".join(CLIENTS),
                    help="comma-separated speakers (default: %(default)s)")
    ap.add_argument("--families", default="ipv4,ipv6", help="default: %(default)s")
    ap.add_argument("--listen", default=f"{RR4},{RR6}",
                    help="bgp-reflector's listen addresses, comma-separated (default: "
                    "%(default)s; one address is written as issue 5's `listen: {address, "
                    "port}`, several as a list)")
    ap.add_argument("--sabotage", default="",
                    choices=["", "cluster", "nonclient", "allclients", "md5", "withdraw"],
                    help="make the reflector misbehave: its checks must FAIL")
    ap.add_argument("--graceful-restart", action="store_true",
                    help="graceful restart on every session; restart the reflector with it "
                    "instead of the withdrawal checks (docs/configuration.md)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--netns", default=f"bgprr{os.getpid()}", help="namespace name to create")
    ap.add_argument("--workdir", help="work directory (default: a new temporary one, deleted "
                    "at the end unless --keep)")
    args = ap.parse_args()
    args.clients = [c for c in args.clients.split(",") if c]
    args.families = [f for f in args.families.split(",") if f]
    if args.graceful_restart and args.dut != "reflector":
        print("rr-interop: --graceful-restart restarts bgp-reflector (--dut reflector only)",
              file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("rr-interop: needs root (network namespace, TCP MD5 keys)", file=sys.stderr)
        return 2
    bad = [c for c in args.clients if c not in CLIENTS] + \
        [f for f in args.families if f not in ("ipv4", "ipv6")]
    if bad or len(args.clients) < 2:
        print(f"rr-interop: bad --clients/--families: {bad or 'need two clients'}",
              file=sys.stderr)
        return 2
    tools = {"bird": ["bird", "birdc"], "frr": ["/usr/lib/frr/bgpd", "vtysh"],
             "gobgp": ["gobgpd", "gobgp"], "exabgp": ["exabgp"], "nonclient": ["gobgpd"],
             "nonclient2": ["gobgpd"]}
    needed = [t for c in args.clients for t in tools[c]]
    if args.dut == "reflector":
        args.reflector = os.path.abspath(args.reflector)
        needed.append(args.reflector)
    else:
        needed += tools[args.dut]
    missing = [t for t in needed if not shutil.which(t)]
    if missing:
        print(f"rr-interop: missing programs: {' '.join(missing)}", file=sys.stderr)
        return 2

    workdir = args.workdir or tempfile.mkdtemp(prefix="bgp-rr-interop.")
    os.makedirs(workdir, exist_ok=True)
    os.chmod(workdir, 0o755)
    ns = Netns(args.netns)

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    env = Env(ns, workdir)
    report = Report()
    t_start = time.monotonic()
    scenario = None
    try:
        ns.create([RR6] + [f"fd00::{10 + CLIENTS[c][0]}" for c in args.clients])
        log(f"namespace {ns.name}, work directory {workdir}, DUT {args.dut}, clients "
            f"{', '.join(args.clients)}{', sabotage ' + args.sabotage if args.sabotage else ''}")
        scenario = Scenario(env, report, args)
        scenario.run()
    except KeyboardInterrupt as e:
        report.add("scenario", "interrupted", False, str(e))
    except Exception as e:  # a broken harness is a failed check, never a pass
        report.add("scenario", "harness", False, f"{type(e).__name__}: {e}")
        traceback.print_exc()
    finally:
        if scenario and any(not r.ok for r in report.results):
            log("--- the reflector's last lines ---")
            print(scenario.dut.log_tail(25), flush=True)
            for c in scenario.clients:
                if any(r.who == c.name and not r.ok for r in report.results):
                    log(f"--- {c.name}: last lines of its log ---")
                    print(c.daemon.log_tail(15), flush=True)
        env.cleanup()
        if args.keep or args.workdir:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f"rr-interop summary ({time.monotonic() - t_start:.0f} s, DUT {args.dut}"
          f"{', sabotage ' + args.sabotage if args.sabotage else ''}):")
    for r in report.results:
        print(f"  {'PASS' if r.ok else 'FAIL'}  {r.who:<9} {r.check}"
              f"{'  (' + r.detail + ')' if r.detail and not r.ok else ''}")
    npass = sum(r.ok for r in report.results)
    nfail = len(report.results) - npass
    print(f"rr-interop: {npass} passed, {nfail} failed")
    return 0 if nfail == 0 and npass > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
