"""Forms of the deputy's leave and swap requests and of the staff's decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Duty

REASON_MAX = 200


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("请假事由"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control form-control-lg"}),
        error_messages={"required": _("请填写请假事由。"), "max_length": _("事由不能超过 200 个字。")},
    )


class SwapForm(forms.Form):
    other_duty = forms.TypedChoiceField(
        label=_("想换的值班"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择要对换的值班。"), "invalid_choice": _("请从列表中选择要对换的值班。")},
    )
    reason = forms.CharField(
        label=_("换班事由"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-lg"}),
        error_messages={"max_length": _("事由不能超过 200 个字。")},
    )

    def __init__(self, *args: Any, candidates: list[Duty], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {d.pk: d for d in candidates}
        self.fields["other_duty"].choices = [(d.pk, _label(d)) for d in candidates]  # type: ignore[attr-defined]


def _label(duty: Duty) -> str:
    from django.utils import timezone

    start = timezone.localtime(duty.session.starts_at)
    return f"{start:%Y-%m-%d %H:%M} {duty.session.station.name} · {duty.deputy.name}"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批结果"),
        choices=[("approve", _("批准")), ("reject", _("不批准"))],
        error_messages={"required": _("请选择批准或不批准。"), "invalid_choice": _("请选择批准或不批准。")},
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"max_length": _("说明不能超过 200 个字。")},
    )
