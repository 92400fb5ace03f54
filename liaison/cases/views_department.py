"""The department workspace (/manage/referrals/): a handler's queue of referrals (交办件) with
deadlines, and one referral's page with its actions: sign for it, return it, ask for more
time, reply, ask the resident for more information, reveal the resident's contact (audited).

A handler reaches only his department's referrals (`referral_get(action="handle")`): any
other id is a 404, whoever asks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor
from liaison.accounts.services import client_ip
from liaison.core.clock import today
from liaison.core.errors import Conflict, IllegalState, InvalidInput, VersionConflict
from liaison.core.forms import apply_domain_errors
from liaison.core.personal_data import mask_address, mask_name, mask_phone
from liaison.receptions.holidays import WorkCalendar

from . import attachments, services
from .choices import OPEN_REFERRAL_STATUSES, OPEN_STATUSES, STATUS_TONE, ExtensionStatus, ReferralStatus
from .deadlines import deadline_label
from .forms_department import (
    QUEUE_STATUSES,
    AcceptForm,
    ExtensionForm,
    ReplyForm,
    RequestInfoForm,
    ReturnForm,
    RevealForm,
)
from .models import Case, CaseAttachment, CaseEvent, Referral
from .permissions import can_reveal
from .selectors import referral_get, referral_queue

PAGE_SIZE = 20
# UX.md status colours, keyed by the stored value.
TONES: dict[str, str] = {status.value: tone for status, tone in STATUS_TONE.items()}

# The outcome of a refused action: 422 for input the handler can fix, 409 when the referral
# (or case) moved on since the page was drawn: an expired referral action.
STALE_ERRORS = (IllegalState, VersionConflict, Conflict)


@dataclass(frozen=True)
class QueueRow:
    referral: Referral
    deadline: str
    overdue: bool


def _deadline(referral: Referral, day: dt.date, calendar: WorkCalendar) -> tuple[str, bool]:
    if referral.status not in OPEN_REFERRAL_STATUSES:
        return "", False
    return deadline_label(referral.due_date, day, calendar), referral.due_date < day


def _require_department(actor: Actor) -> None:
    if not (actor.department_ids or actor.is_system_admin):
        raise PermissionDenied(_("只有职能部门的经办人可以查看交办件。"))


@require_safe
@staff_required
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """交办件: the department's referrals, soonest deadline first, 20 a page."""
    _require_department(actor)
    status = request.GET.get("status", "")
    if status not in QUEUE_STATUSES:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    referrals = referral_queue(
        actor=actor,
        status=status if status in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED) else None,
        overdue=True if overdue else None,
        # "Overdue" means an open referral past its deadline, whatever the status filter says.
        open_only=status != "all" or overdue,
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    day, calendar = today(), WorkCalendar.load()
    rows = [QueueRow(r, *_deadline(r, day, calendar)) for r in page.object_list]
    return render(
        request,
        "cases/department/queue.html",
        {
            "page": page,
            "rows": rows,
            "statuses": list(QUEUE_STATUSES.items()),
            "status": status,
            "overdue": overdue,
        },
    )


def _resident(case: Case) -> dict[str, str] | None:
    """The resident as a department may see them: masked, and only if the referral carries them."""
    if case.anonymised_at is not None or not (case.resident_name or case.resident_phone):
        return None
    return {"name": mask_name(case.resident_name), "phone": mask_phone(case.resident_phone)}


def _detail(
    request: HttpRequest,
    actor: Actor,
    referral: Referral,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: str = "",
    revealed: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    case = referral.case
    referrals = list(case.referrals.all())
    is_open = referral.status in OPEN_REFERRAL_STATUSES
    deadline, overdue = _deadline(referral, today(), WorkCalendar.load())
    initial = {"version": referral.version}
    action_forms: dict[str, forms.Form] = {
        "accept": AcceptForm(initial=initial),
        "return": ReturnForm(initial=initial),
        "extend": ExtensionForm(initial=initial),
        "reply": ReplyForm(initial=initial),
        "request_info": RequestInfoForm(initial={"case_version": case.version}),
        "reveal": RevealForm(),
    }
    action_forms.update(bound or {})
    events = CaseEvent.objects.filter(case=case).filter(Q(is_public=True) | Q(referral=referral)).order_by("at", "id")
    files = CaseAttachment.objects.filter(case=case).filter(
        Q(referral__isnull=True, is_public=True) | Q(referral=referral)
    )
    can = {
        "accept": referral.status == ReferralStatus.PENDING,
        "return": is_open,
        "extend": referral.status == ReferralStatus.ACCEPTED and referral.extension_status != ExtensionStatus.REQUESTED,
        "reply": referral.status == ReferralStatus.ACCEPTED,
        "request_info": is_open and case.status in OPEN_STATUSES,
    }
    response = render(
        request,
        "cases/department/detail.html",
        {
            "referral": referral,
            "case": case,
            "case_tone": TONES.get(case.status, "secondary"),
            "deadline": deadline,
            "overdue": overdue,
            "is_open": is_open,
            "address": mask_address(case.address),
            "resident": _resident(case) if referral.shares_personal_data else None,
            "can_reveal": can_reveal(actor, case, referrals),
            "revealed": revealed,
            "events": list(events),
            "files": list(files),
            "forms": action_forms,
            "can": can,
            "any_action": any(can.values()),
            "error": error,
            "open_form": next(iter(bound or {}), ""),
        },
        status=status,
    )
    if revealed is not None:
        response["Cache-Control"] = "no-store"
    return response


@require_safe
@staff_required
def detail(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    """One referral: the case as the department may see it, its timeline and the actions."""
    return _detail(request, actor, referral_get(actor=actor, referral_id=referral_id))


def _act(
    request: HttpRequest,
    actor: Actor,
    referral: Referral,
    *,
    name: str,
    form: forms.Form,
    run: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Validate, call the service, and answer: back to the page on success, 422 with the errors
    next to the fields, or 409 when the referral moved on (returned, replied, edited by someone)."""
    if not form.is_valid():
        return _detail(request, actor, referral, bound={name: form}, status=422)
    try:
        run(form.cleaned_data)
    except InvalidInput as exc:
        apply_domain_errors(form, exc)
        return _detail(request, actor, referral, bound={name: form}, status=422)
    except STALE_ERRORS as exc:
        fresh = referral_get(actor=actor, referral_id=referral.pk)
        return _detail(request, actor, fresh, error=exc.message, status=409)
    messages.success(request, done)
    return redirect("cases_department:detail", referral.pk)


@require_POST
@staff_required
def accept(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    """签收: the department takes the referral on."""
    referral = referral_get(actor=actor, referral_id=referral_id)
    return _act(
        request,
        actor,
        referral,
        name="accept",
        form=AcceptForm(request.POST),
        run=lambda d: services.referral_accept(actor=actor, referral=referral, version=d["version"]),
        done=_("已签收，请在期限内办理并答复。"),
    )


@require_POST
@staff_required
def return_(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    """退回: a misrouted referral goes back to the office, with the reason."""
    referral = referral_get(actor=actor, referral_id=referral_id)
    return _act(
        request,
        actor,
        referral,
        name="return",
        form=ReturnForm(request.POST),
        run=lambda d: services.referral_return(
            actor=actor, referral=referral, reason=d["reason"], version=d["version"]
        ),
        done=_("已退回交办机构。"),
    )


@require_POST
@staff_required
def extend(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    """申请延期: more working days, which the office approves or refuses."""
    referral = referral_get(actor=actor, referral_id=referral_id)
    return _act(
        request,
        actor,
        referral,
        name="extend",
        form=ExtensionForm(request.POST),
        run=lambda d: services.referral_request_extension(
            actor=actor, referral=referral, workdays=d["workdays"], reason=d["reason"], version=d["version"]
        ),
        done=_("延期申请已提交，等待交办机构审批。"),
    )


@require_POST
@staff_required
def reply(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    """答复: the result (and papers) goes to the deputy, who answers the resident."""
    referral = referral_get(actor=actor, referral_id=referral_id)
    files = request.FILES.getlist("attachments")

    def run(data: dict[str, Any]) -> Any:
        uploads = attachments.validate_uploads(files) if files else []
        return services.referral_reply(
            actor=actor, referral=referral, reply=data["reply"], version=data["version"], uploads=uploads
        )

    return _act(
        request,
        actor,
        referral,
        name="reply",
        form=ReplyForm(request.POST, request.FILES),
        run=run,
        done=_("办理结果已答复，代表审核后将答复群众。"),
    )


@require_POST
@staff_required
def request_info(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    """请群众补充: a question the resident answers on the tracking page."""
    referral = referral_get(actor=actor, referral_id=referral_id)
    return _act(
        request,
        actor,
        referral,
        name="request_info",
        form=RequestInfoForm(request.POST),
        run=lambda d: services.case_request_info(
            actor=actor, case=referral.case, question=d["question"], version=d["case_version"]
        ),
        done=_("已请群众补充，群众补充后会显示在办理记录中。"),
    )


@require_POST
@staff_required
def reveal(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    """查看完整联系方式: with a reason, audited; only where the resident consented (S19)."""
    referral = referral_get(actor=actor, referral_id=referral_id)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _detail(request, actor, referral, bound={"reveal": form}, status=422)
    try:
        shown = services.case_reveal(
            actor=actor, case=referral.case, reason=form.cleaned_data["reason"], ip_address=client_ip(request)
        )
    except InvalidInput as exc:
        apply_domain_errors(form, exc)
        return _detail(request, actor, referral, bound={"reveal": form}, status=422)
    except IllegalState as exc:
        return _detail(request, actor, referral, error=exc.message, status=409)
    return _detail(request, actor, referral, revealed=shown)
