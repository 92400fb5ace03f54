"""The back office's account pages and audit-log viewer under /manage/: thin views over
selectors and services, for office admins (their subtree) and system admins (everything)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core.audit import action_label, target_type_label
from liaison.core.errors import DomainError, Forbidden, IllegalState, InvalidInput
from liaison.core.forms import apply_domain_errors
from liaison.core.models import AuditEvent
from liaison.core.personal_data import mask_id_number, mask_phone

from . import selectors, services
from .access import staff_required
from .choices import Role
from .forms import AuditFilterForm, GrantForm, ReasonForm, UserCreateForm, UserFilterForm
from .jurisdiction import Actor
from .models import User
from .permissions import can_grant_role, can_manage_users, grantable_roles

USER_PAGE_SIZE = 20
AUDIT_PAGE_SIZE = 50


def _require_admin(actor: Actor) -> None:
    """Staff without an office-admin or system-admin grant may not manage accounts: 403."""
    if not can_manage_users(actor):
        raise PermissionDenied


def _apply_errors(form: Any, error: DomainError) -> None:
    """A service's field errors next to the fields (scope errors under the scope chooser in use)."""
    scope = next((n for n in ("region", "station", "department") if form.data.get(n)), "region")
    apply_domain_errors(form, error, {"scope": scope})


def _grant_choices(actor: Actor) -> dict[str, Any]:
    return {
        "roles": grantable_roles(actor),
        "regions": [(r.pk, f"{r.name}（{r.code}）") for r in selectors.scope_regions(actor=actor)],
        "stations": [(s.pk, s.name) for s in selectors.scope_stations(actor=actor)],
        "departments": [(d.pk, d.name) for d in selectors.scope_departments(actor=actor)],
    }


def _scope_objects(form: GrantForm) -> dict[str, Any]:
    """The chosen scope as model instances (the ids were checked against the in-reach choices)."""
    from liaison.organization.models import Department, Region
    from liaison.stations.models import Station

    data = form.cleaned_data
    return {
        "region": Region.objects.get(pk=data["region"]) if data.get("region") else None,
        "station": Station.objects.select_related("region").get(pk=data["station"]) if data.get("station") else None,
        "department": (
            Department.objects.select_related("region").get(pk=data["department"]) if data.get("department") else None
        ),
    }


def _forbid_role_beyond_reach(actor: Actor, request: HttpRequest, field: str = "role") -> None:
    """A role above the admin's own (system admin, or an unscoped role for an office admin) is 403."""
    role = request.POST.get(field, "")
    if role in Role.values and not can_grant_role(actor, role):
        raise Forbidden(_("您不能授予该角色。"))


def _no_store(response: HttpResponse) -> HttpResponse:
    # The page shows a one-time password: no cache (browser or proxy) may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@staff_required
def user_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Accounts the admin administers: search, role and state filters, sort, 20 a page with the total."""
    _require_admin(actor)
    form = UserFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"ordering": "username"}
    paginator = Paginator(selectors.user_list(actor=actor, **filters), USER_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/manage/user_list.html",
        {
            "form": form,
            "page": page,
            "total": paginator.count,
            "filtered": any(v is not None for k, v in filters.items() if k != "ordering"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required
def user_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A new account with its first grant; the one-time password is shown on the answer page only."""
    _require_admin(actor)
    choices = _grant_choices(actor)
    form = UserCreateForm(request.POST or None, **choices)
    status = 200
    if request.method == "POST":
        _forbid_role_beyond_reach(actor, request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.user_create(
                    actor=actor,
                    username=data["username"],
                    display_name=data["display_name"],
                    work_phone=data["work_phone"],
                    email=data["email"],
                    role=data["role"],
                    ip_address=services.client_ip(request),
                    is_lead=bool(data.get("is_lead")),
                    **_scope_objects(form),
                )
            except InvalidInput as exc:
                _apply_errors(form, exc)
                status = 422
            else:
                return _no_store(
                    render(
                        request,
                        "accounts/manage/one_time_password.html",
                        {"account": created.user, "password": created.password, "created": True},
                    )
                )
        else:
            status = 422
    return render(request, "accounts/manage/user_create.html", {"form": form}, status=status)


def _user_page(
    request: HttpRequest,
    actor: Actor,
    account: User,
    *,
    grant_form: GrantForm | None = None,
    reason_forms: dict[str, ReasonForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_change = selectors.user_can_change(actor, account)
    grants = selectors.user_grants(user=account)
    reason_forms = reason_forms or {}
    revocable = [
        (g, reason_forms.get(f"g{g.pk}") or ReasonForm(prefix=f"g{g.pk}", label=_("撤销事由")))
        for g in grants
        if g.revoked_at is None and selectors.grant_within_reach(actor, g)
    ]
    revocable_ids = {g.pk for g, _form in revocable}
    state_label = _("停用事由") if account.is_active else _("启用事由")
    return render(
        request,
        "accounts/manage/user_detail.html",
        {
            "account": account,
            "can_change": can_change,
            "is_self": actor.user is not None and account.pk == actor.user.pk,
            "grants": [(g, g.pk in revocable_ids) for g in grants],
            "revoke_forms": revocable,
            "grant_form": grant_form or GrantForm(prefix="grant", **_grant_choices(actor)),
            "state_form": reason_forms.get("state") or ReasonForm(prefix="state", label=state_label),
            "reset_form": reason_forms.get("reset") or ReasonForm(prefix="reset", label=_("重置事由")),
            "events": [_present(e) for e in selectors.audit_for_user(actor=actor, user=account)],
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required
def user_detail(request: HttpRequest, actor: Actor, user_id: int) -> HttpResponse:
    """An account: its grants, granting and revoking, active state, password reset and recent audit."""
    _require_admin(actor)
    account = selectors.user_get(actor=actor, user_id=user_id)
    if request.method == "GET":
        return _user_page(request, actor, account)

    action = request.POST.get("action")
    ip = services.client_ip(request)
    if action == "grant":
        _forbid_role_beyond_reach(actor, request, "grant-role")
        form = GrantForm(request.POST, prefix="grant", **_grant_choices(actor))
        if form.is_valid():
            try:
                services.role_grant_create(
                    actor=actor,
                    user=account,
                    role=form.cleaned_data["role"],
                    ip_address=ip,
                    is_lead=bool(form.cleaned_data.get("is_lead")),
                    **_scope_objects(form),
                )
            except InvalidInput as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("已授予新角色。"))
                return redirect("accounts_manage:user_detail", user_id=account.pk)
        return _user_page(request, actor, account, grant_form=form, status=422)

    if action == "revoke":
        grant = selectors.grant_get(actor=actor, user=account, grant_id=request.POST.get("grant", ""))
        if not selectors.grant_within_reach(actor, grant):
            raise Forbidden(_("该授权不在您的管辖范围内，不能撤销。"))
        form_r = ReasonForm(request.POST, prefix=f"g{grant.pk}", label=_("撤销事由"))
        if form_r.is_valid():
            try:
                services.role_grant_revoke(
                    actor=actor, grant=grant, reason=form_r.cleaned_data["reason"], ip_address=ip
                )
            except IllegalState as exc:
                form_r.add_error(None, exc.message)
            else:
                messages.success(request, _("已撤销该授权。"))
                return redirect("accounts_manage:user_detail", user_id=account.pk)
        return _user_page(request, actor, account, reason_forms={f"g{grant.pk}": form_r}, status=422)

    if action in ("deactivate", "reactivate"):
        form_s = ReasonForm(
            request.POST, prefix="state", label=_("停用事由") if action == "deactivate" else _("启用事由")
        )
        if form_s.is_valid():
            service = services.user_deactivate if action == "deactivate" else services.user_reactivate
            try:
                service(actor=actor, user=account, reason=form_s.cleaned_data["reason"], ip_address=ip)
            except IllegalState as exc:
                form_s.add_error(None, exc.message)
            else:
                done = _("账号已停用，其登录和接口令牌已失效。") if action == "deactivate" else _("账号已重新启用。")
                messages.success(request, done)
                return redirect("accounts_manage:user_detail", user_id=account.pk)
        return _user_page(request, actor, account, reason_forms={"state": form_s}, status=422)

    if action == "reset_password":
        form_p = ReasonForm(request.POST, prefix="reset", label=_("重置事由"))
        if form_p.is_valid():
            password = services.user_password_reset(
                actor=actor, user=account, reason=form_p.cleaned_data["reason"], ip_address=ip
            )
            return _no_store(
                render(
                    request,
                    "accounts/manage/one_time_password.html",
                    {"account": account, "password": password, "created": False},
                )
            )
        return _user_page(request, actor, account, reason_forms={"reset": form_p}, status=422)

    return _user_page(request, actor, account, status=400)


_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")


def mask_text(value: Any) -> str:
    """Any phone or ID number inside an audited value, masked (GB/T 35273: masked by default)."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group()), text)


def _present(event: AuditEvent) -> dict[str, Any]:
    """An audit row for display: changes flattened to masked text."""
    changes = event.changes if isinstance(event.changes, dict) else {"": event.changes}
    shown = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            shown.append((key, f"{mask_text(value[0])} → {mask_text(value[1])}"))
        else:
            shown.append((key, mask_text(value)))
    return {
        "event": event,
        "action_label": action_label(event.action),
        "target_type_label": target_type_label(event.target_type),
        "target_label": mask_text(event.target_label),
        "reason": mask_text(event.reason),
        "changes": shown,
    }


@require_GET
@staff_required
def audit_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The audit log the admin may read: filters, newest first, 50 a page; read-only."""
    _require_admin(actor)
    form = AuditFilterForm(
        request.GET or None, actions=selectors.audit_actions(), target_types=selectors.audit_target_types()
    )
    filters = form.filters() if request.GET else {}
    paginator = Paginator(selectors.audit_event_list(actor=actor, **filters), AUDIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/manage/audit_list.html",
        {
            "form": form,
            "page": page,
            "events": [_present(e) for e in page.object_list],
            "total": paginator.count,
            "filtered": any(v for v in filters.values()),
        },
    )
