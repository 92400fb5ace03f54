"""Exporting the network the actor administers to a workbook that imports back unchanged.

Every cell is written with `write_string` by a workbook that never turns strings into formulas,
numbers or links (SECURITY.md S7): a name such as "=1+1" stays the text "=1+1". Rows are
streamed (`constant_memory`), so memory does not grow with the size of the export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import translation

from liaison.accounts.jurisdiction import Actor
from liaison.deputies.choices import Gender
from liaison.deputies.models import Assignment, Deputy
from liaison.organization.choices import CongressLevel, RegionTier
from liaison.organization.models import Region, subtree_q
from liaison.stations.choices import StationKind
from liaison.stations.models import Station

from . import formats as f

WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
CHUNK = 2000


def _in_reach(actor: Actor, prefix: str) -> Q:
    """Rows whose `<prefix>path` lies in the actor's office subtrees (everything for a system admin)."""
    if actor.is_system_admin:
        return Q()
    return subtree_q(prefix, actor.office_paths)


def regions(actor: Actor) -> QuerySet[Region]:
    """Townships and communities in reach (provinces, cities and counties come from GB/T 2260)."""
    return (
        Region.objects.filter(tier__in=[RegionTier.TOWNSHIP, RegionTier.COMMUNITY])
        .filter(_in_reach(actor, ""))
        .select_related("parent")
        .order_by("code")
    )


def stations(actor: Actor) -> QuerySet[Station]:
    """Stations the actor administers (the office subtree: what an import may change)."""
    return (
        Station.objects.filter(_in_reach(actor, "region__"))
        .select_related("region", "parent__region")
        .order_by("region__code", "name", "id")
    )


def deputies(actor: Actor) -> QuerySet[Deputy]:
    """Deputies whose core record the actor edits (ARCHITECTURE.md rule 9)."""
    return (
        Deputy.objects.visible_to(actor, "change")
        .select_related("term__region", "constituency__region", "group", "delegation")
        .order_by("term__region__code", "term__level", "term__number", "certificate_no", "id")
    )


def assignments(actor: Actor) -> QuerySet[Assignment]:
    """Assignments at the stations the actor administers."""
    return (
        Assignment.objects.filter(_in_reach(actor, "station__region__"))
        .select_related("deputy__term__region", "station__region")
        .order_by(
            "deputy__term__region__code",
            "deputy__term__level",
            "deputy__term__number",
            "deputy__certificate_no",
            "station__region__code",
            "station__name",
            "start",
            "id",
        )
    )


def region_row(r: Region) -> list[str]:
    return [
        r.code,
        r.name,
        r.parent.code if r.parent else "",
        f.text_of_decimal(r.latitude),
        f.text_of_decimal(r.longitude),
    ]


def station_row(s: Station) -> list[str]:
    return [
        s.region.code,
        s.name,
        f.label_of(StationKind.choices, s.kind),
        s.parent.region.code if s.parent else "",
        s.parent.name if s.parent else "",
        s.address,
        f.text_of_decimal(s.latitude),
        f.text_of_decimal(s.longitude),
        s.phone,
        s.opening_hours,
        s.notice,
        f.text_of_bool(s.is_published),
    ]


def deputy_row(d: Deputy) -> list[str]:
    term = d.term
    return [
        term.region.code,
        f.label_of(CongressLevel.choices, term.level),
        str(term.number),
        d.certificate_no,
        d.name,
        f.label_of(Gender.choices, d.gender) if d.gender else "",
        d.constituency.region.code if d.constituency else "",
        d.constituency.name if d.constituency else "",
        d.group.name if d.group else "",
        d.delegation.name if d.delegation else "",
        d.occupation,
        d.work_phone,
        d.public_phone,
        f.text_of_bool(d.is_active),
    ]


def assignment_row(a: Assignment) -> list[str]:
    term = a.deputy.term
    return [
        term.region.code,
        f.label_of(CongressLevel.choices, term.level),
        str(term.number),
        a.deputy.certificate_no,
        a.station.region.code,
        a.station.name,
        f.text_of_date(a.start),
        f.text_of_date(a.end),
        a.end_reason,
    ]


def export_sources(actor: Actor) -> list[tuple[str, QuerySet, Callable[..., list[str]]]]:  # type: ignore[type-arg]
    return [
        (f.REGIONS, regions(actor), region_row),
        (f.STATIONS, stations(actor), station_row),
        (f.DEPUTIES, deputies(actor), deputy_row),
        (f.ASSIGNMENTS, assignments(actor), assignment_row),
    ]


def count_rows(actor: Actor) -> int:
    return sum(qs.count() for _name, qs, _row in export_sources(actor))


def sheet_rows(actor: Actor) -> Iterator[tuple[str, list[str]]]:
    """(sheet name, cells) for every row of the export, streamed in chunks."""
    for name, qs, to_row in export_sources(actor):
        for obj in qs.iterator(chunk_size=CHUNK):
            yield name, to_row(obj)


def write_workbook(actor: Actor, path: Path, progress: Callable[[int], None] = lambda _n: None) -> dict[str, int]:
    """Write the export to `path`; returns the row count of each sheet."""
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    counts: dict[str, int] = {}
    try:
        bold = workbook.add_format({"bold": True})
        for name, qs, to_row in export_sources(actor):
            ws = workbook.add_worksheet(name)
            for col, header in enumerate(f.COLUMNS[name]):
                ws.write_string(0, col, header, bold)
                ws.set_column(col, col, 16)
            row = 0
            for obj in qs.iterator(chunk_size=CHUNK):
                row += 1
                for col, value in enumerate(to_row(obj)):
                    if value:
                        ws.write_string(row, col, value)
                progress(1)
            counts[name] = row
    finally:
        workbook.close()
    return counts


def read_values(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet's cells as text (for comparing two exports in tests and checks)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return {
            ws.title: [[f.cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets
        }
    finally:
        wb.close()


# The columns whose cells must be one of a few values: the template offers them as a drop-down.
TEMPLATE_CHOICES: dict[tuple[str, str], Any] = {
    (f.STATIONS, "类型"): StationKind.choices,
    (f.STATIONS, "对外公开"): [("1", f.YES), ("0", f.NO)],
    (f.DEPUTIES, f.TERM_LEVEL): CongressLevel.choices,
    (f.DEPUTIES, "性别"): Gender.choices,
    (f.DEPUTIES, "在任"): [("1", f.YES), ("0", f.NO)],
    (f.ASSIGNMENTS, f.TERM_LEVEL): CongressLevel.choices,
}
TEMPLATE_ROWS = 5000


def write_template(target: Any) -> None:
    """An empty workbook with the four sheets' headers, text-formatted columns (so codes and
    phones keep their leading zeros) and drop-downs for the choice columns. `target` is a path
    or a binary file object."""
    # The file's language is the platform's, whatever the page's: the importer reads Chinese labels.
    with translation.override(settings.LANGUAGE_CODE):
        workbook = xlsxwriter.Workbook(target, {**WORKBOOK_OPTIONS, "constant_memory": False})
        try:
            bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
            text = workbook.add_format({"num_format": "@"})
            for name in f.SHEET_ORDER:
                ws = workbook.add_worksheet(name)
                ws.freeze_panes(1, 0)
                for col, header in enumerate(f.COLUMNS[name]):
                    ws.write_string(0, col, header, bold)
                    ws.set_column(col, col, 16, text)
                    choices = TEMPLATE_CHOICES.get((name, header))
                    if choices:
                        labels = [str(label) for _value, label in choices]
                        ws.data_validation(
                            1, col, TEMPLATE_ROWS, col, {"validate": "list", "source": labels, "ignore_blank": True}
                        )
        finally:
            workbook.close()
