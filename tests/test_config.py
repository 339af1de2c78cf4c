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
    assert config.leader("II.1") is None  # II.1–II.8 are written from figures: no leader line
    assert [(lead.section, lead.name) for lead in config.leaders] == [("II.9", "Nguyễn Đức Thắng")]
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
        ('code = "VHXH"\n#', 'code = "XYZ"\n#', "standing_unit.code", "XYZ"),
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


# Levels (issue 17): a commune's code for its city, and a city whose units are its communes.
CITY = paths.CITY_EXAMPLE.read_text(encoding="utf-8")


def test_commune_level_is_the_default_and_its_code_is_optional(config, tmp_path):
    assert (config.level, config.code, config.is_city) == ("commune", None, False)
    assert all(u.kind is None for u in config.units)
    coded = load(write(tmp_path, DEFAULT.replace('kind = "xã"', 'kind = "xã"\ncode = "10507"', 1)))
    assert (coded.level, coded.code) == ("commune", "10507")


def test_city_example_loads_its_communes_with_code_kind_and_name():
    city = load(paths.CITY_EXAMPLE)
    assert (city.level, city.is_city, city.kind, city.full_name) == ("city", True, "thành phố", "thành phố Hải Phòng")
    assert city.code is None
    communes = [u for u in city.units if u.kind]
    assert [(u.code, u.kind, u.name) for u in communes] == [
        ("10501", "phường", "phường Hồng Bàng"), ("10504", "đặc khu", "đặc khu Cát Hải"), ("10507", "xã", "xã An Thành")]
    assert all(set(u.templates) == set(paths.topic_ids()) for u in communes)  # templates omitted = every template
    standing = city.unit(city.standing_unit)
    assert (standing.code, standing.templates, standing.kind) == ("SNV", (), None)
    assert [u.code for u in city.owners("tthc")] == ["10501", "10504", "10507"]


@pytest.mark.parametrize(
    "old, new, key, expected",
    [
        ('level = "city"', 'level = "huyen"', "'level'", '"city"'),
        ('kind = "thành phố"', 'kind = "xã"', "commune.kind", "'tỉnh'"),
        ('kind = "thành phố"', '', "commune.kind", "thiếu khóa"),
        ('kind = "đặc khu"', 'kind = "thôn"', "units[3].kind", "'phường'"),
        ('kind = "đặc khu"', '', "units[3].kind", "thiếu khóa"),
        ('name = "Hải Phòng"', 'name = "Hải Phòng"\ncode = "31"', "commune.code", "chỉ dùng ở cấu hình của xã"),
        ('name = "Cát Hải"', 'name = "phường Cát Hải"', "units[3].name", "«phường»"),
        ('title = "Phó Chủ tịch UBND thành phố"', 'title = "Phó Chủ tịch UBND xã"', "leaders[1].title", "«xã»"),
        ('on_behalf = "TM. ỦY BAN NHÂN DÂN THÀNH PHỐ"', 'on_behalf = "TM. ỦY BAN NHÂN DÂN TỈNH"',
         "signatory.on_behalf", "THÀNH PHỐ"),
        ('code = "10504"', 'code = "10501"', "[[units]]", "10501"),
    ],
)
def test_malformed_city_setting_names_the_key(tmp_path, old, new, key, expected):
    assert old in CITY
    path = write(tmp_path, CITY.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert key in message and expected in message, message
    assert str(path) in message


def test_a_city_counts_its_communes_kinds_in_staffing_bodies(tmp_path):
    """«các xã, phường, đặc khu» is what a city's staffing body is; «tỉnh» in a city is not."""
    assert "của xã, phường, đặc khu" in load(write(tmp_path, CITY)).staffing_bodies[0]
    with pytest.raises(ConfigError, match=r"staffing\.bodies\[1\]"):
        load(write(tmp_path, CITY.replace("Các cơ quan, đơn vị của xã", "Các cơ quan, đơn vị của tỉnh", 1)))


def test_city_templates_are_written_and_validated_like_any_unit(tmp_path, capsys):
    """A city gives its communes the same templates; a commune's filled file validates at the city."""
    city = str(paths.CITY_EXAMPLE)
    assert main(["--config", city, "templates", "--unit", "10507", "--out", str(tmp_path / "t")]) == 0
    blank = sorted(p.name for p in (tmp_path / "t").glob("*.xlsx"))
    assert len(blank) == len(paths.topic_ids()) and all(name.endswith("_xa_An_Thanh.xlsx") for name in blank)
    assert main(["--config", city, "demo", "--out", str(tmp_path / "d")]) == 0
    filled = sorted((tmp_path / "d").glob("*Cat_Hai.xlsx"))
    capsys.readouterr()
    assert main(["--config", city, "validate", *map(str, filled)]) == 0
    out = capsys.readouterr().out
    assert out.count("đơn vị 10504") == len(paths.topic_ids()) and "0 bị trả lại" in out


# Issue 25: every mistake at once, each at its line; keys nothing reads refused.
MISTAKES = (  # (text replaced, by, what the message must name)
    ('province = "thành phố Hải Phòng"', "", "thiếu khóa 'commune.province'"),
    ("cutoff = 2026-04-30", 'cutoff = "30/04/2026"', "'period.cutoff'"),
    ('code = "KT"', "code = 5", "'units[3].code'"),
    ('templates = ["tthc", "danh_gia"]', 'templates = ["tthc", "khong_co"]', "'khong_co'"),
    ('code = "VHXH"\n#', 'code = "VHXH"\ncontact = "Phòng Văn hóa – Xã hội xã"\n#', "'standing_unit.contact'"),
    ('section = "II.9"', 'section = "II.1"', "'leaders[1].section'"),
    ('authority = "KT. CHỦ TỊCH"', 'authority = "KT. CHỦ TỊCH"\nchuc_vu = "x"', "'signatory.chuc_vu'"),
    ('on_behalf = "TM. ỦY BAN NHÂN DÂN XÃ"', 'on_behalf = "TM. ỦY BAN NHÂN DÂN PHƯỜNG"', "«PHƯỜNG»"),
)


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_every_mistake_is_listed_at_once_with_its_line(tmp_path, capsys):
    text = DEFAULT
    for old, new, _ in MISTAKES:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert f"có {len(MISTAKES)} lỗi" in message and str(path) in message
    for _, _, named in MISTAKES:
        assert named in message, (named, message)
    assert f"dòng {_line_of(text, 'contact = ')}: khóa 'standing_unit.contact' không được chương trình đọc" in message
    assert f"dòng {_line_of(text, 'code = 5')}: " in message
    assert "II.9, III" in message  # the sections a leader is printed for
    # `soket config check` and any other command print the same list, then stop.
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert all(named in err for _, _, named in MISTAKES)


def test_unknown_key_suggests_the_key_meant(tmp_path):
    path = write(tmp_path, DEFAULT.replace('# contact_person = "Trần Thị Lan"', 'contact_persn = "Trần Thị Lan"'))
    with pytest.raises(ConfigError, match=r"'standing_unit.contact_persn'.*'contact_person'.*Hãy xóa"):
        load(path)


def test_leaders_are_optional(tmp_path):
    text = re.sub(r"\[\[leaders\]\].*?(?=\n# Người ký)", "", DEFAULT, flags=re.S)
    assert load(write(tmp_path, text)).leaders == ()


def test_config_check_says_the_configuration_is_good(capsys):
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert "hợp lệ" in out and "xã An Thành" in out


def test_user_add_checks_the_unit_code_before_asking_the_password(workdir, monkeypatch, capsys):
    """`soket user add` with a unit code not in the configuration stops before the password is typed."""
    from pipeline.web import accounts

    inputs, _ = workdir
    asked = []
    monkeypatch.setattr(accounts, "_ask_password", lambda: asked.append(1) or "mat-khau-dai")
    assert main(["user", "add", "kinhte", "--unit", "XYZ", "--inputs", str(inputs)]) == 2
    assert "mã đơn vị" in capsys.readouterr().err and not asked
    assert main(["user", "passwd", "khongco", "--inputs", str(inputs)]) == 2
    assert "Không có tài khoản" in capsys.readouterr().err and not asked
    assert main(["user", "add", "kinhte", "--unit", "KT", "--inputs", str(inputs)]) == 0 and asked == [1]
