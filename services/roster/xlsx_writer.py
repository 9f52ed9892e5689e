"""A small streaming .xlsx writer for the roster template and export.

openpyxl's writer was measured at ~100 µs per cell on these machines; this one writes the
worksheet XML straight into the zip (inline strings, one pass, constant memory). It knows just
what the roster needs: column widths and formats, a frozen header, list dropdowns, text cells
(kept as text even when they begin with = + - @), date cells.
"""

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from services.core.cells import looks_like_formula

EPOCH = dt.date(1899, 12, 30)
HEADER, TEXT, DATE, QUOTED = 1, 2, 3, 4  # cell style ids (cellXfs order below)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LETTERS = [chr(65 + i) for i in range(26)]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
</numFmts><fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/>\
<color rgb="FFFFFFFF"/><name val="等线"/></font></fonts><fills count="3"><fill><patternFill \
patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill \
patternType="solid"><fgColor rgb="FF2F5597"/><bgColor indexed="64"/></patternFill></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" \
applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" \
quotePrefix="1"/></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/>\
</cellStyles></styleSheet>"""


@dataclass
class SheetSpec:
    """One worksheet: column widths and styles, dropdown lists and whether row 1 is frozen."""

    title: str
    widths: list[float]
    styles: list[int] = field(default_factory=list)  # per column: 0, TEXT or DATE
    lists: list[tuple[int, list[str], str, str]] = field(default_factory=list)  # col, choices,
    freeze: bool = True  #                                                        title, prompt


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value))


def _cell(ref: str, value: object, style: int) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return f'<c r="{ref}" s="{DATE}"><v>{(day - EPOCH).days}</v></c>'
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        if looks_like_formula(text):
            style = QUOTED
        s = f' s="{style}"' if style else ""
        return (
            f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(text)}</t></is></c>'
        )
    return f'<c r="{ref}"><v>{value}</v></c>'


def _head(spec: SheetSpec) -> str:
    pane = (
        (
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        )
        if spec.freeze
        else ""
    )
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"'
        f"{f' style={chr(34)}{s}{chr(34)}' if s else ''}/>"
        for i, (w, s) in enumerate(
            zip(spec.widths, spec.styles or [0] * len(spec.widths), strict=True), start=1
        )
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
        f'xmlns:r="{REL}"><sheetViews><sheetView workbookViewId="0">{pane}</sheetView>'
        f'</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
    )


def _tail(spec: SheetSpec) -> str:
    parts = []
    for column, choices, title, prompt in spec.lists:
        letter = _LETTERS[column]
        parts.append(
            f'<dataValidation type="list" allowBlank="1" showInputMessage="1" '
            f'showErrorMessage="1" errorTitle="取值无效" error={quoteattr(f"{title}请从下拉列表中选择")} '
            f"promptTitle={quoteattr(title)} prompt={quoteattr(prompt[:250])} "
            f'sqref="{letter}2:{letter}1048576"><formula1>{escape(chr(34) + ",".join(choices) + chr(34))}'
            f"</formula1></dataValidation>"
        )
    validations = (
        f'<dataValidations count="{len(parts)}">{"".join(parts)}</dataValidations>' if parts else ""
    )
    return (
        f'</sheetData>{validations}<pageMargins left="0.7" right="0.7" top="0.75" '
        f'bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    )


def write(
    path: Path,
    sheets: Sequence[tuple[SheetSpec, Iterable[Sequence[object]]]],
    *,
    header_rows: int = 1,
) -> dict[str, int]:
    """Write the workbook; the first header_rows rows of each sheet get the header style."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (spec, rows) in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as out:
                out.write(_head(spec).encode())
                count = 0
                styles = spec.styles or [0] * len(spec.widths)
                for index, row in enumerate(rows, start=1):
                    style = (lambda c: HEADER) if index <= header_rows else styles.__getitem__
                    cells = "".join(
                        _cell(f"{_LETTERS[c]}{index}", v, style(c) if c < len(styles) else 0)
                        for c, v in enumerate(row)
                    )
                    out.write(f'<row r="{index}">{cells}</row>'.encode())
                    count += 1
                out.write(_tail(spec).encode())
            counts[spec.title] = count - header_rows
        _package(archive, [spec.title for spec, _ in sheets])
    return counts


def _package(archive: zipfile.ZipFile, titles: list[str]) -> None:
    n = len(titles)
    sheets = "".join(
        f'<sheet name={quoteattr(t)} sheetId="{i}" r:id="rId{i}"/>'
        for i, t in enumerate(titles, start=1)
    )
    archive.writestr(
        "xl/workbook.xml",
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'\n<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView '
        f'activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>',
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    archive.writestr(
        "xl/_rels/workbook.xml.rels",
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Relationships xmlns="{PKG}">{rels}<Relationship Id="rId{n + 1}" '
        f'Type="{REL}/styles" Target="styles.xml"/></Relationships>',
    )
    archive.writestr("xl/styles.xml", STYLES)
    archive.writestr(
        "_rels/.rels",
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships '
        f'xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
        f'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="{REL}/'
        f'extended-properties" Target="docProps/app.xml"/></Relationships>',
    )
    archive.writestr(
        "docProps/app.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<Properties '
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
        'properties"><Application>baobao</Application></Properties>',
    )
    ct = "application/vnd.openxmlformats-officedocument"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    archive.writestr(
        "[Content_Types].xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<Types '
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        f'"{ct}.spreadsheetml.sheet.main+xml"/>{overrides}<Override PartName='
        f'"/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/><Override '
        'PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.extended-properties+xml"/></Types>',
    )
