"""Photos and PDFs on cases (SECURITY.md S17): size and type checked by content, images
re-encoded without EXIF or GPS, stored under random names in a private directory, served
only through a permission-checking view (views_files.py).

The type of a file is what its bytes say, never its name or the client's content type; a
name that says otherwise is refused, so a resident learns that "photo.jpg" was not a photo.
Re-encoding an image through Pillow keeps only its pixels: metadata (EXIF, GPS, ICC) and
anything smuggled after the image data (an HTML/PNG polyglot) are left behind.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
import uuid
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from liaison.core.clock import now
from liaison.core.errors import InvalidInput

from .models import Case, CaseAttachment, CaseEvent, Referral

MAX_FILES = 6
MAX_BYTES = 10 * 1024 * 1024
# Pixels an image may claim before it is decoded (a 50-megapixel phone photo passes; a
# decompression bomb, a tiny file that claims to be 30,000 × 30,000, does not).
MAX_PIXELS = 52_000_000
# Stored images are downscaled so the longer side is at most this many pixels.
MAX_SIDE = 2560
NAME_MAX = 100
JPEG_QUALITY = 85
# At most this many bytes are inflated from a PDF's compressed streams while looking for script.
PDF_INFLATE_LIMIT = 64 * 1024 * 1024

JPEG, PNG, GIF, WEBP, PDF = "JPEG", "PNG", "GIF", "WEBP", "PDF"
# What each extension promises; a name whose extension promises another type is refused.
_EXTENSIONS = {
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".jpe": JPEG,
    ".jfif": JPEG,
    ".png": PNG,
    ".gif": GIF,
    ".webp": WEBP,
    ".pdf": PDF,
}
_STORED_EXT = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(?:jpg|png|pdf)$")
# Characters a shell, a path or a header would read as syntax; dropped from display names.
_UNSAFE_NAME_CHARS = set("/\\:*?\"'<>|;&$`!{}[]()#%^~=+,@\u0000")
# PDF features that run something: scripts and launching programs (SECURITY.md S17).
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
_PDF_NAME = re.compile(rb"/[^\s/\[\]<>(){}%]+")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)


@dataclass(frozen=True)
class CleanUpload:
    """An upload that passed every check, ready to store: re-encoded bytes and a safe name."""

    data: bytes
    original_name: str
    content_type: str


# ---- names ---------------------------------------------------------------------------------


def clean_display_name(raw: Any) -> str:
    """The name shown for a file: the last path part, without control, direction or shell
    characters, at most 100 characters (the extension kept). Never used as a path."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = re.split(r"[/\\]", text)[-1]
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category.startswith("C") or category in ("Zl", "Zp") or ch in _UNSAFE_NAME_CHARS:
            continue
        kept.append(" " if category == "Zs" else ch)
    name = re.sub(r"\s+", " ", "".join(kept)).strip(" .")
    name = re.sub(r"\.{2,}", ".", name)
    stem, ext = os.path.splitext(name)
    if len(ext) > 10:
        stem, ext = name, ""
    if len(name) > NAME_MAX:
        name = stem[: NAME_MAX - len(ext)].rstrip(" .") + ext
    return name


def _with_extension(name: str, ext: str) -> str:
    """The display name ending in the extension of what is actually stored."""
    stem, old = os.path.splitext(name)
    if old.lower() in _EXTENSIONS:
        name = stem
    name = name.strip(" .") or _("附件")
    return name[: NAME_MAX - len(ext)] + ext


# ---- validation ----------------------------------------------------------------------------


def _sniff(head: bytes) -> str | None:
    """The type the bytes declare by their first bytes (magic numbers), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def _read(upload: Any) -> tuple[str, bytes | None, int]:
    """(raw name, bytes or None when over the limit, size) of an UploadedFile or (name, bytes)."""
    if isinstance(upload, tuple | list):
        name, data = upload
        data = bytes(data)
        return str(name), (data if len(data) <= MAX_BYTES else None), len(data)
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        return name, None, int(size)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return name, None, len(data)
    return name, data, len(data)


class _Refused(Exception):
    """One file's problem, in words for the resident (the file is named by the caller)."""


def _reencode_image(data: bytes, kind: str) -> tuple[bytes, str]:
    with warnings.catch_warnings():
        # Pillow warns before it refuses: treat its warning as the refusal it announces.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != kind:
                    raise _Refused(_("文件内容与类型不符"))
                width, height = probe.size
                if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
                    raise _Refused(_("图片尺寸过大"))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                if kind == JPEG:
                    # Decode at a reduced scale where the format allows: less memory for big photos.
                    image.draft("RGB", (MAX_SIDE, MAX_SIDE))
                image.seek(0)  # a GIF gives its first frame
                image.load()
                upright = ImageOps.exif_transpose(image) or image
                transparent = upright.mode in ("RGBA", "LA", "PA") or (
                    upright.mode == "P" and "transparency" in upright.info
                )
                if transparent:
                    pixels = upright.convert("RGBA")
                    lowest_alpha = pixels.getchannel("A").getextrema()[0]
                    pixels = (
                        pixels
                        if isinstance(lowest_alpha, int | float) and lowest_alpha < 255
                        else pixels.convert("RGB")
                    )
                else:
                    pixels = upright.convert("RGB")
                pixels.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                # A fresh image holds pixels only: no EXIF, GPS, ICC profile, comments or text chunks.
                clean = Image.new(pixels.mode, pixels.size)
                clean.paste(pixels)
        except _Refused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _Refused(_("图片尺寸过大")) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, MemoryError, zlib.error):
            raise _Refused(_("图片已损坏或不完整")) from None
    out = io.BytesIO()
    if clean.mode == "RGBA":
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png"
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), "image/jpeg"


def _pdf_names(blob: bytes) -> bytes:
    """PDF names with their #xx escapes decoded, so /J#61vaScript reads as /JavaScript."""

    def decode(match: re.Match[bytes]) -> bytes:
        name = match.group(0)
        if b"#" not in name:
            return name
        return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)

    return _PDF_NAME.sub(decode, blob)


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise _Refused(_("PDF 文件不完整"))
    chunks = [data]
    budget = PDF_INFLATE_LIMIT
    # Scripts hide in compressed object streams too: inflate each stream (within a budget).
    for match in _PDF_STREAM.finditer(data):
        if budget <= 0:
            break
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        chunks.append(inflated)
    if any(_PDF_ACTIVE.search(_pdf_names(chunk)) for chunk in chunks):
        raise _Refused(_("PDF 含有脚本或启动程序的内容，不能上传"))


def _validate_one(raw_name: str, data: bytes) -> CleanUpload:
    if not data:
        raise _Refused(_("是空文件"))
    kind = _sniff(data[:16])
    if kind is None:
        raise _Refused(_("不是支持的文件类型，只能上传照片（JPG、PNG、WebP、GIF）或 PDF"))
    name = clean_display_name(raw_name)
    promised = _EXTENSIONS.get(os.path.splitext(name)[1].lower())
    ext = os.path.splitext(name)[1]
    if ext and promised is None:
        raise _Refused(_("不是支持的文件类型，只能上传照片（JPG、PNG、WebP、GIF）或 PDF"))
    if promised is not None and promised != kind:
        raise _Refused(_("文件内容与扩展名不符"))
    if kind == PDF:
        _check_pdf(data)
        return CleanUpload(data=data, original_name=_with_extension(name, ".pdf"), content_type="application/pdf")
    encoded, content_type = _reencode_image(data, kind)
    return CleanUpload(
        data=encoded, original_name=_with_extension(name, _STORED_EXT[content_type]), content_type=content_type
    )


def validate_uploads(uploads: Sequence[Any]) -> list[CleanUpload]:
    """Check and re-encode uploaded files (Django UploadedFile or (name, bytes) pairs), or raise
    InvalidInput(fields={"attachments": [...]}) naming the bad file and why."""
    uploads = list(uploads or ())
    if len(uploads) > MAX_FILES:
        raise InvalidInput(
            fields={
                "attachments": [_("一次最多上传 %(n)d 个文件（现有 %(m)d 个）。") % {"n": MAX_FILES, "m": len(uploads)}]
            }
        )
    problems: list[str] = []
    clean: list[CleanUpload] = []
    for upload in uploads:
        raw_name, data, size = _read(upload)
        shown = clean_display_name(raw_name) or _("附件")
        if data is None:
            problems.append(
                _("「%(name)s」超过 %(mb)d MB（现有 %(size).1f MB），请压缩后再上传。")
                % {"name": shown, "mb": MAX_BYTES // (1024 * 1024), "size": size / (1024 * 1024)}
            )
            continue
        try:
            clean.append(_validate_one(raw_name, data))
        except _Refused as exc:
            problems.append(_("「%(name)s」%(why)s。") % {"name": shown, "why": exc})
    if problems:
        raise InvalidInput(fields={"attachments": problems})
    return clean


# ---- storage -------------------------------------------------------------------------------


def files_dir() -> Path:
    """The private directory of case files (outside any served root); created on first use."""
    configured = getattr(settings, "CASE_FILES_DIR", None)
    folder = Path(configured) if configured else Path(settings.VAR_DIR) / "case_files"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def store_uploads(
    *,
    case: Case,
    uploads: Sequence[CleanUpload],
    uploaded_by: Any = None,
    event: CaseEvent | None = None,
    referral: Referral | None = None,
    is_public: bool = True,
) -> list[CaseAttachment]:
    """Write the files under random names and their rows (in the caller's transaction).

    Django has no rollback hook: a failure here removes the files written so far, and a file
    whose transaction rolled back later is an orphan that `tidy_orphan_files` removes."""
    folder = files_dir()
    written: list[Path] = []
    rows: list[CaseAttachment] = []
    try:
        for upload in uploads:
            stored = uuid.uuid4().hex + _STORED_EXT[upload.content_type]
            path = folder / stored
            with open(path, "xb") as handle:
                handle.write(upload.data)
            written.append(path)
            os.chmod(path, 0o600)
            rows.append(
                CaseAttachment.objects.create(
                    case=case,
                    event=event,
                    referral=referral,
                    uploaded_by=uploaded_by,
                    stored_name=stored,
                    original_name=upload.original_name[:200],
                    content_type=upload.content_type,
                    size=len(upload.data),
                    is_public=is_public,
                )
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return rows


def attachment_path(attachment: CaseAttachment) -> Path:
    """Where an attachment's bytes live (outside any served root)."""
    if not _STORED_NAME.match(attachment.stored_name or ""):
        raise ValueError("bad stored name")
    return files_dir() / attachment.stored_name


def tidy_orphan_files(*, older_than: dt.timedelta = dt.timedelta(days=1), batch: int = 500) -> int:
    """Remove stored files that no attachment row names (written by a transaction that rolled
    back), once they are older than `older_than`; returns how many were removed. Housekeeping:
    safe to run at any time, repeatedly."""
    cutoff = (now() - older_than).timestamp()
    folder = files_dir()
    candidates = [entry for entry in os.scandir(folder) if entry.is_file() and entry.stat().st_mtime < cutoff]
    removed = 0
    for start in range(0, len(candidates), batch):
        chunk = candidates[start : start + batch]
        names = [entry.name for entry in chunk]
        known = set(CaseAttachment.objects.filter(stored_name__in=names).values_list("stored_name", flat=True))
        for entry in chunk:
            if entry.name not in known:
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed
