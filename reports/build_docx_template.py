"""Build reports/templates/briefing.docx, the docxtpl template of a document in GB/T 9704 form
(the briefing, the monthly report, the annual summary).

Run `.venv/bin/python reports/build_docx_template.py` after changing this file; the .docx is
committed so an office can also edit it in Word or WPS directly (keep the {{ }} / {%p %} tags).

Page: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm. Title 2号 (22 pt)
方正小标宋简体; body 3号 (16 pt) 仿宋_GB2312 on fixed 28 pt lines, first-line indent two
characters; level-1 headings 黑体, level-2 楷体_GB2312; tables 五号 仿宋; page numbers
4号 宋体 "— 1 —", odd pages right and even pages left. Each Chinese font names fallbacks
(w:altName in the font table: 仿宋_GB2312 → 仿宋 → FangSong …) for machines without it; the
renderer adds the configured open face ([fonts] in policy.toml) to each list. The title is one
paragraph per line (broken between phrases by reports.layout); captions keep with their table.
"""

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as Docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.styles import CT_Style
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

OUT = Path(__file__).resolve().parent / "templates" / "briefing.docx"
LATIN = "Times New Roman"
FONTS = {  # Chinese font → fallbacks named in the font table
    "方正小标宋简体": "华文中宋,宋体,SimSun",
    "黑体": "SimHei,Heiti SC",
    "楷体_GB2312": "楷体,KaiTi,STKaiti",
    "仿宋_GB2312": "仿宋,FangSong,STFangsong",
    "宋体": "SimSun,Songti SC",
}
# name: (Chinese font, size pt, alignment, first-line indent, line spacing pt or None, bold)
StyleSpec = tuple[str, float, WD_ALIGN_PARAGRAPH, bool, int | None, bool]
STYLES: dict[str, StyleSpec] = {
    "Normal": ("仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.JUSTIFY, True, 28, False),
    "Briefing Title": ("方正小标宋简体", 22, WD_ALIGN_PARAGRAPH.CENTER, False, 36, False),
    "Briefing Issuer": ("楷体_GB2312", 16, WD_ALIGN_PARAGRAPH.CENTER, False, 28, False),
    "Heading 1": ("黑体", 16, WD_ALIGN_PARAGRAPH.JUSTIFY, True, 28, False),
    "Heading 2": ("楷体_GB2312", 16, WD_ALIGN_PARAGRAPH.JUSTIFY, True, 28, False),
    "Briefing Plain": ("仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.LEFT, False, 28, False),
    "Briefing Signature": ("仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.RIGHT, False, 28, False),
    "Briefing Caption": ("黑体", 12, WD_ALIGN_PARAGRAPH.CENTER, False, 20, False),
    "Briefing Figure": ("仿宋_GB2312", 10.5, WD_ALIGN_PARAGRAPH.CENTER, False, None, False),
    "Briefing Table Text": ("仿宋_GB2312", 10.5, WD_ALIGN_PARAGRAPH.CENTER, False, None, False),
    "Briefing Table Head": ("黑体", 10.5, WD_ALIGN_PARAGRAPH.CENTER, False, None, False),
    "Briefing Note": ("仿宋_GB2312", 10.5, WD_ALIGN_PARAGRAPH.LEFT, False, None, False),
    "Briefing Page Number": ("宋体", 14, WD_ALIGN_PARAGRAPH.RIGHT, False, None, False),
}
BODY = [  # (style, text) — docxtpl tags; {%p %} paragraphs disappear when rendered
    ("Normal", "{%p for line in title_lines %}"),
    ("Briefing Title", "{{ line }}"),
    ("Normal", "{%p endfor %}"),
    ("Briefing Plain", ""),
    ("Briefing Issuer", "{{ doc.issuer }}"),
    ("Briefing Issuer", "（{{ doc.date }}）"),
    ("Briefing Plain", ""),
    ("Normal", "{%p if doc.salutation %}"),
    ("Briefing Plain", "{{ doc.salutation }}"),
    ("Normal", "{%p endif %}"),
    ("Normal", "{{ doc.lead }}"),
    ("Normal", "{%p for section in doc.sections %}"),
    ("Heading 1", "{{ section.heading }}"),
    ("Normal", "{%p for b in section.blocks %}"),
    ("Normal", "{%p if b.kind == BlockKind.PARAGRAPH %}"),
    ("Normal", "{{ b.text }}"),
    ("Normal", "{%p elif b.kind == BlockKind.HEADING %}"),
    ("Heading 2", "{{ b.text }}"),
    ("Normal", "{%p elif b.kind == BlockKind.TABLE %}"),
    ("Briefing Caption", "{{ b.caption }}"),
    ("table", ""),
    ("Normal", "{%p if b.note %}"),
    ("Briefing Note", "{{ b.note }}"),
    ("Normal", "{%p endif %}"),
    ("Normal", "{%p elif b.kind == BlockKind.CHART %}"),
    ("Briefing Figure", "{{ images[b.name] }}"),
    ("Briefing Caption", "{{ b.caption }}"),
    ("Normal", "{%p endif %}"),
    ("Normal", "{%p endfor %}"),
    ("Normal", "{%p if section.boilerplate %}"),
    ("Normal", "{%p for text in boilerplate %}"),
    ("Normal", "{{ text }}"),
    ("Normal", "{%p endfor %}"),
    ("Normal", "{%p endif %}"),
    ("Normal", "{%p endfor %}"),
    ("Briefing Plain", ""),
    ("Briefing Signature", "{{ doc.issuer }}"),
    ("Briefing Signature", "{{ doc.date }}"),
]


def set_fonts(style: CT_Style, chinese: str) -> None:
    """Latin text in Times New Roman, Chinese text in the given font (w:rFonts)."""
    rpr = style.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (
        ("w:ascii", LATIN),
        ("w:hAnsi", LATIN),
        ("w:eastAsia", chinese),
        ("w:cs", LATIN),
    ):
        fonts.set(qn(attr), value)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _style(doc: Docx, name: str, spec: StyleSpec) -> None:
    chinese, size, align, indent, line, bold = spec
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
    style.font.size, style.font.bold, style.font.italic = Pt(size), bold, False
    style.font.color.rgb = None
    set_fonts(style.element, chinese)
    fmt = style.paragraph_format
    fmt.alignment, fmt.space_before, fmt.space_after = align, Pt(0), Pt(0)
    fmt.first_line_indent = Pt(size * 2) if indent else Pt(0)
    fmt.left_indent = fmt.right_indent = Pt(0)
    if line:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(line)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.keep_with_next = name in ("Heading 1", "Heading 2", "Briefing Caption")
    fmt.widow_control = True


def _font_table(doc: Docx) -> None:
    """Name fallbacks for every Chinese font in word/fontTable.xml (w:altName)."""
    part = next(
        rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable")
    )
    from docx.oxml import parse_xml

    root = parse_xml(part.blob)
    for name, alternatives in FONTS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), alternatives)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "modern" if name == "黑体" else "roman")
        for child in (alt, charset, family):
            font.append(child)
        root.append(font)
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(paragraph: Paragraph) -> None:
    """— PAGE — as a field, so Word and LibreOffice number the pages themselves."""

    def run(text: str | None = None, field: str | None = None) -> None:
        r = paragraph.add_run()
        if text is not None:
            r.text = text
            return
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), field)
        r._r.append(char)

    run("— ")
    run(field="begin")
    instr = paragraph.add_run()._r
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = " PAGE "
    instr.append(code)
    run(field="separate")
    run("1")
    run(field="end")
    run(" —")


# A table of any shape: {%tc %} repeats a cell per column, {%tr %} a row per row (docxtpl).
TABLE_ROWS = (
    ("Briefing Table Head", ("{%tc for h in b.headers %}", "{{ h }}", "{%tc endfor %}")),
    ("Briefing Table Text", ("{%tr for row in b.rows %}", "", "")),
    ("Briefing Table Text", ("{%tc for cell in row %}", "{{ cell }}", "{%tc endfor %}")),
    ("Briefing Table Text", ("{%tr endfor %}", "", "")),
)


def _table(doc: Docx) -> None:
    """The generic table: 0.5 pt borders, centred, header row repeated on every page."""
    from docx.enum.table import WD_TABLE_ALIGNMENT

    table = doc.add_table(rows=len(TABLE_ROWS), cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        for attr, value in (
            ("w:val", "single"),
            ("w:sz", "4"),
            ("w:space", "0"),
            ("w:color", "000000"),
        ):
            line.set(qn(attr), value)
        borders.append(line)
    table._tbl.tblPr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", 30), ("left", 70), ("bottom", 30), ("right", 70)):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for row, (style, texts) in zip(table.rows, TABLE_ROWS, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.paragraphs[0].style = doc.styles[style]
            cell.paragraphs[0].text = text


def _page(doc: Docx) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.style = doc.styles["Briefing Page Number"]
    odd.paragraph_format.right_indent = Pt(14)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.style = doc.styles["Briefing Page Number"]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)
    _page_number(even)


def build(path: Path = OUT) -> Path:
    """Write the template to path."""
    doc = Document()
    for name, spec in STYLES.items():
        _style(doc, name, spec)
    _font_table(doc)
    _page(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    doc.styles["Briefing Title"].paragraph_format.keep_with_next = True
    for style, text in BODY:
        if style == "table":
            _table(doc)
        else:
            doc.add_paragraph(text, style=style)
    props = doc.core_properties
    props.title, props.author, props.comments = "季度汇报模板", "baobao", "docxtpl 模板"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
