"""The working-day calendar page under /manage/receptions/workdays/ (thin over services_workdays)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor
from liaison.core.errors import DomainError
from liaison.core.forms import apply_domain_errors, bootstrap_widgets
from liaison.core.jurisdiction import get_visible

from . import services_workdays as services
from .models import AnnouncedYear, WorkdayOverride


class OverrideForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=gettext_lazy("这一天"),
        choices=[("1", gettext_lazy("调休上班")), ("0", gettext_lazy("放假"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=100, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        bootstrap_widgets(self)


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=2000, max_value=2100)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        bootstrap_widgets(self)


@require_http_methods(["GET", "POST"])
@staff_required
def workdays(request: HttpRequest, actor: Actor) -> HttpResponse:
    """调休安排: the overrides and announced years; changing them is for the calendar's keepers."""
    can_edit = services.can_edit_calendar(actor)
    override_form, year_form, status = OverrideForm(), YearForm(), 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "set":
                override_form = OverrideForm(request.POST)
                if override_form.is_valid():
                    data = override_form.cleaned_data
                    services.workday_override_set(
                        actor=actor, day=data["day"], is_workday=data["is_workday"], note=data["note"]
                    )
                    messages.success(request, _("已保存调休安排。"))
                    return redirect("receptions_manage:workdays")
            elif action == "remove":
                override = get_visible(WorkdayOverride.objects.all(), request.POST.get("override"))
                services.workday_override_remove(actor=actor, override=override)
                messages.success(request, _("已删除调休安排。"))
                return redirect("receptions_manage:workdays")
            elif action == "announce":
                year_form = YearForm(request.POST)
                if year_form.is_valid():
                    services.announced_year_set(actor=actor, year=year_form.cleaned_data["year"])
                    messages.success(request, _("已标记该年放假安排已公布。"))
                    return redirect("receptions_manage:workdays")
        except DomainError as exc:
            apply_domain_errors(year_form if action == "announce" else override_form, exc)
        status = 422
    return render(
        request,
        "receptions/manage/workdays.html",
        {
            "overrides": list(WorkdayOverride.objects.order_by("-date")[:200]),
            "years": list(AnnouncedYear.objects.order_by("-year")),
            "can_edit": can_edit,
            "override_form": override_form,
            "year_form": year_form,
        },
        status=status,
    )
