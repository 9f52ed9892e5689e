"""Printable list workbooks: named styles, a merged title row, a note row, a frozen header row
repeated on every printed page, an auto-filter on it, borders, A4 landscape fitted to the page
width, row heights that fit wrapped text, and text cells no spreadsheet evaluates (formula
injection).

openpyxl writes the workbook's frame (styles, print settings, title and header rows); body rows
are serialised straight into the sheet XML, because openpyxl costs ~20 µs a cell and the lists
must export 100,000 hazards in seconds.
"""

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from services.core.cells import looks_like_formula
from services.reporting.sheet_rows import HEADER_ROW, SheetBody

# openpyxl's WriteOnlyWorksheet: it forwards page setup, dimensions, merged cells and the auto
# filter to a Worksheet, which its stubs leave out; typed as what it is at runtime, unknown.
WriteOnlyWorksheet = Any

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _styles() -> list[NamedStyle]:
    def body(name: str, horizontal: str, **extra: Any) -> NamedStyle:
        return NamedStyle(
            name=name,
            font=Font(name="宋体", size=10),
            border=_BOX,
            alignment=Alignment(horizontal=horizontal, vertical="center", wrap_text=True),
            **extra,
        )

    return [
        NamedStyle(
            name="bb_title",
            font=Font(name="黑体", size=16, bold=True),
            alignment=Alignment(horizontal="center", vertical="center"),
        ),
        NamedStyle(
            name="bb_note",
            font=Font(name="宋体", size=10),
            alignment=Alignment(horizontal="left", vertical="center"),
        ),
        NamedStyle(
            name="bb_head",
            font=Font(name="黑体", size=11, bold=True),
            border=_BOX,
            fill=PatternFill("solid", fgColor="D9D9D9"),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
        body("bb_left", "left"),
        body("bb_centre", "center"),
        body("bb_date", "center", number_format="yyyy-mm-dd"),
    ]


def style_cell(ws: WriteOnlyWorksheet, value: object, style: str, *, guarded: bool = False) -> Cell:
    """A write-only cell with a named style; guarded text is stored as text (quote prefix)."""
    cell = WriteOnlyCell(ws, value=None)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value  # type: ignore[assignment]  # openpyxl's stubs list fewer cell types than it takes
    cell.style = style
    if guarded or (isinstance(value, str) and looks_like_formula(value)):
        cell.data_type, cell.quotePrefix = "s", True
    return cell


def start_sheet(wb: Workbook, name: str, widths: Sequence[float]) -> WriteOnlyWorksheet:
    """A sheet with its widths and print settings; its rows come later (frame_rows)."""
    ws: WriteOnlyWorksheet = wb.create_sheet(name)
    last = get_column_letter(len(widths))
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[1].height = 36
    ws.row_dimensions[HEADER_ROW].height = 24
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return ws


def frame_rows(ws: WriteOnlyWorksheet, title: str, note: str, headers: Sequence[str]) -> None:
    """Write the title, note and header rows (rows 1 to HEADER_ROW)."""
    ws.append([style_cell(ws, title, "bb_title")])
    ws.append([style_cell(ws, note, "bb_note")])
    ws.append([style_cell(ws, text, "bb_head") for text in headers])


class ListWorkbook:
    """A workbook of list sheets whose body rows stream to temporary files until saved."""

    def __init__(self) -> None:
        self.wb = Workbook(write_only=True)
        for style in _styles():
            self.wb.add_named_style(style)
        self.bodies: list[tuple[WriteOnlyWorksheet, SheetBody]] = []

    def list_sheet(
        self,
        name: str,
        title: str,
        note: str,
        headers: Sequence[str],
        widths: Sequence[float],
        centred: Sequence[int] = (),
        dates: Sequence[int] = (),
        numbered: bool = False,
    ) -> "SheetBody":
        """Add a list sheet; returns the writer of its body rows (its title and note may
        still change until the workbook is saved). A numbered sheet's first column is 序号."""
        ws = start_sheet(self.wb, name, widths)
        sid = {
            style: style_cell(ws, None, style).style_id
            for style in ("bb_left", "bb_centre", "bb_date")
        }
        styles = [
            sid["bb_date"] if i in dates else sid["bb_centre"] if i in centred else sid["bb_left"]
            for i in range(len(headers))
        ]
        body = SheetBody(
            headers,
            styles,
            date_style=sid["bb_date"],
            guarded_style=style_cell(ws, "=", "bb_left", guarded=True).style_id,
            title=title,
            note=note,
            numbered=numbered,
            widths=widths,
        )
        self.bodies.append((ws, body))
        return body

    def save(self, path: Path) -> None:
        """Write the workbook: openpyxl's frame with the body rows spliced into each sheet."""
        for ws, body in self.bodies:
            frame_rows(ws, body.title, body.note, body.headers)
            last = get_column_letter(len(body.headers))
            ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(body.row, HEADER_ROW + 1)}"
        frame = io.BytesIO()
        self.wb.save(frame)
        bodies = {ws.path.lstrip("/"): body for ws, body in self.bodies}
        tmp = Path(path).with_name(f".{Path(path).name}.tmp")
        try:
            with (
                zipfile.ZipFile(frame) as src,
                zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
            ):
                for info in src.infolist():
                    _copy_entry(src, out, info, bodies.get(info.filename))
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
            self.close()

    def close(self) -> None:
        """Drop the temporary files of the body rows."""
        for _, body in self.bodies:
            body.file.close()

    def __enter__(self) -> "ListWorkbook":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _copy_entry(
    src: zipfile.ZipFile, out: zipfile.ZipFile, info: zipfile.ZipInfo, body: SheetBody | None
) -> None:
    data = src.read(info.filename)
    if body is None:
        out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        return
    head, tail = data.split(b"</sheetData>", 1)
    ref = f'<dimension ref="A1:{get_column_letter(len(body.headers))}{body.row}"/>'
    head = head.replace(b"<sheetViews>", ref.encode() + b"<sheetViews>", 1)
    with out.open(info.filename, "w") as target:
        target.write(head)
        body.copy_to(target)
        target.write(b"</sheetData>" + tail)
