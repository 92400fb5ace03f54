"""Forms of the back office's case detail page: one small form per workflow action (parsing
only; the rules live in the services, whose field errors come back next to these fields)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import bootstrap_widgets, validate_line

REQUIRED = _("请填写此项。")
TOO_LONG = _("最多 %(limit_value)d 个字。")


def _text(label: Any, limit: int, *, required: bool = True, rows: int = 3, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": limit}),
        error_messages={"required": REQUIRED, "max_length": TOO_LONG},
    )


def _line(label: Any, limit: int, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        validators=[validate_line],
        error_messages={"required": REQUIRED, "max_length": TOO_LONG},
    )


class ActionForm(forms.Form):
    """Every action form: Bootstrap widgets, ids prefixed with the action (several on one page)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)

    action = "action"


class VersionedForm(ActionForm):
    """An action on a row read at some version: a stale page gets a conflict, never overwrites."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={k: _("页面已过期，请刷新后重试。") for k in ("required", "invalid", "min_value")},
    )


class AcceptForm(VersionedForm):
    action = "accept"
    note = _text(_("受理意见（选填）"), 500, required=False, rows=2)


class DeclineForm(VersionedForm):
    action = "decline"
    reason = _text(_("不予受理的理由"), 500, help_text=_("群众会看到这段理由，请写得清楚易懂。"))


class AssignForm(VersionedForm):
    action = "assign"
    deputy = forms.ChoiceField(
        label=_("承办代表"),
        error_messages={"required": _("请选择代表。"), "invalid_choice": _("只能分派给本辖区的在任代表。")},
    )
    note = _text(_("分派说明（选填）"), 500, required=False, rows=2)

    def __init__(self, *args: Any, deputies: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputy"].choices = [("", _("请选择")), *deputies]  # type: ignore[attr-defined]


class AnswerOnSpotForm(VersionedForm):
    action = "answer_on_spot"
    answer = _text(_("答复内容"), 5000, rows=4, help_text=_("群众会看到这段答复。"))


class ReferForm(VersionedForm):
    action = "refer"
    department = forms.ChoiceField(
        label=_("承办部门"),
        error_messages={"required": _("请选择承办部门。"), "invalid_choice": _("只能交办给本地区或上级地区的部门。")},
    )
    due_workdays = forms.IntegerField(
        label=_("办理时限（工作日）"),
        min_value=1,
        max_value=60,
        help_text=_("节假日不计入。"),
        error_messages={
            "required": _("请填写办理时限。"),
            "invalid": _("请填写整数。"),
            "min_value": _("办理时限应为 1 到 60 个工作日。"),
            "max_value": _("办理时限应为 1 到 60 个工作日。"),
        },
    )
    instructions = _text(_("交办意见（选填）"), 2000, required=False)
    share_personal_data = forms.BooleanField(
        label=_("向承办部门提供群众的姓名和电话（群众已同意）"), required=False, initial=True
    )

    def __init__(
        self, *args: Any, departments: Sequence[tuple[int, str]] = (), consent: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("请选择")), *departments]  # type: ignore[attr-defined]
        if not consent:
            # Without the resident's consent the referral carries no personal data: no choice to offer.
            del self.fields["share_personal_data"]


class AnswerForm(VersionedForm):
    action = "answer"
    answer = _text(_("答复群众"), 5000, rows=5, help_text=_("已按部门答复预先填写，请审核修改后答复群众。"))


class RequestInfoForm(VersionedForm):
    action = "request_info"
    question = _text(_("请群众补充什么"), 1000, help_text=_("群众会收到短信，凭查询码补充。"))


class NoteForm(ActionForm):
    action = "note"
    text = _text(_("内部备注"), 2000, help_text=_("只有工作人员能看到，群众看不到。"))


class TransferForm(VersionedForm):
    action = "transfer"
    region = forms.ChoiceField(
        label=_("转到地区"),
        error_messages={"required": _("请选择要转去的地区。"), "invalid_choice": _("请从列表中选择地区。")},
    )
    station = forms.ChoiceField(
        label=_("转到站点（选填）"), required=False, error_messages={"invalid_choice": _("请从列表中选择站点。")}
    )
    reason = _text(_("转办理由"), 500, rows=2)

    def __init__(
        self,
        *args: Any,
        regions: Sequence[tuple[int, str]] = (),
        stations: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("请选择")), *regions]  # type: ignore[attr-defined]
        self.fields["station"].choices = [("", _("不指定")), *stations]  # type: ignore[attr-defined]


class MergeForm(VersionedForm):
    action = "merge"
    into = _line(_("合并到（查询码或编号）"), 20)


class MeetingForm(ActionForm):
    action = "meeting"
    held_on = forms.DateField(
        label=_("会商日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写会商日期。"), "invalid": _("请填写正确的日期。")},
    )
    place = _line(_("地点（选填）"), 100, required=False)
    residents = _line(_("参加的群众"), 300)
    deputies = forms.MultipleChoiceField(
        label=_("参加的代表"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请从列表中选择代表。")},
    )
    departments = forms.MultipleChoiceField(
        label=_("参加的部门"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请从列表中选择部门。")},
    )
    outcome = _text(_("会商结果"), 5000, rows=4)

    def __init__(
        self,
        *args: Any,
        deputies: Sequence[tuple[int, str]] = (),
        departments: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].choices = list(deputies)  # type: ignore[attr-defined]
        self.fields["departments"].choices = list(departments)  # type: ignore[attr-defined]
        for name in ("deputies", "departments"):
            self.fields[name].widget.attrs.pop("class", None)


class EscalateForm(VersionedForm):
    action = "escalate"
    reason = _text(_("督办理由"), 500, rows=2)


class PublishForm(VersionedForm):
    action = "publish"
    summary = _text(_("公开摘要"), 2000, rows=4, help_text=_("不要写群众的姓名、电话、门牌号；地点写到社区即可。"))


class UnpublishForm(VersionedForm):
    action = "unpublish"
    reason = _text(_("撤下理由"), 500, rows=2)


class RevealForm(ActionForm):
    action = "reveal"
    reason = _line(_("查看理由"), 200)


class ReferralCancelForm(VersionedForm):
    action = "referral_cancel"
    reason = _text(_("撤销交办的理由"), 500, rows=2)


class ExtensionDecideForm(VersionedForm):
    action = "extension_decide"
    decision = forms.ChoiceField(
        label=_("审批意见"),
        choices=[("approve", _("同意延期")), ("refuse", _("不同意"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意或不同意。"), "invalid_choice": _("请选择同意或不同意。")},
    )
    note = _text(_("说明（不同意时必填）"), 500, required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs.pop("class", None)
