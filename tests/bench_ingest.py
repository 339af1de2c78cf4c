"""Benchmark: validate + ingest of ≥500 filled workbooks against a bare python-calamine read.

Run by `make bench` (tests/bench.py) or alone: `.venv/bin/python tests/bench_ingest.py [N]`.
Each measurement runs in its own subprocess, so peak memory (max RSS) is that step's alone.
Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FACTORS = (1, 2, 3, 4, 5, 6, 7, 8)  # figures scaled by a whole factor keep every linear rule true


def _scaled(rows: list[dict], factor: int, keys: set[str]) -> list[dict]:
    return [{k: (v * factor if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in keys else v)
             for k, v in row.items()} for row in rows]


def generate(folder: Path, count: int) -> list[Path]:
    """count filled workbooks (demo figures scaled by varied factors), each with unique bytes and a
    web-portal sidecar giving a distinct received time; all of them validate."""
    from pipeline import demo
    from pipeline.core import paths
    from pipeline.core.config import load
    from pipeline.core.model import _IDENT
    from pipeline.outputs import templates
    from pipeline.topics import CATALOG

    config = load(paths.INPUTS / paths.CONFIG_NAME)
    base = folder / "_base"
    base.mkdir(parents=True)
    sources = []
    for unit in config.units:
        for template_id in unit.templates:
            template = CATALOG[template_id]
            data = demo.data_for(template_id, config, unit.code)
            for factor in FACTORS:
                # keys and fields compared with a constant ("so_tthc <= 50") keep their demo figures
                keys = {c.key for s in template.sheets for c in s.keys}
                keys |= {k for s in template.sheets for r in s.rules for k in r.keys
                         if not all(_IDENT.search(t) for t in re.split(r"[+-]", f"{r.left}+{r.right}"))}
                scaled = {sheet: _scaled(rows, factor, keys) for sheet, rows in data.items()}
                path = base / f"{template_id}_{unit.code}_x{factor}.xlsx"
                templates.workbook(template, unit, config, scaled).save(path)
                sources.append((path, unit.code))
    received = folder / "inputs" / "received"
    received.mkdir(parents=True)
    shutil.copy(paths.INPUTS / paths.CONFIG_NAME, folder / "inputs" / paths.CONFIG_NAME)
    start = datetime(2026, 5, 1, 8, 0)
    out = []
    for i in range(count):
        source, unit = sources[i % len(sources)]
        when = start + timedelta(minutes=7 * i)
        target = received / f"{when:%Y%m%dT%H%M%S%f}_{unit}_{i:05d}.xlsx"
        shutil.copy(source, target)
        with zipfile.ZipFile(target, "a") as zf:
            zf.comment = f"bench copy {i}".encode()
        target.with_name(target.name + ".json").write_text(json.dumps(
            {"received_at": when.isoformat(), "sender": f"user_{unit.lower()}", "unit_code": unit,
             "original_name": source.name}), encoding="utf-8")
        out.append(target)
    shutil.rmtree(base)
    return out


STEPS = {
    "startup": """
from pipeline.core import paths
from pipeline.checks import validate
from pipeline.store import ingest
from pipeline.core.config import load
""",
    "calamine": """
import python_calamine as pc
for path in files:
    book = pc.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
""",
    "openpyxl": """
import pandas as pd
for path in files:
    pd.read_excel(path, sheet_name=None, engine="openpyxl")
""",
    "validate": """
from pipeline.checks import validate
from pipeline.core import paths
from pipeline.core.config import load
config = load(paths.INPUTS / paths.CONFIG_NAME)
reports = validate.check_files([(p, None) for p in files], config)
assert all(r.status == "accepted" for r in reports), [r.text() for r in reports if r.status != "accepted"][:1]
""",
    "ingest": """
from pipeline.store import ingest
from pipeline.core import paths
from pipeline.core.config import load
config = load(paths.INPUTS / paths.CONFIG_NAME)
summary = ingest.run(inputs, outputs, config)
assert summary.counts["accepted"] == len(files), summary.text()
""",
    "ingest_again": """
from pipeline.store import ingest
from pipeline.core import paths
from pipeline.core.config import load
config = load(paths.INPUTS / paths.CONFIG_NAME)
summary = ingest.run(inputs, outputs, config)
assert summary.new == 0 and summary.seen == len(files), summary.text()
""",
}

RUNNER = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
files = [Path(p) for p in json.loads(Path({listing!r}).read_text())]
inputs, outputs = Path({inputs!r}), Path({outputs!r})
start = time.perf_counter()
{body}
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(step: str, files: list[Path], folder: Path) -> dict:
    listing = folder / f"{step}.json"
    listing.write_text(json.dumps([str(f) for f in files]))
    code = RUNNER.format(root=str(ROOT), listing=str(listing), inputs=str(folder / "inputs"),
                         outputs=str(folder / "outputs"), body=STEPS[step])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(count: int = 500, openpyxl_sample: int = 100) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        files = generate(folder, count)
        size = sum(f.stat().st_size for f in files) / len(files) / 1024
        print(f"Generated {len(files)} filled workbooks (mean {size:.0f} KB) in {time.perf_counter() - t0:.1f} s")
        sample = random.Random(1).sample(files, min(openpyxl_sample, len(files)))
        results = {step: measure(step, files, folder)
                   for step in ("calamine", "validate", "ingest", "ingest_again", "startup")}
        results["openpyxl"] = measure("openpyxl", sample, folder)
        per_file = {k: v["seconds"] / (len(sample) if k == "openpyxl" else len(files)) for k, v in results.items()}
        startup = results.pop("startup")["seconds"]
        floor = per_file["calamine"]
        print(f"{'step':<36}{'files/s':>10}{'ms/file':>10}{'× calamine':>12}{'peak RSS MB':>13}")
        labels = {"calamine": "bare python-calamine read (floor)",
                  "openpyxl": f"pandas.read_excel openpyxl ({len(sample)} files)",
                  "validate": "validate only (check_files)",
                  "ingest": "validate + ingest (+ reports), fresh",
                  "ingest_again": "ingest again, nothing new"}
        for step in ("calamine", "openpyxl", "validate", "ingest", "ingest_again"):
            ms = per_file[step] * 1000
            print(f"{labels[step]:<36}{1 / per_file[step]:>10.1f}{ms:>10.2f}{per_file[step] / floor:>12.2f}"
                  f"{results[step]['max_rss_mb']:>13.0f}")
        print(f"validate + ingest / bare calamine read: {per_file['ingest'] / floor:.2f}×; "
              f"pandas.read_excel(openpyxl) / validate + ingest: {per_file['openpyxl'] / per_file['ingest']:.2f}×")
        print(f"of which start-up (importing pandas, pandera, duckdb, openpyxl), paid once per run: {startup:.2f} s "
              f"= {startup / results['calamine']['seconds']:.2f}× the whole floor run; validate + ingest without it: "
              f"{(results['ingest']['seconds'] - startup) / results['calamine']['seconds']:.2f}×")
        print(f"this process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 500)
