"""Write a briefing document in the requested formats: charts once, then HTML, PDF and DOCX."""

import hashlib
from pathlib import Path
from typing import TypedDict

from reports.document import Document


class WrittenFile(TypedDict):
    """One file written: its format, absolute path, SHA-256 and size in bytes."""

    format: str
    path: str
    sha256: str
    size: int


def render(doc: Document, fmt: str, charts: dict[str, bytes]) -> bytes:
    """The document in one format, as bytes."""
    if fmt == "html":
        from reports.render_html import render_html

        return render_html(doc, charts).encode("utf-8")
    if fmt == "pdf":
        from reports.render_pdf import render_pdf

        return render_pdf(doc, charts)
    from reports.render_docx import render_docx

    return render_docx(doc, charts)


def write_files(doc: Document, *, formats: list[str], folder: Path, stem: str) -> list[WrittenFile]:
    """Write folder/stem.<fmt> for each format."""
    from reports.charts import render_charts

    charts = render_charts(doc["charts"])
    folder.mkdir(parents=True, exist_ok=True)
    written: list[WrittenFile] = []
    for fmt in formats:
        data = render(doc, fmt, charts)
        path = folder / f"{stem}.{fmt}"
        path.write_bytes(data)
        written.append(
            {
                "format": fmt,
                "path": str(path.resolve()),
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
        )
    return written
