"""Benchmark: `make all` (python -m pipeline build) on the demo set, fresh outputs, then a re-run
with nothing changed. Each run is a subprocess; peak memory is its max RSS (ru_maxrss of
children). Aims on the 2-core machine: under 10 s and under 1 s. Prints figures only.

Run by `make bench` (tests/bench.py) or alone: `.venv/bin/python tests/bench_build.py`.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(inputs: Path, outputs: Path) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MiB) of one build in a fresh child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipeline", "build", "--inputs", str(inputs),
                           "--outputs", str(outputs)], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        raise SystemExit(f"build failed with exit code {done.returncode}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far: report it when this child raised it
    return elapsed, max(peak, before) / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = Path(tmp) / "inputs", Path(tmp) / "outputs"
        inputs.mkdir()
        shutil.copy(ROOT / "inputs" / "commune.toml", inputs)
        full, full_mem = _run(inputs, outputs)
        again, _ = _run(inputs, outputs)
        print(f"make all, demo set, fresh outputs : {full:6.2f} s   peak memory {full_mem:7.1f} MiB   (aim < 10 s)")
        print(f"make all again, nothing changed   : {again:6.2f} s   (aim < 1 s)")
        print(f"outputs: {sum(1 for _ in outputs.rglob('*') if _.is_file())} files")


if __name__ == "__main__":
    main()
