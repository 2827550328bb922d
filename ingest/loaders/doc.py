"""Legacy Word 97-2003 .doc (OLE): Debian ``antiword``, else LibreOffice headless."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.loaders.base import LoadedFile, LoadLimits
from ingest.normalise import fix_legacy_text, normalise_text
from rag.errors import IngestError


def _antiword(data: bytes, limits: LoadLimits) -> str | None:
    exe = shutil.which("antiword")
    if not exe:
        return None
    with tempfile.NamedTemporaryFile(suffix=".doc") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            proc = subprocess.run(
                [exe, "-m", "UTF-8.txt", "-w", "0", tmp.name],
                capture_output=True, timeout=limits.tool_timeout_s, check=False,
            )
        except subprocess.TimeoutExpired:
            return None
    text = proc.stdout.decode("utf-8", "replace")
    return text if proc.returncode == 0 and text.strip() else None


def _libreoffice(data: bytes, limits: LoadLimits) -> str | None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "input.doc"
        src.write_bytes(data)
        try:
            subprocess.run(
                [exe, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to",
                 "txt:Text (encoded):UTF8", "--outdir", tmp, str(src)],
                capture_output=True, timeout=limits.tool_timeout_s, check=False,
            )
        except subprocess.TimeoutExpired:
            return None
        out = Path(tmp) / "input.txt"
        return out.read_text("utf-8", "replace") if out.is_file() else None


def doc_lines(text: str) -> list[str]:
    """antiword prints tables as ``|cell|cell|`` rows: keep the cells as text."""
    lines = []
    for raw in text.splitlines():
        line = normalise_text(raw).strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            line = " | ".join(c for c in cells if c)
        if line in ("[pic]",):
            continue
        lines.append(line)
    return lines


def load_doc(data: bytes, path: Path, limits: LoadLimits) -> LoadedFile:
    text = _antiword(data, limits) or _libreoffice(data, limits)
    if text is None:
        if not (shutil.which("antiword") or shutil.which("soffice")):
            raise IngestError(
                f"{path.name}: cần antiword hoặc LibreOffice để đọc .doc (apt-get install antiword) / "
                "antiword or LibreOffice needed for .doc"
            )
        raise IngestError(f"{path.name}: tệp Word .doc hỏng hoặc không đọc được / unreadable .doc")
    fixed, encoding = fix_legacy_text(text)
    lines = [(line, None) for line in doc_lines(fixed) if line]
    return LoadedFile(path=path, kind="doc", lines=lines, encoding=encoding or "utf-8", layout=fixed)
