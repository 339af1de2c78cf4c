"""The city's outputs (issue 17, item 3): at city level (`level = "city"`, units = its communes,
wards and special zones) the same build compiles the city's review from its communes' files.

- Reporting: each commune × template on time, late, rejected or missing (`state_of`, the one rule,
  also the board's): the latest valid file is current; late when the first valid one came after the deadline.
- Per-commune tables: each topic's `city/*.sql` (first column `unit_code`, `group by rollup (unit_code)`:
  the NULL row is the city's, its rates computed from the summed figures); every commune of the
  configuration a row, in code order, `[x]` with the reason where it has not reported — never 0.
- The 766 rates per commune (city_766), the estimated points and the rank; the ranking on each rate,
  the distribution of communes by band (a chart); the figures far from the other communes, flagged.

The city-wide totals are the topics' own tables (they add up every commune's current figures).
`extend` adds the tables above to the results; the annex, the report and the board read them.
"""

from __future__ import annotations

import bisect
import math
import numbers
import statistics
from dataclasses import dataclass, field, replace
from datetime import datetime

import duckdb
import pandas as pd

from pipeline.core import paths, vn, words
from pipeline.core.chart_model import HBARS, Chart, Series
from pipeline.core.config import KINDS, Config, Unit
from pipeline.core.kit import lower
from pipeline.core.model import Outliers
from pipeline.outputs import indicators, rates
from pipeline.outputs.city_766 import RATED, rank, rate_values
from pipeline.outputs.indicators import Query, Results, Table
from pipeline.topics import CATALOG, TOPICS

VALID = ("accepted", "warnings")
TOTAL = "Cộng"
REPORTING, BY_TEMPLATE, RATES_766, RANKING, SPREAD, FLAGGED = (
    "xa_nop_bieu", "xa_theo_bieu", "xa_chi_so_766", "xa_xep_hang_766", "xa_phan_bo_766", "xa_can_ra_soat")
COMMUNE_LABELS = {"ma": ("Mã", "", None), "loai": ("Loại", "", None), "ten": ("Tên", "", None),
                  "ghi_chu": ("Ghi chú", "", None)}
# The bands of the distribution chart: (lowest value of the band in %, column, label).
BANDS = ((95.0, "tu_95", "Từ 95% trở lên"), (80.0, "tu_80", "Từ 80% đến dưới 95%"),
         (50.0, "tu_50", "Từ 50% đến dưới 80%"), (0.0, "duoi_50", "Dưới 50%"))
# A commune far from the others: the median of the other communes' known figures is the reference
# (at least `others` of them), as at intake (checks/outliers.py): a count above factor × the reference
# (at least floor) or below reference ÷ factor; a percentage POINTS or more away from it.
RULE = Outliers(by="unit_code", fields=(), others=3, factor=5.0, floor=10.0)
POINTS = 20.0
WORD_ROWS = 150  # more communes than this: per-commune tables, and any longer table, in the annex workbook only
CHART = Chart(SPREAD, "Phân bố các xã, phường, đặc khu theo mức đạt các chỉ số 766", SPREAD, HBARS, "chi_so_766",
              tuple(Series(key, label, stack="xa") for _, key, label in BANDS)
              + (Series("chua_co", "Chưa có số liệu", "white", "xx", stack="xa"),),
              axis="Số xã, phường, đặc khu", legend_columns=3)


def communes(config: Config) -> list[Unit]:
    """The communes, wards and special zones (units sending templates), in code order."""
    return sorted((u for u in config.units if u.templates), key=lambda u: (len(u.code), u.code))


def short_name(unit: Unit) -> str:
    """«An Thành» for «xã An Thành»: the name without its kind (the table has a column for it)."""
    kind = unit.kind or ""
    return unit.name[len(kind) + 1:] if kind and unit.name.lower().startswith(kind + " ") else unit.name


def kinds(config: Config, prefix: str = "các ") -> str:
    """«các xã, phường» (prefix "": «xã, phường»): the kinds of the city's communes, in the law's order."""
    found = {u.kind for u in communes(config)}
    return prefix + (", ".join(k for k in KINDS if k in found) if found - {None} else "đơn vị")


# ---------------------------------------------------------------------------------------------
# Reporting: on time, late, rejected, missing
def state_of(mine: list[dict], deadline: datetime) -> tuple[str, dict | None]:
    """The one rule for a unit × template (a key of words.STATES, and the submission it is about):
    the latest valid file is current; «late» when the first valid one was received after the
    deadline; «rejected» when every file sent was; «missing» when none was."""
    mine = sorted(mine, key=lambda s: s["received_at"])
    valid = [s for s in mine if s.get("status") in VALID]
    if valid:
        return ("late" if valid[0]["received_at"] > deadline else valid[-1]["status"]), valid[-1]
    return ("rejected", mine[-1]) if mine else ("missing", None)


@dataclass(frozen=True)
class Sent:
    """One commune × template: its state (words.STATES), the time of the file it is about, how many sent."""

    unit: Unit
    template_id: str
    state: str
    received_at: datetime | None
    files: int

    @property
    def on_time(self) -> bool:
        return self.state in VALID


@dataclass
class City:
    """What the city's report, annex and board need beyond the tables."""

    sent: list[Sent]
    per_commune: list[str] = field(default_factory=list)  # the per-commune tables' names
    flagged: list[tuple[str, str]] = field(default_factory=list)  # (section, sentence): far from the others

    def by(self, state: str, template_id: str | None = None) -> list[Sent]:
        return [s for s in self.sent if s.state == state and template_id in (None, s.template_id)]


def reporting(con: duckdb.DuckDBPyConnection, config: Config) -> list[Sent]:
    """Every commune × template it sends, with its state."""
    files: dict[tuple[str, str], list[dict]] = {}
    for r in con.execute("select unit_code, template_id, status, received_at from submissions").df().to_dict("records"):
        files.setdefault((r["unit_code"], r["template_id"]), []).append(r)
    out = []
    for unit in communes(config):
        for tid in unit.templates:
            mine = files.get((unit.code, tid), [])
            state, current = state_of(mine, config.deadline)
            out.append(Sent(unit, tid, state, current["received_at"] if current else None, len(mine)))
    return out


def _why(sent: dict[tuple[str, str], Sent], unit: Unit, template_ids: tuple[str, ...]) -> str:
    """A commune row's note: «[x]: chưa nộp …» (the reason its cells are unknown), «nộp muộn (…)»,
    or "" when on time."""
    got = [sent[(unit.code, t)] for t in template_ids if (unit.code, t) in sent]
    absent = [s for s in got if s.state in ("missing", "rejected")]
    if absent:
        return f"{vn.GAP}: " + "; ".join(
            f"{words.STATES['missing']} {lower(CATALOG[s.template_id].title)}" if s.state == "missing" else
            f"{lower(CATALOG[s.template_id].title)} {words.STATES['rejected']}, chưa gửi lại tệp hợp lệ"
            for s in absent) + "."
    return "; ".join(f"{words.STATES['late']} ({vn.day(s.received_at)})" for s in got if s.state == "late")


def _query(name: str, title: str, source: str, section: str, order: int, note: str, labels: dict,
           not_applicable: tuple[str, ...] = (), in_word: bool = True, depends: dict | None = None) -> Query:
    return Query(name, title, source, section, order, note, COMMUNE_LABELS | labels, not_applicable, "",
                 2, depends or {}, in_word)


def _typed(values: list) -> pd.Series:
    """A column of numbers as floats (blank: NaN, shown [x] or [z]), anything else as objects."""
    blank = [v is None or (isinstance(v, float) and math.isnan(v)) for v in values]
    if any(not b for b in blank) and all(b or (isinstance(v, numbers.Number) and not isinstance(v, bool))
                                         for v, b in zip(values, blank, strict=True)):
        return pd.Series([math.nan if b else float(v) for v, b in zip(values, blank, strict=True)], dtype=float)
    return pd.Series([None if b else v for v, b in zip(values, blank, strict=True)], dtype=object)


def _table(q: Query, rows: list[dict], notes: list[str]) -> Table:
    """A city table from its rows (every row the same keys); missing units are named by the rows."""
    keys = list(rows[0]) if rows else []
    frame = pd.DataFrame({k: _typed([r[k] for r in rows]) for k in keys})
    t = Table(q, frame, indicators._columns(q, frame), [], notes)
    if any(t.mark(i, c) == indicators.NOT_APPLICABLE for i in range(len(frame)) for c in t.columns):
        t.notes.append(f"{indicators.NOT_APPLICABLE}: không áp dụng (loại đơn vị, xếp hạng của dòng «{TOTAL}»).")
    return t


def _commune_rows(config: Config, by_code: dict, keys: list[str], notes: dict[str, str], total_note: str) -> list[dict]:
    rows = [{"ma": u.code, "loai": u.kind or "", "ten": short_name(u), **{k: by_code.get(u.code, {}).get(k) for k in keys},
             "ghi_chu": notes[u.code]} for u in communes(config)]
    return rows + [{"ma": TOTAL, "loai": None, "ten": f"Toàn {config.full_name}",
                    **{k: by_code.get(None, {}).get(k) for k in keys}, "ghi_chu": total_note}]


def _sent_note(city: City, config: Config, template_ids: tuple[str, ...]) -> str:
    """«2/3 xã, phường đã gửi»: the communes owning the templates whose every one is current."""
    owners = [u for u in communes(config) if any(t in u.templates for t in template_ids)]
    index = city_index(city)
    sent = [u for u in owners if all(index[(u.code, t)].state not in ("missing", "rejected")
                                     for t in template_ids if t in u.templates)]
    return f"{len(sent)}/{len(owners)} đơn vị đã gửi"


def city_index(city: City) -> dict[tuple[str, str], Sent]:
    return {(s.unit.code, s.template_id): s for s in city.sent}


def topic_tables(con: duckdb.DuckDBPyConnection, config: Config, city: City) -> dict[str, Table]:
    """Each topic's per-commune tables (`city/*.sql`)."""
    out, index = {}, city_index(city)
    for topic in TOPICS:
        for path in sorted((topic.folder / paths.CITY_SQL).glob("*.sql")):
            q = indicators._parse(path)
            q = replace(q, labels=COMMUNE_LABELS | q.labels, not_applicable=(*q.not_applicable, "loai"))
            frame = con.execute(q.sql).df().astype(object)
            keys = [c for c in frame.columns if c != "unit_code"]
            by_code = {r["unit_code"] if isinstance(r["unit_code"], str) else None: r for r in frame.to_dict("records")}
            notes = {u.code: _why(index, u, q.sources) for u in communes(config)}
            rows = _commune_rows(config, by_code, keys, notes, _sent_note(city, config, q.sources))
            out[q.name] = _table(q, rows, _gap_notes(config, city, q.sources))
    return out


def _gap_notes(config: Config, city: City, template_ids: tuple[str, ...]) -> list[str]:
    missing = [s for s in city.sent if s.template_id in template_ids and s.state in ("missing", "rejected")]
    notes = [indicators.missing_note(CATALOG[t], [s.unit for s in missing if s.template_id == t])
             for t in template_ids if any(s.template_id == t for s in missing)]
    return notes + [f"Dòng «{TOTAL}»: cộng số liệu của {kinds(config)} đã gửi; tỷ lệ tính trên số cộng."]


# ---------------------------------------------------------------------------------------------
# The 766 rates per commune (values from city_766)
def rate_tables(con: duckdb.DuckDBPyConnection, config: Config, city: City) -> dict[str, Table]:
    found, index = rate_values(con), city_index(city)
    tid = rates.TEMPLATE.id
    mine = [u for u in communes(config) if tid in u.templates]
    points = rank({u.code: found.get(u.code, {}).get("diem") for u in mine})
    notes = {}
    for u in mine:
        got = found.get(u.code)
        notes[u.code] = _why(index, u, (tid,)) if got is None else (
            f"{vn.GAP}: chỉ số {', '.join(got['khong_tinh'])} chưa tính được ({rates.gap_note(','.join(got['thieu']), [u.name])})."
            if got["khong_tinh"] else _why(index, u, (tid,)))
    keys = [r.key for r in RATED] + ["diem", "hang"]
    by_code = {code: v | {"hang": points.get(code)} for code, v in found.items()}
    rows = [r for r in _commune_rows(config, by_code, keys, {u.code: notes.get(u.code, "") for u in communes(config)},
                                     _sent_note(city, config, (tid,)))
            if r["ma"] == TOTAL or r["ma"] in notes]
    labels = {r.key: (f"Chỉ số {r.code}", "%", 2) for r in RATED}
    most = sum(r.points for r in RATED if r.points is not None)
    labels |= {"diem": (f"Điểm ước tính (tối đa {vn.number(most)})", "điểm", 2), "hang": ("Xếp hạng theo điểm", "", 0)}
    legend = "; ".join(f"chỉ số {r.code}: {lower(r.name)}" for r in RATED)
    q = _query(RATES_766, f"Các chỉ số thủ tục hành chính (Bộ chỉ số 766) theo từng {kinds(config, '')}", tid,
               rates.TEMPLATE.section, 10,
               "Mỗi tỷ lệ tính như Bộ chỉ số 766: tử số và mẫu số cộng từ số liệu của từng xã (dòng «Cộng»: cộng số "
               "liệu của mọi xã đã gửi rồi mới chia, không lấy bình quân tỷ lệ của các xã). Điểm ước tính và xếp "
               f"hạng như bảng điểm của thành phố; hạng bằng nhau khi điểm bằng nhau. {legend}.",
               labels, ("loai",), depends={"hang": "loai"})  # the city's row has no kind and no rank: [z]
    table = _table(q, rows, _gap_notes(config, city, (tid,)))
    return {RATES_766: table, RANKING: ranking(table, config), SPREAD: spread(table, config)}


def ranking(t: Table, config: Config) -> Table:
    """Each 766 rate: the communes from the highest value down (ties share a rank, then by code)."""
    rows = []
    for r in RATED:
        communes_ = [i for i in range(len(t.frame)) if t.value(i, "ma") != TOTAL]
        ranks = rank({i: t.value(i, r.key) for i in communes_})
        for i in sorted(communes_, key=lambda i: (ranks.get(i, 10 ** 9), i)):
            rows.append({"chi_so_766": r.code, "ten_chi_so": r.name, "hang": ranks.get(i), "ma": t.value(i, "ma"),
                         "loai": t.value(i, "loai"), "ten": t.value(i, "ten"), "gia_tri": t.value(i, r.key),
                         "ghi_chu": "" if i in ranks else (t.value(i, "ghi_chu") or f"{vn.GAP}: chưa có số liệu.")})
    q = _query(RANKING, f"Xếp hạng {kinds(config)} theo từng chỉ số của Bộ chỉ số 766", rates.TEMPLATE.id,
               rates.TEMPLATE.section, 11, "Hạng 1 là tỷ lệ cao nhất; tỷ lệ bằng nhau cùng hạng. Xã chưa có số liệu "
               "không được xếp hạng.",
               {"chi_so_766": ("Chỉ số", "", None), "ten_chi_so": ("Tên chỉ số", "", None), "hang": ("Hạng", "", 0),
                "gia_tri": ("Tỷ lệ", "%", 2)}, ("loai",), in_word=False)
    return _table(q, rows, [])


def spread(t: Table, config: Config) -> Table:
    """Each 766 rate: how many communes in each band, and with no figure; median, lowest, highest."""
    rows = []
    communes_ = [i for i in range(len(t.frame)) if t.value(i, "ma") != TOTAL]
    for r in RATED:
        values = [t.value(i, r.key) for i in communes_]
        known = [v for v in values if v is not None]
        row = {"chi_so_766": f"Chỉ số {r.code}", "ten_chi_so": r.name}
        for k, (low, key, _) in enumerate(BANDS):
            high = BANDS[k - 1][0] if k else float("inf")
            row[key] = float(sum(low <= v < high for v in known))
        row |= {"chua_co": float(len(values) - len(known)),
                "trung_vi": statistics.median(known) if known else None,
                "thap_nhat": min(known, default=None), "cao_nhat": max(known, default=None)}
        rows.append(row)
    labels = {"chi_so_766": ("Chỉ số", "", None), "ten_chi_so": ("Tên chỉ số", "", None),
              **{key: (label, "xã", 0) for _, key, label in BANDS}, "chua_co": ("Chưa có số liệu", "xã", 0),
              "trung_vi": ("Trung vị", "%", 2), "thap_nhat": ("Thấp nhất", "%", 2), "cao_nhat": ("Cao nhất", "%", 2)}
    q = _query(SPREAD, f"Phân bố {kinds(config)} theo mức đạt các chỉ số của Bộ chỉ số 766", rates.TEMPLATE.id,
               rates.TEMPLATE.section, 12, "Số xã có tỷ lệ trong từng khoảng; trung vị, thấp nhất, cao nhất trong "
               "các xã có số liệu.", labels, ("trung_vi", "thap_nhat", "cao_nhat"))
    return _table(q, rows, [])


# ---------------------------------------------------------------------------------------------
# Completeness and outliers
def reporting_tables(config: Config, city: City) -> dict[str, Table]:
    index = city_index(city)
    rows = []
    for u in communes(config):
        mine = [index[(u.code, t)] for t in u.templates]
        count = {s: float(sum(m.state == s for m in mine)) for s in ("late", "rejected", "missing")}
        rows.append({"ma": u.code, "loai": u.kind or "", "ten": short_name(u), "so_bieu": float(len(mine)),
                     "dung_han": float(sum(m.on_time for m in mine)), "gui_muon": count["late"],
                     "bi_tra_lai": count["rejected"], "chua_gui": count["missing"],
                     "ghi_chu": "; ".join(f"{words.STATES[m.state]}: {CATALOG[m.template_id].title}"
                                          + (f" ({vn.day(m.received_at)})" if m.state == "late" else "")
                                          for m in mine if not m.on_time)})
    state = {k: vn.first_upper(words.STATES[k]) for k in ("late", "rejected", "missing")}
    counts = {"so_bieu": ("Số biểu phải gửi", "biểu", 0), "dung_han": ("Gửi đúng hạn", "biểu", 0),
              "gui_muon": (state["late"], "biểu", 0), "bi_tra_lai": (f"{state['rejected']}, chưa gửi lại", "biểu", 0),
              "chua_gui": (state["missing"], "biểu", 0)}
    what = kinds(config)
    q1 = _query(REPORTING, f"Tình hình gửi biểu số liệu của {what}", rates.TEMPLATE.id, "I", 1,
                f"Hạn gửi: {config.deadline:%H:%M} ngày {vn.day(config.deadline)}. {state['late']}: tệp hợp lệ đầu tiên "
                "nhận sau hạn; tệp hợp lệ gửi sau cùng là số liệu đang dùng.", counts, ("loai",))
    by_template = []
    for tid, template in CATALOG.items():
        mine = [s for s in city.sent if s.template_id == tid]
        if not mine:
            continue
        names = {k: "; ".join(s.unit.name for s in mine if s.state == k) for k in ("late", "rejected", "missing")}
        by_template.append({"bieu": template.title, "so_xa": float(len(mine)),
                            "dung_han": float(sum(s.on_time for s in mine)), "gui_muon": float(len(city.by("late", tid))),
                            "chua_gui": float(len(city.by("missing", tid)) + len(city.by("rejected", tid))),
                            "ten_gui_muon": names["late"],
                            "ten_chua_gui": "; ".join(n for n in (names["missing"], names["rejected"]) if n)})
    q2 = _query(BY_TEMPLATE, f"Số {kinds(config, '')} đã gửi từng biểu số liệu", rates.TEMPLATE.id, "I", 2,
                f"{state['missing']} gồm cả xã có tệp {words.STATES['rejected']} mà chưa gửi lại tệp hợp lệ.",
                {"bieu": ("Biểu số liệu", "", None), "so_xa": ("Số xã phải gửi", "xã", 0),
                 "dung_han": ("Gửi đúng hạn", "xã", 0), "gui_muon": (state["late"], "xã", 0),
                 "chua_gui": (state["missing"], "xã", 0), "ten_gui_muon": ("Xã gửi muộn", "", None),
                 "ten_chua_gui": ("Xã chưa gửi", "", None)}, ("ten_gui_muon", "ten_chua_gui"))
    return {REPORTING: _table(q1, rows, []), BY_TEMPLATE: _table(q2, by_template, [])}


def far(value: float, others: list[float], percent: bool) -> bool:
    """A figure far from the other communes' known figures (see RULE, POINTS)."""
    return len(others) >= RULE.others and _far(value, statistics.median(others), percent)


def _far(value: float, median: float, percent: bool) -> bool:
    if percent:
        return abs(value - median) >= POINTS
    return value > RULE.factor * max(median, RULE.floor) or (median >= RULE.floor and value < median / RULE.factor)


def _without(order: list[float], value: float) -> tuple[float, float, float]:
    """(median, lowest, highest) of the sorted figures without one occurrence of value, in O(log n)."""
    p, m = bisect.bisect_left(order, value), len(order) - 1
    at = lambda k: order[k] if k < p else order[k + 1]  # noqa: E731 - the k-th of the others
    return (at((m - 1) // 2) + at(m // 2)) / 2, at(0), at(m - 1)


def flagged(tables: dict[str, Table], config: Config) -> Table:
    """Every commune figure of the per-commune tables far from the other communes' (follow-up list)."""
    rows = []
    for t in tables.values():
        for c in (c for c in t.columns if c.kind in ("number", "percent") and c.key not in ("hang", "diem")):
            known = {i: float(t.value(i, c.key)) for i in range(len(t.frame))
                     if t.value(i, "ma") != TOTAL and t.value(i, c.key) is not None}
            order = sorted(known.values())
            for i, v in known.items():
                if len(order) - 1 < RULE.others:
                    break
                median, low, high = _without(order, v)
                if _far(v, median, c.unit == "%"):
                    rows.append({"ma": t.value(i, "ma"), "loai": t.value(i, "loai"), "ten": t.value(i, "ten"),
                                 "muc": t.query.section, "bang": t.query.title, "noi_dung": c.header,
                                 "gia_tri": t.text(i, c.key), "trung_vi": vn.number(median, max(c.decimals, 0 if median == int(median) else 1)),
                                 "khoang": f"{vn.number(low, c.decimals)} – {vn.number(high, c.decimals)}",
                                 "ghi_chu": f"Đề nghị {t.value(i, 'loai')} rà soát, xác nhận lại số liệu."})
    if not rows:
        rows = [dict.fromkeys(("ma", "loai", "ten", "muc", "bang", "gia_tri", "trung_vi", "khoang", "ghi_chu"), "")
                | {"noi_dung": f"Không có số liệu nào của một xã khác xa số liệu của {kinds(config)} còn lại."}]
    q = _query(FLAGGED, f"Số liệu của {kinds(config)} cần rà soát (khác xa các xã còn lại)", rates.TEMPLATE.id, "I", 3,
               f"So với trung vị số liệu của các xã còn lại (cần ít nhất {RULE.others} xã có số liệu): số lượng lớn hơn "
               f"{vn.number(RULE.factor)} lần trung vị (tối thiểu {vn.number(RULE.floor)}) hoặc nhỏ hơn trung vị chia "
               f"{vn.number(RULE.factor)}; tỷ lệ cách trung vị từ {vn.number(POINTS)} điểm phần trăm trở lên. Đây là "
               "cảnh báo để rà soát, không phải lỗi.",
               {"muc": ("Mục báo cáo", "", None), "bang": ("Bảng", "", None), "noi_dung": ("Số liệu", "", None),
                "gia_tri": ("Giá trị", "", None), "trung_vi": ("Trung vị các xã còn lại", "", None),
                "khoang": ("Thấp nhất – cao nhất các xã còn lại", "", None)}, ("loai",))
    return _table(q, rows, [])


def extend(con: duckdb.DuckDBPyConnection, results: Results) -> Results:
    """At city level: the city's tables added to the results (in report order), and `results.city`."""
    config = results.config
    if not config.is_city:
        return results
    city = City(reporting(con, config))
    mine = reporting_tables(config, city) | topic_tables(con, config, city) | rate_tables(con, config, city)
    city.per_commune = [k for k in mine if k not in (REPORTING, BY_TEMPLATE, RANKING, SPREAD)]
    mine[FLAGGED] = flagged({k: mine[k] for k in city.per_commune}, config)
    t = mine[FLAGGED]
    city.flagged = [(t.value(i, "muc"), f"{t.value(i, 'loai')} {t.value(i, 'ten')}: {lower(t.value(i, 'noi_dung'))} "
                     f"là {t.value(i, 'gia_tri')} (trung vị các xã còn lại {t.value(i, 'trung_vi')})")
                    for i in range(len(t.frame)) if t.value(i, "ma")]
    every = results.tables | mine
    if len(communes(config)) > WORD_ROWS:  # a province's hundreds of rows: in the annex workbook only
        for t in every.values():
            if len(t.frame) > WORD_ROWS or t.query.name in (REPORTING, *city.per_commune):
                t.query = replace(t.query, in_word=False)
    results.tables = dict(sorted(every.items(), key=lambda kv: (indicators._section_key(kv[1].query.section),
                                                               kv[1].query.order)))
    results.city = city
    return results
