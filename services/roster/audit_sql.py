"""Audit events for bulk roster changes: one event per changed row, written by one INSERT … SELECT
(services.core.audit.record_event is the one-row path; this is its set-based twin)."""

from dataclasses import dataclass

from services.roster.dialect import Sql


@dataclass(frozen=True)
class Audit:
    now: object  # aware datetime from services.core.clock
    actor: str
    file: str
    sha256: str

    def params(self) -> dict:
        return {"now": self.now, "actor": self.actor, "file": self.file, "sha": self.sha256}


def insert_audit(
    sql: Sql,
    audit: Audit,
    *,
    action: str,
    kind: str,
    object_id: str,
    before: dict | None,
    after: dict,
    source: str,
) -> None:
    """One audit event per row of source (a FROM … WHERE clause), built in SQL."""
    after = {
        **after,
        "import": sql.json({"file": "CAST(:file AS TEXT)", "sha256": "CAST(:sha AS TEXT)"}),
    }
    sql.run(
        f"""INSERT INTO audit_event (occurred_at, actor, action, object_type, object_id,
                                         before, after)
                SELECT :now, :actor, 'roster.{kind}.{action}', '{kind}', {sql.as_text(object_id)},
                       {sql.json(before) if before else "NULL"}, {sql.json(after)}
                {source}""",
        **audit.params(),
    )
