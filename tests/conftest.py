"""Shared fixtures: the default configuration and fresh copies of inputs and outputs."""

import os
import shutil
from pathlib import Path

import pytest

from pipeline.core import paths
from pipeline.core.config import Config, load

# The portal answers an upload at once and checks it after (web.portal.WAIT_ENV); the tests read
# each result as soon as it exists, so their pages wait for the check (a server started by a test
# inherits it). tests/test_web_load.py sets it back to 0, as in use.
os.environ.setdefault("PIPELINE_PORTAL_WAIT", "120")


@pytest.fixture(scope="session")
def config() -> Config:
    return load(paths.INPUTS / paths.CONFIG_NAME)


@pytest.fixture
def workdir(tmp_path: Path) -> tuple[Path, Path]:
    """An empty inputs/ holding only the commune's configuration, and an empty outputs/."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    outputs.mkdir()
    (inputs / paths.CONFIG_NAME).write_bytes((paths.INPUTS / paths.CONFIG_NAME).read_bytes())
    return inputs, outputs


@pytest.fixture(scope="session")
def accounts_file(tmp_path_factory, config) -> Path:
    """An accounts file with one account per unit of the default configuration (tests/web_util.py)."""
    from tests.web_util import write_accounts

    return write_accounts(tmp_path_factory.mktemp("accounts"), config)


@pytest.fixture
def site(tmp_path, accounts_file):
    """A portal on fresh inputs/outputs whose deadline is three days ahead."""
    from tests.web_util import new_site

    site = new_site(tmp_path, accounts_file)
    yield site
    site.portal.ingester.stop()  # its background thread ends with the test, not inside DuckDB at exit


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> tuple[Path, Path]:
    """One complete build on the demo set (inputs/ holds only the configuration), shared by the
    report, layout and chart tests: (inputs, outputs). Tests read it; they write elsewhere."""
    from pipeline import build

    root = tmp_path_factory.mktemp("demo_build")
    inputs, outputs = root / "inputs", root / "outputs"
    inputs.mkdir()
    shutil.copy(paths.INPUTS / paths.CONFIG_NAME, inputs)
    assert build.run(inputs, outputs) == 0
    return inputs, outputs


# The system programs the slow tests drive, and the Debian package that installs each (.ci/run, README).
PROGRAMS = {"soffice": "libreoffice-writer libreoffice-calc", "pdftotext": "poppler-utils",
            "pdfinfo": "poppler-utils", "pdftoppm": "poppler-utils", "chromium": "chromium"}
CHROMIUM = Path("/usr/bin/chromium")  # Playwright drives Debian's build (it cannot download its own here)


def found(program: str) -> bool:
    if program == "chromium":
        return CHROMIUM.exists()
    return shutil.which(program) is not None


def needs(*programs: str) -> pytest.MarkDecorator:
    """Skip the test, naming each program it needs that this machine lacks and its Debian package:
    `@needs("soffice", "pdftotext")`."""
    missing = [p for p in programs if not found(p)]
    packages = sorted({PROGRAMS[p] for p in missing})
    return pytest.mark.skipif(bool(missing), reason=f"thiếu chương trình {', '.join(missing)} "
                              f"(Debian: apt-get install {' '.join(packages)})")
