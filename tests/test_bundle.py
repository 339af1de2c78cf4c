"""The offline bundle (issue 25): `soket bundle` writes one zip (the project, a wheel of every locked
library, the lock, the installer cai_dat.py); the installer sets the program up with no network
and puts a «Sơ kết» shortcut; a Windows bundle has a 64-bit wheel of every locked library for each
Python version it declares."""

import os
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from packaging import tags
from packaging.utils import parse_wheel_filename

from pipeline import __main__ as cli
from pipeline import bundle
from pipeline.core import paths

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "soket-bundle"  # wheels, kept
OFFLINE = {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "HTTP_PROXY": "http://127.0.0.1:9",
           "HTTPS_PROXY": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9",
           "https_proxy": "http://127.0.0.1:9", "NO_PROXY": "", "no_proxy": ""}


def _download_or_skip(target: str, pythons: tuple[str, ...], wheels: Path) -> None:
    """The locked wheels into wheels (a cache: what is there already is not downloaded again)."""
    pins = bundle.read_lock()
    try:
        for python in pythons:
            bundle.download(pins, target, python, wheels)
    except subprocess.CalledProcessError:
        pytest.skip("không tải được thư viện từ PyPI (máy không có mạng?) và bộ nhớ đệm "
                    f"{wheels} chưa có đủ")


def test_the_zip_holds_the_project_the_locked_wheels_and_the_installer(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    pin = next(p for p in bundle.read_lock() if p.name == "duckdb")
    locked = f"duckdb-{pin.version}-cp311-cp311-manylinux_2_27_x86_64.whl"
    for name in (locked, "duckdb-0.0.1-cp311-cp311-manylinux_2_27_x86_64.whl"):  # the second: an old version
        (wheels / name).write_bytes(b"PK")
    path = bundle.build(tmp_path / "out", bundle.LINUX, pythons=(), wheels=wheels)
    assert path.name == "so_ket_linux.zip"
    names = set(zipfile.ZipFile(path).namelist())
    top = bundle.FOLDER
    assert {f"{top}/cai_dat.py", f"{top}/requirements.lock", f"{top}/pyproject.toml", f"{top}/README.md",
            f"{top}/pipeline/__main__.py", f"{top}/inputs/{paths.CONFIG_NAME}", f"{top}/examples/city.toml",
            f"{top}/{bundle.WHEELHOUSE}/{locked}"} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "duckdb-0.0.1" in n]
    assert [n for n in names if n.startswith(f"{top}/inputs/")] == [f"{top}/inputs/{paths.CONFIG_NAME}"]


def test_serve_open_opens_the_browser_once_the_portal_answers(monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        thread = threading.Thread(target=cli._open_when_up, args=("0.0.0.0", port, 20))
        thread.start()
        thread.join()
    assert opened == [f"http://127.0.0.1:{port}/"]


@pytest.mark.slow
def test_the_linux_bundle_installs_offline_and_builds(tmp_path):
    """Build the Linux bundle for this Python, unpack it into a fresh folder, install it with its own
    installer with the network cut (no index, an unreachable proxy, no pip configuration), then
    `soket build` from the installed program."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    wheels = CACHE / f"wheels_linux_{python}"
    _download_or_skip(bundle.LINUX, (python,), wheels)
    path = bundle.build(tmp_path / "out", bundle.LINUX, pythons=(), wheels=wheels)
    place, home = tmp_path / "may_moi", tmp_path / "home"
    zipfile.ZipFile(path).extractall(place)
    root = place / bundle.FOLDER
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env |= OFFLINE | {"HOME": str(home), "XDG_DATA_HOME": str(home / "share")}
    done = subprocess.run([sys.executable, "cai_dat.py", "--desktop", str(home / "Desktop")], cwd=root, env=env,
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "wheelhouse (không cần mạng)" in done.stdout and "Đã cài xong" in done.stdout
    # The same libraries as the lock, to the version.
    frozen = subprocess.run([str(root / ".venv/bin/python"), "-m", "pip", "list", "--format=freeze"], env=env,
                            capture_output=True, text=True, check=True).stdout
    have = {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
            for line in frozen.splitlines() if "==" in line}
    for pin in bundle.pins_for(bundle.read_lock(), bundle.LINUX, python):
        assert have.get(pin.name) == pin.version, pin.name
    # The shortcut starts the portal and opens the browser.
    entry = (home / "Desktop" / "so-ket.desktop").read_text(encoding="utf-8")
    assert "Name=Sơ kết" in entry and str(root / "so_ket.sh") in entry
    assert (home / "share" / "applications" / "so-ket.desktop").is_file()
    assert "-m pipeline serve --open" in (root / "so_ket.sh").read_text(encoding="utf-8")
    # The installed program builds the report from its own folder (the demo set).
    built = subprocess.run([str(root / ".venv/bin/soket"), "build"], cwd=root, env=env,
                           capture_output=True, text=True, encoding="utf-8")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (root / "outputs" / "bao_cao_so_ket.docx").is_file()
    assert (root / "outputs" / "phu_luc_so_lieu.xlsx").is_file()


def _windows_tags(python: str) -> set[tags.Tag]:
    version = tuple(int(part) for part in python.split("."))
    return {*tags.cpython_tags(version, platforms=["win_amd64"]),
            *tags.compatible_tags(version, platforms=["win_amd64"])}


@pytest.mark.slow
def test_the_windows_bundle_has_a_64_bit_wheel_of_every_locked_library(tmp_path):
    """For each Python version the Windows bundle declares, every library that version installs (the
    lock's markers evaluated for Windows) has a wheel that a 64-bit CPython of it can install. Downloads
    from PyPI once (kept in ~/.cache/soket-bundle); skipped when PyPI cannot be reached."""
    try:
        socket.create_connection(("pypi.org", 443), timeout=10).close()
    except OSError as exc:
        pytest.skip(f"không kết nối được pypi.org ({exc}): không tải được thư viện cho Windows")
    wheels = CACHE / "wheels_windows"
    _download_or_skip(bundle.WINDOWS, bundle.WINDOWS_PYTHONS, wheels)
    path = bundle.build(tmp_path, bundle.WINDOWS, pythons=(), wheels=wheels)
    inside = [Path(n).name for n in zipfile.ZipFile(path).namelist() if n.endswith(".whl")]
    shipped = {}
    for name in inside:
        project, version, _, wheel_tags = parse_wheel_filename(name)
        shipped.setdefault((project, str(version)), set()).update(wheel_tags)
    missing = []
    for python in bundle.WINDOWS_PYTHONS:
        wanted = _windows_tags(python)
        for pin in bundle.pins_for(bundle.read_lock(), bundle.WINDOWS, python):
            if not shipped.get((pin.name, pin.version), set()) & wanted:
                missing.append(f"Python {python}: {pin.name}=={pin.version}")
    assert not missing, "no Windows 64-bit wheel in the bundle for:\n" + "\n".join(missing)


def test_the_installer_knows_which_pythons_its_wheelhouse_serves(tmp_path):
    from pipeline import cai_dat

    for name in ("numpy-2.5.5-cp312-cp312-win_amd64.whl", "numpy-2.5.5-cp313-cp313-win_amd64.whl",
                 "numpy-2.5.5-cp313-cp313t-win_amd64.whl", "argon2_cffi_bindings-25.1.0-cp39-abi3-win_amd64.whl",
                 "pandas-3.1.1-cp311-cp311-win_amd64.whl", "six-1.17.0-py2.py3-none-any.whl"):
        (tmp_path / name).write_bytes(b"PK")
    assert cai_dat.pythons_served(tmp_path) == ["3.11", "3.12", "3.13"]
