"""Cross-checks: the catalog's CROSS_CHECKS evaluated over the warehouse's current data.

A cross-check compares figures of different sheets or templates (often of different units), so
it cannot be decided when one file is checked: it runs on what is current, after the ingest,
and its outcome is a warning shown in the build summary, the annex notes and the report. Each
`Measure` becomes one aggregate over its `cur_<template>_<sheet>` view: sum(expr) (rows with a
blank in expr are skipped: blank is not zero) or count(*), filtered by `where`. A check whose
two sides do not both have a current submission is not evaluated.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import duckdb

from pipeline.core import expr, vn
from pipeline.core.config import Config
from pipeline.core.model import CrossCheck, Measure
from pipeline.topics import CATALOG, CROSS_CHECKS

_OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


@dataclass(frozen=True)
class Finding:
    """The outcome of one cross-check over current data."""

    check: CrossCheck
    left: float
    right: float

    @property
    def ok(self) -> bool:
        c = self.check
        if c.op == "==":
            return abs(self.left - self.right) <= c.tolerance * abs(self.right) + 1e-9
        return _OPS[c.op](self.left, self.right)

    @property
    def difference(self) -> float | None:
        """(left − right) / right × 100: how far apart the two figures are, in %."""
        return None if self.right == 0 else 100.0 * (self.left - self.right) / self.right

    @property
    def sheet(self) -> str:
        return CATALOG[self.check.left.template].sheet(self.check.left.sheet).name

    @property
    def field(self) -> str:
        m = self.check.left
        sheet = CATALOG[m.template].sheet(m.sheet)
        return expr.words(m.expr, lambda k: sheet.column(k).label) if m.expr else "Số dòng"

    @property
    def value(self) -> str:
        sign = "≠" if self.check.op == "==" else "so với"
        return f"{vn.number(self.left)} {sign} {vn.number(self.right)}"

    @property
    def fix(self) -> str:
        return (f"Đối chiếu lại số liệu giữa hai biểu ({describe(self.check.left)} và "
                f"{describe(self.check.right)}) rồi gửi lại biểu sai.")

    def text(self) -> str:
        """One Vietnamese line: the outcome with both figures."""
        both = (f"{describe(self.check.left)}: {vn.number(self.left)}; "
                f"{describe(self.check.right)}: {vn.number(self.right)}")
        if self.ok:
            return f"Đối chiếu khớp ({both})."
        return f"Cảnh báo đối chiếu: {self.check.message} ({both}). {self.fix}"


def describe(m: Measure) -> str:
    """Where a measure comes from, in plain words: "tổng «…» trang «Hồ sơ» biểu «<title>»"."""
    sheet = CATALOG[m.template].sheet(m.sheet)
    if m.aggregate == "count":
        what = "số dòng" + (" (lọc theo " + ", ".join(f"«{sheet.column(f).label}»" for f, _ in m.where) + ")"
                            if m.where else "")
    else:
        what = "tổng " + expr.words(m.expr, lambda k: f"«{sheet.column(k).label}»")
    return f"{what} trang «{sheet.name}» biểu «{CATALOG[m.template].title}»"


def _sql(m: Measure) -> tuple[str, list[str]]:
    sheet = CATALOG[m.template].sheet(m.sheet)  # KeyError/StopIteration on a bad declaration
    names = list(expr.keys(m.expr)) if m.aggregate == "sum" else []  # ValueError: not an expression
    for key in names + [f for f, _ in m.where]:
        sheet.column(key)  # every name must be a field of the sheet: nothing else reaches the SQL
    value = "count(*)" if m.aggregate == "count" else f"sum({expr.formula(m.expr, str)})"
    where = " and ".join(f"{f} in ({', '.join('?' for _ in values)})" for f, values in m.where)
    params = [v for _, values in m.where for v in values]
    return f"select {value}::double from cur_{m.template}_{m.sheet}" + (f" where {where}" if where else ""), params


def _listed(con: duckdb.DuckDBPyConnection, m: Measure) -> bool:
    """False for a count over a list that may be left out (Measure.optional_list) when no unit filled
    it: the list was not sent, so its count is unknown, not 0."""
    if not m.optional_list:
        return True
    return bool(con.execute(f"select count(*) from cur_{m.template}_{m.sheet}").fetchall()[0][0])


@dataclass(frozen=True)
class Outcome:
    """One cross-check's state over current data: its Finding, or the sides with nothing to compare."""

    check: CrossCheck
    finding: Finding | None
    missing: tuple[Measure, ...] = ()  # sides without data (no current submission, or blanks only)
    sent: frozenset[str] = frozenset()  # templates with a current submission when evaluated

    @property
    def state(self) -> str:
        """A key of STATES: "ok", "failed" or "missing"."""
        return "missing" if self.finding is None else "ok" if self.finding.ok else "failed"

    @property
    def label(self) -> str:
        return STATES[self.state]

    def involves(self, template_id: str) -> bool:
        return template_id in (self.check.left.template, self.check.right.template)

    def missing_text(self, config: Config | None = None) -> str:
        """Vietnamese: whose data is missing, e.g. "chưa có biểu «<title>» của Trung tâm …"."""
        parts = []
        for m in self.missing:
            if m.template in self.sent:
                parts.append(f"{describe(m)}: các ô để trống")
                continue
            owners = "; ".join(f"{u.name} ({u.code})" for u in config.owners(m.template)) if config else ""
            part = f"chưa có biểu «{CATALOG[m.template].title}»" + (f" của {owners}" if owners else "")
            if part not in parts:
                parts.append(part)
        return "; ".join(parts)


STATES = {"ok": "khớp", "failed": "lệch — cảnh báo", "missing": "chưa đủ số liệu"}


def outcomes(con: duckdb.DuckDBPyConnection, checks: tuple[CrossCheck, ...] = CROSS_CHECKS) -> list[Outcome]:
    """Every check in declaration order, evaluated when both sides have data."""
    sent = frozenset(t for (t,) in con.execute("select distinct template_id from current_submissions").fetchall())
    out = []
    for check in checks:
        missing = tuple(m for m in (check.left, check.right) if m.template not in sent)
        sides = []
        if not missing:
            for m in (check.left, check.right):
                sql, params = _sql(m)
                (value,) = con.execute(sql, params).fetchall()[0]
                if m.aggregate == "count":
                    value = (value or 0.0) if _listed(con, m) else None
                sides.append(value)
            # a sum over blanks only: nothing to compare
            missing = tuple(m for m, v in zip((check.left, check.right), sides, strict=True) if v is None)
        out.append(Outcome(check, None if missing else Finding(check, *sides), missing, sent))
    return out


def evaluate(con: duckdb.DuckDBPyConnection, checks: tuple[CrossCheck, ...] = CROSS_CHECKS) -> list[Finding]:
    """Every check whose two sides have a current submission, passed or not, in declaration order."""
    return [o.finding for o in outcomes(con, checks) if o.finding is not None]


def summary_lines(findings: list[Finding], pending: list[Outcome] = (),
                  config: Config | None = None) -> list[str]:
    """The Vietnamese summary of cross-checks shared by the build and the ingest: a headline, then
    one line per failed check and per check without enough data (callers add their bullets)."""
    lines = []
    if findings:
        failed = [f for f in findings if not f.ok]
        lines.append(f"Đối chiếu số liệu giữa các biểu: {len(findings) - len(failed)}/{len(findings)} "
                     "phép đối chiếu khớp.")
        lines += [f.text() for f in failed]
    elif pending:
        lines.append("Đối chiếu số liệu giữa các biểu: chưa đủ số liệu để đối chiếu.")
    lines += [f"Chưa đối chiếu được ({o.missing_text(config)}): {describe(o.check.left)} với "
              f"{describe(o.check.right)}." for o in pending if o.finding is None]
    return lines
