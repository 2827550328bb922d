"""Files the search keeps beside the index (article table, search arrays, diacritics model): each is named
after exactly the index content it was built from, loaded when present, else built and saved in place of
the older ones. A read-only index folder still works, just slower to start."""

from __future__ import annotations

import gzip
import json
import logging
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
        except (OSError, ValueError, KeyError) as exc:
            log.warning("%s cache unreadable (%s), rebuilding", what, exc)
    built = build()
    if path:
        try:
            for old in path.parent.glob(stale):
                old.unlink()
            save(built, path)
        except OSError as exc:
            log.info("cannot cache the %s in %s: %s", what, path.parent, exc)
    return built


def write_json_gz(path: Path, data: Any) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False)


def read_json_gz(path: Path) -> Any:
    with gzip.open(path, "rt", encoding="utf-8") as src:
        return json.load(src)
