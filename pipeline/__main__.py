"""Command line: python -m pipeline <command> (templates, demo, validate, ingest, build, serve, user, test).

Installed (`pip install -e .`), the same commands are `soket <command>` (Windows: no make needed).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from pipeline import paths
from pipeline.config import ConfigError, load


def _templates(args: argparse.Namespace) -> int:
    from pipeline import templates

    config = load(args.config)
    if args.unit and args.unit not in [u.code for u in config.units]:
        print(f"Không có đơn vị mã '{args.unit}'. Các mã hợp lệ: {', '.join(u.code for u in config.units)}.",
              file=sys.stderr)
        return 2
    for path in templates.write_all(args.out, config, args.unit):
        print(f"Đã tạo biểu mẫu: {path}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from pipeline import demo

    for path in demo.write_all(args.out, load(args.config)):
        print(f"Đã tạo biểu mẫu có số liệu minh họa: {path}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from pipeline import validate

    return validate.main(args.files, load(args.config))


def _ingest(args: argparse.Namespace) -> int:
    from pipeline import atomic, crosscheck, warehouse

    config = load(args.config)
    atomic.HELD.clear()
    try:
        summary = warehouse.ingest(args.inputs, args.outputs, config)
        con = warehouse.connect(args.outputs, read_only=True)
        try:
            found = crosscheck.outcomes(con)
        finally:
            con.close()
    except warehouse.WarehouseBusy as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    print(summary.text())
    for held in atomic.HELD:  # the overview open in Excel: the new one is beside it
        print(held.text())
    lines = crosscheck.summary_lines([o.finding for o in found if o.finding], found, config)
    print("\n".join(lines[:1] + [f"  - {line}" for line in lines[1:]]))
    return 0


def _build(args: argparse.Namespace) -> int:
    from pipeline import build

    return build.run(args.inputs, args.outputs, args.config)


def _serve(args: argparse.Namespace) -> int:
    from pipeline.web import app

    app.serve(args.host, args.port, args.inputs, args.outputs, args.config)
    return 0


def _user(args: argparse.Namespace) -> int:
    from pipeline.web import accounts

    return accounts.main(args)


def _test(args: argparse.Namespace) -> int:
    """The test suite (what `make test` runs), from the project folder, every child in UTF-8."""
    env = dict(os.environ, PYTHONUTF8="1", PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "pytest", *args.pytest_args], cwd=paths.ROOT, env=env).returncode


def utf8_output() -> None:
    """Print UTF-8 even where the platform would encode a pipe or a file in its ANSI code page
    (Windows: cp1258 cannot encode «ế»); a Windows console is already UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="soket",
                                description="Số liệu sơ kết 01 năm chính quyền cấp xã")
    p.add_argument("--config", type=Path, default=None,
                   help="tệp cấu hình của đơn vị (mặc định: inputs/commune.toml)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("templates", help="tạo biểu mẫu trống cho các đơn vị")
    s.add_argument("--out", type=Path, default=paths.OUTPUTS / "templates")
    s.add_argument("--unit", help="chỉ tạo biểu mẫu của đơn vị có mã này")
    s.set_defaults(func=_templates)

    s = sub.add_parser("demo", help="tạo bộ biểu mẫu có số liệu minh họa")
    s.add_argument("--out", type=Path, default=paths.OUTPUTS / "demo_inputs")
    s.set_defaults(func=_demo)

    s = sub.add_parser("validate", help="kiểm tra biểu mẫu đã điền (không thay đổi gì)")
    s.add_argument("files", nargs="+", type=Path)
    s.set_defaults(func=_validate)

    for name, helptext, func in (("ingest", "nhận các biểu mẫu trong inputs/ vào kho dữ liệu", _ingest),
                                 ("build", "chạy toàn bộ: biểu mẫu → kiểm tra → kho → phụ lục → báo cáo", _build)):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("--inputs", type=Path, default=paths.INPUTS)
        s.add_argument("--outputs", type=Path, default=paths.OUTPUTS)
        s.set_defaults(func=func)

    s = sub.add_parser("serve", help="chạy trang nộp biểu mẫu cho các đơn vị")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--inputs", type=Path, default=paths.INPUTS)
    s.add_argument("--outputs", type=Path, default=paths.OUTPUTS)
    s.set_defaults(func=_serve)

    s = sub.add_parser("user", help="quản lý tài khoản trang nộp biểu mẫu (add, passwd, list)")
    s.add_argument("action", choices=("add", "passwd", "list"))
    s.add_argument("username", nargs="?")
    s.add_argument("--unit", help="mã đơn vị của tài khoản")
    s.add_argument("--inputs", type=Path, default=paths.INPUTS, help="tài khoản lưu ở inputs/accounts.json")
    s.set_defaults(func=_user)

    s = sub.add_parser("test", help="chạy bộ kiểm thử của chương trình (như make test)")
    s.add_argument("pytest_args", nargs=argparse.REMAINDER, help="tuỳ chọn chuyển cho pytest, ví dụ -m \"not slow\"")
    s.set_defaults(func=_test)
    return p


def main(argv: list[str] | None = None) -> int:
    utf8_output()
    p = parser()
    args, extra = p.parse_known_args(argv)
    if args.command == "test":
        args.pytest_args = [*extra, *args.pytest_args]  # pytest's own options, e.g. -q -m "not slow"
    elif extra:
        p.error(f"không hiểu các tham số: {' '.join(extra)}")
    refused = paths.outputs_inside_inputs(args.inputs, args.outputs) if hasattr(args, "outputs") else None
    if refused:
        print(f"Lỗi: {refused}", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"Lỗi cấu hình: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
