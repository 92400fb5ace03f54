"""The deputy's own pages under /my/ (phone-first): his duties, leave, swaps and inbox."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liaison.accounts.jurisdiction import Actor, jurisdiction_for
from liaison.core.clock import now
from liaison.core.errors import DomainError, Forbidden, NotFound

from . import selectors_deputy as selectors
from . import services_leave as services
from .forms_leave import LeaveForm, SwapForm

PAGE_SIZE = 20


def deputy_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Call `view(request, actor)` for signed-in users with a deputy record; anonymous visitors
    go to the login page, other users get 403; a duty out of reach is a 404."""

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


def _put_errors(form: Any, error: DomainError) -> None:
    """A service's field errors next to the fields, the rest above the form."""
    placed = False
    for key, texts in error.fields.items():
        for text in texts:
            form.add_error(key if key in form.fields else None, text)
            placed = True
    if not placed:
        form.add_error(None, error.message)


@require_safe
@deputy_required
def duties(request: HttpRequest, actor: Actor) -> HttpResponse:
    """我的接待日: upcoming duties with the roster and requests, swap offers, then past duties."""
    upcoming = list(selectors.my_duties(actor=actor, upcoming=True)[:50])
    past = Paginator(selectors.my_duties(actor=actor, upcoming=False), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "receptions/deputy/duties.html",
        {
            "upcoming": upcoming,
            "page": past,
            "offers": list(selectors.swap_offers(actor=actor)),
            "unread": selectors.unread_count(actor=actor),
            "now": now(),
        },
    )


def _duty_from_query(request: HttpRequest, actor: Actor) -> Any:
    return selectors.my_duty(actor=actor, duty_id=request.GET.get("duty") or request.POST.get("duty"))


@require_http_methods(["GET", "POST"])
@deputy_required
def leave(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Ask for leave from one of the deputy's own future duties (?duty=<id>)."""
    duty = _duty_from_query(request, actor)
    form = LeaveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.leave_request(actor=actor, duty=duty, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                if isinstance(exc, NotFound):
                    raise
                _put_errors(form, exc)
            else:
                messages.success(request, _("请假申请已提交，请等待工作人员审批。"))
                return redirect("receptions_deputy:duties")
    return render(request, "receptions/deputy/leave_form.html", {"duty": duty, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@deputy_required
def swap(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Propose to trade one of the deputy's future duties for another deputy's (?duty=<id>)."""
    duty = _duty_from_query(request, actor)
    candidates = selectors.swap_candidates(actor=actor, duty=duty)
    form = SwapForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            other = form.candidates[form.cleaned_data["other_duty"]]
            try:
                services.swap_request(actor=actor, duty=duty, other_duty=other, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                if isinstance(exc, NotFound):
                    raise
                _put_errors(form, exc)
            else:
                messages.success(request, _("换班申请已发给对方代表，对方同意后由工作人员审批。"))
                return redirect("receptions_deputy:duties")
    return render(
        request,
        "receptions/deputy/swap_form.html",
        {"duty": duty, "form": form, "candidates": candidates},
        status=status,
    )


@require_POST
@deputy_required
def swap_respond(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The other deputy accepts or declines a swap offered to him."""
    offer = selectors.swap_offer(actor=actor, swap_id=request.POST.get("swap"))
    accept = request.POST.get("answer") == "accept"
    try:
        services.swap_accept(actor=actor, request=offer, accept=accept)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已同意换班，等待工作人员审批。") if accept else _("已拒绝换班。"))
    return redirect("receptions_deputy:duties")


@require_safe
@deputy_required
def inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    """我的消息: the user's in-app notifications, newest first, 20 a page."""
    page = Paginator(selectors.inbox(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "receptions/deputy/inbox.html",
        {"page": page, "unread": selectors.unread_count(actor=actor)},
    )


@require_POST
@deputy_required
def inbox_read(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Mark one message (`id`) or all (`all`) as read; only the user's own messages."""
    mine = selectors.inbox(actor=actor).filter(read_at__isnull=True)
    if request.POST.get("all"):
        mine.update(read_at=now())
    else:
        try:
            pk = int(request.POST.get("id", ""))
        except ValueError:
            raise Http404 from None
        mine.filter(pk=pk).update(read_at=now())
    return redirect("receptions_deputy:inbox")
