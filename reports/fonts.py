"""The faces of the GB/T 9704 (公文) look: one open face per role ([fonts] in policy.toml),
found through fontconfig and checked, never guessed.

Roles: title (小标宋-like, bold), heading (黑体-like), body (仿宋-like), kai (楷体-like).
scripts/system-deps.sh installs the defaults (Noto Serif/Sans CJK SC from fonts-noto-cjk,
FandolFang/FandolKai from texlive-lang-chinese) and a fontconfig file that makes Fandol known.
Measured on the demo county's briefing (11 pages): about 0.2 s of CPU more than the single
light sans face used before, whichever 楷体 (FandolKai or AR PL UKai) is chosen.
A configured face fontconfig does not have is an error naming it: fontconfig would otherwise
substitute any font silently.
"""

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from config.files import load_policy
from services.core.errors import Unavailable

ROLES = ("title", "heading", "body", "kai")
BOLD = frozenset({"title"})
# The standard font each role stands in for in a DOCX (and the fallbacks Word and WPS try).
STANDARD = {
    "title": ("方正小标宋简体", "华文中宋,宋体,SimSun"),
    "heading": ("黑体", "SimHei,Heiti SC"),
    "body": ("仿宋_GB2312", "仿宋,FangSong,STFangsong"),
    "kai": ("楷体_GB2312", "楷体,KaiTi,STKaiti"),
}


class FontMissing(Unavailable):
    """A configured face is not installed."""

    def __init__(self, role: str, family: str):
        super().__init__(
            f"缺少字体 {family}（[fonts] {role}）：请以 root 运行 scripts/system-deps.sh "
            "（make setup）安装公文字体，或在 policy.toml 的 [fonts] 中改用已安装的字体"
        )


@dataclass(frozen=True)
class Face:
    """One role's face: the family CSS names, and the file Pillow opens."""

    role: str
    family: str
    path: Path
    index: int
    bold: bool


def _match(family: str, bold: bool) -> tuple[list[str], Path, int] | None:
    if not shutil.which("fc-match"):
        return None
    pattern = f"{family}:weight=bold" if bold else family
    out = subprocess.run(
        ["fc-match", "-f", "%{family}\n%{file}\n%{index}", pattern],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).stdout.split("\n")
    if len(out) < 3 or not out[1]:
        return None
    return [name.strip() for name in out[0].split(",")], Path(out[1]), int(out[2] or 0)


@lru_cache(maxsize=8)
def _face(role: str, family: str) -> Face:
    found = _match(family, role in BOLD)
    if found is None or family not in found[0]:
        raise FontMissing(role, family)
    return Face(role, family, found[1], found[2], role in BOLD)


def face(role: str) -> Face:
    """The face of a role as configured; FontMissing when it is not installed."""
    return _face(role, getattr(load_policy().fonts, role))


def faces() -> dict[str, Face]:
    """Every role's face (checked)."""
    return {role: face(role) for role in ROLES}


def css_stacks(*, pdf: bool) -> dict[str, str]:
    """CSS font-family values by role: for WeasyPrint the configured face alone (checked); for
    browsers the standard font first, then the open face, then a generic family."""
    generic = {"title": "serif", "heading": "sans-serif", "body": "serif", "kai": "serif"}
    if pdf:
        return {role: f'"{f.family}"' for role, f in faces().items()}
    configured = load_policy().fonts
    return {
        role: f'"{STANDARD[role][0]}", "{getattr(configured, role)}", {generic[role]}'
        for role in ROLES
    }


def docx_fallbacks() -> dict[str, str]:
    """The standard font of each role → its fallbacks, the configured open face last (the
    DOCX font table's w:altName)."""
    configured = load_policy().fonts
    return {
        name: f"{alternatives},{getattr(configured, role)}"
        for role, (name, alternatives) in STANDARD.items()
    }
