"""Vietnamese formatting and parsing of numbers and dates (1.234,5; dd/mm/yyyy)."""

from __future__ import annotations

import math
import re
import unicodedata
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


# Characters an .xlsx cannot hold (openpyxl raises IllegalCharacterError) or that print as nothing:
# C0 controls other than tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
# Excel stores a pasted bell as "_x0007_", which readers turn back into the character.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SHOWN_CHARS = 200  # longest value echoed in a message


def printable(text: object, limit: int | None = None) -> str:
    """text safe to write into any output: each invisible control character shown as a visible
    escape «[U+0007]»; cut to limit characters (with «…» and the full length) when given."""
    text = text if isinstance(text, str) else str(text)
    if _UNPRINTABLE.search(text):
        text = _UNPRINTABLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}… (tổng cộng {number(len(text))} ký tự)"
    return text


def without_control(text: str) -> str:
    """text with the invisible control characters removed (vertical tab and form feed become a space)."""
    return _UNPRINTABLE.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)


# The tone mark of an open «oa», «oe», «uy» (no final consonant) sits on the first vowel, as in the
# text of Nghị định 30/2020/NĐ-CP («CỘNG HÒA», «văn hóa», «ủy quyền»): one style for every text.
_NEW_STYLE_TONE = re.compile("(?<![qQ])([oOuU])([\u00e1\u00e0\u1ea3\u00e3\u1ea1\u00e9\u00e8\u1ebb\u1ebd\u1eb9"
                             "\u00fd\u1ef3\u1ef7\u1ef9\u1ef5\u00c1\u00c0\u1ea2\u00c3\u1ea0\u00c9\u00c8"
                             "\u1eba\u1ebc\u1eb8\u00dd\u1ef2\u1ef6\u1ef8\u1ef4])(?!\\w)")
_OPEN_PAIRS = {"o": "aeAE", "O": "aeAE", "u": "yY", "U": "yY"}


def _tone_first(m: re.Match) -> str:
    first, second = m.group(1), unicodedata.normalize("NFD", m.group(2))
    base, mark = second[0], second[1:]
    if base not in _OPEN_PAIRS[first]:
        return m.group()
    return unicodedata.normalize("NFC", first + mark) + base


def tones(text: str) -> str:
    """text with every open «oa», «oe», «uy» marked on its first vowel: «hoá» → «hóa», «tuỳ» → «tùy»
    («hoàn», «quý» are unchanged)."""
    return _NEW_STYLE_TONE.sub(_tone_first, text) if not text.isascii() else text


_OLD_OPEN_O = re.compile("([\u00f3\u00f2\u1ecf\u00f5\u1ecd\u00d3\u00d2\u1ece\u00d5\u1ecc])([aeAE])(?!\\w)")


def _tone_second(m: re.Match) -> str:
    first = unicodedata.normalize("NFD", m.group(1))
    return first[0] + unicodedata.normalize("NFC", m.group(2) + first[1:])


def as_fingerprinted(text: str) -> str:
    """A header as the fingerprints of the templates sent before `tones` hashed it: an open «oa»,
    «oe» marked on its second vowel («số hoá»), «uy» on its first («ủy»). Hashing this keeps every
    file already sent recognised, whichever style its headers are printed in now."""
    return _OLD_OPEN_O.sub(_tone_second, text) if not text.isascii() else text


def first_upper(text: str) -> str:
    """The text with its first letter a capital («bị trả lại» → «Bị trả lại»); the rest unchanged."""
    return text[:1].upper() + text[1:]


def upper(text: str) -> str:
    """Upper-case a title for printing, keeping document numbers and symbols as written
    («Quyết định 766/QĐ-TTg» → «QUYẾT ĐỊNH 766/QĐ-TTg»): a word holding a digit or «/» is kept."""
    return " ".join(w if any(ch.isdigit() or ch == "/" for ch in w) else w.upper() for w in text.split(" "))


RATIO_DECIMALS = 2  # a quotient of two counts with a unit like «máy/người» (1,17)
MEASURE_DECIMALS = 1  # a measured quantity that is not whole (352,5 mét giá)


def by_unit(value: float | int | None, unit: str, percent_decimals: int = 1) -> str:
    """One number format per kind, declared once: a percentage with its declared decimals, a
    ratio of counts with RATIO_DECIMALS, a count whole (never «3.087,0 hồ sơ»)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return GAP
    return number(value, unit_decimals(value, unit, percent_decimals))


def unit_decimals(value: float | int, unit: str, percent_decimals: int = 1) -> int:
    """The decimals by_unit prints (the annex gives Excel the same number format)."""
    if unit == "%":
        return percent_decimals
    if "/" in unit:
        return RATIO_DECIMALS
    return 0 if float(value).is_integer() else MEASURE_DECIMALS


def ascii_words(text: str) -> str:
    """Vietnamese words as plain ASCII joined by «_»: «Phòng Kinh tế» → «Phong_Kinh_te»."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if ch.isascii())
    return "_".join(re.findall(r"[A-Za-z0-9]+", plain))
