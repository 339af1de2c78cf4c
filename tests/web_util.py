"""Shared helpers for the portal's tests: inputs with one account per unit, signing in, uploads."""

from __future__ import annotations

import io
import re
from argparse import Namespace
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl.utils import get_column_letter

from pipeline import demo
from pipeline.core import layout, paths
from pipeline.outputs import templates
from pipeline.topics import CATALOG
from pipeline.web import accounts, store
from pipeline.web.app import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def password(code: str) -> str:
    return f"matkhau-{code.lower()}"


def write_accounts(folder: Path, config) -> Path:
    """One account per unit: user name = unit code in lower case."""
    for unit in config.units:
        accounts.set_account(folder, unit.code.lower(), password(unit.code), unit.code, config)
    return folder / accounts.FILE_NAME




def make_inputs(root: Path, accounts_file: Path, deadline: datetime) -> tuple[Path, Path]:
    inputs, outputs = root / "inputs", root / "outputs"
    inputs.mkdir(parents=True)
    outputs.mkdir()
    text = (paths.INPUTS / paths.CONFIG_NAME).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^deadline = \S+", f"deadline = {deadline:%Y-%m-%dT%H:%M:%S}", text)
    (inputs / paths.CONFIG_NAME).write_text(text, encoding="utf-8")
    (inputs / accounts.FILE_NAME).write_bytes(accounts_file.read_bytes())
    return inputs, outputs


def new_site(tmp_path: Path, accounts_file: Path) -> Namespace:
    """A portal on fresh inputs/outputs whose deadline is three days ahead."""
    inputs, outputs = make_inputs(tmp_path, accounts_file, datetime.now() + timedelta(days=3))
    app = create_app(inputs, outputs)
    return Namespace(app=app, inputs=inputs, outputs=outputs, portal=app.state.portal,
                     config=app.state.portal.config)


def sign_in(site, code: str) -> tuple[TestClient, str]:
    client = TestClient(site.app)
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post("/login", data={"csrf": token, "username": code.lower(),
                                           "password": password(code)})
    assert response.status_code == 200, response.text
    return client, CSRF.search(response.text).group(1)


def demo_bytes(config, unit_code: str, template_id: str, data=None, demo_mark: bool = False) -> bytes:
    """A workbook filled with the demo figures; as a unit would send it (no «SỐ LIỆU MINH HỌA»
    mark, which the portal refuses) unless demo_mark."""
    unit = config.unit(unit_code)
    data = data or demo.data_for(template_id, config, unit_code)
    buffer = io.BytesIO()
    templates.workbook(CATALOG[template_id], unit, config, data, demo=demo_mark).save(buffer)
    return buffer.getvalue()


def broken_bytes(config, unit_code: str, template_id: str) -> tuple[bytes, str]:
    """The demo file with a word typed into a number cell; returns the bytes and "sheet!cell"."""
    data = demo.data_for(template_id, config, unit_code)
    sheet = next(s for s in CATALOG[template_id].sheets if data.get(s.key))
    field = next(f for f in sheet.fields if f.numeric)
    data[sheet.key][0][field.key] = "nhiều"
    column = get_column_letter(sheet.columns.index(field) + 1)
    return demo_bytes(config, unit_code, template_id, data), f"{sheet.name}!{column}{layout.FIRST_DATA_ROW}"


def upload(client: TestClient, token: str, *files: tuple[str, bytes]):
    return client.post("/upload", data={"csrf": token},
                       files=[("files", (name, data, "application/octet-stream")) for name, data in files])


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


def received(site) -> list[Path]:
    folder = site.inputs / store.RECEIVED
    return sorted(folder.glob("*.xlsx")) if folder.exists() else []


def stored_names(html: str) -> list[str]:
    return re.findall(r"/submissions/([^/\"]+\.xlsx)/file", html)


def first_template(site, code: str) -> str:
    return site.config.unit(code).templates[0]


def foreign_template(site, code: str) -> str:
    mine = site.config.unit(code).templates
    return next(t for u in site.config.units for t in u.templates if t not in mine)
