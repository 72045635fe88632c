"""Scanned copies of the ruled fixture PDFs, for the OCR reader's tests and its accuracy figures.

A township's budget book is printed, signed, stamped and scanned: its PDF holds one picture per
page and no text. ``scan_page`` makes such a picture from a typed page, the way a scanner would:

- rendered at the scanner's resolution (150 or 200 dpi) with pypdfium2;
- turned by a small angle (up to ``MAX_ROTATION`` degrees either way: a sheet is never fed square);
- a red seal (a ring, a star and a line of strokes, drawn half-transparent so the print shows
  through, as ink does) stamped over the table's lower right, where a seal covers some cells;
- scanner noise: grey speckle, a slight blur and JPEG compression.

Every choice comes from a random generator seeded by the file name and page, so the same command
always makes the same images. ``scan_pdf`` writes a whole PDF as image-only pages (and, on request,
one PNG per page); ``main`` writes the small committed fixtures in ``tests/fixtures/scans/``:
seed002 of ``tests/fixtures/formats/`` (two tables on two pages) at 150 and 200 dpi. The others
— PNGs, seed000, the 34-page ``tables20.pdf`` — are scanned by the tests and by
``scripts/ocr_accuracy.py`` into a temporary folder (several MiB of noisy JPEG each).

    uv run python scripts/make_scan_fixtures.py
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path
from typing import Final

import cv2
import numpy as np
import pypdfium2 as pdfium
from numpy.typing import NDArray
from PIL import Image

ROOT: Final = Path(__file__).resolve().parents[1]
SCANS: Final = ROOT / "tests" / "fixtures" / "scans"
SEEDS: Final = ROOT / "tests" / "fixtures" / "formats"
MAX_ROTATION: Final = 1.5
"""Degrees; a scan fed by hand is rarely more askew than this."""
NOISE_SIGMA: Final = 10.0
JPEG_QUALITY: Final = 70
SEAL_RED: Final = (220, 30, 40)
DPI_CHOICES: Final = (150, 200)

Image8 = NDArray[np.uint8]


def _rng(name: str, page: int, dpi: int) -> np.random.Generator:
    digest = hashlib.sha256(f"{name}:{page}:{dpi}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def render(page: pdfium.PdfPage, dpi: int) -> Image8:
    """The page as an RGB array at ``dpi``."""
    bitmap = page.render(scale=dpi / 72)
    array: Image8 = np.asarray(bitmap.to_pil().convert("RGB"), dtype=np.uint8).copy()
    return array


def rotate(image: Image8, degrees: float) -> Image8:
    """The image turned by ``degrees`` about its centre, the uncovered corners white paper."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    turned: Image8 = cv2.warpAffine(
        image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255)
    ).astype(np.uint8)
    return turned


def _ink_bounds(image: Image8) -> tuple[int, int, int, int]:
    """The box around the printed part of the page (x0, y0, x1, y1)."""
    ink = np.argwhere(image.min(axis=2) < 128)
    if len(ink) == 0:
        height, width = image.shape[:2]
        return 0, 0, width, height
    (y0, x0), (y1, x1) = ink.min(axis=0), ink.max(axis=0)
    return int(x0), int(y0), int(x1), int(y1)


def stamp_seal(image: Image8, rng: np.random.Generator, dpi: int) -> Image8:
    """A round red seal, half-transparent, over the lower right of the printed part of the page."""
    x0, y0, x1, y1 = _ink_bounds(image)
    radius = int(0.75 * dpi)  # a 38 mm official seal
    low_x, low_y = x0 + 0.55 * (x1 - x0), y0 + 0.45 * (y1 - y0)
    # a page with little print (a table's last row alone) is smaller than the seal: it goes over that
    cx = int(rng.uniform(low_x, max(low_x, x1 - 0.2 * radius)))
    cy = int(rng.uniform(low_y, max(low_y, y1 - 0.2 * radius)))
    layer = np.zeros(image.shape[:2], dtype=np.uint8)
    cv2.circle(layer, (cx, cy), radius, 255, thickness=max(3, dpi // 30))
    star = [
        (
            int(cx + (0.3 if k % 2 == 0 else 0.12) * radius * np.sin(k * np.pi / 5)),
            int(cy - (0.3 if k % 2 == 0 else 0.12) * radius * np.cos(k * np.pi / 5)),
        )
        for k in range(10)
    ]
    cv2.fillPoly(layer, [np.array(star, dtype=np.int32)], 255)
    for k in range(14):  # the seal's ring of characters, as strokes along the inside of the ring
        angle = np.pi * (0.8 + 1.4 * k / 13)
        px, py = int(cx + 0.72 * radius * np.cos(angle)), int(cy + 0.72 * radius * np.sin(angle))
        size = radius // 8
        cv2.rectangle(layer, (px - size, py - size), (px + size, py + size), 255, thickness=max(2, dpi // 60))
    cv2.putText(layer, "SEAL", (cx - radius // 2, cy + radius // 2), cv2.FONT_HERSHEY_SIMPLEX, dpi / 150, 255, 3)
    alpha = (layer.astype(np.float32) / 255.0) * float(rng.uniform(0.55, 0.8))
    red = np.array(SEAL_RED, dtype=np.float32)
    # ink multiplies: a red seal over black print stays black, over white paper turns red
    stamped = image.astype(np.float32) * (1 - alpha[..., None] * (1 - red / 255.0))
    return np.clip(stamped, 0, 255).astype(np.uint8)


def add_noise(image: Image8, rng: np.random.Generator) -> Image8:
    """Grey speckle, a slight blur and dust: what a flatbed adds to a clean page."""
    noisy = image.astype(np.float32) + rng.normal(0.0, NOISE_SIGMA, image.shape[:2])[..., None]
    dust = rng.random(image.shape[:2]) < 0.0004
    noisy[dust] = 40.0
    blurred = cv2.GaussianBlur(np.clip(noisy, 0, 255).astype(np.uint8), (3, 3), 0.6)
    return np.asarray(blurred, dtype=np.uint8)


def jpeg(image: Image8) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def scan_page(page: pdfium.PdfPage, name: str, number: int, dpi: int, seal: bool = True) -> bytes:
    """One page as a scanner gives it: JPEG bytes at ``dpi``, askew, stamped and noisy."""
    rng = _rng(name, number, dpi)
    image = render(page, dpi)
    if seal:
        image = stamp_seal(image, rng, dpi)
    image = rotate(image, float(rng.uniform(-MAX_ROTATION, MAX_ROTATION)))
    return jpeg(add_noise(image, rng))


def scan_pdf(source: Path, target: Path, dpi: int, png_folder: Path | None = None) -> Path:
    """``source`` scanned page by page into the image-only PDF ``target`` (and PNGs in ``png_folder``)."""
    document = pdfium.PdfDocument(source)
    pages: list[Image.Image] = []
    try:
        for index in range(len(document)):
            page = document[index]
            data = scan_page(page, source.name, index + 1, dpi)
            page.close()
            picture = Image.open(io.BytesIO(data))
            pages.append(picture)
            if png_folder is not None:
                png_folder.mkdir(parents=True, exist_ok=True)
                picture.save(png_folder / f"{source.stem}_{dpi}dpi_p{index + 1}.png")
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(target, format="PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return target


def main() -> int:
    """The committed fixtures: seed002's two pages at 150 and 200 dpi as image-only PDFs.

    A noisy page does not compress: as PNG it is 2-3 MiB, so PNGs (and the bigger scans) are made
    by the tests from the typed PDFs with ``scan_page``, the same way, in a temporary folder.
    """
    for dpi in DPI_CHOICES:
        scan_pdf(SEEDS / "seed002.pdf", SCANS / f"seed002_{dpi}dpi.pdf", dpi)
    for path in sorted(SCANS.iterdir()):
        print(f"{path.relative_to(ROOT)}\t{path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
