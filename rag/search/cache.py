"""Files the search keeps beside the index (article table, search arrays, diacritics model): each is named
after exactly the index content it was built from, loaded when present, else built and saved in place of
the older ones. A read-only index folder still works, just slower to start."""

from __future__ import annotations

import gzip
import json
import logging
import os
import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def load_or_build(
    path: Path | None, load: Callable[[Path], T], build: Callable[[], T], save: Callable[[T, Path], None],
    stale: str, what: str,
) -> T:
    """The object cached at ``path``, or ``build()`` saved there after removing the files matching ``stale``."""
    if path and path.is_file():
        try:
            return load(path)
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile, ValueError, KeyError) as exc:  # EOFError: cut short
            log.warning("%s cache unreadable (%s), rebuilding", what, exc)
    built = build()
    if path:
        try:
            for old in [*path.parent.glob(stale), *path.parent.glob(f".{stale}.*.tmp")]:  # and writes cut short
                old.unlink()
            save(built, path)
        except OSError as exc:
            log.info("cannot cache the %s in %s: %s", what, path.parent, exc)
    return built


def write_json_gz(path: Path, data: Any) -> None:
    """Written beside ``path`` and moved into place, so a process stopped mid-write leaves no cut-short cache."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with gzip.open(tmp, "wt", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_json_gz(path: Path) -> Any:
    with gzip.open(path, "rt", encoding="utf-8") as src:
        return json.load(src)
