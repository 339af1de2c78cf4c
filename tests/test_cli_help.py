"""The terminal speaks Vietnamese: `make help` (each target's `## comment`), every `--help` of
`python -m pipeline` and its commands, and a word before the first (slow) install."""

from __future__ import annotations

import re

import pytest

from pipeline.__main__ import parser
from pipeline.core import paths

ENGLISH = re.compile(r"\b(usage|options|positional arguments|show this help|the|and|of|Run|Write|List|"
                     r"Create|Delete|Check|Measure|Open|Start|Refresh|Validate)\b")
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I)
MAKEFILE = (paths.ROOT / "Makefile").read_text(encoding="utf-8")


def test_every_make_target_is_described_in_vietnamese():
    comments = re.findall(r"(?m)^[a-zA-Z_-]+:.*?## (.*)$", MAKEFILE)
    assert len(comments) >= 10
    for comment in comments:
        assert VIETNAMESE.search(comment) and not ENGLISH.search(comment), comment


def test_first_install_says_so_before_it_starts():
    recipe = re.split(r"(?m)^\$\(STAMP\):.*$", MAKEFILE, maxsplit=1)[1].split("\n\n", 1)[0]
    first = next(line for line in recipe.splitlines() if line.strip())
    assert "Đang cài đặt" in first and "vài phút" in first


def commands():
    sub = next(a for a in parser()._actions if a.dest == "command")
    return sorted(sub.choices.items())


@pytest.mark.parametrize("name", ["soket", *(name for name, _ in commands())])
def test_every_cli_help_is_vietnamese(name):
    p = parser() if name == "soket" else dict(commands())[name]
    text = p.format_help()
    assert VIETNAMESE.search(text), text
    assert not ENGLISH.search(text), text
    assert "Cách dùng:" in text
    for action in p._actions:  # every option says what it is for
        if action.option_strings or action.dest not in ("command",):
            assert action.help, (name, action.dest)
