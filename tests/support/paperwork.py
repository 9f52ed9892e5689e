"""Visits recorded on the town demo (seed 2, 2026Q3 tasks) through the real service, with
checklist answers, a problem with markup and phone-sized photos; and PDF re-reading helpers."""

import datetime as dt
import io
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import text
from sqlmodel import Session

from config import settings as settings_module
from services.core.evidence import check_content
from services.visits.records import record_visit
from tests.support.hazards import PNG

PROBLEM = "冷藏柜温度超标 & 未记录 <温度>"


def phone_photo(colour: str, size=(4000, 3000)) -> bytes:
    """A JPEG the size a phone takes (~12 megapixels)."""
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).ellipse(
        (size[0] // 8, size[1] // 8, size[0] * 7 // 8, size[1] * 7 // 8), fill="white"
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def visit_tasks(session: Session, count: int) -> list[tuple[int, str]]:
    """The first count open 2026Q3 tasks: (task id, entity category)."""
    rows = session.execute(
        text(
            "SELECT t.id, e.category FROM inspection_task t JOIN entity e ON e.id = t.entity_id "
            "WHERE t.status = 'open' ORDER BY t.id LIMIT :n"
        ),
        {"n": count},
    ).all()
    return [(tid, category) for tid, category in rows]


def record_visits(
    session: Session, count: int, *, photos: int = 1, day=dt.date(2026, 9, 21)
) -> list[int]:
    """Record count visits (2026-09-21, on site) answering every item, the first 否, with photos
    (without any, the 否 item carries one small photo); the first visit also lists a problem
    with markup. Returns the task ids."""
    settings_module.configure(today=dt.date(2026, 9, 22))
    from config.files import load_checklist

    items = load_checklist().items
    done = []
    for n, (task_id, category) in enumerate(visit_tasks(session, count)):
        asked = [i.id for i in items if not i.categories or category in i.categories]
        answers = {key: "否" if key == asked[0] else "是" for key in asked}
        problems = [{"description": PROBLEM, "level": "较大"}] if n == 0 else []
        files = [
            check_content(
                filename=f"p{n}-{k}.jpg", content=phone_photo(("#c55", "#5c5", "#55c")[k % 3])
            )
            for k in range(photos)
        ]
        record_visit(
            session=session,
            task_id=task_id,
            mode="现场",
            visit_date=day,
            document={"answers": answers, "problems": problems},
            photos=files,
            item_photos={}
            if files
            else {asked[0]: [check_content(filename="否.png", content=PNG)]},
            recorded_by="test",
        )
        done.append(task_id)
    session.commit()
    return done


def pdf_text(path: Path) -> str:
    """The PDF's text without white space (line breaks fall anywhere in Chinese)."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode("utf-8")
    return "".join(out.split())


def pdf_text_page(path: Path, page: int) -> str:
    """The text of one page, without white space."""
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode("utf-8")
    return "".join(out.split())


def pdf_fonts(path: Path) -> list[tuple[str, bool]]:
    """(font name without subset tag, embedded) of every font in the PDF (pdffonts)."""
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()[2:]
    found = []
    for line in lines:
        parts = line.split()
        name = parts[0].split("+", 1)[-1]
        found.append((name, "yes" in parts[-5:-3]))
    return found


def pdf_images(path: Path) -> list[tuple[int, int]]:
    """(width, height) in pixels of every image in the PDF (pdfimages -list)."""
    lines = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()[2:]
    return [
        (int(line.split()[3]), int(line.split()[4])) for line in lines if line.split()[2] == "image"
    ]


def pdf_pages(path: Path) -> int:
    """The PDF's page count."""
    info = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
