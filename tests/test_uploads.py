"""Uploads: files stored under their hash with the original name kept as data, names cut by
bytes, per-request limits, bounded spreadsheet parsing."""

import hashlib
import re
import tracemalloc
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlmodel import Session, select

from models.db import get_engine
from models.evidence import HazardEvidence
from models.record import InspectionRecord
from services.core.errors import BadInput
from services.core.uploads import HEADER_NAME_BYTES, NAME_CHARS, header_name, kept_name
from services.roster import limits
from services.roster.importer import import_roster
from services.roster.xlsx import Workbook
from tests.support import web as support
from tests.support.roster_books import TODAY, Book, snapshot
from tests.support.web import PNG, csrf_of, last_event

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures

MB = 2**20

STEM = ("食品安全包保整改现场照片后厨操作间冷藏柜温度记录表" * 5)[:100]  # 100 characters
LONG_NAME = STEM + ".png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header_name(response) -> str:
    """The file name a download's Content-Disposition gives (RFC 5987 form)."""
    value = response.headers["content-disposition"]
    assert len(value.encode()) < 1024
    return unquote(re.search(r"filename\*=utf-8''([^;]+)", value).group(1))


def test_evidence_with_a_100_character_chinese_name(world, client_for):
    assert len(STEM) == 100 and len(STEM.encode()) == 300
    client = client_for("officer_a")
    hazard_id = world.hazards["a"]
    page = client.get(f"/hazards/{hazard_id}")
    response = client.post(
        f"/hazards/{hazard_id}/report",
        data={"csrf": csrf_of(page.text), "note": "已整改"},
        files=[("evidence", (LONG_NAME, PNG, "image/png"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    shown = client.get(f"/hazards/{hazard_id}")
    evidence = re.search(r'src="(/hazards/\d+/evidence/\w+)"', shown.text).group(1)
    got = client.get(evidence)
    assert got.content == PNG
    shown_name = _header_name(got)
    assert shown_name.endswith(".png") and LONG_NAME.startswith(shown_name[:-4])
    assert len(shown_name.encode()) <= HEADER_NAME_BYTES
    with Session(get_engine(world.url)) as session:
        row = session.exec(
            select(HazardEvidence).where(HazardEvidence.hazard_id == hazard_id)
        ).one()
    assert row.filename == LONG_NAME  # the name kept whole, as data
    stored = Path(world.data_dir) / "evidence" / row.sha256[:2] / row.sha256
    assert stored.read_bytes() == PNG and row.sha256 == hashlib.sha256(PNG).hexdigest()


def test_a_visit_photo_with_a_100_character_chinese_name(world, client_for):
    client = client_for("officer_a")
    task_id = world.tasks["a_open"]
    html = client.get(f"/tasks/{task_id}").text
    items = list(dict.fromkeys(re.findall(r'name="answer_(\w+)"', html)))
    form = {"csrf": csrf_of(html), "mode": "现场", "visit_date": "2026-09-22", "note": "现场检查"}
    form.update({f"answer_{item}": "是" for item in items})
    response = client.post(
        f"/tasks/{task_id}/record",
        data=form,
        files=[("photos", (LONG_NAME, PNG, "image/png"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    with Session(get_engine(world.url)) as session:
        record = session.exec(
            select(InspectionRecord).where(InspectionRecord.task_id == task_id)
        ).one()
    assert record.photos[0]["filename"] == LONG_NAME


def test_a_roster_upload_with_a_100_character_chinese_name(world, client_for):
    client = client_for("admin_county")
    exported = client.get("/admin/roster/export.xlsx").content
    page = client.get("/admin/roster")
    name = STEM + ".xlsx"
    checked = client.post(
        "/admin/roster", data={"csrf": csrf_of(page.text)}, files=[("file", (name, exported, XLSX))]
    )
    assert checked.status_code == 200 and "试运行通过" in checked.text
    assert name in checked.text
    digest = hashlib.sha256(exported).hexdigest()
    waiting = Path(world.data_dir) / "uploads" / "roster" / f"{digest}.xlsx"
    assert waiting.read_bytes() == exported  # under its hash, not under the user's name
    token = checked.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    applied = client.post(
        "/admin/roster/apply", data={"csrf": csrf_of(checked.text), "token": token}
    )
    assert applied.status_code == 200 and "导入完成" in applied.text
    assert last_event(world.url, "roster.import")[0].after["file"] == name
    assert not waiting.exists()


def test_kept_names_are_cleaned_and_header_names_cut_by_bytes():
    assert kept_name("../../etc/passwd", default="x") == "passwd"
    assert kept_name("C:\\照片\\现场.jpg", default="x") == "现场.jpg"
    assert kept_name("..", default="照片") == "照片"
    assert kept_name("a\x00b\nc.png", default="x") == "a_b_c.png"
    long = "名" * 400 + ".jpeg"
    kept = kept_name(long, default="x")
    assert kept.endswith(".jpeg") and len(kept) == NAME_CHARS
    for text in (long, "ab" + "包" * 200 + ".pdf", "é" * 300):
        cut = header_name(text)
        assert len(cut.encode()) <= HEADER_NAME_BYTES
        assert text.startswith(cut.rpartition(".")[0] if "." in text else cut)


def _with_shared_strings(source: Path, target: Path, xml_parts) -> Path:
    """A copy of the workbook with xl/sharedStrings.xml written from xml_parts (streamed)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, old.read(item.filename))
        with new.open("xl/sharedStrings.xml", "w") as member:
            for part in xml_parts:
                member.write(part)
    return target


def _bomb(size: int):
    """sharedStrings.xml of one string unpacking to size bytes."""
    yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    chunk = ("包" * 2**18).encode()
    for _ in range(size // len(chunk) + 1):
        yield chunk
    yield b"</t></si></sst>"


def test_a_small_workbook_whose_shared_strings_unpack_to_100_mb_is_refused_cheaply(
    engine, tmp_path, set_today
):
    set_today(TODAY)
    bomb = _with_shared_strings(
        Book().save(tmp_path / "book.xlsx"), tmp_path / "炸弹名册.xlsx", _bomb(100 * MB)
    )
    with zipfile.ZipFile(bomb) as archive:
        unpacked = archive.getinfo("xl/sharedStrings.xml").file_size
    assert unpacked > 100 * MB and bomb.stat().st_size < MB  # small on disk, large unpacked
    before = snapshot(engine)
    tracemalloc.start()
    try:
        with Session(engine) as session, pytest.raises(BadInput) as refused:
            import_roster(session=session, path=bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    limit = limits.max_shared_bytes()
    assert str(refused.value) == (
        f"工作簿 炸弹名册.xlsx 的文本解压后超过 {limit // MB} MB（或超过 {limits.max_cells():,} 条），"
        "已拒绝；大名册请用 CSV 文件夹导入"
    )
    assert peak < unpacked / 20  # refused from the archive's directory, never unpacked
    assert snapshot(engine) == before


@pytest.mark.parametrize("over", [0, 1], ids=["exactly-max-cells", "one-string-over"])
def test_shared_strings_count_against_max_cells_while_streaming(
    over, engine, tmp_path, policy_file, set_today
):
    set_today(TODAY)
    source = Book().save(tmp_path / "book.xlsx")
    with zipfile.ZipFile(source) as archive:
        cells = sum(
            len(row) for title in Workbook(archive).sheets for row in Workbook(archive).rows(title)
        )
    strings = cells + over
    policy_file("max_cells = 2000000 ", f"max_cells = {cells} ")
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    book = _with_shared_strings(
        source, tmp_path / "名册.xlsx", [head, b"<si><t>x</t></si>" * strings, b"</sst>"]
    )
    with Session(engine) as session:
        if over:
            with pytest.raises(BadInput, match="或超过"):
                import_roster(session=session, path=book)
        else:
            assert import_roster(session=session, path=book, dry_run=True).ok
