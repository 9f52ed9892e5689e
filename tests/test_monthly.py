"""report monthly (月报): figures per township and tier checked against a second count in SQL,
the workbook re-read with openpyxl, the DOCX converted by LibreOffice, and the scheduled run on
its report day (the 3rd working day: 2026-10-10, a make-up Saturday after National Day) mailed
with both files attached."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from config import settings
from tests.support.briefing import build_county
from tests.support.paperwork import pdf_text
from tests.support.servers import MailServer, text_part

RECORDS = """
INSERT INTO inspection_record (task_id, officer_id, entity_id, visit_date, mode, answers,
  problems, photos, note, recorded_by, recorded_at)
SELECT t.id, t.officer_id, t.entity_id, t.done_on, CASE WHEN t.id % 3 = 0 THEN 'online'
  ELSE 'onsite' END, '{}', '[]', '[]', NULL, 'test', CURRENT_TIMESTAMP
FROM inspection_task t WHERE t.status = 'done'
"""


@pytest.fixture
def county(engine, set_today, data_dir):
    build_county(engine, set_today)
    with engine.begin() as c:
        c.execute(text(RECORDS))


def _scalar(engine, sql: str) -> int:
    with engine.connect() as c:
        return c.execute(text(sql)).scalar()


def _expected(engine) -> dict:
    sept = "BETWEEN '2026-09-01' AND '2026-09-30'"
    return {
        "due": _scalar(
            engine,
            f"SELECT COUNT(*) FROM inspection_task WHERE due_date {sept} AND NOT "
            "(status = 'cancelled' AND cancelled_on <= '2026-09-30')",
        ),
        "done": _scalar(
            engine,
            f"SELECT COUNT(*) FROM inspection_task WHERE due_date {sept} AND status = 'done' "
            "AND done_on <= '2026-09-30'",
        ),
        "visits": _scalar(
            engine, f"SELECT COUNT(*) FROM inspection_record WHERE visit_date {sept}"
        ),
        "found": _scalar(engine, f"SELECT COUNT(*) FROM hazard WHERE found_on {sept}"),
        "closed": _scalar(engine, f"SELECT COUNT(*) FROM hazard WHERE closed_on {sept}"),
    }


def test_the_month_in_a_workbook_and_a_docx(county, engine, cli, db_url, tmp_path):
    code, out, err = cli(
        "--db",
        db_url,
        "--today",
        "2026-10-13",
        "report",
        "monthly",
        "--month",
        "2026-09",
        "--out",
        str(tmp_path),
        "--json",
    )
    assert code == 0, err
    result, expected = json.loads(out), _expected(engine)
    assert [f["format"] for f in result["files"]] == ["xlsx", "docx"]
    h = result["headline"]
    assert (h["tasks_due"], h["tasks_done"], h["visits"]) == (
        expected["due"],
        expected["done"],
        expected["visits"],
    )
    assert (h["hazards_found"], h["hazards_closed"]) == (expected["found"], expected["closed"])
    assert expected["visits"] > 0 and expected["due"] > 0 and expected["found"] > 0
    book = load_workbook(result["files"][0]["path"])
    towns = book["分乡镇督导"]
    assert [c.value for c in towns[3]] == [
        "乡镇（街道）",
        "本月应督导",
        "本月已完成",
        "本月完成率",
        "本月督导次数",
        "本季度完成率",
    ]
    total = [c.value for c in towns[towns.max_row]]
    assert (
        total[:3] == ["合计", expected["due"], expected["done"]] and total[4] == expected["visits"]
    )
    assert total[3] == f"{expected['done'] / expected['due'] * 100:.1f}%"
    assert [c.value for c in book["问题隐患"][book["问题隐患"].max_row]][:3] == [
        "合计",
        expected["found"],
        expected["closed"],
    ]
    assert towns.auto_filter.ref and towns.page_setup.orientation == "landscape"
    if shutil.which("soffice"):
        docx = Path(result["files"][1]["path"])
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        words = pdf_text(docx.with_suffix(".pdf"))
        assert "福塘县食品安全包保工作月报（2026年9月）" in words
        assert (
            f"记录包保督导{expected['visits']}次" in words
            and f"新发现问题隐患{expected['found']}个" in words
        )


def test_bad_months_are_refused(county, cli, db_url, tmp_path):
    for args, message in (
        (["--month", "2026Q3"], "月份"),
        (["--month", "2026-11"], "尚未开始"),
        (["--month", "2026-09", "--format", "pdf"], "pdf"),
    ):
        code, _, err = cli(
            "--db",
            db_url,
            "--today",
            "2026-10-13",
            "report",
            "monthly",
            *args,
            "--out",
            str(tmp_path / "o"),
        )
        assert code == 2 and message in err and not (tmp_path / "o").exists()


def _recipients(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(
        Path(__file__).resolve().parent.parent / "config",
        folder,
        ignore=shutil.ignore_patterns("*.py", "__pycache__"),
    )
    policy = (folder / "policy.toml").read_text(encoding="utf-8")
    policy, n = re.subn(
        r"(?m)^recipients = \[\]( +# 县食安办.*)$",
        'recipients = ["县食安办 <sab@example.cn>"]',
        policy,
    )
    assert n == 1
    (folder / "policy.toml").write_text(policy, encoding="utf-8")
    return folder


def test_the_scheduled_run_reports_last_month_once_on_its_day(
    county, db_url, tmp_path, monkeypatch, set_today
):
    from flows.monthly_report_flow import monthly_report_flow

    server = MailServer().start()
    try:
        for key, value in {
            "BAOBAO_SMTP_HOST": "127.0.0.1",
            "BAOBAO_SMTP_PORT": str(server.port),
            "BAOBAO_CONFIG_DIR": str(_recipients(tmp_path)),
            "BAOBAO_DATABASE_URL": db_url,
        }.items():
            monkeypatch.setenv(key, value)
        settings.reset()
        set_today("2026-10-09")  # the 2nd working day of October
        early = monthly_report_flow.fn()
        set_today("2026-10-10")  # a Saturday, the make-up workday: the 3rd working day
        first = monthly_report_flow.fn()
        again = monthly_report_flow.fn()
    finally:
        server.stop()
    assert early["produced"] == 0 and "2026-10-10" in early["reports"][0]["skipped"]
    assert first["produced"] == 1 and first["reports"][0]["month"] == "2026-09"
    assert first["reports"][0]["mail"]["sent"] == 1 and again["produced"] == 0
    (message,) = server.to("sab@example.cn")
    names = sorted(part.get_filename() for part in message.iter_attachments())
    assert names == [
        "福塘县食品安全包保工作月报（2026年9月）.docx",
        "福塘县食品安全包保工作月报（2026年9月）.xlsx",
    ]
    assert all(
        part["Content-Disposition"].startswith("attachment") for part in message.iter_attachments()
    )
    assert "月报" in message["Subject"] and "请查收" in text_part(message)
