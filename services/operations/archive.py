"""The backup archive: one tar file, readable by its owner only, holding the database copy, the
data directory's files and manifest.json (the last member) with rows per table and the sha256 and
size of every other member. Reading checks the manifest before anything is used."""

import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NotRequired, TypedDict

from services.core.errors import BadInput

FORMAT = "baobao-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class DatabaseCopy(TypedDict):
    """The database member: its dialect, file inside the archive and (PostgreSQL) schema."""

    dialect: str  # sqlite | postgresql
    file: str
    schema: str | None


class FileSum(TypedDict):
    sha256: str
    size: int


class Manifest(TypedDict):
    """manifest.json: when and why, the schema revision, the database copy, rows per table and
    (added by write) the format, its version and every other member's sum."""

    created_at: str
    reason: str
    revision: str | None
    database: DatabaseCopy
    tables: dict[str, int]
    format: NotRequired[str]
    version: NotRequired[int]
    files: NotRequired[dict[str, FileSum]]


class _Hashing:
    """A file reader that hashes what tarfile copies out of it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


@dataclass(frozen=True)
class Member:
    """A file to archive: its name inside the archive and where it is now."""

    name: str
    path: Path


def write(*, path: Path, members: list[Member], manifest: Manifest) -> Manifest:
    """Write the archive (0600, created anew); returns the manifest as written."""
    files: dict[str, FileSum] = {}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
        for member in members:
            files[member.name] = _add(tar, member)
        manifest = {**manifest, "format": FORMAT, "version": VERSION, "files": files}
        body = json.dumps(manifest, ensure_ascii=False, indent=1, default=str).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(body), 0o600
        tar.addfile(info, io.BytesIO(body))
    return manifest


def _add(tar: tarfile.TarFile, member: Member) -> FileSum:
    info = tar.gettarinfo(str(member.path), arcname=member.name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with member.path.open("rb") as handle:
        reader = _Hashing(handle)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def read_manifest(*, path: Path) -> Manifest:
    """The archive's manifest; BadInput when the file is not a baobao backup."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"备份文件 {path} 不存在")
    try:
        with tarfile.open(path, mode="r:") as tar:
            handle = tar.extractfile(tar.getmember(MANIFEST))
            if handle is None:  # not a regular file
                raise KeyError(MANIFEST)
            manifest: Manifest = json.loads(handle.read())  # checked below: format, version
    except (tarfile.TarError, KeyError, json.JSONDecodeError, OSError) as exc:
        raise BadInput(f"{path.name} 不是完整的 baobao 备份文件（{type(exc).__name__}）") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BadInput(f"{path.name} 不是本系统可读的备份（格式 {manifest.get('format')}）")
    return manifest


def extract_checked(*, path: Path, manifest: Manifest, into: Path) -> None:
    """Extract every member into a folder and check each against the manifest (sha256, size,
    nothing missing, nothing extra); BadInput naming the first problem."""
    expected = manifest["files"]
    seen: set[str] = set()
    with tarfile.open(path, mode="r:") as tar:
        for info in tar:
            if info.name == MANIFEST:
                continue
            if info.name not in expected or not info.isfile():
                raise BadInput(f"备份中有清单（manifest）之外的内容：{info.name}")
            tar.extract(info, into, filter="data")
            seen.add(info.name)
            if sha256_of(into / info.name) != expected[info.name]["sha256"]:
                raise BadInput(f"备份中的文件 {info.name} 与清单的校验值（sha256）不符，备份已损坏")
    missing = sorted(set(expected) - seen)
    if missing:
        raise BadInput(f"备份不完整：缺少 {len(missing)} 个文件，如 {missing[0]}")


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
