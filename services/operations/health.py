"""The health check for a reverse proxy or monitor: the database answers and is at the newest
schema."""

from sqlalchemy.engine import Engine

from services.operations.doctor import database, migrations


def health(*, engine: Engine) -> dict:
    """{"ok", "database", "migrations"}: each part {ok, message}."""
    reached = database(engine=engine)
    current = migrations(engine=engine) if reached.ok else None
    parts = {
        "database": {"ok": reached.ok, "message": reached.message},
        "migrations": {
            "ok": bool(current and current.ok),
            "message": current.message if current else "未检查（数据库不可用）",
        },
    }
    return {"ok": all(part["ok"] for part in parts.values()), **parts}
