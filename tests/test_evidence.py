"""整改证据: type checked by content, size limit, stored once by sha256 under the data dir."""

import hashlib
import io
import zipfile

import pytest
from sqlmodel import select

from models import HazardEvidence
from services.core import evidence
from services.core.errors import BadInput
from tests.support.hazards import PNG, add_hazard_row, build_roster

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(first: str, second: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(first, "<x/>")
        z.writestr(second, "<x/>")
    return buffer.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


ACCEPTED = {
    "photo.png": (PNG, "image/png"),
    "photo.jpg": (b"\xff\xd8\xff\xe0" + b"\x00" * 60, "image/jpeg"),
    "scan.pdf": (b"%PDF-1.7\n%%EOF\n", "application/pdf"),
    "report.docx": (
        _zip("[Content_Types].xml", "word/document.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "table.xlsx": (_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "old.doc": (OLE + b"\x00" * 504 + b"\xec\xa5\xc1\x00" + b"\x00" * 64, "application/msword"),
    "old.xls": (
        OLE + b"\x00" * 504 + b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\x00" * 64,
        "application/vnd.ms-excel",
    ),
}
REFUSED = {
    "notes.txt": b"rectified, trust me",
    "photo.jpg": b"not really a jpeg",  # the name does not decide, the content does
    "archive.zip": _zip("a.txt", "b.txt"),
    "tool.exe": b"MZ\x90\x00" + b"\x00" * 60,
    "clip.mp4": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40,
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_images_pdf_and_office_documents_are_accepted(name):
    content, mime = ACCEPTED[name]
    checked = evidence.check_content(filename=name, content=content)
    assert (checked.content_type, checked.size) == (mime, len(content))
    assert checked.sha256 == hashlib.sha256(content).hexdigest() and checked.filename == name


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_other_content_is_refused_whatever_its_name(name):
    with pytest.raises(BadInput, match="类型不允许"):
        evidence.check_content(filename=name, content=REFUSED[name])


def test_empty_missing_and_oversized_files_are_refused(tmp_path):
    with pytest.raises(BadInput, match="空文件"):
        evidence.check_content(filename="a.png", content=b"")
    with pytest.raises(BadInput, match="不存在"):
        evidence.read_file(path=tmp_path / "missing.png")
    limit = 20 * 1024 * 1024
    assert evidence.max_bytes() == limit
    big = tmp_path / "big.png"
    with big.open("wb") as handle:  # sparse: 20 MB + 1 byte, never read
        handle.write(PNG)
        handle.truncate(limit + 1)
    with pytest.raises(BadInput, match="超过 20 MB"):
        evidence.read_file(path=big)
    with pytest.raises(BadInput, match="超过 20 MB"):
        evidence.check_content(filename="big.png", content=PNG + b"\x00" * (limit + 1 - len(PNG)))
    exact = PNG + b"\x00" * (limit - len(PNG))
    assert evidence.check_content(filename="max.png", content=exact).size == limit


def test_files_are_stored_once_by_sha256_and_linked_once_per_hazard(
    session, set_today, tmp_path, monkeypatch
):
    from config import settings

    monkeypatch.setenv("BAOBAO_DATA_DIR", str(tmp_path / "data"))
    settings.reset()
    set_today("2026-10-12")
    r = build_roster(session)
    first = add_hazard_row(session, entity=r.e1)
    second = add_hazard_row(session, entity=r.e2)
    a, b = tmp_path / "a.png", tmp_path / "same-photo-again.png"
    a.write_bytes(PNG)
    b.write_bytes(PNG)
    files = [evidence.read_file(path=a), evidence.read_file(path=b)]
    digest = hashlib.sha256(PNG).hexdigest()
    assert evidence.attach(
        session=session, hazard_id=first.id, files=files, uploaded_by="BBV001"
    ) == [digest]
    assert evidence.attach(
        session=session, hazard_id=first.id, files=files[:1], uploaded_by="BBV001"
    ) == [digest]
    evidence.attach(session=session, hazard_id=second.id, files=files[1:], uploaded_by="dbB")
    session.commit()
    rows = session.exec(select(HazardEvidence).order_by(HazardEvidence.id)).all()
    assert [(row.hazard_id, row.filename, row.uploaded_by) for row in rows] == [
        (first.id, "a.png", "BBV001"),
        (second.id, "same-photo-again.png", "dbB"),
    ]
    assert all(row.sha256 == digest and row.content_type == "image/png" for row in rows)
    stored = tmp_path / "data" / "evidence" / digest[:2] / digest
    assert evidence.stored_path(digest) == stored and stored.read_bytes() == PNG
    assert [p.name for p in stored.parent.iterdir()] == [digest]  # no temporary files left
    assert [e.filename for e in evidence.list_evidence(session=session, hazard_id=first.id)] == [
        "a.png"
    ]
