"""The upload form of the import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import bootstrap_widgets


class ImportForm(forms.Form):
    """One .xlsx workbook laid out as the export (sheets 行政区划, 站点, 代表, 进站安排)."""

    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("请使用导出文件的格式：工作表为 行政区划、站点、代表、进站安排，第一行为表头。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)
        self.fields["file"].widget.attrs["aria-describedby"] = "id_file_helptext"
