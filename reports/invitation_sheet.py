"""The printed invitation sheet: A4 pages of eight cards, one per officer (name, code, village,
a QR code of the set-password link, the link's expiry), to cut apart and hand out by the
township office. QR codes are drawn by segno (medium error correction) as 1-bit PNGs shown
without smoothing: WeasyPrint lays out an SVG code ten times slower, and flex layout a hundred
times slower than the fixed table the cards sit in (1,500 officers in seconds).
"""

import base64
import io
from typing import NotRequired, TypedDict

from reports.fonts import css_stacks
from reports.render_html import environment
from reports.render_pdf import write_pdf

CARDS_PER_ROW, ROWS_PER_PAGE = 2, 4
MASK = 2  # a fixed mask pattern: choosing the best of eight costs four times the encoding


class SheetCard(TypedDict):
    """One officer's card: the QR code is drawn from link; expires is already wording."""

    name: str
    code: str
    place: str
    link: str
    expires: str


class Sheet(TypedDict):
    """The sheet: its title (also in every page's footer), the note above the cards, cards, and
    what each card's code is (默认 干部编号; 手机号 for the village network)."""

    title: str
    note: str
    cards: list[SheetCard]
    login: NotRequired[str]


def qr_png(link: str) -> bytes:
    """The link's QR code as a 1-bit PNG, one pixel a module with a 4-module quiet zone (printed unsmoothed)."""
    import segno

    out = io.BytesIO()
    segno.make_qr(link, error="m", mask=MASK).save(out, kind="png", scale=1, border=4)
    return out.getvalue()


def _pages(cards: list[dict[str, str]]) -> list[list[list[dict[str, str]]]]:
    """Cards in rows of CARDS_PER_ROW, rows in pages of ROWS_PER_PAGE."""
    rows = [cards[i : i + CARDS_PER_ROW] for i in range(0, len(cards), CARDS_PER_ROW)]
    return [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)]


def render_html(sheet: Sheet) -> str:
    """The sheet's HTML for WeasyPrint."""
    cards = [
        {
            "name": card["name"],
            "code": card["code"],
            "place": card["place"],
            "expires": card["expires"],
            "qr": "data:image/png;base64," + base64.b64encode(qr_png(card["link"])).decode(),
        }
        for card in sheet["cards"]
    ]
    return (
        environment()
        .get_template("invitation_sheet.html")
        .render(sheet=sheet, pages=_pages(cards), fonts=css_stacks(pdf=True))
    )


def render_sheet(sheet: Sheet) -> bytes:
    """PDF bytes of the invitation sheet."""
    return write_pdf(render_html(sheet), base_url=".")
