"""Output helpers: one JSON object on stdout, Chinese lines on stderr, Rich tables."""

import json
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console


def emit_json(payload: Mapping[str, object]) -> None:
    """Print one JSON object on stdout and nothing else."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str, indent=2) + "\n")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one Chinese line on stderr and exit with code."""
    sys.stderr.write(f"错误：{message}\n")
    raise typer.Exit(code)


def console() -> "Console":
    """A Rich console on stdout (imported lazily: Rich costs start-up time)."""
    from rich.console import Console

    return Console(highlight=False)
