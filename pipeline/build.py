"""`make all`: templates → (demo set) → validation + warehouse → indicators → charts → annex → report.

A re-run with nothing changed does nothing expensive: the fingerprint of the inputs (names,
sizes, modification times), the configuration and the code is compared with the one saved by
the last complete build, and the stored summary is shown again (unless an output is unreadable,
e.g. half-written by a killed run: then it is rebuilt). Heavy libraries are imported only when a
build is really needed. Every output is replaced atomically (pipeline/atomic.py); one held open
by another program keeps its old version, the new one goes beside it and the summary says so.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from pipeline.core import atomic, paths

STATE = paths.BUILD_STATE
WAREHOUSE = paths.WAREHOUSE
VALIDATION_DIR = paths.VALIDATION_DIR
OVERVIEW = paths.OVERVIEW
CHARTS_DIR, TEMPLATES_DIR, DEMO_DIR = "charts", "templates", "demo_inputs"
ANNEX_NAME, REPORT_NAME = "phu_luc_so_lieu.xlsx", "bao_cao_so_ket.docx"
CODE_GLOBS = ("**/*.py", "**/*.sql", "**/*.toml", "**/*.docx")


def _code_version() -> str:
    h = hashlib.sha256()
    for pattern in CODE_GLOBS:
        for path in sorted(paths.PACKAGE.glob(pattern)):
            if "__pycache__" not in path.parts:
                h.update(path.relative_to(paths.PACKAGE).as_posix().encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def fingerprint(inputs_dir: Path, config_path: Path) -> str:
    """Inputs (name, size, mtime), configuration bytes, code version and today's date."""
    h = hashlib.sha256()
    for path in sorted(p for p in inputs_dir.rglob("*") if p.is_file()):
        if path.name.endswith(".json") and path.with_name(path.name[:-5]).is_file():
            continue  # a sidecar: written once beside its file (by the portal, or by the first ingest)
        if path.relative_to(inputs_dir).parts[0] == paths.BACKUPS:
            continue  # a backup's note changes no output
        st = path.stat()
        h.update(f"{path.relative_to(inputs_dir).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    h.update(config_path.read_bytes())
    h.update(_code_version().encode())
    h.update(date.today().isoformat().encode())  # the report carries the date it was built
    return h.hexdigest()


def _outputs(outputs_dir: Path) -> list[Path]:
    return [outputs_dir / WAREHOUSE, outputs_dir / ANNEX_NAME, outputs_dir / REPORT_NAME, outputs_dir / OVERVIEW]


def _write_templates(folder: Path, config_path: Path) -> tuple[list[Path], list[atomic.Held]]:
    """In a child process (any start method: arguments and result are picklable): every blank
    template written atomically into folder; (files written, files held open elsewhere)."""
    from pipeline.core.config import load
    from pipeline.outputs import templates

    atomic.HELD.clear()
    return templates.write_all(folder, load(config_path)), list(atomic.HELD)


def _stale(folder: Path, keep: set[Path]) -> list[Path]:
    """Remove files of folder not written by this run (templates of a unit no longer configured,
    an earlier «(mới)» copy); returns those that could not be removed."""
    stuck = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.resolve() not in keep and not path.name.startswith("."):
            try:
                path.unlink()
            except OSError:
                stuck.append(path)
    return stuck


def _forget_demo(outputs_dir: Path) -> list[Path]:
    """Real files have arrived: nothing of the demo set stays (its files, and the validation
    feedback and warehouse made from them, rebuilt from inputs/ by this run); returns what could
    not be removed (open elsewhere)."""
    (outputs_dir / WAREHOUSE).unlink(missing_ok=True)
    stuck = []
    for folder in (outputs_dir / DEMO_DIR, outputs_dir / VALIDATION_DIR):
        for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True) + [folder]:
            try:
                path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
            except OSError:
                stuck.append(path)
    return [p for p in stuck if p.is_file()]


class _Progress:
    def __init__(self, steps: int):
        self.steps, self.done, self.start = steps, 0, time.perf_counter()

    def step(self, text: str) -> None:
        self.done += 1
        print(f"[{self.done}/{self.steps}] {text}", flush=True)

    def elapsed(self) -> str:
        from pipeline.core import vn

        return vn.number(time.perf_counter() - self.start, 1)


def _files(con) -> list[tuple[str, str, str | None]]:
    """(file name, status, what to say) of the latest submission of every received file: for a
    rejected file its first error (the most specific: a total row that differs from its children
    only when nothing else is wrong), or, with status "resent", the valid file of the same unit and
    template received after it."""
    from pipeline.intake.book import TOTAL

    rows = con.execute("""
        select f.file_name, f.status, f.submission_id, (
            select arg_min(v.file_name, v.submission_id) from submissions v
            where v.unit_code = f.unit_code and v.template_id = f.template_id and v.status <> 'rejected'
              and (v.received_at, v.submission_id) > (f.received_at, f.submission_id)) as later
        from (select * from submissions
              qualify row_number() over (partition by path order by submission_id desc) = 1) f
        order by f.file_name""").fetchall()
    out = []
    for file_name, status, submission_id, later in rows:
        reason = None
        if status == "rejected" and later is not None:
            status, reason = "resent", later
        elif status == "rejected":
            first = con.execute("""select rule, sheet, cell from problems where submission_id = ? and severity = 'error'
                                   order by kind is not distinct from ?, rowid limit 1""",
                                [submission_id, TOTAL]).fetchone()
            if first is None:
                reason = "xem báo cáo kiểm tra"
            elif first[1]:
                reason = f"{first[0]} (trang «{first[1]}», ô {first[2]})"
            else:
                reason = first[0]
        out.append((file_name, status, reason))
    return out


def _summary(files, results, outputs_dir: Path, demo_set: bool, report_error: str | None,
             held: list[atomic.Held], stuck: list[Path], package_lines: list[str] = (), todo: list[str] = ()) -> str:
    from pipeline.checks import crosscheck
    from pipeline.core import vn, words
    from pipeline.core.layout import LISTED

    def listed(pairs) -> list[str]:  # unit × template lines, the first LISTED of them
        out = [f"  • {u.name} ({u.code}): {t.title}" for u, t in pairs[:LISTED]]
        more = len(pairs) - LISTED
        return out + ([f"  • … và {vn.number(more)} biểu khác (xem bảng tình hình nộp biểu mẫu)."] if more > 0 else [])

    counts = {s: sum(1 for r in files if r[1] == s) for s in words.RESULT}
    lines = ["", f"TÓM TẮT — {results.config.full_name}"]
    if demo_set:
        lines.append(f"- Thư mục nhận chưa có biểu mẫu nào: đã dùng bộ SỐ LIỆU MINH HỌA ({DEMO_DIR}/); "
                     "mọi kết quả đều đánh dấu «SỐ LIỆU MINH HỌA».")
    lines.append(f"- Tệp đã nhận: {len(files)}; " + "; ".join(f"{words.RESULT[s]}: {n}" for s, n in counts.items())
                 + ".")
    for file_name, status, reason in files:
        if status == "resent":
            lines.append(f"  • {vn.first_upper(words.RESULT[status])}: {file_name}, thay bằng tệp {reason}.")
        elif status in ("rejected", "warnings"):
            why = f" — {reason}" if status == "rejected" else ""
            lines.append(f"  • {vn.first_upper(words.RESULT[status])}: {file_name}{why}. Chi tiết: {VALIDATION_DIR}/.")
    missing = results.missing_all
    if missing:
        lines.append("- Đơn vị chưa gửi số liệu (các ô tương ứng ghi [x]):")
        lines += listed(missing)
    else:
        lines.append("- Tất cả các đơn vị đã gửi đủ biểu số liệu.")
    if results.unconfirmed:
        lines.append(f"- Số liệu {words.SIGNOFF['unsigned']} của thủ trưởng đơn vị (xác nhận trên trang nộp biểu mẫu):")
        lines += listed(results.unconfirmed)
    elif results.sources:
        lines.append(f"- Số liệu đang dùng đều {words.SIGNOFF['signed']} của thủ trưởng đơn vị.")
    if results.city is not None and results.city.by("late"):
        lines.append("- Gửi muộn (sau hạn): " + "; ".join(dict.fromkeys(s.unit.name for s in results.city.by("late"))) + ".")
    checks = crosscheck.summary_lines(results.checks)
    lines += [f"- {line}" for line in checks[:1]] + [f"  • {line}" for line in checks[1:]]
    gaps = [t for t in results.tables.values() if t.has_gap and not t.missing]
    if gaps:  # each with the reason its table's note gives (a figure not given, or a zero denominator)
        lines.append("- Chỉ số chưa tính được (ô ghi [x]):")
        lines += [f"  • {t.query.title}: {next((n for n in t.notes if n.startswith(vn.GAP)), vn.GAP)}"
                  for t in gaps]
    if report_error:
        lines.append(f"- LỖI MẪU BÁO CÁO, chưa tạo được báo cáo:\n{report_error}")
    elif todo:
        lines.append(f"- {words.BEFORE_SIGNING}: {words.UNFINISHED.format(n=len(todo))}: {'; '.join(todo)}.")
    lines += package_lines
    if held or stuck:
        lines.append("- TỆP ĐANG MỞ, CHƯA THAY ĐƯỢC (bản cũ giữ nguyên):")
        lines += [f"  • {h.text()} (thư mục: {h.target.parent})" for h in held]
        lines += [f"  • Tệp cũ {p} không xóa được (đang mở?): hãy đóng rồi xóa tệp đó." for p in stuck]
    lines.append(f"- Kết quả trong {outputs_dir}: {REPORT_NAME} (báo cáo), {ANNEX_NAME} (phụ lục), "
                 f"{CHARTS_DIR}/ (biểu đồ), {TEMPLATES_DIR}/ (biểu mẫu trống), {VALIDATION_DIR}/ (kết quả kiểm tra).")
    lines.append(f"- Lập ngày {vn.day(date.today())}.")
    return "\n".join(lines)


def _fresh(outputs_dir: Path, stamp: str, state_path: Path) -> dict | None:
    """The saved state when the last complete build had this fingerprint and its outputs are whole."""
    if not all(atomic.readable(p) for p in [state_path, *_outputs(outputs_dir)]):
        return None
    state = json.loads(state_path.read_text(encoding="utf-8"))
    package = [outputs_dir / paths.PACKAGE_DIR / name for name in state.get("package", [])]
    if not all(atomic.readable(p) for p in package):
        return None  # the package for the city was deleted or damaged: write it again
    return state if state.get("fingerprint") == stamp else None


def run(inputs_dir: Path | None = None, outputs_dir: Path | None = None, config_path: Path | None = None) -> int:
    inputs_dir = Path(inputs_dir or paths.INPUTS)
    outputs_dir = Path(outputs_dir or paths.OUTPUTS)
    config_path = Path(config_path) if config_path else inputs_dir / paths.CONFIG_NAME
    if not config_path.exists():
        config_path = paths.INPUTS / paths.CONFIG_NAME
    state_path = outputs_dir / STATE
    stamp = fingerprint(inputs_dir, config_path)
    state = _fresh(outputs_dir, stamp, state_path)
    if state is not None:
        print("Không có thay đổi nào từ lần chạy trước (biểu mẫu nhận, cấu hình, chương trình): "
              "giữ nguyên kết quả.")
        print(state.get("summary", ""))
        _remind(inputs_dir)
        return 0

    from pipeline import demo
    from pipeline.core import logs
    from pipeline.core.config import load
    from pipeline.outputs import annex, charts, city, indicators, report
    from pipeline.store import inbox, ingest, warehouse

    config = load(config_path)
    progress = _Progress(8 if config.code else 7)
    outputs_dir.mkdir(parents=True, exist_ok=True)
    logs.configure(outputs_dir)
    atomic.HELD.clear()
    stuck = atomic.sweep(outputs_dir)  # temporaries left by a run killed while writing
    previous = json.loads(state_path.read_text(encoding="utf-8")) if atomic.readable(state_path) else {}
    # Blank templates and the demo set depend only on the configuration and the code.
    setup = hashlib.sha256(config_path.read_bytes() + _code_version().encode()).hexdigest()
    same_setup = previous.get("setup") == setup
    writer = pool = None
    folder = outputs_dir / TEMPLATES_DIR
    if config.is_city:  # one blank per commune × template would be hours at national size
        progress.step("Cấp thành phố, tỉnh: không tạo sẵn biểu mẫu trống; mỗi xã, phường, đặc khu tải biểu của "
                      "mình trên trang nộp biểu mẫu (hoặc chạy: python -m pipeline templates).")
    elif same_setup and folder.is_dir() and all(atomic.readable(p) for p in folder.glob("*.xlsx")):
        progress.step("Biểu mẫu trống không đổi (bỏ qua).")
    else:
        progress.step("Tạo biểu mẫu trống cho các đơn vị (chạy song song) …")
        pool = ProcessPoolExecutor(max_workers=1)  # the platform's default start method (spawn on Windows)
        writer = pool.submit(_write_templates, folder, config_path)

    received = inbox.received_files(inputs_dir)
    demo_set = not received
    if previous.get("demo_set") is not None and previous.get("demo_set") != demo_set:
        (outputs_dir / WAREHOUSE).unlink(missing_ok=True)  # never mix demo and real submissions
    if not demo_set and (previous.get("demo_set") or (outputs_dir / DEMO_DIR).exists()):
        stuck += _forget_demo(outputs_dir)
    source = inputs_dir
    if demo_set:
        source = outputs_dir / DEMO_DIR
        if same_setup and source.is_dir():
            progress.step("Thư mục nhận chưa có biểu mẫu: dùng bộ SỐ LIỆU MINH HỌA đã tạo.")
        else:
            progress.step("Thư mục nhận chưa có biểu mẫu: tạo bộ SỐ LIỆU MINH HỌA …")
            source = atomic.replace_dir(source, lambda fresh: demo.write_all(fresh, config))
    else:
        progress.step(f"Thư mục nhận có {len(received)} tệp biểu mẫu.")

    progress.step("Kiểm tra biểu mẫu và nạp vào kho dữ liệu …")
    try:
        received_summary = ingest.run(source, outputs_dir, config, demo_set=demo_set)
    except warehouse.WarehouseBusy as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        if pool is not None:
            pool.shutdown()
        return 1
    print("    " + received_summary.text().replace("\n", "\n    "))

    progress.step("Tính các chỉ số …")
    con = warehouse.connect(outputs_dir, read_only=True)  # closed before any file is written
    try:
        results = city.extend(con, indicators.compute(con, config))  # at city level: the per-commune tables
        files = _files(con)
        package_lines = _package(con, config, inputs_dir, outputs_dir, demo_set, progress)
    finally:
        con.close()
    error = None
    try:
        progress.step("Vẽ biểu đồ …")
        chart_files = charts.draw_all(results, outputs_dir / CHARTS_DIR)
        if results.city is not None:
            chart_files[city.CHART.name] = charts.draw(city.CHART, results, outputs_dir / CHARTS_DIR)
        progress.step("Lập phụ lục số liệu …")
        annex.write(results, outputs_dir / ANNEX_NAME)
        progress.step("Lập báo cáo …")
        template = report.template_path(inputs_dir)
        try:
            report.render(results, chart_files, outputs_dir / REPORT_NAME, template,
                          texts_dir=inputs_dir / paths.SECTION_TEXTS)
        except report.TemplateError as exc:
            error = str(exc)
            try:
                (outputs_dir / REPORT_NAME).unlink(missing_ok=True)
            except OSError:  # open in Word: it stays, the summary says the report was not made
                pass
    finally:
        if pool is not None:
            error = _templates_done(writer, folder, stuck) or error
            pool.shutdown()
    held = list(atomic.HELD)
    todo = [] if error else report.unfinished(results)  # sections to write before signing
    summary = _summary(files, results, outputs_dir, demo_set, error, held, stuck, package_lines, todo)
    print(summary)
    _remind(inputs_dir)
    print(f"Hoàn thành sau {progress.elapsed()} giây.")
    if error:
        return 1
    # With a file held open the build is not complete: the next run tries again.
    atomic.write_text(state_path, json.dumps({"fingerprint": None if held or stuck else stamp, "setup": setup,
                                              "demo_set": demo_set, "summary": summary,
                                              "before_signing": todo,  # the portal's rebuild page lists them
                                              "package": package_files(outputs_dir)}, ensure_ascii=False))
    return 0


def _remind(inputs_dir: Path) -> None:
    """The backup reminder (store.backup), when the last backup is older than the last received file."""
    from pipeline.store import backup

    if line := backup.reminder(inputs_dir):
        print(line)


def package_files(outputs_dir: Path) -> list[str]:
    """The names of the package's workbooks now in outputs/package/ (none without a package)."""
    return sorted(p.name for p in (outputs_dir / paths.PACKAGE_DIR).glob("*.xlsx"))


def _package(con, config, inputs_dir: Path, outputs_dir: Path, demo_set: bool, progress: _Progress) -> list[str]:
    """A commune with a code ([commune] code) writes its package for the city (outputs/package/):
    the summary's lines about it; none for a commune without a code or a city."""
    from pipeline.core.config import ConfigError
    from pipeline.outputs import package, package_months

    if config.is_city:  # the communes whose figures came as period totals (months not re-cut)
        return package_months.city_lines(con, config)
    if not config.code:
        return []

    progress.step("Lập gói số liệu gửi cấp trên …")
    try:
        return package.write(con, config, inputs_dir, outputs_dir, demo_set).lines(f"{outputs_dir.name}/{paths.PACKAGE_DIR}")
    except ConfigError as exc:
        return [f"- CHƯA LẬP ĐƯỢC GÓI SỐ LIỆU gửi cấp trên: {exc}"]


def _templates_done(writer, folder: Path, stuck: list[Path]) -> str | None:
    """Wait for the templates child; record its held files, remove stale ones (into stuck)."""
    try:
        written, held = writer.result()
    except Exception as exc:  # noqa: BLE001 - reported in the summary, traceback in the log
        logging.getLogger("pipeline.build").exception("Không tạo được biểu mẫu trống")
        return f"Không tạo được biểu mẫu trống ({type(exc).__name__}); chi tiết trong nhật ký hệ thống."
    atomic.HELD.extend(held)
    stuck += _stale(folder, {p.resolve() for p in written} | {h.target.resolve() for h in held})
    return None


if __name__ == "__main__":
    sys.exit(run())
