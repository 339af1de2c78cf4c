"""`make bench`: run every tests/bench_*.py benchmark in turn and print its figures.

`python tests/bench.py [NAME…] [--FLAG…]`: only the benchmarks named (upload, national…); flags
go to each one run (`upload --national`: the city load test at the country's size too)."""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent))
    wanted = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    for script in sorted(here.glob("bench_*.py")):
        if wanted and script.stem.removeprefix("bench_") not in wanted:
            continue
        print(f"=== {script.stem} ===", flush=True)
        sys.argv = [str(script), *flags]
        runpy.run_path(str(script), run_name="__main__")
