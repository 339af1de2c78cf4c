"""The README's generated blocks (templates, placeholders, tables) match the code."""

import pytest

from pipeline import docs
from pipeline.outputs import report
from pipeline.topics import CATALOG


def test_readme_blocks_are_current():
    text = docs.README.read_text(encoding="utf-8")
    assert docs.render(text) == text, "README.md is stale: run `make docs` (python -m pipeline.docs)"


def test_readme_lists_every_template_and_placeholder():
    text = docs.README.read_text(encoding="utf-8")
    for template in CATALOG.values():
        assert f"`{template.id}`, phiên bản {template.version}" in text
    for name in report.placeholders():
        assert f"`{{{{ {name} }}}}`" in text


def test_render_replaces_only_the_blocks_and_names_a_missing_one(tmp_path):
    names = list(docs.BLOCKS)
    text = "before\n" + "".join(f"<!-- {n}:start -->\nSTALE-CONTENT\n<!-- {n}:end -->\nmiddle\n" for n in names)
    rendered = docs.render(text)
    assert rendered.startswith("before\n") and "STALE-CONTENT" not in rendered and rendered.count("middle\n") == len(names)
    assert docs.render(rendered) == rendered
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    assert docs.main(path) == 0 and path.read_text(encoding="utf-8") == rendered
    with pytest.raises(ValueError, match="placeholders:start"):
        docs.render(text.replace("<!-- placeholders:start -->", ""))
