"""OCR of scanned pages with Tesseract's Vietnamese model (Debian ``tesseract-ocr-vie``), via its CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from ingest.normalise import normalise_text
from rag.errors import IngestError

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"


@lru_cache(maxsize=1)
def tesseract_languages() -> frozenset[str]:
    exe = shutil.which("tesseract")
    if not exe:
        return frozenset()
    proc = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    return frozenset(line.strip() for line in (proc.stdout + proc.stderr).splitlines()[1:] if line.strip())


def ocr_available(language: str = "vie") -> bool:
    return all(lang in tesseract_languages() for lang in language.split("+"))


def ocr_image(image_path: Path, language: str = "vie", timeout_s: float = 120.0) -> str:
    """Text of one page image; raises ``IngestError`` when Tesseract is missing or fails."""
    exe = shutil.which("tesseract")
    if not exe:
        raise IngestError(f"chưa cài Tesseract OCR ({INSTALL_HINT}) / Tesseract is not installed")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread per page: the machine is shared
    try:
        proc = subprocess.run(
            [exe, str(image_path), "stdout", "-l", language, "--psm", "3"],
            capture_output=True, timeout=timeout_s, env=env, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise IngestError(f"OCR quá thời gian ({timeout_s:.0f} s) / OCR timed out") from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise IngestError(f"OCR lỗi / OCR failed: {message[-1] if message else proc.returncode}")
    return proc.stdout.decode("utf-8", "replace")


def ocr_pdf_page(page, dpi: int, language: str, timeout_s: float) -> list[str]:  # noqa: ANN001 - PdfPage
    """Render a pypdfium2 page to grayscale and OCR it."""
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        text = ocr_image(png, language, timeout_s)
    return [normalise_text(line).strip() for line in text.splitlines() if line.strip()]
