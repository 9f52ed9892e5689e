"""Signing in and out, setting a password from an invitation, changing one's password."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from services.accounts import invitations
from services.accounts import login as signing
from services.accounts.identity import set_password
from services.core import links
from services.core.errors import BadInput
from services.permissions.principal import Account, Principal, login_of
from web import sessions
from web.deps import DbSession, FormText, SignedIn, Who, client_address, csrf, redirect, render

router = APIRouter(include_in_schema=False)


def home_of(person: Principal) -> str:
    """Where a person lands after signing in."""
    if person.is_informant:
        return "/banquets"
    return "/my/tasks" if person.is_officer else "/office"


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/")
def index(*, request: Request, person: Who) -> Response:
    if person is None or person.only is not None:
        return redirect(request, "/login")
    return redirect(request, home_of(person))


@router.get("/login")
def login_page(*, request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=_safe_next(next) or "")


@router.post("/login", dependencies=[Depends(csrf)])
def login(
    *,
    request: Request,
    login: FormText = "",
    password: FormText = "",
    next: FormText = "",
    current: Who,
    session: DbSession,
) -> Response:
    try:
        person = signing.open_session(
            session=session,
            login=login,
            password=password,
            client=client_address(request),
            replacing=current,
        )
    except BadInput as exc:
        return render(
            request,
            "login.html",
            status=400,
            error=str(exc),
            login=login,
            next=_safe_next(next) or "",
        )
    session.commit()
    sessions.sign_in(request, person)
    return redirect(request, _safe_next(next) or home_of(person))


@router.post("/logout", dependencies=[Depends(csrf)])
def logout(*, request: Request, person: Who, session: DbSession) -> Response:
    signing.close(session=session, who=person)
    session.commit()
    sessions.sign_out(request)
    return redirect(request, "/login", "已退出登录")


def _invitation(
    session: Session, token: str
) -> tuple[tuple[str, Account], None] | tuple[None, str]:
    """The invitation's (kind, person), or None and why the link cannot be used."""
    try:
        return invitations.check_invitation(session=session, token=token), None
    except links.BadLink as exc:
        return None, str(exc)


@router.get("/invite/{token}")
def invite_page(*, request: Request, token: str, session: DbSession) -> Response:
    found, problem = _invitation(session, token)
    if found is None:
        return render(
            request,
            "error.html",
            status=403,
            message=f"设置密码链接不可用：{problem}。请联系管理员重新邀请。",
        )
    kind, person = found
    return render(
        request, "set_password.html", person=person, account=login_of(person), token=token
    )


@router.post("/invite/{token}", dependencies=[Depends(csrf)])
def invite_set(
    *,
    request: Request,
    token: str,
    password: FormText = "",
    repeat: FormText = "",
    session: DbSession,
) -> Response:
    found, problem = _invitation(session, token)
    if found is None:
        return render(
            request,
            "error.html",
            status=403,
            message=f"设置密码链接不可用：{problem}。请联系管理员重新邀请。",
        )
    kind, person = found
    account = login_of(person)
    assert person.id is not None  # a stored account
    try:
        set_password(
            session=session,
            kind=kind,
            person_id=person.id,
            password=password,
            repeat=repeat,
            actor=account,
        )
    except BadInput as exc:
        return render(
            request,
            "set_password.html",
            status=400,
            person=person,
            account=account,
            token=token,
            error=str(exc),
        )
    session.commit()
    sessions.sign_out(request)
    return redirect(request, "/login", f"密码已设置，请用 {account} 登录")


@router.get("/account")
def account_page(*, request: Request, person: SignedIn) -> Response:
    return render(request, "account.html")


@router.post("/account/password", dependencies=[Depends(csrf)])
def change_password(
    *,
    request: Request,
    current: FormText = "",
    password: FormText = "",
    repeat: FormText = "",
    person: SignedIn,
    session: DbSession,
) -> Response:
    try:
        signing.change_password(
            session=session,
            who=person,
            current=current,
            password=password,
            repeat=repeat,
            client=client_address(request),
        )
    except BadInput as exc:
        return render(request, "account.html", status=400, error=str(exc))
    session.commit()
    sessions.sign_out(request)
    return redirect(request, "/login", "密码已修改，请重新登录")
