"""Station positions drawn from our own data: an inline SVG sketch, no tiles, no external map."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from liaison.stations.models import Station

WIDTH = 320
PADDING = 32  # room for a marker's touch area (r = 28) at the edge
MIN_HEIGHT = 180
MAX_HEIGHT = 320


@dataclass(frozen=True)
class Marker:
    number: int
    station: Station
    x: str
    y: str
    label_y: str


@dataclass
class StationMap:
    """Markers in SVG user units (strings: templates would localise floats) and the stations without a position."""

    width: int = WIDTH
    height: int = MIN_HEIGHT
    markers: list[Marker] = field(default_factory=list)
    unplaced: list[Station] = field(default_factory=list)

    def numbered(self, stations: Sequence[Station]) -> list[tuple[Station, int | None]]:
        """The stations with their marker's number (None: not drawn), for the list beside the sketch."""
        numbers = {m.station.pk: m.number for m in self.markers}
        return [(s, numbers.get(s.pk)) for s in stations]


def station_map(stations: Sequence[Station]) -> StationMap:
    """Project the stations' positions into a box fitted to them; the drawn ones are numbered as listed (from 1)."""
    placed: list[tuple[int, Station, float, float]] = []
    unplaced: list[Station] = []
    for station in stations:
        if station.latitude is None or station.longitude is None:
            unplaced.append(station)
        else:
            placed.append((len(placed) + 1, station, float(station.latitude), float(station.longitude)))
    out = StationMap(unplaced=unplaced)
    if not placed:
        return out
    # Equirectangular with the longitude shrunk by cos(latitude): true to shape over a county.
    mean_lat = sum(lat for _, _, lat, _ in placed) / len(placed)
    shrink = math.cos(math.radians(mean_lat))
    xs = [lng * shrink for _, _, _, lng in placed]
    ys = [-lat for _, _, lat, _ in placed]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    inner_w = WIDTH - 2 * PADDING
    if span_x > 0:
        height = round(min(MAX_HEIGHT, max(MIN_HEIGHT, 2 * PADDING + inner_w * span_y / span_x)))
    else:
        height = MIN_HEIGHT if span_y == 0 else MAX_HEIGHT
    inner_h = height - 2 * PADDING
    scales = [s for s in (inner_w / span_x if span_x else 0, inner_h / span_y if span_y else 0) if s]
    scale = min(scales) if scales else 0.0
    # Centre the drawing: a single station (or several at one spot) sits in the middle.
    offset_x = (WIDTH - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2
    out.height = height
    for (number, station, _, _), x, y in zip(placed, xs, ys, strict=True):
        px = offset_x + (x - min(xs)) * scale
        py = offset_y + (y - min(ys)) * scale
        out.markers.append(Marker(number, station, f"{px:.1f}", f"{py:.1f}", f"{py + 5:.1f}"))
    return out
