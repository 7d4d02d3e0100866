"""Every refusal answers with the same JSON: {code, field, message, article} in Chinese.

Service refusals (ServiceError) keep the code, field and article the
service gave; input the schema rejects becomes `invalid` naming the field
and the rule; everything else maps onto the shared codes of zhucun/errors.py.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError

from zhucun.api.schemas import Record
from zhucun.errors import ErrorCode, ServiceError


class FieldProblem(Record):
    field: str | None
    message: str


class ErrorOut(Record):
    code: str
    field: str | None = None
    message: str
    article: str = ""
    errors: list[FieldProblem] = []


def error_body(code, message, *, field=None, article="", errors=None) -> dict:
    return {
        "code": str(code.value if hasattr(code, "value") else code),
        "field": field,
        "message": message,
        "article": article,
        "errors": errors or [],
    }


# Pydantic's error types, said in Chinese with the rule's numbers.
_RULES = {
    "missing": "此项必填",
    "string_type": "须为文字",
    "string_too_short": "至少{min_length}个字",
    "string_too_long": "不能超过{max_length}个字",
    "string_pattern_mismatch": "格式不正确(须符合 {pattern})",
    "int_type": "须为整数",
    "int_parsing": "须为整数",
    "int_from_float": "须为整数",
    "float_type": "须为数字",
    "float_parsing": "须为数字",
    "bool_type": "须为是或否(true/false)",
    "bool_parsing": "须为是或否(true/false)",
    "greater_than": "须大于{gt}",
    "greater_than_equal": "不能小于{ge}",
    "less_than": "须小于{lt}",
    "less_than_equal": "不能大于{le}",
    "date_type": "须为日期(YYYY-MM-DD)",
    "date_parsing": "须为日期(YYYY-MM-DD)",
    "date_from_datetime_parsing": "须为日期(YYYY-MM-DD)",
    "date_from_datetime_inexact": "须为日期(YYYY-MM-DD),不带时间",
    "datetime_type": "须为时间(ISO 8601)",
    "datetime_parsing": "须为时间(ISO 8601)",
    "datetime_from_date_parsing": "须为时间(ISO 8601)",
    "time_parsing": "须为时间(HH:MM)",
    "time_type": "须为时间(HH:MM)",
    "enum": "须为以下之一:{expected}",
    "literal_error": "须为以下之一:{expected}",
    "list_type": "须为列表",
    "dict_type": "须为对象",
    "model_type": "须为对象",
    "model_attributes_type": "须为对象",
    "too_long": "最多{max_length}项",
    "too_short": "至少{min_length}项",
    "json_invalid": "不是有效的JSON",
    "uuid_parsing": "须为UUID",
    "uuid_type": "须为UUID",
    "decimal_parsing": "须为数字",
    "value_error": "{error}",
    "assertion_error": "{error}",
}

# Where a value came from is not part of the field's name.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file", "payload"}


def _field_name(loc) -> str | None:
    parts = [str(p) for p in loc if str(p) not in _SOURCES]
    return ".".join(parts) or None


def _rule(error: dict) -> str:
    template = _RULES.get(error.get("type", ""), "输入不符合要求")
    context = {k: v for k, v in (error.get("ctx") or {}).items()}
    if "error" in context:
        # A validator's own message (raised as ValueError) is already Chinese.
        context["error"] = str(context["error"]).removeprefix("Value error, ")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return "输入不符合要求"


def describe_validation(errors: list[dict]) -> dict:
    problems = [{"field": _field_name(e.get("loc", ())), "message": _rule(e)} for e in errors]
    first = problems[0] if problems else {"field": None, "message": "输入不符合要求"}
    label = first["field"] or "请求"
    return error_body(
        ErrorCode.INVALID,
        f"{label}:{first['message']}",
        field=first["field"],
        errors=problems,
    )


def install(api) -> None:
    """Register the handlers on the NinjaAPI instance."""

    def respond(request, status, body):
        return api.create_response(request, body, status=status)

    @api.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        return respond(request, exc.http_status, {**exc.as_dict(), "errors": []})

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        return respond(request, 422, describe_validation(exc.errors))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, error_body(ErrorCode.NOT_FOUND, ErrorCode.NOT_FOUND.label))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, 403, error_body(ErrorCode.FORBIDDEN, ErrorCode.FORBIDDEN.label))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(
            request,
            401,
            error_body(ErrorCode.UNAUTHENTICATED, ErrorCode.UNAUTHENTICATED.label),
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 403 and "CSRF" in exc.message:
            message = "页面会话的写操作须带 CSRF 令牌(X-CSRFToken),请刷新页面后重试"
            return respond(request, 403, error_body(ErrorCode.FORBIDDEN, message))
        if exc.status_code == 400:
            message = "请求内容无法解析:须为有效的 JSON。"
            return respond(request, 400, error_body(ErrorCode.INVALID, message, field="body"))
        code = {
            401: ErrorCode.UNAUTHENTICATED,
            403: ErrorCode.FORBIDDEN,
            404: ErrorCode.NOT_FOUND,
            409: ErrorCode.CONFLICT,
        }.get(exc.status_code, ErrorCode.INVALID)
        return respond(request, exc.status_code, error_body(code, code.label))


# Declared on every operation, so the schema says what a refusal looks like.
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 400: ErrorOut, 409: ErrorOut}
