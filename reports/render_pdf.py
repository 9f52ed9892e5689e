"""A document in GB/T 9704 form as PDF: WeasyPrint renders the HTML version with its print
stylesheet and the configured open faces of reports.fonts, embedded as subsets (the demo
county's eleven-page briefing takes ~1.1 s of CPU)."""

import contextlib
import ctypes.util
import io
import logging
import sys
from typing import Any

from reports.document import Document
from reports.render_html import render_html

# WeasyPrint and fontTools log every subsetting step at INFO/WARNING; the office needs none.
for name in ("weasyprint", "fontTools"):
    logging.getLogger(name).setLevel(logging.ERROR)


def _no_search(name: str) -> None:
    """ctypes.util.find_library that finds nothing, without running ldconfig or gcc."""
    return None


def _forget_weasyprint() -> None:
    for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        del sys.modules[module]


def weasyprint_html() -> Any:
    """WeasyPrint's HTML class. On Linux it is imported with ctypes.util.find_library switched
    off: WeasyPrint tries several library names before the sonames that load directly, and each
    miss runs ldconfig and gcc (~0.5 s, seconds on a loaded machine); should a library load
    only through the search, the import is repeated with it."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        from weasyprint import HTML

        return HTML
    original, ctypes.util.find_library = ctypes.util.find_library, _no_search
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its advice on a miss, before retrying
            from weasyprint import HTML
    except OSError:
        ctypes.util.find_library = original
        _forget_weasyprint()
        from weasyprint import HTML
    finally:
        ctypes.util.find_library = original
    return HTML


def render_pdf(doc: Document, charts: dict[str, bytes]) -> bytes:
    """PDF bytes of the document."""
    html = render_html(doc, charts, pdf=True)
    return write_pdf(html, base_url=".")


def write_pdf(html: str, *, base_url: str) -> bytes:
    """WeasyPrint's PDF of a page (relative URLs resolved against base_url)."""
    pdf: bytes = weasyprint_html()(string=html, base_url=base_url).write_pdf()  # untyped library
    return pdf
