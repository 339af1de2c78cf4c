"""The commune's configuration: defaults from the plan, Vietnamese messages naming the key."""

import re
from datetime import date, datetime

import pytest

from pipeline.__main__ import main
from pipeline.core import paths
from pipeline.core.config import ConfigError, load

DEFAULT = (paths.INPUTS / paths.CONFIG_NAME).read_text(encoding="utf-8")


def write(tmp_path, text):
    path = tmp_path / "commune.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_an_thanh_from_the_plan(config):
    assert config.commune == "An Thành"
    assert config.start == date(2025, 7, 1)
    assert config.cutoff == date(2026, 4, 30)
    assert config.deadline == datetime(2026, 5, 6, 15, 0)
    assert [u.code for u in config.units] == ["VP", "VHXH", "KT", "TTPVHCC"]
    assert config.unit("TTPVHCC").name == "Trung tâm Phục vụ hành chính công xã"
    assert config.owners("tthc")[0].code == "TTPVHCC"
    assert config.leader("II.1").name == "Ngô Thị Thu"
    assert config.leader("II.5").name == "Nguyễn Quý Phong"
    assert (config.signatory.authority, config.signatory.name) == ("KT. CHỦ TỊCH", "Nguyễn Đức Thắng")
    assert config.standing_unit == "VHXH"
    assert len(config.months) == 10 and config.years == [2025, 2026]


@pytest.mark.parametrize(
    "old, new, key, expected",
    [
        ('cutoff = 2026-04-30', '', "period.cutoff", "YYYY-MM-DD"),
        ('cutoff = 2026-04-30', 'cutoff = "30/04/2026"', "period.cutoff", "YYYY-MM-DD"),
        ('deadline = 2026-05-06T15:00:00', 'deadline = 2026-05-06', "period.deadline", "YYYY-MM-DDTHH:MM"),
        ('name = "An Thành"', 'name = ""', "commune.name", "chuỗi chữ"),
        ('code = "KT"', 'code = 5', "units[3].code", "chuỗi chữ"),
        ('templates = ["tthc", "danh_gia"]', 'templates = ["tthc", "khong_co"]', "units[4].templates", "khong_co"),
        ('code = "VHXH"\ncontact', 'code = "XYZ"\ncontact', "standing_unit.code", "XYZ"),
    ],
)
def test_malformed_setting_names_the_key(tmp_path, old, new, key, expected):
    assert old in DEFAULT
    path = write(tmp_path, DEFAULT.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert key in message and expected in message
    assert str(path) in message


def test_missing_section_and_syntax_error(tmp_path):
    text = re.sub(r"\[signatory\].*?(?=\n# Các phông)", "", DEFAULT, flags=re.S)
    with pytest.raises(ConfigError, match=r"thiếu mục \[signatory\]"):
        load(write(tmp_path, text))
    with pytest.raises(ConfigError, match="sai cú pháp TOML"):
        load(write(tmp_path, DEFAULT + "\n[commune\n"))


def test_cutoff_before_start_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="phải sau 'period.start'"):
        load(write(tmp_path, DEFAULT.replace("cutoff = 2026-04-30", "cutoff = 2025-01-01")))


def test_cli_reports_config_error_in_vietnamese(tmp_path, capsys):
    path = write(tmp_path, DEFAULT.replace('province = "thành phố Hải Phòng"', ""))
    assert main(["--config", str(path), "templates", "--out", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert "Lỗi cấu hình" in err and "commune.province" in err
    assert not (tmp_path / "t").exists()
