"""Export the network a user administers to a workbook (audited)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.models import User
from liaison.core.errors import DomainError
from liaison.exchange import services


class Command(BaseCommand):
    help = "把 --user 管辖范围内的行政区划、站点、代表和进站安排导出为 Excel 文件（记入审计日志）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="以该账号的权限导出（须为人大工作机构管理员）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有账号 {options['user']}")
        try:
            counts = services.export_to(actor=jurisdiction_for(user), path=options["file"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for sheet, n in counts.items():
            self.stdout.write(f"{sheet}: {n} 行")
