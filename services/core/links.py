"""Signed tokens: session cookies, CSRF, one-tap links in digests, invitations, API tokens.

Every token is an itsdangerous signature over a small JSON payload with a purpose (salt) and a
timestamp from the one clock, so a token of one purpose is never accepted for another and every
token expires. The key is BAOBAO_SECRET_KEY when set (the same on every machine serving one
database), else a random secret kept in DATA_DIR/secret_key (created 0600 on first use), shared
by the CLI (invitations) and the web server (sessions, links).
"""

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, int_to_bytes, want_bytes

from config.settings import get_settings
from models.enums import ItemKind
from services.core import clock
from services.core.urls import public_base

SESSION, LINK, INVITE, API = "session", "one-tap-link", "invitation", "api-token"
UPLOAD = "upload"  # a file uploaded before the form that attaches it (services.visits.uploads)


class BadLink(Exception):
    """A token that is tampered with, expired, or of another purpose."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


class _ClockSigner(TimestampSigner):
    """Timestamps from services.core.clock, so --today moves token expiry as well."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


@lru_cache(maxsize=8)
def _secret(data_dir: str) -> bytes:
    target = (Path(data_dir) / "secret_key").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    key = target.read_text().strip()
    for _ in range(20):  # another process may be writing it right now
        if len(key) >= 32:
            break
        time.sleep(0.05)
        key = target.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"签名密钥文件 {target} 内容无效，请删除后重新启动")
    return key.encode()


def secret() -> bytes:
    """The signing key: BAOBAO_SECRET_KEY when set, else this installation's key file."""
    settings = get_settings()
    if settings.secret_key:
        return settings.secret_key.encode()
    return _secret(str(settings.data_dir))


@lru_cache(maxsize=16)
def _cached_serializer(key: bytes, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=purpose, signer=_ClockSigner)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return _cached_serializer(secret(), purpose)


@lru_cache(maxsize=16)
def _link_mac(key: bytes) -> tuple[hmac.HMAC, bytes]:
    """The keyed HMAC of one-tap links, derived once (itsdangerous derives it per token)."""
    signer = _cached_serializer(key, LINK).make_signer()
    return hmac.new(signer.derive_key(), digestmod=signer.digest_method), want_bytes(signer.sep)


def sign(purpose: str, payload: Mapping[str, object]) -> str:
    """A URL-safe token carrying payload for one purpose."""
    return _serializer(purpose).dumps(payload)


def load(purpose: str, token: str, *, max_age_seconds: int) -> dict[str, Any]:
    """The payload of a token of this purpose no older than max_age_seconds; BadLink otherwise."""
    try:
        payload = _serializer(purpose).loads(token or "", max_age=max_age_seconds)
    except SignatureExpired:
        raise BadLink("链接已过期", expired=True) from None
    except BadSignature:
        raise BadLink("链接无效") from None
    if not isinstance(payload, dict):
        raise BadLink("链接无效")
    return payload


def password_version(password_hash: str | None) -> str:
    """A short fingerprint of the current password hash: a new password voids older tokens."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def new_csrf() -> str:
    """A fresh CSRF token for a session."""
    return secrets.token_urlsafe(24)


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens (False when either is missing)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def item_links(*, officer_id: int, pv: str, items: list[tuple[str, int]]) -> list[str]:
    """The signed one-tap URLs of an officer's tasks and hazards ((kind, id) pairs), in order,
    bound to the officer's credential version pv (a new password voids them).

    The tokens are those sign(LINK, {"o", "pv", "t", "i"}) makes, built here with the key
    derived and the clock read once per call: a province's digests carry about a million.
    """
    base, key = public_base(), secret()
    keyed, sep = _link_mac(key)
    stamp = sep + base64_encode(int_to_bytes(int(clock.now().timestamp())))
    if not pv.isalnum():
        raise ValueError(pv)
    urls = []
    for kind, item_id in items:
        if kind not in tuple(ItemKind) or not isinstance(item_id, int):
            raise ValueError(kind)
        # itsdangerous' compact JSON, not compressed (valid whether or not it would compress)
        text = f'{{"o":{int(officer_id)},"pv":"{pv}","t":"{kind}","i":{item_id}}}'
        value = base64_encode(text) + stamp
        mac = keyed.copy()
        mac.update(value)
        token = (value + sep + base64_encode(mac.digest())).decode()
        urls.append(f"{base}/{'tasks' if kind == ItemKind.TASK else 'hazards'}/{item_id}?k={token}")
    return urls


def item_token(*, kind: str, item_id: int, officer_id: int, pv: str) -> str:
    """The token of a one-tap link: this officer (at this credential version), this one item."""
    return item_link(kind=kind, item_id=item_id, officer_id=officer_id, pv=pv).rpartition("?k=")[2]


def item_link(*, kind: str, item_id: int, officer_id: int, pv: str) -> str:
    """The signed one-tap URL of a task or hazard for its officer (digests carry it)."""
    return item_links(officer_id=officer_id, pv=pv, items=[(kind, item_id)])[0]


def check_item_token(
    token: str, *, kind: str, item_id: int, max_age_seconds: int
) -> tuple[int, str]:
    """(officer id, credential version) a one-tap token grants this task or hazard to;
    BadLink otherwise."""
    payload = load(LINK, token, max_age_seconds=max_age_seconds)
    if (
        payload.get("t") != kind
        or payload.get("i") != item_id
        or not isinstance(payload.get("o"), int)
        or not isinstance(payload.get("pv"), str)
    ):
        raise BadLink("链接与所打开的任务或隐患不符")
    return payload["o"], payload["pv"]
