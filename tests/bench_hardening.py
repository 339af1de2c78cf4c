"""Benchmark: hostile-sized files are handled in bounded time and memory (issue 10).

Rows: a 100,000-row free list (3-4 MB .xlsx) ingested into a fresh warehouse, and a list at the
row limit whose every cell is wrong (tens of thousands of problems, feedback workbooks written).
Each runs in its own subprocess, so peak memory (max RSS) is that step's alone. Run by
`make bench` (tests/bench.py) or alone: `.venv/bin/python tests/bench_hardening.py`.
Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIST_ROWS = 100_000


def list_file(folder: Path, rows: int, bad: bool) -> Path:
    """A filled phan_cap workbook whose list sheet holds rows rows (written straight into its XML;
    openpyxl would take minutes); rows 0: as many as the reader accepts. bad: every checked cell wrong."""
    from pipeline.core import paths
    from pipeline.core.config import load
    from pipeline.intake import read
    from pipeline.topics import CATALOG
    from tests.receive_util import filled

    config = load(paths.INPUTS / paths.CONFIG_NAME)
    rows = rows or read.row_limit(CATALOG["phan_cap"].sheet("nhiem_vu"), config) - 6
    path = filled(config, "phan_cap", folder, f"danh_sach_{rows}{'_sai' if bad else ''}.xlsx")
    with zipfile.ZipFile(path) as zf:
        part = read.sheet_parts(zf)["Nhiệm vụ"]
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    xml = entries[part].decode()
    head, tail = xml.split("<sheetData>", 1)
    _, after = tail.split("</sheetData>", 1)
    keep = tail[: tail.index("<row r=\"6\"")]  # title and header rows
    choice = ("Không rõ", "Khác hẳn") if bad else ("Tỉnh phân cấp", "Hành chính tư pháp")

    def cell(ref: str, value: object) -> str:
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    body = []
    for r in range(6, 6 + rows):
        values = [r - 5, f"Nhiệm vụ số {r}", choice[0], choice[1], "nhiều" if bad else "Phân cấp",
                  f"Quyết định {r}", "mười" if bad else 2, "Chưa rõ" if bad else "Đã triển khai"]
        body.append(f'<row r="{r}">' + "".join(cell(f"{'ABCDEFGH'[i]}{r}", v) for i, v in enumerate(values)) + "</row>")
    entries[part] = (head + "<sheetData>" + keep + "".join(body) + "</sheetData>" + after).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


STEPS = {
    "startup": """
from pipeline.core import paths
from pipeline.checks import validate
from pipeline.store import ingest
from pipeline.core.config import load
result = {}
""",
    "ingest": """
from pipeline.core import paths
from pipeline.store import ingest
from pipeline.core.config import load
config = load(paths.INPUTS / paths.CONFIG_NAME)
summary = ingest.run(inputs, outputs, config)
report = summary.rejected[0]
result = {"status": report.status, "errors": report.error_count, "first": report.errors[0].rule[:90]}
""",
    "feedback": """
from pipeline.core import paths
from pipeline.checks import validate
from pipeline.core.config import load
config = load(paths.INPUTS / paths.CONFIG_NAME)
report = validate.check_file(file, config)
checked = time.perf_counter() - start
validate.write_outputs(report, outputs / "validation")
result = {"status": report.status, "errors": report.error_count, "listed": len(report.problems),
          "rows": len(report.data["nhiem_vu"]),
          "check_s": round(checked, 2)}
""",
}

RUNNER = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
inputs, outputs, file = Path({inputs!r}), Path({outputs!r}), Path({file!r})
start = time.perf_counter()
{body}
result["seconds"] = time.perf_counter() - start
result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result, ensure_ascii=False))
"""


def generate(folder: Path, rows: int, bad: bool) -> Path:
    """list_file in a child process, so that this process stays small (a child's max RSS
    starts from its parent's)."""
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
            f"from tests.bench_hardening import list_file; print(list_file(Path({str(folder)!r}), {rows}, {bad}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return Path(done.stdout.strip().splitlines()[-1])


def measure(step: str, folder: Path, file: Path) -> dict:
    code = RUNNER.format(root=str(ROOT), inputs=str(folder / "inputs"), outputs=str(folder / "outputs"),
                         file=str(file), body=STEPS[step])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from pipeline.core import (
        paths,  # light: the measured steps import the rest in their own process
    )

    with tempfile.TemporaryDirectory(prefix="bench_hardening_") as tmp:
        folder = Path(tmp)
        (folder / "inputs").mkdir()
        shutil.copy(paths.INPUTS / paths.CONFIG_NAME, folder / "inputs" / paths.CONFIG_NAME)
        t0 = time.perf_counter()
        big = generate(folder / "inputs", LIST_ROWS, bad=False)
        print(f"Generated a {LIST_ROWS:,}-row list ({big.stat().st_size / 1024 / 1024:.1f} MB) "
              f"in {time.perf_counter() - t0:.1f} s")
        startup = measure("startup", folder, big)
        ingest = measure("ingest", folder, big)
        wrong = generate(folder / "bad", 0, bad=True)
        feedback = measure("feedback", folder, wrong)
        print(f"{'step':<58}{'seconds':>9}{'peak RSS MB':>13}")
        first = f"ingest of a {LIST_ROWS:,}-row list (refused unread)"
        second = f"check + feedback, {feedback['rows']:,} rows all wrong ({feedback['errors']:,} errors)"
        print(f"{'start-up alone (imports), paid by both rows below':<58}{startup['seconds']:>9.2f}"
              f"{startup['max_rss_mb']:>13.0f}")
        print(f"{first:<58}{ingest['seconds']:>9.2f}{ingest['max_rss_mb']:>13.0f}")
        print(f"{second:<58}{feedback['seconds']:>9.2f}{feedback['max_rss_mb']:>13.0f}")
        print(f"  of which the check: {feedback['check_s']:.2f} s; problems listed in full: {feedback['listed']:,}")
        print(f"  the refusal: {ingest['first']}…")


if __name__ == "__main__":
    main()
