"""Photos uploaded before the visit they belong to is recorded: each is stored at once (by its
sha256, as every evidence file) and named by a signed id, so that a form that fails validation
keeps its photos, and the API attaches photos by id. An id is only good for the person who
uploaded it, for [visits] upload_valid_hours."""

from config.files import load_policy
from services.core import evidence, links
from services.core.errors import BadInput
from services.core.evidence import EvidenceFile


def keep_upload(*, file: EvidenceFile, uploader: str) -> str:
    """Store a checked file now; returns the id that attaches it later."""
    evidence.store(file)
    return links.sign(links.UPLOAD, {"h": file.sha256, "n": file.filename, "u": uploader})


def uploaded_file(*, upload_id: str, uploader: str) -> EvidenceFile:
    """The file an upload id names, for the person who uploaded it; BadInput otherwise."""
    hours = load_policy().visits.upload_valid_hours
    try:
        payload = links.load(links.UPLOAD, upload_id, max_age_seconds=hours * 3600)
    except links.BadLink:
        raise BadInput(f"照片编号无效或已超过 {hours} 小时，请重新上传") from None
    if payload.get("u") != uploader:
        raise BadInput("照片编号无效：只能使用本人上传的照片")
    return evidence.read_stored(sha256=str(payload.get("h")), filename=str(payload.get("n")))


def uploaded_files(*, upload_ids: list[str], uploader: str) -> list[EvidenceFile]:
    """The files of several upload ids (see uploaded_file)."""
    return [uploaded_file(upload_id=i, uploader=uploader) for i in upload_ids]


def upload_name(*, upload_id: str) -> str:
    """The file name an upload id carries (for showing kept photos); "" when it is not valid."""
    try:
        return str(links.load(links.UPLOAD, upload_id, max_age_seconds=10**9).get("n", ""))
    except links.BadLink:
        return ""
