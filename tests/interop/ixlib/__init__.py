"""Interop suite library: a private network namespace, the real BGP daemons
(BIRD 2, FRR bgpd, GoBGP, ExaBGP) started and read by the suite, and the
device under test (bgp-announce, or a daemon standing in for it)."""
