"""`make all`: templates → (demo set) → validation + warehouse → indicators → charts → annex → report.

A re-run with nothing changed does nothing expensive: the fingerprint of the inputs (names,
sizes, modification times), the configuration and the code is compared with the one saved by
the last complete build, and the stored summary is shown again. Heavy libraries are imported
only when a build is really needed.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import shutil
import sys
import time
from datetime import date
from pathlib import Path

from pipeline import paths

STATE = ".build_state.json"
WAREHOUSE = "warehouse.duckdb"
CHARTS_DIR, TEMPLATES_DIR, DEMO_DIR = "charts", "templates", "demo_inputs"
ANNEX_NAME, REPORT_NAME = "phu_luc_so_lieu.xlsx", "bao_cao_so_ket.docx"
CODE_GLOBS = ("**/*.py", "**/*.sql", "**/*.toml", "report_template/*.docx")


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
        st = path.stat()
        h.update(f"{path.relative_to(inputs_dir).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    h.update(config_path.read_bytes())
    h.update(_code_version().encode())
    h.update(date.today().isoformat().encode())  # the report carries the date it was built
    return h.hexdigest()


def _outputs(outputs_dir: Path) -> list[Path]:
    return [outputs_dir / WAREHOUSE, outputs_dir / ANNEX_NAME, outputs_dir / REPORT_NAME]


class _Progress:
    def __init__(self, steps: int):
        self.steps, self.done, self.start = steps, 0, time.perf_counter()

    def step(self, text: str) -> None:
        self.done += 1
        print(f"[{self.done}/{self.steps}] {text}", flush=True)

    def elapsed(self) -> str:
        from pipeline import vn

        return vn.number(time.perf_counter() - self.start, 1)


def _summary(con, results, outputs_dir: Path, demo_set: bool, report_error: str | None) -> str:
    from pipeline import crosscheck, vn

    rows = con.execute("""select file_name, status, unit_code, template_id from submissions
                          qualify row_number() over (partition by path order by submission_id desc) = 1
                          order by file_name""").fetchall()
    counts = {s: sum(1 for r in rows if r[1] == s) for s in ("accepted", "warnings", "rejected")}
    lines = ["", f"TÓM TẮT — {results.config.full_name}"]
    if demo_set:
        lines.append(f"- Thư mục nhận chưa có biểu mẫu nào: đã dùng bộ SỐ LIỆU MINH HỌA ({DEMO_DIR}/); "
                     "mọi kết quả đều đánh dấu «SỐ LIỆU MINH HỌA».")
    lines.append(f"- Tệp đã nhận: {len(rows)}; chấp nhận: {counts['accepted']}; chấp nhận có cảnh báo: "
                 f"{counts['warnings']}; bị trả lại: {counts['rejected']}.")
    for file_name, status, *_ in rows:
        if status == "rejected":
            first = con.execute("""select p.rule, p.sheet, p.cell from problems p join submissions s
                                   using (submission_id) where s.file_name = ? and p.severity = 'error'
                                   order by submission_id desc limit 1""", [file_name]).fetchone()
            reason = f"{first[0]} (trang «{first[1]}», ô {first[2]})" if first else "xem báo cáo kiểm tra"
            lines.append(f"  • Bị trả lại: {file_name} — {reason}. Chi tiết: validation/.")
        elif status == "warnings":
            lines.append(f"  • Có cảnh báo: {file_name}. Chi tiết: validation/.")
    missing = results.missing_all
    if missing:
        lines.append("- Đơn vị chưa gửi số liệu (các ô tương ứng ghi [x]):")
        lines += [f"  • {u.name} ({u.code}): {t.title}" for u, t in missing]
    else:
        lines.append("- Tất cả các đơn vị đã gửi đủ biểu số liệu.")
    checks = crosscheck.summary_lines(results.checks)
    lines += [f"- {line}" for line in checks[:1]] + [f"  • {line}" for line in checks[1:]]
    gaps = [t.query.title for t in results.tables.values() if t.has_gap and not t.missing]
    if gaps:
        lines.append(f"- Chỉ số không tính được (mẫu số bằng 0): {'; '.join(gaps)}.")
    if report_error:
        lines.append(f"- LỖI MẪU BÁO CÁO, chưa tạo được báo cáo:\n{report_error}")
    lines.append(f"- Kết quả trong {outputs_dir}: {REPORT_NAME} (báo cáo), {ANNEX_NAME} (phụ lục), "
                 f"{CHARTS_DIR}/ (biểu đồ), {TEMPLATES_DIR}/ (biểu mẫu trống), validation/ (kết quả kiểm tra).")
    lines.append(f"- Lập ngày {vn.day(date.today())}.")
    return "\n".join(lines)


def run(inputs_dir: Path | None = None, outputs_dir: Path | None = None, config_path: Path | None = None) -> int:
    inputs_dir = Path(inputs_dir or paths.INPUTS)
    outputs_dir = Path(outputs_dir or paths.OUTPUTS)
    config_path = Path(config_path) if config_path else inputs_dir / paths.CONFIG_NAME
    if not config_path.exists():
        config_path = paths.INPUTS / paths.CONFIG_NAME
    state_path = outputs_dir / STATE
    stamp = fingerprint(inputs_dir, config_path)
    if state_path.exists() and all(p.exists() for p in _outputs(outputs_dir)):
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if state.get("fingerprint") == stamp:
            print("Không có thay đổi nào từ lần chạy trước (biểu mẫu nhận, cấu hình, chương trình): "
                  "giữ nguyên kết quả.")
            print(state.get("summary", ""))
            return 0

    from pipeline import annex, charts, demo, indicators, report, templates, warehouse
    from pipeline.config import load

    config = load(config_path)
    progress = _Progress(7)
    outputs_dir.mkdir(parents=True, exist_ok=True)
    previous = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
    # Blank templates and the demo set depend only on the configuration and the code.
    setup = hashlib.sha256(config_path.read_bytes() + _code_version().encode()).hexdigest()
    same_setup = previous.get("setup") == setup
    writer = None
    if same_setup and (outputs_dir / TEMPLATES_DIR).is_dir():
        progress.step("Biểu mẫu trống không đổi (bỏ qua).")
    else:
        progress.step("Tạo biểu mẫu trống cho các đơn vị (chạy song song) …")
        shutil.rmtree(outputs_dir / TEMPLATES_DIR, ignore_errors=True)
        writer = multiprocessing.get_context("fork").Process(
            target=templates.write_all, args=(outputs_dir / TEMPLATES_DIR, config))
        writer.start()

    received = warehouse.received_files(inputs_dir)
    demo_set = not received
    if previous.get("demo_set") is not None and previous.get("demo_set") != demo_set:
        (outputs_dir / WAREHOUSE).unlink(missing_ok=True)  # never mix demo and real submissions
    source = inputs_dir
    if demo_set:
        source = outputs_dir / DEMO_DIR
        if same_setup and source.is_dir():
            progress.step("Thư mục nhận chưa có biểu mẫu: dùng bộ SỐ LIỆU MINH HỌA đã tạo.")
        else:
            progress.step("Thư mục nhận chưa có biểu mẫu: tạo bộ SỐ LIỆU MINH HỌA …")
            shutil.rmtree(source, ignore_errors=True)
            demo.write_all(source, config)
    else:
        progress.step(f"Thư mục nhận có {len(received)} tệp biểu mẫu.")

    progress.step("Kiểm tra biểu mẫu và nạp vào kho dữ liệu …")
    try:
        ingest = warehouse.ingest(source, outputs_dir, config)
    except warehouse.WarehouseBusy as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        if writer is not None:
            writer.join()
        return 1
    print("    " + ingest.text().replace("\n", "\n    "))

    progress.step("Tính các chỉ số …")
    con = warehouse.connect(outputs_dir, read_only=True)
    try:
        results = indicators.compute(con, config)
        progress.step("Vẽ biểu đồ …")
        chart_files = charts.draw_all(results, outputs_dir / CHARTS_DIR)
        progress.step("Lập phụ lục số liệu …")
        annex.write(results, outputs_dir / ANNEX_NAME)
        progress.step("Lập báo cáo …")
        error = None
        template = report.template_path(inputs_dir)
        try:
            report.render(results, chart_files, outputs_dir / REPORT_NAME, template)
        except report.TemplateError as exc:
            error = str(exc)
            (outputs_dir / REPORT_NAME).unlink(missing_ok=True)
        summary = _summary(con, results, outputs_dir, demo_set, error)
    finally:
        con.close()
        if writer:
            writer.join()
    if writer and writer.exitcode != 0:
        error = (error or "") + f"Không tạo được biểu mẫu trống (mã lỗi {writer.exitcode})."
    print(summary)
    print(f"Hoàn thành sau {progress.elapsed()} giây.")
    if error:
        return 1
    state_path.write_text(json.dumps({"fingerprint": stamp, "setup": setup, "demo_set": demo_set,
                                                 "summary": summary},
                                     ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(run())
