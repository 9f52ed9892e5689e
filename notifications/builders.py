"""Message builders: digests in, rendered Chinese messages out (Jinja2, notifications/templates).

Three environments: HTML is autoescaped; plain text is not (it is never interpreted); markdown
for the chat robots neutralises markup in every value (finalize), so a business called
``*<font>`` cannot format or break a robot message. Tests render with StrictUndefined.
"""

import datetime as dt
from dataclasses import Field, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined

from models.enums import ItemKind

TEMPLATES = Path(__file__).resolve().parent / "templates"
ROBOT_MAX_BYTES = 4000  # WeCom robots refuse markdown over 4096 bytes
_MD = str.maketrans(
    {
        "*": "＊",
        "_": "＿",
        "`": "｀",
        "[": "［",
        "]": "］",
        "<": "＜",
        ">": "＞",
        "#": "＃",
        "\\": "＼",
        "\n": " ",
        "\r": " ",
    }
)
_DIGITS = "零一二三四五六七八九十"


class Raw(str):
    """A markdown value that is already safe (a link target)."""


class Digest(Protocol):
    """A digest (services.reminders.digests): a dataclass whose fields are the context."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]


class DueLine(Protocol):
    """One item of a digest, as the status and deadline filters read it."""

    @property
    def kind(self) -> str: ...
    @property
    def due(self) -> dt.date: ...
    @property
    def overdue_by(self) -> int: ...
    @property
    def workdays_left(self) -> int: ...
    @property
    def escalated(self) -> bool: ...


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # plain text for mail, markdown for robots
    html: str | None = None


@lru_cache(maxsize=1024)
def cndate(day: dt.date) -> str:
    """2026年9月22日（周二）."""
    return f"{day.year}年{day.month}月{day.day}日（周{'一二三四五六日'[day.weekday()]}）"


@lru_cache(maxsize=1024)
def _status(overdue_by: int, workdays_left: int, escalated: bool) -> str:
    if overdue_by:
        return f"已逾期 {overdue_by} 个工作日" + ("（已升级督办）" if escalated else "")
    return "今天到期" if workdays_left == 0 else f"还剩 {workdays_left} 个工作日"


def status(line: DueLine) -> str:
    """How late an item is, or how long is left: 已逾期 5 个工作日（已升级督办）."""
    return _status(line.overdue_by, line.workdays_left, line.escalated)


@lru_cache(maxsize=1024)
def _deadline(kind: str, due: dt.date) -> str:
    return f"应于 {cndate(due)} 前完成督导" if kind == ItemKind.TASK else f"整改时限 {cndate(due)}"


def deadline(line: DueLine) -> str:
    """The item's deadline in words."""
    return _deadline(line.kind, line.due)


def cnnum(n: int) -> str:
    """Chinese numerals for section numbers 1–19."""
    return _DIGITS[n] if n <= 10 else "十" + _DIGITS[n - 10]


def _markdown_value(value: object) -> object:
    if isinstance(value, Raw) or value is None:
        return value
    return str(value).translate(_MD)


@lru_cache(maxsize=8)
def environment(kind: str, strict: bool = False) -> Environment:
    """The Jinja2 environment for html, text or markdown templates."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=kind == "html",
        undefined=StrictUndefined if strict else Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=_markdown_value if kind == "markdown" else None,
    )
    env.filters.update(cndate=cndate, cnnum=cnnum, url=Raw, status=status, deadline=deadline)
    return env


def _render(kind: str, template: str, strict: bool, context: dict[str, object]) -> str:
    return environment(kind, strict).get_template(template).render(context).strip()


def _context(digest: Digest) -> dict[str, object]:
    return {f: getattr(digest, f) for f in digest.__dataclass_fields__}


def _email(name: str, digest: Digest, strict: bool) -> Rendered:
    ctx = _context(digest)
    return Rendered(
        subject=_render("text", f"{name}.subject.txt", strict, ctx),
        text=_render("text", f"{name}.txt", strict, ctx),
        html=_render("html", f"{name}.html", strict, ctx),
    )


def officer_email(digest: Digest, *, strict: bool = False) -> Rendered:
    """An officer's daily digest as a mail: subject, plain text and HTML."""
    return _email("officer_digest", digest, strict)


def office_email(digest: Digest, *, strict: bool = False) -> Rendered:
    """An office's daily digest (overdue, 升级, weekly summary) as a mail."""
    return _email("office_digest", digest, strict)


def office_markdown(digest: Digest, *, strict: bool = False) -> Rendered:
    """An office's daily digest as markdown for a WeCom or DingTalk group robot."""
    ctx = _context(digest)
    subject = _render("text", "office_digest.subject.txt", strict, ctx)
    text = _render("markdown", "office_digest.md", strict, {**ctx, "subject": subject})
    return Rendered(subject=subject, text=fit_robot(text))


def fit_robot(text: str, limit: int = ROBOT_MAX_BYTES) -> str:
    """Cut markdown at a line boundary so that it fits a robot message."""
    if len(text.encode()) <= limit:
        return text
    tail = "\n\n……内容较长，完整名单请查看邮件或登录系统。"
    budget, kept = limit - len(tail.encode()), []
    for line in text.splitlines():
        budget -= len(line.encode()) + 1
        if budget < 0:
            break
        kept.append(line)
    return "\n".join(kept) + tail
