"""The one periodic command: enqueues the scheduled tasks; the worker runs them.

There is no cron: `make run` keeps it going with `--loop`; in production a systemd timer (or
the same `--loop`) runs it (docs/deploy.md). Each run is idempotent, so running it twice or
late is harmless.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django_tasks.base import Task

from liaison.cases.tasks import cases_retention, cases_sweep
from liaison.core.tasks import deliver_notifications, housekeeping
from liaison.receptions.checkin_tasks import receptions_mark_missed_duties
from liaison.receptions.reminders import send_reminders
from liaison.receptions.tasks import extend_sessions

SCHEDULE: list[Task[[], Any]] = [
    housekeeping,
    receptions_mark_missed_duties,
    send_reminders,
    deliver_notifications,
    extend_sessions,
    cases_sweep,
    cases_retention,
]


class Command(BaseCommand):
    help = "Enqueue the periodic tasks (once, or every --interval seconds with --loop)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running, once per interval")
        parser.add_argument("--interval", type=int, default=300, help="seconds between runs (default 300)")

    def handle(self, *args: Any, loop: bool, interval: int, **options: Any) -> None:
        while True:
            for task in SCHEDULE:
                result = task.enqueue()
                self.stdout.write(f"enqueued {task.name} ({result.id})")
            if not loop:
                return
            time.sleep(interval)
