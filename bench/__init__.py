"""Benchmarks; results in docs/benchmarks.md. ``SHARED``: the shared data read in place, beside the checkout
(or one level further up from a git worktree), as tests/conftest.py finds it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = next(
    (p for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if p.is_dir()),
    ROOT.parent / "shared" / "data",
)
