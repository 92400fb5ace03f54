"""Reminders to deputies on duty, N days before their session (N = the session's
`remind_days_before`): in-app always, an SMS to the deputy's work mobile when there is one, and
a WeChat message when his account is bound to WeChat.

Each reminder's dedupe key names the duty, the channel and the session's date, so the periodic
task can run any number of times and sends each reminder once; a session moved to another date
reminds again.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from liaison.core.clock import today
from liaison.core.models import NotificationChannel
from liaison.core.notify import notify

from .choices import DutyStatus, SessionStatus
from .models import Duty, ReceptionSession

_MOBILE = re.compile(r"1[3-9]\d{9}")


def remind_due(*, on: dt.date | None = None) -> dict[str, int]:
    """Write the reminders due on `on` (default today) into the outbox; returns how many were new."""
    day = on or today()
    upcoming = ReceptionSession.objects.filter(status=SessionStatus.PLANNED, date__gte=day)
    horizon = upcoming.aggregate(days=Max("remind_days_before"))["days"]
    counts = {"in_app": 0, "sms": 0, "wechat": 0}
    if horizon is None:
        return counts
    duties = (
        Duty.objects.filter(
            status=DutyStatus.ROSTERED,
            session__status=SessionStatus.PLANNED,
            session__date__gte=day,
            session__date__lte=day + dt.timedelta(days=horizon),
        )
        .select_related("session__station", "deputy__user")
        .order_by("session__starts_at", "pk")
    )
    link = reverse("receptions_deputy:duties")
    for duty in duties.iterator(chunk_size=500):
        session = duty.session
        if (session.date - day).days > session.remind_days_before:
            continue
        start = timezone.localtime(session.starts_at)
        end = timezone.localtime(session.ends_at)
        values = {
            "date": f"{session.date:%Y-%m-%d}",
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
            "station": session.station.name,
            "place": session.place or session.station.address,
        }
        subject = _("接待日提醒：%(date)s %(start)s") % values
        body = _("您在 %(date)s %(start)s-%(end)s 于%(station)s（%(place)s）值班接待选民，请按时进站。") % values
        if session.theme:
            body += _("主题：%(theme)s。") % {"theme": session.theme}
        key = f"reminder:{duty.pk}:%s:{session.date:%Y-%m-%d}"
        user = duty.deputy.user
        if user is not None and notify(
            recipient=user,
            channel=NotificationChannel.IN_APP,
            subject=subject,
            body=body,
            link=link,
            dedupe_key=key % NotificationChannel.IN_APP,
        ):
            counts["in_app"] += 1
        phone = duty.deputy.work_phone
        if (
            phone
            and _MOBILE.fullmatch(phone)
            and notify(
                recipient=user,
                channel=NotificationChannel.SMS,
                address=phone,
                subject=subject,
                body=body,
                dedupe_key=key % NotificationChannel.SMS,
            )
        ):
            counts["sms"] += 1
        if (
            user is not None
            and user.wechat_openid
            and notify(
                recipient=user,
                channel=NotificationChannel.WECHAT,
                address=user.wechat_openid,
                subject=subject,
                body=body,
                link=link,
                dedupe_key=key % NotificationChannel.WECHAT,
            )
        ):
            counts["wechat"] += 1
    return counts


@task()
def send_reminders() -> dict[str, int]:
    """The periodic task: write today's due reminders (idempotent)."""
    return remind_due()
