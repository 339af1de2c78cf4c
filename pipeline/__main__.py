"""Command line: python -m pipeline <command> (templates, demo, validate, ingest, build, explain, config, serve,
user, bundle, sao-luu, khoi-phuc, xac-nhan-goi, test).

Installed (`pip install -e .`), the same commands are `soket <command>` (Windows: no make needed).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from pipeline.core import paths
from pipeline.core.config import ConfigError, load

ERRORS = [(r"^argument ", "tham số "), (r"invalid choice: (\S+) \(choose from (.*)\)", r"không có \1 (chọn một trong: \2)"),
          (r"invalid (\w+) value: ", "giá trị không hợp lệ: "), (r"expected one argument", "cần một giá trị"),
          (r"the following arguments are required: ", "thiếu tham số: "),
          (r"unrecognized arguments: ", "không hiểu các tham số: ")]  # argparse's messages, in Vietnamese
INPUTS_HELP = "thư mục nhận tệp của các đơn vị (mặc định: inputs)"
OUTPUTS_HELP = "thư mục ghi kết quả, phải ở ngoài thư mục nhận tệp (mặc định: outputs)"


def _templates(args: argparse.Namespace) -> int:
    from pipeline.outputs import templates

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
    from pipeline.checks import validate

    return validate.main(args.files, load(args.config))


def _ingest(args: argparse.Namespace) -> int:
    from pipeline.checks import crosscheck
    from pipeline.core import atomic
    from pipeline.store import ingest, warehouse

    config = load(args.config)
    atomic.HELD.clear()
    try:
        summary = ingest.run(args.inputs, args.outputs, config)
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


def _explain(args: argparse.Namespace) -> int:
    """Where a printed figure comes from: formula in words, value, each contributing cell."""
    import duckdb

    from pipeline.outputs import provenance, report
    from pipeline.store import warehouse

    config = load(args.config)
    try:
        con = warehouse.connect(args.outputs, read_only=True)
        try:
            print(report.explain(con, config, args.name).text())
        finally:
            con.close()
    except warehouse.WarehouseBusy as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except provenance.Unknown as exc:
        print(f"Lỗi: {exc.args[0]}", file=sys.stderr)
        return 2
    except duckdb.Error:  # a warehouse of an earlier version, not yet rebuilt
        print(f"Lỗi: kho dữ liệu trong {args.outputs} chưa có vị trí ô của số liệu (lập bằng phiên bản cũ). "
              "Hãy chạy «soket build» (hoặc «soket ingest») rồi hỏi lại.", file=sys.stderr)
        return 1
    return 0


def _config(args: argparse.Namespace) -> int:
    """`config check`: every mistake of the configuration at once (load raises them all), or a
    short summary of what it configures."""
    config = load(args.config)
    print(f"Cấu hình {config.path} hợp lệ: {config.full_name}, kỳ báo cáo {config.period_text}, "
          f"hạn nộp {config.deadline:%H:%M %d/%m/%Y}, {len(config.units)} đơn vị "
          f"({', '.join(u.code for u in config.units)}), đơn vị thường trực {config.standing_unit}.")
    return 0


def _open_when_up(host: str, port: int, tries: int = 120) -> None:
    """Open the portal in the browser once it answers (the «Sơ kết» shortcut starts it so)."""
    import socket
    import time
    import webbrowser

    address = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    for _ in range(tries):
        try:
            socket.create_connection((address, port), timeout=1).close()
        except OSError:
            time.sleep(0.5)
            continue
        webbrowser.open(f"http://{address}:{port}/")
        return


def _serve(args: argparse.Namespace) -> int:
    import threading

    from pipeline.web import app

    if args.open:
        threading.Thread(target=_open_when_up, args=(args.host, args.port), daemon=True).start()
    app.serve(args.host, args.port, args.inputs, args.outputs, args.config)
    return 0


def _user(args: argparse.Namespace) -> int:
    from pipeline.web import accounts

    return accounts.main(args)


def _bundle(args: argparse.Namespace) -> int:
    """One zip to install with no network: the project, the locked wheels, the installer."""
    from pipeline import bundle

    pythons = tuple(args.python) if args.python else bundle.pythons_for(args.platform)
    print(f"Đang tải thư viện cho {args.platform} (Python {', '.join(pythons)}) và đóng gói…", flush=True)
    try:
        path = bundle.build(args.out, args.platform, pythons, args.wheels)
    except subprocess.CalledProcessError:
        print("Lỗi: không tải được thư viện (cần mạng lần đầu; xem thông báo của pip ở trên).", file=sys.stderr)
        return 1
    print(f"Đã tạo gói cài đặt: {path} ({bundle.size_text(path)}). Chép vào máy cần cài, giải nén, "
          f"mở thư mục {bundle.FOLDER} rồi chạy: " + ("py cai_dat.py" if args.platform == bundle.WINDOWS
                                                      else "python3 cai_dat.py"))


def _backup(args: argparse.Namespace) -> int:
    from pipeline.store import backup

    try:
        print(backup.create(args.inputs, args.folder).text())
    except backup.BackupError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    return 0


def _restore(args: argparse.Namespace) -> int:
    from pipeline.store import backup

    target = args.vao or args.archive.with_name(args.archive.stem)
    try:
        count = backup.restore(args.archive, target)
    except backup.BackupError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    print(f"Đã khôi phục {count} tệp của hồ sơ vào {target}. Chạy «soket build --inputs {target} --outputs "
          "<thư mục kết quả>» để lập lại báo cáo từ hồ sơ này.")
    return 0


def _sign_package(args: argparse.Namespace) -> int:
    from pipeline.outputs import package

    config = load(args.config or args.inputs / paths.CONFIG_NAME)
    try:
        record = package.sign_off(args.inputs, args.outputs, config, args.user, args.ten)
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    print(f"{args.ten} đã xác nhận gói số liệu trong {args.outputs / paths.PACKAGE_DIR} lúc "
          f"{record['signed_at']:%H:%M %d/%m/%Y}. Chạy lại chương trình (soket build) để ghi xác nhận vào gói, rồi gửi gói.")
    return 0


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


class VnFormatter(argparse.HelpFormatter):
    """argparse's help with its few fixed English words in Vietnamese."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class VnParser(argparse.ArgumentParser):
    """An ArgumentParser whose every help text (its own and its commands') is Vietnamese."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", VnFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title, self._optionals.title = "tham số", "tùy chọn"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="in hướng dẫn này rồi thoát")

    def error(self, message: str):
        for english, vietnamese in ERRORS:
            message = re.sub(english, vietnamese, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = VnParser(prog="soket", description="Số liệu sơ kết 01 năm chính quyền cấp xã")
    p.add_argument("--config", type=Path, default=None, metavar="TỆP",
                   help="tệp cấu hình của đơn vị (mặc định: inputs/commune.toml)")
    sub = p.add_subparsers(dest="command", required=True, title="các lệnh", metavar="LỆNH",
                           parser_class=VnParser)

    s = sub.add_parser("templates", help=(t := "tạo biểu mẫu trống cho các đơn vị"), description=t)
    s.add_argument("--out", type=Path, default=paths.OUTPUTS / "templates", metavar="THƯ_MỤC",
                   help="thư mục ghi biểu mẫu (mặc định: outputs/templates)")
    s.add_argument("--unit", metavar="MÃ", help="chỉ tạo biểu mẫu của đơn vị có mã này")
    s.set_defaults(func=_templates)

    s = sub.add_parser("demo", help=(t := "tạo bộ biểu mẫu có số liệu minh họa"), description=t)
    s.add_argument("--out", type=Path, default=paths.OUTPUTS / "demo_inputs", metavar="THƯ_MỤC",
                   help="thư mục ghi bộ biểu mẫu minh họa (mặc định: outputs/demo_inputs)")
    s.set_defaults(func=_demo)

    s = sub.add_parser("validate", help=(t := "kiểm tra biểu mẫu đã điền (không thay đổi gì)"), description=t)
    s.add_argument("files", nargs="+", type=Path, metavar="TỆP", help="các tệp .xlsx cần kiểm tra")
    s.set_defaults(func=_validate)

    for name, helptext, func in (("ingest", "nhận các biểu mẫu trong inputs/ vào kho dữ liệu", _ingest),
                                 ("build", "chạy toàn bộ: biểu mẫu → kiểm tra → kho → phụ lục → báo cáo", _build)):
        s = sub.add_parser(name, help=helptext, description=helptext)
        s.add_argument("--inputs", type=Path, default=paths.INPUTS, metavar="THƯ_MỤC", help=INPUTS_HELP)
        s.add_argument("--outputs", type=Path, default=paths.OUTPUTS, metavar="THƯ_MỤC", help=OUTPUTS_HELP)
        s.set_defaults(func=func)

    s = sub.add_parser("explain", help=(t := "cho biết một số liệu trong báo cáo, phụ lục được tính từ những ô nào"),
                       description=t + " (chạy sau lệnh build hoặc ingest)")
    s.add_argument("name", metavar="TÊN", help="tên bảng số liệu (nhan_su_theo_co_quan), một ô của bảng "
                   "(bảng:cột:dòng, ví dụ nhan_su_theo_co_quan:hien_co:Cộng), chỉ số (ty_le_truc_tuyen) "
                   "hoặc trường của mẫu báo cáo (tthc_ty_le_truc_tuyen)")
    s.add_argument("--outputs", type=Path, default=paths.OUTPUTS, metavar="THƯ_MỤC",
                   help="thư mục kết quả có kho dữ liệu (mặc định: outputs)")
    s.set_defaults(func=_explain)

    s = sub.add_parser("config", help=(t := "kiểm tra tệp cấu hình, liệt kê mọi lỗi một lần"), description=t)
    s.add_argument("action", choices=("check",), metavar="VIỆC", help="check: kiểm tra tệp cấu hình "
                   "(mặc định inputs/commune.toml, hoặc tệp ghi sau --config)")
    s.set_defaults(func=_config)

    s = sub.add_parser("serve", help=(t := "chạy trang nộp biểu mẫu cho các đơn vị"), description=t)
    s.add_argument("--host", default="127.0.0.1", metavar="ĐỊA_CHỈ",
                   help="địa chỉ mở trang (mặc định 127.0.0.1: chỉ máy này; 0.0.0.0: cả mạng nội bộ)")
    s.add_argument("--port", type=int, default=8000, metavar="CỔNG", help="cổng mở trang (mặc định 8000)")
    s.add_argument("--inputs", type=Path, default=paths.INPUTS, metavar="THƯ_MỤC", help=INPUTS_HELP)
    s.add_argument("--outputs", type=Path, default=paths.OUTPUTS, metavar="THƯ_MỤC", help=OUTPUTS_HELP)
    s.add_argument("--open", action="store_true", help="mở trình duyệt khi trang đã sẵn sàng")
    s.set_defaults(func=_serve)

    s = sub.add_parser("user", help=(t := "quản lý tài khoản trang nộp biểu mẫu (add, passwd, list)"), description=t)
    s.add_argument("action", choices=("add", "passwd", "list"), metavar="VIỆC",
                   help="add: tạo tài khoản; passwd: đổi mật khẩu; list: liệt kê tài khoản")
    s.add_argument("username", nargs="?", metavar="TÊN", help="tên đăng nhập của tài khoản")
    s.add_argument("--unit", metavar="MÃ", help="mã đơn vị của tài khoản")
    s.add_argument("--role", choices=("member", "head"), default="member", metavar="VAI_TRÒ",
                   help="member: cán bộ nhập số liệu (mặc định); head: thủ trưởng đơn vị, xác nhận số liệu")
    s.add_argument("--name", metavar="HỌ_TÊN", help="họ và tên (bắt buộc với --role head)")
    s.add_argument("--inputs", type=Path, default=paths.INPUTS, metavar="THƯ_MỤC",
                   help="thư mục nhận tệp; tài khoản lưu ở inputs/accounts.json")
    s.set_defaults(func=_user)

    s = sub.add_parser("bundle", help=(t := "đóng gói cài đặt không cần mạng (mặc định cho Windows 64-bit)"),
                       description=t + ": chương trình, thư viện đúng phiên bản đã khóa, tệp cài đặt cai_dat.py")
    s.add_argument("--platform", choices=("windows", "linux"), default="windows", metavar="HỆ_ĐIỀU_HÀNH",
                   help="windows (mặc định; Windows 64-bit, mọi bản Python 3 python.org đang cung cấp) hoặc linux (máy này)")
    s.add_argument("--python", action="append", metavar="PHIÊN_BẢN", help="chỉ phiên bản Python này, ví dụ 3.12 "
                   "(ghi nhiều lần được)")
    s.add_argument("--out", type=Path, default=paths.OUTPUTS / "bundle", metavar="THƯ_MỤC",
                   help="thư mục ghi gói (mặc định: outputs/bundle)")
    s.add_argument("--wheels", type=Path, default=None, metavar="THƯ_MỤC",
                   help="thư mục giữ thư viện đã tải, để lần sau không tải lại (mặc định: trong --out)")
    s.set_defaults(func=_bundle)

    s = sub.add_parser("sao-luu", help=(t := "sao lưu toàn bộ hồ sơ (thư mục inputs) vào một tệp nén có bảng kê mã "
                       "kiểm tra"), description=t)
    s.add_argument("folder", type=Path, metavar="THƯ_MỤC", help="thư mục ghi tệp sao lưu (nên là ổ USB hoặc ổ đĩa khác)")
    s.add_argument("--inputs", type=Path, default=paths.INPUTS, metavar="THƯ_MỤC", help=INPUTS_HELP)
    s.set_defaults(func=_backup)

    s = sub.add_parser("khoi-phuc", help=(t := "khôi phục hồ sơ từ tệp sao lưu vào một thư mục trống"), description=t)
    s.add_argument("archive", type=Path, metavar="TỆP", help="tệp sao lưu (.zip) do lệnh sao-luu tạo")
    s.add_argument("--vao", type=Path, default=None, metavar="THƯ_MỤC",
                   help="thư mục trống nhận hồ sơ (mặc định: thư mục cùng tên với tệp sao lưu, bên cạnh tệp)")
    s.set_defaults(func=_restore)

    s = sub.add_parser("xac-nhan-goi", help=(t := "thủ trưởng xác nhận gói số liệu gửi cấp trên (outputs/package)"),
                       description=t)
    s.add_argument("--ten", required=True, metavar="HỌ_TÊN", help="họ và tên thủ trưởng xác nhận")
    s.add_argument("--user", default="", metavar="TÊN", help="tên đăng nhập của thủ trưởng (nếu có)")
    s.add_argument("--inputs", type=Path, default=paths.INPUTS, metavar="THƯ_MỤC", help=INPUTS_HELP)
    s.add_argument("--outputs", type=Path, default=paths.OUTPUTS, metavar="THƯ_MỤC", help=OUTPUTS_HELP)
    s.set_defaults(func=_sign_package)

    s = sub.add_parser("test", help=(t := "chạy bộ kiểm thử của chương trình (như make test)"), description=t)
    s.add_argument("pytest_args", nargs=argparse.REMAINDER, metavar="TUỲ_CHỌN", help="tùy chọn chuyển cho pytest, ví dụ -m \"not slow\"")
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
    refused = paths.outputs_inside_inputs(args.inputs, args.outputs) \
        if hasattr(args, "inputs") and hasattr(args, "outputs") else None  # `user` has no outputs
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
