"""The briefing as an editable DOCX: docxtpl fills reports/templates/briefing.docx (built by
reports/build_docx_template.py): paragraphs by {%p %} loops, tables of any shape by {%tr %} /
{%tc %} loops, charts as inline images. Rendered with autoescape=True: without it a value
containing & or < silently truncates the document.
"""

import io
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, Undefined

from reports.render_html import boilerplate, column_widths

TEMPLATE = Path(__file__).resolve().parent / "templates" / "briefing.docx"
TEXT_WIDTH_MM = 156  # A4 minus the 28 mm and 26 mm side margins


def _size_tables(document) -> None:
    """Column widths from the text (as in the HTML version), on the whole text width: the
    template's generic table has equal columns."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if not rows or len({len(r) for r in rows}) != 1:
            continue
        widths = [
            Mm(TEXT_WIDTH_MM * w / 100)
            for w in column_widths({"headers": rows[0], "rows": rows[1:]})
        ]
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


def render_docx(
    doc: dict, charts: dict[str, bytes], *, undefined: type[Undefined] = StrictUndefined
) -> bytes:
    """DOCX bytes of the briefing (a value the template names but doc lacks is an error)."""
    tpl = DocxTemplate(TEMPLATE)
    images = {
        name: InlineImage(tpl, io.BytesIO(png), width=Mm(TEXT_WIDTH_MM - 6))
        for name, png in charts.items()
    }
    context = {"doc": doc, "images": images, "boilerplate": boilerplate(doc, undefined=undefined)}
    tpl.render(context, Environment(undefined=undefined), autoescape=True)
    _size_tables(tpl.docx)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
