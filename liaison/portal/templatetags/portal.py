"""Small presentation helpers of the public portal."""

from __future__ import annotations

import re

from django import template

register = template.Library()

_NOT_DIALABLE = re.compile(r"[^0-9+-]")


@register.filter
def tel_href(phone: str) -> str:
    """A tel: URI for a phone number as typed (spaces and brackets dropped; dashes are allowed separators)."""
    return "tel:" + _NOT_DIALABLE.sub("", phone or "")
