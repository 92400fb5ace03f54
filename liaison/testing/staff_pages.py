"""The staff (back-office) web routes under /manage/, each with the test module that proves its
persona expectations (a neighbouring township's officer gets 404, anonymous is sent to login).
`liaison/portal/tests/test_pages.py` fails when a route is in neither this table nor its own."""

from __future__ import annotations

STAFF_PAGES: dict[str, str] = {
    "manage/deputies/": "liaison/deputies/tests/test_views.py",
    "manage/deputies/<int:deputy_id>/": "liaison/deputies/tests/test_views.py",
    "manage/stations/": "liaison/stations/tests/test_views.py",
    "manage/stations/<int:station_id>/": "liaison/stations/tests/test_views.py",
}
