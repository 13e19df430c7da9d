#!/usr/bin/env python3
"""GET /metrics of a running bgp-reflector, parsed by the Prometheus client's own
text-format parser (python3-prometheus-client, Debian).

Starts two daemons on loopback that peer with each other (the reflector at
127.0.0.1:27401, API 127.0.0.1:27402; its neighbour, another bgp-reflector, at
127.0.0.2:27403), waits for the session through /api/v1/neighbors, parses
/metrics, checks the families and a few values (a label value with a quote and a
backslash comes back unescaped), then SIGTERM to both (exit 0, socket gone).

    metrics_parse.py BGP_REFLECTOR_BINARY
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

API = "http://127.0.0.1:27402"
DESCRIPTION = 'node "b" \\ rack 2'

REFLECTOR = """router-id: 10.0.0.1
asn: 64512
log-level: warning
listen: {{ address: 127.0.0.1, port: 27401 }}
api: {{ listen: 127.0.0.1:27402 }}
neighbors:
  - address: 127.0.0.2
    port: 27403
    asn: 64512
    local-address: 127.0.0.1
    route-reflector-client: true
    hold-time: 9
    connect-retry-time: 1
    description: {description}
"""

PEER = """router-id: 10.0.0.2
asn: 64512
log-level: warning
listen: { address: 127.0.0.2, port: 27403 }
api: { listen: off }
neighbors:
  - { address: 127.0.0.1, port: 27401, asn: 64512, local-address: 127.0.0.2, hold-time: 9,
      connect-retry-time: 1 }
"""


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def get(path):
    with urllib.request.urlopen(API + path, timeout=5) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def main():
    binary = sys.argv[1]
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        reflector = os.path.join(tmp, "reflector.yaml")
        peer = os.path.join(tmp, "peer.yaml")
        with open(reflector, "w") as f:
            f.write(REFLECTOR.format(description=json.dumps(DESCRIPTION)))
        with open(peer, "w") as f:
            f.write(PEER)
        try:
            for path in (reflector, peer):
                procs.append(subprocess.Popen([binary, "--config", path]))
            # Bounded wait for the API, then for the session.
            established = False
            for _ in range(300):
                time.sleep(0.1)
                try:
                    _, _, body = get("/api/v1/neighbors")
                except OSError:
                    continue
                n = json.loads(body)["neighbors"]
                if n and n[0]["state"] == "Established":
                    established = True
                    break
            if not established:
                fail("no Established session within 30 s")

            status, ctype, text = get("/metrics")
            if status != 200 or not ctype.startswith("text/plain; version=0.0.4"):
                fail("unexpected status or content type: %s %s" % (status, ctype))
            families = {f.name: f for f in text_string_to_metric_families(text)}
            # The client library drops "_total" from counter family names.
            expected = {
                "bgp_reflector_info": "gauge",
                "bgp_reflector_uptime_seconds": "gauge",
                "bgp_reflector_sessions": "gauge",
                "bgp_reflector_neighbors": "gauge",
                "bgp_reflector_rib_prefixes": "gauge",
                "bgp_reflector_rib_paths": "gauge",
                "bgp_reflector_best_path_changes": "counter",
                "bgp_reflector_notifications": "counter",
                "bgp_reflector_write_queue_bytes": "gauge",
                "bgp_reflector_neighbor_info": "gauge",
                "bgp_reflector_neighbor_established": "gauge",
                "bgp_reflector_neighbor_uptime_seconds": "gauge",
                "bgp_reflector_neighbor_flaps": "counter",
                "bgp_reflector_neighbor_prefixes_received": "gauge",
                "bgp_reflector_neighbor_prefixes_accepted": "gauge",
                "bgp_reflector_neighbor_prefixes_advertised": "gauge",
                "bgp_reflector_neighbor_updates_received": "counter",
                "bgp_reflector_neighbor_updates_sent": "counter",
                "bgp_reflector_neighbor_notifications": "counter",
                "bgp_reflector_neighbor_write_queue_bytes": "gauge",
            }
            for name, kind in expected.items():
                if name not in families:
                    fail("missing family " + name)
                if families[name].type != kind:
                    fail("%s is %s, expected %s" % (name, families[name].type, kind))
                if not families[name].documentation:
                    fail(name + " has no HELP")

            def value(family, **labels):
                for s in families[family.removesuffix("_total")].samples:
                    if all(s.labels.get(k) == v for k, v in labels.items()):
                        return s.value
                fail("no sample %s%s" % (family, labels))

            if value("bgp_reflector_sessions", state="Established") != 1:
                fail("sessions{state=Established} is not 1")
            if value("bgp_reflector_neighbor_established", neighbor="127.0.0.2") != 1:
                fail("neighbor_established is not 1")
            if value("bgp_reflector_neighbor_info", neighbor="127.0.0.2",
                     description=DESCRIPTION) != 1:
                fail("the description label did not come back as written")
            if value("bgp_reflector_neighbor_updates_sent_total", neighbor="127.0.0.2") < 1:
                fail("no UPDATE sent (End-of-RIB at least)")
            samples = sum(len(f.samples) for f in families.values())
            print("ok: %d families, %d samples parsed by prometheus_client" %
                  (len(families), samples))
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            codes = []
            for p in procs:
                try:
                    codes.append(p.wait(timeout=20))
                except subprocess.TimeoutExpired:
                    p.kill()
                    codes.append("killed")
        if codes != [0, 0]:
            fail("exit codes after SIGTERM: %s" % codes)


if __name__ == "__main__":
    main()
