"""Importing the network from a workbook: read, validate, plan, then commit all or nothing.

Validation is set-based: every lookup table (regions, stations, terms, constituencies, groups,
deputies, assignments) is loaded with one query before the rows are checked, so the number of
queries does not grow with the number of rows. The commit writes with bulk inserts and updates
in batches inside one transaction: one bad row, and nothing changes.

The rules are the services' (liaison.stations.services, liaison.deputies.services,
liaison.organization.services): the same phone and text checks, the same jurisdiction test
(`region_within_reach`), the same invariants (a point hangs under a non-point station in its
region; a deputy's level is his term's; one open assignment per deputy and station).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from liaison.accounts.jurisdiction import Actor, region_within_reach
from liaison.core.clock import now, today
from liaison.core.personal_data import normalize_phone
from liaison.core.text import clean_line, clean_text
from liaison.deputies.choices import Gender
from liaison.deputies.models import Assignment, Deputy, DeputyGroup, Term
from liaison.deputies.pinyin import pinyin_key
from liaison.organization.choices import CODE_LENGTH, CongressLevel, RegionTier
from liaison.organization.models import PATH_SEGMENT, Constituency, Region
from liaison.stations.choices import StationKind
from liaison.stations.models import Station

from . import formats as f
from .formats import Issue

BATCH = 1000
# Reading stops collecting issues past this many: the report stays readable and bounded.
MAX_ISSUES = 10_000

ProgressFn = Callable[[int], None]


def _noop(_count: int) -> None:
    return None


@dataclass
class Sheet:
    """The rows of one sheet: (row number as Excel shows it, cells in COLUMNS order)."""

    name: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def col(self, header: str) -> int:
        return f.COLUMNS[self.name].index(header)


@dataclass
class Counts:
    create: int = 0
    update: int = 0
    unchanged: int = 0
    rejected: int = 0


@dataclass
class RegionRef:
    """A region known to the import: in the database (obj.pk set) or to be created."""

    obj: Region
    path: str  # the real path, or a provisional one for a new region (for reach checks only)
    parent_code: str
    row: int = 0
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return self.obj.pk is None


@dataclass
class StationRef:
    obj: Station
    region: RegionRef
    parent_key: tuple[str, str] | None
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return str(self.obj.kind)


@dataclass
class Plan:
    """What the import would do, or why it cannot."""

    issues: list[Issue] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)
    sheets: tuple[str, ...] = ()
    rows: int = 0
    regions_new: list[RegionRef] = field(default_factory=list)
    regions_changed: list[RegionRef] = field(default_factory=list)
    stations_new: list[StationRef] = field(default_factory=list)
    stations_changed: list[StationRef] = field(default_factory=list)
    deputies_new: list[Deputy] = field(default_factory=list)
    deputies_changed: list[tuple[Deputy, dict[str, Any]]] = field(default_factory=list)
    assignments_new: list[tuple[tuple[int, str], StationRef, dt.date, dt.date | None, str]] = field(
        default_factory=list
    )
    assignments_changed: list[tuple[int, dt.date | None, str]] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues

    def report(self) -> dict[str, Any]:
        """The JSON kept on the job: counts per sheet and every issue (bounded)."""
        return {
            "sheets": list(self.sheets),
            "rows": self.rows,
            "counts": {
                name: {"create": c.create, "update": c.update, "unchanged": c.unchanged, "rejected": c.rejected}
                for name, c in self.counts.items()
            },
            "issues": [i.as_dict() for i in self.issues],
            "issue_count": len(self.issues),
            "truncated": self.truncated,
        }


# ---- reading ---------------------------------------------------------------------------------


def count_rows(path: Path) -> int:
    """The data rows the workbook declares (from its dimensions): the progress bar's total."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        return sum(max((ws.max_row or 1) - 1, 0) for ws in wb.worksheets if ws.title in f.COLUMNS)
    finally:
        wb.close()


def read_workbook(path: Path, progress: ProgressFn = _noop) -> tuple[dict[str, Sheet], list[Issue]]:
    """The sheets of the file as text, plus file-level issues (unknown sheets, bad headers,
    formulas). Streams the file (openpyxl read-only): memory does not grow with the file's
    formatting, only with its text."""
    from openpyxl import load_workbook

    issues: list[Issue] = []
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception:  # not a zip, broken XML, missing parts: all the same to the user
        return {}, [Issue("", 0, "", _("无法读取该文件，请上传由本系统导出或按模板填写的 .xlsx 文件。"))]
    sheets: dict[str, Sheet] = {}
    try:
        for ws in wb.worksheets:
            if ws.title not in f.COLUMNS:
                issues.append(
                    Issue(
                        ws.title,
                        0,
                        "",
                        _("无法识别的工作表“%(name)s”，工作表应为：%(names)s。")
                        % {"name": ws.title, "names": "、".join(f.SHEET_ORDER)},
                    )
                )
                continue
            sheet = _read_sheet(ws, issues, progress)
            if sheet is not None:
                sheets[ws.title] = sheet
    finally:
        wb.close()
    if not sheets and not issues:
        issues.append(Issue("", 0, "", _("文件中没有可导入的工作表。")))
    return sheets, issues


def _read_sheet(ws: Any, issues: list[Issue], progress: ProgressFn) -> Sheet | None:
    expected = f.COLUMNS[ws.title]
    rows = ws.iter_rows()
    header_cells = next(rows, ())
    headers = [f.cell_text(c.value).strip() for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    bad = False
    seen: set[str] = set()
    for index, header in enumerate(headers):
        if header in seen:
            issues.append(Issue(ws.title, 1, header, _("此列重复。")))
            bad = True
        elif header not in expected:
            label = header or _("第 %(n)d 列") % {"n": index + 1}
            issues.append(Issue(ws.title, 1, label, _("无法识别的列，请使用导出文件的表头。")))
            bad = True
        seen.add(header)
    for header in expected:
        if header not in seen:
            issues.append(Issue(ws.title, 1, header, _("缺少此列。")))
            bad = True
    if bad:
        return None
    position = [expected.index(h) for h in headers]
    width = len(expected)
    sheet = Sheet(ws.title)
    for number, cells in enumerate(rows, start=2):
        values = [""] * width
        empty = True
        for index, cell in enumerate(cells):
            if index >= len(position):
                break
            value = cell.value
            if value is None:
                continue
            if getattr(cell, "data_type", None) == "f":
                # Reported once, here; the formula's text stands in so no "required" follows.
                issues.append(Issue(ws.title, number, headers[index], _("不能包含公式，请填写文本。")))
            text = f.cell_text(value)
            if text.strip():
                empty = False
            values[position[index]] = text
        if not empty:
            sheet.rows.append((number, values))
        progress(1)
    return sheet


# ---- planning --------------------------------------------------------------------------------


class Planner:
    """Validates every row against the database and the other rows, and plans the writes."""

    def __init__(self, actor: Actor, sheets: dict[str, Sheet], issues: list[Issue]) -> None:
        self.actor = actor
        self.sheets = sheets
        self.plan = Plan(issues=list(issues), sheets=tuple(s for s in f.SHEET_ORDER if s in sheets))
        self.plan.rows = sum(len(s.rows) for s in sheets.values())
        self.rejected: dict[str, set[int]] = defaultdict(set)
        self.regions: dict[str, RegionRef] = {}
        self.stations: dict[tuple[str, str], StationRef] = {}
        self.ambiguous_stations: set[tuple[str, str]] = set()
        self.terms: dict[tuple[str, str, int], Term] = {}
        self.deputy_keys: set[tuple[int, str]] = set()
        self._new_paths = 0
        self.levels = f.choice_lookup(CongressLevel.choices)
        self.kinds = f.choice_lookup(StationKind.choices)
        self.genders = f.choice_lookup(Gender.choices)

    # -- helpers

    def error(self, sheet: str, row: int, column: str, reason: str) -> None:
        self.rejected[sheet].add(row)
        if len(self.plan.issues) < MAX_ISSUES:
            self.plan.issues.append(Issue(sheet, row, column, reason))
        else:
            self.plan.truncated = True

    def line(self, sheet: str, row: int, column: str, value: str, *, model: type[models.Model], fieldname: str) -> str:
        """A one-line text cell: cleaned, length-checked against the model."""
        try:
            value = clean_line(value)
        except ValueError as exc:
            self.error(sheet, row, column, str(exc))
            return ""
        limit = getattr(model._meta.get_field(fieldname), "max_length", None)
        if limit and len(value) > limit:
            self.error(sheet, row, column, _("不能超过 %(n)d 个字符。") % {"n": limit})
        return value

    def required(self, sheet: str, row: int, column: str, value: str) -> bool:
        if not value:
            self.error(sheet, row, column, _("必填。"))
            return False
        return True

    def phone(self, sheet: str, row: int, column: str, value: str) -> str:
        if not value.strip():
            return ""
        try:
            return normalize_phone(value)
        except ValidationError as exc:
            self.error(sheet, row, column, " ".join(exc.messages))
            return ""

    def coordinate(self, sheet: str, row: int, column: str, value: str, bound: int) -> Decimal | None:
        if not value.strip():
            return None
        number = f.parse_decimal(value)
        if number is None or not (-bound <= number <= bound):
            self.error(sheet, row, column, _("应为 -%(b)d 到 %(b)d 之间的数字。") % {"b": bound})
            return None
        return number.quantize(Decimal("0.000001"))

    def reachable(self, path: str) -> bool:
        return region_within_reach(self.actor, path)

    def duplicates(self, sheet: str, keys: Iterable[tuple[int, Any]], column: str, reason: str) -> set[int]:
        """Rows whose key appears twice or more in the sheet: an error on each of them."""
        by_key: dict[Any, list[int]] = defaultdict(list)
        for row, key in keys:
            by_key[key].append(row)
        rows: set[int] = set()
        for numbers in by_key.values():
            if len(numbers) > 1:
                for number in numbers:
                    others = "、".join(str(n) for n in numbers if n != number)
                    self.error(sheet, number, column, reason % {"rows": others})
                    rows.add(number)
        return rows

    def count(self, sheet: str) -> Counts:
        return self.plan.counts.setdefault(sheet, Counts())

    # -- lookups, one query each

    def _load_regions(self) -> None:
        codes: set[str] = set()
        for name, columns in (
            (f.REGIONS, ("区划代码", "上级区划代码")),
            (f.STATIONS, ("所在区划代码", "所属站点区划代码")),
            (f.DEPUTIES, (f.TERM_REGION, "选区区划代码")),
            (f.ASSIGNMENTS, (f.TERM_REGION, "站点区划代码")),
        ):
            sheet = self.sheets.get(name)
            if sheet is None:
                continue
            indexes = [sheet.col(c) for c in columns]
            for _row, cells in sheet.rows:
                codes.update(cells[i].strip() for i in indexes)
        codes.discard("")
        for region in Region.objects.filter(code__in=codes).select_related("parent"):
            parent_code = region.parent.code if region.parent else ""
            self.regions[region.code] = RegionRef(region, region.path, parent_code)

    def _load_stations(self) -> None:
        codes = {code for code, ref in self.regions.items() if not ref.is_new}
        seen: set[tuple[str, str]] = set()
        for station in Station.objects.filter(region__code__in=codes).select_related("region", "parent__region"):
            key = (station.region.code, station.name)
            if key in seen:
                self.ambiguous_stations.add(key)
            seen.add(key)
            parent_key = (station.parent.region.code, station.parent.name) if station.parent else None
            self.stations[key] = StationRef(station, self.regions[station.region.code], parent_key)

    # -- the sheets

    def run(self) -> Plan:
        self._load_regions()
        self._plan_regions()
        self._load_stations()
        self._plan_stations()
        self._plan_deputies()
        self._plan_assignments()
        for name, rows in self.rejected.items():
            if name in self.plan.counts:
                self.plan.counts[name].rejected = len(rows)
        self.plan.issues.sort(key=lambda i: (f.SHEET_ORDER.index(i.sheet) if i.sheet in f.SHEET_ORDER else -1, i.row))
        return self.plan

    def _plan_regions(self) -> None:
        sheet = self.sheets.get(f.REGIONS)
        if sheet is None:
            return
        S = f.REGIONS
        counts = self.count(S)
        rows = sheet.rows
        dupes = self.duplicates(
            S, ((n, c[0].strip()) for n, c in rows if c[0].strip()), "区划代码", _("区划代码与第 %(rows)s 行重复。")
        )
        # Townships before communities, so a new township can parent a new community.
        for number, cells in sorted(rows, key=lambda r: len(r[1][0].strip())):
            code, parent_code = cells[0].strip(), cells[2].strip()
            name = self.line(S, number, "名称", cells[1], model=Region, fieldname="name")
            self.required(S, number, "名称", name)
            latitude = self.coordinate(S, number, "纬度", cells[3], 90)
            longitude = self.coordinate(S, number, "经度", cells[4], 180)
            if not self.required(S, number, "区划代码", code) or number in dupes:
                continue
            tier = {9: RegionTier.TOWNSHIP, 12: RegionTier.COMMUNITY}.get(len(code))
            if tier is None or not code.isdigit():
                self.error(S, number, "区划代码", _("只能导入街道乡镇（9 位数字）或社区村（12 位数字）的区划代码。"))
                continue
            parent = self.regions.get(parent_code)
            parent_tier = RegionTier.COUNTY if tier == RegionTier.TOWNSHIP else RegionTier.TOWNSHIP
            if parent is None:
                self.error(S, number, "上级区划代码", _("未知的区划代码 %(code)s。") % {"code": parent_code or "-"})
                continue
            if parent.obj.tier != parent_tier or len(parent_code) != CODE_LENGTH[parent_tier]:
                self.error(S, number, "上级区划代码", _("上级区划应为%(tier)s。") % {"tier": parent_tier.label})
                continue
            if not code.startswith(parent_code):
                self.error(S, number, "区划代码", _("区划代码应以上级代码 %(code)s 开头。") % {"code": parent_code})
                continue
            existing = self.regions.get(code)
            if existing is not None and not existing.is_new:
                if existing.parent_code != parent_code:
                    self.error(S, number, "上级区划代码", _("不能通过导入更改上级区划。"))
                    continue
                if not self.reachable(existing.path):
                    self.error(S, number, "区划代码", _("该区划不在您的管辖范围内。"))
                    continue
                if number in self.rejected[S]:
                    continue
                values = {"name": name, "latitude": latitude, "longitude": longitude}
                changes = {k: v for k, v in values.items() if getattr(existing.obj, k) != v}
                if changes:
                    existing.changes = changes
                    existing.row = number
                    self.plan.regions_changed.append(existing)
                    counts.update += 1
                else:
                    counts.unchanged += 1
                continue
            if not self.reachable(parent.path):
                self.error(S, number, "区划代码", _("该区划不在您的管辖范围内。"))
                continue
            if number in self.rejected[S]:
                continue
            self._new_paths += 1
            provisional = parent.path + f"n{self._new_paths:0{PATH_SEGMENT - 1}d}"
            obj = Region(code=code, name=name, tier=tier, parent=parent.obj, latitude=latitude, longitude=longitude)
            ref = RegionRef(obj, provisional, parent_code, row=number)
            self.regions[code] = ref
            self.plan.regions_new.append(ref)
            counts.create += 1

    def _station_key(
        self, S: str, number: int, code: str, name: str, code_col: str, name_col: str
    ) -> StationRef | None:
        key = (code, name)
        if key in self.ambiguous_stations:
            self.error(S, number, name_col, _("系统中有多个同名站点，无法确定是哪一个。"))
            return None
        ref = self.stations.get(key)
        if ref is None:
            if code not in self.regions:
                self.error(S, number, code_col, _("未知的区划代码 %(code)s。") % {"code": code})
            else:
                self.error(S, number, name_col, _("未找到站点“%(name)s”。") % {"name": name})
        return ref

    def _plan_stations(self) -> None:
        sheet = self.sheets.get(f.STATIONS)
        if sheet is None:
            return
        S = f.STATIONS
        counts = self.count(S)
        keys = [(n, (c[0].strip(), clean_or_raw(c[1]))) for n, c in sheet.rows if c[0].strip() and c[1].strip()]
        dupes = self.duplicates(S, keys, "名称", _("同一区划下的站点名称与第 %(rows)s 行重复。"))
        parsed: list[tuple[int, tuple[str, str], dict[str, Any], tuple[str, str] | None]] = []
        for number, cells in sheet.rows:
            code = cells[0].strip()
            name = self.line(S, number, "名称", cells[1], model=Station, fieldname="name")
            self.required(S, number, "名称", name)
            kind = self.kinds.get(cells[2].strip())
            if kind is None:
                self.error(
                    S,
                    number,
                    "类型",
                    _("类型应为：%(v)s。") % {"v": "、".join(str(lbl) for _v, lbl in StationKind.choices)},
                )
            parent_code, parent_name = cells[3].strip(), clean_or_raw(cells[4])
            if bool(parent_code) != bool(parent_name):
                self.error(S, number, "所属站点名称", _("所属站点的区划代码和名称须同时填写或同时留空。"))
            published = f.parse_bool(cells[11], default=True)
            if published is None:
                self.error(S, number, "对外公开", _("请填写“是”或“否”。"))
            try:
                notice = clean_text(cells[10])
            except ValueError as exc:
                self.error(S, number, "公示栏", str(exc))
                notice = ""
            values: dict[str, Any] = {
                "name": name,
                "kind": kind,
                "address": self.line(S, number, "地址", cells[5], model=Station, fieldname="address"),
                "latitude": self.coordinate(S, number, "纬度", cells[6], 90),
                "longitude": self.coordinate(S, number, "经度", cells[7], 180),
                "phone": self.phone(S, number, "联系电话", cells[8]),
                "opening_hours": self.line(S, number, "开放时间", cells[9], model=Station, fieldname="opening_hours"),
                "notice": notice,
                "is_published": published,
            }
            region = self.regions.get(code)
            if not self.required(S, number, "所在区划代码", code):
                continue
            if region is None:
                self.error(S, number, "所在区划代码", _("未知的区划代码 %(code)s。") % {"code": code})
                continue
            if not self.reachable(region.path):
                self.error(S, number, "所在区划代码", _("该区划不在您的管辖范围内。"))
                continue
            key = (code, name)
            if key in self.ambiguous_stations:
                self.error(S, number, "名称", _("系统中有多个同名站点，无法确定是哪一个。"))
                continue
            if number in dupes:
                continue
            parsed.append((number, key, values, (parent_code, parent_name) if parent_code and parent_name else None))
            if key not in self.stations:
                # Registered now, so that a point further down may hang under a new station.
                obj = Station(region=region.obj, **values)
                self.stations[key] = StationRef(obj, region, None)
        for number, key, values, parent_key in parsed:
            ref = self.stations[key]
            parent: StationRef | None = None
            kind = values["kind"]
            if parent_key is not None:
                parent = self._station_key(S, number, parent_key[0], parent_key[1], "所属站点区划代码", "所属站点名称")
            if kind == StationKind.POINT:
                if parent_key is None:
                    self.error(S, number, "所属站点名称", _("联络点必须填写所属的联络站或代表之家。"))
                elif parent is not None:
                    if parent.kind == StationKind.POINT:
                        self.error(
                            S, number, "所属站点名称", _("联络点只能隶属于联络站或代表之家，不能隶属于另一个联络点。")
                        )
                    elif not ref.region.path.startswith(parent.region.path):
                        self.error(S, number, "所属站点名称", _("联络点应位于所属站点的区划之内。"))
            elif kind is not None and parent_key is not None:
                self.error(S, number, "所属站点名称", _("只有联络点可以填写所属站点。"))
            if number in self.rejected[S]:
                continue
            if ref.obj.pk is None:
                ref.obj.parent = parent.obj if parent else None
                ref.parent_key = parent_key
                self.plan.stations_new.append(ref)
                counts.create += 1
                continue
            changes = {k: v for k, v in values.items() if k != "name" and getattr(ref.obj, k) != v}
            if ref.parent_key != parent_key:
                changes["parent"] = parent.obj if parent else None
            if changes:
                ref.changes = changes
                self.plan.stations_changed.append(ref)
                counts.update += 1
            else:
                counts.unchanged += 1

    def _term(self, S: str, number: int, cells: list[str]) -> Term | None:
        code, level_text, number_text = cells[0].strip(), cells[1].strip(), cells[2].strip()
        ok = all(
            self.required(S, number, c, v)
            for c, v in ((f.TERM_REGION, code), (f.TERM_LEVEL, level_text), (f.TERM_NUMBER, number_text))
        )
        if not ok:
            return None
        level = self.levels.get(level_text)
        if level is None:
            self.error(
                S,
                number,
                f.TERM_LEVEL,
                _("人大层级应为：%(v)s。") % {"v": "、".join(str(lbl) for _v, lbl in CongressLevel.choices)},
            )
        if code not in self.regions:
            self.error(S, number, f.TERM_REGION, _("未知的区划代码 %(code)s。") % {"code": code})
        if not number_text.isdigit():
            self.error(S, number, f.TERM_NUMBER, _("届次应为数字。"))
            return None
        if level is None or code not in self.regions:
            return None
        term = self.terms.get((code, level, int(number_text)))
        if term is None:
            self.error(
                S,
                number,
                f.TERM_NUMBER,
                _("未找到该届：%(code)s %(level)s人大第 %(n)s 届。")
                % {"code": code, "level": level_text, "n": number_text},
            )
        return term

    def _load_deputy_tables(
        self,
    ) -> tuple[
        dict[tuple[int, str], Deputy], dict[tuple[str, str], list[Constituency]], dict[tuple[int, str], DeputyGroup]
    ]:
        codes = {
            cells[0].strip()
            for name in (f.DEPUTIES, f.ASSIGNMENTS)
            if name in self.sheets
            for _n, cells in self.sheets[name].rows
        }
        for term in Term.objects.filter(region__code__in=codes).select_related("region"):
            self.terms[(term.region.code, term.level, term.number)] = term
        term_ids = [t.pk for t in self.terms.values()]
        deputies = {
            (d.term_id, d.certificate_no): d
            for d in Deputy.objects.filter(term_id__in=term_ids).select_related("constituency__region")
        }
        constituencies: dict[tuple[str, str], list[Constituency]] = defaultdict(list)
        if f.DEPUTIES in self.sheets:
            sheet = self.sheets[f.DEPUTIES]
            con_codes = {cells[6].strip() for _n, cells in sheet.rows} - {""}
            for con in Constituency.objects.filter(region__code__in=con_codes).select_related("region"):
                constituencies[(con.region.code, con.name)].append(con)
        groups = {(g.term_id, g.name): g for g in DeputyGroup.objects.filter(term_id__in=term_ids)}
        return deputies, constituencies, groups

    def _plan_deputies(self) -> None:
        deputies, constituencies, groups = self._load_deputy_tables()
        self.existing_deputies = deputies
        sheet = self.sheets.get(f.DEPUTIES)
        if sheet is None:
            return
        S = f.DEPUTIES
        counts = self.count(S)
        keys = [(n, tuple(c[i].strip() for i in range(4))) for n, c in sheet.rows if c[3].strip()]
        dupes = self.duplicates(S, keys, f.CERTIFICATE, _("本届代表证号与第 %(rows)s 行重复。"))
        for number, cells in sheet.rows:
            term = self._term(S, number, cells)
            cert = self.line(S, number, f.CERTIFICATE, cells[3], model=Deputy, fieldname="certificate_no")
            self.required(S, number, f.CERTIFICATE, cert)
            name = self.line(S, number, "姓名", cells[4], model=Deputy, fieldname="name")
            self.required(S, number, "姓名", name)
            gender = self.genders.get(cells[5].strip()) if cells[5].strip() else ""
            if gender is None:
                self.error(S, number, "性别", _("性别应为“男”或“女”，也可留空。"))
            active = f.parse_bool(cells[13], default=True)
            if active is None:
                self.error(S, number, "在任", _("请填写“是”或“否”。"))
            values: dict[str, Any] = {
                "name": name,
                "gender": gender or "",
                "occupation": self.line(S, number, "职业与单位", cells[10], model=Deputy, fieldname="occupation"),
                "work_phone": self.phone(S, number, "工作电话", cells[11]),
                "public_phone": self.phone(S, number, "公开联系电话", cells[12]),
                "is_active": active,
                "constituency": None,
                "group": None,
                "delegation": None,
            }
            con_code, con_name = cells[6].strip(), cells[7].strip()
            if bool(con_code) != bool(con_name):
                self.error(S, number, "选区名称", _("选区的区划代码和名称须同时填写或同时留空。"))
            elif con_code:
                found = constituencies.get((con_code, con_name), [])
                if term is not None:
                    matching = [c for c in found if c.level == term.level]
                    if not found:
                        self.error(S, number, "选区名称", _("未找到选区“%(name)s”。") % {"name": con_name})
                    elif not matching:
                        self.error(S, number, "选区名称", _("选区的人大层级与代表所属的届不一致。"))
                    else:
                        values["constituency"] = matching[0]
            if term is not None:
                for key, column in (("group", "代表小组"), ("delegation", "代表团")):
                    group_name = cells[8 if key == "group" else 9].strip()
                    if group_name:
                        group = groups.get((term.pk, group_name))
                        if group is None:
                            self.error(S, number, column, _("本届没有名为“%(name)s”的小组。") % {"name": group_name})
                        values[key] = group
            if term is None or number in dupes or number in self.rejected[S]:
                continue
            edit_path = values["constituency"].region.path if values["constituency"] else term.region.path
            existing = deputies.get((term.pk, cert))
            if existing is not None:
                old_path = existing.constituency.region.path if existing.constituency else term.region.path
                if not self.reachable(old_path):
                    self.error(S, number, f.CERTIFICATE, _("该代表不在您的管辖范围内。"))
                    continue
            if not self.reachable(edit_path):
                column = "选区名称" if values["constituency"] else f.TERM_REGION
                self.error(S, number, column, _("该代表的选区不在您的管辖范围内。"))
                continue
            self.deputy_keys.add((term.pk, cert))
            if existing is None:
                self.plan.deputies_new.append(
                    Deputy(term=term, certificate_no=cert, level=term.level, name_pinyin=pinyin_key(name), **values)
                )
                counts.create += 1
                continue
            changes = {k: v for k, v in values.items() if getattr(existing, k) != v}
            if changes:
                if "name" in changes:
                    changes["name_pinyin"] = pinyin_key(name)
                self.plan.deputies_changed.append((existing, changes))
                counts.update += 1
            else:
                counts.unchanged += 1

    def _plan_assignments(self) -> None:
        sheet = self.sheets.get(f.ASSIGNMENTS)
        if sheet is None:
            return
        S = f.ASSIGNMENTS
        counts = self.count(S)
        deputies = self.existing_deputies
        deputy_key_by_id = {d.pk: k for k, d in deputies.items()}
        station_key_by_id = {ref.obj.pk: key for key, ref in self.stations.items() if ref.obj.pk}
        existing: dict[tuple[Any, ...], Any] = {}
        open_pairs: Counter[tuple[Any, ...]] = Counter()
        for row in Assignment.objects.filter(deputy__term_id__in=[t.pk for t in self.terms.values()]).values(
            "id", "deputy_id", "station_id", "start", "end", "end_reason"
        ):
            dkey = deputy_key_by_id.get(row["deputy_id"])
            skey = station_key_by_id.get(row["station_id"])
            if dkey is None or skey is None:
                continue
            existing[(dkey, skey, row["start"])] = row
            if row["end"] is None:
                open_pairs[(dkey, skey)] += 1
        keys = [(n, tuple(c[i].strip() for i in (0, 1, 2, 3, 4, 5, 6))) for n, c in sheet.rows]
        dupes = self.duplicates(S, keys, "进站日期", _("同一代表在同一站点的同一进站日期与第 %(rows)s 行重复。"))
        latest = today() + dt.timedelta(days=366)
        planned_open: Counter[tuple[Any, ...]] = Counter()
        for number, cells in sheet.rows:
            term = self._term(S, number, cells)
            cert = cells[3].strip()
            self.required(S, number, f.CERTIFICATE, cert)
            code, station_name = cells[4].strip(), cells[5].strip()
            station: StationRef | None = None
            if self.required(S, number, "站点区划代码", code) and self.required(S, number, "站点名称", station_name):
                station = self._station_key(S, number, code, station_name, "站点区划代码", "站点名称")
            start = f.parse_date(cells[6]) if cells[6].strip() else None
            if self.required(S, number, "进站日期", cells[6].strip()) and start is None:
                self.error(S, number, "进站日期", _("日期格式应为 2024-03-01。"))
            end = f.parse_date(cells[7]) if cells[7].strip() else None
            if cells[7].strip() and end is None:
                self.error(S, number, "离站日期", _("日期格式应为 2024-03-01。"))
            reason = self.line(S, number, "离站原因", cells[8], model=Assignment, fieldname="end_reason")
            if start is not None and start > latest:
                self.error(S, number, "进站日期", _("进站日期不能晚于一年以后。"))
            if start is not None and end is not None and end < start:
                self.error(S, number, "离站日期", _("离站日期不能早于进站日期。"))
            if term is None or not cert:
                continue
            dkey = (term.pk, cert)
            if dkey not in deputies and dkey not in self.deputy_keys:
                self.error(S, number, f.CERTIFICATE, _("未找到该代表，请先在“代表”表中登记。"))
                continue
            if station is None or start is None or number in dupes or number in self.rejected[S]:
                continue
            if not self.reachable(station.region.path):
                self.error(S, number, "站点名称", _("该站点不在您的管辖范围内。"))
                continue
            skey = (code, station_name)
            current = existing.get((dkey, skey, start))
            if current is None:
                if end is None:
                    if open_pairs[(dkey, skey)] or planned_open[(dkey, skey)]:
                        self.error(S, number, "站点名称", _("该代表已在此站点，无需重复安排。"))
                        continue
                    planned_open[(dkey, skey)] += 1
                self.plan.assignments_new.append((dkey, station, start, end, reason))
                counts.create += 1
                continue
            if (current["end"], current["end_reason"]) != (end, reason):
                if current["end"] is not None and end is None and open_pairs[(dkey, skey)]:
                    self.error(S, number, "离站日期", _("该代表已在此站点，无需重复安排。"))
                    continue
                self.plan.assignments_changed.append((current["id"], end, reason))
                counts.update += 1
            else:
                counts.unchanged += 1


def clean_or_raw(value: str) -> str:
    """A name as the planner compares it (NFC, trimmed); raw when it has control characters."""
    try:
        return clean_line(value)
    except ValueError:
        return value.strip()


def plan_import(*, actor: Actor, path: Path, progress: ProgressFn = _noop) -> Plan:
    """Read and validate the file; the plan says what a commit would do, or lists every issue."""
    sheets, issues = read_workbook(path, progress)
    if any(i.row <= 1 for i in issues) and not sheets:
        return Plan(issues=issues)
    return Planner(actor, sheets, issues).run()


# ---- committing ------------------------------------------------------------------------------


def _ids_required(rows: list[Any]) -> None:
    if any(r.pk is None for r in rows):
        raise RuntimeError("the database did not return the ids of bulk-inserted rows")


@transaction.atomic
def commit_plan(plan: Plan) -> None:
    """Write the plan in one transaction, set-based: bulk inserts and updates in batches."""
    if not plan.ok:
        raise ValueError("a plan with issues cannot be committed")
    stamp = now()
    # Regions, tier by tier, each getting its materialized path as regions_load_gbt2260 does.
    for tier in (RegionTier.TOWNSHIP, RegionTier.COMMUNITY):
        refs = [r for r in plan.regions_new if r.obj.tier == tier]
        if not refs:
            continue
        Region.objects.bulk_create([r.obj for r in refs], batch_size=BATCH)
        _ids_required([r.obj for r in refs])
        for ref in refs:
            parent = ref.obj.parent
            assert parent is not None
            ref.obj.path = parent.path + str(ref.obj.pk).zfill(PATH_SEGMENT)
            ref.path = ref.obj.path
        Region.objects.bulk_update([r.obj for r in refs], ["path"], batch_size=BATCH)
    if plan.regions_changed:
        for ref in plan.regions_changed:
            for key, value in ref.changes.items():
                setattr(ref.obj, key, value)
            ref.obj.updated_at = stamp
        Region.objects.bulk_update(
            [r.obj for r in plan.regions_changed], ["name", "latitude", "longitude", "updated_at"], batch_size=BATCH
        )
    # Stations before points: a new point's parent may be new too.
    for points in (False, True):
        objs = [r.obj for r in plan.stations_new if (r.kind == StationKind.POINT) == points]
        for obj in objs:
            obj.region = obj.region  # re-read the (now saved) region's id
        if objs:
            Station.objects.bulk_create(objs, batch_size=BATCH)
            _ids_required(objs)
    if plan.stations_changed:
        fields: set[str] = {"version", "updated_at"}
        for station_ref in plan.stations_changed:
            for key, value in station_ref.changes.items():
                setattr(station_ref.obj, key, value)
                fields.add(key)
            # An open edit form on this station gets a 409 rather than overwriting the import.
            station_ref.obj.version += 1
            station_ref.obj.updated_at = stamp
        Station.objects.bulk_update([r.obj for r in plan.stations_changed], sorted(fields), batch_size=BATCH)
    if plan.deputies_new:
        Deputy.objects.bulk_create(plan.deputies_new, batch_size=BATCH)
        _ids_required(plan.deputies_new)
    if plan.deputies_changed:
        fields = {"version", "updated_at"}
        changed = []
        for deputy, changes in plan.deputies_changed:
            for key, value in changes.items():
                setattr(deputy, key, value)
                fields.add(key)
            deputy.version += 1
            deputy.updated_at = stamp
            changed.append(deputy)
        Deputy.objects.bulk_update(changed, sorted(fields), batch_size=BATCH)
    if plan.assignments_new or plan.assignments_changed:
        deputy_ids = _deputy_ids({k for k, *_rest in plan.assignments_new})
        Assignment.objects.bulk_create(
            [
                Assignment(deputy_id=deputy_ids[dkey], station=station.obj, start=start, end=end, end_reason=reason)
                for dkey, station, start, end, reason in plan.assignments_new
            ],
            batch_size=BATCH,
        )
        Assignment.objects.bulk_update(
            [Assignment(pk=pk, end=end, end_reason=reason) for pk, end, reason in plan.assignments_changed],
            ["end", "end_reason"],
            batch_size=BATCH,
        )


def _deputy_ids(keys: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """Deputy ids by (term id, certificate number), one query per term."""
    by_term: dict[int, set[str]] = defaultdict(set)
    for term_id, cert in keys:
        by_term[term_id].add(cert)
    out: dict[tuple[int, str], int] = {}
    for term_id in by_term:
        for pk, cert in Deputy.objects.filter(term_id=term_id).values_list("id", "certificate_no"):
            if cert in by_term[term_id]:
                out[(term_id, cert)] = pk
    return out
