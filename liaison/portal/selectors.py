"""Public reads of the portal's search: deputies by name or pinyin initials, published data only."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from liaison.deputies.models import Assignment, Deputy
from liaison.organization.selectors import clean_search_text

MAX_DEPUTIES = 20
# A name is short; longer Chinese text is an address, not a name.
MAX_NAME_CHARS = 10
MAX_WORDS = 5


def _name_condition(text: str) -> Q | None:
    if text.isascii() and text.isalpha():
        letters = text.lower()
        if not 2 <= len(letters) <= 40:
            return None
        # name_pinyin is "zhanghaisheng zhs": full pinyin first, initials after the space.
        return Q(name_pinyin__startswith=letters) | Q(name_pinyin__contains=" " + letters)
    if 1 <= len(text) <= MAX_NAME_CHARS:
        return Q(name__startswith=text)
    return None


def deputy_search_public(text: str) -> list[Deputy]:
    """Public deputies whose name starts with `text`, or whose pinyin or initials do ("zhs", "zhang").

    Each carries `current_assignments` (published stations only) for the result list.
    """
    words = clean_search_text(text).split()
    # The whole text, and each word of it: "千峰 张海生" is an address and a name.
    candidates = dict.fromkeys(["".join(words), *words[:MAX_WORDS]])
    conditions = [c for c in map(_name_condition, candidates) if c is not None]
    if not conditions:
        return []
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    stations = (
        Assignment.objects.current()
        .filter(station__is_published=True)
        .select_related("station")
        .order_by("start", "id")
    )
    qs = (
        Deputy.objects.public()
        .filter(condition)
        .order_by("name_pinyin", "id")
        .prefetch_related(Prefetch("assignments", queryset=stations, to_attr="current_assignments"))
    )
    return list(qs[:MAX_DEPUTIES])
