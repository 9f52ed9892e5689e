"""visits print: the 督导检查记录表 re-read from its PDF (text, fonts, images, pages), merged per
officer and per township, refused inputs (exit 2, nothing written), and the web downloads."""

import shutil

import pytest
from sqlalchemy import text
from sqlmodel import Session

from config.files import load_checklist
from tests.support.paperwork import (
    PROBLEM,
    pdf_fonts,
    pdf_images,
    pdf_pages,
    pdf_text,
    pdf_text_page,
    record_visits,
)

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (system-deps)")
FACES = {"Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC", "FandolFang", "FandolKai"}


@pytest.fixture
def visited(town_tasks, engine, data_dir):
    with Session(engine) as session:
        tasks = record_visits(session, 3, photos=2)
    return tasks


def _facts(engine, task_id: int) -> dict:
    with engine.connect() as c:
        row = c.execute(
            text(
                "SELECT e.name, COALESCE(e.credit_code, e.licence_no, e.registration_no), "
                "e.person_in_charge, o.name, o.code, r.answers "
                "FROM inspection_record r JOIN entity e ON e.id = r.entity_id "
                "JOIN officer o ON o.id = r.officer_id WHERE r.task_id = :t"
            ),
            {"t": task_id},
        ).one()
        hazards = (
            c.execute(
                text(
                    "SELECT h.description FROM hazard h JOIN inspection_record r ON r.id = h.record_id "
                    "WHERE r.task_id = :t"
                ),
                {"t": task_id},
            )
            .scalars()
            .all()
        )
    return {"row": row, "hazards": hazards}


def test_one_visit_prints_everything_in_the_official_faces(visited, engine, cli, tmp_path, db_url):
    task = visited[0]
    code, out, err = cli(
        "--db",
        db_url,
        "--today",
        "2026-09-22",
        "visits",
        "print",
        str(task),
        "--out",
        str(tmp_path),
        "--json",
    )
    assert code == 0, err
    import json

    result = json.loads(out)
    pdf = tmp_path / f"督导检查记录表-任务{task}.pdf"
    assert result["files"][0]["path"] == str(pdf.resolve()) and result["files"][0]["visits"] == 1
    words = pdf_text(pdf)
    facts = _facts(engine, task)
    name, key, person, officer, officer_code, answers = facts["row"]
    questions = {i.id: i.text for i in load_checklist().items}
    assert key and person  # the demo has both
    for expected in (name, key, person, officer, officer_code, "2026-09-21", "现场督导"):
        assert "".join(expected.split()) in words, expected
    for item, answer in (answers if isinstance(answers, dict) else json.loads(answers)).items():
        assert "".join(questions[item].split())[:20] in words and answer in words
    assert len(facts["hazards"]) == 2 and "".join(PROBLEM.split()) in words
    for description in facts["hazards"]:
        assert "".join(description.split())[:15] in words
    assert "包保干部（签字）" in words and "主体负责人（签字）" in words
    fonts = pdf_fonts(pdf)
    assert {name for name, _ in fonts} == FACES and all(embedded for _, embedded in fonts)
    images = pdf_images(pdf)  # two thumbnails and two full-size pictures, none at 4000 px
    assert len(images) == 4 and max(w for w, _ in images) <= 1005
    assert sorted(w for w, _ in images)[:2] == [224, 224]  # 38 mm at 150 dpi
    last = pdf_text_page(pdf, pdf_pages(pdf))  # both photos full size on a page of their own
    assert f"{name}·2026-09-21·图1" in last and "图2" in last and "签字" not in last
    assert pdf.stat().st_size < 1_000_000


def test_a_period_merges_per_township_and_per_officer(visited, engine, cli, tmp_path, db_url):
    with engine.connect() as c:
        officer, visits = c.execute(
            text(
                "SELECT o.code, COUNT(*) FROM inspection_record r JOIN officer o ON o.id = r.officer_id "
                "GROUP BY o.code ORDER BY COUNT(*) DESC, o.code LIMIT 1"
            )
        ).one()
    code, out, err = cli(
        "--db",
        db_url,
        "visits",
        "print",
        "--period",
        "2026Q3",
        "--jurisdiction",
        "510101000000",
        "--out",
        str(tmp_path / "town"),
    )
    assert code == 0, err
    pdfs = sorted((tmp_path / "town").glob("*.pdf"))
    total = sum(pdf_text(p).count("食品安全包保督导检查记录表") for p in pdfs)
    assert total == len(visited)
    code, out, err = cli(
        "--db",
        db_url,
        "visits",
        "print",
        "--period",
        "2026Q3",
        "--officer",
        officer,
        "--out",
        str(tmp_path / "one"),
    )
    assert code == 0, err
    (pdf,) = (tmp_path / "one").glob("*.pdf")
    assert pdf_text(pdf).count("食品安全包保督导检查记录表") == visits


@pytest.mark.parametrize(
    "args, message",
    [
        (["99999"], "任务 99999 不存在"),
        (["--period", "2026Q3"], "请指定 --officer"),
        (["--period", "2026Q3", "--officer", "X", "--jurisdiction", "510101000000"], "之一"),
        (["--period", "2026Q2", "--jurisdiction", "510101000000"], "没有督导记录"),
        (["--period", "2026Q9", "--jurisdiction", "510101000000"], "期间"),
    ],
)
def test_bad_input_writes_nothing(visited, cli, tmp_path, db_url, args, message):
    out = tmp_path / "out"
    code, _, err = cli("--db", db_url, "visits", "print", *args, "--out", str(out))
    assert code == 2 and message in err
    assert not out.exists() or not any(out.iterdir())


def test_a_task_without_a_visit_is_refused(town_tasks, engine, cli, tmp_path, db_url, data_dir):
    with engine.connect() as c:
        task = c.execute(text("SELECT MIN(id) FROM inspection_task WHERE status = 'open'")).scalar()
    code, _, err = cli("--db", db_url, "visits", "print", str(task), "--out", str(tmp_path / "o"))
    assert code == 2 and "还没有督导记录" in err and not (tmp_path / "o").exists()
