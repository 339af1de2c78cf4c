"""The demo engine: each topic's figures are found through the registry in its own folder; a topic
without demo figures is left out of the demo set with a reason, never a crash."""

from __future__ import annotations

import logging
import shutil

import pytest
from openpyxl import load_workbook

from pipeline import demo, topics
from pipeline.outputs import templates
from pipeline.topics import CATALOG


def test_a_topics_demo_figures_are_found_in_its_folder_through_the_registry(config):
    found = demo.module("tthc")
    assert found is topics.topic("tthc").module("demo")
    assert found.__name__ == "pipeline.topics.tthc.demo"
    rows = demo.data_for("tthc", config, "TTPVHCC")["ho_so"]
    assert len(rows) == len(config.reporting_months) * 10  # one row per month and field of work


def test_the_same_inputs_give_the_same_figures_and_each_unit_its_own(config):
    assert demo.data_for("nhan_su", config, "VHXH") == demo.data_for("nhan_su", config, "VHXH")
    assert demo.data_for("nhan_su", config, "VHXH") != demo.data_for("nhan_su", config, "KT")


def test_figures_of_one_topic_agree_with_another_topics_owner(config):
    """ha_tang_so reads nhan_su's and tthc's figures through `other`, without importing them."""
    staff = demo.data_for("nhan_su", config, config.owners("nhan_su")[0].code)["can_bo"]
    dossiers = demo.data_for("tthc", config, config.owners("tthc")[0].code)["ho_so"]
    (digital,) = demo.data_for("ha_tang_so", config, "VP")["chi_so"]
    assert digital["can_bo_tong"] == sum(r["can_bo"] + r["cong_chuc"] + r["vien_chuc"] for r in staff)
    assert digital["ho_so_truc_tuyen"] == sum(r["nhan_truc_tuyen"] for r in dossiers)


@pytest.fixture
def without_staffing_demo(tmp_path, monkeypatch):
    """The topic folders as they would be if nhan_su had no demo.py (a copy; the code is untouched)."""
    folders = tmp_path / "topics"
    shutil.copytree(topics.FOLDER, folders, ignore=shutil.ignore_patterns("__pycache__"))
    (folders / "nhan_su" / "demo.py").unlink()
    monkeypatch.setattr(topics, "FOLDER", folders)
    return "nhan_su"


def test_a_topic_without_demo_figures_is_reported_not_crashed(config, tmp_path, caplog,
                                                              without_staffing_demo):
    title = CATALOG["nhan_su"].title
    assert demo.module("nhan_su") is None
    assert demo.missing(config) == [demo.reason("nhan_su")]
    assert f"«{title}»" in demo.reason("nhan_su") and "nhan_su" not in demo.reason("nhan_su")
    with pytest.raises(demo.NoDemoFigures, match=title):
        demo.data_for("nhan_su", config, "VHXH")

    with caplog.at_level(logging.WARNING, logger="pipeline"):
        written = demo.write_all(tmp_path / "demo", config)
    assert demo.reason("nhan_su") in caplog.text
    owned = [(u, t) for u in config.units for t in u.templates if t != "nhan_su"]
    assert sorted(p.name for p in written) == sorted(templates.filename(CATALOG[t], u) for u, t in owned)
    # the figures that read the missing topic fall back to their own, and the workbook is written
    digital = next(p for p in written if p.name.startswith(CATALOG["ha_tang_so"].file_name + "_"))
    assert load_workbook(digital).sheetnames


def test_a_template_id_outside_the_registry_has_no_demo_figures(config):
    assert demo.module("khong_co") is None
    with pytest.raises(demo.NoDemoFigures, match="không có trong danh mục"):
        demo.data_for("khong_co", config, "VP")
