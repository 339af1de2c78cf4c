"""The city under load, short (issue 27): a city of 30 communes sends every commune's files (with
re-sends, a file cut short and an unreadable re-send) through a real portal on loopback from 64
concurrent clients, each upload answered at once and checked after. Every file is stored once and
recorded once, none is lost, each unit × template's current file is its last valid one, and the
board is right at the end and never showed «chưa nộp» for an answered upload. No timings are
asserted: `make bench` (tests/bench_upload.py) measures them at 114 communes."""

import re

from pipeline.core import words
from pipeline.store import ingest
from pipeline.topics import CATALOG
from pipeline.web import store
from pipeline.web.app import create_app
from tests import load_util
from tests.web_util import demo_bytes, first_template, received, sign_in, upload


def test_a_burst_of_uploads_loses_nothing_and_the_board_is_right_at_the_end(tmp_path):
    result = load_util.run(tmp_path, units=30, clients=64)
    assert len(result.sends) > 270
    assert load_util.problems(result) == []
    assert all(s.status == 200 for s in result.sends)


def test_an_upload_is_answered_while_the_writer_is_busy_and_its_page_updates_itself(site):
    """The warehouse held (as by a long ingest): the upload is stored and answered «đang kiểm tra»
    at once, the board answers too and shows it as being checked, not missing; once the ingest
    has run, the same page shows the result and stops refreshing."""
    site.portal.page_wait = 0  # as in use
    client, token = sign_in(site, "TTPVHCC")
    standing, _ = sign_in(site, site.config.standing_unit)
    template_id = first_template(site, "TTPVHCC")
    with site.portal.db_lock:  # the writer is busy: nothing may wait for it
        response = upload(client, token, ("bieu.xlsx", demo_bytes(site.config, "TTPVHCC", template_id)))
        assert response.status_code == 200 and words.STATUS["checking"] in response.text
        assert 'http-equiv="refresh"' in response.text
        [path] = received(site)  # stored before the answer
        board_page = standing.get("/board").text
        title = CATALOG[template_id].title
        row = re.search(rf"\(TTPVHCC\)</small></td>\s*<td data-label=\"Biểu\">{re.escape(title)}</td>\s*"
                        r'<td data-label="Tình trạng"><span class="state (\w+)">', board_page)
        assert row and row.group(1) == "checking", board_page[:2000]
        assert words.STATES["checking"] in board_page and "Đang chạy tổng hợp" not in board_page
    assert site.portal.settle(120)
    done = client.get(response.url.path).text
    assert words.STATUS["accepted"] in done or words.STATUS["warnings"] in done
    assert 'http-equiv="refresh"' not in done and path.name in done


def test_a_file_stored_before_a_stop_is_checked_by_the_next_ingest(site):
    """A crash between storing an upload and its check: the file is in inputs/, no result page;
    the next portal's ingest checks and records it."""
    template_id = first_template(site, "TTPVHCC")
    path = store.save(site.inputs, demo_bytes(site.config, "TTPVHCC", template_id), "TTPVHCC", "ttpvhcc", "a.xlsx")
    site.portal.ingester.stop()
    again = create_app(site.inputs, site.outputs).state.portal
    try:
        assert again.settle(120)
        mine = [s for s in again.submissions() if s["path"] == f"{store.RECEIVED}/{path.name}"]
        assert [s["status"] for s in mine] in (["accepted"], ["warnings"])
        assert again.result(path, store.sidecar(path))["status"] in ("accepted", "warnings")
    finally:
        again.ingester.stop()


def test_an_upload_ingested_by_a_build_is_no_longer_shown_as_being_checked(site):
    """The build (its own process) may ingest an upload before the portal does: once the portal
    reads the warehouse again, the file is no longer «đang kiểm tra»."""
    site.portal.page_wait = 0
    client, token = sign_in(site, "TTPVHCC")
    template_id = first_template(site, "TTPVHCC")
    with site.portal.db_lock:  # the portal's own ingest cannot run meanwhile
        upload(client, token, ("bieu.xlsx", demo_bytes(site.config, "TTPVHCC", template_id)))
        assert len(site.portal.waiting) == 1
        ingest.run(site.inputs, site.outputs, site.config)  # as the build's child process does
        site.portal.publish()
        assert len(site.portal.waiting) == 0
    rows, *_ = site.portal.board_rows(refresh=False)
    assert not [r for r in rows if r.state == "checking"]
    assert [r.state for r in rows if r.unit_code == "TTPVHCC" and r.template_id == template_id] in (
        ["accepted"], ["warnings"])
