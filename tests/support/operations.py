"""Helpers of the operations tests (no tests here): every row of every table, the hash of every
data file, wiping a database, and hazards with real evidence files."""

import hashlib
import json
from pathlib import Path

from sqlalchemy import inspect, select, text
from sqlmodel import Session

from models import Assignment, Entity, Officer
from models.db import get_engine
from services.core import evidence, links
from tests.support.hazards import PNG, add_hazard_row

PDF = b"%PDF-1.7\n" + b"\x01\x02" * 4000 + b"\n%%EOF\n"


def all_rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order (JSON values as text)."""
    found = {}
    with engine.connect() as connection:
        for table in sorted(inspect(connection).get_table_names()):
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            found[table] = sorted(tuple(_plain(v) for v in row) for row in rows)
    return found


def _plain(value):
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return "" if value is None else str(value)


def file_hashes(root: Path, skip=("logs", "backups")) -> dict[str, str]:
    """sha256 of every file under root (the folders in skip left out)."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] not in skip
    }


def wipe(url: str) -> None:
    """Remove the database completely: the SQLite file, or every object of the schema."""
    engine = get_engine(url)
    engine.dispose()
    if engine.dialect.name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(engine.url.database + suffix).unlink(missing_ok=True)
        return
    schema = url.rsplit("%3D", 1)[1]
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()


def hazards_with_evidence(engine, *, count: int = 3) -> list[str]:
    """On a filled roster: `count` hazards of its first entity, each with a photo and a PDF
    stored as evidence, and the signing key file; returns the evidence hashes."""
    links.secret()  # creates DATA_DIR/secret_key
    hashes = []
    with Session(engine) as session:
        entity = session.execute(select(Entity).order_by(Entity.id)).scalars().first()
        officer = (
            session.execute(
                select(Officer).join(Assignment).where(Assignment.entity_id == entity.id)
            )
            .scalars()
            .first()
        )
        for n in range(count):
            hazard = add_hazard_row(session, entity=entity, officer=officer)
            files = [
                evidence.check_content(filename=f"整改照片{n}.png", content=PNG + bytes([n]) * 9),
                evidence.check_content(filename=f"整改报告{n}.pdf", content=PDF + bytes([n])),
            ]
            hashes += evidence.attach(
                session=session, hazard_id=hazard.id, files=files, uploaded_by="BBV001"
            )
        session.commit()
    return hashes
