"""Domain errors raised by services and selectors, translated to HTTP at the edges.

Every error carries a stable snake_case `code` (listed in the OpenAPI document), a message in
the active language, and optional per-field messages.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _


class ErrorCode(StrEnum):
    """The stable error codes of the API; clients branch on these, never on messages."""

    INVALID_INPUT = "invalid_input"
    BODY_TOO_LARGE = "body_too_large"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    VERSION_CONFLICT = "version_conflict"
    CONFLICT = "conflict"
    ILLEGAL_STATE = "illegal_state"
    RATE_LIMITED = "rate_limited"
    LOCKED_OUT = "locked_out"
    SERVER_ERROR = "server_error"


class DomainError(Exception):
    """Base of the errors a service or selector raises on purpose."""

    status = 400
    code = ErrorCode.INVALID_INPUT

    def __init__(self, message: str | None = None, *, fields: dict[str, list[str]] | None = None) -> None:
        self.message = message or self.default_message()
        self.fields = fields or {}
        super().__init__(self.message)

    def default_message(self) -> str:
        return _("请求有误。")


class InvalidInput(DomainError):
    """Input that is well-formed but wrong: a field error the user can fix (422)."""

    status = 422
    code = ErrorCode.INVALID_INPUT

    def default_message(self) -> str:
        return _("提交的内容有误，请按提示修改。")


class NotFound(DomainError):
    """The object does not exist or is outside the actor's reach: never say which (404)."""

    status = 404
    code = ErrorCode.NOT_FOUND

    def default_message(self) -> str:
        return _("没有找到该内容。")


class Forbidden(DomainError):
    """The object is visible but this action is not allowed to this actor (403)."""

    status = 403
    code = ErrorCode.FORBIDDEN

    def default_message(self) -> str:
        return _("您没有权限进行此操作。")


class VersionConflict(DomainError):
    """Somebody saved the object since the client read it (409)."""

    status = 409
    code = ErrorCode.VERSION_CONFLICT

    def default_message(self) -> str:
        return _("该内容已被他人修改，请刷新后重试。")


class Conflict(DomainError):
    """The write clashes with existing data, e.g. a duplicate natural key (409)."""

    status = 409
    code = ErrorCode.CONFLICT

    def default_message(self) -> str:
        return _("与已有数据冲突。")


class IllegalState(DomainError):
    """The transition is not allowed from the object's current state (409)."""

    status = 409
    code = ErrorCode.ILLEGAL_STATE

    def default_message(self) -> str:
        return _("当前状态下不能进行此操作。")
