"""The workbook layout shared by import and export: one .xlsx, four sheets, fixed Chinese headers.

Every cell is text. Choices are written as their Chinese labels (县级, 人大代表联络站, 男, 是)
and read back from the label or the stored value. Stations have no code of their own, so a
station is known by its region's code and its name; a deputy by his term (the congress's region
code, level and term number) and certificate number; an assignment by the deputy, the station
and the start date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REGIONS = "行政区划"
STATIONS = "站点"
DEPUTIES = "代表"
ASSIGNMENTS = "进站安排"
SHEET_ORDER = (REGIONS, STATIONS, DEPUTIES, ASSIGNMENTS)

# Column headers. The three term columns appear on both the deputy and the assignment sheet.
TERM_REGION, TERM_LEVEL, TERM_NUMBER = "人大区划代码", "人大层级", "届次"
CERTIFICATE = "代表证号"

COLUMNS: dict[str, tuple[str, ...]] = {
    REGIONS: ("区划代码", "名称", "上级区划代码", "纬度", "经度"),
    STATIONS: (
        "所在区划代码",
        "名称",
        "类型",
        "所属站点区划代码",
        "所属站点名称",
        "地址",
        "纬度",
        "经度",
        "联系电话",
        "开放时间",
        "公示栏",
        "对外公开",
    ),
    DEPUTIES: (
        TERM_REGION,
        TERM_LEVEL,
        TERM_NUMBER,
        CERTIFICATE,
        "姓名",
        "性别",
        "选区区划代码",
        "选区名称",
        "代表小组",
        "代表团",
        "职业与单位",
        "工作电话",
        "公开联系电话",
        "在任",
    ),
    ASSIGNMENTS: (
        TERM_REGION,
        TERM_LEVEL,
        TERM_NUMBER,
        CERTIFICATE,
        "站点区划代码",
        "站点名称",
        "进站日期",
        "离站日期",
        "离站原因",
    ),
}

YES, NO = "是", "否"


@dataclass(frozen=True)
class Issue:
    """One problem found in the file: sheet, row number as Excel shows it, column header, reason."""

    sheet: str
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}


def cell_text(value: object) -> str:
    """A cell's value as text: numbers typed into Excel (a code, a phone) become their digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def text_of_bool(value: bool) -> str:
    return YES if value else NO


def parse_bool(text: str, *, default: bool) -> bool | None:
    """是/否 (or blank for the default); None when the text is neither."""
    if not text:
        return default
    lowered = text.strip().lower()
    if lowered in (YES, "true", "1", "y", "yes"):
        return True
    if lowered in (NO, "false", "0", "n", "no"):
        return False
    return None


def parse_date(text: str) -> dt.date | None:
    """2024-03-01 (or 2024/03/01); None when it is not a date."""
    try:
        return dt.date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        return None


def parse_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def text_of_decimal(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def text_of_date(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def choice_lookup(choices: Sequence[tuple[str, str | Promise]]) -> dict[str, str]:
    """Label or value -> value, for reading a choice column."""
    out: dict[str, str] = {}
    for value, label in choices:
        out[str(label)] = value
        out[value] = value
    return out


def label_of(choices: Sequence[tuple[str, str | Promise]], value: str) -> str:
    for v, label in choices:
        if v == value:
            return str(label)
    return value


SHEET_TITLES = {
    REGIONS: _("行政区划"),
    STATIONS: _("站点"),
    DEPUTIES: _("代表"),
    ASSIGNMENTS: _("进站安排"),
}
