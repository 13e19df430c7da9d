"""Processes, the network namespace and bounded waits.

Everything the suite starts is recorded here and ended by its PID (SIGTERM,
then SIGKILL), stopped processes are continued first; the namespace is deleted
at the end. Nothing is ever ended by name.
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

_LOCK = threading.Lock()


def log(msg: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    with _LOCK:
        print(f"[interop {stamp}] {msg}", flush=True)


def wait_for(pred: Callable[[], object], timeout: float, interval: float = 0.25):
    """Polls pred until it returns a true value or timeout seconds pass; returns the
    last value (falsy on timeout). Bounded in time and in count."""
    deadline = time.monotonic() + timeout
    value = None
    for _ in range(int(timeout / interval) + 2):
        try:
            value = pred()
        except Exception:  # a daemon that is not up yet answers with errors
            value = None
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    return value


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    stopped: bool = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None


class Netns:
    """A network namespace of our own, with lo up and the IPv6 addresses the suite
    uses (127.0.0.0/8 is on lo already)."""

    def __init__(self, name: str):
        self.name = name
        self.created = False

    def create(self, v6_addresses: Iterable[str]) -> None:
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        self.created = True
        subprocess.run(["ip", "-n", self.name, "link", "set", "lo", "up"], check=True)
        for a in v6_addresses:
            subprocess.run(["ip", "-n", self.name, "-6", "addr", "add", f"{a}/128", "dev", "lo",
                            "nodad"], check=True)

    def cmd(self, argv: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.name, *argv]

    def pids(self) -> list[int]:
        if not self.created:
            return []
        r = subprocess.run(["ip", "netns", "pids", self.name], capture_output=True, text=True)
        return [int(x) for x in r.stdout.split()]

    def delete(self) -> None:
        if self.created:
            subprocess.run(["ip", "netns", "del", self.name], check=False)
            self.created = False


@dataclass
class Env:
    """The run: namespace, work directory, and every process started."""

    ns: Netns
    workdir: str
    procs: list[Proc] = field(default_factory=list)

    def run(self, argv: list[str], timeout: float = 10.0, check: bool = False,
            env: Optional[dict] = None) -> subprocess.CompletedProcess:
        """A short command inside the namespace (CLI queries), bounded in time."""
        return subprocess.run(self.ns.cmd(argv), capture_output=True, text=True, timeout=timeout,
                              check=check, env=env)

    def spawn(self, name: str, argv: list[str], stdout_path: str,
              env: Optional[dict] = None, stdin=subprocess.DEVNULL,
              stderr_path: Optional[str] = None) -> Proc:
        out = open(stdout_path, "ab")
        err = open(stderr_path, "ab") if stderr_path else None
        # `ip netns exec` execs the program: the PID is the daemon's own.
        p = subprocess.Popen(self.ns.cmd(argv), stdout=out,
                             stderr=err if err else subprocess.STDOUT,
                             stdin=stdin, env=env, start_new_session=True)
        out.close()
        if err:
            err.close()
        proc = Proc(name, p)
        with _LOCK:
            self.procs.append(proc)
        return proc

    def signal(self, proc: Proc, sig: int) -> None:
        if proc.alive():
            os.kill(proc.pid, sig)
        if sig == signal.SIGSTOP:
            proc.stopped = True
        elif sig == signal.SIGCONT:
            proc.stopped = False

    def stop(self, proc: Proc, grace: float = 5.0) -> Optional[int]:
        """SIGTERM, then SIGKILL after `grace` seconds; returns the exit status."""
        if proc.alive():
            if proc.stopped:
                os.kill(proc.pid, signal.SIGCONT)
                proc.stopped = False
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.popen.wait(timeout=5)
        return proc.popen.returncode

    def kill9(self, proc: Proc) -> None:
        if proc.alive():
            os.kill(proc.pid, signal.SIGKILL)
            proc.popen.wait(timeout=5)

    def cleanup(self) -> None:
        for proc in reversed(self.procs):
            try:
                self.stop(proc, grace=3.0)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        # Anything still inside our namespace was started by us (children of the
        # daemons, e.g. ExaBGP's API process): end it by PID.
        for pid in self.ns.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.ns.delete()
