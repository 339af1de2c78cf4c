"""Read-only access to the warehouse for analysts: notebooks, scripts, the DuckDB file.

Everything here reads; nothing writes. Labels come from the catalog, states from validate,
indicators from pipeline/sql/ through pipeline.outputs.indicators — nothing is restated.

    >>> from pipeline import analysis
    >>> wh = analysis.open()                     # outputs/warehouse.duckdb, read-only
    >>> wh.submissions(labels=True)              # every file received, with its state in Vietnamese
    >>> wh.data("tthc", "ho_so", labels=True)    # current figures, headers as in the template
    >>> wh.indicator("tthc_theo_thang")          # an indicator table (its SQL: from pipeline/rates_766.toml)
    >>> wh.problems(severity="warning")          # warnings of the files received
    >>> wh.sql("select unit_code, count(*) from submissions group by all")

The warehouse is found from the argument of open(), else the environment variable
PIPELINE_OUTPUTS (an outputs directory or a .duckdb file), else the project's outputs/.
The configuration (unit names, who owes which template) is read from PIPELINE_CONFIG, else
inputs/commune.toml.
The exploration helpers (outliers, robust_z, show, plot_style, comma) live in pipeline.explore
and are used as analysis.<name>.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.core import paths, vn, words  # noqa: F401 - vn: notebooks use analysis.vn
from pipeline.core.config import Config, load
from pipeline.core.model import Field, Sheet, Template
from pipeline.explore import PLOT_STYLE, comma, outliers, plot_style, robust_z, show  # noqa: F401 - analysis.*
from pipeline.outputs import indicators
from pipeline.store import warehouse
from pipeline.topics import CATALOG

OUTPUTS_ENV = "PIPELINE_OUTPUTS"
CONFIG_ENV = "PIPELINE_CONFIG"
ACCEPTED = ("accepted", "warnings")  # states whose figures enter the warehouse
SEVERITY_TEXT = {"error": "Lỗi", "warning": "Cảnh báo"}
# Vietnamese headers of the warehouse's own columns (the catalog labels the fact columns).
COLUMN_TEXT = {
    "submission_id": "Mã lần nộp", "sha256": "Mã băm SHA-256", "path": "Đường dẫn trong inputs/",
    "file_name": "Tên tệp", "received_at": "Thời điểm nhận", "sender": "Người gửi",
    "unit_code": "Mã đơn vị", "template_id": "Mã biểu", "version": "Phiên bản biểu",
    "status": "Kết quả", "n_errors": "Số lỗi", "n_warnings": "Số cảnh báo",
    "recognised_by": "Nhận dạng biểu qua", "demo": "Số liệu minh họa", "original_name": "Tên tệp gốc",
    "size_bytes": "Dung lượng (byte)", "ingested_at": "Thời điểm nạp vào kho",
    "part": "Kỳ số liệu của tệp xuất Biểu II.06a (từ ngày/đến ngày)",
    "severity": "Mức độ", "sheet": "Trang tính", "cell": "Ô", "field": "Cột", "value": "Giá trị trong tệp",
    "rule": "Lỗi / quy tắc", "fix": "Cách sửa", "row_number": "Dòng trong tệp Excel",
    "unit_name": "Đơn vị", "template_title": "Biểu mẫu", "status_text": "Kết quả",
    "group": "Nhóm", "median": "Trung vị", "robust_z": "Điểm z bền vững",
    "kind": "Loại: `outlier` = số liệu khác xa các kỳ khác, cần xem lại (trang tình hình nộp)",
    "record": "Tên tệp bản ghi trong inputs/", "username": "Tài khoản", "full_name": "Họ và tên",
    "signed_at": "Thời điểm xác nhận", "comment": "Lý do đơn vị ghi", "confirmed_at": "Thời điểm xác nhận",
}


class WarehouseMissing(FileNotFoundError):
    """No warehouse file yet; the message (Vietnamese) says to run `make all` first."""


def db_path(path: str | Path | None = None) -> Path:
    """The warehouse file: path (a directory or a .duckdb file), else $PIPELINE_OUTPUTS, else outputs/."""
    chosen = Path(path or os.environ.get(OUTPUTS_ENV) or paths.OUTPUTS).expanduser()
    return chosen if chosen.suffix == ".duckdb" else chosen / warehouse.DB_NAME


def open(path: str | Path | None = None, config: Config | str | Path | None = None) -> Warehouse:
    """Open the warehouse read-only.

    No connection stays open between calls: each query opens the file read-only and closes it,
    so a notebook left open never stops `make all` or the upload portal from writing.

    >>> wh = analysis.open()                              # outputs/warehouse.duckdb
    >>> wh = analysis.open("/tmp/outputs")                # another outputs directory
    """
    return Warehouse(_existing(db_path(path)), config)


def _existing(db: Path) -> Path:
    if not db.is_file():
        raise WarehouseMissing(
            f"Chưa có kho dữ liệu {db}. Hãy chạy `make all` trước (lệnh này kiểm tra các tệp trong "
            f"inputs/ và dựng kho dữ liệu), hoặc đặt biến môi trường {OUTPUTS_ENV} chỉ tới thư mục "
            "outputs có tệp warehouse.duckdb.")
    return db


def labels(template_id: str, sheet_key: str | None = None) -> dict[str, str]:
    """Column key → Vietnamese header ("label (unit)") of a sheet, from the catalog, plus the
    warehouse's own columns.

    >>> analysis.labels("tthc", "ho_so")["nhan_truc_tuyen"]
    'Tiếp nhận trong kỳ – Trực tuyến (hồ sơ)'
    """
    sheet = _sheet(CATALOG[template_id], sheet_key)
    return COLUMN_TEXT | {c.key: c.header for c in sheet.columns}


def _sheet(template: Template, sheet_key: str | None) -> Sheet:
    if sheet_key is None:
        return template.sheets[0]
    try:
        return template.sheet(sheet_key)
    except StopIteration:
        known = ", ".join(s.key for s in template.sheets)
        raise KeyError(f"Biểu {template.id} không có trang {sheet_key!r}; các trang: {known}") from None


class Warehouse:
    """A read-only view of the warehouse. Every method returns a pandas DataFrame.

    Each call opens the file read-only and closes it again (see open()).
    """

    def __init__(self, path: Path, config: Config | str | Path | None = None) -> None:
        self.path = Path(path)
        self._config = config if isinstance(config, Config) else None
        self._config_path = None if isinstance(config, Config) else config

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        pass  # nothing is held open

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only DuckDB connection for a block of work, closed at the end.

        >>> with wh.connect() as con:
        ...     con.sql("select * from current_submissions").show()
        """
        _existing(self.path)  # outputs/ may have been cleaned since open()
        if self.path.name == warehouse.DB_NAME:
            con = warehouse.connect(self.path.parent, read_only=True)  # waits while a writer commits
        else:
            con = warehouse.open_db(self.path, read_only=True, timeout=warehouse.READ_TIMEOUT)  # busy: Vietnamese
        try:
            yield con
        finally:
            con.close()

    @property
    def config(self) -> Config:
        """The commune's configuration (unit names, owners of each template)."""
        if self._config is None:
            self._config = load(Path(self._config_path or os.environ.get(CONFIG_ENV)
                                     or paths.INPUTS / paths.CONFIG_NAME))
        return self._config

    # -- raw SQL -------------------------------------------------------------------------------

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        """Any read-only SQL over the warehouse.

        >>> wh.sql("select status, count(*) as n from submissions group by status")
        """
        with self.connect() as cur:
            return cur.execute(query, params or []).df()

    def tables(self) -> pd.DataFrame:
        """The tables and views of the warehouse with their row counts."""
        rows = self.sql("select table_name, table_type from information_schema.tables "
                        "where table_schema = 'main' and table_name <> 'targets' "
                        "order by table_type, table_name")
        return pd.DataFrame([{"table": t, "kind": "view" if k == "VIEW" else "table",
                              "rows": int(self.sql(f'select count(*) as n from "{t}"')["n"].iloc[0])}
                             for t, k in zip(rows["table_name"], rows["table_type"], strict=True)])

    # -- submissions and problems --------------------------------------------------------------

    def _unit_name(self, code: str | None) -> str | None:
        if code is None:
            return None
        try:
            return self.config.unit(code).name
        except KeyError:
            return code

    def submissions(self, current: bool = False, labels: bool = False) -> pd.DataFrame:
        """Every file received (current=True: only the one in use per unit × template), oldest
        first, with the unit's name, the template's title and the state in Vietnamese.

        >>> wh.submissions()[["file_name", "unit_name", "status_text"]]
        """
        source = "current_submissions" if current else "submissions"
        frame = self.sql(f"select * from {source} order by received_at, submission_id")
        frame.insert(frame.columns.get_loc("unit_code") + 1, "unit_name",
                     [self._unit_name(c) for c in frame["unit_code"]])
        frame.insert(frame.columns.get_loc("template_id") + 1, "template_title",
                     [CATALOG[t].title if t in CATALOG else t for t in frame["template_id"]])
        frame.insert(frame.columns.get_loc("status") + 1, "status_text",
                     [words.STATUS.get(s, s) for s in frame["status"]])
        return _relabel(frame, COLUMN_TEXT, drop=("status",)) if labels else frame

    def problems(self, severity: str | None = None, status: str | tuple[str, ...] | None = None,
                 current: bool = False, labels: bool = False) -> pd.DataFrame:
        """Errors and warnings found in the files received, with the file, unit and state.

        severity: "error" | "warning"; status: a state or several ("rejected", ACCEPTED …);
        current=True: only problems of the submissions in use.

        >>> wh.problems(severity="warning", status=analysis.ACCEPTED)   # warnings accepted
        >>> wh.problems(status="rejected")                              # why files were sent back
        """
        source = "current_submissions" if current else "submissions"
        where, params = [], []
        if severity:
            where.append("p.severity = ?")
            params.append(severity)
        if status:
            states = (status,) if isinstance(status, str) else tuple(status)
            where.append(f"s.status in ({', '.join('?' for _ in states)})")
            params += list(states)
        frame = self.sql(
            "select s.submission_id, s.file_name, s.received_at, s.unit_code, s.template_id, s.status, "
            "p.severity, p.sheet, p.cell, p.field, p.value, p.rule, p.fix "
            f"from problems p join {source} s using (submission_id) "
            f"{'where ' + ' and '.join(where) if where else ''} "
            "order by s.received_at, s.submission_id, p.severity, p.sheet, p.cell", params)
        frame.insert(frame.columns.get_loc("unit_code") + 1, "unit_name",
                     [self._unit_name(c) for c in frame["unit_code"]])
        frame.insert(frame.columns.get_loc("status") + 1, "status_text",
                     [words.STATUS.get(s, s) for s in frame["status"]])
        frame["severity"] = [SEVERITY_TEXT.get(s, s) for s in frame["severity"]]
        return _relabel(frame, COLUMN_TEXT, drop=("status",)) if labels else frame

    def missing_units(self) -> pd.DataFrame:
        """Units that owe a template (per the configuration) and have no accepted file of it."""
        with self.connect() as cur:
            missing = indicators.missing_units(cur, self.config)
        return pd.DataFrame([{"template_id": tid, "template_title": CATALOG[tid].title,
                              "unit_code": u.code, "unit_name": u.name}
                             for tid, units in missing.items() for u in units],
                            columns=["template_id", "template_title", "unit_code", "unit_name"])

    def is_demo(self) -> bool:
        """True when the current data come from the demo set (SỐ LIỆU MINH HỌA)."""
        with self.connect() as cur:
            return indicators.is_demo(cur)

    # -- figures -------------------------------------------------------------------------------

    def data(self, template_id: str, sheet_key: str | None = None, labels: bool = False,
             history: bool = False) -> pd.DataFrame:
        """The figures of one sheet (default: the template's first sheet) from the current
        submissions; history=True: from every accepted submission, old ones included.
        labels=True renames the columns to the template's Vietnamese headers.

        >>> wh.data("tthc", "ho_so")                      # columns thang, linh_vuc, nhan_tong …
        >>> wh.data("nhan_su", labels=True)               # "Cơ quan, đơn vị", "Số hiện có (người)" …
        """
        if template_id not in CATALOG:
            raise KeyError(f"Không có biểu {template_id!r}; các biểu: {', '.join(CATALOG)}")
        sheet = _sheet(CATALOG[template_id], sheet_key)
        table = warehouse.table_name(template_id, sheet.key)
        frame = self.sql(f"select * from {table if history else 'cur_' + table} "
                         "order by unit_code, submission_id, row_number")
        return _relabel(frame, labels_of(sheet)) if labels else frame

    def indicators(self) -> pd.DataFrame:
        """The indicator queries (pipeline/sql/*.sql) in report order: name, title, source, section."""
        return pd.DataFrame([{"name": q.name, "title": q.title, "source": q.source, "section": q.section}
                             for q in indicators.queries()])

    def indicator_table(self, name: str) -> indicators.Table:
        """The indicator as the report uses it (columns with labels and units, gap notes)."""
        with self.connect() as cur:
            return indicators.table(cur, name, self.config)

    def indicator(self, name: str, labels: bool = False, formatted: bool = False) -> pd.DataFrame:
        """One indicator table by name (see indicators()).

        labels=True: Vietnamese headers with units; formatted=True: cells as printed in the
        report (1.234,5 — "[x]" for a gap), implies labels.

        >>> wh.indicator("tthc_theo_thang")                   # raw numbers, for charts
        >>> wh.indicator("tthc_theo_thang", formatted=True)   # as in the report's annex
        """
        if not (labels or formatted):
            with self.connect() as cur:
                return indicators.run(cur, name)
        t = self.indicator_table(name)
        if formatted:
            frame = pd.DataFrame([[t.text(i, c.key) for c in t.columns] for i in range(len(t.frame))],
                                 columns=[c.header for c in t.columns])
        else:
            frame = t.frame.rename(columns={c.key: c.header for c in t.columns})
        frame.attrs = {"title": t.query.title, "notes": list(t.notes), "note": t.query.note}
        return frame


def labels_of(sheet: Sheet) -> dict[str, str]:
    return COLUMN_TEXT | {c.key: c.header for c in sheet.columns}


def _relabel(frame: pd.DataFrame, names: dict[str, str], drop: tuple[str, ...] = ()) -> pd.DataFrame:
    return frame.drop(columns=list(drop)).rename(columns=names)


# ---------------------------------------------------------------------------------------------
# Schema reference (the README's analysts' section is generated from this)



def _describe(column: str, fields: dict[str, Field]) -> str:
    if column in fields:
        f = fields[column]
        text = f.header
        if f.choices:
            text += ": " + "; ".join(f.choices)
        return text
    return COLUMN_TEXT.get(column, "")


def schema_markdown() -> str:
    """The tables and views of the warehouse with their columns, as Markdown (Vietnamese),
    generated from warehouse.ddl() and the catalog."""
    con = duckdb.connect()
    try:
        for statement in warehouse.ddl():
            con.execute(statement)
        columns: dict[str, list[tuple[str, str]]] = {}
        for table, column, kind in con.execute(
                "select table_name, column_name, data_type from information_schema.columns "
                "where table_schema = 'main' order by table_name, ordinal_position").fetchall():
            columns.setdefault(table, []).append((column, kind))
    finally:
        con.close()

    def block(title: str, table: str, fields: dict[str, Field]) -> list[str]:
        out = [f"#### `{table}` — {title}", "", "| Cột | Kiểu | Nội dung |", "| --- | --- | --- |"]
        out += [f"| `{c}` | {k} | {_describe(c, fields).replace('|', '/')} |" for c, k in columns[table]]
        return out + [""]

    lines = ["### Bảng chung", ""]
    lines += block("mỗi tệp đã nhận là một dòng (cả tệp bị trả lại); `status`: "
                   + "; ".join(f"`{k}` = {v}" for k, v in words.STATUS.items()), "submissions", {})
    lines += block("lỗi và cảnh báo của từng tệp; `severity`: "
                   + "; ".join(f"`{k}` = {v}" for k, v in SEVERITY_TEXT.items()), "problems", {})
    lines += ["View `current_submissions`: cùng các cột như `submissions`, chỉ gồm lần nộp đang dùng "
              "của mỗi đơn vị × biểu (tệp hợp lệ gửi sau cùng; tệp xuất Biểu II.06a: tệp sau cùng của mỗi kỳ `part`, "
              "các kỳ ghép với nhau, cho đến khi có biểu gõ tay gửi sau).", ""]
    lines += block("mỗi lần thủ trưởng đơn vị xác nhận số liệu của một tệp (theo mã băm `sha256` của tệp; "
                   "inputs/signoffs/)", "signoffs", {})
    lines += block("mỗi lần đơn vị xác nhận một số liệu bị cảnh báo là đúng, kèm lý do (inputs/confirmations/)",
                   "confirmations", {})
    lines += ["View `current_signoffs`: mỗi lần nộp đang dùng với lần xác nhận mới nhất của đúng tệp đó "
              "(`signed_at` trống: chưa xác nhận).", ""]
    for template in CATALOG.values():
        lines += [f"### Biểu `{template.id}` — {template.title} (mục {template.section})", ""]
        for sheet in template.sheets:
            table = warehouse.table_name(template.id, sheet.key)
            lines += block(f"{sheet.title} (trang «{sheet.name}»)", table, {c.key: c for c in sheet.columns})
            lines += [f"View `cur_{table}`: cùng các cột, chỉ số liệu của lần nộp đang dùng.", ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """python -m pipeline.analysis schema — print the warehouse's tables and columns."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["schema"]:
        print(schema_markdown(), end="")
        return 0
    print("Cách dùng: python -m pipeline.analysis schema (README: python -m pipeline.docs)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
