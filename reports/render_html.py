"""A document in GB/T 9704 form (the briefing, the annual summary) as one self-contained HTML
page (charts inline), from Jinja2 templates in reports/templates: briefing.html extends
base.html, blocks come from _blocks.html, the style from style.css (readable on a phone too);
the editable paragraphs of the briefing's 下一季度工作安排 from config/documents/next_quarter.txt.
"""

import base64
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined, select_autoescape

from config.settings import get_settings
from reports.document import BlockKind, Document
from reports.fonts import css_stacks
from reports.layout import cell_class, column_percents, title_lines

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=8)
def _environment(undefined: type[Undefined], documents: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(TEMPLATES), documents]),
        undefined=undefined,
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(column_percents=column_percents, cell_class=cell_class, BlockKind=BlockKind)
    return env


def environment(undefined: type[Undefined] = StrictUndefined) -> Environment:
    """The templates' environment: HTML autoescaped, missing values an error by default; it
    also finds the editable texts of config/documents/."""
    documents = str(Path(get_settings().config_dir) / "documents")
    # A class is hashable; mypy does not see it for type[Undefined] (python/mypy#11470).
    return _environment(undefined, documents)  # type: ignore[arg-type]


def boilerplate(doc: Document, *, undefined: type[Undefined] = StrictUndefined) -> list[str]:
    """The editable paragraphs of the briefing's 八、下一季度工作安排
    (config/documents/next_quarter.txt); none for a document without such a section."""
    if not any(section.get("boilerplate") for section in doc["sections"]):
        return []
    text = (
        environment(undefined)
        .get_template("next_quarter.txt")
        .render(
            doc=doc,
            next_label=doc["next_label"],
            red_names=doc["red_names"],
            black_names=doc["black_names"],
        )
    )
    return [line.strip() for line in text.splitlines() if line.strip()]


def document_title_lines(doc: Document) -> list[str]:
    """The title's lines, broken between the phrases its template marks."""
    return title_lines(doc.get("title_phrases") or [doc["title"]])


def render_html(
    doc: Document,
    charts: dict[str, bytes],
    *,
    pdf: bool = False,
    undefined: type[Undefined] = StrictUndefined,
) -> str:
    """The document's page; pdf=True gives the variant WeasyPrint renders."""
    inline = {name: base64.b64encode(png).decode("ascii") for name, png in charts.items()}
    return (
        environment(undefined)
        .get_template("briefing.html")
        .render(
            doc=doc,
            charts=inline,
            pdf=pdf,
            title_lines=document_title_lines(doc),
            boilerplate=boilerplate(doc, undefined=undefined),
            fonts=css_stacks(pdf=pdf),
        )
    )
