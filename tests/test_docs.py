"""The user guide's generated blocks (docs/: templates, accepted values, placeholders, rates,
tables) match the code; every instruction naming a value a template accepts comes from the catalog."""

import re

import pytest

from pipeline import docs
from pipeline.outputs import report
from pipeline.topics import CATALOG


def pages() -> dict[str, str]:
    return {page: (docs.DOCS / page).read_text(encoding="utf-8") for page in docs.PAGES}


def test_guide_blocks_are_current():
    for page, text in pages().items():
        assert docs.render(text, docs.PAGES[page], page) == text, f"docs/{page} is stale: run `make docs`"


def test_every_block_has_one_page():
    placed = [name for names in docs.PAGES.values() for name in names]
    assert sorted(placed) == sorted(docs.BLOCKS)


def test_guide_lists_every_template_and_placeholder():
    text = docs.block("templates")
    for template in CATALOG.values():
        assert f"`{template.id}`, phiên bản {template.version}" in text
    placeholders = docs.block("placeholders")
    for name in report.placeholders():
        assert f"`{{{{ {name} }}}}`" in placeholders


def test_every_accepted_value_is_listed_from_the_catalog():
    """Issue 25: the guide once said kiến nghị levels «Trung ương, Thành phố, Xã» while the template
    accepts others; the accepted values of every list cell are now generated."""
    text = docs.block("choices")
    for template in CATALOG.values():
        for sheet in template.sheets:
            for field in sheet.fields:
                if field.choices:
                    line = next(ln for ln in text.splitlines()
                                if ln.startswith(f"- {template.title}, trang «{sheet.name}», cột «{field.label}»:"))
                    assert all(f"«{c}»" in line for c in field.choices), (template.id, field.key)
    danh_gia = next(f for s in CATALOG["danh_gia"].sheets for f in s.fields if f.key == "cap")
    hand_written = "".join(p.read_text(encoding="utf-8") for p in [*docs.DOCS.glob("*.md"), docs.paths.ROOT / "README.md"])
    hand_written = re.sub(r"<!-- (\w+):start -->.*?<!-- \1:end -->", "", hand_written, flags=re.S)
    assert ", ".join(danh_gia.choices) not in hand_written and "Trung ương, Thành phố, Xã" not in hand_written


def test_render_replaces_only_the_blocks_and_names_a_missing_one(tmp_path):
    names = list(docs.BLOCKS)
    text = "before\n" + "".join(f"<!-- {n}:start -->\nSTALE-CONTENT\n<!-- {n}:end -->\nmiddle\n" for n in names)
    rendered = docs.render(text)
    assert rendered.startswith("before\n") and "STALE-CONTENT" not in rendered and rendered.count("middle\n") == len(names)
    assert docs.render(rendered) == rendered
    for page, blocks in docs.PAGES.items():
        (tmp_path / page).write_text("".join(f"<!-- {n}:start -->\nSTALE-CONTENT\n<!-- {n}:end -->\n" for n in blocks),
                                     encoding="utf-8")
    assert docs.main(tmp_path) == 0
    for page, blocks in docs.PAGES.items():
        written = (tmp_path / page).read_text(encoding="utf-8")
        assert "STALE-CONTENT" not in written and docs.render(written, blocks, page) == written
    with pytest.raises(ValueError, match="bao-cao.md: thiếu khối <!-- placeholders:start"):
        docs.render(text.replace("<!-- placeholders:start -->", ""), page="bao-cao.md")


def test_every_value_the_guide_asks_to_choose_is_accepted_by_a_template():
    """A hand-written «chọn «…»» names a value a list cell of the catalog accepts (the full lists are
    generated: docs/bieu-mau.md, «Giá trị trong các ô danh sách»)."""
    accepted = {c for t in CATALOG.values() for s in t.sheets for f in s.fields for c in f.choices}
    asked = []
    for path in docs.DOCS.glob("*.md"):
        text = re.sub(r"<!-- (\w+):start -->.*?<!-- \1:end -->", "", path.read_text(encoding="utf-8"), flags=re.S)
        asked += [(path.name, value) for value in re.findall(r"chọn «([^»]+)»", text)]
    assert asked and all(value in accepted for _, value in asked), [a for a in asked if a[1] not in accepted]


def test_readme_is_short_and_names_the_two_commands():
    readme = (docs.paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    assert "make all" in readme and "make test" in readme
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (docs.paths.ROOT / target).exists(), target
