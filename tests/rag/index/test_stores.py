"""Congruence of the store backends: embedded local mode, qdrant-edge, and a server when
``QDRANT_URL`` is set — the same points and queries must give the same top results.

Queries go through the stores' public API — ``UnitStore.search_units`` (what retrieval runs) and
``ProcedureStore.hybrid_query`` (the RRF-fused query of procedure search). The points (real e5 vectors,
real BM25 weights, real payloads) are read from the session's slice and procedure indexes, so nothing
is embedded twice.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import uuid

import pytest
from qdrant_client import QdrantClient, models

from rag.config import load_settings
from rag.errors import IndexLocked, IndexMissing
from rag.models.sparse import BM25Encoder
from rag.index.store import DENSE, ProcedureStore, UnitStore, open_client, scroll_pages
from rag.index import CollectionLayout
from rag.index.edge import EdgeClient
from ui.cli import main

QUERIES = [
    "Thời hạn đăng ký khai sinh cho con là bao lâu?",
    "Phòng Tư pháp có thẩm quyền và trách nhiệm chứng thực những việc gì?",
    "Thủ tục đăng ký kết hôn gồm những gì?",
    "Hồ sơ đăng ký khai tử",
    "chứng thực chữ ký người dịch",
    "Ai có trách nhiệm đăng ký khai tử khi có người chết?",
    "Lệ phí hộ tịch",
    "Cải chính hộ tịch cho người dưới 18 tuổi",
]
PROCEDURE_QUERIES = [
    "làm lại giấy khai sinh bị mất",
    "đăng ký kết hôn có yếu tố nước ngoài",
    "chứng thực chữ ký",
    "thay đổi cải chính hộ tịch",
]
SERVER_URL = os.environ.get("QDRANT_URL")


def _points(index, folder, names: tuple[str, ...]) -> dict[str, list[models.Record]]:
    """All points of the named collections of an index (vectors included), read from a copy in ``folder``."""
    copy = folder / "index"
    shutil.copytree(index, copy)
    client = open_client(load_settings(index_dir=copy))
    try:
        return {name: [r for page in scroll_pages(client, name, with_vectors=True) for r in page] for name in names}
    finally:
        client.close()


@pytest.fixture(scope="module")
def slice_points(slice_index, tmp_path_factory):
    """All unit and document points of the slice index (vectors included)."""
    return _points(slice_index, tmp_path_factory.mktemp("slice-copy"), ("tthc_units", "tthc_units_documents"))


@pytest.fixture(scope="module")
def card_points(procedure_index, tmp_path_factory):
    """The procedure cards of the procedure index (vectors included), each procedure once: the same
    procedure read from two files (QT 01/CX-HCTP from the Word file and from its JSONL record) has the
    same BM25 text, so the two tie in the sparse prefetch (and all but tie in the dense one) in an order
    each backend picks freely, and RRF turns that order into different fused scores."""
    cards = _points(procedure_index, tmp_path_factory.mktemp("cards-copy"), ("tthc_units_procedures",))
    once = {(r.payload["code"], r.payload["name"]): r for r in reversed(cards["tthc_units_procedures"])}
    return list(reversed(once.values()))


@pytest.fixture(scope="module")
def embedder():
    from rag.models.embeddings import make_embedder

    return make_embedder(load_settings())


def _fill(client, points) -> UnitStore:
    store = UnitStore(client, "tthc_units")
    meta = next(r.payload for r in points["tthc_units_documents"] if r.payload.get("meta"))
    store.ensure(meta["dim"], meta["embedder"])
    units = [
        models.PointStruct(id=r.id, vector=r.vector, payload=r.payload) for r in points["tthc_units"]
    ]
    docs = [
        models.PointStruct(id=r.id, vector={}, payload=r.payload)
        for r in points["tthc_units_documents"]
        if not r.payload.get("meta")
    ]
    for start in range(0, len(units), 128):
        client.upsert("tthc_units", units[start : start + 128], wait=True)
    client.upsert("tthc_units_documents", docs, wait=True)
    return store


Ranking = list[tuple[float, frozenset[str]]]  # (score, ids with that score), best first


def _groups(scored) -> Ranking:
    """(score, ids with that score), best first: ties may come back in any order, and backends add up
    float32 BM25 weights in their own order (39.07526 vs 39.07527), so scores within 1e-5 tie."""
    groups: list[tuple[float, set[str]]] = []
    for score, key in sorted(scored, reverse=True):
        if groups and math.isclose(score, groups[-1][0], rel_tol=1e-5, abs_tol=1e-7):
            groups[-1][1].add(key)
        else:
            groups.append((score, {key}))
    return [(score, frozenset(ids)) for score, ids in groups]


def _same(ranking, reference) -> bool:
    """The same ids in the same tie groups, at the same scores (to float32 precision)."""
    return len(ranking) == len(reference) and all(
        ids == ref_ids and math.isclose(score, ref_score, rel_tol=1e-5, abs_tol=1e-7)
        for (score, ids), (ref_score, ref_ids) in zip(ranking, reference)
    )


def _ranking(store: UnitStore, embedder, question: str, k: int = 5) -> dict[str, Ranking]:
    """Top-k dense and BM25 candidates of the batched query retrieval runs (``UnitStore.search_units``)."""
    query = embedder.embed_queries([question])[0], BM25Encoder().encode_query(question)
    dense, sparse = store.search_units(*query, k, k)
    return {
        "dense": _groups((p.score, p.unit_id) for p in dense),
        "sparse": _groups((p.score, p.unit_id) for p in sparse),
    }


def _card_ranking(store: ProcedureStore, embedder, question: str, k: int = 5) -> Ranking:
    """Top-k of the RRF-fused query procedure search runs (``ProcedureStore.hybrid_query``)."""
    query = embedder.embed_queries([question])[0], BM25Encoder().encode_query(question)
    found = store.hybrid_query(*query, k, 60)
    return _groups((score, card.key) for card, score, _similarity in found)


@pytest.fixture(scope="module")
def backends(slice_points, tmp_path_factory):
    root = tmp_path_factory.mktemp("backends")
    clients = {
        "local": QdrantClient(path=str(root / "local")),
        "edge": EdgeClient(root / "edge", create=True),
    }
    collection_prefix = None
    if SERVER_URL:
        server = QdrantClient(url=SERVER_URL, api_key=os.environ.get("QDRANT_API_KEY"))
        collection_prefix = f"tthc_congruence_{uuid.uuid4().hex[:8]}"
        clients["server"] = server
    stores = {}
    for name, client in clients.items():
        if name == "server":
            store = UnitStore(client, collection_prefix)
            meta = next(r.payload for r in slice_points["tthc_units_documents"] if r.payload.get("meta"))
            store.ensure(meta["dim"], meta["embedder"])
            client.upsert(
                store.units,
                [models.PointStruct(id=r.id, vector=r.vector, payload=r.payload) for r in slice_points["tthc_units"]],
                wait=True,
            )
            stores[name] = store
        else:
            stores[name] = _fill(client, slice_points)
    yield stores
    if SERVER_URL:
        clients["server"].delete_collection(f"{collection_prefix}")
        clients["server"].delete_collection(f"{collection_prefix}_documents")
    for client in clients.values():
        client.close()


def test_backends_hold_the_same_units(backends, slice_points):
    expected = len(slice_points["tthc_units"])
    assert expected > 300
    assert {name: store.unit_count() for name, store in backends.items()} == dict.fromkeys(backends, expected)


@pytest.mark.parametrize("question", QUERIES)
def test_backends_agree_on_top_results(backends, embedder, question):
    rankings = {name: _ranking(store, embedder, question) for name, store in backends.items()}
    reference = rankings.pop("local")
    assert reference["dense"] and reference["sparse"], "the local store returned nothing"
    for name, ranking in rankings.items():
        for kind in ("dense", "sparse"):
            assert _same(ranking[kind], reference[kind]), (name, kind, question, ranking[kind], reference[kind])


@pytest.fixture(scope="module")
def card_backends(card_points, tmp_path_factory):
    """The procedure cards in a ProcedureStore on each backend."""
    root = tmp_path_factory.mktemp("card-backends")
    clients = {"local": QdrantClient(path=str(root / "local")), "edge": EdgeClient(root / "edge", create=True)}
    prefixes = {"local": "tthc_units", "edge": "tthc_units"}
    if SERVER_URL:
        clients["server"] = QdrantClient(url=SERVER_URL, api_key=os.environ.get("QDRANT_API_KEY"))
        prefixes["server"] = f"tthc_congruence_{uuid.uuid4().hex[:8]}"
    stores = {}
    for name, client in clients.items():
        store = ProcedureStore(client, prefixes[name])
        store.ensure(len(card_points[0].vector[DENSE]))
        points = [models.PointStruct(id=r.id, vector=r.vector, payload=r.payload) for r in card_points]
        for start in range(0, len(points), 128):
            client.upsert(store.cards, points[start : start + 128], wait=True)
        stores[name] = store
    yield stores
    if SERVER_URL:
        for collection in (stores["server"].cards, stores["server"].sources):
            clients["server"].delete_collection(collection)
    for client in clients.values():
        client.close()


@pytest.mark.parametrize("question", PROCEDURE_QUERIES)
def test_backends_agree_on_fused_procedure_results(card_backends, card_points, embedder, question):
    assert len(card_points) > 100
    rankings = {name: _card_ranking(store, embedder, question) for name, store in card_backends.items()}
    reference = rankings.pop("local")
    assert reference, "the local store returned nothing"
    for name, ranking in rankings.items():
        assert _same(ranking, reference), (name, question, ranking, reference)


def test_edge_reads_match_local(backends):
    local, edge = backends["local"], backends["edge"]
    assert sorted(r.key for r in edge.document_records()) == sorted(r.key for r in local.document_records())
    assert edge.document_record("60-2014-QH13") == local.document_record("60-2014-QH13")
    assert edge.document_record("60-2014-QH13").doc_number == "60/2014/QH13"
    key = lambda u: (u.article, u.clause or "", u.point or "", u.chunk)  # noqa: E731
    assert sorted(edge.units_of("60-2014-QH13", "15"), key=key) == sorted(local.units_of("60-2014-QH13", "15"), key=key)
    assert len(edge.units_of("23-2015-NĐ-CP")) == len(local.units_of("23-2015-NĐ-CP")) > 50


def test_pending_markers_are_found_on_every_backend(backends):
    """Boolean payload filters: an interrupted write's marker must be found (edge's binding once
    read ``True`` as the integer 1 and matched nothing, so crashed writes went unnoticed)."""
    for name, store in backends.items():
        store.mark_pending("99-2099-TEST", "/tmp/x.md")
        try:
            assert store.pending_documents() == ["99-2099-TEST"], name
            assert "99-2099-TEST" not in {r.key for r in store.document_records()}, name
        finally:
            store.delete_document("99-2099-TEST")
        assert store.pending_documents() == [], name


def test_edge_filters_translate(backends, embedder):
    """A payload filter on the dense prefetch gives the same hits on both embedded backends."""
    flt = models.Filter(must=[models.FieldCondition(key="doc_key", match=models.MatchValue(value="23-2015-NĐ-CP"))])
    vec = embedder.embed_queries(["thẩm quyền chứng thực"])[0].tolist()
    hits = {}
    for name in ("local", "edge"):
        res = backends[name].client.query_points(
            "tthc_units", query=vec, using=DENSE, query_filter=flt, limit=5, with_payload=["doc_key"]
        )
        hits[name] = [(p.id, round(p.score, 4), p.payload["doc_key"]) for p in res.points]
    assert hits["edge"] == hits["local"]
    assert {doc for *_, doc in hits["edge"]} == {"23-2015-NĐ-CP"}


def test_edge_index_persists_and_is_locked(tmp_path, slice_points):
    client = EdgeClient(tmp_path, create=True)
    store = _fill(client, slice_points)
    count = store.unit_count()
    with pytest.raises(IndexLocked):
        EdgeClient(tmp_path)
    store.delete_document("60-2014-QH13")
    assert store.document_record("60-2014-QH13") is None
    client.close()  # builds the HNSW index
    reopened = UnitStore(EdgeClient(tmp_path), "tthc_units")
    try:
        assert 0 < reopened.unit_count() < count
        assert reopened.units_of("60-2014-QH13") == []
        assert reopened.document_record("23-2015-NĐ-CP").doc_number == "23/2015/NĐ-CP"
    finally:
        reopened.client.close()


def test_closed_edge_client_never_reopens_the_folder(tmp_path):
    """A late reader (a worker thread still running when the app closes its engine) gets an error
    instead of silently reloading shards of a folder another process may own by then."""
    client = EdgeClient(tmp_path, create=True)
    UnitStore(client, "tthc_units").ensure(4, "test")
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.count("tthc_units")
    client.close()  # idempotent
    again = EdgeClient(tmp_path)  # the folder was released
    assert again.count("tthc_units").count == 0
    again.close()


def test_layout_reaches_the_collection(tmp_path, slice_points):
    settings = load_settings(quantization="int8", vectors_on_disk=True, shard_number=3, replication_factor=2,
                             write_consistency_factor=2, hnsw_m=8, hnsw_ef=64)
    layout = CollectionLayout.from_settings(settings)
    options = layout.collection_options()
    assert (options["shard_number"], options["replication_factor"], options["write_consistency_factor"]) == (3, 2, 2)
    assert options["quantization_config"].scalar.type == models.ScalarType.INT8
    assert layout.dense_params(384).on_disk is True
    client = EdgeClient(tmp_path, create=True)
    try:
        store = UnitStore(client, "tthc_units", layout)
        store.ensure(384, "test")
        config = json.loads((tmp_path / "edge" / "tthc_units" / "edge_config.json").read_text())
        text = json.dumps(config).lower()
        assert "int8" in text and '"m": 8' in text
        # payload indexes are created on edge (local mode ignores them)
        assert "doc_key" in client._shard("tthc_units").info().payload_schema
    finally:
        client.close()


def test_open_client_dispatches_on_settings(tmp_path):
    with pytest.raises(IndexMissing):
        open_client(load_settings(index_dir=tmp_path / "none", store_backend="edge"))
    client = open_client(load_settings(index_dir=tmp_path / "e", store_backend="edge"), create=True)
    assert isinstance(client, EdgeClient) and UnitStore(client).backend == "edge"
    client.close()
    local = open_client(load_settings(index_dir=tmp_path / "l", store_backend="local"), create=True)
    assert isinstance(local, QdrantClient) and UnitStore(local).backend == "local"
    local.close()
    memory = QdrantClient(location=":memory:")
    assert UnitStore(memory).backend == "local"
    memory.close()
    remote = QdrantClient(url="http://127.0.0.1:9", check_compatibility=False)  # never contacted here
    assert UnitStore(remote).backend == "server"
    remote.close()


def test_auto_backend_keeps_an_existing_index_engine(tmp_path):
    """The default (auto): a new index is an edge index; a local-mode index made earlier keeps
    opening in local mode, so upgrading never hides an agency's existing index."""
    with pytest.raises(IndexMissing):
        open_client(load_settings(index_dir=tmp_path / "none"))
    new = open_client(load_settings(index_dir=tmp_path / "new"), create=True)
    assert isinstance(new, EdgeClient)
    new.close()
    again = open_client(load_settings(index_dir=tmp_path / "new"))
    assert isinstance(again, EdgeClient)
    again.close()
    old = open_client(load_settings(index_dir=tmp_path / "old", store_backend="local"), create=True)
    UnitStore(old, "tthc_units").ensure(4, "test")
    old.close()
    reopened = open_client(load_settings(index_dir=tmp_path / "old"))
    assert isinstance(reopened, QdrantClient)
    reopened.close()


def test_cli_runs_on_edge_backend(tmp_path, monkeypatch, capsys):
    doc = tmp_path / "nd-99.md"
    doc.write_text(
        "---\nso_hieu: \"99/2099/NĐ-CP\"\nloai: \"Nghị định\"\nten: \"Thử nghiệm lưu trữ\"\n---\n"
        "#### Điều 1. Phạm vi\n1. Nghị định này quy định việc cấp giấy phép nuôi ong mật.\n"
        "2. Lệ phí cấp giấy phép nuôi ong là 50.000 đồng.\n"
        "#### Điều 2. Thời hạn\nThời hạn cấp giấy phép nuôi ong là 7 ngày làm việc.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TTHC_STORE_BACKEND", "edge")
    index = tmp_path / "index"
    assert main(["--index", str(index), "ingest", str(doc), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 1
    assert (index / "edge" / "tthc_units").is_dir() and not (index / "collection").exists()
    assert main(["--index", str(index), "search", "lệ phí giấy phép nuôi ong", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert (hits[0]["doc"], hits[0]["article"], hits[0]["clause"]) == ("99/2099/NĐ-CP", "Điều 1", "2")


@pytest.mark.skipif(not SERVER_URL, reason="no Qdrant server: set QDRANT_URL to run the server checks")
def test_server_collection_layout(slice_points):
    client = QdrantClient(url=SERVER_URL, api_key=os.environ.get("QDRANT_API_KEY"))
    name = f"tthc_layout_{uuid.uuid4().hex[:8]}"
    try:
        store = UnitStore(client, name, CollectionLayout(shard_number=2, quantization="int8", vectors_on_disk=True))
        store.ensure(384, "test")
        info = client.get_collection(name)
        assert info.config.params.shard_number == 2
        assert info.config.quantization_config is not None
        assert "doc_key" in (info.payload_schema or {})
    finally:
        client.delete_collection(name)
        client.delete_collection(f"{name}_documents")
        client.close()


@pytest.mark.parametrize("backend", ["local", "edge"])
def test_concurrent_queries_match_sequential(backends, embedder, backend):
    """One shared client, eight threads, the product's candidate search (``search_units``, what the
    retriever calls): every answer equals the single-threaded one."""
    from concurrent.futures import ThreadPoolExecutor

    store = backends[backend]
    vectors = embedder.embed_queries(QUERIES)
    sparse = [BM25Encoder().encode_query(q) for q in QUERIES]

    def top(i: int) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        dense_hits, sparse_hits = store.search_units(vectors[i % len(QUERIES)], sparse[i % len(QUERIES)], 20, 20)
        return (
            sorted((p.unit_id, round(p.score, 5)) for p in dense_hits),
            sorted((p.unit_id, round(p.score, 4)) for p in sparse_hits),
        )

    sequential = [top(i) for i in range(len(QUERIES))]
    assert all(dense and sparse_hits for dense, sparse_hits in sequential)
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(top, range(len(QUERIES) * 4)))
    assert concurrent == sequential * 4


@pytest.mark.parametrize("question", QUERIES[:4])
def test_backends_agree_on_batched_unit_search(backends, embedder, question):
    """``search_units`` (dense + BM25 candidates in one batched request) agrees across backends."""
    dense = embedder.embed_queries([question])[0]
    sparse = BM25Encoder().encode_query(question)
    results = {}
    for name, store in backends.items():
        dense_hits, sparse_hits = store.search_units(dense, sparse, 10, 10)
        results[name] = (
            [(p.unit_id, round(p.score, 4)) for p in dense_hits],
            [(p.unit_id, round(p.score, 3)) for p in sparse_hits],
        )
    reference = results.pop("local")
    assert reference[0] and reference[1]
    for name, found in results.items():
        assert found == reference, name
