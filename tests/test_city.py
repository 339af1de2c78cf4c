"""The city (issue 17): its outputs (item 3) on a city built from real .xlsx files of three communes —
one late (received after the deadline), one resubmitted with changed figures, one missing — checked
against the figures written into those files: the city totals, the per-commune tables, the 766
rates and the ranking computed by hand, and the late and missing communes named in the report, the
annex and the board.

`city_inputs` places the three communes' files; `make` writes one commune's files (default: its
templates filled with demo figures). Then «Done when» 1 end to end: the three communes built from the
demo set, each with figures of its own, by the commune build itself, which writes its package; the
city receives two of them: phường Hồng Bàng on time and again later with other TTHC figures
(resubmitted: the later package is current, both stay in the history), đặc khu Cát Hải after the
deadline (late); xã An Thành sends nothing (missing). The city's ingest validates them like any
unit's files; its current figures are each commune's current figures, its totals their sum, each
commune's 766 rates those of the commune's own report, and the late and missing communes are named."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from docx import Document
from openpyxl import load_workbook

from pipeline import build, demo
from pipeline.core import paths
from pipeline.core.config import Config, Unit, load
from pipeline.outputs import annex, city, indicators, rates, templates
from pipeline.store import inbox, ingest, warehouse
from pipeline.topics import CATALOG
from pipeline.web import board
from tests import city_util

TEMPLATES = ("tthc", "nhan_su", "tai_san")  # enough for totals, per-commune tables and the 766 rates
Make = Callable[[Config, Unit, Path, int], list[Path]]


def demo_files(config: Config, unit: Unit, folder: Path, version: int) -> list[Path]:
    """The commune's TEMPLATES filled with demo figures (version 2: other figures, as consistent)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for tid in TEMPLATES:
        data = figures(config, unit, tid, version)
        path = folder / templates.filename(CATALOG[tid], unit)
        templates.workbook(CATALOG[tid], unit, config, data).save(path)
        out.append(path)
    return out


def figures(config: Config, unit: Unit, template_id: str, version: int) -> dict[str, list[dict]]:
    """The figures demo_files writes for a commune (the test's hand computations read them)."""
    return demo.data_for(template_id, config, unit.code if version == 1 else f"{unit.code}/v{version}")


def city_inputs(inputs: Path, config: Config, make: Make = demo_files) -> dict[str, Unit]:
    """The three communes' files in inputs/ with the times they were received (sidecars):
    «late» two days after the deadline; «resubmitted» on time, then again after the deadline with
    changed figures (still on time: its first valid file was); «missing» nothing."""
    late, resubmitted, missing = city.communes(config)[:3]
    for path in make(config, late, inputs / late.code, 1):
        inbox.remember(path, config.deadline + timedelta(days=2))
    for version, when in ((1, -3), (2, 1)):
        for path in make(config, resubmitted, inputs / f"{resubmitted.code}_lan_{version}", version):
            inbox.remember(path, config.deadline + timedelta(days=when))
    return {"late": late, "resubmitted": resubmitted, "missing": missing}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One real city build (inputs → warehouse → annex, report) and its results."""
    root = tmp_path_factory.mktemp("city")
    inputs, outputs = root / "inputs", root / "outputs"
    inputs.mkdir()
    shutil.copy(paths.CITY_EXAMPLE, inputs / paths.CONFIG_NAME)
    config = load(inputs / paths.CONFIG_NAME)
    who = city_inputs(inputs, config)
    assert build.run(inputs, outputs) == 0
    con = warehouse.connect(outputs, read_only=True)
    try:
        results = city.extend(con, indicators.compute(con, config))
        submissions = con.execute("select * from submissions").df().to_dict("records")
    finally:
        con.close()
    return config, who, results, submissions, outputs


def _sum(rows: list[dict], key: str) -> float:
    return float(sum(r[key] for r in rows if r.get(key) is not None))


def test_city_totals_are_the_sum_of_the_communes_current_figures(built):
    config, who, results, _, _ = built
    late = figures(config, who["late"], "nhan_su", 1)["can_bo"]
    first, second = (figures(config, who["resubmitted"], "nhan_su", v)["can_bo"] for v in (1, 2))
    assert _sum(first, "hien_co") != _sum(second, "hien_co")  # the resubmission changed the figures
    t = results.tables["nhan_su_theo_co_quan"]
    assert t.value(t.row("Cộng"), "hien_co") == _sum(late, "hien_co") + _sum(second, "hien_co")
    per = results.tables["nhan_su_theo_xa"]
    assert per.value(per.row(who["resubmitted"].code), "hien_co") == _sum(second, "hien_co")
    assert per.value(per.row(city.TOTAL), "hien_co") == t.value(t.row("Cộng"), "hien_co")
    month = results.tables["tthc_theo_thang"]
    received = sum(_sum(figures(config, who[k], "tthc", v)["ho_so"], "nhan_truc_tuyen")
                   for k, v in (("late", 1), ("resubmitted", 2)))
    assert month.value(month.row("Cộng"), "nhan_truc_tuyen") == received


def test_per_commune_table_has_every_commune_and_x_with_the_reason(built):
    config, who, results, _, _ = built
    for name in ("nhan_su_theo_xa", "tai_san_doi_du_theo_xa", city.RATES_766):
        t = results.tables[name]
        codes = [t.value(i, "ma") for i in range(len(t.frame))]
        assert codes == [u.code for u in city.communes(config)] + [city.TOTAL], name  # every commune, code order
        i = t.row(who["missing"].code)
        assert t.value(i, "ten") == city.short_name(who["missing"]) and t.value(i, "loai") == who["missing"].kind
        numbers = [c for c in t.columns if c.kind in ("number", "percent") and c.key != "hang"]
        assert numbers and all(t.text(i, c.key) == "[x]" for c in numbers), name  # unknown, never 0
        assert t.text(i, "ghi_chu").startswith("[x]: chưa nộp") and CATALOG[t.query.source].title.lower() in \
            t.text(i, "ghi_chu")
        assert "nộp muộn" in t.text(t.row(who["late"].code), "ghi_chu")
        assert t.text(t.row(who["resubmitted"].code), "ghi_chu") == ""  # its first valid file was on time


def _rate_2_1(rows: list[dict]) -> tuple[float, float]:
    """Chỉ số 2.1 by hand: (resolved early or on time + pending in time at the last month) /
    (resolved + pending at the last month), over the commune's rows."""
    last = max(rows, key=lambda r: datetime.strptime(r["thang"], "%m/%Y"))["thang"]
    pending = [r for r in rows if r["thang"] == last]
    num = _sum(rows, "giai_quyet_truoc_han") + _sum(rows, "giai_quyet_dung_han") + _sum(pending, "dang_trong_han")
    return num, _sum(rows, "giai_quyet_tong") + _sum(pending, "dang_tong")


def _ho_so(config: Config, unit: Unit, version: int) -> list[dict]:
    rows = figures(config, unit, "tthc", version)["ho_so"]
    sheet = next(s for s in CATALOG["tthc"].sheets if s.key == "ho_so")
    keys = sheet.rows(config)  # the fixed rows (month, field of work) the demo figures fill in order
    return [dict(r, thang=k[0]) for r, k in zip(rows, keys[:len(rows)], strict=True)]  # the demo fills months


def test_766_rates_and_ranking_computed_by_hand(built):
    config, who, results, _, _ = built
    parts = {k: _rate_2_1(_ho_so(config, who[k], v)) for k, v in (("late", 1), ("resubmitted", 2))}
    by_hand = {who[k].code: round(100 * n / d, 2) for k, (n, d) in parts.items()}
    t = results.tables[city.RATES_766]
    for code, value in by_hand.items():
        assert t.value(t.row(code), "ty_le_dung_han") == pytest.approx(value, abs=0.005)
    num, den = (sum(p[i] for p in parts.values()) for i in (0, 1))
    city_rate = t.value(t.row(city.TOTAL), "ty_le_dung_han")
    assert city_rate == pytest.approx(round(100 * num / den, 2), abs=0.005)  # from the sums, the national way
    assert city_rate == results.tables["tthc_chi_so"].value(0, "gia_tri")  # = the city's 766 table
    ranking = results.tables[city.RANKING]
    mine = [i for i in range(len(ranking.frame)) if ranking.value(i, "chi_so_766") == "2.1"]
    order = sorted(by_hand, key=lambda c: -by_hand[c])
    assert [ranking.value(i, "ma") for i in mine] == [*order, who["missing"].code]
    assert [ranking.value(i, "hang") for i in mine[:2]] == [1, 2] and ranking.text(mine[2], "hang") == "[x]"
    points = {c: t.value(t.row(c), "diem") for c in by_hand}
    expected = {c: round(sum(rates.score(r, t.value(t.row(c), r.key)) for r in city.RATED if r.points), 2)
                for c in by_hand}
    assert points == pytest.approx(expected)
    assert t.text(t.row(who["missing"].code), "hang") == "[x]"


def test_late_and_missing_communes_named_in_report_annex_and_board(built):
    config, who, results, submissions, outputs = built
    late, missing = who["late"].name, who["missing"].name
    text = "\n".join(p.text for p in Document(str(outputs / paths.REPORT)).paragraphs)
    assert f"Gửi muộn (sau hạn {config.deadline:%d/%m/%Y}): {late}" in text
    assert "Chưa có số liệu của: " in text and f"{missing} (tất cả các biểu)" in text
    assert f"(gửi muộn: {late}); chưa có số liệu của {missing}" in text  # each section's first sentence
    assert "Ủy ban nhân dân xã" not in text and "thành phố Hải Phòng" in text
    assert "Ủy ban nhân dân thành phố Hải Phòng đã tổ chức sơ kết" in text  # not «…Hải Phòng, thành phố Hải Phòng»
    sent_to = "\n".join(c.text for t in Document(str(outputs / paths.REPORT)).tables for c in t._cells)
    for line in ("- Bộ Nội vụ;", "- UBND các xã, phường, đặc khu;", "- TT: Thành ủy, HĐND thành phố;",
                 "- Các sở, ban, ngành thuộc UBND thành phố;", f"- Lưu: VT, {config.standing_unit}."):
        assert line in sent_to, line
    assert "Sở Nội vụ;" not in sent_to  # the city's standing unit does not send the report to itself
    wb = load_workbook(outputs / paths.ANNEX, read_only=True)
    sheet = next(ws for ws in wb.worksheets if str(ws["A1"].value).endswith(
        results.tables[city.BY_TEMPLATE].query.title))
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0] in {CATALOG[t].title for t in TEMPLATES}}
    assert rows[CATALOG["tthc"].title][1:] == (3, 1, 1, 1, late, missing)
    sources = {r[1]: r for r in wb[annex.SOURCES].iter_rows(min_row=4, values_only=True)}
    assert sources[results.tables["tthc_chi_so"].query.title][3].startswith("2 xã, phường, đặc khu")  # counted
    shown = board.rows(config, submissions, datetime.now())
    blocks = {b.template_title: b for b in board.completeness(config, shown)}
    tthc = blocks[CATALOG["tthc"].title]
    assert (tthc.total, tthc.on_time, tthc.late, tthc.missing) == (3, [who["resubmitted"].name], [late], [missing])
    assert CATALOG["lanh_dao"].title in blocks and len(blocks[CATALOG["lanh_dao"].title].missing) == 3


def test_the_distribution_chart_is_a_native_chart_holding_its_table(built):
    """The city's chart, declared outside the topics, is placed like theirs: a Word chart part whose
    embedded workbook holds the distribution table's counts."""
    from tests.test_native_charts import chart_parts, columns, expected, same

    _, _, results, _, outputs = built
    found = chart_parts(outputs / paths.REPORT)
    assert city.CHART.title in found
    count, want = expected(city.CHART, results.tables[city.CHART.table])
    got = columns(found[city.CHART.title][1])
    for legend, values in want.items():
        assert same(got[legend][:count], values), (legend, got[legend], values)


def test_state_rule_late_rejected_missing():
    deadline = datetime(2026, 5, 12, 17)
    before, after = deadline - timedelta(hours=1), deadline + timedelta(hours=1)
    assert city.state_of([], deadline) == ("missing", None)
    rejected = {"status": "rejected", "received_at": before}
    assert city.state_of([rejected], deadline)[0] == "rejected"
    late = {"status": "accepted", "received_at": after}
    assert city.state_of([rejected, late], deadline) == ("late", late)
    resent = {"status": "warnings", "received_at": after}
    on_time = {"status": "accepted", "received_at": before}
    assert city.state_of([resent, on_time], deadline) == ("warnings", resent)  # first valid on time; latest current


def test_far_from_the_other_communes_median_based():
    assert city.far(500, [10, 12, 11], percent=False)  # above 5 × max(median 11, floor 10)
    assert not city.far(40, [10, 12, 11], percent=False)
    assert city.far(1, [100, 120, 110], percent=False)  # below the median / 5
    assert not city.far(500, [10, 12], percent=False)  # too few other communes to judge
    assert city.far(60.0, [95.0, 97.5, 99.0], percent=True)  # 37,5 points below the median
    assert not city.far(90.0, [95.0, 97.5, 99.0], percent=True)


def test_board_page_and_workbook_show_completeness_by_commune(built, tmp_path):
    """The standing unit's board at city level: per template, how many communes sent it on time,
    late, or not yet, named; the same on the board workbook's «Theo biểu» sheet."""
    import re
    from io import BytesIO

    from pipeline.web.app import create_app
    from tests.web_util import sign_in, text_of, write_accounts

    config, who, results, _, outputs = built
    inputs = config.path.parent
    site_inputs = tmp_path / "inputs"
    shutil.copytree(inputs, site_inputs)
    write_accounts(site_inputs, config)
    app = create_app(site_inputs, tmp_path / "outputs")
    site = type("Site", (), {"app": app})
    client, _ = sign_in(site, config.standing_unit)
    page = client.get("/board")
    assert page.status_code == 200
    block = re.search(r'id="completeness">(.*?)</section>', page.text, re.S).group(1)
    line = next(r for r in re.findall(r"<tr>(.*?)</tr>", block, re.S) if CATALOG["tthc"].title in r)
    cells = [text_of(c).strip().replace(" :", ":") for c in re.findall(r"<td[^>]*>(.*?)</td>", line, re.S)]
    assert cells == [CATALOG["tthc"].title, "1/3", f"1: {who['late'].name}", f"1: {who['missing'].name}"]
    sheet = load_workbook(BytesIO(client.get("/outputs/tinh-hinh").content))[board.COMPLETENESS_SHEET]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows[CATALOG["tthc"].title] == (CATALOG["tthc"].title, 3, 1, 1, 1, who["late"].name, who["missing"].name)


def test_many_communes_keep_the_word_report_short(built, monkeypatch, tmp_path):
    """Past WORD_ROWS communes the per-commune tables and the communes' own assessments stay in the
    annex workbook; the report prints the first and last of the ranking and says where the rest is."""
    from pipeline.core import vn
    from pipeline.outputs import report
    from pipeline.outputs.report import city as city_text

    config, _, results, _, outputs = built
    title = vn.upper(results.tables["nhan_su_theo_xa"].query.title)
    charts = {p.stem: p for p in (outputs / build.CHARTS_DIR).glob("*.png")}
    normal = "\n".join(p.text for p in Document(str(outputs / paths.REPORT)).paragraphs)
    assert title in normal
    monkeypatch.setattr(city, "WORD_ROWS", 2)
    monkeypatch.setattr(city_text, "TOP", 1)
    con = warehouse.connect(outputs, read_only=True)
    try:
        many = city.extend(con, indicators.compute(con, config))
    finally:
        con.close()
    assert not any(many.tables[k].query.in_word for k in many.city.per_commune)
    assert not many.tables["tthc_theo_thang"].query.in_word  # longer than WORD_ROWS: workbook only
    assert results.tables["tthc_theo_thang"].query.in_word  # a city of few communes prints it
    doc = Document(str(report.render(many, charts, tmp_path / "bao_cao.docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert title not in text
    ref = report.annex_ref(many, city.RATES_766)
    assert f"theo điểm ước tính Bộ chỉ số 766 (1 đơn vị đầu và 1 đơn vị cuối; đầy đủ: {ref})" in text
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("Xếp hạng"))
    assert len(ranking.rows) == 1 + 2
    pointer = "Ý kiến đánh giá, đề xuất của từng xã, phường, đặc khu: xem Phụ lục số"
    assert pointer in text and pointer not in normal  # the communes' own texts: in the annex workbook


# --- «Done when» 1: the packages made by the commune build itself -----------------------------------
ON_TIME, LATE, MISSING = "10501", "10504", "10507"


def _sums(outputs: Path, by_unit: bool = False) -> dict:
    """(table, field[, unit]) → the sum of a numeric field over the current submissions (fields
    with an unknown figure left out: a package keeps them unknown)."""
    con = warehouse.connect(outputs, read_only=True)
    out = {}
    try:
        for template in CATALOG.values():
            for sheet in template.sheets:
                table = warehouse.table_name(template.id, sheet.key)
                numeric = [c.key for c in sheet.fields if c.numeric]
                # a row left entirely blank (e.g. the «Toàn …» row when the bodies make the whole) is no blank figure
                filled = f"coalesce({', '.join(f'{k}::double' for k in numeric)}) is not null" if numeric else "true"
                for col in (c for c in sheet.fields if c.numeric):
                    group = "unit_code" if by_unit else "'*'"
                    for unit, total, blanks in con.execute(
                            f"SELECT {group}, sum({col.key}), count(*) filter (where {col.key} is null and {filled}) "
                            f"FROM cur_{table} GROUP BY 1"
                    ).fetchall():
                        if not blanks or table == "tthc_ho_so" and total is not None:  # TTHC v3: rows left
                            out[(table, col.key, unit) if by_unit else (table, col.key)] = total
    finally:
        con.close()
    return out


@pytest.fixture(scope="module")
def city_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("city")
    city = city_util.city()
    communes = {}
    for code in (ON_TIME, LATE, MISSING):
        inputs, config = city_util.commune(root, code)
        outputs = root / code / "outputs"
        assert build.run(inputs, outputs) == 0
        communes[code] = SimpleNamespace(inputs=inputs, outputs=outputs, config=config,
                                         package=outputs / paths.PACKAGE_DIR)
    inputs, outputs = root / "city" / "inputs", root / "city" / "outputs"
    inputs.mkdir(parents=True)
    (inputs / paths.CONFIG_NAME).write_text(paths.CITY_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")

    first = _sums(communes[ON_TIME].outputs)
    city_util.receive(communes[ON_TIME].package, inputs, f"{ON_TIME}/lan_1", city.deadline - timedelta(days=4))
    resent = city_util.resend(communes[ON_TIME].inputs, communes[ON_TIME].config, "tthc", "lan-2")
    assert len(resent) == 1
    assert build.run(communes[ON_TIME].inputs, communes[ON_TIME].outputs) == 0  # the commune's build: a new package
    city_util.receive(communes[ON_TIME].package, inputs, f"{ON_TIME}/lan_2", city.deadline - timedelta(days=1))
    city_util.receive(communes[LATE].package, inputs, LATE, city.deadline + timedelta(days=2))
    summary = ingest.run(inputs, outputs, city)
    return SimpleNamespace(city=city, communes=communes, inputs=inputs, outputs=outputs, summary=summary,
                           first=first)


def test_every_package_is_accepted_and_the_resubmission_supersedes_the_first(city_site):
    s = city_site.summary
    assert s.new == 3 * len(CATALOG) and not s.rejected, s.text()
    assert len(s.superseded) == len(CATALOG)  # phường Hồng Bàng's second package replaces each of its first
    con = warehouse.connect(city_site.outputs, read_only=True)
    try:
        history = dict(con.execute("SELECT unit_code, count(*) FROM submissions GROUP BY 1").fetchall())
        current = dict(con.execute("SELECT unit_code, count(*) FROM current_submissions GROUP BY 1").fetchall())
        late = con.execute("SELECT min(received_at) FROM submissions WHERE unit_code = ?", [LATE]).fetchone()[0]
        on_time = con.execute("SELECT max(received_at) FROM current_submissions WHERE unit_code = ?", [ON_TIME]).fetchone()[0]
    finally:
        con.close()
    assert history == {ON_TIME: 2 * len(CATALOG), LATE: len(CATALOG)}  # both packages kept in the history
    assert current == {ON_TIME: len(CATALOG), LATE: len(CATALOG)}  # xã An Thành: nothing
    assert late > city_site.city.deadline >= on_time


def test_the_citys_figures_are_each_communes_current_figures_and_its_totals_their_sum(city_site):
    by_commune = _sums(city_site.outputs, by_unit=True)
    totals = _sums(city_site.outputs)
    received = {code: _sums(city_site.communes[code].outputs) for code in (ON_TIME, LATE)}
    checked = 0
    for (table, key), total in totals.items():
        parts = [received[code].get((table, key)) for code in received]
        if any(p is None for p in parts):
            continue
        for code in received:
            assert by_commune[(table, key, code)] == pytest.approx(received[code][(table, key)]), (table, key, code)
        assert total == pytest.approx(sum(parts)), (table, key)
        checked += 1
    assert checked > 100
    tthc = [k for k in totals if k[0].startswith("tthc_")]
    assert any(city_site.first[k] != received[ON_TIME][k] for k in tthc)  # the resubmission changed TTHC figures …
    assert all(by_commune[(*k, ON_TIME)] == pytest.approx(received[ON_TIME][k]) for k in tthc if k in received[ON_TIME])


def test_city_outputs_from_the_communes_packages(city_site):
    """The city build over the packages: each commune's 766 rates in the city's table are those of the
    commune's own report, the ranking follows them, the missing commune is «[x]» with the reason, and
    the late and the missing communes are named in the report."""
    assert build.run(city_site.inputs, city_site.outputs) == 0
    con = warehouse.connect(city_site.outputs, read_only=True)
    try:
        results = city.extend(con, indicators.compute(con, city_site.city))
    finally:
        con.close()
    t = results.tables[city.RATES_766]
    own = {}
    for code in (ON_TIME, LATE):
        commune = city_site.communes[code]
        con = warehouse.connect(commune.outputs, read_only=True)
        try:
            table = indicators.table(con, "tthc_chi_so", commune.config)
        finally:
            con.close()
        own[code] = {table.value(i, "chi_so"): table.value(i, "gia_tri") for i in range(len(table.frame))}
        for rate in city.RATED:
            assert t.value(t.row(code), rate.key) == own[code][rate.key], (code, rate.key)
    missing = t.row(MISSING)
    assert t.text(missing, "ty_le_dung_han") == "[x]" and t.text(missing, "ghi_chu").startswith("[x]: chưa nộp")
    ranking = results.tables[city.RANKING]
    mine = [ranking.value(i, "ma") for i in range(len(ranking.frame)) if ranking.value(i, "chi_so_766") == "2.1"]
    assert mine == [*sorted((ON_TIME, LATE), key=lambda c: -own[c]["ty_le_dung_han"]), MISSING]
    text = "\n".join(p.text for p in Document(str(city_site.outputs / paths.REPORT)).paragraphs)
    late, absent = (city_site.city.unit(c).name for c in (LATE, MISSING))
    assert f"(gửi muộn: {late}); chưa có số liệu của {absent}" in text
    assert f"{absent} (tất cả các biểu)" in text
    # the city's build writes no blank per commune × template (the portal makes each on download)
    assert not any((city_site.outputs / build.TEMPLATES_DIR).glob("*.xlsx"))


def test_city_demo_fills_every_communes_templates_consistently_one_late(tmp_path):
    """The demo set at city level: every commune's templates, its templates agreeing with each other
    (the cross-checks hold over the city's sums), received before the deadline but the last commune's."""
    from pipeline.checks import crosscheck

    config = load(paths.CITY_EXAMPLE)
    files = demo.write_all(tmp_path / "demo", config)
    sending = city.communes(config)
    assert len(files) == sum(len(u.templates) for u in sending)
    ingest.run(tmp_path / "demo", tmp_path / "out", config, demo_set=True)
    con = warehouse.connect(tmp_path / "out", read_only=True)
    try:
        findings = crosscheck.evaluate(con)
        sent = city.reporting(con, config)
    finally:
        con.close()
    assert findings and all(f.ok for f in findings), [f.text() for f in findings if not f.ok]
    last = max((u for u in config.units if u.templates), key=lambda u: [v.code for v in config.units].index(u.code))
    assert {s.unit.code for s in sent if s.state == "late"} == {last.code}
    assert all(s.on_time for s in sent if s.unit != last)


def test_flagged_lists_the_commune_far_from_the_others_with_the_median():
    config = load(paths.CITY_EXAMPLE)
    units = [Unit(f"1060{k}", f"xã Số {k}", ("tthc",), "xã") for k in range(5)]
    config = type(config)(**{**config.__dict__, "units": (*config.units[:1], *units)})
    rows = [{"ma": u.code, "loai": u.kind, "ten": city.short_name(u), "nhan": n, "ty_le": r, "ghi_chu": ""}
            for u, n, r in zip(units, (10.0, 11.0, 12.0, 13.0, 200.0), (95.0, 96.0, 97.0, 98.0, 40.0), strict=True)]
    q = city._query("thu", "Bảng thử", "tthc", "II.4", 1, "", {"nhan": ("Hồ sơ", "hồ sơ", 0), "ty_le": ("Tỷ lệ", "%", 1)})
    t = city.flagged({"thu": city._table(q, rows, [])}, config)
    found = [(t.value(i, "ma"), t.value(i, "noi_dung"), t.value(i, "gia_tri"), t.value(i, "trung_vi"))
             for i in range(len(t.frame))]
    assert found == [("10604", "Hồ sơ (hồ sơ)", "200", "11,5"), ("10604", "Tỷ lệ (%)", "40,0", "96,5")]


# ---------------------------------------------------------------------------------------------
# Issue 27, item 1: a ward counting months from the 15th, a city counting calendar months


def _period_figures(outputs: Path) -> dict:
    from pipeline.outputs import rates_periods

    sql, figures = rates_periods.period_figures()
    con = warehouse.connect(outputs, read_only=True)
    try:
        return {r[0]: r[2:] for r in con.execute(sql).fetchall()}
    finally:
        con.close()


def _table(outputs: Path, config: Config, key: str) -> list:
    con = warehouse.connect(outputs, read_only=True)
    try:
        frame = indicators.compute(con, config).tables[key].frame
    finally:
        con.close()
    frame = frame.drop(columns=[c for c in frame.columns if c in ("ghi_chu", "nguon")]).astype(object)
    return frame.where(frame.notna(), None).to_dict("records")  # NaN == NaN for the comparison


def test_a_ward_with_months_from_the_15th_reaches_a_city_with_calendar_months(tmp_path, capsys):
    ward_code = "10501"  # phường Hồng Bàng
    inputs, config = city_util.commune(tmp_path, ward_code, month_starts_on=15)
    outputs = tmp_path / ward_code / "outputs"
    assert build.run(inputs, outputs) == 0
    said = capsys.readouterr().out
    assert "tháng tính từ ngày 15 tháng trước" in said and "không chia lại được theo tháng" in said
    assert "dòng «Cả kỳ»" in said and "sẽ nhận đủ 9 biểu" in said, said
    city_cfg = city_util.city()
    city_inputs, city_outputs = tmp_path / "city" / "inputs", tmp_path / "city" / "outputs"
    city_inputs.mkdir(parents=True)
    (city_inputs / paths.CONFIG_NAME).write_text(paths.CITY_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    city_util.receive(outputs / paths.PACKAGE_DIR, city_inputs, ward_code, city_cfg.deadline - timedelta(days=1))
    assert build.run(city_inputs, city_outputs) == 0
    city_said = capsys.readouterr().out
    assert "bị trả lại: 0" in city_said, city_said
    assert "phường Hồng Bàng gửi số liệu cả kỳ" in city_said
    # the city's TTHC figures over the period are the ward's, field of work by field of work …
    ward, town = _period_figures(outputs), _period_figures(city_outputs)
    assert ward and town == ward
    # … and so are its 766 rates and its table by field of work
    for key in ("tthc_chi_so", "tthc_theo_linh_vuc"):
        assert _table(city_outputs, city_cfg, key) == _table(outputs, config, key), key
