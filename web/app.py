"""The web application: create_app() builds FastAPI with its routes by audience (officer,
supervisor, paperwork, admin, auth, api), static files, security headers and Chinese error pages."""

import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.files import load_policy
from config.settings import get_settings
from models.db import get_engine, serial_queries
from services.core.errors import BadInput
from web import sessions
from web.deps import HERE, CsrfRefused, LoginRequired, NotFound, login_url, render
from web.limits import RequestLimits

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
        b"display-capture=()",
    ),
]


def _hsts() -> tuple[bytes, bytes]:
    days = load_policy().web.hsts_max_age_days
    return (b"strict-transport-security", f"max-age={days * 86400}".encode())


class SecurityHeaders:
    """Adds the security headers (HSTS on requests that came over https), and no-store on
    everything but static files (pure ASGI)."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.hsts = _hsts()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                if scope.get("scheme") == "https":
                    headers.append(self.hsts)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "error.html", status=status, message=message)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": "需要令牌（Authorization: Bearer …）"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return sessions.persist(request, RedirectResponse(login_url(request), status_code=303))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, _exc: NotFound) -> Response:
        return _error(request, 404, "找不到该页面或对象，或不在您的职责范围内")

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _exc: CsrfRefused) -> Response:
        return _error(request, 403, "表单已失效（安全校验未通过），请返回刷新页面后重试")

    @app.exception_handler(BadInput)
    async def bad_input(request: Request, exc: BadInput) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        text = {404: "找不到该页面", 405: "不支持该请求方式"}.get(exc.status_code, str(exc.detail))
        return _error(request, exc.status_code, text)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        logging.getLogger("baobao.web").error(
            "%s %s failed", request.method, request.url.path, exc_info=exc
        )
        if _is_api(request):
            return JSONResponse({"detail": "内部错误，已记录日志"}, status_code=500)
        return HTMLResponse(_PLAIN_500, status_code=500)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": _plain(exc.errors())}, status_code=422)
        return _error(request, 400, "提交的内容不完整或格式不正确，请返回检查后重试")


_PLAIN_500 = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>出错了</title>'
    '<p>系统内部错误，已记录日志。请稍后再试，或联系管理员。</p><p><a href="/">返回首页</a></p>'
)


def _plain(errors: Sequence[Any]) -> list[dict[str, object]]:
    """Pydantic's errors (RequestValidationError.errors(), typed Any) as plain JSON."""
    return [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "value_error")),
        }
        for e in errors
    ]


# Objects allocated between young collections; collections of the two older generations. A
# list page allocates tens of thousands of objects, nearly all freed by reference counting:
# with Python's defaults (700, 10, 10) the collector ran many times a request and p95 of the
# supervisor lists under 50 clients was 86-119 ms; with these, 66-67 ms (server +13 MB).
GC_THRESHOLDS = (100_000, 50, 100)


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """When served: the objects of start-up leave the collector's view (gc.freeze), so a full
    collection no longer stalls every request in flight for ~100 ms, and the collector runs
    less often (GC_THRESHOLDS)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    yield


def create_app(*, database_url: str | None = None) -> FastAPI:
    """The application on database_url (default: the settings' database)."""
    from services.core import calendar
    from web import (
        admin,
        api,
        auth,
        banquet_api,
        banquets,
        officer,
        operations,
        paperwork,
        supervisor,
    )

    app = FastAPI(
        title="baobao 食品安全包保工作系统 API",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
        description="包保干部与食安办的任务、督导记录、隐患和统计。令牌：POST /api/token。",
    )
    app.state.database_url = database_url or get_settings().database_url
    serial_queries(get_engine(app.state.database_url))
    calendar.bind(app.state.database_url)  # held calendar years come from this database
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (
        auth,
        officer,
        banquets,
        supervisor,
        paperwork,
        admin,
        operations,
        api,
        banquet_api,
    ):
        app.include_router(module.router)
    _handlers(app)
    app.add_middleware(RequestLimits)
    app.add_middleware(SecurityHeaders)
    proxies = get_settings().trusted_proxies
    if proxies:  # the client's address and scheme from these proxies' forwarded headers only
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(proxies))
    return app
