"""Request limits (pure ASGI): a submission larger than [web] upload_max_request_mb is refused
from its Content-Length before its body is read, and one that streams past the limit without a
Content-Length is cut off there; either answers 413 with the Chinese reason."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.core.uploads import max_request_bytes, too_large

_WRITES = {"POST", "PUT", "PATCH"}


def _length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(scope: Scope, send: Send, size: int | None, limit: int) -> None:
    message = too_large(size=size, limit=limit)
    if scope["path"] == "/api" or scope["path"].startswith("/api/"):
        body, kind = json.dumps({"detail": message}, ensure_ascii=False), b"application/json"
    else:
        body = (
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>提交过大</title>'
            f'<p>{message}</p><p><a href="javascript:history.back()">返回</a></p>'
        )
        kind = b"text/html; charset=utf-8"
    data = body.encode("utf-8")
    headers = [(b"content-type", kind), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class RequestLimits:
    """Refuses submissions over the size limit (the roster upload has its own, larger one)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WRITES:
            return await self.app(scope, receive, send)
        limit = max_request_bytes(roster=scope["path"].startswith("/admin/roster"))
        size = _length(scope)
        if size is not None and size > limit:
            return await _refuse(scope, send, size, limit)
        state: dict[str, int] = {"seen": 0, "over": 0}

        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > limit:
                    state["over"] = 1
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            if not state["over"]:
                await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not state["over"]:
                raise
        if state["over"]:
            await _refuse(scope, send, None, limit)
