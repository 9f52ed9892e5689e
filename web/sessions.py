"""The session cookie: a signed, expiring token (services.core.links) holding who is signed in, the
CSRF token of the session and one flash message. HttpOnly, SameSite=Lax, Secure behind HTTPS.
"""

from fastapi import Request
from starlette.responses import Response

from config.settings import get_settings
from services.accounts import tokens
from services.accounts.identity import Principal, web_policy
from services.core import links

COOKIE = "baobao_session"


def is_https(request: Request) -> bool:
    """Whether the browser talks HTTPS to us (directly, via a proxy, or per the base URL)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return (
        request.url.scheme == "https"
        or forwarded == "https"
        or (get_settings().base_url or "").lower().startswith("https://")
    )


def data(request: Request) -> dict:
    """The session's contents ({} when there is no valid cookie), read once per request."""
    if not hasattr(request.state, "session"):
        token = request.cookies.get(COOKIE)
        found = {}
        if token:
            try:
                found = links.load(
                    links.SESSION, token, max_age_seconds=web_policy().session_hours * 3600
                )
            except links.BadLink:
                found = {}
        request.state.session, request.state.session_dirty = found, False
    return request.state.session


def _changed(request: Request) -> None:
    request.state.session_dirty = True


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created (and the cookie set) on first need."""
    session = data(request)
    if not session.get("c"):
        session["c"] = links.new_csrf()
        _changed(request)
    return session["c"]


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Whether a submitted form carries this session's CSRF token."""
    return links.same(submitted, data(request).get("c"))


def sign_in(request: Request, who: Principal) -> None:
    """Start a session for who (a new CSRF token; a one-tap session keeps its one item)."""
    request.state.session = {**tokens.principal_claims(who), "c": links.new_csrf()}
    _changed(request)


def sign_out(request: Request) -> None:
    """End the session (a fresh anonymous one keeps a CSRF token for the login form)."""
    request.state.session = {"c": links.new_csrf()}
    _changed(request)


def flash(request: Request, message: str) -> None:
    """A message shown once on the next page."""
    data(request)["f"] = message
    _changed(request)


def take_flash(request: Request) -> str | None:
    """The pending flash message, removed from the session."""
    session = data(request)
    if "f" not in session:
        return None
    _changed(request)
    return session.pop("f")


def persist(request: Request, response: Response) -> Response:
    """Write the cookie onto the response when the session changed."""
    if getattr(request.state, "session_dirty", False):
        response.set_cookie(
            COOKIE,
            links.sign(links.SESSION, request.state.session),
            max_age=web_policy().session_hours * 3600,
            path="/",
            httponly=True,
            samesite="lax",
            secure=is_https(request),
        )
    return response
