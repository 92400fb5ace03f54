"""Every audit action the code writes has a name the audit-log viewer can show."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from liaison.core.audit import action_label, target_type_label

WRITTEN = re.compile(r"""action=["']([a-z_]+\.[a-z_]+)["']""")


def actions_in_code() -> set[str]:
    root = Path(settings.BASE_DIR) / "liaison"
    found: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" not in path.parts:
            found |= set(WRITTEN.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_action_written_has_a_label() -> None:
    actions = actions_in_code()
    assert "deputy.updated" in actions
    assert sorted(a for a in actions if action_label(a) == a) == []


def test_labels_follow_the_active_language() -> None:
    with translation.override("zh-hans"):
        assert action_label("role.granted") == "授予角色"
        assert target_type_label("deputies.deputy") == "人大代表"
    with translation.override("en"):
        assert action_label("role.granted") != "授予角色"


def test_unknown_codes_are_shown_as_they_are() -> None:
    assert action_label("nobody.knows") == "nobody.knows"
    assert target_type_label("nothing.here") == "nothing.here"
    assert target_type_label("") == ""
