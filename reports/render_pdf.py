"""The briefing as PDF: WeasyPrint renders the HTML version with its print stylesheet and the
light CJK font of reports.fonts (fonts are subset; ~0.7 s for a briefing)."""

import logging

from reports.render_html import render_html

# WeasyPrint and fontTools log every subsetting step at INFO/WARNING; the office needs none.
for name in ("weasyprint", "fontTools"):
    logging.getLogger(name).setLevel(logging.ERROR)


def render_pdf(doc: dict, charts: dict[str, bytes]) -> bytes:
    """PDF bytes of the briefing."""
    from weasyprint import HTML

    html = render_html(doc, charts, pdf=True)
    return HTML(string=html, base_url=".").write_pdf()
