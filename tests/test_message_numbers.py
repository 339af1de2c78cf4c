"""Every number in every message is written the Vietnamese way: «1,5 × D12», never «1.5 × D12»
(with an English decimal point a Vietnamese reader sees fifteen)."""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from pipeline.checks import crosscheck, explain, messages, validate
from pipeline.core import layout
from pipeline.topics import CATALOG, CROSS_CHECKS
from tests.receive_util import filled

# An English decimal: a dot between digits that is not a Vietnamese thousands separator (exactly
# three digits after it); a tree code such as «A.1.2» (a letter before) is not a number.
ENGLISH = re.compile(r"(?<![A-Za-z.])\d+\.(?!\d{3}(?!\d))\d+")


def english_numbers(text: str) -> list[str]:
    return ENGLISH.findall(text) + (["*"] if "*" in text else [])


def test_a_budget_warning_writes_its_factor_in_vietnamese(config, tmp_path):
    def edit(wb):  # an item three times its estimate: above 150% (the sums above it then differ too)
        ws = wb["Ngân sách"]
        ws["E8"] = ws["D8"].value * 3
    report = validate.check_file(filled(config, "ngan_sach", tmp_path, edit=edit), config)
    warning = next(p for p in report.problems if "150%" in p.rule)
    assert "1,5 × D8" in warning.rule and english_numbers(warning.rule) == [], warning.rule


def _catalog_messages(config) -> list[str]:
    """Every text the checks can say about a rule, a requirement or a cell of the catalog."""
    out = []
    for template in CATALOG.values():
        for sheet in template.sheets:
            letters = {c.key: get_column_letter(i + 1) for i, c in enumerate(sheet.columns)}
            row = layout.FIRST_DATA_ROW
            for rule in sheet.rules:
                out += [rule.wording(config), explain.cells(rule.left, letters, row),
                        explain.cells(rule.right, letters, row)]
            out += [r.message for r in sheet.requires] + [r.message for r in sheet.previous]
            for field in sheet.columns:
                out.append(layout.field_rule_text(field))
                out += [t for check in ("not_nullable", "min", "max", "choices", "max_length", "other")
                        for t in messages.column_problem(check, field)]
                out += list(messages.type_problem(field, "nhiều"))
    for check in CROSS_CHECKS:
        out += [check.message, crosscheck.describe(check.left), crosscheck.describe(check.right)]
    return out


def test_every_message_of_every_rule_of_the_catalog_uses_vietnamese_decimals(config):
    found = _catalog_messages(config)
    assert len(found) > 100
    bad = {text: english_numbers(text) for text in found if english_numbers(text)}
    assert bad == {}
