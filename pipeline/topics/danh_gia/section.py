"""The units' assessments compiled into the report: blocks for II.1–II.8, II.9 and III.

`contributions(results)` reads the two indicator tables of this folder (the texts as received)
and returns, for each report section, a list of blocks `(kind, text)`, kind one of BLOCK_KINDS:
a heading once per part (never repeated for a second unit), a paragraph or bullet per line of
text, and a gap naming the unit whose assessment is still missing. Duck-typed over the
indicator results (`results.tables[name]`: `.value(i, key)`, `.frame`, `.missing`,
`.query.source`, `.query.template.section`; `results.config`).
"""

from __future__ import annotations

from pipeline.core.model import fill
from pipeline.topics.danh_gia.template import LEVELS, PARTS, SECTIONS, TEMPLATE

TEXTS, PROPOSALS = "danh_gia_noi_dung", "danh_gia_de_xuat"  # this folder's SQL files
BLOCK_KINDS = ("heading", "paragraph", "bullet", "gap")
TASKS_SECTION, PROPOSALS_SECTION = "II.9", "III"
BULLET = "- "

_PART = {f.label: f.key for f in PARTS}  # the table prints each part by its label
# The headings of a section, in order, and the parts each one gathers (the two causes are one).
HEADINGS = (
    ("Kết quả nổi bật", ("ket_qua",)),
    ("Hạn chế, khó khăn", ("han_che",)),
    ("Nguyên nhân", ("nguyen_nhan_chu_quan", "nguyen_nhan_khach_quan")),
    ("Bài học kinh nghiệm", ("bai_hoc",)),
)
_CAUSE = {"nguyen_nhan_chu_quan": "Nguyên nhân chủ quan: ", "nguyen_nhan_khach_quan": "Nguyên nhân khách quan: "}
LEVEL_HEADINGS = dict(zip(LEVELS, ("Đối với Trung ương", "Đối với {province}", "Đối với Ủy ban nhân dân {don_vi}"),
                          strict=True))
SECTION_TITLES = dict(SECTIONS)


def gap(unit_name: str, what: str) -> str:
    """The to-be-filled marker of a missing assessment: names the unit, never reads as final."""
    return f"[Nội dung do {unit_name} bổ sung: {what}]"


def blocks(text: str, prefix: str = "") -> list[tuple[str, str]]:
    """One text as blocks: each non-blank line a paragraph, a line starting «- » (or «+ », «• ») a
    bullet (without its mark); prefix is put before the first line."""
    out = []
    for line in (prefix + text).split("\n"):
        line = line.strip()
        if not line:
            continue
        if line[:2] in ("- ", "+ ", "• ", "– "):
            out.append(("bullet", line[2:].strip()))
        else:
            out.append(("paragraph", line))
    return out


def _leads(results) -> dict[str, list]:
    """Plan section → the units leading it (owners of the numeric templates feeding it), in the
    configuration's order."""
    sections = {t.query.source: t.query.template.section for t in results.tables.values()}
    out: dict[str, list] = {code: [] for code, _ in SECTIONS}
    for unit in results.config.units:
        for tid in unit.templates:
            if sections.get(tid) in out and unit not in out[sections[tid]]:
                out[sections[tid]].append(unit)
    return out


def _received(results) -> dict[tuple[str, str], dict[str, str]]:
    """(section, unit code) → part key → text, from the texts table."""
    t = results.tables[TEXTS]
    out: dict[tuple[str, str], dict[str, str]] = {}
    for i in range(len(t.frame)):
        section, unit, part, text = (t.value(i, k) for k in ("muc", "ma_don_vi", "truong", "van_ban"))
        if section and unit and text and part in _PART:
            out.setdefault((section, unit), {})[_PART[part]] = str(text)
    return out


def _section(code: str, units: list, received: dict) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    # a unit has sent its assessment of the section when it gave one of the parts printed here
    # (tasks alone go to II.9: a leading unit that sent only those is still asked for its assessment)
    sent = [u for u in units if any(received.get((code, u.code), {}).get(k) for _, keys in HEADINGS for k in keys)]
    for heading, keys in HEADINGS:
        body = [b for u in sent for k in keys if (text := received[(code, u.code)].get(k))
                for b in blocks(text, _CAUSE.get(k, ""))]
        if body:
            out += [("heading", heading), *body]
    title = SECTION_TITLES[code]
    out += [("gap", gap(u.name, f"đánh giá mục {code}. {title}")) for u in units if u not in sent]
    return out


def _tasks(results, received: dict) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for unit in results.config.units:
        if TEMPLATE.id not in unit.templates:
            continue
        texts = [received[(code, unit.code)]["nhiem_vu"] for code, _ in SECTIONS
                 if received.get((code, unit.code), {}).get("nhiem_vu")]
        if texts:
            out += [b for text in texts for b in blocks(text)]
        else:
            out.append(("gap", gap(unit.name, "nhiệm vụ, giải pháp trong thời gian tới")))
    return out


def _proposals(results) -> list[tuple[str, str]]:
    t = results.tables[PROPOSALS]
    by_level: dict[str, list[str]] = {level: [] for level in LEVELS}
    for i in range(len(t.frame)):
        level, text = t.value(i, "cap"), t.value(i, "kien_nghi")
        if level in by_level and text:
            by_level[level].append(str(text))
    out: list[tuple[str, str]] = []
    for level in LEVELS:
        if by_level[level]:
            out.append(("heading", fill(LEVEL_HEADINGS[level], results.config).replace("{province}", results.config.province)))
            out += [("bullet", " ".join(line.strip().removeprefix(BULLET) for line in text.split("\n") if line.strip()))
                    for text in by_level[level]]
    return out


def contributions(results) -> dict[str, list[tuple[str, str]]]:
    """Report section ("II.1" … "II.9", "III") → its blocks compiled from the units' assessments."""
    received = _received(results)
    absent = {u.code for u in results.tables[TEXTS].missing}
    received = {k: v for k, v in received.items() if k[1] not in absent}
    out = {code: _section(code, units, received) for code, units in _leads(results).items()}
    out[TASKS_SECTION] = _tasks(results, received)
    out[PROPOSALS_SECTION] = _proposals(results)
    owners = [u for u in results.config.units if TEMPLATE.id in u.templates]
    for unit in results.tables[PROPOSALS].missing:
        if unit in owners:
            out[PROPOSALS_SECTION].append(("gap", gap(unit.name, "kiến nghị, đề xuất")))
    return out
