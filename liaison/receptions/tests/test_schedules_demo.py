"""The demo's reception days: 千峰 on 双周三 with at least three deputies, 庄子乡 on the first Friday."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.core.clock import now, today
from liaison.demo import data as d
from liaison.demo.builder import load_demo, load_receptions_demo
from liaison.receptions.choices import DutyStatus, SessionStatus
from liaison.receptions.models import Duty, ReceptionSession, WalkIn


@pytest.mark.django_db
def test_the_demo_runs_a_year_of_reception_days() -> None:
    load_demo(password="demo12345")
    qianfeng = ReceptionSession.objects.filter(station__region__code=d.QIANFENG, status=SessionStatus.PLANNED)
    assert qianfeng.filter(date__gte=today() + dt.timedelta(days=330)).exists()
    for session in qianfeng.prefetch_related("duties"):
        assert session.date.weekday() == 2 or session.occurrence != session.date
        assert len(session.duties.all()) >= 3
    zhuangzi = ReceptionSession.objects.filter(station__region__code__startswith=d.ZHUANGZI)
    assert zhuangzi.values("station").distinct().count() == 3
    assert all(s.date.day <= 7 or s.occurrence != s.date for s in zhuangzi)
    past = qianfeng.filter(ends_at__lt=now())
    assert Duty.objects.filter(session__in=past, status=DutyStatus.CHECKED_IN, checked_in_at__isnull=False).exists()
    walk_ins = WalkIn.objects.filter(session__in=past)
    assert walk_ins.count() == 2 and all(w.case_id for w in walk_ins)

    counts = (ReceptionSession.objects.count(), Duty.objects.count(), WalkIn.objects.count())
    load_receptions_demo()
    assert (ReceptionSession.objects.count(), Duty.objects.count(), WalkIn.objects.count()) == counts
