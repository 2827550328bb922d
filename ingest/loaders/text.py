"""Plain text and Markdown (with the corpus ``---`` header); legacy TCVN3/VNI bytes converted."""

from __future__ import annotations

from pathlib import Path

from ingest.loaders.base import LoadedFile
from ingest.normalise import decode_legacy, fix_legacy_text, normalise_text
from rag.errors import IngestError
from rag.text.vietnamese import nfc


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Bytes → (Unicode text, encoding name); UTF-8/UTF-16 first, then TCVN3, VNI, cp1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return nfc(data.decode("utf-16")), "utf-16"
    if b"\x00" in data[:4096]:
        raise IngestError(f"{path.name}: tệp nhị phân, không phải văn bản / binary file, not text")
    try:
        text = nfc(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        legacy = decode_legacy(data)
        if legacy is None:
            raise IngestError(
                f"{path.name}: không phải UTF-8 (byte lỗi ở vị trí {exc.start}) và không nhận ra bảng mã "
                "TCVN3/VNI; hãy lưu lại tệp dạng UTF-8 / not valid UTF-8, TCVN3 or VNI"
            ) from exc
        return legacy
    fixed, encoding = fix_legacy_text(text)  # UTF-8 file holding TCVN3/VNI characters
    return fixed, encoding or "utf-8"


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split a YAML-like ``---`` header (key: "value" lines) from the body."""
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end < 0:
        return {}, text
    header: dict[str, str] = {}
    for line in text[3:end].splitlines():
        if ":" not in line:
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if value and value != "null":
            header[key.strip()] = value
    return header, text[end + 4 :]


def load_text(data: bytes, path: Path, markdown: bool) -> LoadedFile:
    text, encoding = decode_text(data, path)
    header, body = parse_header(text) if markdown or text.startswith("---") else ({}, text)
    return LoadedFile(
        path=path,
        kind="markdown" if header or markdown else "text",
        lines=[(normalise_text(line), None) for line in body.splitlines()],
        header=header,
        encoding=encoding,
    )
