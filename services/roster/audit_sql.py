"""Audit events for bulk roster changes: one event per changed row, written by one INSERT … SELECT
(services.core.audit.record_event is the one-row path; this is its set-based twin)."""

from dataclasses import dataclass

from services.roster.dialect import Sql


@dataclass(frozen=True)
class Audit:
    now: object  # aware datetime from services.core.clock
    actor: str
    file: str | None = None  # the roster file of an import (None for other roster changes)
    sha256: str | None = None

    def params(self) -> dict[str, object]:
        moment = {"now": self.now, "actor": self.actor}
        return moment if self.file is None else {**moment, "file": self.file, "sha": self.sha256}


def insert_audit(
    sql: Sql,
    audit: Audit,
    *,
    action: str,
    kind: str,
    object_id: str,
    before: dict[str, str] | None,
    after: dict[str, str],
    source: str,
) -> None:
    """One audit event per row of source (a FROM … WHERE clause), built in SQL; action is
    "roster.<kind>.<action>" unless it names its own area ("task.handed_over")."""
    if audit.file is not None:
        file = {"file": "CAST(:file AS TEXT)", "sha256": "CAST(:sha AS TEXT)"}
        after = {**after, "import": sql.json(file)}
    sql.run(
        f"""INSERT INTO audit_event (occurred_at, actor, action, object_type, object_id,
                                         before, after)
                SELECT :now, :actor, '{action if "." in action else f"roster.{kind}.{action}"}',
                       '{kind}', {sql.as_text(object_id)},
                       {sql.json(before) if before else "NULL"}, {sql.json(after)}
                {source}""",
        **audit.params(),
    )
