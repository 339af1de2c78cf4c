"""What the portal says must not mislead (issue 24, item 3): a file the standing unit received by
e-mail or USB (dropped into inputs/) shows on its unit's pages as received, with how it came; the
rebuild page lists what to finish before signing; a unit never reads a storage name or a unit code."""

from __future__ import annotations

import pytest

from pipeline.core import words
from pipeline.topics import CATALOG
from pipeline.web import jobs
from tests.receive_util import filled
from tests.web_util import demo_bytes, new_site, sign_in, text_of, upload


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
