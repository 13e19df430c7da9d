#!/usr/bin/env python3
"""ExaBGP API process for the interop suite.

ExaBGP starts this program (`process` block, `encoder json`) and writes one JSON
object per line to its stdin: session state changes, OPENs, UPDATEs and
NOTIFICATIONs. This program appends every line to EVENTS (argv[1]) and forwards
every line written to the named pipe COMMANDS (argv[2]) to its stdout, where
ExaBGP reads API commands (`neighbor 127.0.0.1 teardown 2`, `announce route ...`).
It exits when ExaBGP closes its stdin.
"""
import os
import sys
import threading


def forward_commands(path: str) -> None:
    # Opened read-write so that the pipe never reports end-of-file when the
    # harness closes its end between two commands.
    fd = os.open(path, os.O_RDWR)
    with os.fdopen(fd, "r", buffering=1) as pipe:
        for line in pipe:
            sys.stdout.write(line)
            sys.stdout.flush()


def main() -> int:
    events, commands = sys.argv[1], sys.argv[2]
    threading.Thread(target=forward_commands, args=(commands,), daemon=True).start()
    with open(events, "a", buffering=1) as out:
        for line in sys.stdin:
            out.write(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
