"""Staff: pending leave and swap requests of the stations in reach (/manage/receptions/requests/)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor
from liaison.core.errors import DomainError, Forbidden, NotFound

from . import selectors_deputy as selectors
from . import services_leave as services
from .forms_leave import DecisionForm

PAGE_SIZE = 20


@require_safe
@staff_required
def request_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Pending leave requests (with the head-count after approval) and swaps, 20 a page each."""
    if not selectors.is_request_staff(actor):
        raise PermissionDenied
    leave_page = Paginator(selectors.pending_leave(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    swap_page = Paginator(selectors.pending_swaps(actor=actor), PAGE_SIZE).get_page(request.GET.get("swap_page"))
    swaps = selectors.mark_accepted(list(swap_page.object_list))
    for leave in leave_page.object_list:
        leave.after = leave.busy - 1  # type: ignore[attr-defined]
        leave.short = leave.after < leave.duty.session.min_deputies  # type: ignore[attr-defined]
    return render(
        request,
        "receptions/deputy/requests.html",
        {
            "leave_page": leave_page,
            "swap_page": swap_page,
            "swaps": swaps,
            "can_decide": not actor.is_read_only,
        },
    )


def _decide(request: HttpRequest, actor: Actor, run: Callable[..., None], kind: str) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("receptions_requests:list")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        run(approve=approve, note=form.cleaned_data["note"])
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        texts = [t for ts in exc.fields.values() for t in ts] or [exc.message]
        messages.error(request, " ".join(texts))
    else:
        verdict = _("已批准") if approve else _("已不批准")
        messages.success(request, _("%(verdict)s该%(kind)s申请。") % {"verdict": verdict, "kind": kind})
    return redirect("receptions_requests:list")


@require_POST
@staff_required
def leave_decide(request: HttpRequest, actor: Actor, request_id: int) -> HttpResponse:
    leave = selectors.leave_for_decision(actor=actor, request_id=request_id)

    def run(*, approve: bool, note: str) -> None:
        services.leave_decide(actor=actor, request=leave, approve=approve, note=note)

    return _decide(request, actor, run, _("请假"))


@require_POST
@staff_required
def swap_decide(request: HttpRequest, actor: Actor, request_id: int) -> HttpResponse:
    swap = selectors.swap_for_decision(actor=actor, request_id=request_id)

    def run(*, approve: bool, note: str) -> None:
        services.swap_decide(actor=actor, request=swap, approve=approve, note=note)

    return _decide(request, actor, run, _("换班"))
