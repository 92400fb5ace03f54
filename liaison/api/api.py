"""The NinjaAPI instance of /api/v1: routers, error envelope, JSON via orjson."""

from __future__ import annotations

from ninja import NinjaAPI

from .errors import install_error_handlers
from .parser import OrjsonParser, OrjsonRenderer
from .routers import auth, manage, public

api = NinjaAPI(
    title="Liaison API",
    version="1",
    description=(
        "人大代表家站点履职服务平台接口 v1。认证：`POST /api/v1/auth/token` 取得令牌后，"
        "在请求头中使用 `Authorization: Bearer <token>`。错误统一为 "
        '`{"code", "message", "fields"}`,`code` 取值见 Error 模式。'
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=OrjsonParser(),
    renderer=OrjsonRenderer(),
)
install_error_handlers(api)
api.add_router("/auth", auth.router)
api.add_router("/manage", manage.router)
api.add_router("/", public.router)
api.add_router("/", "liaison.api.routers.receptions.router")
api.add_router("/", "liaison.api.routers.cases_public.router")
api.add_router("/manage", "liaison.api.routers.cases_manage.router")
