"""report annual (年度包保工作总结): each figure's sentence checked against a second count in SQL,
the PDF in the configured faces with every sentence in it, the DOCX converted by LibreOffice, an
edited template in force, and the scheduled run's report day in January (2026-01-04 is a
make-up Sunday)."""

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.support.briefing import build_county
from tests.support.paperwork import pdf_fonts, pdf_text
from tests.test_monthly import RECORDS


@pytest.fixture
def county(engine, set_today, data_dir):
    build_county(engine, set_today)
    with engine.begin() as c:
        c.execute(text(RECORDS))


def _count(engine, sql: str) -> int:
    with engine.connect() as c:
        return c.execute(text(sql)).scalar()


def test_every_figure_has_its_sentence(county, engine, cli, db_url, tmp_path):
    code, out, err = cli(
        "--db",
        db_url,
        "--today",
        "2026-10-13",
        "report",
        "annual",
        "--year",
        "2026",
        "--out",
        str(tmp_path),
        "--json",
    )
    assert code == 0, err
    result = json.loads(out)
    said = {}
    for s in result["sentences"]:
        said.setdefault(s["figure"], []).append(s["text"])
    entities = _count(engine, "SELECT COUNT(*) FROM entity WHERE active AND status = 'operating'")
    due = _count(
        engine,
        "SELECT COUNT(*) FROM inspection_task WHERE due_date BETWEEN '2026-01-01' AND '2026-12-31' AND NOT (status = 'cancelled' AND cancelled_on <= '2026-10-13')",
    )
    done = _count(
        engine,
        "SELECT COUNT(*) FROM inspection_task WHERE due_date BETWEEN '2026-01-01' AND '2026-12-31' AND status = 'done' AND done_on <= '2026-10-13'",
    )
    visits = _count(
        engine,
        "SELECT COUNT(*) FROM inspection_record WHERE visit_date BETWEEN '2026-01-01' AND '2026-10-13'",
    )
    onsite = _count(engine, "SELECT COUNT(*) FROM inspection_record WHERE mode = 'onsite'")
    found = _count(
        engine, "SELECT COUNT(*) FROM hazard WHERE found_on BETWEEN '2026-01-01' AND '2026-10-13'"
    )
    closed = _count(
        engine, "SELECT COUNT(*) FROM hazard WHERE closed_on BETWEEN '2026-01-01' AND '2026-10-13'"
    )
    assert f"在营食品生产经营主体{entities}家" in said["entities"][0]
    assert (
        f"应开展包保督导{due}家次，已完成{done}家次，完成率{done / due * 100:.1f}%"
        in said["tasks"][0]
    )
    assert f"记录督导{visits}次，其中现场督导{onsite}次" in said["visits"][0]
    assert (
        f"发现问题隐患{found}个" in said["hazards"][0]
        and f"已整改销号{closed}个" in said["hazards"][0]
    )
    assert [s[:9] for s in said["ranking"]] == [
        "2026年第一季度",
        "2026年第二季度",
        "2026年第三季度",
        "2026年第四季度",
    ]
    assert len(said["campaign"]) == 2 and "中秋国庆专项督导" in "".join(said["campaign"])
    pdf = next(Path(f["path"]) for f in result["files"] if f["format"] == "pdf")
    words = pdf_text(pdf)
    assert all("".join(s["text"].split()) in words for s in result["sentences"])
    assert {name for name, _ in pdf_fonts(pdf)} == {
        "Noto-Serif-CJK-SC-Bold",
        "Noto-Sans-CJK-SC",
        "FandolFang",
        "FandolKai",
    }
    if shutil.which("soffice"):
        docx = next(Path(f["path"]) for f in result["files"] if f["format"] == "docx")
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path / "lo-out"),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        assert "".join(said["tasks"][0].split()) in pdf_text(
            tmp_path / "lo-out" / docx.with_suffix(".pdf").name
        )


def test_an_office_rewords_a_sentence(county, cli, db_url, tmp_path, policy_file):
    from config import files
    from config.settings import get_settings

    path = Path(get_settings().config_dir) / "documents" / "annual.toml"
    content = path.read_text(encoding="utf-8")
    path.write_text(
        content.replace('grades = "按主体等级分，', 'grades = "主体等级：'), encoding="utf-8"
    )
    code, out, err = cli(
        "--db",
        db_url,
        "--today",
        "2026-10-13",
        "report",
        "annual",
        "--year",
        "2026",
        "--format",
        "docx",
        "--out",
        str(tmp_path / "a"),
        "--json",
    )
    assert code == 0, err
    grades = next(s["text"] for s in json.loads(out)["sentences"] if s["figure"] == "grades")
    assert grades.startswith("主体等级：") and "级" in grades
    path.write_text(content.replace("{{ by_grade }}", "{{ by_grades }}"), encoding="utf-8")
    files._wording.cache_clear()  # a new command reads the files again
    code, _, err = cli(
        "--db",
        db_url,
        "--today",
        "2026-10-13",
        "report",
        "annual",
        "--year",
        "2026",
        "--format",
        "docx",
        "--out",
        str(tmp_path / "b"),
    )
    assert (
        code == 2
        and "annual.toml" in err
        and "sentences.grades" in err
        and not (tmp_path / "b").exists()
    )


def test_the_scheduled_summary_waits_for_its_day_in_january(engine, set_today, data_dir, db_url):
    from sqlmodel import Session

    from services.demo import dataset as demo
    from services.reporting import annual
    from services.reporting.periodic import report_day

    assert report_day(dt.date(2025, 12, 31), 10) == dt.date(
        2026, 1, 15
    )  # 01-04 counts, 01-01/02 do not
    demo.fill(engine=engine, scale="town", seed=2)
    with Session(engine) as session:
        set_today("2026-01-14")
        assert "2026-01-15" in annual.run_scheduled(session=session)["skipped"]
        set_today("2026-01-15")
        made = annual.run_scheduled(session=session)
        assert made["year"] == "2025" and [f["format"] for f in made["files"]] == ["docx", "pdf"]
        assert "已生成" in annual.run_scheduled(session=session)["skipped"]
