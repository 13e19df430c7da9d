"""What every real daemon driver offers the checks.

A driver holds one daemon process with several sessions (SessionSpec), seen
from the daemon's side: `peer_*` fields are the daemon's, `dut_*` the other
side's. The same driver also serves as a stand-in device under test (the
suite's --dut option) with the session spec mirrored (see SessionSpec.mirrored).
"""
from __future__ import annotations

import os
import signal
from typing import Optional

from .env import Env, Proc, log
from .model import Attrs, SessionSpec


class Daemon:
    kind = "daemon"
    #: the Cease/Administrative Shutdown text the other side should decode when
    #: we shut a session down with `message` (None: it sends none)
    sends_shutdown_message = True

    def __init__(self, env: Env, name: str, asn: int, router_id: str, port: int,
                 sessions: list[SessionSpec]):
        self.env = env
        self.name = name
        self.asn = asn
        self.router_id = router_id
        self.port = port
        self.sessions = sessions
        self.dir = os.path.join(env.workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.proc: Optional[Proc] = None
        self.starts = 0

    # -- life cycle -------------------------------------------------------
    def start(self, restarting: bool = False) -> None:
        self.starts += 1
        self.write_config(restarting)
        self.proc = self.env.spawn(self.name, self.argv(restarting),
                                   os.path.join(self.dir, f"stdout.{self.starts}.log"),
                                   env=self.environment())
        log(f"{self.name}: started {self.kind} pid {self.proc.pid}"
            f"{' (graceful restart)' if restarting else ''}")

    def stop(self) -> None:
        if self.proc:
            self.env.stop(self.proc)

    def kill9(self) -> None:
        assert self.proc
        self.env.kill9(self.proc)
        log(f"{self.name}: killed with SIGKILL")

    def sigstop(self) -> None:
        assert self.proc
        self.env.signal(self.proc, signal.SIGSTOP)

    def sigcont(self) -> None:
        assert self.proc
        self.env.signal(self.proc, signal.SIGCONT)

    def alive(self) -> bool:
        return bool(self.proc and self.proc.alive())

    def environment(self) -> Optional[dict]:
        return None

    # -- to implement ---------------------------------------------------------
    def write_config(self, restarting: bool) -> None:
        raise NotImplementedError

    def argv(self, restarting: bool) -> list[str]:
        raise NotImplementedError

    def state(self, s: SessionSpec) -> str:
        """RFC 4271 state name of the session: Idle, Connect, Active, OpenSent,
        OpenConfirm, Established."""
        raise NotImplementedError

    def received(self, s: SessionSpec) -> dict[str, Attrs]:
        """Routes received on the session, by prefix."""
        raise NotImplementedError

    def remote_capabilities(self, s: SessionSpec) -> set[str]:
        """Capabilities in the other side's OPEN, as names: mp:ipv4-unicast,
        mp:ipv6-unicast, route-refresh, enhanced-route-refresh, four-octet-as,
        graceful-restart, extended-message."""
        raise NotImplementedError

    def shutdown(self, s: SessionSpec, message: str) -> None:
        """Administrative shutdown of the session with an RFC 9003 message."""
        raise NotImplementedError

    def withdraw(self, s: SessionSpec, route) -> None:
        """Stops announcing `route` on the session (and drops it from s.peer_routes)."""
        raise NotImplementedError

    def shutdown_text(self, message: str) -> str:
        """The shutdown communication the other side receives after shutdown(message)."""
        return message

    # -- device-under-test role (only drivers used with --dut) -----------------
    def notifications_received(self, s: SessionSpec) -> list[dict]:
        """[{code, subcode, message}] received on the session."""
        raise NotImplementedError

    def hold_timer_expired(self, s: SessionSpec) -> bool:
        raise NotImplementedError

    def established_count(self, s: SessionSpec) -> int:
        raise NotImplementedError

    def log_tail(self, lines: int = 30) -> str:
        return ""
