"""The rectification lifecycle as a table: every (state, actor, target) allowed or refused;
evidence and reasons required; every move audited; refusals write nothing."""

import datetime as dt
import json

import pytest
from sqlmodel import select

from models import AuditEvent, Hazard, HazardEvidence
from services.core import evidence
from services.core.errors import BadInput
from tests.support.hazards import PNG, add_hazard_row, build_roster, move_as, report_as

STATES = ("pending", "rectifying", "awaiting_verification", "closed")
LABELS = {
    "pending": "待整改",
    "rectifying": "整改中",
    "awaiting_verification": "待验收",
    "closed": "已销号",
}
# The hazard is at 东村 (under 东镇) and covered by BBV001.
ACTORS = {
    "covering officer": "BBV001",
    "other officer of the township": "BBA001",
    "township supervisor": "dbA",
    "county admin": "admin",
    "other township's supervisor": "dbB",
    "inactive county supervisor": "old",
}
ALLOWED = {  # (from, to) → who may; everything else is refused
    ("pending", "rectifying"): {"covering officer", "township supervisor", "county admin"},
    ("rectifying", "awaiting_verification"): {
        "covering officer",
        "township supervisor",
        "county admin",
    },
    ("awaiting_verification", "closed"): {"township supervisor", "county admin"},
    ("awaiting_verification", "rectifying"): {"township supervisor", "county admin"},
}
FROM_STATE = {  # what a refusal names as the state's allowed moves
    "pending": ["待整改 → 整改中"],
    "rectifying": ["整改中 → 待验收"],
    "awaiting_verification": ["待验收 → 已销号", "待验收 → 整改中"],
    "closed": [],
}


@pytest.fixture
def png_file(tmp_path):
    path = tmp_path / "整改照片.png"
    path.write_bytes(PNG)
    return path


@pytest.fixture
def png(png_file):
    """The photo as the pages, the API and the CLI hand it to the service: read and checked."""
    return evidence.read_file(path=png_file)


@pytest.mark.parametrize("state", STATES)
def test_every_actor_and_target_from_a_state(session, set_today, data_dir, png, state):
    set_today("2026-10-12")
    r = build_roster(session)
    for actor, account in ACTORS.items():
        for target in STATES:
            closed_on = dt.date(2026, 10, 1) if state == "closed" else None
            hazard = add_hazard_row(
                session,
                entity=r.e1,
                officer=r.officers["BBV001"],
                status=state,
                closed_on=closed_on,
            )
            call = dict(
                session=session,
                hazard_id=hazard.id,
                target=LABELS[target],
                by=account,
                files=[png],
                note="复查发现仍未整改到位",
            )
            if actor in ALLOWED.get((state, target), ()):
                result = move_as(**call)
                session.commit()
                session.refresh(hazard)
                assert (result["from"], result["to"], hazard.status) == (state, target, target)
                assert hazard.closed_on == (dt.date(2026, 10, 12) if target == "closed" else None)
                continue
            with pytest.raises(BadInput) as refused:
                move_as(**call)
            message = str(refused.value)
            assert message.startswith("不允许") or "停用" in message, (actor, target, message)
            if "停用" not in message:
                for move in FROM_STATE[state] or ["此状态允许的变更：无"]:
                    assert move in message, (actor, target, message)
            session.rollback()
            session.refresh(hazard)
            assert (hazard.status, hazard.closed_on) == (state, closed_on)
            assert (
                session.exec(select(AuditEvent).where(AuditEvent.object_id == str(hazard.id))).all()
                == []
            )
            assert (
                session.exec(
                    select(HazardEvidence).where(HazardEvidence.hazard_id == hazard.id)
                ).all()
                == []
            )


def test_an_office_held_hazard_is_moved_by_offices_only(session, set_today, data_dir, png):
    set_today("2026-10-12")
    r = build_roster(session)
    hazard = add_hazard_row(session, place=r.east, source="sampling")
    with pytest.raises(BadInput, match="不是该隐患的包保干部"):
        move_as(session=session, hazard_id=hazard.id, target="整改中", by="BBA001")
    session.rollback()
    move_as(session=session, hazard_id=hazard.id, target="整改中", by="dbA")
    move_as(session=session, hazard_id=hazard.id, target="待验收", by="dbA", files=[png])
    move_as(session=session, hazard_id=hazard.id, target="销号", by="admin")
    session.commit()
    assert session.get(Hazard, hazard.id).status == "closed"


def test_reporting_needs_evidence_and_sending_back_needs_a_reason(
    session, set_today, data_dir, png
):
    set_today("2026-10-12")
    r = build_roster(session)
    hazard = add_hazard_row(session, entity=r.e1, officer=r.officers["BBV001"], status="rectifying")
    with pytest.raises(BadInput, match="至少一个整改证据文件"):
        move_as(session=session, hazard_id=hazard.id, target="待验收", by="BBV001")
    session.rollback()
    move_as(session=session, hazard_id=hazard.id, target="待验收", by="BBV001", files=[png])
    session.commit()
    with pytest.raises(BadInput, match="写明原因"):
        move_as(session=session, hazard_id=hazard.id, target="整改中", by="dbA", note="  ")
    session.rollback()
    move_as(
        session=session,
        hazard_id=hazard.id,
        target="整改中",
        by="dbA",
        note="照片显示防蝇帘仍未安装",
    )
    session.commit()
    assert session.get(Hazard, hazard.id).status == "rectifying"


def test_every_move_is_audited_with_its_evidence_and_note(
    session, set_today, data_dir, png, tmp_path
):
    set_today("2026-10-12")
    r = build_roster(session)
    hazard = add_hazard_row(session, entity=r.e1, officer=r.officers["BBV001"])
    pdf = tmp_path / "整改报告.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    pdf = evidence.read_file(path=pdf)
    steps = [
        ("整改中", "BBV001", [], None),
        ("待验收", "BBV001", [png, pdf], "已更换"),
        ("整改中", "dbA", [], "标签仍不全"),
        ("待验收", "BBV001", [png], None),
        ("已销号", "dbA", [], "现场复查合格"),
    ]
    for target, by, files, note in steps:
        move_as(
            session=session,
            hazard_id=hazard.id,
            target=target,
            by=by,
            files=files,
            note=note,
        )
    session.commit()
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "hazard.move").order_by(AuditEvent.id)
    ).all()
    png_hash = session.exec(
        select(HazardEvidence.sha256).where(HazardEvidence.filename == "整改照片.png")
    ).one()
    assert [(e.actor, e.before["status"], e.after["status"]) for e in events] == [
        ("BBV001", "pending", "rectifying"),
        ("BBV001", "rectifying", "awaiting_verification"),
        ("dbA", "awaiting_verification", "rectifying"),
        ("BBV001", "rectifying", "awaiting_verification"),
        ("dbA", "awaiting_verification", "closed"),
    ]
    assert [e.after["note"] for e in events] == [None, "已更换", "标签仍不全", None, "现场复查合格"]
    assert len(events[1].after["evidence"]) == 2 and events[3].after["evidence"] == [png_hash]
    assert [e.after["actor_kind"] for e in events] == [
        "officer",
        "officer",
        "supervisor",
        "officer",
        "supervisor",
    ]
    assert events[4].after["closed_on"] == "2026-10-12"
    assert all(e.object_type == "hazard" and e.object_id == str(hazard.id) for e in events)
    # The same photo reported twice is stored and linked once.
    assert len(session.exec(select(HazardEvidence)).all()) == 2


def test_cli_move_refusal_is_one_line_exit_2_and_writes_nothing(db_url, session, cli, png):
    r = build_roster(session)
    hazard = add_hazard_row(
        session, entity=r.e1, officer=r.officers["BBV001"], status="awaiting_verification"
    )
    code, out, err = cli(
        "--db",
        db_url,
        "--today",
        "2026-10-12",
        "hazards",
        "move",
        str(hazard.id),
        "已销号",
        "--by",
        "BBV001",
    )
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "包保干部只能报告整改，不能验收或销号" in err
    assert "待验收 → 已销号" in err and "待验收 → 整改中" in err
    session.expire_all()
    assert session.get(Hazard, hazard.id).status == "awaiting_verification"
    assert session.exec(select(AuditEvent)).all() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999", "整改中", "--by", "dbA"], "隐患 999 不存在"),
        (["{id}", "完成", "--by", "dbA"], "状态 '完成' 无效"),
        (["{id}", "整改中", "--by", "nobody"], "账号 'nobody' 不存在"),
        (["{id}", "整改中"], "缺少选项"),
    ],
)
def test_cli_move_bad_input(db_url, session, cli, args, message):
    r = build_roster(session)
    hazard = add_hazard_row(session, entity=r.e1, officer=r.officers["BBV001"])
    args = [a.format(id=hazard.id) for a in args]
    code, _, err = cli("--db", db_url, "hazards", "move", *args)
    assert code == 2 and message in err


def test_cli_full_cycle_with_evidence(db_url, session, cli, png_file, data_dir):
    r = build_roster(session)
    hazard = add_hazard_row(session, entity=r.e1, officer=r.officers["BBV001"])
    base = ("--db", db_url, "--today", "2026-10-12", "hazards", "move", str(hazard.id))
    assert cli(*base, "整改中", "--by", "BBV001")[0] == 0
    code, out, err = cli(
        *base,
        "待验收",
        "--by",
        "BBV001",
        "--evidence",
        str(png_file),
        "--evidence",
        str(png_file),
        "--json",
    )
    assert code == 0, err
    moved = json.loads(out)
    assert moved["to"] == "awaiting_verification" and len(moved["evidence"]) == 1
    stored = data_dir / "evidence" / moved["evidence"][0][:2] / moved["evidence"][0]
    assert stored.read_bytes() == PNG
    code, out, _ = cli(*base, "已销号", "--by", "dbA")
    assert code == 0 and "待验收 → 已销号" in out
    session.expire_all()
    closed = session.get(Hazard, hazard.id)
    assert (closed.status, closed.closed_on) == ("closed", dt.date(2026, 10, 12))


def test_reporting_rectified_starts_a_pending_hazard_first(session, set_today, data_dir, png):
    """The officer's one report: 待整改 → 整改中 → 待验收, the evidence and note on the last."""
    set_today("2026-10-12")
    r = build_roster(session)
    pending = add_hazard_row(session, entity=r.e1, officer=r.officers["BBV001"])
    rectifying = add_hazard_row(
        session, entity=r.e1, officer=r.officers["BBV001"], status="rectifying"
    )
    with pytest.raises(BadInput, match="至少一个整改证据文件"):
        report_as(session=session, hazard_id=pending.id, by="BBV001", files=[])
    session.rollback()
    assert session.get(Hazard, pending.id).status == "pending"
    for hazard in (pending, rectifying):
        result = report_as(
            session=session, hazard_id=hazard.id, by="BBV001", files=[png], note="已整改"
        )
        assert (result["to"], result["evidence"]) == ("awaiting_verification", [png.sha256])
    session.commit()
    moves = [
        (int(e.object_id), e.after["status"], e.after["evidence"], e.after["note"])
        for e in session.exec(
            select(AuditEvent).where(AuditEvent.action == "hazard.move").order_by(AuditEvent.id)
        )
    ]
    assert moves == [
        (pending.id, "rectifying", [], None),
        (pending.id, "awaiting_verification", [png.sha256], "已整改"),
        (rectifying.id, "awaiting_verification", [png.sha256], "已整改"),
    ]
