"""The deputy's own case pages under /my/cases/ (phone-first): the cases assigned to him, and
one case with its timeline, the department's reply and the deputy's actions: answer the
resident (on the spot, or after the department replied), ask for more information, note,
record a tripartite meeting, reveal the resident's contact (audited).

Only a user with a deputy record gets in (403 otherwise); a case not assigned to one of his
deputy records is a 404."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from liaison.accounts.jurisdiction import Actor, jurisdiction_for
from liaison.accounts.services import client_ip
from liaison.core.clock import today
from liaison.core.errors import Conflict, Forbidden, IllegalState, InvalidInput, NotFound, VersionConflict
from liaison.core.forms import apply_domain_errors
from liaison.core.jurisdiction import get_visible
from liaison.core.personal_data import mask_address, mask_name, mask_phone
from liaison.deputies.models import Deputy
from liaison.organization.models import Department
from liaison.receptions.holidays import WorkCalendar
from liaison.receptions.selectors_deputy import unread_count

from . import attachments, services
from .choices import OPEN_STATUSES, ROUTABLE_STATUSES, STATUS_TONE, CaseStatus, ReferralStatus
from .deadlines import deadline_label
from .forms_department import RequestInfoForm, RevealForm
from .forms_deputy import AnswerForm, MeetingForm, NoteForm
from .models import Case, CaseAttachment
from .permissions import can_reveal
from .selectors import case_timeline

PAGE_SIZE = 20
# UX.md status colours, keyed by the stored value.
TONES: dict[str, str] = {status.value: tone for status, tone in STATUS_TONE.items()}
# The two states in which the resident waits for this deputy's answer.
WAITING_STATUSES = (CaseStatus.DEPARTMENT_REPLIED, CaseStatus.REOPENED)
LIST_FILTERS = {
    "": gettext_lazy("全部"),
    "waiting": gettext_lazy("待我答复"),
    "open": gettext_lazy("办理中"),
    "closed": gettext_lazy("已办结"),
}
STALE_ERRORS = (IllegalState, VersionConflict, Conflict)


def deputy_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Call `view(request, actor, ...)` for signed-in users with a deputy record; anonymous
    visitors go to the login page, other users get 403; a case out of reach is a 404."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        actor: Actor = jurisdiction_for(request.user)
        if not actor.deputy_ids:
            raise PermissionDenied
        try:
            return view(request, actor, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None

    return wrapper


def my_cases(actor: Actor) -> QuerySet[Case]:
    """The cases assigned to one of the actor's deputy records (never the office's whole list)."""
    return Case.objects.visible_to(actor, "answer").filter(deputy_id__in=actor.deputy_ids)


def my_case(actor: Actor, case_id: Any) -> Case:
    return get_visible(my_cases(actor).select_related("category", "region", "station", "deputy"), case_id)


@dataclass(frozen=True)
class CaseRow:
    case: Case
    tone: str
    waiting: bool
    deadline: str
    overdue: bool


@require_safe
@deputy_required
def case_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """我的诉求: the cases assigned to me, those waiting for my answer first, then the open ones."""
    show = request.GET.get("show", "")
    if show not in LIST_FILTERS:
        show = ""
    cases = my_cases(actor)
    if show == "waiting":
        cases = cases.filter(status__in=WAITING_STATUSES)
    elif show == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif show == "closed":
        cases = cases.exclude(status__in=OPEN_STATUSES)
    rank = When_(
        When(status__in=WAITING_STATUSES, then=Value(0)),
        When(status__in=OPEN_STATUSES, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    cases = cases.select_related("category", "region").annotate(rank=rank).order_by("rank", "-updated_at", "-id")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    day, calendar = today(), WorkCalendar.load()
    rows = [
        CaseRow(
            case=c,
            tone=TONES.get(c.status, "secondary"),
            waiting=c.status in WAITING_STATUSES,
            deadline=deadline_label(c.due_date, day, calendar) if c.status == CaseStatus.REFERRED else "",
            overdue=c.status == CaseStatus.REFERRED and c.due_date is not None and c.due_date < day,
        )
        for c in page.object_list
    ]
    waiting = my_cases(actor).filter(status__in=WAITING_STATUSES).count()
    return render(
        request,
        "cases/deputy/list.html",
        {
            "page": page,
            "rows": rows,
            "show": show,
            "filters": list(LIST_FILTERS.items()),
            "waiting": waiting,
            "unread": unread_count(actor=actor),
        },
    )


def _meeting_form(actor: Actor, case: Case, data: Any = None) -> MeetingForm:
    deputies = Deputy.objects.visible_to(actor).filter(is_active=True).order_by("name")
    departments = Department.objects.filter(referrals__case=case).distinct().order_by("name")
    initial = {"held_on": today(), "deputies": [case.deputy_id] if case.deputy_id else []}
    return MeetingForm(data, deputies=deputies, departments=departments, initial=initial)


def _detail(
    request: HttpRequest,
    actor: Actor,
    case: Case,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: str = "",
    revealed: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    referrals = list(case.referrals.select_related("department").order_by("-created_at", "-id"))
    replied = next((r for r in referrals if r.status == ReferralStatus.REPLIED and r.reply), None)
    open_referral = next((r for r in referrals if r.status in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)), None)
    is_open = case.status in OPEN_STATUSES
    can = {
        "answer": case.status == CaseStatus.DEPARTMENT_REPLIED,
        "answer_on_spot": case.status in ROUTABLE_STATUSES,
        "request_info": is_open,
        "meeting": True,
        "note": True,
    }
    initial = {"version": case.version}
    action_forms: dict[str, forms.Form] = {
        "answer": AnswerForm(initial={**initial, "answer": replied.reply if replied else ""}),
        "answer_on_spot": AnswerForm(initial=initial, auto_id="id_spot_%s"),
        "request_info": RequestInfoForm(initial={"case_version": case.version}),
        "note": NoteForm(),
        "meeting": _meeting_form(actor, case),
        "reveal": RevealForm(),
    }
    action_forms.update(bound or {})
    deadline = ""
    overdue = False
    if open_referral is not None:
        day = today()
        deadline = deadline_label(open_referral.due_date, day, WorkCalendar.load())
        overdue = open_referral.due_date < day
    resident = None
    if case.anonymised_at is None and (case.resident_name or case.resident_phone):
        resident = {"name": mask_name(case.resident_name), "phone": mask_phone(case.resident_phone)}
    response = render(
        request,
        "cases/deputy/detail.html",
        {
            "case": case,
            "case_tone": TONES.get(case.status, "secondary"),
            "waiting": case.status in WAITING_STATUSES,
            "is_open": is_open,
            "address": mask_address(case.address),
            "resident": resident,
            "can_reveal": can_reveal(actor, case, referrals),
            "revealed": revealed,
            "referrals": referrals,
            "replied": replied,
            "open_referral": open_referral,
            "deadline": deadline,
            "overdue": overdue,
            "events": case_timeline(case=case, public_only=False),
            "files": list(CaseAttachment.objects.filter(case=case)),
            "meetings": list(case.meetings.prefetch_related("deputies", "departments")),
            "forms": action_forms,
            "can": can,
            "error": error,
            "open_form": next(iter(bound or {}), ""),
        },
        status=status,
    )
    if revealed is not None:
        response["Cache-Control"] = "no-store"
    return response


@require_safe
@deputy_required
def case_detail(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """One of my cases: what the resident asked, the department's reply and my answer."""
    return _detail(request, actor, my_case(actor, case_id))


def _act(
    request: HttpRequest,
    actor: Actor,
    case: Case,
    *,
    name: str,
    form: forms.Form,
    run: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Validate, call the service and answer: back to the case on success, 422 with the errors
    next to the fields, 409 when the case moved on since the page was drawn."""
    if not form.is_valid():
        return _detail(request, actor, case, bound={name: form}, status=422)
    try:
        run(form.cleaned_data)
    except InvalidInput as exc:
        apply_domain_errors(form, exc)
        return _detail(request, actor, case, bound={name: form}, status=422)
    except STALE_ERRORS as exc:
        return _detail(request, actor, my_case(actor, case.pk), error=exc.message, status=409)
    messages.success(request, done)
    return redirect("cases_deputy:detail", case.pk)


def _answer(request: HttpRequest, actor: Actor, case_id: int, *, on_spot: bool) -> HttpResponse:
    case = my_case(actor, case_id)
    files = request.FILES.getlist("attachments")
    service = services.case_answer_on_spot if on_spot else services.case_answer

    def run(data: dict[str, Any]) -> Any:
        uploads = attachments.validate_uploads(files) if files else []
        return service(actor=actor, case=case, answer=data["answer"], version=data["version"], uploads=uploads)

    return _act(
        request,
        actor,
        case,
        name="answer_on_spot" if on_spot else "answer",
        form=AnswerForm(request.POST, request.FILES, auto_id="id_spot_%s" if on_spot else "id_%s"),
        run=run,
        done=_("已答复群众，群众会收到通知并可以评价。"),
    )


@require_POST
@deputy_required
def answer_on_spot(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """现场答复: the deputy answers the resident directly, no referral needed."""
    return _answer(request, actor, case_id, on_spot=True)


@require_POST
@deputy_required
def answer(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """答复群众: after reviewing the department's reply (the second hop)."""
    return _answer(request, actor, case_id, on_spot=False)


@require_POST
@deputy_required
def request_info(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """请群众补充: a question the resident answers on the tracking page."""
    case = my_case(actor, case_id)
    return _act(
        request,
        actor,
        case,
        name="request_info",
        form=RequestInfoForm(request.POST),
        run=lambda d: services.case_request_info(
            actor=actor, case=case, question=d["question"], version=d["case_version"]
        ),
        done=_("已请群众补充，群众补充后会显示在办理记录中。"),
    )


@require_POST
@deputy_required
def note(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """内部备注: for the office, the station and the department, never the resident."""
    case = my_case(actor, case_id)
    return _act(
        request,
        actor,
        case,
        name="note",
        form=NoteForm(request.POST),
        run=lambda d: services.case_note(actor=actor, case=case, text=d["text"]),
        done=_("备注已保存（群众看不到）。"),
    )


@require_POST
@deputy_required
def meeting(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """三方会商: who met (residents, deputies, departments) and what they agreed."""
    case = my_case(actor, case_id)
    return _act(
        request,
        actor,
        case,
        name="meeting",
        form=_meeting_form(actor, case, request.POST),
        run=lambda d: services.meeting_record(
            actor=actor,
            case=case,
            held_on=d["held_on"],
            residents=d["residents"],
            outcome=d["outcome"],
            place=d["place"],
            deputy_ids=[x.pk for x in d["deputies"]],
            department_ids=[x.pk for x in d["departments"]],
        ),
        done=_("三方会商已记录。"),
    )


@require_POST
@deputy_required
def reveal(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """查看完整联系方式: with a reason, audited, only while the case is open (S19)."""
    case = my_case(actor, case_id)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _detail(request, actor, case, bound={"reveal": form}, status=422)
    try:
        shown = services.case_reveal(
            actor=actor, case=case, reason=form.cleaned_data["reason"], ip_address=client_ip(request)
        )
    except InvalidInput as exc:
        apply_domain_errors(form, exc)
        return _detail(request, actor, case, bound={"reveal": form}, status=422)
    except IllegalState as exc:
        return _detail(request, actor, case, error=exc.message, status=409)
    return _detail(request, actor, case, revealed=shown)
