"""What the portal says must not mislead (issue 24, item 3): a file the standing unit received by
e-mail or USB (dropped into inputs/) shows on its unit's pages as received, with how it came; the
rebuild page lists what to finish before signing; a unit never reads a storage name or a unit code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.core import paths, words
from pipeline.topics import CATALOG
from pipeline.web import jobs
from tests.receive_util import filled
from tests.web_util import (
    broken_bytes,
    demo_bytes,
    new_site,
    sign_in,
    stored_names,
    text_of,
    upload,
)


@pytest.fixture
def site(tmp_path, accounts_file):
    site = new_site(tmp_path, accounts_file)
    yield site
    site.portal.ingester.stop()


def test_a_file_received_through_inputs_shows_on_the_units_pages(site):
    filled(site.config, "ngan_sach", site.inputs / "thu_dien_tu", "Ngan sach KT gui qua email.xlsx", unit_code="KT")
    site.portal.ingest()  # what the board's refresh or a build does
    client, _ = sign_in(site, "KT")
    for page in ("/", "/history"):
        text = text_of(client.get(page).text)
        assert "Đơn vị chưa gửi tệp nào" not in text, page
        assert "Ngan sach KT gui qua email.xlsx" in text and CATALOG["ngan_sach"].title in text, page
        assert words.VIA["inputs"] in text and words.STATUS["accepted"] in text, page
    other, _ = sign_in(site, "VP")  # another unit never sees it
    assert "Ngan sach KT gui qua email.xlsx" not in other.get("/history").text


def test_the_rebuild_page_lists_what_to_finish_before_signing(site, monkeypatch):
    monkeypatch.setattr(jobs, "BUILD_WAIT", 0)
    client, token = sign_in(site, "KT")
    assert upload(client, token, ("ngan_sach.xlsx", demo_bytes(site.config, "KT", "ngan_sach"))).status_code == 200
    standing, token = sign_in(site, site.config.standing_unit)
    standing.post("/board/build", data={"csrf": token}, follow_redirects=False)
    assert site.portal.builder.wait(timeout=600) and site.portal.builder.code == 0
    html = standing.get("/board").text
    assert 'id="before-signing"' in html, html
    text = text_of(html)
    assert words.BEFORE_SIGNING in text and "II.9." in text  # the units' assessments are still to come


def _shown_cells(path) -> list[str]:
    book = load_workbook(path)
    return [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_a_unit_reads_its_own_file_name_and_its_unit_name_never_a_storage_name_or_code(site):
    data, _ = broken_bytes(site.config, "KT", "ngan_sach")
    client, token = sign_in(site, "KT")
    html = upload(client, token, ("Ngân sách quý 1 của phòng.xlsx", data)).text
    [stored] = set(stored_names(html))
    code = re.compile(r"\bKT\b")
    for page in (html, client.get(f"/submissions/{stored}").text, client.get("/history").text, client.get("/").text):
        text = text_of(page)
        assert "Ngân sách quý 1 của phòng.xlsx" in text
        assert stored not in text and "Mã lưu trữ" not in text and not code.search(text), text
    link = re.search(rf'/submissions/{re.escape(stored)}/outputs/({re.escape(paths.FEEDBACK_REPORT)})', html)
    workbook = client.get(link.group(0))
    assert workbook.status_code == 200
    path = site.outputs / "tai_ve.xlsx"
    path.write_bytes(workbook.content)
    cells = _shown_cells(path)
    assert "Ngân sách quý 1 của phòng.xlsx" in cells and site.config.unit("KT").name in cells
    assert not [c for c in cells if stored in c or Path(stored).stem in c or code.search(c)]
    site.portal.ingest()  # the summary of every file (the standing unit's) names it as the unit did
    summary = _shown_cells(site.outputs / paths.OVERVIEW)
    assert "Ngân sách quý 1 của phòng.xlsx" in summary and site.config.unit("KT").name in summary
