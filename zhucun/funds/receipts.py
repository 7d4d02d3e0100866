"""Receipt uploads (第二十五条): a PDF, JPEG or PNG, checked by zhucun.uploads from the
file's content; the stored name is generated (no user text reaches the disk)."""

import uuid

from zhucun.uploads import CONTENT_TYPES, Kind, checked_upload

KINDS = frozenset({Kind.PDF, Kind.JPEG, Kind.PNG})
_EXTENSION = {Kind.PDF: "pdf", Kind.JPEG: "jpg", Kind.PNG: "png"}


def checked_receipt(upload) -> tuple[str, str]:
    """(content type, stored name) of a valid receipt; ServiceError(BAD_UPLOAD) otherwise."""
    kind = checked_upload(
        upload, field="receipt", kinds=KINDS, missing="请上传票据(PDF、JPG或PNG)。"
    )
    return CONTENT_TYPES[kind], f"{uuid.uuid4().hex}.{_EXTENSION[kind]}"


def original_name(upload) -> str:
    """The uploaded file's own name, for display and the download's filename only."""
    name = (getattr(upload, "name", "") or "票据").replace("\\", "/").rsplit("/", 1)[-1]
    return name[-200:]
