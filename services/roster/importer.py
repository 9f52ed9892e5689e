"""Import a roster workbook or CSV folder: all-or-nothing, every error reported, history kept.

Rows stream from the file through the row checks into staging tables; every cross-row check,
the change classification and the writes are set-based SQL in the import's one transaction.
Any error, or --dry-run, rolls the transaction back: not one row is written.
"""

from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from services.core import clock
from services.core.audit import record_event
from services.roster import crosschecks, entity_checks, history, lifecycle, resolve
from services.roster.apply import apply_changes, classify
from services.roster.audit_sql import Audit
from services.roster.checks import RowChecker, RowError
from services.roster.columns import SHEETS, Sheet
from services.roster.dialect import Sql
from services.roster.entity_history import record_history
from services.roster.mapping import load_mapping
from services.roster.normalise import is_blank_row
from services.roster.people import check_people
from services.roster.preview import preview_changes
from services.roster.reader import open_source
from services.roster.report import ErrorLog, ImportResult
from services.roster.settle import Settled, settle_ends
from services.roster.sheets import SheetRows, Source
from services.roster.staging import Staging

Progress = Callable[[str, int, int | None], None]  # (stage, rows done, rows expected)
PROGRESS_EVERY = 2_000


def import_roster(
    *,
    session: Session,
    path: Path,
    name: str | None = None,
    partial: bool = False,
    dry_run: bool = False,
    actor: str = "命令行",
    progress: Progress | None = None,
    mapping: Path | None = None,
) -> ImportResult:
    """Check the roster file at path and, when it has no error and this is no dry run, write it
    (with the handovers its changes of officer make). name: the file's name as its user gave
    it, for messages and the audit (default: the path's)."""
    sql = Sql(session.connection())
    today = clock.today().isoformat()
    staging = Staging(sql)
    log = ErrorLog()
    with open_source(Path(path), load_mapping(mapping), name=name) as source:
        staging.create()  # dropped below; after an exception the next create() drops them
        skip = _read(source, staging, log, partial=partial, progress=progress)
        present = {name for name, rows in source.sheets.items() if rows is not None}
        _step(progress, "检查跨表关系")
        staging.finish(partial=partial, today=today)
        linked = _cross_checks(sql, log, partial=partial, skip=skip, today=today, present=present)
        counts: dict[str, dict[str, int]] = {}
        handovers: Settled | None = None
        preview = None
        if log.total == 0:
            counts = classify(sql, partial=partial, present=present)
            if dry_run:  # the names it would change, for the admin to read first
                preview = preview_changes(sql, partial=partial, present=present, today=today)
            if not dry_run:
                _step(progress, "写入数据库")
                audit = Audit(clock.now(), actor, source.name, source.sha256)
                apply_changes(sql, audit, partial=partial, present=present, today=today)
                record_history(connection=sql.connection, day=clock.today())
                lifecycle.cancel_closed(sql, audit, today=today)
                handovers = settle_ends(session=session, actor=actor)
                _record(session, actor, source, partial, counts, handovers)
        staging.drop()
    if log.total or dry_run:
        session.rollback()
    else:
        session.flush()
    return ImportResult(
        source.name,
        source.sha256,
        dry_run,
        partial,
        counts,
        log.sorted(),
        log.total,
        source.ignored,
        linked,
        handovers,
        preview,
    )


def _record(
    session: Session,
    actor: str,
    source: Source,
    partial: bool,
    counts: dict[str, dict[str, int]],
    handovers: Settled,
) -> None:
    record_event(
        session=session,
        actor=actor,
        action="roster.import",
        object_type="roster",
        object_id=source.sha256,
        after={
            "file": source.name,
            "sha256": source.sha256,
            "partial": partial,
            "counts": counts,
            "handovers": handovers,
        },
    )


def _step(progress: Progress | None, stage: str) -> None:
    if progress:
        progress(stage, 0, None)


def _cross_checks(
    sql: Sql, log: ErrorLog, *, partial: bool, skip: set[str], today: str, present: set[str]
) -> int:
    """Every check across rows and sheets; returns how many people hold several records."""
    log.extend(resolve.mark_duplicates(sql))
    resolve.resolve_ids(sql)
    log.extend(resolve.rebuild_tree(sql))
    log.extend(crosschecks.unknown_references(sql, partial=partial, skip=skip))
    if "entity" not in skip:
        log.extend(entity_checks.unknown_entities(sql, partial=partial))
    log.extend(crosschecks.officer_levels(sql))
    log.extend(crosschecks.informant_levels(sql))
    log.extend(entity_checks.identities(sql))
    errors, linked = check_people(sql, partial=partial, informants_listed="信息员" in present)
    log.extend(errors)
    log.extend(crosschecks.correspondence(sql, today=today))
    log.extend(crosschecks.overlaps(sql))
    log.extend(history.plan_ends(sql, today=today, partial=partial))
    return linked


def _read(
    source: Source, staging: Staging, log: ErrorLog, *, partial: bool, progress: Progress | None
) -> set[str]:
    """Stream every sheet through the row checks into staging; returns the sheets that others
    must not be checked against (absent, or missing a required column)."""
    skip: set[str] = set()
    for sheet in SHEETS:
        rows = source.sheets.get(sheet.name)
        if rows is None:
            if not partial and not sheet.optional:
                skip.add(sheet.key)
                log.add(
                    RowError(
                        sheet.name,
                        None,
                        None,
                        f"缺少工作表“{sheet.name}”（完整导入需要区划、包保干部、食安办人员、"
                        "包保主体、包保关系五张表；只导入其中几张请加 --partial）",
                    )
                )
            continue
        for header, message in rows.header.problems:
            log.add(RowError(sheet.name, rows.header_row, header, message))
        if rows.header.incomplete:
            skip.add(sheet.key)
        _read_rows(sheet, rows, staging, log, progress)
    return skip


def _read_rows(
    sheet: Sheet, rows: SheetRows, staging: Staging, log: ErrorLog, progress: Progress | None
) -> None:
    """Check and stage a sheet's rows (problems in its missing columns are reported once, at
    the header)."""
    checker = RowChecker(sheet, rows.header.positions)
    missing = {header for header, _ in rows.header.problems}
    done = 0
    for number, cells in rows.rows:
        if is_blank_row(cells):
            continue
        values, problems = checker.check(cells)
        for header, message in problems:
            if header not in missing:
                log.add(RowError(sheet.name, number, header, message))
        staging.add(sheet.key, checker.staging_row(number, values))
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(f"读取{sheet.name}", done, rows.estimated_rows)
    if progress:
        progress(f"读取{sheet.name}", done, done)
