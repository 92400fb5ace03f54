"""Form helpers without domain nouns, shared by every back-office form."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

from .errors import DomainError
from .text import clean_line


def bootstrap_widgets(form: forms.Form) -> None:
    """Bootstrap's classes on every widget (templates render fields with manage/_field.html)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs["class"] = "form-control"


def validate_line(value: str) -> None:
    """The API's one-line text rule for forms: no control, separator or bidi characters."""
    try:
        clean_line(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="control_characters") from None


def apply_domain_errors(form: forms.BaseForm, error: DomainError, keys: Mapping[str, str | None] | None = None) -> None:
    """Put a service's field errors next to the form's fields (`keys` renames a service's field
    to the form's, or to None); errors of fields the form lacks, and a bare message, go above it."""
    for key, texts in error.fields.items():
        name = (keys or {}).get(key, key)
        for text in texts:
            form.add_error(name if name is not None and name in form.fields else None, text)
    if not error.fields:
        form.add_error(None, error.message)
