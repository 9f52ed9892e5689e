"""One check of the doctor: its name, its Chinese label, whether all is well, and what to say."""

from dataclasses import dataclass
from typing import TypedDict


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    ok: bool
    message: str

    def as_dict(self) -> "CheckRow":
        """The check as JSON and the doctor page show it."""
        return {"name": self.name, "label": self.label, "ok": self.ok, "message": self.message}


class CheckRow(TypedDict):
    name: str
    label: str
    ok: bool
    message: str
