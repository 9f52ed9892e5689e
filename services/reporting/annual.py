"""年度包保工作总结 (figures section): a year's figures in GB/T 9704 form — entities by 业态
and 主体等级, officers by tier, coverage, tasks and visits, hazards by source and level with
closure, the four quarters' 红黑榜, campaigns — each with a sentence a clerk can paste into the
county's own summary (config/documents/annual.toml), as DOCX and PDF.

Every figure comes from services.figures and the ranking (the same definitions as the
briefing); sections are registered (ANNUAL.register), so banquets can add theirs. Scheduled in
January, on the [reports] annual_workday-th working day (flows/annual_report_flow.py).
"""

import datetime as dt
from pathlib import Path
from typing import TypedDict, final

from sqlmodel import Session

from config.files import load_policy
from config.wording_model import AnnualWording
from reports.document import Document, Section
from services import figures
from services.core import clock
from services.core.errors import BadInput
from services.core.jurisdictions import places, resolve_scope
from services.core.periods import Period, parse_period, period_containing
from services.figures.quarter import JurisdictionRef
from services.reminders.delivery import Mailed
from services.reporting import (
    annual_sections,
    banquet_sections,  # noqa: F401 (registers its section last)
    periodic,
    ranking,
)
from services.reporting.annual_sections import AnnualContext, SectionContext, Sentence
from services.reporting.briefing.text import SCOPE_WORDS, cn_date
from services.reporting.periodic import FileEntry, NotDue, SectionBody
from services.reporting.wording import Words

KIND = "annual"
FORMATS = ("docx", "pdf")


def _year(text: str) -> Period:
    period = parse_period(str(text))
    if period.frequency != "yearly":
        raise BadInput(f"年份 {text!r} 无效，应为 2026 这样的写法")
    if period.start > clock.today():
        raise BadInput(f"{period.name} 年尚未开始，没有可统计的数据")
    return period


@final
class AnnualProduced(TypedDict):
    """A year's summary written (and mailed, with send): its files and paste-ready sentences."""

    year: str
    jurisdiction: JurisdictionRef
    title: str
    files: list[FileEntry]
    mail: Mailed | None
    sentences: list[Sentence]


def _quarters(year: Period) -> list[Period]:
    quarters: list[Period] = []
    day = year.start
    while day <= min(year.end, clock.today()):
        quarter = period_containing(day, "quarterly")
        quarters.append(quarter)
        day = quarter.end + dt.timedelta(days=1)
    return quarters


def context(*, session: Session, year: str, jurisdiction: str | None = None) -> AnnualContext:
    """The year's figures: every one from services.figures or the ranking."""
    period = _year(year)
    root = resolve_scope(session=session, code=jurisdiction)
    where = places(session=session, root=root)
    day, path = figures.as_of(period), root.path
    coverage = figures.coverage_figures(session=session, scope_path=path, where=where, as_of=day)
    return {
        "year": period.name,
        "as_of": day,
        "jurisdiction": {"code": root.code, "name": root.name, "level": root.level},
        "scope_word": SCOPE_WORDS.get(root.level, "全辖区"),
        "coverage": coverage,
        "coverage_rate": figures.coverage_rate(coverage),
        "tasks": figures.task_figures(
            session=session,
            scope_path=path,
            where=where,
            start=period.start,
            end=period.end,
            as_of=day,
        ),
        "visits": figures.visit_figures(
            session=session, scope_path=path, where=where, start=period.start, end=day
        ),
        "hazards": figures.hazard_figures(session=session, quarter=period, root=root, where=where),
        "rankings": [
            ranking.ranking(session=session, quarter=q.name, jurisdiction=root.code)
            for q in _quarters(period)
        ],
        "campaigns": figures.campaign_figures(
            session=session, scope_path=root.path, start=period.start, end=period.end, as_of=day
        ),
        "banquets": figures.banquet_figures(
            session=session,
            scope_path=path,
            where=where,
            start=period.start,
            end=period.end,
            as_of=day,
        ),
        "townships": figures.township_list(session=session, scope_path=root.path),
    }


def document(c: AnnualContext) -> Document:
    """The summary as a document in GB/T 9704 form (rendered by reports/)."""
    words = Words("annual", AnnualWording)
    place = c["jurisdiction"]["name"]
    common = {
        "place": place,
        "year": c["year"],
        "scope_word": c["scope_word"],
        "as_of": cn_date(c["as_of"]),
    }
    title = words.phrases("title", **common)
    context: SectionContext = {**c, "words": words, "common": common}
    sections = periodic.numbered(
        [_section(words.text(f"headings.{s.name}"), s.document(context))
         for s in annual_sections.ANNUAL.sections]
    )  # fmt: skip
    issuer = load_policy().briefing.issuer.format(county=place)
    return {
        "title": "".join(title),
        "title_phrases": title,
        "issuer": issuer,
        "date": cn_date(clock.today()),
        "salutation": words.text("salutation", **common),
        "lead": words.text("lead", **common),
        "sections": sections,
        "subject": words.text("mail_subject", **common),
    }


def _section(heading: str, body: SectionBody) -> Section:
    """The section under its worded heading (a section naming its own heading keeps it)."""
    return {
        "boilerplate": False,
        "heading": body.get("heading", heading),
        "blocks": body["blocks"],
    }


def _render(doc: Document, fmt: str) -> bytes:
    if fmt == "pdf":
        from reports.render_pdf import render_pdf

        return render_pdf(doc, {})
    from reports.render_docx import render_docx

    return render_docx(doc, {})


def produce(
    *,
    session: Session,
    year: str,
    jurisdiction: str | None = None,
    formats: list[str] | None = None,
    out_dir: Path | None = None,
    send: bool = False,
) -> AnnualProduced:
    """Write the year's summary in the formats asked for and, with send, mail it."""
    chosen = periodic.chosen_formats(formats, load_policy().reports.annual_formats, FORMATS)
    c = context(session=session, year=year, jurisdiction=jurisdiction)
    doc, code = document(c), c["jurisdiction"]["code"]
    folder = periodic.archive(KIND, c["year"], code, out_dir)
    stem = f"{c['jurisdiction']['name']}{c['year']}年度食品安全包保工作总结（数据部分）"
    files: list[FileEntry] = []
    for fmt in chosen:
        path = folder / f"{stem}.{fmt}"
        path.write_bytes(_render(doc, fmt))
        files.append(periodic.described(path, fmt))
    mail = None
    if send:
        key = f"annual:{c['year']}:{code}:{clock.now():%Y%m%d%H%M%S}"
        text = f"{doc['title']}，请查收。"
        mail = periodic.mail_files(
            session=session, files=files, subject=doc["subject"], text=text, key=key
        )
    return {
        "year": c["year"],
        "jurisdiction": c["jurisdiction"],
        "title": doc["title"],
        "files": files,
        "mail": mail,
        "sentences": annual_sections.sentences(doc),
    }


def run_scheduled(*, session: Session, jurisdiction: str | None = None) -> AnnualProduced | NotDue:
    """The scheduled run: in January, from the report day on, last year's summary once."""
    today = clock.today()
    last = str(today.year - 1)
    day = periodic.report_day(dt.date(today.year - 1, 12, 31), load_policy().reports.annual_workday)
    if today < day:
        return {"skipped": f"{last} 年度总结在 {day} 生成"}
    code = resolve_scope(session=session, code=jurisdiction).code
    if periodic.manifest_path(KIND, last, code).exists():
        return {"skipped": f"{last} 年度总结已生成"}
    result = produce(session=session, year=last, jurisdiction=code, send=True)
    periodic.write_manifest(KIND, last, code, result)
    return result
