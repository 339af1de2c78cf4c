"""The «Cài đặt» page and the first-run page over HTTP (TestClient): who may open them, what a save
keeps, what a refused form shows."""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import replace

from fastapi.testclient import TestClient

from pipeline.core import paths
from pipeline.core.config import load
from pipeline.core.config_check import ConfigError
from pipeline.web import accounts
from pipeline.web import settings_form as sf
from pipeline.web.app import create_app
from tests.web_util import CSRF, password, sign_in, text_of


def form_of(site) -> dict:
    """The settings form as the page fills it from inputs/commune.toml."""
    return sf.values_of(sf.read_toml(site.inputs / paths.CONFIG_NAME))


def post(client, token, values: dict, path: str = "/settings"):
    return client.post(path, data={"csrf": token, **values}, follow_redirects=False)


def field_errors(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, message in re.findall(r'<p class="field-error" data-field="([^"]+)" role="alert">([^<]+)</p>', html):
        found.setdefault(name, []).append(message)
    return found


def test_only_the_standing_unit_opens_settings(site):
    other = next(u for u in site.config.units if u.code != site.config.standing_unit)
    client, token = sign_in(site, other.code)
    assert "/settings" not in client.get("/").text  # no link in its menu
    assert client.get("/settings").status_code == 403
    before = (site.inputs / paths.CONFIG_NAME).read_bytes()
    assert post(client, token, form_of(site)).status_code == 403
    response = client.post("/settings/accounts", data={"csrf": token, "action": "add", "username": "moi",
                                                       "unit_code": other.code, "password": "matkhau-moi-1"})
    assert response.status_code == 403
    assert (site.inputs / paths.CONFIG_NAME).read_bytes() == before
    assert "moi" not in accounts.load_all(site.inputs)
    standing, _ = sign_in(site, site.config.standing_unit)
    page = standing.get("/settings")
    assert page.status_code == 200 and 'href="/settings"' in page.text
    assert "Cài đặt" in page.text and 'value="An Thành"' in page.text


def test_save_keeps_the_previous_version_and_reloads(site):
    path = site.inputs / paths.CONFIG_NAME
    before = path.read_bytes()
    client, token = sign_in(site, site.config.standing_unit)
    values = form_of(site) | {"commune.name": "An Thành Mới", "period.month_starts_on": "15"}
    response = post(client, token, values)
    assert response.status_code == 303, text_of(response.text)
    kept = sorted((site.inputs / paths.CONFIG_HISTORY).glob("commune.*.toml"))
    assert len(kept) == 1 and kept[0].read_bytes() == before
    config = load(path)
    assert config.commune == "An Thành Mới" and config.month_starts_on == 15
    assert replace(config, commune="An Thành", month_starts_on=1, path=site.config.path) == site.config
    text = path.read_text(encoding="utf-8")
    assert "# loại đơn vị hành chính" in text  # the file's comments are kept
    assert site.portal.config.commune == "An Thành Mới"  # the portal reads it again
    assert "xã An Thành Mới" in client.get("/settings").text
    assert "Đã lưu cấu hình" in client.get("/settings?saved=1").text
    # A second save keeps the first one's version too; inputs/ only grows, the earlier copies
    # are never received as files.
    assert post(client, token, form_of(site) | {"commune.place": "Thành Sen"}).status_code == 303
    assert len(list((site.inputs / paths.CONFIG_HISTORY).glob("*.toml"))) == 2
    from pipeline.store import inbox
    assert not [p for p in inbox.received_files(site.inputs) if paths.CONFIG_HISTORY in p.parts]


def test_an_invalid_form_keeps_the_typed_values_and_lists_every_mistake(site):
    path = site.inputs / paths.CONFIG_NAME
    before = path.read_bytes()
    client, token = sign_in(site, site.config.standing_unit)
    values = form_of(site) | {
        "commune.kind": "phường",  # but the units are still named «… xã»
        "commune.name": "Thành Sen",
        "commune.province": "",
        "period.cutoff": "01/06/2025",  # before the start
        "period.month_starts_on": "40",
        "units[2].code": "VP",  # the first unit's code
        "units[3].code": "kinh te",
        "units[5].code": "MOI", "units[5].name": "Ban Chỉ huy Quân sự phường", "units[5].templates": ["danh_gia"],
    }
    response = post(client, token, values)
    assert response.status_code == 400
    errors = field_errors(response.text)
    assert set(errors) >= {"commune.province", "period.cutoff", "period.month_starts_on", "units[2].code",
                           "units[3].code", "units[1].name", "signatory.on_behalf"}, errors
    assert errors["commune.province"] == ["Chưa điền mục này."]
    assert "khóa" not in " ".join(m for ms in errors.values() for m in ms)  # the fields' labels, not the keys
    assert "Phòng Văn hóa – Xã hội phường" in response.text  # the fix, spelled out
    count = int(re.search(r"có (\d+) lỗi cần sửa", response.text)[1])
    assert count == sum(len(v) for v in errors.values())
    for typed in ('value="Thành Sen"', 'value="kinh te"', 'value="MOI"', 'value="40"', 'value="01/06/2025"',
                  'value="Ban Chỉ huy Quân sự phường"'):
        assert typed in response.text, typed
    assert re.search(r'name="units\[5\]\.templates" value="danh_gia" checked', response.text)
    assert re.search(r'<option value="phường" selected', response.text)
    assert path.read_bytes() == before and not (site.inputs / paths.CONFIG_HISTORY).exists()
    assert site.portal.config.commune == "An Thành"


def test_accounts_on_the_settings_page(site):
    client, token = sign_in(site, site.config.standing_unit)
    other = next(u for u in site.config.units if u.code != site.config.standing_unit)
    response = client.post("/settings/accounts", data={"csrf": token, "action": "add", "username": "A B",
                                                       "role": "head", "full_name": "", "password": "ngan"})
    assert response.status_code == 400
    page = html.unescape(text_of(response.text))
    for told in ("Tên đăng nhập 'a b' không hợp lệ", "cần họ tên", "Hãy chọn đơn vị", "ít nhất 8 ký tự"):
        assert told in page, told  # every mistake at once
    response = client.post("/settings/accounts", data={
        "csrf": token, "action": "add", "username": "truong.kt", "unit_code": other.code, "role": "head",
        "full_name": "Lê Văn Hùng", "password": "matkhau-hung-1"}, follow_redirects=False)
    assert response.status_code == 303
    added = accounts.load_all(site.inputs)["truong.kt"]
    assert (added.unit_code, added.role, added.full_name) == (other.code, "head", "Lê Văn Hùng")
    assert accounts.verify(site.inputs, "truong.kt", "matkhau-hung-1")

    # The unit's own account: signed in, then locked (its session ends), unlocked, password reset.
    member, _ = sign_in(site, other.code)
    name = other.code.lower()
    assert client.post("/settings/accounts", data={"csrf": token, "action": "lock", "username": name},
                       follow_redirects=False).status_code == 303
    assert member.get("/", follow_redirects=False).headers["location"] == "/login"
    assert accounts.verify(site.inputs, name, password(other.code)) is None
    assert "Đã khóa" in client.get("/settings").text
    client.post("/settings/accounts", data={"csrf": token, "action": "unlock", "username": name})
    client.post("/settings/accounts", data={"csrf": token, "action": "reset", "username": name,
                                            "password": "mat-khau-moi-99"})
    assert accounts.verify(site.inputs, name, "mat-khau-moi-99")
    client.post("/settings/accounts", data={"csrf": token, "action": "role", "username": name,
                                            "role": "head", "full_name": "Phạm Thị Hoa"})
    assert accounts.load_all(site.inputs)[name].head
    # The account signed in cannot lock itself; a form without its CSRF token is refused.
    me = site.config.standing_unit.lower()
    response = client.post("/settings/accounts", data={"csrf": token, "action": "lock", "username": me})
    assert response.status_code == 400 and not accounts.load_all(site.inputs)[me].disabled
    assert client.post("/settings/accounts", data={"action": "lock", "username": name}).status_code == 403


def test_the_standing_unit_is_not_moved_to_a_unit_without_an_account(site):
    client, token = sign_in(site, site.config.standing_unit)
    values = form_of(site)
    for name, _ in list(accounts.load_all(site.inputs).items()):
        if accounts.load_all(site.inputs)[name].unit_code == "KT":
            client.post("/settings/accounts", data={"csrf": token, "action": "lock", "username": name})
    row = next(k for k, v in values.items() if k.endswith(".code") and v == "KT")[len("units["):-len("].code")]
    response = post(client, token, values | {"standing_unit.code": row})
    assert response.status_code == 400
    assert "chưa có tài khoản nào đang dùng" in field_errors(response.text)["standing_unit.code"][0]


def test_first_run_only_without_configuration_and_only_from_this_machine(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    outputs.mkdir()
    app = create_app(inputs, outputs)
    try:
        remote = TestClient(app, client=("192.168.1.20", 50000))
        assert remote.get("/", follow_redirects=False).headers["location"] == "/setup"
        refused = remote.get("/setup")
        assert refused.status_code == 403 and "127.0.0.1" in refused.text
        local = TestClient(app, client=("127.0.0.1", 50000))
        page = local.get("/setup")
        assert page.status_code == 200 and "chỉ mở được trên chính máy chạy cổng" in page.text
        token = CSRF.search(page.text)[1]
        values = {"commune.kind": "xã", "commune.name": "Tân Lập", "commune.province": "tỉnh Phú Thọ",
                  "commune.place": "Tân Lập", "commune.plan_ref": "Kế hoạch sơ kết của xã Tân Lập",
                  "period.start": "01/07/2025", "period.cutoff": "2026-04-30", "period.deadline": "15:00 06/05/2026",
                  "period.month_starts_on": "1", "units[1].code": "VP", "units[1].name": "Văn phòng HĐND và UBND xã",
                  "units[1].templates": ["tthc", "danh_gia"], "standing_unit.code": "1",
                  "signatory.authority": "KT. CHỦ TỊCH", "signatory.title": "PHÓ CHỦ TỊCH",
                  "signatory.name": "Hà Văn Nam", "archives.fonds": "Phông UBND xã Tân Lập",
                  "staffing.bodies": "Văn phòng HĐND và UBND xã",
                  "account.username": "vp", "account.full_name": "Hà Văn Nam",
                  "account.password": "matkhau-vp-1", "account.password2": "matkhau-vp-2"}
        response = post(local, token, values, "/setup")
        assert response.status_code == 400 and field_errors(response.text) == {
            "account.password2": ["Hai lần nhập mật khẩu không khớp."]}
        assert not (inputs / paths.CONFIG_NAME).exists()
        response = post(local, token, values | {"account.password2": "matkhau-vp-1"}, "/setup")
        assert response.headers["location"] == "/login?first=1"
        config = load(inputs / paths.CONFIG_NAME)
        assert config.full_name == "xã Tân Lập" and config.standing_unit == "VP"
        assert accounts.load_all(inputs)["vp"].head
        assert local.get("/setup", follow_redirects=False).headers["location"] == "/login"
        assert post(local, token, values, "/setup").status_code == 404  # never again
        assert "Đã lưu cấu hình và tạo tài khoản" in local.get("/login?first=1").text
    finally:
        app.state.portal.ingester.stop()


def test_config_error_keeps_every_mistake_by_key(tmp_path):
    path = tmp_path / paths.CONFIG_NAME
    text = (paths.INPUTS / paths.CONFIG_NAME).read_text(encoding="utf-8")
    path.write_text(text.replace('province = "thành phố Hải Phòng"', 'province = ""')
                    .replace("cutoff = 2026-04-30", "cutoff = 2025-01-01"), encoding="utf-8")
    try:
        load(path)
    except ConfigError as exc:
        assert {key for key, _, _ in exc.items} == {"commune.province", "period.cutoff"}
        assert all(line for _, line, _ in exc.items)
    else:
        raise AssertionError("not refused")
    assert tomllib.loads(sf.to_toml(tomllib.loads(text), text)) == tomllib.loads(text)  # written back unchanged


def test_a_city_edits_its_configuration_in_the_file(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    outputs.mkdir()
    (inputs / paths.CONFIG_NAME).write_bytes(paths.CITY_EXAMPLE.read_bytes())
    config = load(inputs / paths.CONFIG_NAME)
    accounts.set_account(inputs, "thuongtruc", "matkhau-tt-1", config.standing_unit, config)
    app = create_app(inputs, outputs)
    try:
        client = TestClient(app)
        token = CSRF.search(client.get("/login").text)[1]
        client.post("/login", data={"csrf": token, "username": "thuongtruc", "password": "matkhau-tt-1"})
        page = client.get("/settings")
        assert page.status_code == 200 and "soket config check" in page.text and "Lưu cấu hình" not in page.text
        token = CSRF.search(page.text)[1]
        before = (inputs / paths.CONFIG_NAME).read_bytes()
        assert post(client, token, sf.values_of(tomllib.loads(before.decode()))).status_code == 400
        assert (inputs / paths.CONFIG_NAME).read_bytes() == before
    finally:
        app.state.portal.ingester.stop()


def test_a_forged_row_number_is_bounded():
    values = {"units[1].code": "VP", "units[1].name": "Văn phòng", "units[99999999].code": "X"}
    assert sf.rows_of(values) == 1
    assert sf.rows_of(values | {"units[5000].code": "Y"}) == sf.MAX_ROWS
    data, _, rows, _ = sf.data_of(values, ["tthc"])
    assert rows == [1] and [u["code"] for u in data["units"]] == ["VP"]
