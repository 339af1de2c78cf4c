"""Every path the pipeline uses, anchored to the package, never to the working directory."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
INPUTS = ROOT / "inputs"
OUTPUTS = ROOT / "outputs"
SQL = PACKAGE / "sql"
CONFIG_NAME = "commune.toml"
