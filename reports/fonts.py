"""The CJK font for PDFs and charts: a light one (WenQuanYi Micro Hei, ~0.7 s per PDF in
WeasyPrint) — Noto CJK works too but was measured at ~5 s per PDF in font subsetting.
scripts/system-deps.sh installs fonts-wqy-microhei on Debian.
"""

from functools import lru_cache
from pathlib import Path

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/local/share/fonts/wqy-microhei.ttc",
)
FAMILY = "BaobaoCJK"


class FontMissing(RuntimeError):
    """No CJK font to render Chinese documents with."""

    def __init__(self):
        super().__init__(
            "缺少中文字体（文泉驿微米黑 fonts-wqy-microhei），"
            "请以 root 运行 scripts/system-deps.sh 安装后重试"
        )


@lru_cache(maxsize=1)
def cjk_font() -> Path:
    """The path of the CJK font file; FontMissing when none is installed."""
    for candidate in CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    raise FontMissing()
