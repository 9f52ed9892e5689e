"""The printed invitation sheet: A4 pages of eight cards, one per officer (name, code, village,
a QR code of the set-password link, the link's expiry), to cut apart and hand out by the
township office. QR codes are drawn by segno (medium error correction) as 1-bit PNGs shown
without smoothing: WeasyPrint lays out an SVG code ten times slower, and flex layout a hundred
times slower than the fixed table the cards sit in. A long sheet is laid out in parts, one per
processor, in worker processes, and the parts' pages joined in order (pypdf): every page is the
same as in one document, its number and the page count included (1,500 officers in seconds).
The workers are fresh interpreters (reports.pdf_worker), not forks: the web application runs
threads, and a fork copies their locks.
"""

import base64
import io
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from reports.fonts import css_stacks
from reports.render_html import environment
from reports.render_pdf import write_pdf

ROOT = Path(__file__).resolve().parent.parent
CARDS_PER_ROW, ROWS_PER_PAGE = 2, 4
PART_PAGES = 10  # pages a worker process lays out at least: a shorter sheet is one document
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


def _pages(cards: Sequence[SheetCard]) -> list[list[Sequence[SheetCard]]]:
    """Cards in rows of CARDS_PER_ROW, rows in pages of ROWS_PER_PAGE."""
    rows = [cards[i : i + CARDS_PER_ROW] for i in range(0, len(cards), CARDS_PER_ROW)]
    return [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)]


def _shown(card: SheetCard) -> dict[str, str]:
    return {
        "name": card["name"],
        "code": card["code"],
        "place": card["place"],
        "expires": card["expires"],
        "qr": "data:image/png;base64," + base64.b64encode(qr_png(card["link"])).decode(),
    }


def render_html(
    sheet: Sheet,
    first_page: int = 1,
    page_count: int | None = None,
    fonts: dict[str, str] | None = None,
) -> str:
    """The sheet's HTML for WeasyPrint; a part of a longer sheet starts at first_page of
    page_count pages."""
    pages = [[[_shown(card) for card in row] for row in page] for page in _pages(sheet["cards"])]
    return (
        environment()
        .get_template("invitation_sheet.html")
        .render(
            sheet=sheet,
            pages=pages,
            fonts=fonts or css_stacks(pdf=True),
            first_page=first_page,
            page_count=page_count or len(pages),
        )
    )


def render_part(
    sheet: Sheet, first_page: int, page_count: int, fonts: dict[str, str] | None = None
) -> bytes:
    """PDF bytes of a sheet, or of its part starting at first_page of page_count pages."""
    return write_pdf(render_html(sheet, first_page, page_count, fonts), base_url=".")


def render_sheet(sheet: Sheet, parts: int | None = None) -> bytes:
    """PDF bytes of the invitation sheet, laid out in `parts` parallel parts (default: one per
    processor this process may use, each at least PART_PAGES pages long)."""
    pages = _pages(sheet["cards"])
    if parts is None:
        parts = min(len(os.sched_getaffinity(0)), len(pages) // PART_PAGES)
    if parts <= 1:
        return render_part(sheet, 1, len(pages))
    size = -(-len(pages) // parts)
    fonts = css_stacks(pdf=True)
    jobs = [
        {
            "sheet": {
                **sheet,
                "cards": [c for page in pages[n : n + size] for row in page for c in row],
            },
            "first_page": n + 1,
            "page_count": len(pages),
            "fonts": fonts,
        }
        for n in range(0, len(pages), size)
    ]
    with ThreadPoolExecutor(len(jobs)) as pool:
        return _join(list(pool.map(_in_worker, jobs)))


def _in_worker(job: dict[str, Any]) -> bytes:
    """One part laid out by a worker process (reports.pdf_worker) run from the repository."""
    done = subprocess.run(
        [sys.executable, "-m", "reports.pdf_worker"],
        input=json.dumps(job, ensure_ascii=False).encode(),
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"invitation sheet part failed: {done.stderr.decode()[-2000:]}")
    return done.stdout


def _join(parts: list[bytes]) -> bytes:
    """The parts' pages in order as one PDF, with the first part's title."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for n, part in enumerate(parts):
        reader = PdfReader(io.BytesIO(part))
        if n == 0 and reader.metadata:
            writer.add_metadata(dict(reader.metadata))
        writer.append(reader)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
