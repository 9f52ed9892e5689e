"""Links that arrive: every absolute URL the application hands out (mail, robot messages,
invitations, one-tap links, QR codes) is built by public_url on one base.

The base is BAOBAO_BASE_URL when set. Otherwise it is the address `./baobao serve` was started
on (a server listening on every interface, 0.0.0.0, is reached at this machine's network
address), remembered in DATA_DIR/served_url so commands run beside it build the same links;
before any server has started, http://127.0.0.1:8000. Only BAOBAO_BASE_URL, set to the address
officers' phones open, is sure to work: public_address_warning says so wherever links are made.
"""

import socket
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from config.settings import get_settings

DEFAULT_BASE = "http://127.0.0.1:8000"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}
SERVED_FILE = "served_url"
_served: dict[str, str] = {}  # data dir → the address this process serves on


def _network_address() -> str:
    """This machine's address on its default route (no packet is sent), else loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def served_address(*, host: str, port: int) -> str:
    """The address a server listening on host:port is opened at."""
    if host in ("0.0.0.0", "::", ""):
        host = _network_address()
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def remember_served(*, host: str, port: int) -> str:
    """Record the address this server was started on (for links when no base URL is set)."""
    address = served_address(host=host, port=port)
    data_dir = Path(get_settings().data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / SERVED_FILE).write_text(address + "\n", encoding="utf-8")
    _served[str(data_dir)] = address
    _stored.cache_clear()
    return address


@lru_cache(maxsize=8)
def _stored(data_dir: str) -> str | None:
    try:
        text = (Path(data_dir) / SERVED_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text if text.startswith(("http://", "https://")) else None


def base_is_configured() -> bool:
    """Whether BAOBAO_BASE_URL names the address links start with."""
    return bool(get_settings().base_url)


def public_base() -> str:
    """The base every link starts with (no trailing slash)."""
    settings = get_settings()
    if settings.base_url:
        return settings.base_url.rstrip("/")
    data_dir = str(Path(settings.data_dir))
    return _served.get(data_dir) or _stored(data_dir) or DEFAULT_BASE


def public_url(path: str) -> str:
    """The absolute URL of a path of this application (path starts with "/")."""
    if not path.startswith("/"):
        raise ValueError(path)
    return public_base() + path


def is_reachable_address(url: str) -> bool:
    """Whether a phone elsewhere could open url (http or https, not a loopback host)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "") not in LOOPBACK


def public_address_warning() -> str | None:
    """Why links may not open on officers' phones (None when BAOBAO_BASE_URL is a public one)."""
    base = public_base()
    if base_is_configured() and is_reachable_address(base):
        return None
    if base_is_configured():
        return (
            f"BAOBAO_BASE_URL 为 {base}，手机上打不开：邀请、提醒和二维码中的链接须使用包保干部"
            "手机能打开的公网（或单位内网）地址，如 https://baobao.example.gov.cn"
        )
    return (
        f"未设置 BAOBAO_BASE_URL：邀请、提醒和二维码中的链接暂用本系统的启动地址 {base}。"
        "包保干部的手机须能打开该地址；请将 BAOBAO_BASE_URL 设为公网（或单位内网）访问地址，"
        "如 https://baobao.example.gov.cn"
    )
