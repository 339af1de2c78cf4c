"""The commune's package for its city («gói số liệu», issue 17): its current figures written into the
city's templates, one workbook per template, for the commune as the unit.

A commune whose configuration has `[commune] code` (its code in the city's list) writes, at every
build, outputs/package/: for every template of which it holds at least one current submission,
the city's template filled through `templates.workbook` for the unit «xã An Thành» (code, name,
kind), so that the city recognises it by fingerprint and validates it like any unit's file. Its
«_meta» sheet adds (layout.PACKAGE_KEYS) the commune's code and name, the catalog version, the
sha256 digest of the submissions the figures come from and when it was written; its «Nguồn số
liệu» sheet lists, for each figure cell, the commune's unit, file, sheet!cell and received time.

The city's templates are those of the city's configuration (its rows of staffing bodies, fonds,
its kind word): the commune keeps a copy of it as inputs/cap_tren.toml; without one the rows are
the commune's own, written under the city's name read from `[commune] province`. The period is
always the commune's, so a package of another period is refused by the city with its reason.

How the commune's current rows become the city template's rows:
- a fixed-row sheet whose rows are the commune's (same rows but for the kind word: months, budget
  lines, document kinds, sections …) is copied row by row; a fixed-row sheet whose rows come from
  the city's own lists (staffing bodies, fonds) takes each commune row on the city row of the same
  name, or, when the city's sheet has a single row, every commune row summed into it; a commune row
  with no place is left out and named in the build summary;
- several units on one row (danh_gia: every unit fills it; a list collapsed into one row): a unit's
  row whose figures are all blank contributes nothing (a section it does not lead); a number is the
  sum of the contributing rows, and blank (unknown, never 0) if any of them left it blank; a text
  joins the texts, each after its unit's name (or its row's name, within one unit), cut to the
  field's length; a choice or a date is the first unit's (configuration order);
- a list sheet concatenates the units' rows (configuration order, then row order); a list keyed by
  one number (STT) is numbered again 1, 2, 3 …; rows past the template's limit are left out and
  named in the summary.
An unknown figure ([x], a blank cell) stays blank all the way up.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import python_calamine as pc
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pipeline.core import atomic, layout, paths
from pipeline.core.config import CITY, CITY_KINDS, Config, ConfigError, Unit, load
from pipeline.core.model import Field, Sheet, Template
from pipeline.intake import proof
from pipeline.outputs import package_check, package_months, templates
from pipeline.outputs.provenance import shown
from pipeline.store import records, warehouse
from pipeline.topics import CATALOG

PACKAGE_RECORD = "goi_so_lieu"  # a sign-off record's template_id for the whole package (store.records)
BOLD = Font(name="Times New Roman", bold=True, size=11)
ORIGIN_WIDTHS = (24, 9, 16, 12, 36, 44, 22, 18)


@dataclass(frozen=True)
class Part:
    """One commune cell that goes into a package cell."""

    unit_code: str
    unit_name: str
    label: str  # the commune row's name (its key values)
    value: object
    file_name: str
    source: str  # sheet!cell in the commune's file
    received: datetime | None


@dataclass
class Package:
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Vietnamese lines for the build summary
    city: str = ""
    signed: dict | None = None  # the head's sign-off of these figures (store.records), if any

    checked: tuple[bool, list[str]] | None = None  # package_check: (all accepted, refusals); None: not checked

    def lines(self, folder: str) -> list[str]:
        head = (f"- Gói số liệu gửi {self.city}: {len(self.files)} biểu trong {folder}/ (gửi các tệp này lên cổng "
                f"của {self.city} hoặc chép vào thư mục nhận của {self.city}).")
        if self.checked is not None and self.checked[0]:
            head += f" Đã kiểm tra theo cấu hình của {self.city}: {self.city} sẽ nhận đủ {len(self.files)} biểu."
        elif self.checked is not None:
            head = (f"- GÓI SỐ LIỆU CHƯA GỬI ĐƯỢC: kiểm tra theo cấu hình của {self.city}, {len(self.checked[1])} trong "
                    f"{len(self.files)} biểu trong {folder}/ sẽ bị trả lại:")
        return [head] + [f"  • {line}" for line in (self.checked[1] if self.checked else [])] + \
            [f"  • {note}" for note in self.notes]


def catalog_version() -> str:
    """One word for the catalog a package was written with: its templates' ids, versions, fingerprints."""
    text = "|".join(f"{t.id}:{t.version}:{t.fingerprint}" for t in sorted(CATALOG.values(), key=lambda t: t.id))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def city_config(commune: Config, inputs_dir: Path) -> tuple[Config, str | None]:
    """The city's configuration as the package is written with it (the commune's period), and a
    note when the commune has no copy of it (then derived from the commune's own settings)."""
    path = Path(inputs_dir) / paths.CITY_CONFIG_NAME
    if path.is_file():
        city = load(path)
        if not city.is_city:
            raise ConfigError(f"Tệp cấu hình của cấp trên {path} không phải cấu hình cấp thành phố, tỉnh "
                              "(cần dòng level = \"city\"). Hãy chép đúng tệp cấu hình thành phố gửi.")
        return replace(city, start=commune.start, cutoff=commune.cutoff), None  # the city's reporting months
    kind = next((k for k in CITY_KINDS if commune.province.lower().startswith(k + " ")), CITY_KINDS[1])
    name = commune.province[len(kind) + 1:] if commune.province.lower().startswith(kind + " ") else commune.province
    note = (f"Chưa có bản sao cấu hình của {commune.province} (inputs/{paths.CITY_CONFIG_NAME}): các dòng cơ quan "
            "trong biểu nhân sự và các phông lưu trữ lấy theo cấu hình của xã; thành phố chỉ nhận nếu các dòng "
            f"đó trùng với cấu hình của thành phố. Hãy chép tệp cấu hình thành phố gửi vào inputs/{paths.CITY_CONFIG_NAME}.")
    return replace(commune, level=CITY, commune=name, kind=kind, code=None), note


def unit_of(commune: Config) -> Unit:
    """The commune as a unit of its city."""
    return Unit(code=str(commune.code), name=commune.full_name, kind=commune.kind, templates=tuple(CATALOG))


# ---------------------------------------------------------------------------------------------
# The commune's current figures


def _plain(value: object) -> object:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def _facts(con: duckdb.DuckDBPyConnection, template: Template, sheet: Sheet) -> list[dict]:
    """The current rows of a sheet, each with its unit, file, received time and field → sheet!cell."""
    table = warehouse.table_name(template.id, sheet.key)
    frame = con.execute(f"SELECT f.*, s.file_name AS _file, s.received_at AS _received FROM cur_{table} f "
                        "JOIN submissions s USING (submission_id) ORDER BY f.row_number").df()
    letters: dict[int, dict[str, tuple[str, str]]] = {}
    for sid, name, key, col in con.execute("SELECT submission_id, sheet_name, field, col FROM sheet_columns "
                                           "WHERE sheet_table = ?", [table]).fetchall():
        letters.setdefault(sid, {})[key] = (name, col)
    out = []
    for record in frame.to_dict("records"):
        received = record.pop("_received")
        record = {k: _plain(v) for k, v in record.items()}
        record["_received"] = None if pd.isna(received) else pd.Timestamp(received).to_pydatetime()
        where = letters.get(record["submission_id"], {})
        record["_cells"] = {f: f"{where[f][0]}!{where[f][1]}{record['row_number']}" for f in where}
        out.append(record)
    return out


def _current(con: duckdb.DuckDBPyConnection, template: Template) -> list[str]:
    return [r[0] for r in con.execute("SELECT sha256 FROM current_submissions WHERE template_id = ? ORDER BY sha256",
                                      [template.id]).fetchall()]


# ---------------------------------------------------------------------------------------------
# Commune rows → city rows


def _key(row: tuple | dict, sheet: Sheet) -> tuple[str, ...]:
    values = row if isinstance(row, tuple) else tuple(row.get(k.key) for k in sheet.keys)
    return tuple("" if v is None else str(v) for v in values)


def _place(sheet: Sheet, commune: Config, view: Config) -> Callable[[tuple[str, ...]], int | None]:
    """Where a commune row (by its keys) goes among the city sheet's fixed rows."""
    mine = [_key(r, sheet) for r in sheet.rows(commune)]
    theirs = [_key(r, sheet) for r in sheet.rows(view)]
    same = [_key(r, sheet) for r in sheet.rows(replace(view, kind=commune.kind))]
    if same == mine:
        return {k: i for i, k in enumerate(mine)}.get  # the same rows, but for the kind word
    # rows equal but for the kind word (e.g. «Toàn {don_vi}») go to their row; the others by name, or
    # all into the one row left (the city's list of one body)
    by_kind = {k: i for i, k in enumerate(same) if k in set(mine)}
    rest = [i for i in range(len(theirs)) if i not in by_kind.values()]
    if len(rest) == 1:
        return lambda key: by_kind.get(key, rest[0])
    return ({k: i for i, k in enumerate(theirs)} | by_kind).get


def _cut(text: str, limit: int | None) -> str:
    return text if not limit or len(text) <= limit else text[:limit - 1].rstrip() + "…"


def combine(col: Field, parts: list[Part]) -> object:
    """One package cell from the commune cells that go into it (rules in the module's doc)."""
    known = [p for p in parts if p.value is not None]
    if col.numeric:
        if not parts or len(known) < len(parts):
            return None  # unknown stays unknown, never 0
        total = sum(p.value for p in known)
        return int(round(total)) if col.type == "int" else round(float(total), 6)
    if not known:
        return None
    if col.type != "text" or len(known) == 1:
        return known[0].value
    units = {p.unit_code for p in known}
    return _cut("\n".join(f"{p.unit_name if len(units) > 1 else p.label}: {p.value}" for p in known), col.max_length)


def _part(record: dict, col: Field, sheet: Sheet, names: dict[str, str]) -> Part:
    received = record.get("_received")
    return Part(record["unit_code"], names.get(record["unit_code"], record["unit_code"]),
                " – ".join(k for k in _key(record, sheet) if k), record.get(col.key), record["_file"],
                record["_cells"].get(col.key, "?"), received if isinstance(received, datetime) else None)


def sheet_rows(sheet: Sheet, facts: list[dict], commune: Config, view: Config
               ) -> tuple[list[dict], dict[tuple[int, str], list[Part]], list[str]]:
    """(rows of the city sheet, (row index, field) → the commune cells in it, notes)."""
    order = {u.code: i for i, u in enumerate(commune.units)}
    facts = sorted(facts, key=lambda r: (order.get(r["unit_code"], len(order)), r["row_number"]))
    names = {u.code: u.name for u in commune.units}
    notes: list[str] = []
    parts: dict[tuple[int, str], list[Part]] = {}
    if sheet.rows is not None:
        place = _place(sheet, commune, view)
        count = len(sheet.rows(view))
        for record in facts:
            at = place(_key(record, sheet))
            if at is None:
                notes.append(f"Dòng «{' – '.join(k for k in _key(record, sheet) if k)}» của trang «{sheet.name}» "
                             "không có trong biểu của cấp trên: chưa đưa vào gói.")
                continue
            if all(record.get(c.key) is None for c in sheet.fields):
                continue  # a row this unit left blank (a section it does not lead)
            for col in sheet.fields:
                parts.setdefault((at, col.key), []).append(_part(record, col, sheet, names))
        rows = [{c.key: combine(c, parts.get((i, c.key), [])) for c in sheet.fields} for i in range(count)]
        return rows, parts, notes
    if len(facts) > sheet.max_rows:
        notes.append(f"Trang «{sheet.name}» có {len(facts)} dòng, quá {sheet.max_rows} dòng của biểu: "
                     f"{len(facts) - sheet.max_rows} dòng cuối chưa đưa vào gói.")
        facts = facts[:sheet.max_rows]
    numbered = len(sheet.keys) == 1 and sheet.keys[0].type == "int"
    rows = []
    for i, record in enumerate(facts):
        row = {c.key: record.get(c.key) for c in sheet.columns}
        for col in sheet.columns:
            if not (numbered and col is sheet.keys[0]):
                parts[(i, col.key)] = [_part(record, col, sheet, names)]
        if numbered:
            row[sheet.keys[0].key] = i + 1
        rows.append(row)
    return rows, parts, notes


def _whole_period(con: duckdb.DuckDBPyConnection, template: Template, sheet: Sheet, commune: Config, view: Config
                  ) -> tuple[list[dict], dict[tuple[int, str], list[Part]], list[str]]:
    """A sheet whose periods cannot be re-cut to the city's: its whole period (outputs.package_months)."""
    names = {u.code: u.name for u in commune.units}
    rows, sources = package_months.whole_period(con, sheet, _facts(con, template, sheet), view)
    parts = {(at, key): [_part(r, sheet.column(key), sheet, names) for r in used] for (at, key), used in sources.items()}
    return rows, parts, [package_months.note(commune, view, sheet)]


# ---------------------------------------------------------------------------------------------
# Writing


def _origin_sheet(wb, parts_by_sheet: list[tuple[Sheet, dict[tuple[int, str], list[Part]]]]) -> None:
    ws = wb.create_sheet(layout.ORIGIN_SHEET)
    for i, (title, width) in enumerate(zip(layout.ORIGIN_COLUMNS, ORIGIN_WIDTHS, strict=True), start=1):
        ws.cell(1, i, title).font = BOLD
        ws.column_dimensions[get_column_letter(i)].width = width
    for sheet, parts in parts_by_sheet:
        letters = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, start=1)}
        for (at, key), found in sorted(parts.items(), key=lambda item: (item[0][0], list(letters).index(item[0][1]))):
            for p in found:
                if p.value is None:
                    continue
                when = f"{p.received:%d/%m/%Y %H:%M}" if p.received else None
                ws.append([sheet.name, f"{letters[key]}{layout.FIRST_DATA_ROW + at}", shown(p.value), p.unit_code,
                           p.unit_name, p.file_name, p.source, when])
    ws.freeze_panes = "A2"
    ws.protection.sheet = True


def _meta(wb, commune: Config, digest: str, now: datetime, figures: str, signed: dict | None) -> None:
    ws = wb[layout.META_SHEET]
    values = {"package_commune_code": commune.code, "package_of": commune.full_name,
              "catalog_version": catalog_version(), "submissions_sha256": digest,
              "package_built_at": now.isoformat(), proof.FIGURES_KEY: figures,
              proof.SIGNED_BY: signed["full_name"] if signed else None,
              proof.SIGNED_AT: f"{signed['signed_at']:%Y-%m-%dT%H:%M:%S}" if signed else None}
    for row, key in enumerate(layout.PACKAGE_KEYS, start=len(layout.META_KEYS) + 1):
        ws.cell(row, 1, key)
        ws.cell(row, 2, values[key])


def _figures(wb, template: Template, commune: Config) -> str:
    """The digest of the workbook's figures as the city's reader will compute it (intake.proof)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    return proof.digests(book, template, str(commune.code), commune.full_name)


def signed_off(inputs_dir: Path | None, commune: Config, whole: str) -> dict | None:
    """The head's latest sign-off of the package whose figures have the digest `whole`."""
    if inputs_dir is None:
        return None
    found = [r for r in records.read(inputs_dir, records.SIGNOFFS)
             if r["template_id"] == PACKAGE_RECORD and r["sha256"] == whole]
    return found[-1] if found else None


def sign_off(inputs_dir: Path, outputs_dir: Path, commune: Config, username: str, full_name: str) -> dict:
    """The commune's head signs off the package now in outputs/package/ (its figures' digest): the next
    build writes the sign-off into the package. For the command and the portal. Raises ValueError
    (Vietnamese) when there is no package."""
    whole = written_digest(Path(outputs_dir) / paths.PACKAGE_DIR)
    if whole is None:
        raise ValueError("Chưa có gói số liệu để xác nhận: hãy chạy chương trình để lập gói trước.")
    return records.sign_off(inputs_dir, commune.standing_unit, PACKAGE_RECORD, whole, paths.PACKAGE_DIR,
                            username, full_name)


def written_digest(folder: Path) -> str | None:
    """The digest of the package in folder (its workbooks' figure digests), None without one."""
    parts = []
    for path in sorted(Path(folder).glob("*.xlsx")):
        rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(layout.META_SHEET).to_python()
        parts += [str(r[1]) for r in rows if len(r) > 1 and r[0] == proof.FIGURES_KEY]
    return proof.combined(parts) if parts else None


def build(con: duckdb.DuckDBPyConnection, commune: Config, view: Config, folder: Path, demo: bool = False,
          inputs_dir: Path | None = None) -> Package:
    """Write the commune's package into folder (which it fills; the caller replaces the old one)."""
    folder.mkdir(parents=True, exist_ok=True)
    package, unit = Package(city=view.full_name), unit_of(commune)
    now = datetime.now().replace(microsecond=0)
    books = []
    for template in CATALOG.values():
        shas = _current(con, template)
        if not shas:
            continue
        data, parts_by_sheet = {}, []
        for sheet in template.sheets:
            if sheet.period_total is not None and not package_months.same_months(commune, view):
                rows, parts, notes = _whole_period(con, template, sheet, commune, view)
            else:
                rows, parts, notes = sheet_rows(sheet, _facts(con, template, sheet), commune, view)
            data[sheet.key] = rows
            parts_by_sheet.append((sheet, parts))
            package.notes += [f"{template.title}: {note}" for note in notes]
        wb = templates.workbook(template, unit, view, data=data, demo=demo)
        _origin_sheet(wb, parts_by_sheet)
        books.append((template, wb, hashlib.sha256("\n".join(shas).encode()).hexdigest(), _figures(wb, template, commune)))
    signed = signed_off(inputs_dir, commune, proof.combined([b[3] for b in books]))
    package.signed = signed
    for template, wb, digest, figures in books:
        _meta(wb, commune, digest, now, figures, signed)
        package.files.append(atomic.save(wb, folder / templates.filename(template, unit)))
    return package


def write(con: duckdb.DuckDBPyConnection, commune: Config, inputs_dir: Path, outputs_dir: Path,
          demo: bool = False) -> Package:
    """outputs/package/ rebuilt whole (atomically) from the warehouse's current submissions."""
    view, note = city_config(commune, inputs_dir)
    result: list[Package] = []
    folder = atomic.replace_dir(Path(outputs_dir) / paths.PACKAGE_DIR,
                                lambda fresh: result.append(build(con, commune, view, fresh, demo, inputs_dir)))
    package = result[0]
    package.files = [folder / p.name for p in package.files]  # written in a fresh folder, now in place
    if note:
        package.notes.insert(0, note)
    if commune.code not in {u.code for u in view.units} and note is None:
        package.notes.insert(0, f"Mã {commune.code} (khóa code trong mục [commune]) không có trong danh sách các xã "
                                f"của {view.full_name}: thành phố sẽ trả lại gói. Hãy kiểm tra mã thành phố giao.")
    if view.require_signoff and package.signed is None and package.files:
        package.notes.insert(0, f"{view.full_name} chỉ nhận gói số liệu đã được thủ trưởng xác nhận: gói này chưa được "
                                "xác nhận (hoặc số liệu đã đổi sau lần xác nhận trước). Thủ trưởng xem lại gói, chạy "
                                "lệnh «soket xac-nhan-goi --ten \"Họ và tên\"» rồi chạy lại chương trình.")
    elif package.signed:
        package.notes.insert(0, f"Gói đã được {package.signed['full_name']} xác nhận lúc "
                                f"{package.signed['signed_at']:%H:%M %d/%m/%Y}.")
    if not demo and note is None:
        package.checked = package_check.check(package.files, inputs_dir, commune)
    if demo:
        package.notes.insert(0, "Gói lập từ bộ SỐ LIỆU MINH HỌA: thành phố sẽ không nhận; chỉ gửi khi các đơn vị đã "
                                "gửi số liệu thật.")
    return package
