"""The quarterly briefing: sections in the county's order, every figure against last quarter,
存在的问题 from the figures, files + Briefing row + audit, the report day, the flow and mail."""

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from config import settings
from models import AuditEvent, Briefing
from services.core.periods import quarter
from services.reporting.briefing import document as briefing
from tests.support.briefing import T3, build_county
from tests.support.servers import MailServer, text_part

ROOT = Path(__file__).resolve().parent.parent
HEADINGS = [
    "一、总体情况",
    "二、包保督导完成情况",
    "三、问题隐患整改情况",
    "四、风险隐患清单和治理责任清单",
    "五、农村集体聚餐备案情况",
    "六、红黑榜",
    "七、存在的问题",
    "八、下一季度工作安排",
]


@pytest.fixture(scope="module", autouse=True)
def _report_commands():
    from cli import report_commands
    from cli.app import app

    if not any(c.name == "briefing" for c in app.registered_commands):
        report_commands.register(app)


@pytest.fixture
def county(engine, set_today, tmp_path, monkeypatch):
    monkeypatch.setenv("BAOBAO_DATA_DIR", str(tmp_path / "data"))
    settings.reset()
    return build_county(engine, set_today)


def _texts(doc: dict, heading: str) -> str:
    section = next(s for s in doc["sections"] if s["heading"] == heading)
    return "\n".join(b.get("text", "") for b in section["blocks"])


def test_sections_follow_the_county_order_and_compare_with_last_quarter(session, county):
    c = briefing.context(session=session, quarter=quarter("2026Q3"))
    doc = briefing.document(c)
    assert [s["heading"] for s in doc["sections"]] == HEADINGS
    assert (
        doc["title"]
        == "关于2026年第三季度" + c["cur"]["jurisdiction"]["name"] + "食品安全包保工作情况的汇报"
    )
    for heading in HEADINGS[:4]:
        assert "上季度" in _texts(doc, heading), heading
    tasks, before = c["cur"]["tasks"]["all"], c["prev"]["tasks"]["all"]
    points = (tasks["completion_rate"] - before["completion_rate"]) * 100
    word = "提高" if points > 0 else "下降"
    assert (
        f"完成率{tasks['completion_rate'] * 100:.1f}%（较上季度{word}{abs(points):.1f}个百分点）"
        in _texts(doc, HEADINGS[1])
    )
    assert "新发现问题隐患6个" in _texts(doc, HEADINGS[2])
    tables = [b for s in doc["sections"] for b in s["blocks"] if b["kind"] == "table"]
    ranking = next(t for t in tables if t["caption"].startswith("表8"))
    assert "上季度名次" in ranking["headers"] and ranking["rows"][-1][1] == "三河镇"
    assert [b["name"] for s in doc["sections"] for b in s["blocks"] if b["kind"] == "chart"] == [
        "completion",
        "trend",
    ]


def test_problems_are_written_from_the_figures(session, county):
    c = briefing.context(session=session, quarter=quarter("2026Q3"))
    problems = _texts(briefing.document(c), "七、存在的问题")
    assert problems.startswith("（一）督导任务完成率偏低")
    # Every township with tasks due is below the 95 % target: none is singled out by name, but
    # their rates spread by more than [briefing] imbalance_spread.
    assert "最低的三河镇为0.0%" in problems and "尤为突出" not in problems
    assert "四方镇" not in problems  # nothing was due there
    tiers = c["cur"]["tasks"]["by_tier"]
    rated = [t for t, n in tiers.items() if n["completion_rate"] is not None]
    low = [t for t in rated if tiers[t]["completion_rate"] < 0.95]
    # 部分层级履职不到位 only when some tiers, not all, are below target.
    assert ("部分层级履职不到位" in problems) == (0 < len(low) < len(rated))
    assert "逾期未整改隐患4个，其中重大隐患2个" in problems
    assert "屡查屡犯" in problems and "2家主体" in problems
    assert "抽检不合格（0.0%）" in problems


def test_produce_writes_files_records_the_briefing_and_audits_it(session, county):
    result = briefing.produce(session=session, quarter="2026Q3", formats=["html", "docx"])
    session.commit()
    assert [f["format"] for f in result["files"]] == ["html", "docx"]
    for f in result["files"]:
        data = Path(f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["size"]
        assert Path(f["path"]).is_relative_to(
            Path(settings.get_settings().data_dir).resolve()
            / "briefings"
            / "2026Q3"
            / "510101000000"
        )
    row = session.get(Briefing, result["id"])
    assert row.quarter == "2026Q3" and row.files == result["files"]
    assert row.figures["current"]["tasks"]["all"]["due"] == result["headline"]["tasks_due"]
    assert row.figures["previous"]["quarter"] == "2026Q2"
    assert row.figures["ranking"]["red"] == result["headline"]["red"]
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "briefing.produce")
    ).scalar_one()
    assert event.object_id == str(row.id) and event.after["quarter"] == "2026Q3"


def test_report_day_is_the_fifth_working_day_and_a_briefing_is_made_once(
    session, county, set_today
):
    assert briefing.report_day(quarter("2026Q3")) == dt.date(2026, 10, 13)  # 10-10 is a workday
    assert briefing.report_day(quarter("2026Q2")) == dt.date(2026, 7, 7)
    set_today("2026-10-12")
    assert briefing.due_quarter(session=session) is None
    briefing.produce(session=session, quarter="2026Q3", formats=["html"])  # early, by hand
    session.commit()
    set_today("2026-10-13")
    assert briefing.due_quarter(session=session) == "2026Q3"
    briefing.produce(session=session, quarter="2026Q3", formats=["html"])
    session.commit()
    assert briefing.due_quarter(session=session) is None
    set_today("2026-10-20")
    assert briefing.due_quarter(session=session) is None


def _recipients_config(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    for name in ("policy.toml", "checklist.toml", "schedules.toml"):
        shutil.copy(ROOT / "config" / name, folder / name)
    shutil.copytree(ROOT / "config" / "documents", folder / "documents", dirs_exist_ok=True)
    policy = (folder / "policy.toml").read_text(encoding="utf-8")
    policy, n = re.subn(
        r"(?m)^recipients = .*# 收件人邮箱.*$",
        'recipients = ["县委办 <xwb@example.cn>", "sab@example.cn"]\nformats = ["html"]',
        policy,
    )
    policy = re.sub(r'(?m)^formats = \["docx", "pdf", "html"\]\n', "", policy)
    assert n == 1
    (folder / "policy.toml").write_text(policy, encoding="utf-8")
    return folder


def test_flow_produces_the_due_briefing_once_and_mails_it(
    db_url, engine, county, tmp_path, monkeypatch, set_today
):
    from flows.briefing_flow import briefing_flow

    server = MailServer().start()
    try:
        for key, value in {
            "BAOBAO_SMTP_HOST": "127.0.0.1",
            "BAOBAO_SMTP_PORT": str(server.port),
            "BAOBAO_CONFIG_DIR": str(_recipients_config(tmp_path)),
            "BAOBAO_DATABASE_URL": db_url,
        }.items():
            monkeypatch.setenv(key, value)
        settings.reset()
        set_today("2026-10-12")
        assert briefing_flow.fn() == {"produced": 0, "skipped": 1, "briefings": []}
        set_today("2026-10-13")
        first = briefing_flow.fn()
        again = briefing_flow.fn()
    finally:
        server.stop()
    assert first["produced"] == 1 and first["briefings"][0]["quarter"] == "2026Q3"
    assert first["briefings"][0]["mail"]["queued"] == 2 == first["briefings"][0]["mail"]["sent"]
    assert again["produced"] == 0
    assert sorted(r for rcpt, _ in server.messages for r in rcpt) == [
        "sab@example.cn",
        "xwb@example.cn",
    ]
    body = text_part(server.to("xwb@example.cn")[0])
    assert "督导完成率" in body and "食品安全包保工作情况汇报.html" in body
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(Briefing)).scalar_one() == 1


def test_cli_briefing_writes_where_asked_and_refuses_bad_input(
    cli, db_url, engine, county, tmp_path
):
    out_dir = tmp_path / "out"
    code, out, err = cli(
        "--db",
        db_url,
        "--today",
        "2026-10-13",
        "briefing",
        "--quarter",
        "2026Q3",
        "--format",
        "html",
        "--out",
        str(out_dir),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert [Path(f["path"]).parent for f in data["files"]] == [out_dir.resolve()]
    assert data["headline"]["hazards_found"] == 6
    for args, message in (
        (["--format", "xls"], "xls"),
        (["--send"], "收件人"),
        (["--jurisdiction", "999"], "999"),
    ):
        code, out, err = cli(
            "--db", db_url, "--today", "2026-10-13", "briefing", "--quarter", "2026Q3", *args
        )
        assert code == 2 and out == "" and message in err and len(err.splitlines()) == 1
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM briefing")).scalar_one() == 1


def test_unassigned_names_with_markup_reach_the_document(session, county):
    entity = county["t3_entities"][0]
    session.execute(
        text("UPDATE entity SET name = '三河镇<第1>餐馆 & 小吃' WHERE id = :id"), {"id": entity}
    )
    session.execute(
        text("UPDATE assignment SET end_date = '2026-09-01' WHERE entity_id = :id"), {"id": entity}
    )
    session.commit()
    doc = briefing.document(briefing.context(session=session, quarter=quarter("2026Q3")))
    assert "三河镇<第1>餐馆 & 小吃" in _texts(doc, "一、总体情况")
    assert T3 in [
        t["code"]
        for t in briefing.context(session=session, quarter=quarter("2026Q3"))["cur"]["townships"]
    ]
