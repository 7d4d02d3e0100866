"""Receipt uploads: the type is read from the file's first bytes, never from its name or
the browser's claim, and the stored name is generated (no user text reaches the disk)."""

import uuid

from zhucun.errors import ErrorCode, ServiceError

MAX_BYTES = 5 * 1024 * 1024

# magic bytes → (content type, extension)
_KINDS = (
    (b"%PDF-", ("application/pdf", "pdf")),
    (b"\xff\xd8\xff", ("image/jpeg", "jpg")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", "png")),
)


def checked_receipt(upload) -> tuple[str, str]:
    """(content type, stored name) of a valid receipt; ServiceError(BAD_UPLOAD) otherwise."""
    if upload is None:
        raise ServiceError(ErrorCode.BAD_UPLOAD, "请上传票据(PDF、JPG或PNG)。", field="receipt")
    if upload.size > MAX_BYTES:
        raise ServiceError(
            ErrorCode.BAD_UPLOAD,
            f"票据文件不能超过{MAX_BYTES // 1024 // 1024}MB。",
            field="receipt",
        )
    if upload.size == 0:
        raise ServiceError(ErrorCode.BAD_UPLOAD, "票据文件是空的。", field="receipt")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, (content_type, ext) in _KINDS:
        if head.startswith(magic):
            return content_type, f"{uuid.uuid4().hex}.{ext}"
    raise ServiceError(
        ErrorCode.BAD_UPLOAD,
        "票据须为PDF、JPG或PNG文件(按文件内容识别,改扩展名无效)。",
        field="receipt",
    )


def original_name(upload) -> str:
    """The uploaded file's own name, for display and the download's filename only."""
    name = (getattr(upload, "name", "") or "票据").replace("\\", "/").rsplit("/", 1)[-1]
    return name[-200:]
