"""The answer to a locked-out login (SECURITY.md S8): the API's JSON envelope under /api/,
a page elsewhere; the same for known and unknown accounts, with Retry-After."""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        body = {"code": "locked_out", "message": _("登录失败次数过多，请 15 分钟后再试。"), "fields": {}}
        response = HttpResponse(orjson.dumps(body), status=429, content_type="application/json")
    else:
        response = render(request, "accounts/locked_out.html", status=429)
    response["Retry-After"] = retry_after
    return response
