"""What a session is, and a route's attributes in one comparable shape.

Every side (BIRD, FRR, GoBGP, ExaBGP, bgp-announce) reports received routes as
{prefix: Attrs}; Attrs uses bgp-decode's attribute names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Route:
    prefix: str
    next_hop: str
    med: Optional[int] = None
    communities: tuple[str, ...] = ()
    large_communities: tuple[str, ...] = ()
    #: iBGP only: LOCAL_PREF to send (and expect); or only to expect (a default)
    local_pref: Optional[int] = None
    expect_local_pref: Optional[int] = None

    @property
    def family(self) -> str:
        return "ipv6" if ":" in self.prefix else "ipv4"


@dataclass
class Attrs:
    """The attributes the checks compare, as bgp-decode names them."""

    as_path: list[int] = field(default_factory=list)
    next_hop: Optional[str] = None
    med: Optional[int] = None
    communities: list[str] = field(default_factory=list)
    large_communities: list[str] = field(default_factory=list)
    local_pref: Optional[int] = None
    stale: bool = False
    #: RFC 4456 attributes (route reflection); None / [] when absent
    originator_id: Optional[str] = None
    cluster_list: list[str] = field(default_factory=list)

    def mismatch(self, route: Route, origin_as: Optional[int]) -> Optional[str]:
        """None when the route arrived as sent by an eBGP speaker of origin_as (None:
        over iBGP, AS_PATH empty), else what differs."""
        problems = []
        want_path = [origin_as] if origin_as is not None else []
        if self.as_path != want_path:
            problems.append(f"as_path {self.as_path} != {want_path}")
        want_lp = route.local_pref if route.local_pref is not None else route.expect_local_pref
        if want_lp is not None and self.local_pref != want_lp:
            problems.append(f"local_pref {self.local_pref} != {want_lp}")
        if (self.next_hop or "").lower() != route.next_hop.lower():
            problems.append(f"next_hop {self.next_hop} != {route.next_hop}")
        if self.med != route.med:
            problems.append(f"med {self.med} != {route.med}")
        if sorted(self.communities) != sorted(route.communities):
            problems.append(f"communities {self.communities} != {list(route.communities)}")
        if sorted(self.large_communities) != sorted(route.large_communities):
            problems.append(
                f"large_communities {self.large_communities} != {list(route.large_communities)}")
        return "; ".join(problems) or None


@dataclass
class SessionSpec:
    """One BGP session between a daemon ("peer") and the device under test ("dut")."""

    name: str  # v4, v6, md5, md5-wrong
    family: str  # ipv4 | ipv6
    peer_addr: str
    peer_port: int
    peer_as: int
    peer_id: str
    dut_addr: str
    dut_port: int
    dut_as: int
    dut_id: str
    hold: int = 3
    password: Optional[str] = None  # the daemon's key
    dut_password: Optional[str] = None  # the DUT's key (differs for md5-wrong)
    peer_passive: bool = False
    dut_passive: bool = False
    #: the daemon (peer_*) treats the other side as its RFC 4456 route-reflector client
    #: (only drivers acting as reflector read it; reflector.py)
    rr_client: bool = False

    @property
    def ibgp(self) -> bool:
        return self.peer_as == self.dut_as
    graceful_restart: bool = False
    peer_routes: list[Route] = field(default_factory=list)
    dut_routes: list[Route] = field(default_factory=list)

    def mirrored(self) -> "SessionSpec":
        """The same session seen from the other side (a daemon standing in as DUT)."""
        return SessionSpec(
            name=self.name, family=self.family, peer_addr=self.dut_addr, peer_port=self.dut_port,
            peer_as=self.dut_as, peer_id=self.dut_id, dut_addr=self.peer_addr,
            dut_port=self.peer_port, dut_as=self.peer_as, dut_id=self.peer_id, hold=self.hold,
            password=self.dut_password, dut_password=self.password,
            peer_passive=self.dut_passive, dut_passive=self.peer_passive,
            graceful_restart=self.graceful_restart, peer_routes=list(self.dut_routes),
            dut_routes=list(self.peer_routes))

    def check_routes(self, got: dict[str, Attrs], routes: list[Route],
                     origin_as: Optional[int]) -> Optional[str]:
        """None when every route is in `got` with its attributes intact."""
        problems = []
        if self.ibgp:
            origin_as = None
        for r in routes:
            a = got.get(r.prefix)
            if a is None:
                problems.append(f"{r.prefix} missing")
                continue
            m = a.mismatch(r, origin_as)
            if m:
                problems.append(f"{r.prefix}: {m}")
        return "; ".join(problems) or None


def community_str(value: int) -> str:
    return f"{value >> 16}:{value & 0xFFFF}"
