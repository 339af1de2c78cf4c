"""`make bench`: run every tests/bench_*.py benchmark in turn and print its figures."""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent))
    wanted = sys.argv[1:]
    for script in sorted(here.glob("bench_*.py")):
        if wanted and script.stem.removeprefix("bench_") not in wanted:
            continue
        print(f"=== {script.stem} ===", flush=True)
        runpy.run_path(str(script), run_name="__main__")
