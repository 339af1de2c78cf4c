"""Vietnamese formatting and parsing of numbers and dates (1.234,5; dd/mm/yyyy)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

GAP = "[x]"  # shorthand for a value that cannot be given (missing data or zero denominator)


def number(value: float | int | None, decimals: int = 0) -> str:
    """Format like 1.234,5; None or NaN becomes the gap mark."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return GAP
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value: float | None, decimals: int = 1) -> str:
    """A share given as a percentage number (97.84 -> '97,8%')."""
    formatted = number(value, decimals)
    return formatted if formatted == GAP else formatted + "%"


def day(value: date | datetime) -> str:
    return value.strftime("%d/%m/%Y")


def moment(value: datetime) -> str:
    return value.strftime("%H:%M %d/%m/%Y")


def month(value: date) -> str:
    return value.strftime("%m/%Y")


_VN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_EN_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")


def parse_number(text: str) -> float | None:
    """Read a number as people type it: '1.234' = 1234, '12,5' = 12.5, ' 7 ' = 7.

    Returns None when the text is not a number.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    if _VN_NUMBER.match(cleaned):
        return float(cleaned.replace(".", "").replace(",", "."))
    if _EN_DECIMAL.match(cleaned) and not re.match(r"^[+-]?\d{1,3}\.\d{3}$", cleaned):
        return float(cleaned)
    return None
