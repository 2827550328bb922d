"""A Qdrant server or cluster by URL: API key, TLS, timeout, REST or gRPC."""

from __future__ import annotations

from typing import Any

from qdrant_client import QdrantClient

from rag.config import Settings
from rag.errors import ConfigError, IndexUnavailable


def connect(settings: Settings) -> QdrantClient:
    """A client for ``settings.qdrant_url``; a one-line error when the server is unreachable."""
    url = settings.qdrant_url or ""
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"TTHC_QDRANT_URL phải bắt đầu bằng http:// hoặc https:// (nhận được '{url}'). / "
            "TTHC_QDRANT_URL must start with http:// or https://."
        )
    kwargs: dict[str, Any] = {
        "url": url,
        "api_key": settings.qdrant_api_key or None,
        "timeout": settings.qdrant_timeout,
        "prefer_grpc": settings.qdrant_prefer_grpc,
    }
    if settings.qdrant_https is not None:
        kwargs["https"] = settings.qdrant_https
    if settings.qdrant_ca_cert:
        if not settings.qdrant_ca_cert.is_file():
            raise ConfigError(
                f"Không thấy tệp chứng chỉ CA {settings.qdrant_ca_cert}. / CA certificate file not found."
            )
        kwargs["verify"] = str(settings.qdrant_ca_cert)  # passed to httpx (REST)
    if settings.qdrant_api_key and url.startswith("http://") and settings.qdrant_https is not True:
        import logging

        logging.getLogger(__name__).warning("API key sent over plain HTTP to %s: use https in production", url)
    client = QdrantClient(**kwargs)
    try:
        client.get_collections()
    except Exception as exc:  # noqa: BLE001 - httpx/grpc errors vary; re-raised as one line
        client.close()
        raise IndexUnavailable(
            f"Không kết nối được Qdrant server {url}: {type(exc).__name__}. Kiểm tra TTHC_QDRANT_URL, "
            f"TTHC_QDRANT_API_KEY và chứng chỉ TLS. / Cannot reach the Qdrant server at {url}."
        ) from exc
    return client
