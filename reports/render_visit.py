"""督导检查记录表 as an A4 PDF: one record per visit (each on new pages), photos as thumbnails
on the record and full size on the pages that follow it, downscaled for print
(reports/photos.py); set in the 公文 faces of reports/fonts.py. Several records (an officer's or
a township's period) are merged into one PDF by one WeasyPrint run.
"""

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from config.files import load_policy
from reports.fonts import css_stacks
from reports.photos import printables
from reports.render_html import environment
from reports.render_pdf import write_pdf

SIZES = {"thumb": (38.0, 30.0), "full": (170.0, 118.0)}  # mm, as visit_record.css prints them


# A record as services.reporting.visit_record builds it (an untyped dict there still): this
# module reads its title and its photos' paths ({"path"}), the template the rest.
VisitRecord = Mapping[str, Any]


def _with_photos(
    record: VisitRecord, made: list[dict[str, Path] | None], limit: int
) -> dict[str, object]:
    photos = [
        {
            "n": n,
            "thumb": files["thumb"].as_uri() if files else None,
            "full": files["full"].as_uri() if files else None,
        }
        for n, files in enumerate(made, 1)
    ]
    return {**record, "photos": photos, "photos_left": max(0, len(record["photos"]) - limit)}


def render_html(records: Sequence[VisitRecord], labels: dict[str, str], folder: Path) -> str:
    """The records' HTML for WeasyPrint, photos downscaled into folder."""
    policy = load_policy().reports
    limit = policy.max_photos
    sources = [Path(p["path"]) for r in records for p in r["photos"][:limit]]
    made = iter(printables(sources, folder, SIZES, policy.photo_dpi))
    shown = [_with_photos(r, [next(made) for _ in r["photos"][:limit]], limit) for r in records]
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


def render_visits(records: Sequence[VisitRecord], labels: dict[str, str]) -> bytes:
    """PDF bytes of the records, in order, merged into one document."""
    with tempfile.TemporaryDirectory(prefix="baobao-photos-") as tmp:
        html = render_html(records, labels, Path(tmp))
        return write_pdf(html, base_url=tmp)
