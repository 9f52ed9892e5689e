"""One check of the doctor: its name, its Chinese label, whether all is well, and what to say."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    ok: bool
    message: str
