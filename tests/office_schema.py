"""The Office schemas' check of a .docx or .xlsx: openxml-audit, a Python port of Microsoft's Open XML
SDK validator (its schema and semantic constraints, generated from the SDK's own data; no .NET
runtime or SDK wheel is published for Python). Errors only; the validator's own findings that Word
and Excel do not share are listed in KNOWN with the reason, everything else fails the test."""

from __future__ import annotations

import re
from pathlib import Path

from openxml_audit import OpenXmlValidator
from openxml_audit.errors import ValidationSeverity

# (part, element path, message) patterns of findings that are the validator's, not the file's.
KNOWN: tuple[tuple[str, str, str, str], ...] = (
    # ECMA-376 Part 1 §18.8.22 declares a font's children (CT_Font) as <xsd:choice maxOccurs="unbounded">:
    # any order. openpyxl writes name, b, color, sz…; the SDK models the element as Excel's own
    # sequence (b … sz, color, name) and reports each child out of that order. Excel opens such
    # files without repair.
    ("/xl/styles.xml", r"/styleSheet\[1\]/(fonts\[1\]|dxfs\[1\]/dxf\[\d+\])/font\[\d+\]",
     r"Unexpected element '(b|i|strike|condense|extend|outline|shadow|u|vertAlign|sz|color|name|family|charset|"
     r"scheme)' found", "CT_Font is an unordered choice in ECMA-376; openpyxl's order"),
)

_VALIDATOR = OpenXmlValidator()


def _known(error) -> bool:
    return any(error.part_uri == part and re.fullmatch(path, error.path or "") and re.fullmatch(text, error.description)
               for part, path, text, _ in KNOWN)


def errors(path: Path) -> list[str]:
    """The file's schema errors that are not the validator's own, as «part path: message»."""
    result = _VALIDATOR.validate(str(path))
    return [f"{e.part_uri} {e.path}: {e.description}" for e in result.errors
            if e.severity == ValidationSeverity.ERROR and not _known(e)]


def office_files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*")
                  if p.suffix in (".docx", ".xlsx") and not p.name.startswith((".", "~")))


def check_all(*folders: Path) -> dict[str, list[str]]:
    """File → its errors (at most 5 shown), for every .docx and .xlsx under folders; asserts some exist."""
    files = office_files(*folders)
    assert files, folders
    out = {}
    for path in files:
        found = errors(path)
        if found:
            out[str(path)] = found[:5]
    return out
