"""Uploads: size limit, type by content, generated names outside the web root, served as attachments."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import Workbook

from zhucun.uploads import (
    Kind,
    UploadField,
    attachment_response,
    check_upload,
    generated_name,
    private_storage,
)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "name, content, kind",
    [("请假条.pdf", PDF, Kind.PDF), ("a.JPG", JPEG, Kind.JPEG), ("b.png", PNG, Kind.PNG)],
)
def test_pdf_jpeg_and_png_are_recognised_by_their_content(name, content, kind):
    assert check_upload(upload(name, content)) == kind


def test_an_xlsx_workbook_is_recognised_and_a_macro_workbook_refused():
    assert check_upload(upload("名册.xlsx", xlsx_bytes())) == Kind.XLSX
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00")
    with pytest.raises(ValidationError, match="只接受"):
        check_upload(upload("名册.xlsx", buffer.getvalue()))


def test_a_page_of_html_named_pdf_is_refused():
    with pytest.raises(ValidationError, match="按文件内容判断"):
        check_upload(upload("scan.pdf", b"<html><script>alert(1)</script></html>"))


def test_a_png_named_pdf_is_refused_with_both_named():
    with pytest.raises(ValidationError, match="PNG 图片,与扩展名“.pdf”不符"):
        check_upload(upload("scan.pdf", PNG))


def test_a_kind_the_field_does_not_take_is_refused():
    field = UploadField(kinds={Kind.PDF})
    with pytest.raises(ValidationError, match="只接受 PDF 文档"):
        field.clean(upload("photo.png", PNG))
    assert field.clean(upload("slip.pdf", PDF)).zhucun_kind == Kind.PDF


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.ZHUCUN_UPLOAD_MAX_MB = 1
    with pytest.raises(ValidationError, match="不能超过 1 MB"):
        check_upload(upload("big.pdf", PDF + b"\x00" * (1024 * 1024)))
    assert check_upload(upload("ok.pdf", PDF + b"\x00" * (1024 * 1024 - len(PDF))))


@hsettings(deadline=None)
@given(st.binary(min_size=1, max_size=64))
def test_bytes_without_a_known_signature_are_always_refused(content):
    if content.startswith((b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04")):
        return
    with pytest.raises(ValidationError):
        check_upload(upload("x.pdf", content))


def test_stored_files_get_generated_names_under_media_root_outside_the_code(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    name = generated_name(None, "张三 身份证 610124198503090011.jpg")
    assert "张三" not in name and "6101" not in name and "." not in Path(name).name
    stored = private_storage.save(name, io.BytesIO(JPEG))
    path = Path(private_storage.path(stored))
    assert path.is_relative_to(tmp_path / "uploads")
    base = Path(django_settings.BASE_DIR)
    assert not Path(django_settings.MEDIA_ROOT).is_relative_to(base / "zhucun")


def test_no_url_serves_the_upload_folder():
    with pytest.raises(Resolver404):
        resolve("/media/2026/05/abc")
    assert not getattr(django_settings, "MEDIA_URL", "").strip("/")


def test_an_upload_is_served_as_a_sandboxed_attachment(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = private_storage.save(generated_name(None, "x.pdf"), io.BytesIO(PDF))

    class FieldFile:
        def open(self, mode):
            return private_storage.open(stored, mode)

    response = attachment_response(FieldFile(), download_name="请假条.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
