"""Files attached to a mail, read when it is sent; Chinese file names survive every client.

The name goes into Content-Disposition as RFC 2231 (filename*=utf-8''…, what the standards and
modern clients read) and into Content-Type as an RFC 2047 word (name="=?utf-8?b?…?=", what older
Outlook and Foxmail read). A file that is gone is a definite failure, never a crash.
"""

import base64
import mimetypes
from email import encoders
from email.mime.base import MIMEBase
from pathlib import Path

from notifications.outcomes import SendFailed

TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def part(path: str) -> MIMEBase:
    """One attachment; SendFailed when the file cannot be read."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise SendFailed(
            f"附件文件不存在：{file.name}（{file}），请重新生成后运行 ./baobao outbox retry ID 重发"
        ) from None
    except OSError as exc:
        raise SendFailed(f"无法读取附件文件 {file.name}：{exc.strerror or exc}") from None
    main, sub = _content_type(file.name).split("/", 1)
    attachment = MIMEBase(main, sub)
    attachment.set_payload(data)
    encoders.encode_base64(attachment)
    encoded = base64.b64encode(file.name.encode()).decode()
    attachment.set_param("name", f"=?utf-8?b?{encoded}?=")
    attachment.add_header("Content-Disposition", "attachment", filename=("utf-8", "", file.name))
    return attachment


def parts(paths: list[str] | None) -> list[MIMEBase]:
    """The attachments of a message, in order."""
    return [part(path) for path in paths or []]
