"""Tests that need a system program skip with a reason naming it and its Debian package (issue 25);
the README and .ci/run name the same packages."""

from pipeline.core import paths
from tests.conftest import PROGRAMS, needs


def test_a_missing_program_is_named_with_its_package(monkeypatch):
    monkeypatch.setattr("tests.conftest.found", lambda program: program != "pdfinfo")
    mark = needs("soffice", "pdfinfo")
    assert mark.args == (True,)
    assert mark.kwargs["reason"] == "thiếu chương trình pdfinfo (Debian: apt-get install poppler-utils)"
    assert needs("soffice").args == (False,)


def test_readme_and_ci_name_every_package_the_slow_tests_need():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    ci = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for package in {p for packages in PROGRAMS.values() for p in packages.split()} | {"fonts-dejavu",
                                                                                       "fonts-liberation2"}:
        assert package in readme and package in ci, package
