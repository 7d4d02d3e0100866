"""Uploaded files (scans of leave slips, receipts, photos, spreadsheets), for every app.

Rules (等保2.0 入侵防范 / 恶意代码防范):

- a size limit, ZHUCUN_UPLOAD_MAX_MB (default 10);
- the type is read from the content (magic bytes), never trusted from the
  name or the browser: PDF, JPEG, PNG and XLSX (a zip with a workbook and no
  macros); a name whose extension says otherwise is refused;
- files are stored under MEDIA_ROOT (var/uploads, outside the code and the
  static files; no URL serves it) under a generated name with no extension
  and nothing of the original name;
- they are served only by a view that first checks the data scope of the
  record they belong to, as an attachment, with a sandboxing CSP: a file is
  never shown inline or executed.

API
---
``check_upload(upload, *, kinds=ALL_KINDS) -> Kind``
    Raises ``django.core.exceptions.ValidationError`` with a Chinese message
    naming the rule; returns the detected kind.

``UploadField(kinds=ALL_KINDS)``
    A form field running ``check_upload``; ``cleaned_data[...]`` is the
    UploadedFile with ``.zhucun_kind`` set.

``models.FileField(upload_to=generated_name, storage=private_storage)``
    How a model stores an upload.

``attachment_response(fieldfile, *, download_name) -> FileResponse``
    From a view, after ``get_scoped_or_404`` on the owning record.
"""

import uuid
import zipfile
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import FileResponse
from django.utils import timezone


class Kind(models.TextChoices):
    PDF = "pdf", "PDF 文档"
    JPEG = "jpeg", "JPEG 图片"
    PNG = "png", "PNG 图片"
    XLSX = "xlsx", "Excel 工作簿(.xlsx)"


ALL_KINDS = frozenset(Kind)
CONTENT_TYPES = {
    Kind.PDF: "application/pdf",
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {
    Kind.PDF: {".pdf"},
    Kind.JPEG: {".jpg", ".jpeg"},
    Kind.PNG: {".png"},
    Kind.XLSX: {".xlsx"},
}


def sniff(head: bytes, file=None) -> Kind | None:
    """The kind the content is, from its first bytes (and, for a zip, its members)."""
    if head.startswith(b"%PDF-"):
        return Kind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if head.startswith(b"PK\x03\x04") and file is not None:
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            file.seek(0)
        # A workbook, not a macro-enabled one (.xlsm carries xl/vbaProject.bin).
        if {"[Content_Types].xml", "xl/workbook.xml"} <= names and not any(
            n.lower().endswith("vbaproject.bin") for n in names
        ):
            return Kind.XLSX
    return None


def max_bytes() -> int:
    return settings.ZHUCUN_UPLOAD_MAX_MB * 1024 * 1024


def check_upload(upload, *, kinds=ALL_KINDS) -> Kind:
    allowed = "、".join(Kind(k).label for k in sorted(kinds))
    if upload.size > max_bytes():
        raise ValidationError(
            f"文件过大:不能超过 {settings.ZHUCUN_UPLOAD_MAX_MB} MB。", code="upload_too_large"
        )
    if upload.size == 0:
        raise ValidationError("文件是空的。", code="upload_empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head, upload)
    if kind is None or kind not in kinds:
        raise ValidationError(
            f"文件类型不符合要求:只接受 {allowed}(按文件内容判断)。", code="upload_type"
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix and suffix not in EXTENSIONS[kind]:
        raise ValidationError(
            f"文件内容是{kind.label},与扩展名“{suffix}”不符。", code="upload_mismatch"
        )
    return kind


def checked_upload(upload, *, field: str, kinds=ALL_KINDS, missing: str) -> Kind:
    """check_upload for a service: the refusal as ServiceError(BAD_UPLOAD) naming the field."""
    from zhucun.errors import ErrorCode, ServiceError

    if upload is None:
        raise ServiceError(ErrorCode.BAD_UPLOAD, missing, field=field)
    try:
        return check_upload(upload, kinds=kinds)
    except ValidationError as error:
        raise ServiceError(ErrorCode.BAD_UPLOAD, error.messages[0], field=field) from None


class UploadField(forms.FileField):
    def __init__(self, *args, kinds=ALL_KINDS, **kwargs):
        self.kinds = frozenset(kinds)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size"):
            upload.zhucun_kind = check_upload(upload, kinds=self.kinds)
        return upload


def generated_name(instance, filename) -> str:
    """upload_to: year/month/a random name, nothing of the original (which may carry a name)."""
    return f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"


# MEDIA_ROOT is read when used (and follows setting changes). No URL pattern
# serves MEDIA_URL: a file reaches a browser only through attachment_response.
private_storage = FileSystemStorage(file_permissions_mode=0o600)


def attachment_response(fieldfile, *, download_name: str) -> FileResponse:
    """Serve a stored upload as a download; call only after checking the owner's data scope."""
    handle = fieldfile.open("rb")
    kind = sniff(handle.read(16), handle)
    handle.seek(0)
    content_type = CONTENT_TYPES.get(kind, "application/octet-stream")
    response = FileResponse(
        handle, as_attachment=True, filename=download_name, content_type=content_type
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
