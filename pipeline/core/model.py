"""The shared model of the catalog: what a template ("biểu") is made of.

Templates, pandera schemas, DuckDB tables, annex headers and the README's template
reference are all derived from these declarations; nothing else restates a field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from pipeline.core import vn

if TYPE_CHECKING:
    from pipeline.core.config import Config

OPERATOR_TEXT = {"==": "bằng", "<=": "không lớn hơn", ">=": "không nhỏ hơn", "<": "nhỏ hơn", ">": "lớn hơn"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Field:
    """One column of a data sheet."""

    key: str
    label: str
    type: str = "int"
    unit: str = ""
    choices: tuple[str, ...] = ()
    min: float | None = 0
    max: float | None = None
    required: bool = True
    help: str = ""
    max_length: int | None = None
    width: int = 13
    # Long free text (an assessment): line breaks are kept (paragraphs, "- " bullet lines) and a
    # formula is refused at its cell; other text fields are joined into one line.
    multiline: bool = False
    # Why a required field cannot stay blank, in Vietnamese: what its section cannot say without it
    # (shown in the guide sheet and the README's template reference); "" gives the general reason.
    need: str = ""

    @property
    def numeric(self) -> bool:
        return self.type in ("int", "number")

    @property
    def header(self) -> str:
        """The label as printed in the template's header row (with its unit)."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


# Dates of the configured period a rule may name like a field: "ngay_x <= cutoff".
# name → (Vietnamese wording, attribute of Config).
PERIOD_DATES = {"period_start": ("ngày bắt đầu kỳ báo cáo", "start"), "cutoff": ("ngày chốt số liệu", "cutoff")}


def period_dates(config: Config) -> dict[str, date]:
    """The values of PERIOD_DATES in a configuration."""
    return {name: getattr(config, attr) for name, (_, attr) in PERIOD_DATES.items()}


# Words that name the unit by its kind (xã, phường, đặc khu), written in a catalog text as a
# placeholder and filled from the configuration wherever the text is shown. Field labels (the
# template's header row, part of the fingerprint) never hold one, so a ward's template is the
# same template as a commune's. «cấp xã», the national name of the level, is not a placeholder.
KIND_WORDS = {"{don_vi}": lambda c: c.kind, "{Don_vi}": lambda c: c.kind_title,
              "{DON_VI}": lambda c: c.kind.upper()}


def fill(text: str, config: Config) -> str:
    """A catalog text with the unit's kind written in: "UBND {don_vi}" → "UBND phường"."""
    for placeholder, word in KIND_WORDS.items():
        text = text.replace(placeholder, word(config))
    return text


@dataclass(frozen=True)
class Rule:
    """A cross-field rule in the style of DHIS2 validation rules.

    left and right are sums/differences of field keys and constants (e.g. "a + b",
    "1.5 * du_toan"). Date fields count as day numbers, so dates compare in time order
    ("ngay_hoan_thanh >= ngay_quyet_dinh") and a difference of two dates is a number of days;
    the names in PERIOD_DATES stand for the configured period's dates ("ngay_x <= cutoff").
    A row is checked only when every field the rule names is filled: blank is not zero (a
    blank required cell is reported by its own check). The message may hold "{cutoff}" or
    "{period_start}", written as dd/mm/yyyy wherever it is shown (see wording), and "{gap}": the
    difference |left − right| of the failing row, written as a Vietnamese number («chênh lệch
    {gap} hồ sơ»); where the rule is listed without a row (the guide) it reads «…».
    """

    left: str
    op: str
    right: str
    message: str
    severity: str = "error"  # "error" rejects the file, "warning" is reported and accepted
    # Keys that may be blank without skipping the rule: a blank one is left out of its side (a
    # side whose keys are all blank still skips it). Sound for "parts <= total" errors over
    # non-negative parts (any given parts above the total are impossible) and for warnings that
    # state what the given figures leave unexplained.
    partial: tuple[str, ...] = ()

    @property
    def keys(self) -> list[str]:
        """The field keys the rule names (not the period's dates)."""
        return [k for k in _IDENT.findall(f"{self.left} {self.right}") if k not in PERIOD_DATES]

    @property
    def target(self) -> str:
        """The field whose cell a failure points at: the first one on the left side (else the right)."""
        return self.keys[0]

    @property
    def text(self) -> str:
        return f"{self.left} {self.op} {self.right}"

    def wording(self, config: Config) -> str:
        """The message with the period's dates and the unit's kind filled in."""
        text = fill(self.message, config)
        for name, value in period_dates(config).items():
            text = text.replace("{" + name + "}", vn.day(value))
        return text.replace(GAP_MARK, "…")


GAP_MARK = "{gap}"  # in a Rule's message: the difference of the two sides in the failing row


@dataclass(frozen=True)
class PreviousRowRule:
    """A rule between a row and the previous period's row of the same group.

    `by` is the key column that orders the periods (its values in the order of the sheet's fixed
    rows); `group` are the other key columns that must match. For each row that has a previous
    row, `left` (a field of this row) is compared with `right` (a field of the previous row);
    blank on either side skips the pair (blank is not zero). The message names both cells.
    """

    left: str
    op: str
    right: str
    by: str
    group: tuple[str, ...]
    message: str
    severity: str = "warning"

    @property
    def keys(self) -> list[str]:
        return [self.left, self.right]


@dataclass(frozen=True)
class Outliers:
    """Min–max outlier warnings in the style of DHIS2: a figure far outside the same row's figures
    in the unit's other periods (the other months, years) is reported at its cell with the usual
    range; a warning, never an error.

    `by` is the key column that orders the periods; the other key columns name the row that
    repeats (e.g. the field of work). For each figure of `fields`, the reference is the median
    of the same row's known figures in the other periods (blank is unknown: it never counts);
    it is judged only when at least `others` of them are known. A figure above `factor` × the
    reference is warned about, or below the reference / `factor` (not in the first and last
    period, which may be partial: the review period's start and cut-off). The reference counts
    as at least `floor` (in the field's unit), so small figures (0, 1, 3 dossiers) never alarm.
    """

    by: str
    fields: tuple[str, ...]
    others: int = 3
    factor: float = 5.0
    floor: float = 10.0


@dataclass(frozen=True)
class PeriodTotal:
    """Rows holding the whole period beside the periods' rows (TTHC: «Cả kỳ» beside the months):
    the key `by` holds `whole` on them. They are no period of the series (previous-row rules and
    outliers skip them); when the periods are given they are checked against them
    (checks/period_total.py): a flow's periods add up to it (above: an error; below: a warning
    stating the gap), a stock (`stocks`) equals its last period, an opening figure (`opening`) its
    first period; `skip` fields are not compared (e.g. a total including the opening figure)."""

    by: str
    whole: str
    stocks: tuple[str, ...] = ()
    opening: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()


@dataclass(frozen=True)
class Requirement:
    """A row-level condition between fields (choices, texts, dates).

    When the field `when` holds one of `values`, the field `then` must be filled and, if
    `allowed` is given, hold one of those values; with `blank=True` it must be left blank.
    Rows where `when` is blank are not checked (its own required check reports them).
    """

    when: str
    values: tuple[str, ...]
    then: str
    message: str
    allowed: tuple[str, ...] = ()
    blank: bool = False
    severity: str = "error"


@dataclass(frozen=True)
class Sheet:
    """One data sheet: key columns identify a row, value fields hold the figures."""

    key: str  # ascii name used for warehouse tables
    name: str  # Excel sheet name (≤ 31 characters)
    title: str
    keys: tuple[Field, ...]
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    # Fixed rows: the values of the key columns, one tuple per row; None for a free list.
    rows: Callable[[Config], list[tuple]] | None = None
    # Key holding a dotted code ("A.1.2"): every parent row must equal the sum of its children.
    tree: str | None = None
    max_rows: int = 200  # rows offered in a free list
    # Free lists: key of a "Có"/"Không" choice field in a one-row sheet of the same template;
    # an empty list is a valid answer only when that field says "Có" (nothing to report), and a
    # list with rows contradicts a "Có".
    empty_flag: str | None = None
    # The empty_flag answer that says "nothing to report" (the other of "Có"/"Không" says the list
    # has rows), e.g. "Không" for «Có nhiệm vụ … trong kỳ».
    empty_when: str = "Có"
    requires: tuple[Requirement, ...] = ()  # row-level conditions between fields
    previous: tuple[PreviousRowRule, ...] = ()  # rules between a row and the previous period's row
    outliers: Outliers | None = None  # figures far from the unit's other periods (warnings)
    # Fixed rows: a row whose figures are all blank is unknown (accepted with one warning per
    # sheet) instead of a row of blank required cells, e.g. a field of work the unit has no
    # breakdown for.
    blank_rows: bool = False
    # With blank_rows: blank rows are expected (e.g. the plan sections another unit leads), so
    # they are accepted without a warning unless every row is blank.
    blank_rows_expected: bool = False
    # A fixed sheet whose fields are all optional but which must hold at least one figure: entirely
    # blank, it is refused as the sheet would be with a required field (TTHC: rows of months or of the
    # whole period, any figure the unit holds, but not none; staffing: one row is enough). A blank
    # template sent by mistake is refused.
    needs_figures: bool = False
    period_total: PeriodTotal | None = None  # whole-period rows beside the periods' (see PeriodTotal)
    # (key, value): the row whose key holds value is the total of the rows beside it (same other keys),
    # e.g. TTHC's «Tất cả lĩnh vực»; the rows beside it, when given, are its detail (checks/period_total.py).
    total_row: tuple[str, str] | None = None
    # A note printed on the data sheet and in the guide (e.g. the reporting months' boundaries).
    note: Callable[[Config], str] | None = None

    @property
    def columns(self) -> tuple[Field, ...]:
        return self.keys + self.fields

    def periods(self, by: str, config: Config) -> list:
        """The values of the key `by` in the order of the fixed rows, without the whole period's."""
        at = [k.key for k in self.keys].index(by)
        whole = self.period_total.whole if self.period_total and self.period_total.by == by else None
        return [v for v in dict.fromkeys(row[at] for row in self.rows(config)) if v != whole]

    def column(self, key: str) -> Field:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


# Kinds of Change between two versions of a template. The first seven carry a file's figures over
# into the newer shape (an added optional column, fixed row or sheet is blank: unknown); the
# others do not.
CARRIED_CHANGES = ("added", "renamed", "relabelled", "moved", "sheet_renamed", "row_added", "sheet_added")
BLOCKING_CHANGES = ("removed", "retyped", "redefined")


@dataclass(frozen=True)
class Change:
    """One difference between a version of a template and the one before it, on a value field.

    kind: "added" (key: the new field; carried over only when it is optional), "renamed" (old:
    the older key), "relabelled" (old: the older label, unit: the older unit if it changed),
    "moved" (after: the field it followed in the older version, "" = first), "sheet_renamed"
    (old: the older sheet name), "row_added" (a fixed row added after the older fixed rows; key:
    the text of its first key cell as declared, e.g. "Toàn {don_vi}"; its cells are blank in an
    older file), "sheet_added" (the sheet is new: carried over when none of its fields is required,
    the sheet then being blank, i.e. unknown), "removed" (removed: the older field, after: as for moved),
    "retyped" (old: the older type), "redefined" (the same column counts something else; old:
    the older label if it changed, why: what it counted before, in Vietnamese). Keys name the
    newer version's fields; `after` names an older one.
    """

    kind: str
    sheet: str  # the sheet's key
    key: str = ""
    old: str = ""
    unit: str | None = None
    after: str = ""
    removed: Field | None = None
    why: str = ""


@dataclass(frozen=True)
class Revision:
    """The changes that made `version` out of version - 1. rows: the fixed rows a sheet had before
    (sheet key → its older `Sheet.rows`) when the revision appended rows to it; a file on the older
    version is carried over with the appended rows blank (unknown)."""

    version: int
    changes: tuple[Change, ...]
    rows: tuple[tuple[str, Callable[[Config], list[tuple]]], ...] = ()


@dataclass(frozen=True)
class Template:
    id: str
    version: int
    title: str
    section: str  # the plan's section this template feeds, e.g. "II.4"
    owner: str  # the unit code the plan gives the task to (the configuration decides)
    purpose: str  # one sentence for the instructions sheet
    sheets: tuple[Sheet, ...]
    notes: tuple[str, ...] = field(default=())
    # How the earlier versions differed, newest revision first (see Revision); files received on
    # an earlier version are recognised by the fingerprints derived from it (intake/versions.py).
    history: tuple[Revision, ...] = field(default=())
    # The start of its blank files' names, e.g. "Bieu_TTHC" (+ "_<unit name>.xlsx"): plain ASCII
    # words a clerk reads, short enough for Windows paths. Not part of the fingerprint: a file is
    # recognised by its structure, never by its name.
    file_name: str = ""

    @property
    def fingerprint(self) -> str:
        """A hash of the structure: id, version, sheets and their columns."""
        shape = [self.id, self.version] + [
            [s.name, [[c.key, vn.as_fingerprinted(c.header), c.type] for c in s.columns]] for s in self.sheets
        ]
        return hashlib.sha256(json.dumps(shape, ensure_ascii=False).encode()).hexdigest()[:16]

    def sheet(self, key: str) -> Sheet:
        return next(s for s in self.sheets if s.key == key)


@dataclass(frozen=True)
class Measure:
    """An aggregate over the current submissions of every unit: sum of `expr` over a sheet's
    rows (expr like "a + b"), or the number of rows when aggregate is "count"; `where` keeps
    only rows whose field holds one of the values."""

    template: str
    sheet: str
    expr: str = ""
    aggregate: str = "sum"  # "sum" | "count"
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # A count over a list a unit may leave out (sending its totals instead): with no row at all the
    # count is unknown, so the check is not evaluated.
    optional_list: bool = False


@dataclass(frozen=True)
class CrossCheck:
    """A comparison between figures of different sheets or templates, checked once every
    measure has data. For "==", |left - right| <= tolerance * right (relative) is accepted."""

    left: Measure
    op: str
    right: Measure
    message: str
    tolerance: float = 0.0
    severity: str = "warning"
    key: str = ""  # a name to refer to this check by (e.g. from a report section); "" when none does
