"""`make bench`: uploads through the running portal (a real `python -m pipeline serve` process).

1. Upload-to-result time of a typical file (the demo TTHC workbook): median of N sequential uploads.
2. Concurrent uploads (20 and 50 threads, each its own signed-in session, released together):
   how many answered 200, how many files and sidecars landed in inputs/received/, and how many
   rows the warehouse's submissions table holds once the board has ingested them.
"""

from __future__ import annotations

import io
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from pipeline import demo
from pipeline.core import paths, words
from pipeline.core.config import load
from pipeline.outputs import templates
from pipeline.store import warehouse
from pipeline.topics import CATALOG
from pipeline.web import accounts

N_SEQUENTIAL = 20
CONCURRENCY = (20, 50)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(base: str, username: str, password: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120)
    token = CSRF.search(client.get("/login").text).group(1)
    page = client.post("/login", data={"csrf": token, "username": username, "password": password},
                       follow_redirects=True)
    return client, CSRF.search(page.text).group(1)


def send(client: httpx.Client, token: str, name: str, data: bytes) -> tuple[int, float, bool]:
    start = time.perf_counter()
    # the POST answers 303 to the result's own page (Post/Redirect/Get): the unit waits for both
    response = client.post("/upload", data={"csrf": token}, files=[("files", (name, data))], follow_redirects=True)
    elapsed = time.perf_counter() - start
    ok = response.status_code == 200 and (words.STATUS["accepted"] in response.text
                                          or words.STATUS["warnings"] in response.text)
    return response.status_code, elapsed, ok


def main() -> None:
    config = load(paths.INPUTS / paths.CONFIG_NAME)
    unit = next(u for u in config.units if "tthc" in u.templates) if "tthc" in CATALOG else config.units[0]
    template_id = "tthc" if "tthc" in unit.templates else unit.templates[0]
    buffer = io.BytesIO()
    templates.workbook(CATALOG[template_id], unit, config, demo.data_for(template_id, config, unit.code),
                       demo=False).save(buffer)
    data = buffer.getvalue()

    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = Path(tmp) / "inputs", Path(tmp) / "outputs"
        inputs.mkdir()
        (inputs / paths.CONFIG_NAME).write_bytes((paths.INPUTS / paths.CONFIG_NAME).read_bytes())
        accounts.set_account(inputs, "donvi", "mat-khau-bench", unit.code, config)
        accounts.set_account(inputs, "thuongtruc", "mat-khau-bench", config.standing_unit, config)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port),
                                   "--inputs", str(inputs), "--outputs", str(outputs)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=paths.ROOT)
        try:
            for _ in range(300):
                try:
                    if httpx.get(base + "/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            client, token = sign_in(base, "donvi", "mat-khau-bench")
            for _ in range(2):  # warm-up: imports, schemas
                send(client, token, "khoi_dong.xlsx", data)
            times = []
            for i in range(N_SEQUENTIAL):
                code, elapsed, ok = send(client, token, f"bieu_{i}.xlsx", data)
                assert code == 200 and ok, code
                times.append(elapsed)
            times.sort()
            print(f"Typical file: {template_id} of {unit.code}, {len(data) / 1024:.0f} KB")
            print(f"Upload → result, {N_SEQUENTIAL} sequential uploads: median {statistics.median(times):.3f} s, "
                  f"p90 {times[int(0.9 * len(times)) - 1]:.3f} s, min {times[0]:.3f} s, max {times[-1]:.3f} s "
                  f"(aim < 1 s)")

            sent_total = N_SEQUENTIAL + 2
            for threads in CONCURRENCY:
                sessions = [sign_in(base, "donvi", "mat-khau-bench") for _ in range(threads)]
                barrier = threading.Barrier(threads)
                results: list[tuple[int, float, bool]] = []

                def one(client: httpx.Client, token: str, i: int, barrier=barrier, results=results) -> None:
                    barrier.wait()
                    try:
                        results.append(send(client, token, f"dong_thoi_{i}.xlsx", data))
                    except httpx.HTTPError:
                        results.append((0, 0.0, False))

                workers = [threading.Thread(target=one, args=(*s, i)) for i, s in enumerate(sessions)]
                start = time.perf_counter()
                for w in workers:
                    w.start()
                for w in workers:
                    w.join()
                wall = time.perf_counter() - start
                sent_total += threads
                answered = sum(code == 200 for code, _, _ in results)
                accepted = sum(ok for _, _, ok in results)
                stored = len(list((inputs / "received").glob("*.xlsx")))
                sidecars = len(list((inputs / "received").glob("*.xlsx.json")))
                slowest = max(t for _, t, _ in results)
                print(f"{threads} concurrent uploads: {answered}/{threads} answered 200, {accepted} accepted, "
                      f"all done in {wall:.1f} s (slowest {slowest:.1f} s); inputs/received now holds "
                      f"{stored} files + {sidecars} sidecars (expected {sent_total})")
                for c, _ in sessions:
                    c.close()

            standing, _ = sign_in(base, "thuongtruc", "mat-khau-bench")
            start = time.perf_counter()
            board = standing.get("/board")
            print(f"Board after the burst (waits for the ingest): HTTP {board.status_code} in "
                  f"{time.perf_counter() - start:.1f} s")
        finally:
            server.terminate()
            server.wait(timeout=30)
        con = warehouse.connect(outputs, read_only=True)
        rows = con.execute("select count(*) from submissions").fetchone()[0]
        con.close()
        stored = len(list((inputs / "received").glob("*.xlsx")))
        print(f"Warehouse submissions rows: {rows}; files in inputs/received: {stored}; "
              f"uploads sent: {sent_total}; lost: {sent_total - min(rows, stored)}")


if __name__ == "__main__":
    main()
