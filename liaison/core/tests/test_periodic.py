"""The periodic command enqueues housekeeping; the task is idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command

from liaison.accounts.models import ApiToken
from liaison.core.clock import now
from liaison.core.jobs import job_create, job_file, new_file_name
from liaison.core.models import Job, JobStatus
from liaison.core.tasks import housekeeping
from liaison.testing.personas import World


@pytest.mark.django_db
def test_periodic_enqueues_housekeeping_once_per_run() -> None:
    out = StringIO()
    call_command("periodic", stdout=out)
    assert "enqueued housekeeping" in out.getvalue()


def test_housekeeping_removes_expired_sessions_and_old_tokens_only(world: World) -> None:
    live = world.token("officer")
    assert live
    old = ApiToken.objects.create(
        user=world.users["officer"], key_hash="x" * 64, expires_at=now() - dt.timedelta(days=2)
    )
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=now() - dt.timedelta(days=1))
    first = housekeeping.call()
    assert first["sessions"] == 1 and first["tokens"] == 1
    assert not ApiToken.objects.filter(pk=old.pk).exists()
    assert ApiToken.objects.count() == 1
    again = housekeeping.call()
    assert again["sessions"] == 0 and again["tokens"] == 0, "running twice is harmless"


def test_housekeeping_deletes_old_jobs_and_their_files_and_fails_stuck_ones(world: World) -> None:
    owner = world.users["officer"]
    old_file, kept_file = job_file(new_file_name(".xlsx")), job_file(new_file_name(".xlsx"))
    old_file.write_bytes(b"old")
    kept_file.write_bytes(b"kept")
    long_ago = now() - dt.timedelta(days=40)
    old = job_create(kind="test.export", owner=owner)
    Job.objects.filter(pk=old.pk).update(status=JobStatus.SUCCEEDED, finished_at=long_ago, result_name=old_file.name)
    shared = job_create(kind="test.check", owner=owner, input_name=kept_file.name)
    Job.objects.filter(pk=shared.pk).update(status=JobStatus.SUCCEEDED, finished_at=long_ago)
    recent = job_create(kind="test.commit", owner=owner, input_name=kept_file.name)
    Job.objects.filter(pk=recent.pk).update(status=JobStatus.SUCCEEDED, finished_at=now())
    stuck = job_create(kind="test.import", owner=owner)
    Job.objects.filter(pk=stuck.pk).update(status=JobStatus.RUNNING, started_at=now() - dt.timedelta(hours=7))

    result = housekeeping.call()

    assert result["jobs_deleted"] == 2 and result["stuck_failed"] == 1
    assert not old_file.exists()
    assert kept_file.exists(), "a recent job still reads the upload it shares with an old one"
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, stuck.pk}
    assert Job.objects.get(pk=stuck.pk).status == JobStatus.FAILED
    kept_file.unlink()
