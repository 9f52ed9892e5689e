"""The session cookie: a signed, expiring token (services.core.links) holding who is signed in, the
CSRF token of the session and one flash message. HttpOnly, SameSite=Lax, Secure behind HTTPS.
"""

from fastapi import Request
from starlette.responses import Response

from config.settings import get_settings
from services.accounts import tokens
from services.accounts.identity import web_policy
from services.core import links
from services.permissions.principal import Principal

COOKIE = "baobao_session"
# The cookie's keys besides who signed in (services.accounts.tokens.principal_claims names them).
CSRF, FLASH = "c", "f"
# The session's contents: the signed-in claims, the CSRF token, a flash message.
Data = dict[str, object]


def is_https(request: Request) -> bool:
    """Whether the browser talks HTTPS to us: directly, through a trusted proxy (its
    X-Forwarded-Proto applied by the app's proxy-headers middleware), or per the base URL."""
    return request.url.scheme == "https" or (get_settings().base_url or "").lower().startswith(
        "https://"
    )


def data(request: Request) -> Data:
    """The session's contents ({} when there is no valid cookie), read once per request."""
    if not hasattr(request.state, "session"):
        token = request.cookies.get(COOKIE)
        found: Data = {}
        if token:
            try:
                found = links.load(
                    links.SESSION, token, max_age_seconds=web_policy().session_hours * 3600
                )
            except links.BadLink:
                found = {}
        request.state.session, request.state.session_dirty = found, False
    session: Data = request.state.session  # Starlette's request.state holds Any
    return session


def _changed(request: Request) -> None:
    request.state.session_dirty = True


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created (and the cookie set) on first need."""
    session = data(request)
    token = session.get(CSRF)
    if not isinstance(token, str) or not token:  # we sign the cookie: a token is a str
        token = session[CSRF] = links.new_csrf()
        _changed(request)
    return token


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Whether a submitted form carries this session's CSRF token."""
    token = data(request).get(CSRF)
    return links.same(submitted, token if isinstance(token, str) else None)


def sign_in(request: Request, who: Principal) -> None:
    """Name who's server-side session in the cookie (services.accounts.sign_ins.start made it),
    with a new CSRF token."""
    request.state.session = {**tokens.principal_claims(who), CSRF: links.new_csrf()}
    _changed(request)


def sign_out(request: Request) -> None:
    """Forget the session in the cookie (the route ends it on the server); a fresh anonymous
    one keeps a CSRF token for the login form."""
    request.state.session = {CSRF: links.new_csrf()}
    _changed(request)


def flash(request: Request, message: str) -> None:
    """A message shown once on the next page."""
    data(request)[FLASH] = message
    _changed(request)


def take_flash(request: Request) -> str | None:
    """The pending flash message, removed from the session."""
    session = data(request)
    if FLASH not in session:
        return None
    _changed(request)
    message = session.pop(FLASH)
    return message if isinstance(message, str) else None  # we sign the cookie: it is a str


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
