"""The package's layout holds: imports run one way, from the stages down to the shared core, never
back up, and no module imports itself round a circle. Read from the code (ast), so a new import
that breaks the layout fails here before anyone has to find it."""

from __future__ import annotations

import ast

import pytest

from pipeline import topics
from pipeline.core import paths

# Bottom to top: a module may import its own layer and the layers below it.
LAYERS = ("core", "topics", "intake", "checks", "store", "outputs", "web", "")  # "": the top-level commands


def _module(path) -> str:
    rel = path.relative_to(paths.PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path) -> set[str]:
    """Modules of the package that a file imports, at any depth, except under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
            and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
            for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pipeline")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            for a in node.names:  # "from pipeline.core import vn" imports the module pipeline.core.vn
                sub = f"{node.module}.{a.name}"
                found.add(sub if sub in GRAPH_MODULES else node.module)
    return found


FILES = {_module(p): p for p in paths.PACKAGE.rglob("*.py")}
GRAPH_MODULES = set(FILES)
GRAPH = {m: {i for i in _imports(p) if i != m} for m, p in FILES.items()}


def layer(module: str) -> int:
    parts = module.split(".")
    name = parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else ""
    return LAYERS.index(name if name in LAYERS else "")


def test_no_import_runs_from_a_lower_stage_up_to_a_higher_one():
    up = sorted(f"{m} → {i}" for m, deps in GRAPH.items() for i in deps
                if i in GRAPH and layer(i) > layer(m) and i != "pipeline")
    assert not up, "imports that run back up the layers:\n" + "\n".join(up)


def test_a_topic_imports_only_the_shared_core():
    wrong = sorted(f"{m} → {i}" for m, deps in GRAPH.items() if m.startswith("pipeline.topics.")
                   for i in deps if i in GRAPH and not i.startswith("pipeline.core")
                   and not i.startswith(".".join(m.split(".")[:3]) + "."))  # its own folder is fine
    assert not wrong, "a topic reaches into a stage or another topic:\n" + "\n".join(wrong)


def test_no_module_imports_itself_round_a_circle():
    import graphlib

    sorter = graphlib.TopologicalSorter({m: {i for i in deps if i in GRAPH} for m, deps in GRAPH.items()})
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        pytest.fail("a circle of imports: " + " → ".join(exc.args[1]))


def test_the_registry_lists_every_topic_folder_once():
    assert list(topics.ORDER) == list(dict.fromkeys(topics.ORDER))
    assert sorted(topics.ORDER) == paths.topic_ids()


def test_the_checker_sees_a_bad_import():
    """The graph is read, not assumed: the intake reading the report would be caught."""
    assert layer("pipeline.intake.read") < layer("pipeline.outputs.report")
    assert "pipeline.core.vn" in GRAPH["pipeline.intake.read"]
