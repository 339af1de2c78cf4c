"""The report's section texts (pipeline/topics/<id>/section.vi.j2): a commune officer changes a
sentence without Python, a wrong name is a Vietnamese error naming the file and the name, the
paragraph convention, and no topic detail matched by its text (cross-check key, equipment kinds)."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date

import duckdb
import pytest
from docx import Document

from pipeline.core import vn
from pipeline.outputs import charts, indicators, report
from pipeline.topics import topic
from pipeline.topics.ha_tang_so import template as digital
from tests import contract_db
from tests.test_topics_indicators import _data

BUILT = date(2026, 5, 10)


@pytest.fixture(scope="module")
def results(tmp_path_factory, config):
    path = contract_db.create(tmp_path_factory.mktemp("sections") / "w.duckdb", config, _data())
    con = duckdb.connect(str(path), read_only=True)
    yield indicators.compute(con, config)
    con.close()


def _texts(tmp_path, topic_id: str, old: str, new: str):
    """A folder of edited texts: the topic's section.vi.j2 copied, with one sentence replaced."""
    shipped = report.text_path(topic(topic_id))
    edited = tmp_path / "texts" / topic_id / "section.vi.j2"
    edited.parent.mkdir(parents=True)
    shutil.copy(shipped, edited)
    text = edited.read_text(encoding="utf-8")
    assert old in text
    edited.write_text(text.replace(old, new), encoding="utf-8")
    return edited.parent.parent


def _paragraphs(path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_an_edited_sentence_reaches_the_report_without_python(tmp_path, results):
    texts = _texts(tmp_path, "nhan_su", "người đã nghỉ hưu trước\ntuổi, nghỉ chế độ",
                   "người đã nghỉ hưu trước tuổi (số liệu của {{ don_vi }}\nđến {{ ngay_chot }}), nghỉ chế độ")
    files = charts.draw_all(results, tmp_path / "charts")
    out = report.render(results, files, tmp_path / "r.docx", built=BUILT, texts_dir=texts)
    staff = next(p for p in _paragraphs(out) if p.startswith("Tại ngày "))
    cutoff = vn.day(results.config.cutoff)
    assert f"người đã nghỉ hưu trước tuổi (số liệu của xã đến {cutoff}), nghỉ chế độ" in staff
    # the shipped text is untouched and still gives the old sentence
    default = report.render(results, files, tmp_path / "d.docx", built=BUILT)
    assert any("người đã nghỉ hưu trước tuổi, nghỉ chế độ" in p for p in _paragraphs(default))
    assert "{{" not in "\n".join(_paragraphs(out))


@pytest.mark.parametrize("old, new, name", [
    ("{{ ns_so_nghi }}", "{{ ns_so_nghi_sai }}", "ns_so_nghi_sai"),  # a figure mistyped
    ("{{ ngay_chot }}", "{{ ngay_chot_so_lieu }}", "ngay_chot_so_lieu"),
])
def test_an_unknown_name_is_a_vietnamese_error_naming_file_and_name(tmp_path, results, old, new, name):
    texts = _texts(tmp_path, "nhan_su", old, new)
    with pytest.raises(report.TemplateError) as err:
        report.section_content("nhan_su", results, BUILT, texts)
    msg = str(err.value)
    assert f"«{{{{ {name} }}}}» không có trong số liệu của mục" in msg
    assert "Lời văn mục II.3" in msg and str(texts / "nhan_su" / "section.vi.j2") in msg
    assert "Có phải là: " + old.strip("{} ") in msg


def test_an_unknown_field_inside_a_loop_and_a_broken_tag_are_errors_too(tmp_path, results):
    texts = _texts(tmp_path, "phan_cap", "{{ k.linh_vuc }}", "{{ k.linh_vuc_sai }}")
    with pytest.raises(report.TemplateError, match="«{{ linh_vuc_sai }}» không có trong số liệu"):
        report.section_content("phan_cap", results, BUILT, texts)
    texts = _texts(tmp_path / "b", "so_hoa", "{{ lt_trang_so_hoa }}", "{{ lt_trang_so_hoa }")
    with pytest.raises(report.TemplateError, match=r"Lời văn mục II.8 .*dòng \d+: viết sai cú pháp"):
        report.section_content("so_hoa", results, BUILT, texts)


def test_paragraph_convention():
    text = "Câu một được viết\n  trên hai dòng.\n\n\nĐoạn hai:\n- ý thứ nhất\n  còn tiếp\n- ý thứ hai\n\n   \n\n"
    assert report.paragraphs(text) == ["Câu một được viết trên hai dòng.", "Đoạn hai:",
                                       "- ý thứ nhất còn tiếp", "- ý thứ hai"]
    assert report.paragraphs("\n\n") == []


def test_every_topic_text_uses_only_names_its_section_gives(results):
    for s in report.SECTIONS:
        if s.topic:
            content = report.section_content(s.topic.id, results, BUILT)
            assert content.paragraphs and not any("{{" in p or "{%" in p for p in content.paragraphs), s.key
            assert set(content.values) == set(s.placeholders), s.key  # every declared inline value is given


def test_a_new_equipment_kind_gets_its_placeholder_instead_of_crashing(monkeypatch, results):
    monkeypatch.setattr(digital, "EQUIPMENT_KINDS", (*digital.EQUIPMENT_KINDS, ("may_in", "Máy in")))
    assert report.placeholders()["may_in"] == "Máy in đang sử dụng"
    content = report.section_content("ha_tang_so", results, BUILT)
    assert content.values["may_in"] == vn.GAP  # no unit has sent the new row yet
    assert content.values["may_chu"] == "2"


def test_the_online_cross_check_is_found_by_its_key_not_its_expression(results):
    online = next(f for f in results.checks if f.check.key == "ho_so_truc_tuyen")
    assert not online.ok  # the golden set differs: 110 ≠ 100
    renamed = dataclasses.replace(online, check=dataclasses.replace(
        online.check, left=dataclasses.replace(online.check.left, expr="ho_so_truc_tuyen + 0")))
    moved = dataclasses.replace(results, checks=[renamed if f is online else f for f in results.checks])
    text = report.section_content("ha_tang_so", moved, BUILT).paragraphs
    assert any(p.startswith("(Số liệu hồ sơ trực tuyến của biểu hạ tầng số chênh 10,0%") for p in text)
    assert not any(online.check.message in p for p in text)  # worded once, not again as a generic note


def test_a_text_edited_in_inputs_is_used_by_the_build_and_is_not_a_submission(workdir):
    """inputs/loi_van/<biểu>/section.vi.j2 (the record, kept across updates of the system) replaces
    the shipped text in `make all`; the inbox does not take it for a unit's file."""
    from pipeline import build
    from pipeline.core import paths
    from pipeline.store import inbox

    inputs, outputs = workdir
    texts = _texts(inputs / "tmp", "nhan_su", "người đã nghỉ hưu trước\ntuổi, nghỉ chế độ",
                   "người đã nghỉ hưu sớm, nghỉ chế độ")
    shutil.move(texts, inputs / paths.SECTION_TEXTS)
    shutil.rmtree(inputs / "tmp")
    assert inbox.received_files(inputs) == []
    assert build.run(inputs, outputs) == 0
    assert any("người đã nghỉ hưu sớm, nghỉ chế độ" in p for p in _paragraphs(outputs / report.FILE_NAME))


def test_a_broken_text_stops_only_the_report_and_the_build_says_why(tmp_path, workdir, monkeypatch, capsys):
    from pipeline import build
    from pipeline.outputs.report import sections

    texts = _texts(tmp_path, "so_hoa", "{{ lt_ty_le_so_hoa }}", "{{ ty_le_so_hoa }}")
    shipped = sections.text_path
    monkeypatch.setattr(sections, "text_path", lambda t, texts_dir=None: shipped(t, texts if t.id == "so_hoa" else None))
    inputs, outputs = workdir
    assert build.run(inputs, outputs) == 1
    out = capsys.readouterr().out
    assert "«{{ ty_le_so_hoa }}» không có trong số liệu của mục" in out and "section.vi.j2" in out
    assert (outputs / "phu_luc_so_lieu.xlsx").exists()  # the annex is still made
    assert not (outputs / report.FILE_NAME).exists()
