"""Photos downscaled for print: a phone photo (4,000 px, several MB) becomes JPEGs of the sizes
it is printed at ([reports] photo_dpi) — a thumbnail and a full-size picture — so that a
township's quarter of visit records stays a few megabytes and renders in seconds. A JPEG is
decoded once, at a reduced scale (Pillow's draft mode), for both sizes; photos are prepared on
two threads (Pillow releases the GIL while decoding and resizing).
"""

import hashlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MM_PER_INCH = 25.4


def _pixels(size_mm: tuple[float, float], dpi: int) -> tuple[int, int]:
    return (round(size_mm[0] / MM_PER_INCH * dpi), round(size_mm[1] / MM_PER_INCH * dpi))


def printable(
    source: Path, folder: Path, sizes: dict[str, tuple[float, float]], dpi: int
) -> dict[str, Path] | None:
    """JPEG copies of source fitting each named size (mm) at dpi, written into folder;
    None when source is missing or not an image."""
    boxes = {name: _pixels(size, dpi) for name, size in sizes.items()}
    largest = max(boxes.values())
    key = hashlib.sha256(f"{source}:{sorted(boxes.items())}".encode()).hexdigest()[:24]
    try:
        with Image.open(source) as opened:
            opened.draft("RGB", largest)
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (FileNotFoundError, UnidentifiedImageError, OSError):
        return None
    made = {}
    for name, box in sorted(boxes.items(), key=lambda item: -item[1][0]):
        image.thumbnail(box, Image.Resampling.LANCZOS, reducing_gap=2.0)
        target = folder / f"{key}-{name}.jpg"
        image.save(target, "JPEG", quality=82, dpi=(dpi, dpi))
        made[name] = target
    return made


def printables(
    sources: Iterable[Path], folder: Path, sizes: dict[str, tuple[float, float]], dpi: int
) -> list[dict[str, Path] | None]:
    """printable() of every source, in order, on two threads."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda s: printable(s, folder, sizes, dpi), sources))
