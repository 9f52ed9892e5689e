"""What the hazard and task commands share: the schema check, date options, one session, then
one JSON object or Chinese text, and tab-separated listings."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

import typer

from cli import context
from cli.output import emit_json

# Options the listing commands share: `json_out: JsonFlag = False`, `limit: Limit = None`.
JsonFlag = Annotated[bool, typer.Option("--json", help="输出 JSON")]
Limit = Annotated[
    int | None, typer.Option("--limit", min=1, help="最多列出多少条（total 仍为全部条数）")
]
Subtree = Annotated[str | None, typer.Option("--jurisdiction", help="区划代码（含下级区划）")]


def ready() -> None:
    """Stop (exit 2) unless the database has the newest schema."""
    from services.core.schema import require_current

    require_current(engine=context.engine())


def parse_date(value: str | None, option: str) -> dt.date | None:
    """The YYYY-MM-DD date given to option, None when absent; BadInput when malformed."""
    from services.core.errors import BadInput

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{option} 的日期 {value!r} 无效，应为 YYYY-MM-DD") from None


def read_files(paths: Sequence[str] | None) -> list:
    """Files named on the command line, read and checked as evidence or photos (BadInput when
    one cannot be accepted)."""
    from pathlib import Path

    from services.core.evidence import read_file

    return [read_file(path=Path(p)) for p in paths or []]


def run(
    query: Callable[..., dict[str, Any]], *, json_out: bool, show: Callable[[dict[str, Any]], None]
) -> None:
    """Check the schema, call query(session=…) in one committed session, print JSON or show it."""
    ready()
    with context.session() as session:
        result = query(session=session)
    if json_out:
        emit_json(result)
    else:
        show(result)


def print_rows(header: Sequence[str], rows: Iterable[Sequence[str]], footer: str) -> None:
    """A tab-separated listing: the header line, one line per row, then the footer."""
    typer.echo("\t".join(header))
    for row in rows:
        typer.echo("\t".join(row))
    typer.echo(footer)
