"""The report's sections II.1 … II.8 from the topics, then II.9 and III; what contributing topics
add to any of them (the units' assessments) follows its figures, and a section left with nothing is
a marked gap for the writer.

A topic with a report section has, in `pipeline/topics/<id>/`:
- `section.py`: HEADING (as printed), PLACEHOLDERS (name → meaning, for the README and the commune's
  own Word template; or `placeholders(env)` when the names derive from declarations) and
  `values(results, env) -> kit.Figures` (the named values, the tables and charts it shows);
- `section.vi.j2`: the section's Vietnamese text, a Jinja2 text template over those values.
The section's key ("II.4") is its template's `section`.

Text convention (README «Lời văn của báo cáo»): paragraphs are separated by a blank line; the lines
of one paragraph are joined with a space, so a long sentence may be wrapped; a line starting with
"- " is a paragraph of its own (a list item); a paragraph left empty (e.g. by an `{% if %}` that
does not apply) is dropped. Rendered with autoescape off and StrictUndefined: a name the section
does not provide is a Vietnamese error naming the file and the name, never a blank.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import jinja2
from jinja2 import meta

from pipeline.core import kit, vn, words
from pipeline.intake import export_06a
from pipeline.outputs import rates
from pipeline.outputs.annex import number as annex_number
from pipeline.outputs.indicators import NOT_APPLICABLE, Results
from pipeline.outputs.report import city as city_text
from pipeline.outputs.report.fill import TemplateError
from pipeline.topics import TOPICS, Topic

TEXT_NAME = "section.vi.j2"
JINJA = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, trim_blocks=True,
                           lstrip_blocks=True, keep_trailing_newline=True)
_UNDEFINED = re.compile(r"'(\w+)' is undefined|has no attribute '(\w+)'")


@dataclass
class Content:
    """What a block placeholder becomes, and the inline values the section provides."""

    paragraphs: list[str] = field(default_factory=list)
    tables: list[kit.TableBlock] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # (chart name, caption)
    values: dict[str, str] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)  # marked text the writer must replace before signing
    # Blocks (kind, text) printed after the section's figures (tables and charts): what other topics
    # contribute to the section (e.g. the units' own assessments); kind is one of BLOCK_KINDS.
    after: list[tuple[str, str]] = field(default_factory=list)


BLOCK_KINDS = ("heading", "paragraph", "bullet", "gap")


@dataclass(frozen=True)
class Section:
    key: str  # "II.4"
    heading: str  # as printed in the default template
    topic: Topic | None = None  # None: no figures, a marked gap for the writer (II.9, III)

    @property
    def block(self) -> str:
        return "muc_" + self.key.replace(".", "_")

    @property
    def module(self):
        return self.topic.module("section") if self.topic else None

    @property
    def placeholders(self) -> dict[str, str]:
        """Inline values: name → meaning."""
        mod = self.module
        if mod is None:
            return {}
        return dict(mod.PLACEHOLDERS) if hasattr(mod, "PLACEHOLDERS") else mod.placeholders(_env(self.topic))


def _env(topic: Topic, results: Results | None = None) -> SimpleNamespace:
    """What a section gets besides the results: its template module, the TTHC rate declarations,
    the annex numbering and the not-applicable mark."""
    return SimpleNamespace(template=topic.module("template"), rates=rates, not_applicable=NOT_APPLICABLE,
                           annex_ref=(lambda name: annex_ref(results, name)) if results else None)


def annex_ref(results: Results, name: str) -> str:
    """«Phụ lục số 03» of a result table, numbered as in the annex workbook."""
    return f"Phụ lục số {annex_number(list(results.tables).index(name) + 1)}"


def _provides(topic: Topic, name: str) -> bool:
    module = topic.module("section")
    return module is not None and hasattr(module, name)


def _sections() -> tuple[Section, ...]:
    out = [Section(t.template.section, t.module("section").HEADING, t) for t in TOPICS if _provides(t, "values")]
    return (*out, *(Section(key, heading) for key, heading in words.SECTIONS_WITHOUT_FIGURES.items()))


SECTIONS: tuple[Section, ...] = _sections()
# Topics that write into other topics' sections (and II.9, III): their section.py has
# `contributions(results) -> {section key: [(kind, text), …]}` instead of a text of its own.
CONTRIBUTORS: tuple[Topic, ...] = tuple(t for t in TOPICS if _provides(t, "contributions"))


def contributed(results: Results) -> dict[str, list[tuple[str, str]]]:
    """Section key → the blocks every contributing topic adds to it, in registry order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for topic in CONTRIBUTORS:
        if not results.config.owners(topic.id):  # no unit asked for it: nothing to compile
            continue
        found = topic.module("section").contributions(results)
        if city_text.too_many(results):  # a province's hundreds of communes: their texts in the annex workbook
            found = city_text.referred(results, topic.id, found, lambda name: annex_ref(results, name))
        for key, blocks in found.items():
            out.setdefault(key, []).extend(blocks)
    return out


def paragraphs(text: str) -> list[str]:
    """Split a rendered text by the convention above."""
    out: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        current: list[str] = []
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("- ") and current:
                out.append(" ".join(current))
                current = []
            if line:
                current.append(line)
        if current:
            out.append(" ".join(current))
    return [p for p in out if p]


def text_path(topic: Topic, texts_dir: Path | None = None) -> Path:
    """The section's text: texts_dir/<topic id>/section.vi.j2 when given and present, else the topic's."""
    own = Path(texts_dir) / topic.id / TEXT_NAME if texts_dir else None
    return own if own and own.exists() else topic.folder / TEXT_NAME


def render_text(path: Path, context: dict, key: str) -> list[str]:
    """The section's paragraphs; a TemplateError naming the file and the name when the text is wrong."""
    where = f"Lời văn mục {key} (tệp {path})"
    source = path.read_text(encoding="utf-8")
    try:
        unknown = sorted(meta.find_undeclared_variables(JINJA.parse(source)) - set(context))
        if unknown:
            raise TemplateError(_unknown(where, unknown[0], context))
        return paragraphs(JINJA.from_string(source).render(context))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{where}, dòng {exc.lineno}: viết sai cú pháp ({exc.message}). Kiểm tra các dấu "
                            "{{ }}, {% %} và các cặp {% if %} … {% endif %}, {% for %} … {% endfor %}.") from None
    except jinja2.UndefinedError as exc:
        m = _UNDEFINED.search(exc.message or "")
        raise TemplateError(_unknown(where, (m.group(1) or m.group(2)) if m else str(exc.message), context)) from None
    except (jinja2.TemplateError, TypeError, ValueError) as exc:  # e.g. a filter given the wrong kind of value
        raise TemplateError(f"{where}: không viết được lời văn ({exc}). Sửa lại đoạn vừa thay đổi "
                            "hoặc lấy lại tệp gốc.") from None


def _unknown(where: str, name: str, context: dict) -> str:
    close = difflib.get_close_matches(name, list(context), n=3, cutoff=0.5)
    hint = f" Có phải là: {', '.join(close)}?" if close else ""
    return (f"{where}: tên «{{{{ {name} }}}}» không có trong số liệu của mục.{hint} Các tên dùng được: xem "
            "bảng «Trường trong mẫu báo cáo» và phần «Lời văn của báo cáo» của hướng dẫn sử dụng (docs/bao-cao.md).")


def gap_text(results: Results) -> str:
    """The marked gap a section without data gets: the writer (the standing unit) fills it in."""
    return f"[Nội dung do {results.config.unit(results.config.standing_unit).name} bổ sung]"


def unfinished(results: Results, extra: dict[str, list[tuple[str, str]]] | None = None) -> list[str]:
    """The sections where the report leaves a marked gap for the writer, as «II.9. Nhiệm vụ …»: a
    section with no figures and nothing contributed, or a contribution still to be sent."""
    extra = contributed(results) if extra is None else extra
    return [f"{s.key}. {s.heading.split('. ', 1)[-1]}" for s in SECTIONS
            if (s.topic is None and not extra.get(s.key)) or any(k == "gap" for k, _ in extra.get(s.key, ()))]


def content(section: Section, results: Results, general: dict[str, str], texts_dir: Path | None = None,
            extra: dict[str, list[tuple[str, str]]] | None = None) -> Content:
    """A section's paragraphs, tables, charts and inline values (general: the report's general values),
    then what other topics contribute to it (extra: `contributed(results)`, computed when not given)."""
    after = (contributed(results) if extra is None else extra).get(section.key, [])
    if section.topic is None:
        lead = results.config.leader(section.key)
        text = [f"Lãnh đạo chỉ đạo: Đ/c {lead.name} – {lead.title}."] if lead else []
        return Content(text, gaps=[] if after else [gap_text(results)], after=list(after))
    figures = section.module.values(results, _env(section.topic, results))
    who = city_text.subject(results)  # the commune's kind, or at city level the city's communes
    context = general | {"don_vi": who, "Don_vi": who[:1].upper() + who[1:], "gap": vn.GAP} | figures.values
    text = render_text(text_path(section.topic, texts_dir), context, section.key)
    inline = {k: v for k, v in figures.values.items() if k in section.placeholders}
    if exported := [s["part"] for s in results.sources if s.get("part") and s["template_id"] == section.topic.id]:
        text = [export_06a.report_sentence(exported), *text]  # figures from the TTHC system's export
    if getattr(results, "city", None) is None:
        return Content(text, figures.tables, figures.charts, inline, after=list(after))
    first, last, tables, charts = city_text.additions(results, section.topic.id, section.key,
                                                         lambda name: annex_ref(results, name))
    return Content([*first, *text, *last], [*figures.tables, *tables], [*figures.charts, *charts], inline,
                   after=list(after))
