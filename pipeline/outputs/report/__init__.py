"""The Word report (.docx): a template with placeholders, filled from the indicators.

Placeholder syntax: ``{{ name }}`` (spaces inside the braces optional; name = letters, digits,
underscore). Text placeholders are replaced inside their paragraph; block placeholders
(``{{ muc_II_4 }}``, ``{{ phu_luc }}``) stand alone in their paragraph, which is replaced by
paragraphs, tables and charts. An unknown placeholder is an error naming it and the closest valid
names; no placeholder survives into the output; the template file is only read.

The engine knows no topic. Modules:
- `fill`: find, check and replace placeholders in a Word document;
- `sections`: the sections from the topics' `section.py` + `section.vi.j2` (prose as Jinja2
  text), then II.9 and III (a marked gap for the writer);
- `names`: the general values and every valid placeholder (the README table);
- `word`: `render` (the whole report, the annex in landscape);
- `default`: the default template (`write_default_template`);
- `docx_layout`: Word layout helpers (Nghị định 30/2020/NĐ-CP).
"""

from pipeline.core import paths
from pipeline.outputs.report.default import DEFAULT_TEMPLATE, write_default_template
from pipeline.outputs.report.fill import TemplateError
from pipeline.outputs.report.names import (
    ANNEX_BLOCK,
    GENERAL,
    blocks,
    general_values,
    placeholders,
    readme_table,
)
from pipeline.outputs.report.sections import (
    SECTIONS,
    Content,
    Section,
    annex_ref,
    content,
    gap_text,
    paragraphs,
    text_path,
    unfinished,
)
from pipeline.outputs.report.word import COMMUNE_TEMPLATE, attached, check, render, template_path

FILE_NAME = paths.REPORT


def section_content(topic_id: str, results, built=None, texts_dir=None) -> Content:
    """The content of one topic's section (paragraphs, tables, charts, inline values)."""
    from datetime import date

    section = next(s for s in SECTIONS if s.topic and s.topic.id == topic_id)
    return content(section, results, general_values(results, built or date.today()), texts_dir)


def explain(con, config, name: str):
    """provenance.explain for any name, a report placeholder answered with its text as this engine
    prints it (the command `explain` and the portal's page alike)."""
    from pipeline.outputs import indicators, provenance

    printed = {}
    if name in placeholders():
        results = indicators.compute(con, config)
        for s in SECTIONS:
            if s.topic is not None and name in s.placeholders:
                printed = {name: (section_content(s.topic.id, results).values.get(name, ""), s.topic.id)}
    return provenance.explain(con, config, name, printed)


__all__ = ["ANNEX_BLOCK", "COMMUNE_TEMPLATE", "Content", "DEFAULT_TEMPLATE", "FILE_NAME", "GENERAL", "SECTIONS",
           "Section", "TemplateError", "annex_ref", "attached", "blocks", "check", "content", "explain", "gap_text",
           "general_values", "paragraphs", "placeholders", "readme_table", "render", "section_content", "template_path", "text_path",
           "unfinished", "write_default_template"]
