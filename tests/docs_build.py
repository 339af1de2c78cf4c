"""`make docs`: the user guide (docs/, MkDocs with Material) as a site and as a printable PDF.

    python -m tests.docs_build            # docs/ → outputs/docs/site/ and outputs/docs/huong_dan_su_dung.pdf

In one run: the generated blocks of the pages are refreshed from the catalog (pipeline.docs), the
pictures are taken from the real portal and outputs (tests/screenshots.py, into docs/anh/), the site
is built in strict mode (any warning fails the build), and the print page of the site
(mkdocs-print-site-plugin) is printed to PDF by Debian's Chromium through Playwright. No network is
used: the theme's fonts are off (mkdocs.yml) and every file is local.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from pipeline import docs
from pipeline.core import paths
from tests import screenshots
from tests.conftest import CHROMIUM

OUT = paths.OUTPUTS / "docs"
PDF_NAME = "huong_dan_su_dung.pdf"


def site(root: Path, out: Path) -> Path:
    """mkdocs build --strict of root/mkdocs.yml into out/site; fails on any warning."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-q",
                          "-f", str(root / "mkdocs.yml"), "-d", str(out / "site")],
                         capture_output=True, text=True, env=env, timeout=600)
    said = (run.stdout + run.stderr).strip()
    if run.returncode != 0 or "WARNING" in said:
        raise SystemExit(f"Dựng trang hướng dẫn không thành công (mkdocs build --strict):\n{said}")
    return out / "site"


def pdf(folder: Path, target: Path) -> Path:
    """The site's print page (every page in order, with a cover and contents) printed to A4 PDF."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=screenshots.ARGS)
        try:
            page = browser.new_page()
            page.goto((folder / "print_page.html").as_uri(), wait_until="networkidle")
            page.pdf(path=str(target), format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()
    return target


def main(root: Path = paths.ROOT, out: Path = OUT) -> int:
    docs.main(root / "docs")
    screenshots.main(root / "docs" / "anh")
    out.mkdir(parents=True, exist_ok=True)
    target = pdf(site(root, out), out / PDF_NAME)
    print(f"Hướng dẫn sử dụng: {out / 'site' / 'index.html'} (trang web), {target} (bản in).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
