"""Fakes at the loader boundary (``ingest.loaders`` accepts extra loaders by suffix).

Module-level functions, so that the parse worker (a spawned process) can import them by name.
"""

from __future__ import annotations

from pathlib import Path

from ingest.loaders import LoadedFile, LoadLimits, PageCallback


def loader_with_a_bug(data: bytes, path: Path, limits: LoadLimits, on_page: PageCallback | None) -> LoadedFile:
    """FAKE: a loader with a programming error (an attribute that does not exist), as a bug in our
    own parsing code would raise; not a library refusing a malformed file."""
    header = None
    return LoadedFile(path=path, kind="text", lines=[(header.strip(), None)])  # AttributeError: a bug
