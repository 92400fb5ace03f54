"""Attachments: hostile uploads refused or neutralised (SECURITY.md S17), and files served only
through the permission-checking view to those who may see them (S6)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import struct
import time
import zlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from liaison.cases import attachments
from liaison.cases.attachments import (
    MAX_BYTES,
    MAX_FILES,
    CleanUpload,
    attachment_path,
    clean_display_name,
    store_uploads,
    tidy_orphan_files,
    validate_uploads,
)
from liaison.cases.models import CaseAttachment
from liaison.cases.selectors import track_lookup
from liaison.cases.tracking import remember
from liaison.core.errors import InvalidInput
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World


@pytest.fixture(autouse=True)
def _private_files_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "case_files"
    settings.CASE_FILES_DIR = folder
    return folder


# ---- sample files --------------------------------------------------------------------------


def noise(size: tuple[int, int] = (120, 90), mode: str = "RGB") -> Image.Image:
    channels = len(mode)
    return Image.frombytes(mode, size, os.urandom(size[0] * size[1] * channels))


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Model X"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (37.0, 52.0, 12.0)
    gps[3] = "E"
    gps[4] = (112.0, 33.0, 7.0)
    return encode(noise(), "JPEG", exif=exif, icc_profile=b"\x00" * 128)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims the given size: a decompression bomb's calling card."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


def pdf(body: bytes = b"1 0 obj << /Type /Catalog >> endobj\n") -> bytes:
    return b"%PDF-1.4\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def refused(uploads: list[Any]) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        validate_uploads(uploads)
    return caught.value.fields["attachments"]


# ---- S17: what is accepted, and what is kept of it ------------------------------------------


def test_a_photo_is_re_encoded_without_exif_gps_or_icc_metadata() -> None:
    raw = jpeg_with_gps()
    assert b"Exif" in raw and b"PhoneMaker" in raw
    (clean,) = validate_uploads([("窗户.jpg", raw)])
    assert clean.content_type == "image/jpeg"
    assert b"Exif" not in clean.data and b"PhoneMaker" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.format == "JPEG"
        assert len(stored.getexif()) == 0
        assert "icc_profile" not in stored.info
        assert "exif" not in stored.info


def test_png_webp_and_gif_photos_become_jpeg_and_keep_their_pixels_size() -> None:
    files = [
        ("a.png", encode(noise(), "PNG")),
        ("b.webp", encode(noise(), "WEBP")),
        ("c.gif", encode(noise().convert("P"), "GIF")),
    ]
    for clean in validate_uploads(files):
        assert clean.content_type == "image/jpeg"
        assert clean.original_name.endswith(".jpg")
        with Image.open(io.BytesIO(clean.data)) as stored:
            assert stored.size == (120, 90)


def test_an_animated_gif_keeps_only_its_first_frame() -> None:
    frames = [noise((40, 40)).convert("P") for _ in range(3)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    (clean,) = validate_uploads([("动图.gif", out.getvalue())])
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert getattr(stored, "n_frames", 1) == 1


def test_a_transparent_png_stays_a_png_with_its_alpha_channel() -> None:
    image = noise((50, 50), "RGBA")
    (clean,) = validate_uploads([("标注.png", encode(image, "PNG"))])
    assert clean.content_type == "image/png"
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.mode == "RGBA"
        assert not stored.info.get("exif")


def test_a_huge_photo_is_downscaled_to_2560_pixels_on_its_longer_side() -> None:
    big = Image.new("RGB", (4000, 3000), (200, 120, 40))
    (clean,) = validate_uploads([("大图.jpg", encode(big, "JPEG"))])
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert max(stored.size) == 2560


def test_a_clean_pdf_is_kept_byte_for_byte() -> None:
    raw = pdf()
    (clean,) = validate_uploads([SimpleUploadedFile("答复.pdf", raw, content_type="text/html")])
    assert clean.data == raw
    assert clean.content_type == "application/pdf"
    assert clean.original_name == "答复.pdf"


def test_the_type_comes_from_the_bytes_never_from_the_client_content_type() -> None:
    upload = SimpleUploadedFile("photo.jpg", encode(noise(), "JPEG"), content_type="text/html")
    (clean,) = validate_uploads([upload])
    assert clean.content_type == "image/jpeg"


# ---- S17: what is refused, each with the file's name -----------------------------------------


def test_a_file_one_byte_over_the_limit_is_refused_by_name() -> None:
    raw = b"\xff\xd8\xff" + b"\x00" * (MAX_BYTES - 2)
    (message,) = refused([("超大.jpg", raw)])
    assert "超大.jpg" in message and "10 MB" in message
    (message,) = refused([SimpleUploadedFile("上传超大.jpg", raw)])
    assert "上传超大.jpg" in message


def test_a_file_exactly_at_the_limit_is_judged_by_its_content_not_refused_for_size() -> None:
    raw = b"\xff\xd8\xff" + b"\x00" * (MAX_BYTES - 3)
    (message,) = refused([("刚好.jpg", raw)])
    assert "超过" not in message
    assert "损坏" in message


def test_an_empty_file_is_refused() -> None:
    assert refused([("空.jpg", b"")]) == ["「空.jpg」是空文件。"]


def test_a_truncated_photo_is_refused() -> None:
    raw = encode(noise((300, 300)), "JPEG", quality=95)
    (message,) = refused([("半张.jpg", raw[: len(raw) // 2])])
    assert "半张.jpg" in message and "损坏或不完整" in message


def test_a_png_named_jpg_is_refused_as_a_mismatch() -> None:
    (message,) = refused([("photo.jpg", encode(noise(), "PNG"))])
    assert message == "「photo.jpg」文件内容与扩展名不符。"


def test_a_pdf_named_jpg_is_refused_as_a_mismatch() -> None:
    (message,) = refused([("scan.jpg", pdf())])
    assert "scan.jpg" in message and "不符" in message


def test_a_photo_named_like_a_document_is_refused() -> None:
    (message,) = refused([("说明.docx", encode(noise(), "JPEG"))])
    assert "说明.docx" in message and "不是支持的文件类型" in message


def test_an_html_page_named_jpg_is_refused() -> None:
    (message,) = refused([("page.jpg", b"<!DOCTYPE html><script>alert(1)</script>")])
    assert "page.jpg" in message and "不是支持的文件类型" in message


def test_an_svg_with_a_script_is_refused() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name in ("logo.svg", "logo.png"):
        (message,) = refused([(name, svg)])
        assert "不是支持的文件类型" in message


def test_an_html_png_polyglot_is_stored_as_pixels_only() -> None:
    polyglot = encode(noise(), "PNG") + b"<html><script>alert(document.cookie)</script></html>"
    (clean,) = validate_uploads([("poly.png", polyglot)])
    assert b"<script" not in clean.data and b"<html" not in clean.data


def test_a_png_header_followed_by_html_is_refused() -> None:
    fake = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"
    (message,) = refused([("fake.png", fake)])
    assert "损坏或不完整" in message


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    for width, height in ((30_000, 30_000), (9_000, 8_000)):
        bomb = png_claiming(width, height)
        assert len(bomb) < 1000
        (message,) = refused([("bomb.png", bomb)])
        assert message == "「bomb.png」图片尺寸过大。"


@pytest.mark.parametrize(
    "body",
    [
        b"1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n",
        b"1 0 obj << /AA << /O << /S /JS >> >> >> endobj\n",
        b"1 0 obj << /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj\n",
        b"1 0 obj << /OpenAction << /S /J#61vaScript /JS (x) >> >> endobj\n",
    ],
)
def test_a_pdf_with_script_or_launch_actions_is_refused(body: bytes) -> None:
    (message,) = refused([("恶意.pdf", pdf(body))])
    assert "恶意.pdf" in message and "脚本" in message


def test_a_script_hidden_in_a_compressed_pdf_stream_is_found() -> None:
    hidden = zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    body = b"2 0 obj << /Filter /FlateDecode /Length %d >>\nstream\n" % len(hidden) + hidden + b"\nendstream\nendobj\n"
    (message,) = refused([("压缩.pdf", pdf(body))])
    assert "脚本" in message


def test_a_truncated_pdf_is_refused() -> None:
    (message,) = refused([("半份.pdf", pdf()[:-8])])
    assert "不完整" in message


def test_more_files_than_allowed_are_refused_at_once() -> None:
    (message,) = refused([(f"{i}.jpg", b"x") for i in range(MAX_FILES + 1)])
    assert str(MAX_FILES) in message


def test_every_bad_file_is_named_in_one_answer() -> None:
    messages = refused([("好.jpg", encode(noise(), "JPEG")), ("空.png", b""), ("假.jpg", b"MZ\x90\x00")])
    assert len(messages) == 2
    assert "空.png" in messages[0] and "假.jpg" in messages[1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\王\\窗户.jpg", "窗户.jpg"),
        ("a;rm -rf $(reboot)`id`|x.jpg", "arm -rf rebootidx.jpg"),
        ("bad\x00na\u202eme\r\n.jpg", "badname.jpg"),
        ("...hidden.jpg", "hidden.jpg"),
    ],
)
def test_a_display_name_keeps_no_path_control_or_shell_characters(raw: str, expected: str) -> None:
    assert clean_display_name(raw) == expected


def test_a_long_name_is_cut_to_100_characters_keeping_its_extension() -> None:
    name = clean_display_name("长" * 300 + ".jpg")
    assert len(name) == 100 and name.endswith(".jpg")


def test_the_display_name_ends_with_the_type_actually_stored() -> None:
    (clean,) = validate_uploads([("../照片.PNG", encode(noise(), "PNG"))])
    assert clean.original_name == "照片.jpg"
    (clean,) = validate_uploads([("无扩展名", encode(noise(), "JPEG"))])
    assert clean.original_name == "无扩展名.jpg"


# ---- storage -----------------------------------------------------------------------------------


def attach(case: Any, *, is_public: bool = True, referral: Any = None, name: str = "窗户.jpg") -> CaseAttachment:
    (clean,) = validate_uploads([(name, encode(noise(), "JPEG"))])
    with transaction.atomic():
        (row,) = store_uploads(case=case, uploads=[clean], referral=referral, is_public=is_public)
    return row


def test_stored_files_get_random_names_in_the_private_directory(case_world: World, _private_files_dir: Path) -> None:
    row = attach(case_world.cases["qianfeng"], name="../../../etc/cron.d/x.jpg")
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", row.stored_name)
    path = attachment_path(row)
    assert path.parent == _private_files_dir
    assert path.stat().st_mode & 0o777 == 0o600
    assert row.original_name == "x.jpg"
    assert row.size == path.stat().st_size
    with Image.open(path) as stored:
        assert len(stored.getexif()) == 0


def test_the_case_files_directory_defaults_to_the_var_directory(settings: Any, tmp_path: Path) -> None:
    del settings.CASE_FILES_DIR
    settings.VAR_DIR = tmp_path / "var"
    assert attachments.files_dir() == tmp_path / "var" / "case_files"
    assert attachments.files_dir().is_dir()


def test_a_failed_row_write_removes_the_files_already_written(case_world: World, _private_files_dir: Path) -> None:
    good = CleanUpload(data=b"%PDF-1.4\n%%EOF", original_name="a.pdf", content_type="application/pdf")
    bad = CleanUpload(data=b"x", original_name="b.exe", content_type="application/x-msdownload")
    with pytest.raises(KeyError), transaction.atomic():
        store_uploads(case=case_world.cases["qianfeng"], uploads=[good, bad])
    assert list(_private_files_dir.iterdir()) == []
    assert not CaseAttachment.objects.exists()


def test_orphan_files_older_than_a_day_are_tidied_and_others_kept(case_world: World, _private_files_dir: Path) -> None:
    kept = attach(case_world.cases["qianfeng"])
    old = time.time() - 2 * 86400
    os.utime(attachment_path(kept), (old, old))
    orphan = _private_files_dir / ("a" * 32 + ".jpg")
    orphan.write_bytes(b"left by a rolled-back transaction")
    os.utime(orphan, (old, old))
    fresh = _private_files_dir / ("b" * 32 + ".jpg")
    fresh.write_bytes(b"its transaction may still be running")
    assert tidy_orphan_files() == 1
    assert not orphan.exists()
    assert fresh.exists() and attachment_path(kept).exists()
    assert tidy_orphan_files() == 0


def test_a_stored_name_that_is_not_ours_never_becomes_a_path(case_world: World) -> None:
    row = attach(case_world.cases["qianfeng"])
    row.stored_name = "../../config/settings/base.py"
    with pytest.raises(ValueError):
        attachment_path(row)


# ---- S6: who may download --------------------------------------------------------------------


def url(row: CaseAttachment) -> str:
    return f"/cases/files/{row.pk}/"


@pytest.fixture
def files(case_world: World) -> dict[str, CaseAttachment]:
    """A resident's public photo, the 住建局 reply's paper, an internal note's paper, and the
    城管局 reply's paper on the other case."""
    qianfeng = case_world.cases["qianfeng"]
    return {
        "public": attach(qianfeng),
        "housing_paper": attach(qianfeng, referral=case_world.referrals["qianfeng"], name="住建局答复.jpg"),
        "internal": attach(qianfeng, is_public=False, name="内部.jpg"),
        "urban_paper": attach(
            case_world.cases["qianfeng_urban"], referral=case_world.referrals["qianfeng_urban"], name="城管局.jpg"
        ),
    }


# Who sees what (200) — everyone else gets 404, never 403.
ALLOWED = {
    "public": {"officer", "county_officer", "station_staff", "deputy", "handler", "resident", "system_admin"},
    "housing_paper": {"officer", "county_officer", "station_staff", "deputy", "handler", "resident", "system_admin"},
    "internal": {"officer", "county_officer", "station_staff", "deputy", "system_admin"},
    "urban_paper": {"officer", "county_officer", "station_staff", "other_handler", "system_admin"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_downloads_only_what_it_may_see(
    case_world: World, files: dict[str, CaseAttachment], persona: str
) -> None:
    client = case_world.web(persona)
    for key, row in files.items():
        response: Any = client.get(url(row))
        expected = 200 if persona in ALLOWED[key] else 404
        assert response.status_code == expected, (persona, key)
        if expected == 200:
            assert b"".join(response.streaming_content) == attachment_path(row).read_bytes()
        else:
            assert RESIDENT_PHONE not in response.content.decode()


def test_the_other_department_never_gets_the_first_departments_papers(
    case_world: World, files: dict[str, CaseAttachment]
) -> None:
    assert case_world.web("other_handler").get(url(files["housing_paper"])).status_code == 404
    assert case_world.web("handler").get(url(files["urban_paper"])).status_code == 404


def test_a_nonexistent_attachment_is_404_for_everyone(case_world: World) -> None:
    for persona in PERSONAS:
        assert case_world.web(persona).get("/cases/files/999999/").status_code == 404


def test_a_download_cannot_be_rendered_by_the_browser(case_world: World, files: dict[str, CaseAttachment]) -> None:
    response = case_world.web("officer").get(url(files["public"]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E7%AA%97%E6%88%B7.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_file_missing_from_disk_is_404_not_an_error(case_world: World, files: dict[str, CaseAttachment]) -> None:
    attachment_path(files["public"]).unlink()
    assert case_world.web("officer").get(url(files["public"])).status_code == 404


def tracked_client(world: World, key: str) -> Any:
    """An anonymous browser that proved the case's tracking code and secret."""
    client = world.web("anonymous")
    session = client.session
    ticket = track_lookup(tracking_code=world.cases[key].tracking_code, secret=world.secrets[key])
    remember(SimpleNamespace(session=session), ticket)  # type: ignore[arg-type]
    session.save()
    return client


def test_a_tracked_resident_downloads_the_public_files_of_that_case_only(
    case_world: World, files: dict[str, CaseAttachment]
) -> None:
    client = tracked_client(case_world, "qianfeng")
    assert client.get(url(files["public"])).status_code == 200
    assert client.get(url(files["housing_paper"])).status_code == 200
    assert client.get(url(files["internal"])).status_code == 404
    assert client.get(url(files["urban_paper"])).status_code == 404


def test_a_tracked_session_that_expired_no_longer_opens_files(
    case_world: World, files: dict[str, CaseAttachment]
) -> None:
    client = tracked_client(case_world, "qianfeng")
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=31), tick=False):
        assert client.get(url(files["public"])).status_code == 404


def test_a_forged_session_entry_for_another_case_opens_nothing(
    case_world: World, files: dict[str, CaseAttachment]
) -> None:
    client = tracked_client(case_world, "qianfeng_new")
    assert client.get(url(files["public"])).status_code == 404
    assert client.get(url(files["urban_paper"])).status_code == 404
