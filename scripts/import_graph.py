"""The package import graph of rag/, ingest/ and ui/, with sizes; exits 1 on a cycle or a misplaced import.

    python scripts/import_graph.py [ROOT]

A node is a folder of ``rag/`` (``rag.search``), a top-level module of ``rag/`` (``rag.engine``), or the
``ingest`` / ``ui`` package. Rules checked (docs/architecture.md):
- no two nodes import each other, directly or through others;
- ``rag`` never imports ``ingest`` or ``ui``; ``ingest`` never imports ``ui``;
- only ``rag.index`` imports qdrant-client or qdrant-edge.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

OURS = ("rag", "ingest", "ui")
STORAGE_LIBRARIES = ("qdrant_client", "qdrant_edge")
LAYERS = {"rag": 0, "ingest": 1, "ui": 2}


@dataclass
class Graph:
    edges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    lines: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    modules: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    storage_importers: set[str] = field(default_factory=set)


def node_of(module: str, root: Path) -> str:
    parts = module.split(".")
    if parts[0] != "rag" or len(parts) < 2:
        return parts[0]
    return f"rag.{parts[1]}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def build(root: Path) -> Graph:
    graph = Graph()
    for package in OURS:
        for path in sorted((root / package).rglob("*.py")):
            module = module_name(path, root)
            source = node_of(module, root)
            text = path.read_text(encoding="utf-8")
            graph.lines[source] += len(text.splitlines())
            graph.modules[source] += 1
            for node in ast.walk(ast.parse(text, filename=str(path))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    top = name.split(".")[0]
                    if top in STORAGE_LIBRARIES:
                        graph.storage_importers.add(source)
                    if top in OURS:
                        target = node_of(name, root)
                        if target != source:
                            graph.edges[source].add(target)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """Every strongly connected group of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(set(graph.edges) | set(graph.lines)):
        if node not in index:
            visit(node)
    return found


def problems(graph: Graph) -> list[str]:
    out = [f"cycle: {' ↔ '.join(group)}" for group in cycles(graph)]
    for source, targets in sorted(graph.edges.items()):
        for target in sorted(targets):
            if LAYERS[target.split(".")[0]] > LAYERS[source.split(".")[0]]:
                out.append(f"layer: {source} imports {target}")
    out += [f"storage: {node} imports a Qdrant library (only rag.index may)"
            for node in sorted(graph.storage_importers - {"rag.index"})]
    return out


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent
    graph = build(root)
    for node in sorted(graph.lines):
        targets = ", ".join(t.removeprefix("rag.") for t in sorted(graph.edges.get(node, ())))
        print(f"{node:18s} {graph.modules[node]:3d} modules {graph.lines[node]:6d} lines → {targets}")
    found = problems(graph)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
