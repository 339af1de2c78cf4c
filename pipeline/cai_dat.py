"""Cài đặt chương trình «Số liệu sơ kết 01 năm chính quyền cấp xã».

Cách dùng (Windows, trong thư mục đã giải nén): py cai_dat.py      (Linux: python3 cai_dat.py)

1. tạo môi trường Python riêng .venv trong thư mục này;
2. cài các thư viện đúng phiên bản và mã băm ghi trong requirements.lock: từ thư mục wheelhouse/
   khi có (không cần mạng), nếu không thì tải từ Internet;
3. cài chương trình (lệnh soket);
4. tạo lối tắt «Sơ kết» trên màn hình: bấm vào là mở trang nộp biểu mẫu trên trình duyệt.

Written with the standard library only: it runs on a fresh Python before anything is installed.
The bundle (pipeline/bundle.py) ships it at its top; in a source checkout it is pipeline/cai_dat.py.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE if (HERE / "pyproject.toml").is_file() else HERE.parent  # the project folder
NAME = "Sơ kết"
SCRIPT = "so_ket"  # the start script's stem beside the project (so_ket.bat / so_ket.sh)
WINDOWS = os.name == "nt"


def venv_python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if WINDOWS else "bin/python")


def step(number: int, text: str) -> None:
    print(f"Bước {number}/4: {text}", flush=True)


def install(env: Path, offline: bool) -> None:
    python = str(venv_python(env))
    source = ["--no-index", "--find-links", str(ROOT / "wheelhouse")] if offline else []
    quiet = ["-q", "--disable-pip-version-check"]
    subprocess.run([python, "-m", "pip", "install", *quiet, "--require-hashes", "--only-binary=:all:", *source,
                    "-r", str(ROOT / "requirements.lock")], check=True)
    step(3, "cài chương trình (lệnh soket)…")
    subprocess.run([python, "-m", "pip", "install", *quiet, "--no-deps", "--no-build-isolation", *source,
                    "-e", str(ROOT)], check=True)


def pythons_served(wheels: Path) -> list[str]:
    """The Python versions the wheelhouse has compiled wheels for («3.12»), from the wheels' names."""
    found = {int(m[1]) for w in wheels.glob("*.whl") for m in re.finditer(r"-cp3(\d+)-cp3\1-", w.name)}
    return [f"3.{minor}" for minor in sorted(found)]


def desktop() -> Path:
    """The user's desktop folder (Windows: as the shell knows it, also when moved to OneDrive)."""
    if WINDOWS:
        import ctypes

        buffer = ctypes.create_unicode_buffer(260)
        if ctypes.windll.shell32.SHGetFolderPathW(None, 0x10, None, 0, buffer) == 0:  # CSIDL_DESKTOPDIRECTORY
            return Path(buffer.value)
    return Path(os.environ.get("XDG_DESKTOP_DIR") or Path.home() / "Desktop")


def start_script(env: Path) -> Path:
    """so_ket.bat / so_ket.sh beside the project: starts the portal, then opens the browser."""
    python = venv_python(env)
    if WINDOWS:
        path = ROOT / f"{SCRIPT}.bat"
        path.write_text(f'@echo off\r\nchcp 65001 >nul\r\ncd /d "{ROOT}"\r\n'
                        f'echo Đang mở trang nộp biểu mẫu; đóng cửa sổ này để dừng.\r\n'
                        f'"{python}" -m pipeline serve --open\r\npause\r\n', encoding="utf-8")
        return path
    path = ROOT / f"{SCRIPT}.sh"
    path.write_text(f'#!/bin/sh\ncd "{ROOT}" || exit 1\nexec "{python}" -m pipeline serve --open\n', encoding="utf-8")
    path.chmod(0o755)
    return path


def shortcut(script: Path, where: Path) -> list[Path]:
    """The «Sơ kết» shortcut: a .bat on a Windows desktop; a .desktop entry on Linux (the desktop
    and the applications menu)."""
    made = []
    if WINDOWS:
        where.mkdir(parents=True, exist_ok=True)
        target = where / f"{NAME}.bat"
        target.write_text(f'@echo off\r\ncall "{script}"\r\n', encoding="utf-8")
        return [target]
    entry = (f"[Desktop Entry]\nType=Application\nName={NAME}\nComment=Mở trang nộp biểu mẫu sơ kết\n"
             f'Exec="{script}"\nPath={ROOT}\nTerminal=true\nCategories=Office;\n')
    menu = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "applications"
    for folder in (where, menu):
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "so-ket.desktop"
        target.write_text(entry, encoding="utf-8")
        target.chmod(0o755)
        made.append(target)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cai_dat.py", description="Cài đặt chương trình Số liệu sơ kết.")
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="thư mục môi trường (mặc định .venv)")
    parser.add_argument("--desktop", type=Path, default=None, help="nơi đặt lối tắt (mặc định: màn hình)")
    parser.add_argument("--no-shortcut", action="store_true", help="không tạo lối tắt")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 (this file runs on whatever Python the user has)
        print("Cần Python 3.11 trở lên (tải từ python.org, bản 64-bit).", file=sys.stderr)
        return 1
    offline = (ROOT / "wheelhouse").is_dir()
    served, running = pythons_served(ROOT / "wheelhouse") if offline else [], f"3.{sys.version_info.minor}"
    if served and running not in served:
        print(f"Gói cài đặt này có thư viện cho Python {', '.join(served)}; máy đang chạy Python {running}. "
              f"Hãy cài Python {served[-1]} bản 64-bit từ python.org rồi chạy: py -{served[-1]} cai_dat.py",
              file=sys.stderr)
        return 1
    try:
        step(1, f"tạo môi trường Python trong {args.venv}…")
        venv.EnvBuilder(with_pip=True).create(args.venv)
        step(2, "cài các thư viện " + ("từ thư mục wheelhouse (không cần mạng)…" if offline
                                       else "(tải từ Internet, đúng phiên bản trong requirements.lock)…"))
        install(args.venv, offline)
    except subprocess.CalledProcessError as exc:
        print(f"Lỗi: cài đặt chưa xong (lệnh trả về mã {exc.returncode}). Xem thông báo ở trên; nếu thiếu "
              "thư viện cho máy này, hãy dùng Python bản 64-bit"
              + (f" {', '.join(served)}" if served else "") + ".", file=sys.stderr)
        return 1
    step(4, "tạo lối tắt «Sơ kết»…")
    script = start_script(args.venv)
    made = [] if args.no_shortcut else shortcut(script, args.desktop or desktop())
    print(f"Đã cài xong. Mở trang nộp biểu mẫu: bấm lối tắt «{NAME}» "
          + (f"({', '.join(str(p) for p in made)}) " if made else "")
          + f"hoặc chạy {script}. Lập báo cáo: {venv_python(args.venv)} -m pipeline build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
