"""Building workbooks for the import tests."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from liaison.exchange import formats as f
from liaison.exchange.exporters import WORKBOOK_OPTIONS, read_values

# A new county deputy of 千峰 (in the 千峰 officer's reach) and his assignment to 千峰's station.
NEW_DEPUTY = [
    "140109",
    "县级",
    "17",
    "WBL17-900",
    "钱新代",
    "男",
    "140109001",
    "千峰第1选区",
    "",
    "",
    "",
    "13911112222",
    "",
    "是",
]
NEW_ASSIGNMENT = ["140109", "县级", "17", "WBL17-900", "140109001", "千峰街道人大代表联络站", "2025-01-01", "", ""]


def write_book(path: Path, sheets: dict[str, list[list[str]]], *, headers: bool = True) -> Path:
    """A workbook with these sheets; each sheet's header row is added unless `headers` is False."""
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    for name, rows in sheets.items():
        ws = workbook.add_worksheet(name)
        all_rows = ([list(f.COLUMNS[name])] if headers else []) + rows
        for r, row in enumerate(all_rows):
            for c, value in enumerate(row):
                if value:
                    ws.write_string(r, c, value)
    workbook.close()
    return path


def sheets_of(path: Path) -> dict[str, list[list[str]]]:
    """The sheets of a workbook without their header rows (as write_book takes them)."""
    return {name: rows[1:] for name, rows in read_values(path).items()}


def deputy_rows(n: int, *, start: int = 1000) -> list[list[str]]:
    """`n` new 千峰 county deputies with distinct certificate numbers."""
    rows = []
    for i in range(n):
        row = list(NEW_DEPUTY)
        row[3] = f"WBL17-{start + i}"
        row[4] = f"代表{i}"
        row[11] = f"139{start + i:08d}"
        rows.append(row)
    return rows
