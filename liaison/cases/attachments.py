"""Photos and PDFs on cases (SECURITY.md S17): size and type checked by content, images
re-encoded without EXIF or GPS, stored under random names in a private directory, served
only through a permission-checking view.

(Interface fixed; bodies are being written.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .models import Case, CaseAttachment, CaseEvent, Referral

MAX_FILES = 6
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class CleanUpload:
    """An upload that passed every check, ready to store: re-encoded bytes and a safe name."""

    data: bytes
    original_name: str
    content_type: str


def validate_uploads(uploads: Sequence[Any]) -> list[CleanUpload]:
    """Check and re-encode uploaded files (Django UploadedFile or (name, bytes) pairs), or raise
    InvalidInput(fields={"attachments": [...]}) naming the bad file and why."""
    raise NotImplementedError


def store_uploads(
    *,
    case: Case,
    uploads: Sequence[CleanUpload],
    uploaded_by: Any = None,
    event: CaseEvent | None = None,
    referral: Referral | None = None,
    is_public: bool = True,
) -> list[CaseAttachment]:
    """Write the files under random names and their rows (in the caller's transaction; a file
    written for a transaction that rolls back is removed on rollback)."""
    raise NotImplementedError


def attachment_path(attachment: CaseAttachment) -> Path:
    """Where an attachment's bytes live (outside any served root)."""
    raise NotImplementedError
