"""The one error envelope of the API: {"code", "message", "fields"} with stable codes."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from liaison.accounts.middleware import audit_denial
from liaison.core.errors import DomainError, ErrorCode


class Error(Schema):
    """Every 4xx answer. `code` is stable; `message` is in the Accept-Language language."""

    code: ErrorCode
    message: str
    fields: dict[str, list[str]] = {}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: ErrorCode,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"code": code.value, "message": message, "fields": fields or {}}
    return api.create_response(request, body, status=status)


# Pydantic names the member of a union that failed, e.g. ("gender", "str-enum[Gender]") or
# ("gender", "literal['']"); those tags are not fields and must not reach the client.
_UNION_TAG = re.compile(r"[^A-Za-z0-9_]")


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    # ninja locations look like ("body", "payload", "name") or ("query", "limit").
    parts = [
        str(p)
        for p in loc
        if p not in ("body", "query", "path", "header", "payload") and not (isinstance(p, str) and _UNION_TAG.search(p))
    ]
    return ".".join(parts) or "__all__"


_PYDANTIC_MESSAGES = {
    "missing": lambda e: _("此项为必填项。"),
    "extra_forbidden": lambda e: _("不允许提交此字段。"),
    "less_than_equal": lambda e: _("不能大于 %(v)s。") % {"v": e.get("ctx", {}).get("le")},
    "greater_than_equal": lambda e: _("不能小于 %(v)s。") % {"v": e.get("ctx", {}).get("ge")},
    "string_too_long": lambda e: _("不能超过 %(v)s 个字符。") % {"v": e.get("ctx", {}).get("max_length")},
    "string_too_short": lambda e: _("不能少于 %(v)s 个字符。") % {"v": e.get("ctx", {}).get("min_length")},
    # The same limits on an optional field (`Line | None`) are checked after validation.
    "too_long": lambda e: _("不能超过 %(v)s 个字符。") % {"v": e.get("ctx", {}).get("max_length")},
    "too_short": lambda e: _("不能少于 %(v)s 个字符。") % {"v": e.get("ctx", {}).get("min_length")},
    "int_parsing": lambda e: _("请填写整数。"),
    "int_type": lambda e: _("请填写整数。"),
    "bool_parsing": lambda e: _("请填写 true 或 false。"),
    "bool_type": lambda e: _("请填写 true 或 false。"),
    "string_type": lambda e: _("请填写文字。"),
    "date_from_datetime_parsing": lambda e: _("日期格式应为 YYYY-MM-DD。"),
    "date_parsing": lambda e: _("日期格式应为 YYYY-MM-DD。"),
    "date_type": lambda e: _("日期格式应为 YYYY-MM-DD。"),
    "decimal_parsing": lambda e: _("请填写数字。"),
    "decimal_type": lambda e: _("请填写数字。"),
    "enum": lambda e: _("取值不在允许的范围内：%(v)s。") % {"v": e.get("ctx", {}).get("expected")},
    "literal_error": lambda e: _("取值不在允许的范围内：%(v)s。") % {"v": e.get("ctx", {}).get("expected")},
    "model_attributes_type": lambda e: _("请求体应为 JSON 对象。"),
    "dict_type": lambda e: _("请求体应为 JSON 对象。"),
    "json_invalid": lambda e: _("请求体不是有效的 JSON。"),
    "string_pattern_mismatch": lambda e: _("格式不正确。"),
    "value_error": lambda e: str(e.get("ctx", {}).get("error", "")) or _("格式不正确。"),
    "decimal_max_digits": lambda e: _("数字位数太多。"),
    "decimal_max_places": lambda e: _("小数位数太多。"),
}


def _message(error: dict[str, Any]) -> str:
    make = _PYDANTIC_MESSAGES.get(error.get("type", ""))
    return make(error) if make else _("格式不正确。")


def install_error_handlers(api: NinjaAPI) -> None:
    """Map every error the API can raise onto the envelope; never a stack trace."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        if exc.status == 403:
            audit_denial(request, getattr(request, "auth", None))
        return error_response(api, request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            messages = fields.setdefault(_field_name(err.get("loc", ())), [])
            if (message := _message(err)) not in messages:
                messages.append(message)
        return error_response(api, request, 422, ErrorCode.INVALID_INPUT, _("提交的内容有误，请按提示修改。"), fields)

    @api.exception_handler(ValidationError)
    def model_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = (
            {k: list(v) for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"__all__": exc.messages}
        )
        return error_response(api, request, 422, ErrorCode.INVALID_INPUT, _("提交的内容有误，请按提示修改。"), fields)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(api, request, 401, ErrorCode.UNAUTHORIZED, _("请先登录：缺少有效的访问令牌。"))
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        message = _("请求体太大。")
        return error_response(api, request, 422, ErrorCode.BODY_TOO_LARGE, message, {"__all__": [message]})

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # More than DATA_UPLOAD_MAX_NUMBER_FIELDS query parameters (TooManyFieldsSent) and the
        # like: Django answers 400, the API's convention for bad input is 422 — never a 500.
        message = _("提交的内容有误，请按提示修改。")
        return error_response(api, request, 422, ErrorCode.INVALID_INPUT, message, {"__all__": [_("请求有误。")]})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, DomainError):
            # ninja wraps whatever the body parser raises into HttpError(400, "Cannot parse request
            # body"); the parser's own error (with its field message) is the better answer.
            return domain_error(request, exc.__cause__)
        code = {
            400: ErrorCode.INVALID_INPUT,
            401: ErrorCode.UNAUTHORIZED,
            403: ErrorCode.FORBIDDEN,
            404: ErrorCode.NOT_FOUND,
            405: ErrorCode.INVALID_INPUT,
            409: ErrorCode.CONFLICT,
            422: ErrorCode.INVALID_INPUT,
            429: ErrorCode.RATE_LIMITED,
        }.get(exc.status_code, ErrorCode.INVALID_INPUT)
        status = 422 if exc.status_code == 400 else exc.status_code
        return error_response(
            api, request, status, code, _("提交的内容有误，请按提示修改。") if status == 422 else str(exc)
        )

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        import logging

        logging.getLogger("liaison.api").exception("unhandled API error on %s %s", request.method, request.path)
        return error_response(api, request, 500, ErrorCode.SERVER_ERROR, _("服务器内部错误，请稍后再试。"))


ERRORS_401 = {401: Error}
# Reads refuse non-staff callers with a 403 (the /manage lists), so it is documented too.
ERRORS_READ = {401: Error, 403: Error, 404: Error, 422: Error}
ERRORS_WRITE = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
ERRORS_PUBLIC = {404: Error, 422: Error}
