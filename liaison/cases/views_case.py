"""The back office's case detail page (/manage/cases/<id>/) and one POST route per workflow
action on it. Each action is a small form: a stale page gets the services' conflict (409), a
wrong field an inline error (422), success a redirect back with a message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.dateformat import format as date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor
from liaison.accounts.services import client_ip
from liaison.core.clock import today
from liaison.core.errors import Conflict, IllegalState, InvalidInput, VersionConflict
from liaison.core.forms import apply_domain_errors
from liaison.core.personal_data import mask_address, mask_name, mask_phone
from liaison.deputies.models import Deputy
from liaison.organization.models import PATH_SEGMENT, Department, Region
from liaison.stations.models import Station

from . import codes, permissions, selectors, services
from .choices import (
    OPEN_REFERRAL_STATUSES,
    OPEN_STATUSES,
    ROUTABLE_STATUSES,
    STATUS_TONE,
    CaseStatus,
    ExtensionStatus,
    ReferralStatus,
)
from .deadlines import deadline_label
from .forms_case import (
    AcceptForm,
    ActionForm,
    AnswerForm,
    AnswerOnSpotForm,
    AssignForm,
    DeclineForm,
    EscalateForm,
    ExtensionDecideForm,
    MeetingForm,
    MergeForm,
    NoteForm,
    PublishForm,
    ReferForm,
    ReferralCancelForm,
    RequestInfoForm,
    RevealForm,
    TransferForm,
    UnpublishForm,
)
from .models import Case, CaseAttachment, Referral, TripartiteMeeting
from .services._base import check_version

TEMPLATE = "cases/manage/case_detail.html"
MAX_CHOICES = 300


@dataclass
class Action:
    """One action offered on the page: its form, where it posts, how its button reads."""

    name: str
    title: str | Promise
    button: str | Promise
    form: ActionForm
    url: str
    tone: str = "primary"
    open: bool = False
    multipart: bool = False
    referral: Referral | None = None

    @property
    def anchor(self) -> str:
        return f"action-{self.name}" + (f"-{self.referral.pk}" if self.referral else "")


# name: (title, button, tone)
LABELS: dict[str, tuple[Promise, Promise, str]] = {
    "accept": (gettext_lazy("受理"), gettext_lazy("受理"), "primary"),
    "decline": (gettext_lazy("不予受理"), gettext_lazy("不予受理"), "outline-danger"),
    "assign": (gettext_lazy("分派代表"), gettext_lazy("分派"), "primary"),
    "answer_on_spot": (gettext_lazy("直接答复群众"), gettext_lazy("答复群众"), "primary"),
    "refer": (gettext_lazy("交办部门"), gettext_lazy("交办"), "primary"),
    "answer": (gettext_lazy("审核部门答复并答复群众"), gettext_lazy("答复群众"), "primary"),
    "request_info": (gettext_lazy("请群众补充材料"), gettext_lazy("发送"), "outline-primary"),
    "note": (gettext_lazy("写内部备注"), gettext_lazy("保存备注"), "outline-primary"),
    "transfer": (gettext_lazy("转给其他地区办理"), gettext_lazy("转办"), "outline-primary"),
    "merge": (gettext_lazy("合并重复诉求"), gettext_lazy("合并"), "outline-primary"),
    "meeting": (gettext_lazy("记录三方会商"), gettext_lazy("保存会商记录"), "outline-primary"),
    "escalate": (gettext_lazy("督办"), gettext_lazy("督办"), "outline-warning"),
    "publish": (gettext_lazy("公开办理结果"), gettext_lazy("公开"), "outline-success"),
    "unpublish": (gettext_lazy("撤下公开摘要"), gettext_lazy("撤下"), "outline-danger"),
    "referral_cancel": (gettext_lazy("撤销交办"), gettext_lazy("撤销交办"), "outline-danger"),
    "extension_decide": (gettext_lazy("审批延期申请"), gettext_lazy("提交审批"), "primary"),
}


class Page:
    """What the detail page needs about one case for one actor, fetched once, in bounded queries."""

    def __init__(self, actor: Actor, case: Case) -> None:
        self.actor = actor
        self.case = case
        prefetch_related_objects(
            [case],
            Prefetch("referrals", queryset=Referral.objects.select_related("department").order_by("created_at", "id")),
        )
        self.all_referrals: list[Referral] = list(case.referrals.all())
        read_only = actor.is_read_only
        self.can_triage = not read_only and permissions.can_triage(actor, case)
        self.can_answer = not read_only and permissions.can_answer(actor, case)
        # Nothing to reveal (an anonymous request): no reveal form either.
        has_contact = bool(case.resident_name or case.resident_phone or case.address)
        self.can_reveal = has_contact and not read_only and permissions.can_reveal(actor, case, self.all_referrals)
        self.open_referral = next((r for r in self.all_referrals if r.status in OPEN_REFERRAL_STATUSES), None)
        self._deputies: list[tuple[int, str]] | None = None
        self._departments: list[tuple[int, str]] | None = None
        self._suggestion: selectors.RoutingSuggestion | None = None

    # ---- what this actor may see --------------------------------------------------------

    @property
    def referrals(self) -> list[Referral]:
        """A department sees only its own referrals of the case (never another department's)."""
        if self.can_answer:
            return self.all_referrals
        return [r for r in self.all_referrals if r.department_id in self.actor.department_ids]

    @property
    def shares_with_actor(self) -> bool:
        """Whether the resident's (masked) contact shows at all: always for those handling the
        case, for a department only through a referral carrying the resident's consent."""
        return self.can_answer or any(r.shares_personal_data for r in self.referrals)

    @property
    def suggestion(self) -> selectors.RoutingSuggestion:
        if self._suggestion is None:
            case = self.case
            self._suggestion = selectors.routing_suggestion(
                category=case.category, region=case.region, station=case.station
            )
        return self._suggestion

    # ---- choices of the action forms ---------------------------------------------------

    def deputies(self) -> list[tuple[int, str]]:
        """Deputies in the actor's reach; the suggested ones (at the case's station) first."""
        if self._deputies is None:
            rows = list(
                Deputy.objects.visible_to(self.actor)
                .filter(is_active=True)
                .order_by("name", "id")
                .values_list("pk", "name")[:MAX_CHOICES]
            )
            suggested = [d.pk for d in self.suggestion.deputies] if self.case.status in _ROUTING else []
            rank = {pk: i for i, pk in enumerate(suggested)}
            rows.sort(key=lambda r: rank.get(r[0], len(rank)))
            self._deputies = [(pk, _("%(name)s（推荐）") % {"name": name} if pk in rank else name) for pk, name in rows]
        return self._deputies

    def departments(self) -> list[tuple[int, str]]:
        """Active departments of the case's region or of a region above it."""
        if self._departments is None:
            path = self.case.region_path
            ids = [int(path[i : i + PATH_SEGMENT]) for i in range(0, len(path), PATH_SEGMENT)]
            rows = list(
                Department.objects.filter(is_active=True, region_id__in=ids)
                .order_by("-region__path", "name")
                .values_list("pk", "name")[:MAX_CHOICES]
            )
            suggested = self.suggestion.department if self.case.status in _ROUTING else None
            if suggested is not None:
                rows.sort(key=lambda r: r[0] != suggested.pk)
            self._departments = [
                (pk, _("%(name)s（推荐）") % {"name": name} if suggested and pk == suggested.pk else name)
                for pk, name in rows
            ]
        return self._departments

    def transfer_choices(self) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """The county (or the nearest region above the case) and its townships, and their stations."""
        path = self.case.region_path
        ids = [int(path[i : i + PATH_SEGMENT]) for i in range(0, len(path), PATH_SEGMENT)]
        above = list(Region.objects.filter(pk__in=ids).order_by("path").values_list("path", "tier"))
        base = next((p for p, tier in reversed(above) if tier == "county"), above[0][0] if above else path)
        regions = list(
            Region.objects.filter(path__startswith=base, tier__in=("county", "township", "community"))
            .order_by("path")
            .values_list("pk", "name")[:MAX_CHOICES]
        )
        stations = list(
            Station.objects.filter(region__path__startswith=base, is_published=True)
            .order_by("name", "id")
            .values_list("pk", "name")[:MAX_CHOICES]
        )
        return regions, stations

    def replied_text(self) -> str:
        replied = [r for r in self.all_referrals if r.status == ReferralStatus.REPLIED]
        return replied[-1].reply if replied else ""


_ROUTING = (CaseStatus.SUBMITTED, *ROUTABLE_STATUSES)


def make_form(name: str, page: Page, data: Any = None, referral: Referral | None = None) -> ActionForm:
    """The action's form, unbound (with the page's initial values) or bound to a POST."""
    case = page.case
    version = referral.version if referral is not None else case.version
    initial: dict[str, Any] = {"version": version}
    if name == "assign":
        return AssignForm(data, initial=initial, deputies=page.deputies())
    if name == "refer":
        days = case.category.due_workdays if case.category else services.workflow.DEFAULT_DUE_WORKDAYS
        return ReferForm(
            data,
            initial={**initial, "due_workdays": days, "share_personal_data": True},
            departments=page.departments(),
            consent=case.consent,
        )
    if name == "answer":
        return AnswerForm(data, initial={**initial, "answer": page.replied_text()})
    if name == "transfer":
        regions, stations = page.transfer_choices()
        return TransferForm(data, initial=initial, regions=regions, stations=stations)
    if name == "meeting":
        return MeetingForm(data, initial={"held_on": today()}, deputies=page.deputies(), departments=page.departments())
    classes: dict[str, type[ActionForm]] = {
        "accept": AcceptForm,
        "decline": DeclineForm,
        "answer_on_spot": AnswerOnSpotForm,
        "request_info": RequestInfoForm,
        "note": NoteForm,
        "merge": MergeForm,
        "escalate": EscalateForm,
        "publish": PublishForm,
        "unpublish": UnpublishForm,
        "reveal": RevealForm,
        "referral_cancel": ReferralCancelForm,
        "extension_decide": ExtensionDecideForm,
    }
    return classes[name](data, initial=initial)


def available(page: Page) -> list[tuple[str, Referral | None]]:
    """The actions the case's state and the actor allow, in the order a clerk works through them
    (the routes refuse the others anyway: the services guard every transition)."""
    case, status = page.case, page.case.status
    names: list[tuple[str, Referral | None]] = []
    is_open = status in OPEN_STATUSES
    triage, answer = page.can_triage, page.can_answer
    no_referral = page.open_referral is None
    if triage and status == CaseStatus.SUBMITTED:
        names += [("accept", None), ("decline", None)]
    if triage and status in (*_ROUTING, CaseStatus.REFERRED, CaseStatus.DEPARTMENT_REPLIED):
        names.append(("assign", None))
    if answer and status == CaseStatus.DEPARTMENT_REPLIED:
        names.append(("answer", None))
    if triage and status in _ROUTING and no_referral:
        names.append(("refer", None))
    if answer and status in _ROUTING:
        names.append(("answer_on_spot", None))
    if triage:
        for referral in page.all_referrals:
            if referral.status in OPEN_REFERRAL_STATUSES and referral.extension_status == ExtensionStatus.REQUESTED:
                names.append(("extension_decide", referral))
            if referral.status in OPEN_REFERRAL_STATUSES:
                names.append(("referral_cancel", referral))
    if answer and is_open:
        names += [("request_info", None), ("meeting", None)]
    if triage and is_open and not case.is_escalated:
        names.append(("escalate", None))
    if triage and status in _ROUTING and no_referral:
        names += [("merge", None), ("transfer", None)]
    if triage and status in (CaseStatus.ANSWERED, CaseStatus.CLOSED) and not case.is_published:
        names.append(("publish", None))
    if triage and case.is_published:
        names.append(("unpublish", None))
    if answer:
        names.append(("note", None))
    return names


def _url(name: str, case: Case, referral: Referral | None) -> str:
    args = [case.pk, referral.pk] if referral is not None else [case.pk]
    return reverse(f"cases_case:{name}", args=args)


def _context(
    request: HttpRequest,
    page: Page,
    *,
    bound: ActionForm | None = None,
    bound_referral: Referral | None = None,
    error: str = "",
    revealed: dict[str, str] | None = None,
    reveal_form: RevealForm | None = None,
) -> dict[str, Any]:
    case, actor = page.case, page.actor
    now_day = today()
    actions = []
    offered = available(page)
    if bound is not None and (bound.action, bound_referral) not in offered:
        # The posted form comes back with its errors even where the page would not offer it.
        offered = [*offered, (bound.action, bound_referral)]
    for name, referral in offered:
        title, button, tone = LABELS[name]
        is_bound = bound is not None and bound.action == name and bound_referral == referral
        form = bound if is_bound and bound is not None else make_form(name, page, referral=referral)
        actions.append(
            Action(
                name=name,
                title=title,
                button=button,
                form=form,
                url=_url(name, case, referral),
                tone=tone,
                open=is_bound,
                multipart=name in ("answer_on_spot", "answer"),
                referral=referral,
            )
        )
    referral_ids = {r.pk for r in page.referrals}
    events = selectors.case_timeline(case=case, public_only=False)
    if not page.can_answer:
        events = [e for e in events if e.referral_id is None or e.referral_id in referral_ids]
    attachments = [
        a
        for a in CaseAttachment.objects.filter(case=case).order_by("created_at", "id")
        if permissions.can_see_attachment(actor, case, referral_id=a.referral_id, is_public=a.is_public)
    ]
    by_event: dict[int, list[CaseAttachment]] = {}
    for a in attachments:
        if a.event_id is not None:
            by_event.setdefault(a.event_id, []).append(a)
    for e in events:
        e.files = by_event.get(e.pk, [])  # type: ignore[attr-defined]
    for r in page.referrals:
        r.deadline = deadline_label(r.due_date, now_day) if r.status in OPEN_REFERRAL_STATUSES else ""  # type: ignore[attr-defined]
    meetings = list(
        TripartiteMeeting.objects.filter(case=case)
        .prefetch_related("deputies", "departments")
        .order_by("held_on", "id")
    )
    routing = page.can_triage and case.status in _ROUTING
    similar: list[Case] = []
    if routing:
        candidates = selectors.similar_open_cases(
            category=case.category, region=case.region, title=case.title, exclude_id=case.pk
        )
        visible = set(
            Case.objects.visible_to(actor, "triage")
            .filter(pk__in=[c.pk for c in candidates])
            .values_list("pk", flat=True)
        )
        similar = [c for c in candidates if c.pk in visible]
    can_merge = any(name == "merge" for name, _r in offered)
    return {
        "case": case,
        "page": page,
        "tone": STATUS_TONE.get(CaseStatus(case.status), "secondary"),
        "deadline": deadline_label(case.due_date, now_day) if case.status in OPEN_STATUSES else "",
        "masked": {
            "name": mask_name(case.resident_name),
            "phone": mask_phone(case.resident_phone),
            "address": mask_address(case.address),
        },
        "referrals": page.referrals,
        "meetings": meetings,
        "attachments": attachments,
        "followers": case.followers.count(),
        "events": events,
        "actions": actions,
        "suggestion": page.suggestion if routing else None,
        "similar": similar,
        "can_merge": can_merge,
        "error": error,
        "failed": next((a.anchor for a in actions if a.open), ""),
        "revealed": revealed,
        "reveal_form": reveal_form or (RevealForm() if page.can_reveal else None),
    }


@require_safe
@staff_required
def case_detail(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """One case: its facts, referrals, meetings, papers and full timeline, and the actions the
    state and the actor allow. A department's handler sees it read-only."""
    case = selectors.case_get(actor=actor, case_id=case_id)
    return render(request, TEMPLATE, _context(request, Page(actor, case)))


Run = Callable[[Actor, Case, dict[str, Any], HttpRequest, Referral | None], Any]


def _perform(
    request: HttpRequest,
    actor: Actor,
    case_id: int,
    name: str,
    run: Run,
    *,
    scope: str,
    referral_id: int | None = None,
) -> HttpResponse:
    """Parse the action's form, call its service, and answer: redirect on success, the page with
    inline errors (422) or with the conflict explained (409) otherwise."""
    if actor.is_read_only:
        raise PermissionDenied
    case = selectors.case_get(actor=actor, case_id=case_id, action=scope)
    referral = None
    if referral_id is not None:
        referral = selectors.referral_get(actor=actor, referral_id=referral_id, action="decide")
        if referral.case_id != case.pk:
            raise Http404
    page = Page(actor, case)
    form = make_form(name, page, data=request.POST, referral=referral)
    if form.is_valid():
        try:
            message = run(actor, case, form.cleaned_data, request, referral)
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        except (VersionConflict, IllegalState, Conflict) as exc:
            fresh = Page(actor, selectors.case_get(actor=actor, case_id=case.pk))
            return render(request, TEMPLATE, _context(request, fresh, error=exc.message), status=409)
        else:
            messages.success(request, message)
            return redirect("cases_case:detail", case_id=case.pk)
    context = _context(request, page, bound=form, bound_referral=referral, error=_("没有办成，请按提示修改。"))
    return render(request, TEMPLATE, context, status=422)


def _uploads(request: HttpRequest) -> list[Any]:
    files = request.FILES.getlist("attachments")
    if not files:
        return []
    from .attachments import validate_uploads

    return validate_uploads(files)


# ---- the actions -------------------------------------------------------------------------


def _accept(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    services.case_accept(actor=actor, case=case, version=data["version"], note=data["note"])
    return _("已受理，群众会收到通知。")


def _decline(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    services.case_decline(actor=actor, case=case, reason=data["reason"], version=data["version"])
    return _("已不予受理，群众会收到理由。")


def _assign(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    case = services.case_assign(
        actor=actor, case=case, deputy_id=data["deputy"], version=data["version"], note=data["note"]
    )
    return _("已分派给%(name)s代表。") % {"name": case.deputy.name if case.deputy else ""}


def _answer_on_spot(
    actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None
) -> str:
    uploads = _uploads(request)
    services.case_answer_on_spot(
        actor=actor, case=case, answer=data["answer"], version=data["version"], uploads=uploads
    )
    return _("已答复群众，等待群众评价。")


def _refer(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    made = services.case_refer(
        actor=actor,
        case=case,
        department_id=data["department"],
        due_workdays=data["due_workdays"],
        instructions=data["instructions"],
        share_personal_data=bool(data.get("share_personal_data")),
        version=data["version"],
    )
    return _("已交办%(department)s，办理期限 %(due)s。") % {
        "department": made.department.name,
        "due": date_format(made.due_date, "Y年n月j日"),
    }


def _answer(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    uploads = _uploads(request)
    services.case_answer(actor=actor, case=case, answer=data["answer"], version=data["version"], uploads=uploads)
    return _("已答复群众，等待群众评价。")


def _request_info(
    actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None
) -> str:
    services.case_request_info(actor=actor, case=case, question=data["question"], version=data["version"])
    return _("已请群众补充材料。")


def _note(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    services.case_note(actor=actor, case=case, text=data["text"])
    return _("已保存内部备注。")


def _transfer(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    services.case_transfer(
        actor=actor,
        case=case,
        region_id=data["region"],
        station_id=data["station"] or None,
        reason=data["reason"],
        version=data["version"],
    )
    return _("已转办。")


def merge_target(actor: Actor, raw: str) -> Any:
    """A tracking code (as residents read it out) or a case number, as the id `case_merge` takes."""
    code = codes.normalize_tracking_code(raw)
    if code:
        found = Case.objects.visible_to(actor, "triage").filter(tracking_code=code).values_list("pk", flat=True).first()
        return found if found is not None else 0
    return raw.strip()


def _merge(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    services.case_merge(actor=actor, case=case, into_case_id=merge_target(actor, data["into"]), version=data["version"])
    return _("已合并，群众会随合并后的诉求收到答复。")


def _meeting(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    services.meeting_record(
        actor=actor,
        case=case,
        held_on=data["held_on"],
        residents=data["residents"],
        outcome=data["outcome"],
        place=data["place"],
        deputy_ids=data["deputies"],
        department_ids=data["departments"],
    )
    return _("已记录三方会商。")


def _escalate(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    check_version(case, data["version"])
    services.case_escalate(actor=actor, case=case, reason=data["reason"])
    return _("已督办。")


def _publish(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    check_version(case, data["version"])
    services.case_publish(actor=actor, case=case, summary=data["summary"])
    return _("已公开办理结果摘要。")


def _unpublish(actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None) -> str:
    check_version(case, data["version"])
    services.case_unpublish(actor=actor, case=case, reason=data["reason"])
    return _("已撤下公开摘要。")


def _referral_cancel(
    actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None
) -> str:
    assert referral is not None
    services.referral_cancel(actor=actor, referral=referral, reason=data["reason"], version=data["version"])
    return _("已撤销交办。")


def _extension_decide(
    actor: Actor, case: Case, data: dict[str, Any], request: HttpRequest, referral: Referral | None
) -> str:
    assert referral is not None
    approve = data["decision"] == "approve"
    done = services.referral_decide_extension(
        actor=actor, referral=referral, approve=approve, note=data["note"], version=data["version"]
    )
    if approve:
        return _("已同意延期，新的办理期限 %(due)s。") % {"due": date_format(done.due_date, "Y年n月j日")}
    return _("已不同意延期。")


def _route(name: str, run: Run, scope: str) -> Callable[..., HttpResponse]:
    @require_POST
    @staff_required
    def view(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
        return _perform(request, actor, case_id, name, run, scope=scope)

    view.__name__ = view.__qualname__ = f"case_{name}"
    view.__doc__ = f"POST: the {name} action on a case."
    return view


def _referral_route(name: str, run: Run) -> Callable[..., HttpResponse]:
    @require_POST
    @staff_required
    def view(request: HttpRequest, actor: Actor, case_id: int, referral_id: int) -> HttpResponse:
        return _perform(request, actor, case_id, name, run, scope="triage", referral_id=referral_id)

    view.__name__ = view.__qualname__ = f"case_{name}"
    view.__doc__ = f"POST: the {name} action on a referral of a case."
    return view


# The case scope each action looks the case up in: out of reach is 404; visible but not this
# actor's to act on is 403 (a deputy may answer but never refer).
case_accept = _route("accept", _accept, "triage")
case_decline = _route("decline", _decline, "triage")
case_assign = _route("assign", _assign, "triage")
case_answer_on_spot = _route("answer_on_spot", _answer_on_spot, "answer")
case_refer = _route("refer", _refer, "triage")
case_answer = _route("answer", _answer, "answer")
case_request_info = _route("request_info", _request_info, "view")
case_note = _route("note", _note, "view")
case_transfer = _route("transfer", _transfer, "triage")
case_merge = _route("merge", _merge, "triage")
case_meeting = _route("meeting", _meeting, "answer")
case_escalate = _route("escalate", _escalate, "triage")
case_publish = _route("publish", _publish, "triage")
case_unpublish = _route("unpublish", _unpublish, "triage")
referral_cancel = _referral_route("referral_cancel", _referral_cancel)
extension_decide = _referral_route("extension_decide", _extension_decide)


@require_POST
@staff_required
def case_reveal(request: HttpRequest, actor: Actor, case_id: int) -> HttpResponse:
    """The resident's full name, phone and address, once, in this response only (never in a URL
    or a log), with a reason; audited by the service (SECURITY.md S19)."""
    if actor.is_read_only:
        raise PermissionDenied
    case = selectors.case_get(actor=actor, case_id=case_id)
    page = Page(actor, case)
    form = RevealForm(request.POST)
    status, revealed = 422, None
    error = _("请填写查看理由。")
    if form.is_valid():
        try:
            revealed = services.case_reveal(
                actor=actor, case=case, reason=form.cleaned_data["reason"], ip_address=client_ip(request)
            )
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        except IllegalState as exc:
            status, error = 409, exc.message
        else:
            revealed = {**revealed, "address": case.address}
            status, error = 200, ""
    context = _context(request, page, error=error, revealed=revealed, reveal_form=form)
    response = render(request, TEMPLATE, context, status=status)
    add_never_cache_headers(response)
    return response
