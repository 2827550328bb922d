"""docs/architecture.md's rules hold for the tree: no import cycle between rag/ folders, layers only
import downward (ui → ingest → rag), only rag.index touches Qdrant libraries."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
import_graph = importlib.util.module_from_spec(_spec)
sys.modules["import_graph"] = import_graph  # dataclasses look their module up
_spec.loader.exec_module(import_graph)


def test_the_tree_keeps_its_import_rules():
    graph = import_graph.build(ROOT)
    assert {"rag.index", "rag.search", "rag.answering", "rag.validity", "rag.text", "ingest", "ui"} <= set(graph.lines)
    assert import_graph.problems(graph) == []


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_an_upward_import_and_a_stray_qdrant_import_are_reported(tmp_path):
    _write(tmp_path, {
        "rag/__init__.py": "",
        "rag/search/__init__.py": "",
        "rag/search/retrieval.py": "from rag.index.store import UnitStore\n",
        "rag/index/__init__.py": "",
        "rag/index/store.py": "from rag.search.filters import SearchFilters\nimport qdrant_client\n",
        "rag/engine.py": "from qdrant_client import models\nfrom ingest.pipeline import run\n",
        "ingest/__init__.py": "",
        "ingest/pipeline.py": "",
        "ui/__init__.py": "",
    })
    found = import_graph.problems(import_graph.build(tmp_path))
    assert found == [
        "cycle: rag.index ↔ rag.search",
        "layer: rag.engine imports ingest",
        "storage: rag.engine imports a Qdrant library (only rag.index may)",
    ]


# parameters that always have a real type in this tree (the index, the settings object, the models …)
TYPED_PARAMETERS = {"store", "settings", "embedder", "client", "registry", "engine", "ingestor", "resolver"}


def any_typed_parameters(root: Path) -> list[str]:
    """``file:line name`` of each parameter in TYPED_PARAMETERS annotated ``Any``."""
    import ast

    found = []
    for package in ("rag", "ingest", "ui", "bench"):
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                args = node.args
                for arg in args.posonlyargs + args.args + args.kwonlyargs:
                    annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                    if arg.arg in TYPED_PARAMETERS and annotation.strip("'\"") in ("Any", "typing.Any"):
                        found.append(f"{path.relative_to(root)}:{arg.lineno} {arg.arg}")
    return found


def test_stores_settings_and_models_are_passed_with_their_type():
    assert any_typed_parameters(ROOT) == []


def test_an_any_typed_store_is_reported(tmp_path):
    _write(tmp_path, {
        "rag/x.py": "from typing import Any\ndef f(store: Any, settings: 'Any', text: Any, client=None): ...\n",
        "ingest/__init__.py": "",
        "ui/__init__.py": "",
    })
    assert any_typed_parameters(tmp_path) == ["rag/x.py:2 store", "rag/x.py:2 settings"]
