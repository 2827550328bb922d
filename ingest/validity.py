"""Validity at ingestion: what a document says about its own force, stored with the document.

Called by the pipeline after parsing; the extraction itself is pure (``rag.validity.relations``).
"""

from __future__ import annotations

from dataclasses import replace

from ingest.loaders import LoadedFile
from rag.domain import LegalDocument, LegalUnit
from rag.legal.records import Extraction
from rag.validity.relations import apply_extraction, extract_validity


def attach_validity(
    loaded: LoadedFile, document: LegalDocument, units: list[LegalUnit]
) -> tuple[LegalDocument, list[LegalUnit], Extraction]:
    """The document (and its units) with status, dates and relations from its own text, plus the
    extraction kept in the document record (evidence and sources for `tthc validity`)."""
    extraction = extract_validity(
        loaded.text,
        title=document.title or loaded.header.get("ten", ""),
        doc_number=document.doc_number,
        issued_date=document.issued_date,
        header_effective=loaded.header.get("ngay_hieu_luc"),
        header_status=loaded.header.get("tinh_trang", ""),
    )
    updated = apply_extraction(document, extraction)
    if updated != document:
        units = [replace(u, document=updated) for u in units]
    return updated, units, extraction
