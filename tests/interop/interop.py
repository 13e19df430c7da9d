#!/usr/bin/env python3
"""Interop suite: bgp-announce against real BIRD 2, FRR bgpd, GoBGP and ExaBGP.

    sudo python3 tests/interop/interop.py --announce build/bin/bgp-announce
    sudo python3 tests/interop/interop.py --dut gobgp      # the suite against itself

Everything runs inside a network namespace the suite creates and deletes
(lo up, 127.0.0.0/8 and fd00::/16 addresses, ports 23000-24999), so nothing
leaves the machine and no other test's ports are touched. Every daemon and
every bgp-announce is started by the suite, ended by PID, and its files live
in one temporary directory (kept with --keep, or printed on failure).

Per peer daemon, five sessions with the device under test (DUT):
  v4          IPv4 unicast, both sides active, graceful restart
  v6          IPv6 unicast, the DUT passive
  md5         IPv4, TCP MD5 with the same key on both sides, the DUT connects
  md5-listen  the same, the DUT listens
  md5-wrong   IPv4, TCP MD5 with different keys
and these checks, each printed as PASS/FAIL with its reason:
  ipv4/ipv6 session establishes; capabilities each side received;
  routes both ways with MED, communities and large communities intact;
  md5 right key establishes, wrong key never does;
  sessions stay up for 3 hold intervals (hold time 3 s) without a flap;
  the daemon's administrative shutdown reaches the DUT with its message;
  the daemon stopped with SIGSTOP is detected by the DUT's hold timer;
  the daemon killed with SIGKILL and started again (graceful restart): the DUT
  keeps its routes while it is away and until it re-sends them, and drops the
  one route it no longer sends after End-of-RIB;
  SIGINT to bgp-announce sends Cease/Administrative Shutdown.
Exit status 0 when every check passed, 1 otherwise, 2 on a setup problem.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ixlib.bird import Bird  # noqa: E402
from ixlib.daemon import Daemon  # noqa: E402
from ixlib.dut import AnnounceDut, DaemonDut  # noqa: E402
from ixlib.env import Env, Netns, log, wait_for  # noqa: E402
from ixlib.exabgp import Exabgp  # noqa: E402
from ixlib.frr import Frr  # noqa: E402
from ixlib.gobgp import Gobgp  # noqa: E402
from ixlib.model import Route, SessionSpec  # noqa: E402

DUT_AS = 64512
HOLD = 3
PEERS = {  # name: (index, class, AS)
    "bird": (1, Bird, 64601),
    "frr": (2, Frr, 4200000602),  # 4-octet AS (RFC 6793)
    "gobgp": (3, Gobgp, 64603),
    "exabgp": (4, Exabgp, 4200000604),
}
BASE_PORT = 23000


@dataclass
class Result:
    peer: str
    check: str
    ok: bool
    detail: str
    seconds: float


class Report:
    def __init__(self):
        self.results: list[Result] = []
        self.lock = threading.Lock()

    def add(self, peer: str, check: str, ok: bool, detail: str = "", t0: float = 0.0):
        r = Result(peer, check, bool(ok), detail, time.monotonic() - t0 if t0 else 0.0)
        with self.lock:
            self.results.append(r)
        log(f"{'PASS' if ok else 'FAIL'} {peer}: {check}{' - ' + detail if detail else ''}")
        return ok


def sessions_for(name: str) -> list[SessionSpec]:
    i, _, asn = PEERS[name]
    daemon4 = f"127.0.0.{10 * i}"
    daemon6 = f"fd00::{10 * i}"
    port = BASE_PORT + 100 * i

    def dut4(k: int) -> str:
        return f"127.0.0.{10 * i + k}"

    def spec(sname, family, k, **kw) -> SessionSpec:
        return SessionSpec(
            name=sname, family=family,
            peer_addr=daemon4 if family == "ipv4" else daemon6, peer_port=port, peer_as=asn,
            peer_id=f"10.0.{i}.1",
            dut_addr=dut4(k) if family == "ipv4" else f"fd00::{10 * i + k}",
            dut_port=port + 10 + k, dut_as=DUT_AS, dut_id=f"10.0.{i}.{100 + k}", hold=HOLD, **kw)

    # Standard communities hold 16-bit values: a 4-octet AS uses another number there.
    c16 = asn if asn <= 0xFFFF else 64600 + i
    # Documentation prefixes, a /28 each: 198.51.100.0/24 from the daemons,
    # 203.0.113.0/24 from the DUT, 192.0.2.0/24 on the MD5 sessions.
    b = 32 * i
    nh_peer, nh_dut = f"198.18.{i}.1", f"198.18.{i}.100"
    v4 = spec("v4", "ipv4", 1, graceful_restart=True,
              peer_routes=[Route(f"198.51.100.{b}/28", nh_peer, 100 + i, (f"{c16}:100",),
                                 (f"{asn}:1:2",)),
                           Route(f"198.51.100.{b + 16}/28", nh_peer, 0,
                                 (f"{c16}:200", "65535:666"), ())],
              dut_routes=[Route(f"203.0.113.{b}/28", nh_dut, 7, (f"{DUT_AS}:7",),
                                (f"{DUT_AS}:7:{i}",)),
                          Route(f"203.0.113.{b + 16}/28", nh_dut, 0, (), ())])
    v6 = spec("v6", "ipv6", 1, dut_passive=True,
              peer_routes=[Route(f"2001:db8:{i}:1::/64", daemon6, 60 + i, (f"{c16}:6",),
                                 (f"{asn}:6:6",))],
              dut_routes=[Route(f"2001:db8:{i}:2::/64", f"fd00::{10 * i + 1}", 6,
                                (f"{DUT_AS}:6",), (f"{DUT_AS}:6:{i}",))])
    v6.dut_port = port + 20
    md5 = spec("md5", "ipv4", 2, password=f"ix-key-{name}", dut_password=f"ix-key-{name}",
               peer_passive=True,
               peer_routes=[Route(f"192.0.2.{b}/28", nh_peer, 5, (f"{c16}:5",), ())],
               dut_routes=[Route(f"192.0.2.{b + 16}/28", nh_dut, 5, (f"{DUT_AS}:5",), ())])
    md5_listen = spec("md5-listen", "ipv4", 4, password=f"ix-key-{name}-2",
                      dut_password=f"ix-key-{name}-2", dut_passive=True,
                      peer_routes=[Route(f"192.0.2.{b + 8}/29", nh_peer, 8, (f"{c16}:8",), ())],
                      dut_routes=[Route(f"192.0.2.{b + 24}/29", nh_dut, 8, (f"{DUT_AS}:8",),
                                        ())])
    # iBGP: the DUT in the daemon's AS; AS_PATH stays empty, LOCAL_PREF travels (the
    # DUT's second route carries none: the speaker's default 100 is expected).
    ibgp = spec("ibgp", "ipv4", 5,
                peer_routes=[Route(f"198.51.100.{b + 8}/29", nh_peer, 9, (f"{c16}:9",),
                                   (f"{asn}:9:9",), local_pref=150)],
                dut_routes=[Route(f"203.0.113.{b + 8}/29", nh_dut, 9, (f"{DUT_AS}:9",), (),
                                  local_pref=200),
                            Route(f"203.0.113.{b + 24}/29", nh_dut, None, (), (),
                                  expect_local_pref=100)])
    ibgp.dut_as = asn
    wrong = spec("md5-wrong", "ipv4", 3, password=f"ix-key-{name}",
                 dut_password=f"not-the-key-{name}", peer_passive=True,
                 peer_routes=[], dut_routes=[])
    return [v4, v6, md5, md5_listen, ibgp, wrong]


def make_daemon(env: Env, name: str, sessions: list[SessionSpec], tag: str = "") -> Daemon:
    i, cls, asn = PEERS[name]
    kw = {}
    if cls is Gobgp:
        kw["api_port"] = BASE_PORT + 100 * i + (50 if not tag else 60 + len(env.procs) % 30)
    port = sessions[0].peer_port
    return cls(env, name + tag, asn if not tag else sessions[0].peer_as,
               sessions[0].peer_id, port, sessions, **kw)


class PeerRun:
    """One daemon and its four DUT sessions, checked in sequence."""

    def __init__(self, env: Env, report: Report, name: str, args):
        self.env, self.report, self.name, self.args = env, report, name, args
        self.sessions = sessions_for(name)
        self.s = {s.name: s for s in self.sessions}
        self.daemon = make_daemon(env, name, self.sessions)
        self.duts = {}
        for s in self.sessions:
            if args.dut == "announce":
                self.duts[s.name] = AnnounceDut(env, args.announce, s,
                                                os.path.join(env.workdir, f"dut-{name}-{s.name}"))
            else:
                m = s.mirrored()
                self.sabotage(m, args.sabotage)
                _, cls, _ = PEERS[args.dut]
                kw = {"api_port": 24000 + 10 * PEERS[name][0] + len(self.duts)} \
                    if cls is Gobgp else {}
                d = cls(env, f"dut-{name}-{s.name}", s.dut_as, s.dut_id, s.dut_port, [m], **kw)
                self.duts[s.name] = DaemonDut(d, m)

    @staticmethod
    def sabotage(m: SessionSpec, what: str) -> None:
        """--sabotage (stand-in DUT only): make the stand-in misbehave so that the
        named checks must fail; proves that they can."""
        if what == "gr":  # no GR capability: routes are flushed when the peer dies
            m.graceful_restart = False
        elif what == "md5" and m.name == "md5-wrong":  # the wrong key becomes the right one
            m.password = m.dut_password
        elif what == "attrs":  # our routes leave with another MED
            m.peer_routes = [Route(r.prefix, r.next_hop, (r.med or 0) + 1, r.communities,
                                   r.large_communities) for r in m.peer_routes]

    def check(self, check: str, ok: bool, detail: str = "", t0: float = 0.0) -> bool:
        return self.report.add(self.name, check, ok, detail, t0)

    def both_established(self, sname: str) -> bool:
        return self.daemon.state(self.s[sname]) == "Established" and \
            self.duts[sname].state() == "Established"

    def run(self) -> None:
        try:
            self._run()
        except Exception as e:  # a broken harness is a failed check, never a pass
            self.check("harness", False, f"{type(e).__name__}: {e}")
            traceback.print_exc()

    def _run(self) -> None:
        d, s, duts = self.daemon, self.s, self.duts
        self.daemon.start()
        for dut in duts.values():
            dut.start()

        # 1-2. Sessions establish.
        t0 = time.monotonic()
        up = {}
        live = ("v4", "v6", "md5", "md5-listen", "ibgp")
        for sname in live:
            up[sname] = bool(wait_for(lambda: self.both_established(sname), 40))
        for sname, label in (("v4", "ipv4 session establishes (both sides active)"),
                             ("v6", "ipv6 session establishes (DUT passive)"),
                             ("md5", "md5 with the right key establishes (DUT connects)"),
                             ("md5-listen",
                              "md5 with the right key establishes (DUT listens)"),
                             ("ibgp", "ibgp session establishes")):
            self.check(label, up[sname],
                       "" if up[sname] else f"daemon {d.state(s[sname])}, "
                       f"dut {duts[sname].state()}", t0)
        t_up = time.monotonic()
        counts = {n: duts[n].established_count() for n in live}

        # 3. Capabilities.
        for sname in ("v4", "v6"):
            if not up[sname]:
                continue
            fam = s[sname].family
            want = {f"mp:{fam}-unicast", "four-octet-as", "route-refresh"}
            if s[sname].graceful_restart:
                want.add("graceful-restart")
            got = d.remote_capabilities(s[sname])
            miss = want - got
            peer_caps = duts[sname].remote_capabilities()
            want_peer = {f"mp:{fam}-unicast", "four-octet-as", "route-refresh"}
            miss_peer = want_peer - peer_caps if peer_caps is not None else set()
            self.check(f"{sname} capabilities", not miss and not miss_peer,
                       f"{d.kind} got {sorted(got)}" +
                       (f", missing {sorted(miss)}" if miss else "") +
                       (f"; DUT got {sorted(peer_caps)}" if peer_caps is not None
                        else "; DUT does not report the peer's OPEN") +
                       (f", missing {sorted(miss_peer)}" if miss_peer else ""))

        # 4. Routes both ways, attributes intact.
        for sname in live:
            if not up[sname]:
                continue
            sp = s[sname]
            t0 = time.monotonic()
            to_peer = wait_for(lambda: sp.check_routes(d.received(sp), sp.dut_routes, DUT_AS)
                               is None, 15)
            why = sp.check_routes(d.received(sp), sp.dut_routes, DUT_AS)
            self.check(f"{sname} routes DUT -> {d.kind}, attributes intact", bool(to_peer),
                       why or f"{len(sp.dut_routes)} routes", t0)
            to_dut = wait_for(lambda: sp.check_routes(duts[sname].received(), sp.peer_routes,
                                                      sp.peer_as) is None, 15)
            why = sp.check_routes(duts[sname].received(), sp.peer_routes, sp.peer_as)
            self.check(f"{sname} routes {d.kind} -> DUT, attributes intact", bool(to_dut),
                       why or f"{len(sp.peer_routes)} routes", t0)

        # 5. Stay up for 3 hold intervals, no flap; the wrong key never gets anywhere.
        stay = 3 * HOLD + 1.5
        left = t_up + stay - time.monotonic()
        if left > 0:
            time.sleep(left)
        for sname in live:
            if not up[sname]:
                continue
            still = self.both_established(sname)
            flaps = duts[sname].established_count() - counts[sname]
            self.check(f"{sname} stays up {stay:.1f} s (3 x hold {HOLD} s)",
                       still and flaps == 0,
                       f"established {still}, re-established {flaps} times")
        wrong = s["md5-wrong"]
        self.check("md5 with a wrong key never establishes",
                   duts["md5-wrong"].established_count() == 0 and
                   d.state(wrong) != "Established" and duts["md5-wrong"].state() != "Established",
                   f"after {time.monotonic() - t_up + 0:.1f} s more: daemon {d.state(wrong)}, "
                   f"dut {duts['md5-wrong'].state()}")

        # 6. The daemon's administrative shutdown, decoded with its message (v6).
        if up["v6"]:
            msg = f"interop: {d.kind} shuts v6 down"
            want = d.shutdown_text(msg)
            t0 = time.monotonic()
            d.shutdown(s["v6"], msg)
            got = wait_for(lambda: [n for n in duts["v6"].notifications_received()
                                    if n.get("code") == 6 and n.get("subcode") in (2, 4)], 10)
            ok = bool(got) and got[-1].get("message") == want
            self.check("administrative shutdown received with its message", ok,
                       f"got {got[-1] if got else 'no Cease'}, want message {want!r}", t0)

        # 7. SIGSTOP: the DUT's hold timer notices (v4).
        if up["v4"]:
            t0 = time.monotonic()
            d.sigstop()
            fired = wait_for(lambda: duts["v4"].hold_timer_expired(), HOLD + 4, 0.1)
            took = time.monotonic() - t0
            d.sigcont()
            self.check("SIGSTOPped daemon detected by the hold timer",
                       bool(fired) and took >= HOLD - 1.5,
                       f"{'expired' if fired else 'not expired'} after {took:.1f} s "
                       f"(hold {HOLD} s)", t0)
            # 8. Graceful restart: kill -9, keep routes, start again.
            self.graceful_restart()

        # 9. SIGINT to the DUT sends Cease (md5 session).
        if up["md5"] and self.args.dut == "announce":
            t0 = time.monotonic()
            before = len(self.daemon_notifications(s["md5"]))
            duts["md5"].interrupt()
            got = wait_for(lambda: [n for n in self.daemon_notifications(s["md5"])[before:]
                                    if n.get("code") == 6 or n.get("undecodable")], 8)
            self.check("SIGINT to bgp-announce sends Cease", bool(got),
                       f"{d.kind} received {got[-1] if got else 'nothing'}", t0)
            exited = wait_for(lambda: duts["md5"].exit_status() is not None, 5)
            self.check("bgp-announce exits 0 after SIGINT",
                       bool(exited) and duts["md5"].exit_status() == 0,
                       f"exit status {duts['md5'].exit_status()}")
        if self.args.dut == "announce":
            bad = {n: dut.bad_lines() for n, dut in duts.items()}
            bad = {n: b for n, b in bad.items() if b}
            self.check("bgp-announce stdout is JSON Lines", not bad,
                       "; ".join(f"{n}: {len(b)} bad, first {b[0][:120]!r}"
                                 for n, b in bad.items()))
            # Stop every DUT (SIGTERM: Cease, then exit) so that leaks are reported too.
            t0 = time.monotonic()
            for dut in duts.values():
                dut.stop()
            codes = {n: dut.exit_status() for n, dut in duts.items()}
            self.check("bgp-announce exits 0 after SIGTERM", all(c == 0 for c in codes.values()),
                       ", ".join(f"{n}: {c}" for n, c in codes.items()), t0)
            san = {n: dut.sanitizer_reports() for n, dut in duts.items()}
            san = {n: r for n, r in san.items() if r}
            self.check("bgp-announce stderr has no sanitizer report", not san,
                       "; ".join(f"{n}: {r[0][:160]}" for n, r in san.items()))

    def daemon_notifications(self, sp: SessionSpec) -> list[dict]:
        try:
            return self.daemon.notifications_received(sp)
        except NotImplementedError:
            return []

    def graceful_restart(self) -> None:
        d, sp, dut = self.daemon, self.s["v4"], self.duts["v4"]
        label = "graceful restart: routes kept until re-sent, stale one swept"
        t0 = time.monotonic()
        if not wait_for(lambda: self.both_established("v4") and sp.check_routes(
                dut.received(), sp.peer_routes, sp.peer_as) is None, 25):
            self.check(label, False, f"v4 not back after SIGCONT: daemon {d.state(sp)}, "
                       f"dut {dut.state()}", t0)
            return
        kept, dropped = sp.peer_routes[0], sp.peer_routes[1]
        mark = dut.event_mark()
        d.kill9()
        time.sleep(0.5)
        lost = []
        stale_seen = []

        def poll_kept() -> bool:
            r = dut.received()
            if kept.prefix not in r:
                lost.append(time.monotonic() - t0)
            elif r[kept.prefix].stale:
                stale_seen.append(True)
            return False

        wait_for(poll_kept, 2.5)
        down_state = dut.state()
        # Start again without the second route.
        sp.peer_routes = [kept]
        d.start(restarting=True)

        def done() -> bool:
            poll_kept()
            r = dut.received()
            return self.both_established("v4") and kept.prefix in r and \
                not r[kept.prefix].stale and dropped.prefix not in r

        ok = wait_for(done, 40)
        withdrawn = dut.withdrawn_since(mark, kept.prefix)
        problems = []
        if down_state == "Established":
            problems.append("DUT still Established 3 s after the kill")
        if lost:
            problems.append(f"kept route missing at {lost[0]:.1f} s")
        if not stale_seen:
            problems.append("kept route never marked stale while the daemon was away")
        if withdrawn:
            problems.append("kept route withdrawn in the DUT's events")
        if not ok:
            r = dut.received()
            problems.append(f"after restart: state {dut.state()}, kept "
                            f"{'present' if kept.prefix in r else 'missing'}"
                            f"{' (stale)' if kept.prefix in r and r[kept.prefix].stale else ''}, "
                            f"dropped {'still there' if dropped.prefix in r else 'gone'}")
        self.check(label, not problems, "; ".join(problems) or
                   f"down {down_state} while away, back and swept in "
                   f"{time.monotonic() - t0:.1f} s", t0)


def cli_checks(env: Env, report: Report, binary: str) -> None:
    """The command-line contract of bgp-announce (exit statuses, --help, --exit-after)."""
    base = ["--local-as", "64512", "--router-id", "10.0.0.1", "--peer", "127.0.0.2:23999",
            "--peer-as", "64513"]
    cases = [
        ("--help prints the usage, exit 0", ["--help"], 0, "--peer-as"),
        ("missing --peer-as: exit 2", base[:-2] + ["192.0.2.0/24"], 2, "--peer-as"),
        ("bad prefix: exit 2", base + ["192.0.2.0/33"], 2, "prefix"),
        ("hold time 2 refused: exit 2", base + ["--hold-time", "2"], 2, "hold"),
        ("bad community: exit 2", base + ["--community", "70000:1"], 2, "community"),
        ("unknown option: exit 2", base + ["--frobnicate", "1"], 2, "unknown"),
        ("--passive without --listen: exit 2", base + ["--passive"], 2, "--listen"),
        ("--exit-after 1 with an unreachable peer: exit 0",
         base + ["--listen", "127.0.0.1:23998", "--hold-time", "3", "--exit-after", "1",
                 "--route", "192.0.2.0/24,med=5,community=64512:1", "2001:db8::/32"], 0, None),
        ("IPv6 peer with port parses: exit 0",
         ["--local-as", "64512", "--router-id", "10.0.0.1", "--peer", "[fd00::99]:23997",
          "--peer-as", "4200000000", "--exit-after", "0.5", "2001:db8::/32"], 0, None),
    ]
    for label, argv, want, needle in cases:
        t0 = time.monotonic()
        try:
            r = env.run([binary, *argv], timeout=15)
            text = r.stdout + r.stderr
            ok = r.returncode == want and (needle is None or needle in text)
            detail = f"exit {r.returncode}" + ("" if ok else f": {text.strip()[-300:]!r}")
        except subprocess.TimeoutExpired:
            ok, detail = False, "did not exit within 15 s"
        report.add("cli", label, ok, detail, t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--announce", default="build/bin/bgp-announce",
                    help="the bgp-announce binary (default: %(default)s)")
    ap.add_argument("--dut", default="announce", choices=["announce", *PEERS],
                    help="device under test: bgp-announce, or a daemon (proves the suite)")
    ap.add_argument("--peers", default=",".join(PEERS),
                    help="comma-separated peer daemons (default: %(default)s)")
    ap.add_argument("--serial", action="store_true", help="one peer daemon at a time")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--sabotage", default="", choices=["", "gr", "md5", "attrs"],
                    help="with a stand-in --dut: make it misbehave (its checks must FAIL)")
    ap.add_argument("--netns", default=f"bgpix{os.getpid()}", help="namespace name to create")
    ap.add_argument("--workdir", help="work directory to use (default: a new temporary one, "
                    "deleted at the end unless --keep)")
    args = ap.parse_args()

    if os.geteuid() != 0:
        print("interop: needs root (network namespace, TCP MD5 keys)", file=sys.stderr)
        return 2
    peers = [p for p in args.peers.split(",") if p]
    for p in peers:
        if p not in PEERS:
            print(f"interop: unknown peer {p}", file=sys.stderr)
            return 2
    tools = {"bird": ["bird", "birdc"], "frr": ["/usr/lib/frr/bgpd", "vtysh"],
             "gobgp": ["gobgpd", "gobgp"], "exabgp": ["exabgp"]}
    needed = [t for p in set(peers) | ({args.dut} - {"announce"}) for t in tools[p]]
    if args.dut == "announce":
        args.announce = os.path.abspath(args.announce)
        needed.append(args.announce)
    missing = [t for t in needed if not shutil.which(t)]
    if missing:
        print(f"interop: missing programs: {' '.join(missing)}", file=sys.stderr)
        return 2

    workdir = args.workdir or tempfile.mkdtemp(prefix="bgp-interop.")
    os.chmod(workdir, 0o755)
    ns = Netns(args.netns)

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    env = Env(ns, workdir)
    report = Report()
    t_start = time.monotonic()
    try:
        v6 = [f"fd00::{10 * PEERS[p][0] + k}" for p in peers for k in (0, 1)]
        ns.create(v6)
        log(f"namespace {ns.name}, work directory {workdir}, DUT {args.dut}, "
            f"peers {', '.join(peers)}")
        if args.dut == "announce":
            cli_checks(env, report, args.announce)
        runs = [PeerRun(env, report, p, args) for p in peers]
        if args.serial:
            for r in runs:
                r.run()
        else:
            threads = [threading.Thread(target=r.run, name=r.name, daemon=True) for r in runs]
            for t in threads:
                t.start()
            for t in threads:
                while t.is_alive():
                    t.join(0.5)
        failed = [r for r in report.results if not r.ok]
        if failed:
            for r in runs:
                if any(f.peer == r.name for f in failed):
                    log(f"--- {r.name}: last lines of its log ---")
                    print(r.daemon.log_tail(25), flush=True)
                    for sname, dut in r.duts.items():
                        log(f"--- DUT {r.name}/{sname}: last lines ---")
                        print(dut.log_tail(12), flush=True)
    except KeyboardInterrupt as e:
        report.add("suite", "interrupted", False, str(e))
    finally:
        env.cleanup()
        if args.keep or args.workdir:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f"interop summary ({time.monotonic() - t_start:.0f} s, DUT {args.dut}):")
    for r in sorted(report.results, key=lambda r: peers.index(r.peer)
                    if r.peer in peers else -1):
        print(f"  {'PASS' if r.ok else 'FAIL'}  {r.peer:<7} {r.check}"
              f"{'  (' + r.detail + ')' if r.detail and not r.ok else ''}")
    npass = sum(r.ok for r in report.results)
    nfail = len(report.results) - npass
    print(f"interop: {npass} passed, {nfail} failed")
    return 0 if nfail == 0 and npass > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
