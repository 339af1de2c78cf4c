"""Rules shown in the sheet itself: each number rule of the catalog as an Excel formula, a
conditional format on its target cell (the total) that turns red (error) or amber (warning)
while the figures given break it, judged the way the validator judges the row."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.expr import TOLERANCE, formula, terms
from pipeline.core.model import PERIOD_DATES, Rule, Sheet

FLAG_TEXT = ("- Ô số chuyển nền đỏ ngay khi số đã điền trái với một kiểm tra «Lỗi» ghi dưới đây (ví dụ các số "
             "thành phần cộng lại không khớp với tổng số): biểu sẽ bị trả lại; nền vàng khi trái với một «Cảnh báo» "
             "(biểu vẫn được nhận). Sửa cho khớp trước khi gửi.")
# A total whose given parts do not add up: red where the file would be returned, amber for a warning.
FLAG_FILLS = {"error": (PatternFill("solid", bgColor="FFC7CE"), Font(color="9C0006")),
              "warning": (PatternFill("solid", bgColor="FFEB9C"), Font(color="9C5700"))}


def rule_formula(rule: Rule, sheet: Sheet, row: int) -> str | None:
    """An Excel formula, true in `row` while the rule fails there as the validator judges it: every
    key not in rule.partial filled, each side with a partial key holding some figure, blank partial
    keys left out of their sum, the same relative tolerance. None for a rule naming a date or a
    field the sheet does not hold (only number rules are shown in the sheet)."""
    letters = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, start=1)}
    numeric = {c.key for c in sheet.columns if c.numeric}
    named = [key for expr in (rule.left, rule.right) for _, key in terms(expr) if key is not None]
    if not named or any(key in PERIOD_DATES or key not in numeric for key in named):
        return None
    conditions, sides = [], []
    for side in (rule.left, rule.right):
        refs = [f"{letters[key]}{row}" for _, key in terms(side) if key is not None]
        conditions += [f"ISNUMBER({letters[key]}{row})" for _, key in terms(side)
                       if key is not None and key not in rule.partial]
        if rule.partial and refs:
            conditions.append(f"COUNT({','.join(refs)})>0")
        sides.append("(" + formula(side, lambda key: f"N({letters[key]}{row})" if key in rule.partial
                                   else f"{letters[key]}{row}") + ")")
    left, right = sides
    tol = f"{TOLERANCE:g}*MAX(1,ABS{left},ABS{right})"
    fails = {"==": f"ABS({left}-{right})>{tol}", "<=": f"{left}>{right}+{tol}", ">=": f"{left}<{right}-{tol}",
             "<": f"{left}>={right}-{tol}", ">": f"{left}<={right}+{tol}"}[rule.op]
    return f"AND({','.join(dict.fromkeys(conditions))},{fails})"


def flag_rules(ws: Worksheet, sheet: Sheet, first_row: int, last_row: int) -> None:
    """Colour a rule's target cell (the total) while its given parts do not add up: errors red,
    warnings amber, checked the way the validator checks them."""
    letters = {c.key: get_column_letter(i) for i, c in enumerate(sheet.columns, start=1)}
    for severity in ("error", "warning"):
        fill_, font = FLAG_FILLS[severity]
        for rule in sheet.rules:
            formula = rule_formula(rule, sheet, first_row) if rule.severity == severity else None
            if formula:
                letter = letters[rule.target]
                ws.conditional_formatting.add(f"{letter}{first_row}:{letter}{last_row}",
                                              FormulaRule(formula=[formula], fill=fill_, font=font))
