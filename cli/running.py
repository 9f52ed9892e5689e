"""What the hazard and task commands share: the schema check, date options, one session, then
one JSON object or Chinese text, and tab-separated listings."""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, overload

import typer

from cli import context
from cli.output import emit_json

if TYPE_CHECKING:
    from services.core.evidence import EvidenceFile

# A service's result that is still an untyped dict (services/ is being typed): what a command
# reads of it is checked where the service declares a TypedDict or dataclass instead.
Untyped = Mapping[str, Any]

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


@overload
def parse_date(value: str, option: str) -> dt.date: ...
@overload
def parse_date(value: str | None, option: str) -> dt.date | None: ...
def parse_date(value: str | None, option: str) -> dt.date | None:
    """The YYYY-MM-DD date given to option, None when absent; BadInput when malformed."""
    from services.core.errors import BadInput

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{option} 的日期 {value!r} 无效，应为 YYYY-MM-DD") from None


def read_files(paths: Sequence[str] | None) -> list["EvidenceFile"]:
    """Files named on the command line, read and checked as evidence or photos (BadInput when
    one cannot be accepted)."""
    from pathlib import Path

    from services.core.evidence import read_file

    return [read_file(path=Path(p)) for p in paths or []]


def run(
    query: Callable[..., Mapping[str, object]], *, json_out: bool, show: Callable[[Any], None]
) -> None:
    """Check the schema, call query(session=…) in one committed session, print JSON or show it
    (show takes what query returns; some services still return untyped dicts)."""
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
