"""A city under load, for tests/test_web_load.py (short) and tests/bench_upload.py (`make bench`).

A city configuration with `units` communes (tests/bench_national.city_toml), one account per
commune (one argon2 hash shared: made once), every commune's files (one per template, made as
tests/bench_national.py makes them: a stand-in commune's workbook with its code and name
replaced), sent through a real `python -m pipeline serve` on loopback by `clients` concurrent
clients, one commune's files in order by one client: some communes send a template again with
other figures (the later file must be current), one file is cut short (refused at the door,
never stored), one re-send has unreadable sheets (stored, then rejected: the earlier file stays
current). A watcher reads the board all along: how long it takes, and whether it ever shows
«chưa nộp» for a file whose upload was answered. Everything stops by itself (timeouts on every
wait); the server is stopped at the end, and the warehouse is read back to count.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from pipeline.core import paths, words
from pipeline.core.config import load
from pipeline.store import warehouse
from pipeline.topics import CATALOG
from pipeline.web import accounts
from tests import bench_national

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
STORED = re.compile(r'/submissions/(\d{8}T\d{12}_[A-Za-z0-9-]+_[0-9a-f]{8}\.xlsx)/file"')
ROW = re.compile(r'<small class="mono">\(([A-Za-z0-9-]+)\)</small></td>\s*<td data-label="Biểu">([^<]*)</td>\s*'
                 r'<td data-label="Tình trạng"><span class="state (\w+)">')
PASSWORD = "mat-khau-tai-nang"
STANDING = "thuongtruc"
TITLES = {t.title: t.id for t in CATALOG.values()}
WAIT = 600  # seconds: the longest any one wait of the run may take


@dataclass
class Send:
    unit: str
    template_id: str | None  # None: not a template's file (the file cut short)
    name: str
    data: bytes
    valid: bool  # a valid file: the current one of its unit × template if sent last
    stored: str | None = None  # the stored name the answer gave
    status: int = 0
    seconds: float = 0.0
    answered: float = 0.0  # time.monotonic() of the answer


@dataclass
class Run:
    sends: list[Send]
    upload_seconds: list[float] = field(default_factory=list)
    board_seconds: list[float] = field(default_factory=list)
    board_missing: list[tuple[str, str]] = field(default_factory=list)  # answered, yet shown «chưa nộp»
    drain_seconds: float = 0.0  # last upload answered → every stored file in the warehouse
    uploads_seconds: float = 0.0  # first upload sent → last answered
    peak_mb: float = 0.0  # the server's (and its workers') resident memory, sampled
    final_board: dict[tuple[str, str], str] = field(default_factory=dict)
    submissions: list[tuple] = field(default_factory=list)  # (path, unit, template, status, sha256)
    current: dict[tuple[str, str], str] = field(default_factory=dict)  # unit × template → sha256
    stored_files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def city(folder: Path, units: int):
    """inputs/ of a city with `units` communes and one account per commune (and the standing unit's)."""
    inputs = folder / "inputs"
    inputs.mkdir(parents=True)
    (inputs / paths.CONFIG_NAME).write_text(bench_national.city_toml(units), encoding="utf-8")
    config = load(inputs / paths.CONFIG_NAME)
    accounts.set_account(inputs, STANDING, PASSWORD, config.standing_unit, config)
    accounts.set_account(inputs, "c0", PASSWORD, bench_national.code(0), config)
    made = accounts.load_all(inputs)
    every = {STANDING: made[STANDING]}
    for i in range(units):  # the same password: one hash serves every account (made once)
        every[f"c{i}"] = dataclasses.replace(made["c0"], username=f"c{i}", unit_code=bench_national.code(i))
    accounts._save(inputs, every)
    return inputs, config


def files(config, units: int, resend_every: int = 4) -> list[list[Send]]:
    """Per commune, its sends in order: one file per template; every resend_every-th commune sends
    its first template again with other figures; one file cut short, one unreadable re-send."""
    sources = bench_national._sources(config)
    per = len(bench_national.FACTORS)
    out = []
    for i in range(units):
        unit = config.unit(bench_national.code(i))
        swap = [(bench_national.STAND_IN[0].encode(), unit.code.encode()),
                (f"xã {bench_national.STAND_IN[1]}".encode(), unit.name.encode())]

        def make(index: int, factor: int, broken: bool = False, swap=swap) -> bytes:
            _template_id, entries = sources[index * per + factor % per]
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                for name, data in entries.items():
                    if name.startswith("xl/") and name.endswith(".xml"):
                        for old, new in swap[::-1]:
                            data = data.replace(old, new)
                    if broken and name.startswith("xl/worksheets/"):
                        data = data[: len(data) // 3]  # unreadable sheets: stored, then rejected
                    zf.writestr(name, data)
            return buffer.getvalue()

        sends = []
        for t in range(len(sources) // per):
            template_id = sources[t * per][0]
            sends.append(Send(unit.code, template_id, f"{template_id}.xlsx", make(t, i), True))
        if i % resend_every == 1:
            template_id = sources[0][0]
            sends.append(Send(unit.code, template_id, f"{template_id}_gui_lai.xlsx", make(0, i + 1), True))
        if i == 2:
            sends.append(Send(unit.code, sources[0][0], "hong.xlsx", make(0, i + 2, broken=True), False))
        if i == 3:
            data = sends[0].data
            sends.append(Send(unit.code, None, "cat_ngang.xlsx", data[: len(data) // 2], False))
        out.append(sends)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(base: str, username: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120)
    for _ in range(60):  # the server may answer 503 while other sign-ins are being checked
        token = CSRF.search(client.get("/login").text).group(1)
        page = client.post("/login", data={"csrf": token, "username": username, "password": PASSWORD},
                           follow_redirects=True)
        if page.status_code == 200:
            return client, CSRF.search(page.text).group(1)
        time.sleep(0.5)
    raise RuntimeError(f"cannot sign in as {username}: HTTP {page.status_code}")


def board(client: httpx.Client) -> tuple[dict[tuple[str, str], str], bool]:
    """The board's rows (unit × template → state key) and whether it says files are being checked."""
    page = client.get("/board")
    page.raise_for_status()
    rows = {(unit, TITLES[title.strip()]): state for unit, title, state in ROW.findall(page.text)}
    return rows, 'id="checking"' in page.text


def _memory(pid: int, peak: list[float], stop: threading.Event) -> None:
    try:
        process = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.is_set():
        try:
            total = process.memory_info().rss + sum(c.memory_info().rss for c in process.children(recursive=True))
            peak[0] = max(peak[0], total / 1024 / 1024)
        except psutil.Error:
            pass
        stop.wait(0.2)


def run(folder: Path, units: int, clients: int = 64, resend_every: int = 4) -> Run:
    inputs, config = city(folder, units)
    outputs = folder / "outputs"
    per_commune = files(config, units, resend_every)
    result = Run([s for sends in per_commune for s in sends])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PIPELINE_PORTAL_WAIT": "0"}  # as in use: answered at once
    server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port),
                               "--inputs", str(inputs), "--outputs", str(outputs)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=paths.ROOT, env=env)
    stop, peak = threading.Event(), [0.0]
    threading.Thread(target=_memory, args=(server.pid, peak, stop), daemon=True).start()
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        with ThreadPoolExecutor(8) as pool:  # signed in before the burst (a sign-in is a password check)
            sessions = list(pool.map(lambda i: sign_in(base, f"c{i}"), range(units)))
        standing, _ = sign_in(base, STANDING)
        answered: set[tuple[str, str]] = set()
        lock = threading.Lock()
        uploading = threading.Event()
        uploading.set()

        def watch() -> None:
            while uploading.is_set():
                with lock:
                    sent = set(answered)
                start = time.perf_counter()
                try:
                    rows, _checking = board(standing)
                except httpx.HTTPError as exc:
                    result.errors.append(f"board: {exc!r}")
                    continue
                result.board_seconds.append(time.perf_counter() - start)
                result.board_missing += [k for k in sent if rows.get(k) == "missing"]
                time.sleep(0.5)

        def commune(i: int) -> None:
            client, token = sessions[i]
            for s in per_commune[i]:
                start = time.perf_counter()
                try:
                    page = client.post("/upload", data={"csrf": token}, files=[("files", (s.name, s.data))],
                                       follow_redirects=True)
                except httpx.HTTPError as exc:
                    result.errors.append(f"{s.unit} {s.name}: {exc!r}")
                    continue
                s.seconds, s.answered, s.status = time.perf_counter() - start, time.monotonic(), page.status_code
                found = STORED.findall(page.text)
                s.stored = found[0] if found else None
                if s.stored and s.template_id:
                    with lock:
                        answered.add((s.unit, s.template_id))

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        began = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(commune, range(units)))
        last = max((s.answered for s in result.sends if s.answered), default=time.monotonic())
        result.uploads_seconds = last - began
        while time.monotonic() - last < WAIT:  # drained: nothing being checked, every stored file shown
            rows, checking = board(standing)
            if not checking and all(rows.get(k) not in ("missing", "checking") for k in answered):
                break
            time.sleep(0.2)
        result.drain_seconds = time.monotonic() - last
        uploading.clear()
        watcher.join(WAIT)
        result.final_board = board(standing)[0]
        result.upload_seconds = sorted(s.seconds for s in result.sends if s.status)
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
    result.peak_mb = peak[0]
    result.stored_files = sorted(p.name for p in (inputs / paths.RECEIVED).glob("*.xlsx"))
    con = warehouse.connect(outputs, read_only=True)
    try:
        result.submissions = con.execute(
            "SELECT path, unit_code, template_id, status, sha256 FROM submissions").fetchall()
        result.current = {(u, t): sha for u, t, sha in con.execute(
            "SELECT unit_code, template_id, sha256 FROM current_submissions").fetchall()}
    finally:
        con.close()
    return result


def expected_current(result: Run) -> dict[tuple[str, str], str]:
    """unit × template → sha256 of the last valid file sent for it."""
    import hashlib

    out = {}
    for s in result.sends:
        if s.valid and s.template_id:
            out[(s.unit, s.template_id)] = hashlib.sha256(s.data).hexdigest()
    return out


def problems(result: Run) -> list[str]:
    """Everything that is not as it must be at the end of a run (empty: all right)."""
    out = list(result.errors)
    sent_stored = [s.stored for s in result.sends if s.stored]
    refused = [s for s in result.sends if s.template_id is None]
    if any(s.stored for s in refused):
        out.append("a file cut short was stored")
    if len(sent_stored) != len(result.sends) - len(refused):
        out.append(f"{len(result.sends) - len(refused) - len(sent_stored)} valid-looking uploads not stored")
    if sorted(sent_stored) != result.stored_files:
        out.append(f"inputs/received holds {len(result.stored_files)} files, the answers named {len(sent_stored)}")
    paths_ = Counter(p for p, *_ in result.submissions)
    twice = [p for p, n in paths_.items() if n > 1]
    if twice:
        out.append(f"{len(twice)} files recorded twice, e.g. {twice[0]}")
    missing = {f"{paths.RECEIVED}/{n}" for n in result.stored_files} - set(paths_)
    if missing:
        out.append(f"{len(missing)} stored files not in the warehouse, e.g. {sorted(missing)[0]}")
    rejected = {p.rsplit("/", 1)[-1] for p, _u, _t, status, _sha in result.submissions if status == "rejected"}
    broken = {s.stored for s in result.sends if not s.valid and s.stored}
    if rejected != broken:
        out.append(f"rejected {sorted(rejected)}, expected {sorted(broken)}")
    want = expected_current(result)
    wrong = [k for k, sha in want.items() if result.current.get(k) != sha]
    if wrong:
        out.append(f"{len(wrong)} unit × template not current with their last valid file, e.g. {wrong[0]}")
    communes = {s.unit for s in result.sends}
    states = Counter(state for (unit, _t), state in result.final_board.items() if unit in communes)
    if set(states) - {"accepted", "warnings", "late"} or sum(states.values()) != len(communes) * len(CATALOG):
        out.append(f"the board at the end: {dict(states)}")
    if result.board_missing:
        out.append(f"the board showed «{words.STATES['missing']}» for {len(result.board_missing)} answered "
                   f"uploads, e.g. {result.board_missing[0]}")
    return out
