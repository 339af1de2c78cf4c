"""Real published figure sets (tests/real_figures.py) typed into the blank template as printed:
each is accepted, the source's own gaps are stated, every printed figure is held exactly, every
printed rate the system computes under the same definition matches to the printed decimals, and
every rate whose inputs the source does not give is [x] with the gap named, never judged."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from pipeline.checks import validate
from pipeline.core import paths, vn
from pipeline.outputs import indicators, rates
from pipeline.store import ingest, warehouse
from pipeline.topics.tthc import template as tthc
from tests.real_figures import SETS, Rate, config_for, row_of, workbook_for

BLANK_ROWS = "để trống toàn bộ"


@pytest.mark.parametrize("figures", SETS, ids=[s.key for s in SETS])
def test_published_set_is_accepted_as_printed(figures, tmp_path):
    config = config_for(figures, tmp_path / "inputs")
    report = validate.check_file(workbook_for(figures, config, tmp_path / "inputs"), config)
    assert not report.errors, report.text()
    rules = [p.rule for p in report.warnings if BLANK_ROWS not in p.rule]
    assert len(rules) == len(figures.warnings), report.text()
    for words in figures.warnings:
        assert any(words in rule for rule in rules), report.text()
    assert not [p for p in report.warnings if BLANK_ROWS in p.rule]  # months or period: blank rows are expected


@pytest.mark.parametrize("figures", SETS, ids=[s.key for s in SETS])
def test_every_printed_figure_is_held_exactly(figures, tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    config = config_for(figures, inputs)
    workbook_for(figures, config, inputs)
    summary = ingest.run(inputs, outputs, config)
    assert not summary.rejected, summary.text()
    keys = [f.key for f in tthc.dossiers.fields if f.numeric]
    thang, linh_vuc = row_of(config)
    with warehouse.connect(outputs) as con:
        rows = con.execute(f"SELECT thang, linh_vuc, {', '.join(keys)} FROM cur_tthc_ho_so").fetchall()
        totals = con.execute(f"SELECT {', '.join(f'sum({k})' for k in keys)} FROM cur_tthc_ho_so").fetchall()[0]
    assert len(rows) == len(tthc.dossiers.rows(config))
    [typed] = [r for r in rows if r[:2] == (thang, linh_vuc)]
    assert dict(zip(keys, typed[2:], strict=True)) == {k: figures.figures.get(k) for k in keys}
    assert all(v is None for r in rows if r[:2] != (thang, linh_vuc) for v in r[2:])
    assert dict(zip(keys, totals, strict=True)) == {k: figures.figures.get(k) for k in keys}
    assert (inputs / paths.CONFIG_NAME).exists()


def test_sets_cite_their_sources():
    for figures in SETS:
        assert figures.url.startswith("http") and figures.title and figures.published_on
        assert set(figures.figures) <= {f.key for f in tthc.dossiers.fields}
        assert set(figures.catalogue) <= {f.key for f in tthc.procedures.fields}
        assert all(f.required is False or f.key in figures.figures for f in tthc.dossiers.fields)


def _forms(expr: str) -> set[frozenset]:
    """Every sum of template fields the expression equals by definition: each equivalent figure
    (rates_766.toml [[tuong_duong]]) expanded into each of its ways."""
    forms: list[dict[str, int]] = [{}]
    for sign, key in rates.terms(expr):
        ways = rates.EQUIVALENTS[key].ways if key in rates.EQUIVALENTS else (key,)
        forms = [_plus(form, sign, way) for form in forms for way in ways]
    return {frozenset((k, v) for k, v in form.items() if v) for form in forms}


def _plus(form: dict[str, int], sign: int, way: str) -> dict[str, int]:
    out = dict(form)
    for s, k in rates.terms(way):
        out[k] = out.get(k, 0) + sign * s
    return out


def _same_definition(printed: Rate) -> list[rates.Rate]:
    """The system's rates that divide the same figures as a printed rate (none when it names words)."""
    try:
        num, den = _forms(printed.numerator), _forms(printed.denominator)
    except ValueError:  # the source divides figures the template does not hold
        return []
    return [r for r in rates.RATES if num & _forms(r.numerator) and den & _forms(r.denominator)]


def _as_printed(value: float, printed: str) -> float:
    digits = re.findall(r"(\d+(?:[.,](\d+))?)\s*%", printed)[-1][1]
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-len(digits)), ROUND_HALF_UP))


@pytest.fixture(scope="module", params=SETS, ids=[s.key for s in SETS])
def computed(request, tmp_path_factory):
    """The set typed into its workbook, received by the real warehouse, indicators computed by SQL."""
    figures = request.param
    inputs, outputs = (tmp_path_factory.mktemp(figures.key) / d for d in ("inputs", "outputs"))
    config = config_for(figures, inputs)
    workbook_for(figures, config, inputs)
    summary = ingest.run(inputs, outputs, config)
    assert not summary.rejected, summary.text()
    with warehouse.connect(outputs) as con:
        results = indicators.compute(con, config)
    table = results.tables["tthc_chi_so"]
    return figures, config, table, {table.value(i, "chi_so"): i for i in range(len(table.frame))}, results


def test_printed_rates_are_computed_to_the_printed_decimals(computed):
    figures, _, t, rows, _ = computed
    given = figures.figures | figures.catalogue
    for r in rates.RATES:  # the warehouse's SQL equals the Python evaluation of the printed figures
        assert t.value(rows[r.key], "gia_tri") == rates.value(r, given), r.key
    for key, printed in figures.rates.items():
        for r in _same_definition(printed):
            got = t.value(rows[r.key], "gia_tri")
            assert got is not None, (key, r.key)
            # rounded once, from the exact quotient (not the table's 2 decimals: 93,249… → 93,25 → 93,3)
            exact = 100 * t.value(rows[r.key], "tu_so") / t.value(rows[r.key], "mau_so")
            assert _as_printed(exact, printed.printed) == printed.value, (key, r.key, got)


def test_rates_the_source_cannot_give_are_gaps_never_judged(computed):
    figures, config, t, rows, _ = computed
    given = figures.figures | figures.catalogue
    unit = config.owners("tthc")[0].name
    gaps = 0
    for r in rates.RATES:
        missing, i = rates.unknown(r, given), rows[r.key]
        if not missing:
            continue
        gaps += r.code is not None
        assert t.text(i, "gia_tri") == vn.GAP and t.value(i, "diem") is None, r.key
        assert t.value(i, "danh_gia") not in ("Đạt", "Chưa đạt") and t.text(i, "danh_gia") in (vn.GAP, indicators.NOT_APPLICABLE), r.key
        note = t.value(i, "ghi_chu")
        assert note.startswith(f"{vn.GAP}: chưa có số liệu ") and note.endswith(f"của {unit}."), r.key
        assert all(f'"{rates.LABEL[k]}"' in note for k in missing), r.key
    assert gaps  # every set leaves some 766 rate without its inputs


# Rates the identities make computable, by hand: (rate, value as printed by the system, or the
# labels of the figures named as missing).
BY_HAND = {
    # «tỷ lệ đúng và trước hạn 99,2%»: (12.970 − 102) ÷ 12.970, resolved − late = early + on time
    "phu_giao": {"ty_le_giai_quyet_dung_han": "99,21"},
    # 1.598 online ÷ (6.302 − 2.171 carried over) = 1.598 ÷ 4.131 new dossiers
    "vinh_phuc_09_2021": {"ty_le_truc_tuyen": "38,68"},
    # early + on time as printed, (124.907 + 102.770) ÷ 257.141; not (257.141 − 19.852) ÷ 257.141 = 92,28
    "thua_thien_hue": {"ty_le_giai_quyet_dung_han": "88,54"},
    # early given, on time and late not: neither way is known, the primary way's gap is named
    "dong_thuan": {"ty_le_giai_quyet_dung_han": ["Đã giải quyết – Đúng hạn"]},
    "phu_an": {"ty_le_giai_quyet_dung_han": ["Đã giải quyết – Trước hạn", "Đã giải quyết – Đúng hạn"]},
    # 1.530 ÷ 1.665 new dossiers (printed «hơn 90%»); (223 + 259) ÷ 490 (223 early printed «gần 50%»)
    "tay_ninh_23_02_2026": {"ty_le_truc_tuyen": "91,89", "ty_le_giai_quyet_dung_han": "98,37"},
    # a received total only: the channels and new dossiers are named
    "tphcm_19_08_2025": {"ty_le_truc_tuyen": ["Tiếp nhận mới – Trực tuyến",
                                              "Tiếp nhận mới – Trực tiếp và bưu chính công ích"]},
}


def test_identities_give_what_the_unit_printed_the_other_way(computed):
    figures, _, t, rows, _ = computed
    for key, want in BY_HAND[figures.key].items():
        if isinstance(want, str):
            assert t.text(rows[key], "gia_tri") == want, key
            assert not (t.value(rows[key], "ghi_chu") or "").startswith(vn.GAP), key
        else:
            note = t.value(rows[key], "ghi_chu")
            assert t.text(rows[key], "gia_tri") == vn.GAP and ", ".join(f'"{x}"' for x in want) + " của" in note


def test_the_printed_rates_the_system_computes():
    matched = {s.key: [(k, r.key) for k, p in s.rates.items() for r in _same_definition(p)] for s in SETS}
    assert {k: v for k, v in matched.items() if v} == {"phu_giao": [("dung_truoc_han", "ty_le_giai_quyet_dung_han")]}


def test_the_headline_holds_what_was_given_and_names_what_was_not(computed):
    """«tiếp nhận mới … hồ sơ» prints the figure whenever the set gives it one way or another (a new-
    dossier total since v3), else [x]; a rate read on the 766 dashboard is printed beside the computed one."""
    from pipeline.outputs import report

    figures, config, t, rows, results = computed
    given = figures.figures | figures.catalogue
    text = "\n".join(report.section_content("tthc", results).paragraphs)
    new = rates.figure("nhan_trong_ky", given)
    assert f"{config.kind} tiếp nhận mới {vn.GAP if new is None else vn.number(new)} hồ sơ" in text
    resolved = figures.figures.get("giai_quyet_tong")
    assert f"đã giải quyết {vn.GAP if resolved is None else vn.number(resolved)} hồ sơ" in text
    for r in rates.RATES:
        if r.dashboard and r.dashboard in given:
            assert t.value(rows[r.key], "bang") == given[r.dashboard], r.key
            assert f"trên Hệ thống đánh giá Bộ chỉ số 766 là {vn.percent(given[r.dashboard], 1 if given[r.dashboard] % 1 else 0)}" \
                in text, r.key
