"""`manage.py load_demo [--password PW]`: the demo network of the seed reports, once.

A second run changes nothing (it only resets the demo passwords when --password is given) and
prints the demo accounts again.
"""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.demo.builder import demo_account_rows, load_demo
from liaison.demo.data import DEFAULT_PASSWORD
from liaison.deputies.models import Assignment, Contact, Deputy
from liaison.organization.models import Grid, Region
from liaison.stations.models import Station


class Command(BaseCommand):
    help = "加载演示数据(千峰、兴华、义宁、宽城、庄子、哈尔滨的家站点、代表与演示账号);重复执行不会重复创建。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=None,
            help=f"演示账号的密码(默认 {DEFAULT_PASSWORD});演示数据已存在时，给出此项则只重设密码",
        )

    def handle(self, *args: Any, password: str | None = None, **options: Any) -> None:
        if password is not None and not password.strip():
            raise CommandError("密码不能为空。")
        started = time.monotonic()
        result = load_demo(password=password)
        elapsed = time.monotonic() - started
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示数据已加载({elapsed:.1f} 秒):区划 {Region.objects.count()} 个，"
                    f"家站点 {Station.objects.count()} 个，代表 {Deputy.objects.count()} 名，"
                    f"进站安排 {Assignment.objects.count()} 条，联系对象 {Contact.objects.count()} 人，"
                    f"网格 {Grid.objects.count()} 个。"
                )
            )
            shown = password or DEFAULT_PASSWORD
        elif result.password_changed:
            self.stdout.write("演示数据已存在，未重复创建；已重设演示账号的密码。")
            shown = password or ""
        else:
            self.stdout.write("演示数据已存在，未做任何改动。")
            shown = "(未改动)"
        for username in result.reused_usernames:
            self.stderr.write(f"注意：账号 {username} 在加载前已存在，已改为演示角色和演示密码。")
        self.stdout.write(self._table(demo_account_rows(), shown))

    def _table(self, rows: list[tuple[str, str, str]], password: str) -> str:
        """The accounts as an aligned text table (CJK characters take two columns)."""
        header = ("用户名", "角色", "范围", "密码")
        lines = [header, *((username, role, scope, password) for username, role, scope in rows)]
        widths = [max(_width(line[i]) for line in lines) for i in range(len(header))]
        out = ["", "演示账号："]
        for n, line in enumerate(lines):
            out.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(line)).rstrip())
            if n == 0:
                out.append("  ".join("-" * w for w in widths))
        return "\n".join(out) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
