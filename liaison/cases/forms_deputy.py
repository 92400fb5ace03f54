"""Forms of the deputy's case pages (/my/cases/): answer the resident, ask for more
information, note, record a tripartite meeting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.core.clock import today
from liaison.core.forms import bootstrap_widgets
from liaison.deputies.models import Deputy
from liaison.organization.models import Department

from .forms_department import MultipleFileInput, _ActionForm, _text_field


class AnswerForm(_ActionForm):
    """答复群众: on the spot, or after reviewing the department's reply."""

    answer = _text_field(_("答复内容"), limit=5000, required_message=_("请写下给群众的答复。"), rows=6)
    attachments = forms.FileField(
        label=_("附件（照片或 PDF，可多选）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )

    def clean_attachments(self) -> None:
        return None


class NoteForm(forms.Form):
    """An internal note: never shown to the resident."""

    text = _text_field(_("内部备注"), limit=2000, required_message=_("请写下备注内容。"), rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)


class MeetingForm(forms.Form):
    """三方会商: residents, deputies and departments met on the case; what they agreed."""

    held_on = forms.DateField(
        label=_("会商日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写会商日期。"), "invalid": _("日期格式应为 2026-05-20。")},
    )
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    residents = forms.CharField(
        label=_("参加的群众"),
        max_length=300,
        help_text=_("例如：3号楼居民代表 3 人"),
        error_messages={"required": _("请填写参加会商的群众。")},
    )
    deputies = forms.ModelMultipleChoiceField(
        label=_("参加的代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请从列表中选择代表。"), "invalid_pk_value": _("请从列表中选择代表。")},
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("参加的部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请从列表中选择部门。"), "invalid_pk_value": _("请从列表中选择部门。")},
    )
    outcome = _text_field(_("会商结果"), limit=5000, required_message=_("请填写会商结果。"), rows=5)

    def __init__(
        self,
        *args: Any,
        deputies: QuerySet[Deputy],
        departments: QuerySet[Department],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = deputies  # type: ignore[attr-defined]
        self.fields["departments"].queryset = departments  # type: ignore[attr-defined]
        bootstrap_widgets(self)
        for name in ("deputies", "departments"):
            self.fields[name].widget.attrs = {"class": "form-check-input"}
        self.fields["held_on"].widget.attrs["max"] = today().isoformat()

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > today():
            raise forms.ValidationError(gettext("会商日期不能晚于今天。"))
        return held_on
