"""JSON in and out with orjson: faster, and its nesting limit turns a deeply nested body into a
clean 422 instead of a RecursionError (SECURITY.md S13)."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest
from ninja.parser import Parser
from ninja.renderers import BaseRenderer

from liaison.core.errors import InvalidInput


class OrjsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return orjson.loads(request.body)
        except orjson.JSONDecodeError:
            from django.utils.translation import gettext as _

            raise InvalidInput(
                _("请求体不是有效的 JSON。"), fields={"__all__": [_("请求体不是有效的 JSON。")]}
            ) from None


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_default)


def _default(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    raise TypeError
