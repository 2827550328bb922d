"""User-facing errors. Each message is one line, Vietnamese first, English after " / "."""


class TthcError(Exception):
    """Base class: anything the CLI/UI shows to a user as a one-line reason."""


class ConfigError(TthcError):
    pass


class InputError(TthcError):
    """A question or argument a user gave that we cannot use."""


class IngestError(TthcError):
    """One file could not be ingested (the run goes on with the others)."""


class InternalIngestError(IngestError):
    """A bug in our code met while reading one file: shown as an internal error naming the file,
    never as an unreadable file; ``details`` holds the traceback for the log."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details


class IndexUnavailable(TthcError):
    """The index is missing, empty, or locked by another process."""


class IndexLocked(IndexUnavailable):
    def __init__(self, path: str):
        super().__init__(
            f"Chỉ mục {path} đang được một tiến trình khác sử dụng (ví dụ ứng dụng Streamlit hoặc "
            "một lệnh tthc khác). Hãy dừng tiến trình đó, hoặc cấu hình Qdrant server qua "
            "TTHC_QDRANT_URL. / The embedded index is locked by another process: stop it or use a "
            "Qdrant server (TTHC_QDRANT_URL)."
        )
        self.path = path


class IndexMissing(IndexUnavailable):
    def __init__(self, path: str):
        super().__init__(
            f"Chưa có chỉ mục tại {path}: hãy nạp văn bản bằng `tthc ingest THƯ_MỤC`. / "
            f"No index at {path}: run `tthc ingest FOLDER` first."
        )
        self.path = path
