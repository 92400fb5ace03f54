"""Import a network workbook from the command line: check it, and with --commit write it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.models import User
from liaison.core.errors import DomainError
from liaison.exchange import services


class Command(BaseCommand):
    help = "检查（加 --commit 则导入）一个网络数据 Excel 文件；以 --user 的管辖范围为准。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="以该账号的权限导入（须为人大工作机构管理员）")
        parser.add_argument("--commit", action="store_true", help="检查通过后写入数据；否则只检查")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有账号 {options['user']}")
        try:
            plan = services.import_file(actor=jurisdiction_for(user), path=path, commit=options["commit"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for sheet, c in plan.report()["counts"].items():
            self.stdout.write(
                f"{sheet}: 新增 {c['create']} 更新 {c['update']} 不变 {c['unchanged']} 有错误 {c['rejected']}"
            )
        if not plan.ok:
            for issue in plan.issues:
                self.stderr.write(f"{issue.sheet or '-'} 第 {issue.row} 行 {issue.column or '-'}: {issue.reason}")
            raise CommandError(f"发现 {len(plan.issues)} 处问题，没有导入任何数据。")
        self.stdout.write("已导入。" if options["commit"] else "检查通过（未写入，加 --commit 导入）。")
