"""月报: a month's figures per township and tier — tasks due and done in the month and the
quarter so far, visits recorded, hazards found, closed, open and overdue, 未包保 — as a workbook
and a DOCX in GB/T 9704 form, mailed to the county office through the outbox.

Every figure comes from services.figures (the same definitions as the briefing); this module
only chooses the spans and lays the figures out. Sections are registered (MONTHLY.register), so
a later area (banquets) adds its own. Scheduled on the [reports] monthly_workday-th working day
of the next month (flows/monthly_report_flow.py).
"""

from pathlib import Path
from typing import TypedDict, final

from sqlmodel import Session

from config.files import load_policy
from config.wording_model import MonthlyWording
from reports.document import Document, Paragraph, Section
from services import figures
from services.core import clock
from services.core.errors import BadInput
from services.core.jurisdictions import places, resolve_scope
from services.core.periods import Period, parse_period, period_containing, previous_period
from services.figures.quarter import JurisdictionRef
from services.reminders.delivery import Mailed
from services.reporting import (
    banquet_sections,  # noqa: F401 (registers its section last)
    monthly_sections,
    periodic,
)
from services.reporting.briefing.text import SCOPE_WORDS, cn_date
from services.reporting.monthly_sections import Headline, MonthlyContext
from services.reporting.periodic import FileEntry, NotDue
from services.reporting.wording import Words

KIND = "monthly"
FORMATS = ("xlsx", "docx")


def month_label(month: Period) -> str:
    """2026-10 → 2026年10月."""
    return f"{month.start.year}年{month.start.month}月"


def parse_month(text: str) -> Period:
    """A month such as 2026-10; BadInput for anything else."""
    period = parse_period(text)
    if period.frequency != "monthly":
        raise BadInput(f"月份 {text!r} 无效，应为 2026-10 这样的写法")
    return period


@final
class MonthlyProduced(TypedDict):
    """A month's report written (and mailed, with send): its files and key figures."""

    month: str
    jurisdiction: JurisdictionRef
    title: str
    files: list[FileEntry]
    mail: Mailed | None
    headline: Headline


def context(*, session: Session, month: Period, jurisdiction: str | None = None) -> MonthlyContext:
    """The month's figures: every one from services.figures."""
    if month.start > clock.today():
        raise BadInput(f"{month.name} 尚未开始，没有可统计的数据")
    root = resolve_scope(session=session, code=jurisdiction)
    where = places(session=session, root=root)
    day, quarter = figures.as_of(month), period_containing(month.start, "quarterly")
    path = root.path
    return {
        "month": month.name,
        "label": month_label(month),
        "as_of": day,
        "jurisdiction": {"code": root.code, "name": root.name, "level": root.level},
        "scope_word": SCOPE_WORDS.get(root.level, "全辖区"),
        "townships": figures.township_list(session=session, scope_path=path),
        "tasks": figures.task_figures(
            session=session, scope_path=path, where=where, start=month.start, end=month.end,
            as_of=day,
        ),
        "quarter": quarter.name,
        "quarter_tasks": figures.task_figures(
            session=session, scope_path=path, where=where, start=quarter.start, end=quarter.end,
            as_of=day,
        ),
        "visits": figures.visit_figures(
            session=session, scope_path=path, where=where, start=month.start, end=day
        ),
        "hazards": figures.hazard_figures(session=session, quarter=month, root=root, where=where),
        "coverage": figures.coverage_figures(
            session=session, scope_path=path, where=where, as_of=day
        ),
        "unassigned": figures.unassigned_by_township(
            session=session, scope_path=path, where=where, as_of=day
        ),
        "banquets": figures.banquet_figures(
            session=session, scope_path=path, where=where, start=month.start, end=month.end,
            as_of=day,
        ),
    }  # fmt: skip


def document(c: MonthlyContext) -> Document:
    """The monthly report as a document in GB/T 9704 form (rendered by reports/)."""
    words = Words("monthly", MonthlyWording)
    place = c["jurisdiction"]["name"]
    issuer = load_policy().briefing.issuer.format(county=place)
    values = {
        "place": place,
        "month_label": c["label"],
        "scope_word": c["scope_word"],
        "issuer": issuer,
        "date": cn_date(clock.today()),
    }
    title = words.phrases("title", **values)
    sections = periodic.numbered(
        [_section(s.document(c)) for s in monthly_sections.MONTHLY.sections]
    )
    sections[-1] = {
        **sections[-1],
        "blocks": [*sections[-1]["blocks"], _p(words.text("closing", **values))],
    }
    return {
        "title": "".join(title),
        "title_phrases": title,
        "issuer": issuer,
        "date": values["date"],
        "salutation": words.text("salutation", **values),
        "lead": words.text("lead", **values),
        "sections": sections,
        "subject": words.text("mail_subject", **values),
    }


def _section(body: periodic.SectionBody) -> Section:
    return {"heading": body.get("heading", ""), "blocks": body["blocks"], "boilerplate": False}


def _p(text: str) -> Paragraph:
    return monthly_sections.p(text)


def _write_xlsx(c: MonthlyContext, path: Path) -> None:
    from services.reporting.list_workbook import ListWorkbook

    note = f"区划：{c['jurisdiction']['name']}　　统计截至 {c['as_of']}"
    with ListWorkbook() as book:
        for section in monthly_sections.MONTHLY.sections:
            for part in section.sheets(c):
                body = book.list_sheet(
                    part.name, part.title, note, part.headers, part.widths, part.centred
                )
                for row in part.rows:
                    body.write(row)
        book.save(path)


def produce(
    *,
    session: Session,
    month: str,
    jurisdiction: str | None = None,
    formats: list[str] | None = None,
    out_dir: Path | None = None,
    send: bool = False,
) -> MonthlyProduced:
    """Write the month's report in the formats asked for and, with send, mail it."""
    period = parse_month(month)
    chosen = periodic.chosen_formats(formats, load_policy().reports.monthly_formats, FORMATS)
    c = context(session=session, month=period, jurisdiction=jurisdiction)
    doc, code = document(c), c["jurisdiction"]["code"]
    folder = periodic.archive(KIND, period.name, code, out_dir)
    stem = f"{c['jurisdiction']['name']}食品安全包保工作月报（{c['label']}）"
    files: list[FileEntry] = []
    for fmt in chosen:
        path = folder / f"{stem}.{fmt}"
        if fmt == "xlsx":
            _write_xlsx(c, path)
        else:
            from reports.render_docx import render_docx

            path.write_bytes(render_docx(doc, {}))
        files.append(periodic.described(path, fmt))
    mail = None
    if send:
        text = f"{doc['title']}，请查收。"
        key = f"monthly:{period.name}:{code}:{clock.now():%Y%m%d%H%M%S}"
        mail = periodic.mail_files(
            session=session, files=files, subject=doc["subject"], text=text, key=key
        )
    return {
        "month": period.name,
        "jurisdiction": c["jurisdiction"],
        "title": doc["title"],
        "files": files,
        "mail": mail,
        "headline": monthly_sections.headline(c),
    }


def run_scheduled(*, session: Session, jurisdiction: str | None = None) -> MonthlyProduced | NotDue:
    """The scheduled run: from the report day on, last month's report once (a missed day is
    caught up the next morning; a produced report is not redone)."""
    today = clock.today()
    last = previous_period(period_containing(today, "monthly"))
    day = periodic.report_day(last.end, load_policy().reports.monthly_workday)
    if today < day:
        return {"skipped": f"{last.name} 的月报在 {day} 生成"}
    code = resolve_scope(session=session, code=jurisdiction).code
    if periodic.manifest_path(KIND, last.name, code).exists():
        return {"skipped": f"{last.name} 的月报已生成"}
    result = produce(session=session, month=last.name, jurisdiction=code, send=True)
    periodic.write_manifest(KIND, last.name, code, result)
    return result
