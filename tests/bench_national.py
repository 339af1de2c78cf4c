"""Benchmark: a national-size set, 3,321 communes × every template, through ingest and build.

A city configuration lists 3,321 communes, wards and special zones (the country's count since
07/2025); each sends every template of the catalog, filled with the demo figures scaled by a
whole factor (so every rule still holds). Generated fast: one workbook per template and factor
through openpyxl for a stand-in commune, then per commune a copy whose stand-in code and name are
replaced in the workbook's XML (unique bytes, recognised by fingerprint like any unit file).

Measured, each step in its own subprocess (peak memory = the largest sum of the resident memory
of that process and its workers, sampled; and the largest single process): a bare one-core
python-calamine read of every file (the floor), ingest of the first 5,000 files and of the full
set (memory at two sizes: it should not grow with the files), `python -m pipeline build` on each
warehouse, one corrected upload then the ingest and build after it (what one upload costs today),
pandas + openpyxl reading the first files (the common way, for comparison), each with its CPU
seconds (the process and its workers) and its ratio to the floor for as many files, and the sizes
of the inputs and of the DuckDB file. Prints figures only; the whole run takes about 15 minutes on
two quiet cores (generation 2 min, the floor 75 s, two ingests and four builds).

Run by `make bench` (tests/bench.py) or alone: `.venv/bin/python tests/bench_national.py [UNITS [PART]]`.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS, PART = 3321, 5000  # communes in the country; the smaller set memory is compared at
BUILD_SECONDS = 900  # the build is stopped past this (its stages so far are printed)
FACTORS = (1, 2, 3, 5)
STAND_IN = ("QZ9Q9", "Mẫu QZ9Q9")  # code and name of the commune the source workbooks are made for


def city_toml(units: int) -> str:
    """The example city configuration with `units` communes as its units (and its standing unit)."""
    from pipeline.core import paths

    text = paths.CITY_EXAMPLE.read_text(encoding="utf-8")
    head, tail = text.split("[[units]]", 1)
    rest = tail[tail.index("\n[[leaders]]") if "\n[[leaders]]" in tail else len(tail):]
    first = "[[units]]" + tail.split("[[units]]", 1)[0]  # the standing unit, as the example has it
    communes = "".join(f'[[units]]\ncode = "{code(i)}"\nkind = "{kind(i)}"\nname = "Số {i + 1}"\n\n'
                       for i in range(units))
    return head + first + communes + rest.lstrip("\n")


def code(i: int) -> str:
    return f"{10001 + i:05d}"


def kind(i: int) -> str:
    """About the country's mix: 2,621 xã, 687 phường, 13 đặc khu."""
    return "đặc khu" if i % 250 == 249 else "phường" if i % 5 == 1 else "xã"


def _sources(config) -> list[tuple[str, dict[str, bytes]]]:
    """(template id, zip entries) of one filled workbook per template and factor, for the stand-in."""
    from pipeline import demo
    from pipeline.core.config import Unit, load
    from pipeline.core.model import _IDENT
    from pipeline.outputs import templates
    from pipeline.topics import CATALOG

    commune = load(ROOT / "inputs" / "commune.toml")
    stand_in = Unit(STAND_IN[0], f"xã {STAND_IN[1]}", tuple(CATALOG), "xã")
    out = []
    for template_id, template in CATALOG.items():
        owner = commune.owners(template_id)[0]
        data = demo.data_for(template_id, commune, owner.code)
        keys = {c.key for s in template.sheets for c in s.keys}
        keys |= {k for s in template.sheets for r in s.rules for k in r.keys
                 if not all(_IDENT.search(t) for t in re.split(r"[+-]", f"{r.left}+{r.right}"))}
        for factor in FACTORS:
            scaled = {sheet: [{k: (v * factor if isinstance(v, (int, float)) and not isinstance(v, bool)
                                   and k not in keys else v) for k, v in row.items()} for row in rows]
                      for sheet, rows in data.items()}
            buffer = io.BytesIO()
            templates.workbook(template, stand_in, config, scaled).save(buffer)
            with zipfile.ZipFile(buffer) as zf:
                out.append((template_id, {info.filename: zf.read(info) for info in zf.infolist()}))
    return out


def generate(folder: Path, units: int) -> list[Path]:
    """inputs/ (the city configuration, inputs/received/ with units × templates files and their
    sidecars) under folder; the files in the order they were received."""
    from pipeline.core import paths
    from pipeline.core.config import load

    inputs = folder / "inputs"
    received = inputs / "received"
    received.mkdir(parents=True)
    (inputs / paths.CONFIG_NAME).write_text(city_toml(units), encoding="utf-8")
    config = load(inputs / paths.CONFIG_NAME)
    sources = _sources(config)
    per_template = len(FACTORS)
    start, out = datetime(2026, 5, 1, 8, 0), []
    for i in range(units):
        for t in range(len(sources) // per_template):
            out.append(_file(received, config, sources[t * per_template + i % per_template], i,
                             start + timedelta(seconds=9 * len(out))))
    return out


def _file(received: Path, config, source: tuple[str, dict[str, bytes]], i: int, when: datetime,
          suffix: str = "") -> Path:
    """Commune i's copy of a source workbook, received at `when` (its sidecar and time)."""
    unit = config.unit(code(i))
    swap = [(STAND_IN[0].encode(), unit.code.encode()), (f"xã {STAND_IN[1]}".encode(), unit.name.encode())]
    template_id, entries = source
    target = received / f"{unit.code}_{template_id}{suffix}.xlsx"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in entries.items():
            if name.startswith("xl/") and name.endswith(".xml"):
                for old, new in swap[::-1]:
                    data = data.replace(old, new)
            zf.writestr(name, data)
    target.with_name(target.name + ".json").write_text(json.dumps(
        {"received_at": when.isoformat(), "sender": f"user_{unit.code}", "unit_code": unit.code,
         "original_name": target.name}), encoding="utf-8")
    os.utime(target, (when.timestamp(),) * 2)
    return target


def upload(folder: Path) -> Path:
    """One corrected file: commune 0's first template again, with other figures (the next factor),
    received after everything else, as an upload would add it."""
    from pipeline.core import paths
    from pipeline.core.config import load

    received = folder / "inputs" / "received"
    config = load(folder / "inputs" / paths.CONFIG_NAME)
    when = max(datetime.fromtimestamp(p.stat().st_mtime) for p in received.glob("*.xlsx")) + timedelta(minutes=5)
    return _file(received, config, _sources(config)[1], 0, when, suffix="_sua")


def part_of(folder: Path, full: Path, files: list[Path]) -> None:
    """folder/inputs: the first files of the full set (hard links where the disk allows) and the same configuration."""
    import shutil

    from pipeline.core import paths

    received = folder / "inputs" / "received"
    received.mkdir(parents=True)
    shutil.copy(full / "inputs" / paths.CONFIG_NAME, folder / "inputs" / paths.CONFIG_NAME)
    for path in files:
        for source in (path, path.with_name(path.name + ".json")):
            try:
                os.link(source, received / source.name)
            except OSError:
                shutil.copy2(source, received / source.name)


def _tree_rss(pid: int) -> tuple[float, float]:
    """(sum, largest) resident memory in MiB of pid and its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    parents[int(entry.name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += [child for child, parent in parents.items() if parent == current]
    sizes = []
    for member in tree:
        try:
            with open(f"/proc/{member}/statm", "rb") as f:
                sizes.append(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20)
        except OSError:
            continue
    return sum(sizes), max(sizes, default=0.0)


def measure(args: list[str], timeout: float | None = None) -> dict:
    """Wall time, peak memory (sampled sum and largest process of the tree) and the stdout lines of
    one child process, each line with the second it came at; past timeout the child's process group
    is stopped (and the step marked so)."""
    child = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             encoding="utf-8", start_new_session=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"})
    peak, largest, done, lines = [0.0], [0.0], threading.Event(), []
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)

    def sample() -> None:
        while not done.is_set():
            total, big = _tree_rss(child.pid)
            peak[0], largest[0] = max(peak[0], total), max(largest[0], big)
            done.wait(0.2)

    def collect() -> None:
        for line in child.stdout:
            lines.append((time.perf_counter() - start, line.rstrip("\n")))
    threads = [threading.Thread(target=sample, daemon=True), threading.Thread(target=collect, daemon=True)]
    for thread in threads:
        thread.start()
    stopped = False
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGTERM)  # this child and the workers it started, nothing else
        child.wait()
        stopped = True
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child and the workers it waited for
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    done.set()
    for thread in threads:
        thread.join(5)
    err = child.stderr.read()
    if child.returncode != 0 and not stopped:
        text = "\n".join(line for _, line in lines)
        raise SystemExit(f"{' '.join(args[:4])} failed ({child.returncode}):\n{text[-2000:]}\n{err[-3000:]}")
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak[0], "largest_mb": largest[0], "lines": lines, "stopped": stopped,
            "out": "\n".join(line for _, line in lines)}


CALAMINE = """
import sys, python_calamine as pc
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    book = pc.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
"""
INGEST = """
import sys
from pathlib import Path
from pipeline.core.config import load
from pipeline.store import ingest
inputs, outputs = Path(sys.argv[1]), Path(sys.argv[2])
summary = ingest.run(inputs, outputs, load(inputs / "commune.toml"))
print(dict(summary.counts), summary.new)
"""


PANDAS = """
import sys, pandas as pd
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.xlsx"))[:int(sys.argv[2])]:
    pd.read_excel(path, sheet_name=None, engine="openpyxl")
"""
PANDAS_FILES = 1000  # pandas + openpyxl on the first files only (about 10× the floor's time per file)
UPLOAD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from bench_national import upload
print(upload(Path(sys.argv[1])).name)
"""


def _steps(py: str, folder: Path, build: bool = True) -> dict:
    """Ingest, build, then one corrected upload and the ingest + build after it, on folder/inputs."""
    inputs, outputs = str(folder / "inputs"), str(folder / "outputs")
    steps = {"ingest": measure([py, "-c", INGEST, inputs, outputs])}
    if build:
        steps["build"] = measure([py, "-m", "pipeline", "build", "--inputs", inputs, "--outputs", outputs],
                                 timeout=BUILD_SECONDS)
        measure([py, "-c", UPLOAD, str(folder), str(ROOT / "tests")])
        steps["upload"] = measure([py, "-m", "pipeline", "build", "--inputs", inputs, "--outputs", outputs],
                                  timeout=BUILD_SECONDS)
    return steps


def main(units: int = UNITS, part: int = PART) -> None:
    from pipeline.core import paths

    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench_national_") as tmp:
        full, small = Path(tmp) / "full", Path(tmp) / "part"
        t0 = time.perf_counter()
        files = generate(full, units)
        size = sum(f.stat().st_size for f in files)
        print(f"Generated {len(files):,} workbooks ({units:,} communes × {len(files) // units} templates, "
              f"{size / 2**20:,.0f} MiB, mean {size / len(files) / 1024:.0f} KiB) in {time.perf_counter() - t0:.0f} s",
              flush=True)
        part = min(part, len(files))
        part_of(small, full, files[:part])
        received = str(full / "inputs" / "received")
        floor = measure([py, "-c", CALAMINE, received])
        pandas_n = min(PANDAS_FILES, len(files))
        naive = measure([py, "-c", PANDAS, received, str(pandas_n)])
        at = {part: _steps(py, small), len(files): _steps(py, full)}
        per_file = floor["seconds"] / len(files)
        print(f"{'step':<52}{'seconds':>8}{'CPU s':>8}{'files/s':>9}{'× floor':>9}{'peak MiB':>9}{'largest':>8}")

        def row(label: str, s: dict, n: int) -> None:
            print(f"{label:<52}{s['seconds']:>8.1f}{s['cpu']:>8.1f}{n / s['seconds']:>9.0f}"
                  f"{s['seconds'] / (per_file * n):>9.2f}{s['peak_mb']:>9.0f}{s['largest_mb']:>8.0f}")
        row("bare python-calamine read, one core (the floor)", floor, len(files))
        row(f"pandas + openpyxl read, first {pandas_n:,} files", naive, pandas_n)
        for n, steps in at.items():
            row(f"validate + ingest, {n:,} files", steps["ingest"], n)
            row(f"build (city level, {n:,} files in the warehouse)", steps["build"], n)
            row("one corrected upload: ingest + build again", steps["upload"], n)
        build = at[len(files)]["build"]
        print("build stages at full size (second reached):" + ("" if not build["stopped"] else
              f" STOPPED after {build['seconds']:.0f} s, still running:"))
        for second, line in build["lines"]:
            if line.startswith("[") or line.startswith("Hoàn thành"):
                print(f"  {second:7.1f} s  {line}")
        ingest, build = at[len(files)]["ingest"], at[len(files)]["build"]
        peaks = [s["peak_mb"] for steps in at.values() for s in steps.values()]
        print(f"ingest / one-core floor: {ingest['seconds'] / floor['seconds']:.2f}× on {os.cpu_count()} cores (aim ≤ 1.0×); "
              f"build {build['seconds']:.0f} s (aim ≤ 20 s); ingest + build {ingest['seconds'] + build['seconds']:.0f} s "
              f"(aim < 120 s); after one upload {at[len(files)]['upload']['seconds']:.0f} s (aim ≤ 5 s); "
              f"peak memory {max(peaks):.0f} MiB (aim < 400 at both sizes)")
        db = full / "outputs" / paths.WAREHOUSE
        print(f"sizes: inputs {size / 2**20:,.0f} MiB, warehouse {db.stat().st_size / 2**20:,.1f} MiB "
              f"({len(files):,} submissions)")
        print(f"load average during the run: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
              "(figures on a busy machine: compare the ratios and the CPU seconds)")


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    main(*numbers)
