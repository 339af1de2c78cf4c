"""The city's report (issue 17, item 3): the same sections, read for a city.

At city level (`outputs.city`) the topics' prose names as its subject the city's communes («các
xã, phường trên địa bàn thành phố Hải Phòng»: their figures add up to the city's); each section
opens with who sent its template (the late and the missing communes named) and ends with its
per-commune tables and the figures flagged for follow-up; II.4 adds the ranking of the communes on
the 766 estimated points and the distribution chart. The summary line of part I names every
commune still to send and every late one.
"""

from __future__ import annotations

from pipeline.core import kit, vn
from pipeline.outputs import city
from pipeline.outputs.indicators import Results
from pipeline.topics import CATALOG

TOP = 10  # a long ranking prints its first and last TOP communes


def subject(results: Results) -> str:
    """Whom the section texts speak of (`don_vi`): the commune itself, or the city's communes («các xã,
    phường»; the section's first sentence says they are the city's)."""
    return city.kinds(results.config) if getattr(results, "city", None) is not None else results.config.kind


def _names(sent: list[city.Sent]) -> str:
    return "; ".join(dict.fromkeys(s.unit.name for s in sent))


def summary(results: Results) -> str:
    """Part I's sentence: how many communes sent, which were late, which are still missing what."""
    cfg, facts = results.config, results.city
    every = city.communes(cfg)
    absent = [s for s in facts.sent if s.state in ("missing", "rejected")]
    complete = [u for u in every if not any(s.unit == u for s in absent)]
    text = (f"Số liệu trong báo cáo được tổng hợp từ biểu số liệu của {city.kinds(cfg)}: "
            f"{len(complete)}/{len(every)} đơn vị đã gửi đủ các biểu (số liệu chốt đến ngày {vn.day(cfg.cutoff)}; "
            "số liệu của thành phố là số cộng của các đơn vị đã gửi, tỷ lệ tính trên số cộng).")
    if facts.by("late"):
        text += f" Gửi muộn (sau hạn {vn.day(cfg.deadline)}): {_late(facts.by('late'))}."
    if absent:
        by_unit: dict[city.Unit, list[str]] = {}
        for s in absent:
            by_unit.setdefault(s.unit, []).append(CATALOG[s.template_id].title.lower())
        text += " Chưa có số liệu của: " + "; ".join(
            f"{u.name} ({'tất cả các biểu' if len(titles) == len(u.templates) else ', '.join(titles)})"
            for u, titles in by_unit.items()) + f"; các ô tương ứng được đánh dấu {vn.GAP}."
    return text


def _late(sent: list[city.Sent]) -> str:
    by_unit: dict[str, list[city.Sent]] = {}
    for s in sent:
        by_unit.setdefault(s.unit.name, []).append(s)
    return "; ".join(f"{name} ({len(items)} biểu, ngày {vn.day(max(s.received_at for s in items))})"
                     for name, items in by_unit.items())


def lead(results: Results, template_id: str) -> str:
    """A section's first sentence: whose figures it adds up, who was late, who is missing."""
    cfg, sent = results.config, [s for s in results.city.sent if s.template_id == template_id]
    if not sent:
        return ""
    got = [s for s in sent if s.state not in ("missing", "rejected")]
    text = (f"Số liệu mục này tổng hợp từ {CATALOG[template_id].title.lower()} của {len(got)}/{len(sent)} "
            f"{city.kinds(cfg, '')}")
    late = [s for s in sent if s.state == "late"]
    if late:
        text += f" (gửi muộn: {_names(late)})"
    absent = [s for s in sent if s.state in ("missing", "rejected")]
    if absent:
        text += (f"; chưa có số liệu của {_names(absent)}: các ô của đơn vị này ghi {vn.GAP}, số cộng của thành phố "
                 "chưa gồm số liệu của đơn vị này")
    return text + "."


def additions(results: Results, topic_id: str, key: str, ref) -> tuple[list[str], list[str], list[kit.TableBlock],
                                                                 list[tuple[str, str]]]:
    """(paragraphs before the section's text, after it, per-commune tables, charts) of one section;
    ref(table name) is the table's «Phụ lục số …»."""
    facts = results.city
    tables = [t for name, t in results.tables.items() if name in facts.per_commune and t.query.section == key]
    blocks = []
    for t in tables:
        columns = [c.key for c in t.columns if c.key not in ("ma", "hang", "diem")]
        if t.query.name == city.RATES_766:
            columns, rows = ["hang", "ten", "loai", "ty_le_dung_han", "diem", "ghi_chu"], _by_rank(t)
            caption = f"Xếp hạng {city.kinds(results.config)} theo điểm ước tính Bộ chỉ số 766"
            if not t.query.in_word:  # too many to print: the first and the last ten
                rows = rows[:TOP] + rows[-TOP:] if len(rows) > 2 * TOP else rows
                caption += f" ({TOP} đơn vị đầu và {TOP} đơn vị cuối; đầy đủ: {ref(t.query.name)})"
            blocks.append(kit.TableBlock(t, columns, rows, caption))
        elif t.query.in_word:
            blocks.append(kit.TableBlock(t, columns, caption=t.query.title))
    after = [f"Số liệu cần rà soát lại: {text}." for section, text in facts.flagged if section == key]
    charts = []
    if any(t.query.name == city.RATES_766 for t in tables):
        after.insert(0, _ranking_sentence(results.tables[city.RATES_766]))
        charts.append((city.SPREAD, city.CHART.title))
    first = lead(results, topic_id)
    return ([first] if first else []), [a for a in after if a], blocks, charts


def _by_rank(t) -> list[int]:
    rows = [i for i in range(len(t.frame)) if t.value(i, "ma") != city.TOTAL]
    return sorted(rows, key=lambda i: (t.value(i, "hang") is None, t.value(i, "hang") or 0, i))


def _ranking_sentence(t) -> str:
    ranked = [i for i in _by_rank(t) if t.value(i, "hang") is not None]
    if not ranked:
        return ""
    name = lambda i: f"{t.value(i, 'loai')} {t.value(i, 'ten')} ({t.text(i, 'diem')} điểm)"  # noqa: E731
    text = f"Theo điểm ước tính Bộ chỉ số 766, cao nhất là {name(ranked[0])}"
    if len(ranked) > 1:
        text += f", thấp nhất là {name(ranked[-1])}"
    unranked = ", ".join(f"{t.value(i, 'loai')} {t.value(i, 'ten')}" for i in _by_rank(t) if t.value(i, "hang") is None)
    if unranked:
        text += f"; chưa xếp hạng được {unranked} (chưa đủ số liệu)"
    return text + "."


def too_many(results: Results) -> bool:
    """A city with more communes than its Word report lists one by one (city.WORD_ROWS)."""
    return getattr(results, "city", None) is not None and len(city.communes(results.config)) > city.WORD_ROWS


def referred(results: Results, topic_id: str, found: dict[str, list[tuple[str, str]]], ref) -> dict:
    """A contributing topic's blocks (the communes' own assessments) replaced, in each section, by one
    line pointing to the annex tables that hold them; the marks of what is still to send are kept."""
    where = ", ".join(ref(name) for name, t in results.tables.items() if t.query.source == topic_id)
    line = f"Ý kiến đánh giá, đề xuất của từng {city.kinds(results.config, '')}: xem {where} (tệp phụ lục số liệu)."
    return {key: [("paragraph", line), *(b for b in blocks if b[0] == "gap")] for key, blocks in found.items()}
