"""requirements.lock (issue 25): every requirement of pyproject.toml pinned at a version that
satisfies it, every pin with hashes, and no pin that nothing requires any more. Update the lock
with `make lock` (docs/developers.md)."""

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from pipeline import bundle
from pipeline.core import paths

PYPROJECT = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
FIX = "Hãy chạy `make lock` (docs/developers.md) và commit requirements.lock."


def requirements(project: dict = PYPROJECT) -> list[Requirement]:
    """What the lock is made from: the dependencies, the dev extra and the build backend."""
    texts = [*project["project"]["dependencies"], *project["project"]["optional-dependencies"]["dev"],
             *project["build-system"]["requires"]]
    return [Requirement(text) for text in texts]


def disagreements(pins: list[bundle.Pin], wanted: list[Requirement]) -> list[str]:
    """Every way the lock and pyproject.toml disagree, in words."""
    found = []
    by_name: dict[str, list[bundle.Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
        if not pin.hashes:
            found.append(f"{pin.name}=={pin.version} has no hash")
    for req in wanted:
        name = canonicalize_name(req.name)
        if name not in by_name:
            found.append(f"{req} is not in the lock")
        for pin in by_name.get(name, []):
            if not req.specifier.contains(Version(pin.version), prereleases=True):
                found.append(f"{req} is not satisfied by the pinned {pin.name}=={pin.version}")
    alive = {canonicalize_name(r.name) for r in wanted}
    grew = True
    while grew:  # a pin lives when pyproject asks for it or a living pin requires it (uv's «# via»)
        grew = False
        for pin in pins:
            if pin.name not in alive and any(canonicalize_name(v.split(" ")[0]) in alive for v in pin.via
                                             if not v.endswith("(pyproject.toml)")):
                alive.add(pin.name)
                grew = True
    found += [f"{p.name}=={p.version} is pinned but nothing requires it" for p in pins if p.name not in alive]
    return found


def test_the_lock_agrees_with_pyproject():
    problems = disagreements(bundle.read_lock(), requirements())
    assert not problems, "\n".join([*problems, FIX])


def test_a_disagreement_is_found():
    """The check itself: a requirement raised past its pin, one removed, one added."""
    pins = bundle.read_lock()
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = project["project"]["dependencies"]
    deps[deps.index(next(d for d in deps if d.startswith("duckdb")))] = "duckdb>=99"
    deps.remove(next(d for d in deps if d.startswith("openpyxl")))
    deps.append("weasyprint>=60")
    problems = "\n".join(disagreements(pins, requirements(project)))
    assert "duckdb>=99 is not satisfied by the pinned duckdb==" in problems
    assert "openpyxl==" in problems and "nothing requires it" in problems
    assert "et-xmlfile==" in problems  # openpyxl's own dependency goes with it
    assert "weasyprint>=60 is not in the lock" in problems


def test_the_lock_serves_windows_and_linux():
    """Made with --universal: one lock for every machine, the platform's own pins by marker."""
    pins = bundle.read_lock()
    windows = {p.name for p in bundle.pins_for(pins, bundle.WINDOWS, "3.12")}
    linux = {p.name for p in bundle.pins_for(pins, bundle.LINUX, "3.12")}
    assert "pexpect" in linux - windows  # IPython's terminal control, POSIX only (mkdocs-material needs colorama everywhere)
    for python in bundle.WINDOWS_PYTHONS:  # one version of each library per machine
        names = [p.name for p in bundle.pins_for(pins, bundle.WINDOWS, python)]
        assert len(names) == len(set(names)), python


def test_make_installs_from_the_lock():
    """`make all`/`make install` install the lock's hashes, then the project without resolving."""
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install -q --require-hashes -r $(LOCK)" in makefile
    assert "pip install -q --no-deps --no-build-isolation -e ." in makefile
    assert "$(STAMP): pyproject.toml $(LOCK)" in makefile
