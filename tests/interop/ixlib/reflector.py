"""`bgp-reflector --config FILE` as the device under test of tests/interop/reflector.py.

The configuration is the YAML contract of issue 5 (router-id, asn, cluster-id,
listen {address, port}, api, neighbors[] {address, asn, port,
route-reflector-client, password, passive, hold-time, families}) plus three keys
of bgp-reflector's own (reflector/reflector.example.yaml): `listen` as a list,
and `local-address` and `connect-retry-time` on the neighbour it connects to; the sessions
are given from the reflector's side (SessionSpec: peer_* are the reflector's,
dut_* the client's; rr_client marks its route-reflector clients).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
from typing import Optional

from .env import Env, Proc, log
from .model import SessionSpec


def _yaml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid YAML scalar


class ReflectorDaemon:
    kind = "bgp-reflector"

    def __init__(self, env: Env, binary: str, router_id: str, asn: int, cluster_id: str,
                 listen: list[str], port: int, api_port: int, sessions: list[SessionSpec]):
        self.env = env
        self.binary = binary
        self.router_id = router_id
        self.asn = asn
        self.cluster_id = cluster_id
        self.listen = listen
        self.port = port
        self.api_port = api_port
        self.sessions = sessions
        self.dir = os.path.join(env.workdir, "bgp-reflector")
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "reflector.yaml")
        self.out = os.path.join(self.dir, "stdout.log")
        self.err = os.path.join(self.dir, "stderr.log")
        self.proc: Optional[Proc] = None

    def write_config(self) -> None:
        c = [f"router-id: {self.router_id}", f"asn: {self.asn}",
             f"cluster-id: {self.cluster_id}",
             "log-level: debug"]
        if len(self.listen) == 1:  # issue 5's form
            c.append(f"listen: {{ address: {_yaml_str(self.listen[0])}, port: {self.port} }}")
        else:  # a list of endpoints (bgp-reflector's extension)
            c.append("listen:")
            c += [f"  - {{ address: {_yaml_str(a)}, port: {self.port} }}" for a in self.listen]
        c += [f"api: {{ listen: {_yaml_str(f'127.0.0.1:{self.api_port}')} }}"]
        if any(s.graceful_restart for s in self.sessions):
            # FRR may take a minute to reconnect a session its peer closed without a
            # NOTIFICATION: the clients keep our routes 120 s, we wait for them 90 s.
            c.append("graceful-restart: { enabled: true, restart-time: 120, "
                     "selection-deferral-time: 90 }")
        c.append("neighbors:")
        for s in self.sessions:
            c += [f"  - address: {_yaml_str(s.dut_addr)}", f"    asn: {s.dut_as}",
                  f"    port: {s.dut_port}",
                  f"    route-reflector-client: {'true' if s.rr_client else 'false'}",
                  f"    passive: {'true' if s.peer_passive else 'false'}",
                  f"    hold-time: {s.hold}", f"    families: [{s.family}-unicast]"]
            if s.password:
                c.append(f"    password: {_yaml_str(s.password)}")
            if not s.peer_passive:  # we connect: from our address, not the kernel's choice,
                # and retry as fast as the speakers do (the first try races their start)
                c += [f"    local-address: {_yaml_str(s.peer_addr)}",
                      "    connect-retry-time: 2"]
        with open(self.config, "w") as f:
            f.write("\n".join(c) + "\n")

    def argv(self) -> list[str]:
        return [self.binary, "--config", self.config]

    def restart_graceful(self, timeout: float = 20.0) -> Optional[int]:
        """SIGUSR2 (stop for a graceful restart); the exit status, None if it did not exit."""
        if not self.proc:
            return None
        self.env.signal(self.proc, signal.SIGUSR2)
        try:
            return self.proc.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def start_restarting(self) -> None:
        """The new process after restart_graceful(): `--graceful-restart`."""
        self.proc = self.env.spawn("bgp-reflector", [*self.argv(), "--graceful-restart"],
                                   self.out, stderr_path=self.err)
        log(f"bgp-reflector: started pid {self.proc.pid} with --graceful-restart")

    def log_text(self) -> str:
        try:
            with open(self.err, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def check_config(self) -> tuple[bool, str]:
        """`bgp-reflector --config FILE --check`: (accepted, what it printed)."""
        self.write_config()
        try:
            r = self.env.run([*self.argv(), "--check"], timeout=10)
        except Exception as e:
            return False, str(e)
        return r.returncode == 0, (r.stdout + r.stderr).strip()

    def start(self) -> None:
        self.write_config()
        self.proc = self.env.spawn("bgp-reflector", self.argv(), self.out, stderr_path=self.err)
        log(f"bgp-reflector: started pid {self.proc.pid} ({self.config})")

    def stop(self) -> Optional[int]:
        return self.env.stop(self.proc) if self.proc else None

    def sigstop(self) -> None:
        if self.proc:
            self.env.signal(self.proc, signal.SIGSTOP)

    def alive(self) -> bool:
        return bool(self.proc and self.proc.alive())

    def exit_status(self) -> Optional[int]:
        return self.proc.popen.poll() if self.proc else None

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

    def log_tail(self, lines: int = 30) -> str:
        out = []
        for path in (self.err, self.out):
            try:
                with open(path, errors="replace") as f:
                    out.append(f"[{os.path.basename(path)}]\n" + "".join(f.readlines()[-lines:]))
            except FileNotFoundError:
                pass
        return "".join(out)
