"""`make docs` (issue 25): on a copy of docs/, the pictures are taken from the real portal and
outputs in the same run, the site builds in strict mode (a warning fails it) and the PDF prints;
the README stays short and names the two commands."""

import shutil
import subprocess

import pytest

from pipeline.core import paths
from tests.conftest import needs

pytestmark = [pytest.mark.slow, needs("chromium", "soffice", "pdftoppm", "pdftotext")]
PICTURES = {"dang_nhap", "trang_don_vi", "ket_qua_co_loi", "thu_truong_xac_nhan", "tinh_hinh_nop", "cai_dat",
            "lan_dau", "bao_cao", "phu_luc"}


def test_make_docs_builds_the_site_and_the_pdf_with_fresh_pictures(tmp_path):
    from tests import docs_build

    root, out = tmp_path / "du_an", tmp_path / "ket_qua"
    root.mkdir()
    shutil.copy(paths.ROOT / "mkdocs.yml", root)
    shutil.copytree(paths.ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("anh"))
    assert docs_build.main(root, out) == 0  # raises on any warning of mkdocs build --strict

    assert {p.stem for p in (root / "docs" / "anh").glob("*.png")} >= PICTURES  # taken in this run
    site = out / "site"
    for page in (root / "docs").glob("*.md"):
        assert (site / page.with_suffix(".html").name).exists(), page.name
    html = "".join(p.read_text(encoding="utf-8") for p in site.glob("*.html"))
    assert all(f"anh/{name}.png" in html for name in PICTURES)
    assert "fonts.googleapis.com" not in html  # read and built without Internet

    pdf = out / docs_build.PDF_NAME
    pages = int(next(ln.split()[-1] for ln in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                              check=True).stdout.splitlines() if ln.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert pages > 20
    contents = text.split("Mục lục", 1)[1][:2000]  # the printed table of contents is filled
    assert "Thủ trưởng đơn vị xác nhận" in contents and "Danh mục biểu mẫu" in contents
    assert "Trang 2" in text and "Page 2" not in text
    assert "Giá trị trong các ô danh sách" in text and "For developers" in text

    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")  # the README points to this guide
    assert len(readme.splitlines()) < 200 and "make all" in readme and "make test" in readme

