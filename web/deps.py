"""What every route needs: a database session, the signed-in person, role guards, the CSRF check
and template rendering (Chinese labels, the CSRF token, one flash message)."""

from collections.abc import AsyncIterator
from pathlib import Path as FilePath
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Form, Path, Request
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from models.db import get_engine
from models.enums import (
    LABELS,
    HazardLevel,
    HazardSource,
    HazardStatus,
    OfficerTier,
    TaskSource,
    TaskStatus,
    UserRole,
    VisitMode,
)
from services.accounts import Principal, load_principal
from web import sessions

HERE = FilePath(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
SHOWN_TASK = {**LABELS[TaskStatus], "overdue": "已逾期"}
templates.env.globals.update(
    task_status=SHOWN_TASK, hazard_status=LABELS[HazardStatus], hazard_level=LABELS[HazardLevel],
    hazard_source=LABELS[HazardSource], tier=LABELS[OfficerTier], role=LABELS[UserRole],
    source=LABELS[TaskSource], mode=LABELS[VisitMode])



def when(value) -> str:
    """A stored moment as local wall time (naive values are already local)."""
    from services import clock

    if value is None:
        return "—"
    value = value.replace(tzinfo=clock.tz()) if value.tzinfo is None else value.astimezone(
        clock.tz())
    return value.strftime("%Y-%m-%d %H:%M")


templates.env.filters["when"] = when


class LoginRequired(Exception):
    """No (full) session: the browser goes to the login page."""


class NotFound(Exception):
    """Missing or outside the person's scope: both answer 404."""


class CsrfRefused(Exception):
    """A form without this session's CSRF token."""


async def db(request: Request) -> AsyncIterator[Session]:
    """A session on the app's database; routes commit what they change.

    Async so that FastAPI does not hop to a worker thread to open and close it: neither
    touches the database (the connection is taken by the first query, in the route's thread).
    """
    with Session(get_engine(request.app.state.database_url)) as session:
        yield session


def person_of(request: Request, session: Session) -> Principal | None:
    """The signed-in person (a one-tap session included), or None."""
    found = sessions.data(request)
    if not isinstance(found.get("i"), int) or found.get("k") not in ("officer", "supervisor",
                                                                       "admin"):
        return None
    only = tuple(found["o"]) if isinstance(found.get("o"), list) else None
    person = load_principal(session=session, kind=found["k"], person_id=found["i"],
                            pv=found.get("pv"), only=only)
    request.state.who = person
    return person


async def who(request: Request, session: Annotated[Session, Depends(db)]) -> Principal | None:
    """person_of as a dependency; async: one short indexed query, no hop to a worker thread."""
    return person_of(request, session)


def require_person(person: Principal | None) -> Principal:
    """Anyone signed in, one-tap sessions too (the look-ups then reach one item only)."""
    if person is None:
        raise LoginRequired
    return person


async def item_viewer(person: Annotated[Principal | None, Depends(who)]) -> Principal:
    """Anyone signed in, one-tap sessions too (the look-ups then reach one item only)."""
    return require_person(person)


async def signed_in(person: Annotated[Principal | None, Depends(who)]) -> Principal:
    """A full session: one-tap sessions must log in to see anything else."""
    if person is None or person.only is not None:
        raise LoginRequired
    return person


async def officer(person: Annotated[Principal, Depends(signed_in)]) -> Principal:
    if not person.is_officer:
        raise NotFound
    return person


async def office(person: Annotated[Principal, Depends(signed_in)]) -> Principal:
    if not person.is_office:
        raise NotFound
    return person


async def admin(person: Annotated[Principal, Depends(signed_in)]) -> Principal:
    if not person.is_admin:
        raise NotFound
    return person


async def csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse a form that does not carry the session's CSRF token."""
    if not sessions.csrf_ok(request, csrf):
        raise CsrfRefused


RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
FormText = Annotated[str, Form()]
DbSession = Annotated[Session, Depends(db)]
Who = Annotated[Principal | None, Depends(who)]
ItemViewer = Annotated[Principal, Depends(item_viewer)]
SignedIn = Annotated[Principal, Depends(signed_in)]
OfficerUser = Annotated[Principal, Depends(officer)]
OfficeUser = Annotated[Principal, Depends(office)]
AdminUser = Annotated[Principal, Depends(admin)]


def render(request: Request, name: str, status: int = 200, **context):
    """A page from a template, with the session's CSRF token and flash message."""
    context.setdefault("who", getattr(request.state, "who", None))
    context["csrf"] = sessions.csrf_token(request)
    context["flash"] = sessions.take_flash(request)
    response = templates.TemplateResponse(request, name, context, status_code=status)
    return sessions.persist(request, response)


def redirect(request: Request, url: str, message: str | None = None):
    """A 303 to url (after a form), with an optional flash message."""
    from fastapi.responses import RedirectResponse

    if message:
        sessions.flash(request, message)
    return sessions.persist(request, RedirectResponse(url, status_code=303))


def login_url(request: Request) -> str:
    """The login page that comes back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"
