"""The one expression language of the catalog: a side of a rule, a sheet's conditional format or
a cross-check's measure, such as "a + b - 2 * c", "1.5 * du_toan" or "ngay_tra - ngay_nhan".

A side is parsed once (cached) into terms, each a coefficient times a field key or a constant
(key None). Every user of the language reads those terms: the validator evaluates them over a
sheet's rows, the template writes them as an Excel formula, the cross-checks write them as SQL
and in words. Nothing else parses an expression.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

from pipeline.core import vn

TOLERANCE = 1e-6  # relative tolerance of equality between sums of decimals
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TERM = re.compile(r"([+-]?)([^+-]+)")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


class Term(NamedTuple):
    """factor × key (key None: the constant factor)."""

    factor: float
    key: str | None


@functools.cache
def terms(expr: str) -> tuple[Term, ...]:
    """"a + b - 2 * c" → (1, a), (1, b), (-2, c); "5" → (5, None). ValueError on anything else
    (a declaration error: only keys, numbers, +, - and * are part of the language)."""
    text = expr.replace(" ", "")
    out, pos = [], 0
    for found in _TERM.finditer(text):
        if found.start() != pos:
            raise ValueError(f"not an expression: {expr!r}")
        pos = found.end()
        sign, body = found.groups()
        factor, key = -1.0 if sign == "-" else 1.0, None
        for part in body.split("*"):
            if IDENT.fullmatch(part) and key is None:
                key = part
            elif _NUMBER.fullmatch(part):
                factor *= float(part)
            else:
                raise ValueError(f"not an expression: {expr!r}")
        out.append(Term(factor, key))
    if pos != len(text) or not out:
        raise ValueError(f"not an expression: {expr!r}")
    return tuple(out)


def keys(expr: str) -> tuple[str, ...]:
    """The field keys an expression names, in order, once each."""
    return tuple(dict.fromkeys(t.key for t in terms(expr) if t.key is not None))


def evaluate(expr: str, value: Callable[[str], object]):
    """Σ factor × value(key) (a constant term: its factor); value may return numbers, numpy
    arrays or pandas Series, which then combine element-wise (NaN stays NaN: blank is not zero)."""
    total = 0.0
    for factor, key in terms(expr):
        total = total + (factor if key is None else factor * value(key))
    return total


def compare(left, op: str, right):
    """left op right with the relative TOLERANCE (numbers, numpy arrays or pandas Series)."""
    import numpy as np  # noqa: PLC0415 - numpy only where arrays are compared

    tol = TOLERANCE * np.maximum(1.0, np.maximum(abs(left), abs(right)))
    return {"==": abs(left - right) <= tol, "<=": left <= right + tol, ">=": left >= right - tol,
            "<": left < right - tol, ">": left > right + tol}[op]


def _constant(value: float) -> str:
    """A constant as code writes it (dot decimal, no grouping): Excel formulas and SQL."""
    return format(value, ".15g")


def formula(expr: str, ref: Callable[[str], str]) -> str:
    """The side as Excel or SQL writes it, each key replaced by ref(key): "A7+B7-2*C7"."""
    out = []
    for factor, key in terms(expr):
        sign, size = "-" if factor < 0 else "+", abs(factor)
        if key is None:
            out.append(f"{sign}{_constant(size)}")
        else:
            out.append(f"{sign}{'' if size == 1 else _constant(size) + '*'}{ref(key)}")
    return "".join(out).lstrip("+")


def words(expr: str, name: Callable[[str], str]) -> str:
    """The side in plain words, each key replaced by name(key): "«A» + «B» − 2 × «C»"."""
    out = []
    for i, (factor, key) in enumerate(terms(expr)):
        size = abs(factor)
        shown = vn.number(size, 0 if float(size).is_integer() else min(6, len(repr(size).split(".")[-1])))
        text = shown if key is None else name(key) if size == 1 else f"{shown} × {name(key)}"
        out.append(("− " if factor < 0 else "") + text if i == 0 else ("− " if factor < 0 else "+ ") + text)
    return " ".join(out)
