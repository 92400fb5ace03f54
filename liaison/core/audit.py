"""Writing audit rows. Called inside the service's transaction, so a failed audit write rolls
the action back (SECURITY.md S19)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise

from .models import AuditEvent


def audit(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one audit row. `actor` is a user (or None for the system)."""
    user = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=getattr(user, "username", "") or "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        reason=reason,
        changes=changes or {},
        ip_address=ip_address,
    )


def diff(instance: models.Model, new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changes, as {field: [old, new]}, JSON-safe."""
    out: dict[str, list[Any]] = {}
    for name, new in new_values.items():
        old = getattr(instance, name)
        if old != new:
            out[name] = [_jsonable(old), _jsonable(new)]
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# What each action code means, in words for the audit-log viewer. Apps register their own codes
# in AppConfig.ready() (core knows no domain noun); an unregistered code is shown as it is.
_ACTION_LABELS: dict[str, str | Promise] = {}


def register_action_labels(labels: Mapping[str, str | Promise]) -> None:
    """Name the audit actions an app writes (lazy translations: shown in the reader's language)."""
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    label = _ACTION_LABELS.get(action)
    return str(label) if label is not None else action


@cache
def _model_name(target_type: str) -> str | Promise:
    try:
        return apps.get_model(target_type)._meta.verbose_name  # type: ignore[return-value]
    except (LookupError, ValueError):
        return target_type


def target_type_label(target_type: str) -> str:
    """`deputies.deputy` -> the model's name (代表), in the active language."""
    return str(_model_name(target_type)) if target_type else ""
