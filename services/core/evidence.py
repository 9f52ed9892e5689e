"""整改证据 and visit photos: files checked by content (images, PDF, Office documents) and size,
stored once under the data directory by sha256 (DATA_DIR/evidence/<sha256[:2]>/<sha256>); the
name the user gave is kept as data (services.core.uploads.kept_name).
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from sqlalchemy import select
from sqlmodel import Session

from config.files import load_policy
from config.settings import get_settings
from models.evidence import HazardEvidence
from services.core import clock
from services.core.errors import BadInput
from services.core.uploads import kept_name, write_once


class StoredFile(TypedDict):
    """A stored file as records refer to it (a visit's photos, an answer's photos)."""

    sha256: str
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class EvidenceFile:
    """A checked file, held in memory until it is stored."""

    filename: str
    content: bytes
    sha256: str
    content_type: str
    size: int


def max_bytes() -> int:
    """The largest evidence file the policy accepts, in bytes."""
    return load_policy().hazards.evidence_max_mb * 1024 * 1024


def read_file(*, path: Path) -> EvidenceFile:
    """Read and check one evidence file from disk; BadInput when it cannot be accepted."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"证据文件 {path} 不存在或不是文件")
    if path.stat().st_size > max_bytes():
        raise BadInput(_too_large(path.name))
    return check_content(filename=path.name, content=path.read_bytes())


def check_content(*, filename: str, content: bytes) -> EvidenceFile:
    """Check uploaded bytes by their content: an allowed type, not empty, within the size."""
    import filetype

    if not content:
        raise BadInput(f"证据文件 {filename} 是空文件")
    if len(content) > max_bytes():
        raise BadInput(_too_large(filename))
    kind = filetype.guess(content)
    allowed = load_policy().hazards.evidence_types
    if kind is None or kind.extension not in allowed:
        found = f"（识别为 {kind.extension}）" if kind else ""
        raise BadInput(
            f"证据文件 {filename} 的类型不允许{found}，只接受图片、PDF 和 Office 文档："
            f"{'、'.join(allowed)}"
        )
    return EvidenceFile(
        filename=kept_name(filename, default="文件"),
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        content_type=kind.mime,
        size=len(content),
    )


def _too_large(filename: str) -> str:
    return f"证据文件 {filename} 超过 {load_policy().hazards.evidence_max_mb} MB"


def stored_path(sha256: str) -> Path:
    """Where the file with this sha256 lives under the data directory."""
    return Path(get_settings().data_dir) / "evidence" / sha256[:2] / sha256


def read_stored(*, sha256: str, filename: str) -> EvidenceFile:
    """A file stored earlier (uploaded first, attached later), checked again by content."""
    path = stored_path(sha256) if re.fullmatch(r"[0-9a-f]{64}", sha256) else None
    if path is None or not path.is_file():
        raise BadInput(f"文件 {filename} 已不在服务器上，请重新上传")
    return check_content(filename=filename, content=path.read_bytes())


def store(file: EvidenceFile) -> Path:
    """Write the file once (atomically); a file with the same sha256 is already there."""
    target = stored_path(file.sha256)
    return write_once(folder=target.parent, content=file.content)[1]


def attach(
    *, session: Session, hazard_id: int, files: list[EvidenceFile], uploaded_by: str
) -> list[str]:
    """Store files and link them to a hazard (once per sha256); returns their sha256s."""
    for file in files:
        store(file)
    return link_stored(
        session=session,
        hazard_id=hazard_id,
        files=[kept_as(file) for file in files],
        uploaded_by=uploaded_by,
    )


def kept_as(file: EvidenceFile) -> StoredFile:
    """How a record refers to a stored file."""
    return {
        "sha256": file.sha256,
        "filename": file.filename,
        "content_type": file.content_type,
        "size": file.size,
    }


def link_stored(
    *, session: Session, hazard_id: int, files: Sequence[StoredFile], uploaded_by: str
) -> list[str]:
    """Link files already stored (by kept_as) to a hazard, once per sha256; their sha256s."""
    known = set(
        session.execute(
            select(HazardEvidence.sha256).where(HazardEvidence.hazard_id == hazard_id)
        ).scalars()
    )
    hashes: list[str] = []
    for file in files:
        if file["sha256"] in hashes:
            continue
        hashes.append(file["sha256"])
        if file["sha256"] in known:
            continue
        session.add(
            HazardEvidence(
                hazard_id=hazard_id,
                sha256=file["sha256"],
                filename=file["filename"],
                content_type=file["content_type"],
                size=file["size"],
                uploaded_by=uploaded_by,
                uploaded_at=clock.now(),
            )
        )
    session.flush()
    return hashes


def list_evidence(*, session: Session, hazard_id: int) -> list[HazardEvidence]:
    """A hazard's evidence files, oldest first."""
    return list(
        session.execute(
            select(HazardEvidence)
            .where(HazardEvidence.hazard_id == hazard_id)
            .order_by(HazardEvidence.id)
        ).scalars()
    )
