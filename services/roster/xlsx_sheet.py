"""The expat handler that turns one worksheet's XML into rows of values (see services.roster.xlsx)."""

import datetime as dt
import re
from collections.abc import Callable

from services.roster.columns import Cell

_INT = re.compile(r"^-?\d+$")

Row = tuple[Cell, ...]


def _column_index(ref: str) -> int:
    """0-based column of a cell reference such as 'AB12'."""
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            index = index * 26 + ord(ch) - 96
        else:
            break
    return index - 1


class SheetParser:
    """Collects rows; take() hands over the finished ones (missing rows as empty tuples)."""

    def __init__(
        self, strings: list[str], date_styles: set[int], to_date: Callable[[float], dt.datetime]
    ) -> None:
        self.strings, self.date_styles, self.to_date = strings, date_styles, to_date
        self.done: list[Row] = []
        self.row_number = 0
        self.cells: dict[int, Cell] | None = None
        self.kind: str | None = None  # the cell's t attribute
        self.style: str | None = None  # the cell's s attribute
        self.column = 0
        self.parts: list[str] | None = None
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c":
            ref = attrs.get("r")
            self.column = _column_index(ref) if ref else self.column + 1
            self.kind = attrs.get("t")
            self.style = attrs.get("s")
            self.parts = None
        elif tag == "v" or (tag == "t" and not self.phonetic):
            if self.parts is None:
                self.parts = []
            self._collect = True
        elif tag == "row":
            number = attrs.get("r")
            target = int(number) if number and number.isdigit() else self.row_number + 1
            while self.row_number + 1 < target:
                self.row_number += 1
                self.done.append(())
            self.row_number = target
            self.cells = {}
            self.column = -1
        elif tag == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag in ("v", "t"):
            self._collect = False
        elif tag == "c":
            if self.cells is not None:
                value = self._value()
                if value is not None:
                    self.cells[self.column] = value
        elif tag == "row":
            cells = self.cells or {}
            width = max(cells) + 1 if cells else 0
            self.done.append(tuple(cells.get(i) for i in range(width)))
            self.cells = None
        elif tag == "rPh":
            self.phonetic -= 1

    _collect = False

    def text(self, data: str) -> None:
        if self._collect and self.parts is not None:
            self.parts.append(data)

    def _value(self) -> Cell:
        if self.parts is None:
            return None
        raw = "".join(self.parts)
        kind = self.kind
        if kind == "s":
            index = int(raw) if raw.strip().isdigit() else -1
            return self.strings[index] if 0 <= index < len(self.strings) else None
        if kind in ("inlineStr", "str", "e", "d"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        raw = raw.strip()
        if not raw:
            return None
        try:
            number = int(raw) if _INT.match(raw) else float(raw)
        except ValueError:
            return raw
        if self.style is not None and self.style.isdigit() and int(self.style) in self.date_styles:
            try:
                return self.to_date(number)
            except (ValueError, OverflowError):
                return number
        return number

    def take(self) -> list[Row]:
        done, self.done = self.done, []
        return done
