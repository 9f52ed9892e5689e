"""督导检查记录表 as an A4 PDF: one record per visit (each on new pages), photos as thumbnails
on the record and full size on the pages that follow it, downscaled for print
(reports/photos.py); set in the 公文 faces of reports/fonts.py. Several records (an officer's or
a township's period) are merged into one PDF by one WeasyPrint run.
"""

import tempfile
from pathlib import Path

from config.files import load_policy
from reports.fonts import css_stacks
from reports.photos import printable
from reports.render_html import environment
from reports.render_pdf import weasyprint_html

THUMB_MM = (38, 30)
FULL_MM = (170, 118)


def _with_photos(record: dict, folder: Path, limit: int, dpi: int) -> dict:
    photos = []
    for n, photo in enumerate(record["photos"][:limit], 1):
        source = Path(photo["path"])
        thumb = printable(source, folder, width_mm=THUMB_MM[0], height_mm=THUMB_MM[1], dpi=dpi)
        full = printable(source, folder, width_mm=FULL_MM[0], height_mm=FULL_MM[1], dpi=dpi)
        photos.append(
            {
                "n": n,
                "thumb": thumb.as_uri() if thumb else None,
                "full": full.as_uri() if full else None,
            }
        )
    return {**record, "photos": photos, "photos_left": max(0, len(record["photos"]) - limit)}


def render_html(records: list[dict], labels: dict[str, str], folder: Path) -> str:
    """The records' HTML for WeasyPrint, photos downscaled into folder."""
    policy = load_policy().reports
    shown = [_with_photos(r, folder, policy.max_photos, policy.photo_dpi) for r in records]
    return (
        environment()
        .get_template("visit_record.html")
        .render(
            records=shown,
            labels=labels,
            title=records[0]["title"] if records else "",
            fonts=css_stacks(pdf=True),
        )
    )


def render_visits(records: list[dict], labels: dict[str, str]) -> bytes:
    """PDF bytes of the records, in order, merged into one document."""
    with tempfile.TemporaryDirectory(prefix="baobao-photos-") as tmp:
        html = render_html(records, labels, Path(tmp))
        return weasyprint_html()(string=html, base_url=tmp).write_pdf()
