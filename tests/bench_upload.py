"""`make bench`: a city under load through a real portal (`python -m pipeline serve`, loopback).

A city of 114 communes (tests/load_util.py) sends every commune's files, one per template, from 64
concurrent clients, with re-sends, a file cut short and an unreadable re-send; each upload is
stored and answered at once and checked after by the ingest. Printed: upload (POST and its result
page) p50/p95/max, the board's answer time while it all happens (p50/p95/max), the drain time
(the last upload answered → every stored file checked, recorded and on the board), the server's
peak memory (with its workers), and whether anything was lost, recorded twice, not current or
shown «chưa nộp» after its upload was answered. Aims: upload p95 < 1 s, board < 1 s throughout,
drain within seconds.

`--national`: then the same with the country's 3,321 communes (29,889 uploads; not run by `make
bench`, nor yet measured: at the 114-commune rate, ~85 uploads/s, about 6 minutes of uploads after
~2 minutes of sign-ins and generation, the client holding ~600 MB of packages; the board then lists
29,889 rows). `--units N`: another size. Run: `python tests/bench.py upload --national`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import load_util  # noqa: E402

CITY, NATIONAL, CLIENTS = 114, 3321, 64


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def one(units: int, clients: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = load_util.run(Path(tmp), units, clients)
        wall = time.perf_counter() - start
    up, bd = result.upload_seconds, result.board_seconds
    stored = sum(1 for s in result.sends if s.stored)
    print(f"City of {units} communes, {clients} concurrent clients: {len(result.sends)} uploads "
          f"({stored} stored, {len(result.sends) - stored} refused at the door) in {result.uploads_seconds:.1f} s "
          f"({len(result.sends) / max(result.uploads_seconds, 1e-9):.1f} uploads/s); whole run {wall:.0f} s")
    print(f"  upload → answer (POST + result page): p50 {statistics.median(up):.3f} s, p95 {pct(up, 0.95):.3f} s, "
          f"max {max(up):.3f} s (aim p95 < 1 s)")
    if bd:
        print(f"  board while uploading and draining: {len(bd)} reads, p50 {statistics.median(bd):.3f} s, "
              f"p95 {pct(bd, 0.95):.3f} s, max {max(bd):.3f} s (aim < 1 s)")
    print(f"  drain: every stored file checked, recorded and on the board {result.drain_seconds:.1f} s "
          f"after the last upload was answered")
    print(f"  server peak memory (with its workers): {result.peak_mb:.0f} MB")
    found = load_util.problems(result)
    print("  nothing lost, nothing recorded twice, every valid file current, the board right at the end"
          if not found else "  PROBLEMS: " + "; ".join(found))
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load:
        print(f"  load average after the run (shared machine): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", action="store_true", help=f"also a city of {NATIONAL} communes (long)")
    parser.add_argument("--units", type=int, default=CITY)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    args, _rest = parser.parse_known_args(argv)
    one(args.units, args.clients)
    if args.national:
        one(NATIONAL, args.clients)


if __name__ == "__main__":
    main(sys.argv[1:])
