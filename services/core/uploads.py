"""Uploaded files: stored under their sha256, never under the name a user gave them; that name
is kept as data (cleaned, at most NAME_CHARS characters) and cut by UTF-8 bytes wherever it goes
into a header (a 100-character Chinese name is 300 bytes). The per-request limits are [web]
upload_max_files and upload_max_request_mb of policy.toml.
"""

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from config.files import load_policy
from services.core.errors import BadInput

NAME_CHARS = 255  # the most characters a kept name holds (its column holds 300)
HEADER_NAME_BYTES = 180  # the most UTF-8 bytes of a name in a header (download, attachment)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
MB = 2**20


def cut_bytes(text: str, limit: int) -> str:
    """text cut to at most limit bytes of UTF-8, never inside a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _fit(name: str, cut: Callable[[str, str], str]) -> str:
    """name shortened by cut(text, tail) keeping its extension (the tail, if a short one)."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        return cut(name, "")
    return cut(stem, "." + suffix).rstrip(". ") + "." + suffix


def kept_name(filename: str | None, *, default: str) -> str:
    """The name a user gave a file, as kept with it: its last path part without control or
    reserved characters, at most NAME_CHARS characters keeping its extension; default when
    nothing is left."""
    name = (filename or "").replace("\\", "/").rpartition("/")[2]
    name = _UNSAFE.sub("_", name).strip(". ")
    if not name:
        return default
    return _fit(name, lambda text, tail: text[: NAME_CHARS - len(tail)])


def header_name(name: str) -> str:
    """A kept name cut to HEADER_NAME_BYTES bytes of UTF-8 keeping its extension, for a
    Content-Disposition or a mail attachment."""
    return _fit(name, lambda text, tail: cut_bytes(text, HEADER_NAME_BYTES - len(tail.encode())))


def write_once(*, folder: Path, content: bytes, suffix: str = "") -> tuple[str, Path]:
    """Store content as folder/<sha256><suffix> (atomically, once); its sha256 and path."""
    digest = hashlib.sha256(content).hexdigest()
    target = folder / f"{digest}{suffix}"
    if target.is_file() and target.stat().st_size == len(content):
        return digest, target
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest, target


def max_files() -> int:
    """The most files one submission may carry ([web] upload_max_files)."""
    return load_policy().web.upload_max_files


def max_request_bytes(*, roster: bool = False) -> int:
    """The largest submission accepted, in bytes; a roster upload may be as large as its own
    limit ([roster] max_file_mb) plus the form around it."""
    policy = load_policy()
    limit = policy.web.upload_max_request_mb * MB
    return max(limit, policy.roster.max_file_mb * MB + MB) if roster else limit


def too_large(*, size: int | None, limit: int) -> str:
    """The Chinese reason a submission of size bytes (None: not known yet) is refused."""
    shown = f"（{size / MB:.1f} MB）" if size is not None else ""
    return f"提交的内容过大{shown}，一次最多 {limit / MB:g} MB；请分几次上传"


def check_count(*, count: int) -> None:
    """Refuse a submission of more files than the policy allows (BadInput)."""
    if count > max_files():
        raise BadInput(f"一次最多上传 {max_files()} 个文件（本次 {count} 个），请分几次上传")
