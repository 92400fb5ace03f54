"""Back-office forms for stations: the list's search box, filters and sort."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import bootstrap_widgets
from liaison.organization.forms import region_code_filter_field

from .choices import StationKind

ORDERING_CHOICES = [
    ("name", _("按名称")),
    ("-name", _("按名称倒序")),
    ("region", _("按区划代码")),
    ("-id", _("最近录入")),
]


class StationFilterForm(forms.Form):
    """Invalid values are simply not applied; the field says why."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    region = region_code_filter_field()
    ordering = forms.ChoiceField(label=_("排序"), required=False, choices=ORDERING_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部")), *StationKind.choices]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("站点名称")
        bootstrap_widgets(self)

    def filters(self) -> dict[str, Any]:
        """The valid filters only, as keyword arguments of station_list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or None,
            "kind": data.get("kind") or None,
            "region_code": data.get("region") or None,
            "ordering": data.get("ordering") or "name",
        }
