"""Forms of the department workspace (交办件) and of the deputy's case pages: input parsing at
the edge; the services check every rule again and name the field that is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import bootstrap_widgets

from .services.referrals import MAX_EXTENSION_WORKDAYS

# The queue's filters: the value in the query string and what the handler reads.
QUEUE_STATUSES = {
    "": _("待办（待签收和办理中）"),
    "pending": _("待签收"),
    "accepted": _("办理中"),
    "all": _("全部（含已办结）"),
}


def _text_field(label: Any, *, limit: int, required_message: Any, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": _("不能超过 %(limit_value)d 个字（现有 %(show_value)d 个）。"),
        },
    )


class _ActionForm(forms.Form):
    """Every action carries the version of the row the page showed (SECURITY.md S22)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("页面已过期，请刷新后重试。"),
            "invalid": _("页面已过期，请刷新后重试。"),
            "min_value": _("页面已过期，请刷新后重试。"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)


class AcceptForm(_ActionForm):
    """签收: nothing to fill in but the version."""


class ReturnForm(_ActionForm):
    reason = _text_field(
        _("退回理由"), limit=500, required_message=_("请写明退回的理由，例如不属于本部门职责。"), rows=3
    )


class ExtensionForm(_ActionForm):
    workdays = forms.IntegerField(
        label=_("需要延长的工作日"),
        error_messages={"required": _("请填写需要延长几个工作日。"), "invalid": _("请填写一个整数，例如 5。")},
    )
    reason = _text_field(_("延期理由"), limit=500, required_message=_("请写明需要延期的理由。"), rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workdays"].widget.attrs.update({"min": 1, "max": MAX_EXTENSION_WORKDAYS, "inputmode": "numeric"})

    def clean_workdays(self) -> int:
        days: int = self.cleaned_data["workdays"]
        if not 1 <= days <= MAX_EXTENSION_WORKDAYS:
            raise forms.ValidationError(gettext("延期应为 1 到 %(n)d 个工作日。") % {"n": MAX_EXTENSION_WORKDAYS})
        return days


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReplyForm(_ActionForm):
    reply = _text_field(_("办理结果"), limit=5000, required_message=_("请写明办理结果。"), rows=6)
    # Read from request.FILES and checked by attachments.validate_uploads (type, size, re-encoding).
    attachments = forms.FileField(
        label=_("附件（照片或 PDF，可多选）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )

    def clean_attachments(self) -> None:
        return None


class RequestInfoForm(forms.Form):
    """Ask the resident for more information (the case's own version: it is the case that changes)."""

    case_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": _("页面已过期，请刷新后重试。"), "invalid": _("页面已过期，请刷新后重试。")},
    )
    question = _text_field(_("请群众补充什么"), limit=1000, required_message=_("请写明需要群众补充的内容。"), rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)


class RevealForm(forms.Form):
    """查看完整联系方式: only with a reason, and audited (SECURITY.md S19)."""

    reason = forms.CharField(
        label=_("查看理由"),
        max_length=500,
        error_messages={
            "required": _("请写明为什么需要查看完整联系方式，例如电话联系核实情况。"),
            "max_length": _("不能超过 %(limit_value)d 个字（现有 %(show_value)d 个）。"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)
