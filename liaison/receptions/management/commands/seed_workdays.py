"""Enter the published make-up working days (调休上班) and their years; safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from liaison.receptions.holidays import MAKE_UP_WORKDAYS, seed_workday_overrides


class Command(BaseCommand):
    help = "Seed the official make-up working days and announced years (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_workday_overrides()
        years = ", ".join(str(y) for y in MAKE_UP_WORKDAYS)
        self.stdout.write(f"workday overrides created: {created} (years {years})")
