"""`soket bundle`: one zip that installs the program on a machine with no network (a USB stick).

The zip holds one folder: the project (the package, the configuration, examples, notebooks, tests),
`requirements.lock` (every library at its exact version, with hashes), `wheelhouse/` (a wheel of
every locked library for the target platform and each Python version it declares) and `cai_dat.py`,
the installer written with the standard library only (`py cai_dat.py`): it creates `.venv`,
installs from the wheelhouse with no index, then the program, and puts a «Sơ kết» shortcut that
starts the portal and opens the browser.

The lock decides the versions: the wheelhouse is downloaded pin by pin (`--no-deps`, with the pin's
hashes), the lock's markers evaluated for the target (pip would evaluate them for this machine).
"""

from __future__ import annotations

import os
import platform as host
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from pipeline.core import atomic, paths

LOCK = paths.ROOT / "requirements.lock"
INSTALLER = Path(__file__).with_name("cai_dat.py")  # shipped as cai_dat.py at the bundle's top
FOLDER = "so_ket"  # the one folder the zip unpacks to
WHEELHOUSE = "wheelhouse"
WINDOWS, LINUX = "windows", "linux"
# The Python versions python.org offers Windows installers of (64-bit) that a Windows bundle serves:
# a clerk who downloads the newest Python finds its wheels.
WINDOWS_PYTHONS = ("3.11", "3.12", "3.13", "3.14", "3.15")
# The project's files a bundle carries (folders walked, files as they are); inputs/ only its configuration.
# the user guide (docs/, mkdocs.yml) too: the README's links point into it
PROJECT = ("pipeline", "examples", "notebooks", "tests", "docs", "mkdocs.yml", "pyproject.toml", "README.md",
           "Makefile", "requirements.lock", f"inputs/{paths.CONFIG_NAME}", "outputs/README.md", "outputs/.gitkeep")
SKIPPED = ("__pycache__", ".ipynb_checkpoints", ".pytest_cache")
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)\s*(?:;\s*(?P<marker>.+?))?\s*$")


@dataclass(frozen=True)
class Pin:
    """One line of the lock: a library at its exact version, for the machines its marker selects."""

    name: str  # canonical («python-docx»)
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]
    via: tuple[str, ...]  # who requires it, as uv wrote it («pipeline (pyproject.toml)», «pandas»)

    def line(self) -> str:
        """The pin as a requirements line for this pin alone (no marker: chosen already)."""
        return f"{self.name}=={self.version} " + " ".join(f"--hash={h}" for h in self.hashes)


def read_lock(path: Path = LOCK) -> list[Pin]:
    """The pins of a lock written by uv (`make lock`): name==version ; marker, hashes, # via …"""
    pins: list[Pin] = []
    entry: dict | None = None
    lines = path.read_text(encoding="utf-8").splitlines()
    for raw in lines:
        line = raw.strip()
        if entry is not None and line.startswith("--hash="):
            entry["hashes"].append(line.removeprefix("--hash=").rstrip(" \\"))
        elif entry is not None and line.startswith("#") and (line.startswith("# via") or entry["in_via"]):
            entry["in_via"] = True
            who = line.lstrip("# ").removeprefix("via").strip()
            if who:
                entry["via"].append(who)
        elif found := _PIN.match(line.rstrip(" \\")):
            if entry is not None:
                pins.append(_pin(entry))
            entry = {"name": found["name"], "version": found["version"], "marker": found["marker"],
                     "hashes": [], "via": [], "in_via": False}
    if entry is not None:
        pins.append(_pin(entry))
    return pins


def _pin(entry: dict) -> Pin:
    return Pin(canonicalize_name(entry["name"]), entry["version"],
               Marker(entry["marker"]) if entry["marker"] else None, tuple(entry["hashes"]), tuple(entry["via"]))


def environment(target: str, python: str) -> dict[str, str]:
    """The marker environment of a 64-bit CPython `python` ("3.12") on target (windows, linux)."""
    windows = target == WINDOWS
    return {"implementation_name": "cpython", "platform_python_implementation": "CPython",
            "python_version": python, "python_full_version": f"{python}.0",
            "implementation_version": f"{python}.0", "os_name": "nt" if windows else "posix",
            "sys_platform": "win32" if windows else "linux",
            "platform_system": "Windows" if windows else "Linux",
            "platform_machine": "AMD64" if windows else host.machine(),
            "platform_release": "", "platform_version": "", "extra": ""}


def pins_for(pins: list[Pin], target: str, python: str) -> list[Pin]:
    """The pins a machine of that target and Python installs."""
    env = environment(target, python)
    return [p for p in pins if p.marker is None or p.marker.evaluate(env)]


def _platform_args(target: str, python: str) -> list[str]:
    if target == LINUX:  # this machine's own platform and Python
        return []
    return ["--platform", "win_amd64", "--python-version", python, "--implementation", "cp",
            "--abi", f"cp{python.replace('.', '')}"]


def download(pins: list[Pin], target: str, python: str, wheelhouse: Path) -> None:
    """Every pin's wheel for target and python into wheelhouse (a wheel already there is kept)."""
    wheelhouse.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wanted = Path(tmp) / "requirements.txt"
        wanted.write_text("\n".join(p.line() for p in pins_for(pins, target, python)) + "\n", encoding="utf-8")
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--require-hashes", "--disable-pip-version-check", "-q", "-r", str(wanted),
                   "-d", str(wheelhouse), *_platform_args(target, python)]
        subprocess.run(command, check=True)


def pythons_for(target: str) -> tuple[str, ...]:
    return WINDOWS_PYTHONS if target == WINDOWS else (f"{sys.version_info.major}.{sys.version_info.minor}",)


def project_files(root: Path = paths.ROOT) -> list[Path]:
    """The project's files the bundle carries, relative to root."""
    out = []
    for name in PROJECT:
        path = root / name
        if path.is_file():
            out.append(Path(name))
        elif path.is_dir():
            out += sorted(p.relative_to(root) for p in path.rglob("*") if p.is_file()
                          and not any(part in SKIPPED for part in p.parts) and p.suffix != ".pyc")
    return out


def locked_wheels(pins: list[Pin], wheels: Path) -> list[Path]:
    """The wheels in a folder that are of a locked version (a cache may hold older ones)."""
    locked = {(p.name, p.version) for p in pins}
    out = []
    for wheel in sorted(Path(wheels).glob("*.whl")):
        try:
            name, version, _, _ = parse_wheel_filename(wheel.name)
        except InvalidWheelFilename:
            continue
        if (name, str(version)) in locked:
            out.append(wheel)
    return out


def zip_name(target: str) -> str:
    return f"{FOLDER}_{target}.zip"


def build(out: Path, target: str = WINDOWS, pythons: tuple[str, ...] | None = None,
          wheels: Path | None = None, root: Path = paths.ROOT) -> Path:
    """Write out/so_ket_<target>.zip; wheels: where the wheelhouse is downloaded (and kept, so a
    second bundle downloads nothing new; default out/wheels_<target>)."""
    pins = read_lock(root / "requirements.lock")
    wheels = Path(wheels) if wheels else Path(out) / f"wheels_{target}"
    for python in pythons_for(target) if pythons is None else pythons:
        download(pins, target, python, wheels)

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for rel in project_files(root):
                archive.write(root / rel, f"{FOLDER}/{rel.as_posix()}")
            archive.write(INSTALLER, f"{FOLDER}/{INSTALLER.name}")
            for wheel in locked_wheels(pins, wheels):
                archive.write(wheel, f"{FOLDER}/{WHEELHOUSE}/{wheel.name}", zipfile.ZIP_STORED)

    Path(out).mkdir(parents=True, exist_ok=True)
    return atomic.replace(Path(out) / zip_name(target), write)


def size_text(path: Path) -> str:
    return f"{os.path.getsize(path) / 1e6:,.0f} MB".replace(",", ".")
