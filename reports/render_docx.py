"""A document in GB/T 9704 form as an editable DOCX: docxtpl fills reports/templates/briefing.docx
(built by reports/build_docx_template.py): paragraphs by {%p %} loops, tables of any shape by
{%tr %} / {%tc %} loops, charts as inline images. Rendered with autoescape=True: without it a
value containing & or < silently truncates the document.

The DOCX names the standard fonts (方正小标宋简体, 黑体, 仿宋_GB2312, 楷体_GB2312); the font table
lists the configured open faces among their fallbacks. Table columns are sized from their
content (reports.layout), as in the HTML and PDF.
"""

import io
from pathlib import Path

from docx.document import Document as Docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, Undefined

from reports.document import BlockKind, Document
from reports.fonts import docx_fallbacks
from reports.layout import TEXT_WIDTH_MM, column_widths_mm
from reports.render_html import boilerplate, document_title_lines

TEMPLATE = Path(__file__).resolve().parent / "templates" / "briefing.docx"


def _size_tables(document: Docx) -> None:
    """Column widths from the text, on the whole text width (the template's generic table has
    equal columns)."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if not rows or len({len(r) for r in rows}) != 1:
            continue
        widths = [Mm(w) for w in column_widths_mm(rows[0], rows[1:])]
        table.autofit = False
        grid = table._tbl.tblGrid
        for col in list(grid):
            grid.remove(col)
        for width in widths:
            col = OxmlElement("w:gridCol")
            col.set(qn("w:w"), str(width.twips))
            grid.append(col)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width


def _name_fallbacks(document: Docx) -> None:
    """The font table's w:altName of each standard font, the configured open face included."""
    from docx.oxml import parse_xml
    from lxml import etree

    part = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")
    )
    root = parse_xml(part.blob)
    fallbacks = docx_fallbacks()
    for font in root.iter(qn("w:font")):
        alternatives = fallbacks.get(font.get(qn("w:name")))
        alt = font.find(qn("w:altName"))
        if alternatives and alt is not None:
            alt.set(qn("w:val"), alternatives)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def render_docx(
    doc: Document, charts: dict[str, bytes], *, undefined: type[Undefined] = StrictUndefined
) -> bytes:
    """DOCX bytes of the document (a value the template names but doc lacks is an error)."""
    tpl = DocxTemplate(TEMPLATE)
    images = {
        name: InlineImage(tpl, io.BytesIO(png), width=Mm(TEXT_WIDTH_MM - 6))
        for name, png in charts.items()
    }
    context = {
        "BlockKind": BlockKind,
        "doc": doc,
        "images": images,
        "title_lines": document_title_lines(doc),
        "boilerplate": boilerplate(doc, undefined=undefined),
    }
    tpl.render(context, Environment(undefined=undefined), autoescape=True)
    _size_tables(tpl.docx)
    _name_fallbacks(tpl.docx)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
