"""What every route needs: a database session, the signed-in person, role guards, the CSRF check
and template rendering (Chinese labels, the CSRF token, one flash message)."""

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from pathlib import Path as FilePath
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, Form, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from pydantic import AfterValidator
from sqlmodel import Session

from config.settings import get_settings
from models.db import get_engine, reading_engine
from models.enums import (
    LABELS,
    HazardFilter,
    HazardLevel,
    HazardSource,
    HazardStatus,
    ItemKind,
    JurisdictionLevel,
    OfficerTier,
    PersonKind,
    SessionKind,
    TaskSource,
    TaskState,
    TaskStatus,
    UserRole,
    VisitMode,
)
from services.accounts import tokens
from services.core import clock
from services.figures.rates import rate_text
from services.permissions.principal import Principal
from services.permissions.rules import Action, may
from services.roster.identifiers import tel_uri
from web import sessions

HERE = FilePath(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
SHOWN_TASK = LABELS[TaskState]
templates.env.globals.update(
    task_status=SHOWN_TASK,
    hazard_status=LABELS[HazardStatus],
    hazard_filter=LABELS[HazardFilter],
    hazard_level=LABELS[HazardLevel],
    hazard_source=LABELS[HazardSource],
    tier=LABELS[OfficerTier],
    role=LABELS[UserRole],
    source=LABELS[TaskSource],
    mode=LABELS[VisitMode],
    session_kind=LABELS[SessionKind],
    # The codes themselves, so templates compare with TaskState.OVERDUE, never "overdue".
    TaskState=TaskState,
    TaskStatus=TaskStatus,
    HazardStatus=HazardStatus,
    HazardFilter=HazardFilter,
    ItemKind=ItemKind,
    PersonKind=PersonKind,
    JurisdictionLevel=JurisdictionLevel,
)


def local_time(value: dt.datetime) -> dt.datetime:
    """A stored moment in the office's time zone: both databases give aware UTC moments back
    (timestamps are sqlmodel UTCDateTime columns); a naive value is taken as local wall time."""
    return (
        value.replace(tzinfo=clock.tz()) if value.tzinfo is None else value.astimezone(clock.tz())
    )


def when(value: dt.datetime | None) -> str:
    """A stored moment as local wall time, for pages."""
    return "—" if value is None else local_time(value).strftime("%Y-%m-%d %H:%M")


templates.env.filters["when"] = when
templates.env.filters["rate"] = rate_text  # the one display of a rate: 85.3% or —
templates.env.filters["tel"] = tel_uri  # tap to call: tel:08315201234,802


class LoginRequired(Exception):
    """No (full) session: the browser goes to the login page."""


class NotFound(Exception):
    """Missing or outside the person's scope: both answer 404."""


class CsrfRefused(Exception):
    """A form without this session's CSRF token."""


async def db(request: Request) -> AsyncIterator[Session]:
    """A session on the app's database; routes commit what they change.

    Routes marked read_only get a session without a transaction (no BEGIN and ROLLBACK). At
    most Settings.database_pool requests hold a session at once, the others await their turn
    without blocking the event loop: a request waiting there for a pooled connection would stop
    the very requests that are to give theirs back (every request stalled for the pool's 30 s
    timeout once more requests were under way than connections).
    """
    url = request.app.state.database_url
    read = request.scope.get("endpoint") in READ_ONLY
    async with _turns(request.app.state):
        session = Session(reading_engine(url) if read else get_engine(url))
        try:
            yield session
        finally:  # closing may talk to the database (a rollback): not on the event loop
            await run_in_threadpool(session.close)


def _turns(state: Any) -> asyncio.Semaphore:
    """The app's turns at the database: one per pooled connection (Settings.database_pool)."""
    if getattr(state, "database_turns", None) is None:
        state.database_turns = asyncio.Semaphore(get_settings().database_pool)
    turns: asyncio.Semaphore = state.database_turns
    return turns


Endpoint = TypeVar("Endpoint", bound=Callable[..., object])
READ_ONLY: set[Callable[..., object]] = set()  # the routes read_only marked


def read_only(endpoint: Endpoint) -> Endpoint:
    """Mark a route that only reads (a few queries): its session runs in autocommit."""
    READ_ONLY.add(endpoint)
    return endpoint


def client_address(request: Request) -> str:
    """The client's address: the peer's, or the forwarded one when the peer is a trusted proxy
    (BAOBAO_TRUSTED_PROXIES; the app's proxy-headers middleware has applied it)."""
    return request.client.host if request.client else "?"


def person_of(request: Request, session: Session) -> Principal | None:
    """The signed-in person (a one-tap session included), or None."""
    person = tokens.signed_in(session=session, payload=sessions.data(request))
    request.state.who = person
    return person


def who(request: Request, session: Annotated[Session, Depends(db)]) -> Principal | None:
    """person_of as a dependency, in a worker thread: on the event loop its query would hold
    up every other request for as long as the database takes to answer (under load the loop,
    not the database, then limited how many requests a second were served)."""
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


def allowed(person: Principal, action: Action) -> Principal:
    """person when the permissions allow them action; NotFound (404) otherwise."""
    if not may(person, action):
        raise NotFound
    return person


async def officer(person: Annotated[Principal, Depends(signed_in)]) -> Principal:
    return allowed(person, Action.OWN_WORK)


async def office(person: Annotated[Principal, Depends(signed_in)]) -> Principal:
    return allowed(person, Action.OFFICE_WORK)


async def admin(person: Annotated[Principal, Depends(signed_in)]) -> Principal:
    return allowed(person, Action.ADMINISTER)


async def csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse a form that does not carry the session's CSRF token."""
    if not sessions.csrf_ok(request, csrf):
        raise CsrfRefused


def no_nul(value: object) -> object:
    """Refuse text with NUL characters or lone surrogates (no database can store them)."""
    if isinstance(value, str) and not plain_text(value):
        raise ValueError("包含无效字符")
    return value


def plain_text(value: str) -> bool:
    """Whether text holds no NUL and encodes as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


NoNul = AfterValidator(no_nul)
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
Code = Annotated[str, Path(max_length=64, pattern=r"^[0-9A-Za-z_.@-]+$")]
FormText = Annotated[str, Form(), NoNul]
QueryText = Annotated[str, Query(max_length=100), NoNul]
DbSession = Annotated[Session, Depends(db)]
Who = Annotated[Principal | None, Depends(who)]
ItemViewer = Annotated[Principal, Depends(item_viewer)]
SignedIn = Annotated[Principal, Depends(signed_in)]
OfficerUser = Annotated[Principal, Depends(officer)]
OfficeUser = Annotated[Principal, Depends(office)]
AdminUser = Annotated[Principal, Depends(admin)]


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    """A page from a template, with the session's CSRF token and flash message."""
    context.setdefault("who", getattr(request.state, "who", None))
    context["csrf"] = sessions.csrf_token(request)
    context["flash"] = sessions.take_flash(request)
    response = templates.TemplateResponse(request, name, context, status_code=status)
    persisted: Response = sessions.persist(request, response)
    return persisted


def redirect(request: Request, url: str, message: str | None = None) -> Response:
    """A 303 to url (after a form), with an optional flash message."""
    from fastapi.responses import RedirectResponse

    if message:
        sessions.flash(request, message)
    persisted: Response = sessions.persist(request, RedirectResponse(url, status_code=303))
    return persisted


def login_url(request: Request) -> str:
    """The login page that comes back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"
