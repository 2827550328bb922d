"""Vector-store backends behind one client protocol.

``rag.index.store.UnitStore`` speaks the small subset of the qdrant-client API described by
``VectorClient`` (``rag/index/protocol.py``). Three backends provide it:

- ``edge``   — ``EdgeClient`` (``rag/index/edge.py``): qdrant-edge-py, Qdrant's in-process
  engine with HNSW, payload indexes and a write-ahead log (the default for a new index);
- ``local``  — ``QdrantClient(path=...)``: qdrant-client's embedded mode (brute force in Python,
  the whole index in RAM; still opened for an index made with it);
- ``server`` — ``QdrantClient(url=...)`` (``rag/index/server.py``): a Qdrant server or cluster.

Every backend takes and returns qdrant-client ``models`` objects, so the store code, and any
method another module adds to ``UnitStore``, runs unchanged on all three.
"""

from rag.index.layout import CollectionLayout
from rag.index.protocol import VectorClient

__all__ = ["CollectionLayout", "VectorClient"]
