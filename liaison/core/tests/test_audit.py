"""Audit rows are append-only, by the ORM and, on PostgreSQL, by the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from liaison.core.audit import audit
from liaison.core.models import AuditEvent


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm() -> None:
    event = audit(actor=None, action="test.action", reason="why")
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_the_database_refuses_updates_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    event = audit(actor=None, action="test.action")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [event.pk])


@pytest.mark.django_db
def test_a_failed_action_leaves_no_audit_row() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit(actor=None, action="test.rolled_back")
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
