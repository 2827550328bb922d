"""Real units of the shared corpus for the passage-engine tests."""

import random

import pytest

from ingest.pipeline import embedding_text, parse_options
from ingest.worker import parse_path
from rag.config import load_settings
from tests.conftest import CORPUS


@pytest.fixture(scope="session")
def texts() -> list[str]:
    """80 units of three real documents, plus a text longer than one 512-token window."""
    options = parse_options(load_settings())
    units = []
    for name in ("60-2014-QH13.md", "23-2015-ND-CP.md", "01-2020-TT-BTP.md"):
        units += parse_path(CORPUS / name, options).units
    picked = [embedding_text(u) for u in random.Random(7).sample(units, 80)]
    return picked + [" ".join(embedding_text(u) for u in units[:12])]
