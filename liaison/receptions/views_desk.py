"""The desk of a reception (签到台), the walk-in form, the reception register, and the deputy's
check-in page: thin views over services_checkin, services_walkin and registers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, cast

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor, jurisdiction_for
from liaison.core.clock import now, today
from liaison.core.errors import DomainError, IllegalState, InvalidInput
from liaison.core.forms import apply_domain_errors
from liaison.core.personal_data import mask_name, mask_phone

from . import registers, services_checkin, services_walkin
from .checkin import checkin_token, confirm_ticket
from .choices import DutyStatus, SessionStatus
from .forms_walkin import ManualCheckInForm, RegisterFilterForm, WalkInForm
from .models import ReceptionSession

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QR_REFRESH_SECONDS = 30


# ---- the desk ---------------------------------------------------------------------------------


def _desk_session(actor: Actor, session_id: int) -> ReceptionSession:
    session = services_checkin.desk_session_get(actor=actor, session_id=session_id)
    if not services_checkin.session_can_run_desk(actor, session):
        raise PermissionDenied(_("只有本站工作人员和人大工作机构可以使用签到台。"))
    return session


def _qr_context(request: HttpRequest, session: ReceptionSession) -> dict[str, Any]:
    opens, closes = services_checkin.checkin_window(session)
    moment = now()
    is_open = session.status == SessionStatus.PLANNED and moment <= closes
    context: dict[str, Any] = {
        "session": session,
        "qr_open": is_open,
        "opens_at": opens,
        "refresh_seconds": QR_REFRESH_SECONDS,
        "checked_in": session.duties.filter(status=DutyStatus.CHECKED_IN).count(),
        "rostered": session.duties.exclude(status=DutyStatus.ON_LEAVE).count(),
    }
    if is_open:
        url = request.build_absolute_uri(
            reverse("receptions_checkin:checkin", kwargs={"token": checkin_token(session.pk, at=moment)})
        )
        qr = segno.make(url, error="m")
        # segno writes only elements and attributes (no <script>, no style attribute): CSP-safe.
        svg = qr.svg_inline(
            scale=6, border=2, omitsize=True, title=_("值班代表扫码签到"), svgclass="desk-qr-code", lineclass=None
        )
        context |= {"checkin_url": url, "qr_svg": mark_safe(svg)}  # noqa: S308 -- segno's own markup
    return context


@require_http_methods(["GET", "POST"])
@staff_required
def desk(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    """The station's desk on the session day: the rotating QR code, the roster, manual check-in."""
    session = _desk_session(actor, session_id)
    roster = services_checkin.desk_roster(session)
    choices = [(d.pk, d.deputy.name) for d in roster if d.status != DutyStatus.CHECKED_IN]
    form = ManualCheckInForm(duties=choices)
    status = 200
    if request.method == "POST":
        form = ManualCheckInForm(request.POST, duties=choices)
        status = 422
        if form.is_valid():
            try:
                duty = services_checkin.duty_check_in_manually(
                    actor=actor, session=session, duty_id=form.cleaned_data["duty"], reason=form.cleaned_data["reason"]
                )
            except (InvalidInput, IllegalState) as exc:
                apply_domain_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("已为%(name)s代为签到。") % {"name": duty.deputy.name})
                return redirect("receptions_desk:desk", session_id=session.pk)
    walk_ins = list(session.walk_ins.select_related("case").order_by("-created_at", "-id")[:50])
    return render(
        request,
        "receptions/desk/desk.html",
        {
            **_qr_context(request, session),
            "roster": roster,
            "form": form,
            "walk_ins": [(w, mask_name(w.name), mask_phone(w.phone)) for w in walk_ins],
        },
        status=status,
    )


@require_safe
@staff_required
def desk_qr(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    """The QR code alone, polled by htmx every 30 seconds (it changes every minute)."""
    session = _desk_session(actor, session_id)
    response = render(request, "receptions/desk/_qr.html", _qr_context(request, session))
    response["Cache-Control"] = "no-store"
    return response


# ---- walk-ins ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def walk_in_create(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    """Log a visitor on a phone: the matter, what was done on the spot, who received him."""
    session = services_checkin.desk_session_get(actor=actor, session_id=session_id)
    if not services_walkin.walk_in_can_record(actor, session):
        raise PermissionDenied(_("只有本站工作人员或这次值班的代表可以登记来访群众。"))
    roster = [d for d in services_checkin.desk_roster(session) if d.status != DutyStatus.ON_LEAVE]
    choices = [(d.deputy_id, d.deputy.name) for d in roster]
    initial = {"deputies": [d.deputy_id for d in roster if d.deputy_id in actor.deputy_ids]}
    form = WalkInForm(initial=initial, deputies=choices)
    status = 200
    if request.method == "POST":
        form = WalkInForm(request.POST, deputies=choices)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                walk_in = services_walkin.walk_in_record(
                    actor=actor,
                    session=session,
                    matter=data["matter"],
                    action_taken=data["action_taken"],
                    name=data["name"],
                    phone=data["phone"],
                    deputy_ids=data["deputies"],
                    case_id=data["case"],
                )
            except (InvalidInput, IllegalState) as exc:
                apply_domain_errors(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("已登记，诉求编号 %(case)s。可以继续登记下一位。") % {"case": walk_in.case_id}
                )
                return redirect("receptions_desk:walk_in_create", session_id=session.pk)
    recorded = session.walk_ins.count()
    return render(
        request,
        "receptions/desk/walk_in_form.html",
        {
            "session": session,
            "form": form,
            "recorded": recorded,
            "can_run_desk": services_checkin.session_can_run_desk(actor, session),
        },
        status=status,
    )


# ---- the reception register -------------------------------------------------------------------


def _register_form(actor: Actor, data: Any) -> RegisterFilterForm:
    stations = list(registers.register_stations(actor).values_list("id", "name"))
    deputies = list(registers.register_deputies(actor).values_list("id", "name"))
    return RegisterFilterForm(data, stations=stations, deputies=deputies)


def _register_scope(actor: Actor, form: RegisterFilterForm) -> registers.RegisterScope | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return registers.register_scope(
            actor=actor, station_id=data["station"], deputy_id=data["deputy"], start=data["from"], end=data["to"]
        )
    except InvalidInput as exc:
        apply_domain_errors(form, exc)
        return None


@require_safe
@staff_required
def register(request: HttpRequest, actor: Actor) -> HttpResponse:
    """接待选民登记簿 of a station or a deputy over a period, printable on A4."""
    bound = any(k in request.GET for k in ("station", "deputy", "from", "to"))
    if bound:
        form = _register_form(actor, request.GET)
    else:
        form = _register_form(actor, None)
        first = today().replace(day=1)
        form.initial = {"from": first, "to": today()}
        if actor.deputy_ids and not (actor.office_paths or actor.staff_station_ids or actor.is_system_admin):
            form.initial["deputy"] = min(actor.deputy_ids)
    scope = _register_scope(actor, form) if bound else None
    rows = registers.register_rows(actor=actor, scope=scope) if scope else []
    return render(
        request,
        "receptions/desk/register.html",
        {"form": form, "scope": scope, "rows": rows, "query": request.GET.urlencode() if scope else ""},
        status=422 if bound and scope is None else 200,
    )


@require_POST
@staff_required
def register_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Start the register's workbook (audited) and show its progress."""
    if actor.is_read_only:
        # A sponsor reads the register on screen; starting a job is a write (SECURITY.md S2).
        raise PermissionDenied
    form = _register_form(actor, request.POST)
    scope = _register_scope(actor, form)
    if scope is None:
        return render(request, "receptions/desk/register.html", {"form": form, "scope": None, "rows": []}, status=422)
    job = registers.register_export_start(actor=actor, scope=scope)
    return redirect("receptions_desk:register_job", job_id=job.pk)


@require_safe
@staff_required
def register_job(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    """The export's progress (polled) and, once done, its download link."""
    job = registers.register_job_get(actor=actor, job_id=job_id)
    return render(request, "receptions/desk/register_job.html", {"job": job})


@require_safe
@staff_required
def register_job_progress(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    """The progress bar alone, for htmx polling; a finished job reloads the whole page."""
    job = registers.register_job_get(actor=actor, job_id=job_id)
    response = render(request, "receptions/desk/_job_progress.html", {"job": job})
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_safe
@staff_required
def register_job_download(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    """The finished workbook (audited), never a public URL."""
    job = registers.register_job_get(actor=actor, job_id=job_id)
    try:
        path = registers.register_export_file(actor=actor, job=job)
    except IllegalState as exc:
        messages.error(request, exc.message)
        return redirect("receptions_desk:register_job", job_id=job.pk)
    stamp = timezone.localtime(job.finished_at or now()).strftime("%Y%m%d-%H%M")
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=f"reception-register-{stamp}.xlsx", content_type=XLSX
    )
    return cast(HttpResponse, response)


# ---- the deputy's check-in --------------------------------------------------------------------

MyView = Callable[..., HttpResponse]


def _signed_in(view: MyView) -> MyView:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, jurisdiction_for(request.user), *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@_signed_in
def checkin(request: HttpRequest, actor: Actor, token: str) -> HttpResponse:
    """A deputy scanned the desk's code: confirm with one tap, then he is checked in.

    Opening the link changes nothing (link previews and prefetchers must not check anybody in);
    the confirming POST carries a ticket bound to this user, good for five minutes, so a slow
    tap after the code rotated still counts.
    """
    ticket = request.POST.get("ticket", "") if request.method == "POST" else ""
    user_id = getattr(actor.user, "pk", None)
    try:
        if request.method == "POST":
            duty = services_checkin.duty_check_in_by_code(actor=actor, token=token, ticket=ticket, user_id=user_id)
            return render(request, "receptions/desk/checkin_done.html", {"duty": duty, "session": duty.session})
        preview = services_checkin.duty_check_in_preview(actor=actor, token=token)
    except DomainError as exc:
        return render(request, "receptions/desk/checkin_error.html", {"error": exc.message}, status=exc.status)
    if preview.status == DutyStatus.CHECKED_IN:
        return render(request, "receptions/desk/checkin_done.html", {"duty": preview, "session": preview.session})
    return render(
        request,
        "receptions/desk/checkin.html",
        {
            "duty": preview,
            "session": preview.session,
            "ticket": confirm_ticket(preview.session_id, user_id),
            "checkin_url": request.path,
        },
    )
