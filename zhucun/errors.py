"""The one list of error codes that pages and the API share, with Chinese messages.

A service raises `ServiceError(code, field=..., message=...)`; a page shows
the message next to the field, the API answers 4xx with the same code,
field and message.
"""

from django.db import models


class ErrorCode(models.TextChoices):
    INVALID = "invalid", "输入不符合要求"
    NOT_FOUND = "not_found", "记录不存在或无权查看"
    FORBIDDEN = "forbidden", "无权进行此操作"
    CONFLICT = "conflict", "与已有记录冲突"
    OUTSIDE_ASSIGNMENT = "outside_assignment", "日期不在驻村任职期间"
    FUTURE_DATE = "future_date", "不能填报未来日期"
    OVERLAP = "overlap", "与已有记录时间重叠"
    NOT_PAIRED = "not_paired", "该户不是您的结对户"
    ALREADY_DECIDED = "already_decided", "该步骤已处理,不能更改"
    SELF_APPROVAL = "self_approval", "不能审批自己的申请"
    OUT_OF_ORDER = "out_of_order", "审批步骤顺序不对"
    INSUFFICIENT_BALANCE = "insufficient_balance", "经费余额不足"
    QUOTA_EXCEEDED = "quota_exceeded", "超过比例限制"
    LOCKED = "locked", "记录已锁定"
    BAD_UPLOAD = "bad_upload", "上传文件不符合要求"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch", "同一幂等键对应了不同的请求内容"
    UNAUTHENTICATED = "unauthenticated", "请先登录,或在 Authorization 头中提供有效的访问令牌"


# The HTTP status each code answers with in the API.
HTTP_STATUS = {
    ErrorCode.INVALID: 422,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.CONFLICT: 409,
    ErrorCode.OUTSIDE_ASSIGNMENT: 422,
    ErrorCode.FUTURE_DATE: 422,
    ErrorCode.OVERLAP: 409,
    ErrorCode.NOT_PAIRED: 422,
    ErrorCode.ALREADY_DECIDED: 409,
    ErrorCode.SELF_APPROVAL: 403,
    ErrorCode.OUT_OF_ORDER: 409,
    ErrorCode.INSUFFICIENT_BALANCE: 409,
    ErrorCode.QUOTA_EXCEEDED: 409,
    ErrorCode.LOCKED: 409,
    ErrorCode.BAD_UPLOAD: 422,
    ErrorCode.IDEMPOTENCY_MISMATCH: 409,
    ErrorCode.UNAUTHENTICATED: 401,
}


class ServiceError(Exception):
    """A rule of the 细则 or of the system refused a write; nothing was saved."""

    def __init__(
        self,
        code: ErrorCode,
        message: str | None = None,
        *,
        field: str | None = None,
        article: str = "",
    ):
        self.code = ErrorCode(code)
        self.message = message or self.code.label
        self.field = field
        self.article = article
        super().__init__(self.message)

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]

    def as_dict(self) -> dict:
        return {
            "code": self.code.value,
            "field": self.field,
            "message": self.message,
            "article": self.article,
        }
