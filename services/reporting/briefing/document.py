"""季度汇报: the standing-committee briefing — assembled from the figures service, written as
DOCX / PDF / HTML (reports/), recorded as a Briefing row and mailed through the outbox.

Schedule: the briefing of a quarter is due on the report day, the
briefing.report_workday-th working day of the next quarter (default the 5th). The flow fires
daily in the first weeks of each quarter; due_quarter() decides, so a day the scheduler missed
is caught up and a briefing is produced once.
"""

import datetime as dt
from pathlib import Path
from typing import TypedDict, final

from sqlalchemy import select
from sqlmodel import Session

from config.files import load_policy
from config.settings import get_settings
from config.wording_model import BriefingWording
from models.briefing import Briefing
from models.db import stored_id
from models.enums import JurisdictionLevel
from reports.document import Document, Section
from reports.files import WrittenFile
from services.core import audit, calendar, clock, jurisdictions
from services.core.errors import BadInput
from services.core.jurisdictions import resolve_scope
from services.core.periods import Period, period_containing, previous_period
from services.core.periods import quarter as parse_quarter
from services.figures.held import held_in, held_since
from services.figures.quarter import JurisdictionRef, briefing_figures
from services.reminders.delivery import Mailed
from services.reporting import ranking
from services.reporting.briefing import banquets as briefing_banquets
from services.reporting.briefing import board as briefing_board
from services.reporting.briefing import problems as briefing_problems
from services.reporting.briefing import sections as briefing_sections
from services.reporting.briefing import supervision as briefing_supervision
from services.reporting.briefing import text as tx
from services.reporting.briefing.blocks import BriefingContext, Part
from services.reporting.ranking.history import black_streaks
from services.reporting.wording import Words

ACTOR = "system"


class BriefingHeadline(TypedDict):
    """The key figures of a briefing (for the CLI and the mail)."""

    entities: int
    unassigned: int
    tasks_due: int
    tasks_done: int
    completion_rate: float | None
    on_time_rate: float | None
    hazards_found: int
    hazards_closed: int
    closure_rate: float | None
    red: list[str]
    black: list[str]


@final
class Produced(TypedDict):
    """A briefing written (and mailed, with send): its row, files and key figures."""

    id: int
    quarter: str
    jurisdiction: JurisdictionRef
    title: str
    files: list[WrittenFile]
    mail: Mailed | None
    headline: BriefingHeadline


def context(
    *, session: Session, quarter: Period, jurisdiction: str | None = None
) -> BriefingContext:
    """Everything the sections are written from: this quarter's figures and board, and last
    quarter's only where the system held data then (else None: "上季度无可比数据")."""
    figures = briefing_figures(session=session, quarter=quarter, jurisdiction_code=jurisdiction)
    cur = figures["cur"]
    root = resolve_scope(session=session, code=cur["jurisdiction"]["code"])
    since = held_since(session=session, scope_path=root.path)
    before = previous_period(quarter)
    prev_held = held_in(before, since)
    office, highlight = ranking.board_office(session=session, code=root.code)
    now = ranking.unit_figures(session=session, quarter=quarter, office=office)
    then = (
        ranking.unit_figures(session=session, quarter=before, office=office) if prev_held else None
    )
    board = ranking.board_of(
        session=session, quarter=quarter, office=office, highlight=highlight, figures_of=now
    )
    by_county = root.level == JurisdictionLevel.CITY.value
    return {
        "cur": cur,
        "next": figures["next"],
        "prev": figures["prev"] if prev_held else None,
        "trend": [
            t
            for t in figures["trend"]
            if t["quarter"] == quarter.name or held_in(parse_quarter(t["quarter"]), since)
        ],
        "policy": load_policy(),
        "scope_word": tx.SCOPE_WORDS.get(cur["jurisdiction"]["level"], "全辖区"),
        "by_county": by_county,
        "counties_of": ranking.township_counties(session=session, office=root) if by_county else {},
        "units": now,
        "units_prev": then,
        "rank": board,
        "rank_prev": None
        if then is None
        else ranking.board_of(session=session, quarter=before, office=office, figures_of=then),
        "black_streaks": black_streaks(
            session=session, quarter=quarter, office=office, board=board
        ),
    }


def document(c: BriefingContext) -> Document:
    """The briefing document (title, sections, charts) that reports/ renders."""
    cur, rank = c["cur"], c["rank"]
    place, label = cur["jurisdiction"]["name"], tx.quarter_label(cur["quarter"])
    names = {t["code"]: t["name"] for t in ranking.units(rank)}
    words = Words("briefing", BriefingWording)
    values = {
        "quarter_label": label,
        "place": place,
        "level": cur["jurisdiction"]["level"],
        "scope_word": c["scope_word"],
    }
    title = words.phrases("title", **values)
    return {
        "title": "".join(title),
        "title_phrases": title,
        "issuer": c["policy"].briefing.issuer.format(county=place),
        "date": tx.cn_date(clock.today()),
        "quarter": cur["quarter"],
        "quarter_label": label,
        "salutation": words.text("salutation", **values),
        "lead": words.text("lead", **values),
        "sections": [
            _section(part)
            for part in (
                briefing_sections.overview(c),
                briefing_supervision.supervision(c),
                briefing_sections.hazards(c),
                briefing_sections.lists(c),
                briefing_banquets.banquets(c),
                briefing_board.ranking(c),
                briefing_problems.problems(c),
                briefing_sections.next_quarter(c),
            )
        ],
        "next_label": tx.quarter_label(c["next"]["quarter"]),
        "red_names": "、".join(names[x] for x in rank["red"]),
        "black_names": "、".join(names[x] for x in rank["black"]),
        "charts": {
            "completion": briefing_supervision.completion_chart(c),
            "trend": {
                "labels": [tx.quarter_label(t["quarter"]).replace("第", "") for t in c["trend"]],
                "found": [t["found"] for t in c["trend"]],
                "closed": [t["closed"] for t in c["trend"]],
            },
        },
    }


def _section(part: Part) -> Section:
    return {
        "boilerplate": part.get("boilerplate", False),
        "heading": part["heading"],
        "blocks": part["blocks"],
    }


def _formats(formats: list[str] | None) -> list[str]:
    chosen = [f.strip().lower() for f in (formats or load_policy().briefing.formats) if f.strip()]
    bad = [f for f in chosen if f not in ("docx", "pdf", "html")]
    if bad or not chosen:
        raise BadInput(f"格式 {'、'.join(bad) or '（空）'} 无效，可选：docx、pdf、html")
    return list(dict.fromkeys(chosen))


def produce(
    *,
    session: Session,
    quarter: str,
    jurisdiction: str | None = None,
    formats: list[str] | None = None,
    out_dir: Path | None = None,
    send: bool = False,
    actor: str = ACTOR,
) -> Produced:
    """Write the briefing files, record a Briefing row (files, sha256, figures) and, with send,
    queue it to briefing.recipients through the outbox."""
    from reports.files import write_files

    period, formats = parse_quarter(quarter), _formats(formats)
    c = context(session=session, quarter=period, jurisdiction=jurisdiction)
    doc, root = document(c), c["cur"]["jurisdiction"]
    moment = clock.now()
    folder = (
        Path(out_dir)
        if out_dir
        else (
            Path(get_settings().data_dir)
            / "briefings"
            / period.name
            / root["code"]
            / moment.strftime("%Y%m%d-%H%M%S")
        )
    )
    stem = f"{root['name']}{doc['quarter_label']}食品安全包保工作情况汇报"
    files = write_files(doc, formats=formats, folder=folder, stem=stem)
    row = Briefing(
        quarter=period.name,
        jurisdiction_id=stored_id(resolve_scope(session=session, code=root["code"])),
        files=files,
        created_at=moment,
        figures={
            "current": c["cur"],
            "previous": c["prev"],
            "ranking": c["rank"],
            "trend": c["trend"],
            "next_quarter": c["next"],
        },
    )
    session.add(row)
    session.flush()
    audit.record_event(
        session=session,
        actor=actor,
        action="briefing.produce",
        object_type="briefing",
        object_id=row.id,
        after={
            "quarter": period.name,
            "jurisdiction": root["code"],
            "files": [{k: f[k] for k in ("format", "sha256")} for f in files],
        },
    )
    sent = mail(session=session, briefing=row, doc=doc, c=c) if send else None
    return {
        "id": stored_id(row),
        "quarter": period.name,
        "jurisdiction": root,
        "title": doc["title"],
        "files": files,
        "mail": sent,
        "headline": headline(c),
    }


def headline(c: BriefingContext) -> BriefingHeadline:
    """The key figures of a briefing (for the CLI and the mail)."""
    tasks, hazards = c["cur"]["tasks"]["all"], c["cur"]["hazards"]["totals"]
    return {
        "entities": c["cur"]["coverage"]["entities"],
        "unassigned": c["cur"]["coverage"]["unassigned"],
        "tasks_due": tasks["due"],
        "tasks_done": tasks["done"],
        "completion_rate": tasks["completion_rate"],
        "on_time_rate": tasks["on_time_rate"],
        "hazards_found": hazards["found"],
        "hazards_closed": hazards["closed"],
        "closure_rate": hazards["closure_rate"],
        "red": c["rank"]["red"],
        "black": c["rank"]["black"],
    }


def mail(*, session: Session, briefing: Briefing, doc: Document, c: BriefingContext) -> Mailed:
    """Queue the files to every configured recipient and deliver; the outbox's counts."""
    from services.reporting.briefing import mail as briefing_mail

    h = headline(c)
    text = (
        f"{doc['quarter_label']}督导完成率{tx.pct(h['completion_rate'])}、按时完成率"
        f"{tx.pct(h['on_time_rate'])}，问题隐患销号率{tx.pct(h['closure_rate'])}。"
        f"红榜：{doc['red_names'] or '无'}；黑榜：{doc['black_names'] or '无'}。"
    )
    return briefing_mail.queue(session=session, briefing=briefing, doc=doc, headline=text)


def report_day(quarter: Period) -> dt.date:
    """The day a quarter's briefing is due: the Nth working day of the next quarter."""
    start = quarter.end + dt.timedelta(days=1)
    return calendar.add_workdays(
        start - dt.timedelta(days=1), load_policy().briefing.report_workday
    )


def due_quarter(*, session: Session, jurisdiction: str | None = None) -> str | None:
    """The quarter whose briefing is due today and not yet produced on or after its report day."""
    last = previous_period(period_containing(clock.today(), "quarterly"))
    day = report_day(last)
    if clock.today() < day:
        return None
    root = resolve_scope(session=session, code=jurisdiction)
    since = dt.datetime.combine(day, dt.time.min, tzinfo=clock.tz())
    done = session.execute(
        select(Briefing.id)
        .where(
            Briefing.quarter == last.name,
            Briefing.jurisdiction_id == root.id,
            Briefing.created_at >= since,
        )
        .limit(1)
    ).first()
    return None if done else last.name


def has_recipients() -> bool:
    """Whether briefing.recipients names anyone to mail the briefing to."""
    return bool(load_policy().briefing.recipients)


def county_codes(*, session: Session) -> list[str]:
    """The code of every county (one briefing each)."""
    return [path.strip("/").split("/")[-1] for path in jurisdictions.county_paths(session=session)]
