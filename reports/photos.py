"""Photos downscaled for print: a phone photo (4,000 px, several MB) becomes a JPEG of the size
it is printed at ([reports] photo_dpi), so that a township's quarter of visit records stays a
few megabytes and renders in seconds. JPEGs are decoded at a reduced scale (Pillow's draft
mode), which makes the downscale itself cheap.
"""

import hashlib
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MM_PER_INCH = 25.4


def printable(
    source: Path, folder: Path, *, width_mm: float, height_mm: float, dpi: int
) -> Path | None:
    """A JPEG copy of source fitting width_mm × height_mm at dpi, written once into folder;
    None when source is missing or not an image."""
    box = (round(width_mm / MM_PER_INCH * dpi), round(height_mm / MM_PER_INCH * dpi))
    key = hashlib.sha256(f"{source}:{box}".encode()).hexdigest()[:24]
    target = folder / f"{key}.jpg"
    if target.is_file():
        return target
    try:
        with Image.open(source) as image:
            image.draft("RGB", box)
            image = ImageOps.exif_transpose(image)
            image.thumbnail(box, Image.Resampling.LANCZOS, reducing_gap=2.0)
            image.convert("RGB").save(target, "JPEG", quality=82, optimize=True, dpi=(dpi, dpi))
    except (FileNotFoundError, UnidentifiedImageError, OSError):
        return None
    return target
